"""API authentication: bearer tokens for machines, the session for the browser."""

from typing import Any

import pytest
from django.test import Client

from cchc.accounts.models import ApiToken, User
from cchc.accounts.services import api_token_create, api_token_revoke
from cchc.accounts.tests.factories import TEST_PASSWORD

PROBLEM = "application/problem+json"


def _bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.mark.parametrize("path", ["/api/v1/units", "/api/v1/units/tree", "/api/v1/units/P"])
def test_without_credentials_every_endpoint_is_401_problem(client: Client, tree: Any, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"] == 'Bearer realm="cchc"'
    assert response.json() == {
        "type": "urn:cchc:problem:unauthenticated",
        "title": "Chưa xác thực",
        "status": 401,
        "detail": "Cần đăng nhập hoặc gửi mã truy cập (Authorization: Bearer …).",
        "instance": path,
        "code": "unauthenticated",
    }


def test_bearer_token_authenticates_as_its_user(client: Client, focal_a: User) -> None:
    token, raw = api_token_create(actor=focal_a, user=focal_a, name="Hệ thống một cửa")
    assert token.last_used_at is None

    response = client.get("/api/v1/units", **_bearer(raw))

    assert response.status_code == 200
    assert [item["code"] for item in response.json()["items"]] == ["SA", "SA-1"]
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_bearer_token_is_held_to_its_users_scope(client: Client, focal_a: User) -> None:
    _token, raw = api_token_create(actor=focal_a, user=focal_a, name="tích hợp")

    assert client.get("/api/v1/units/SA-1", **_bearer(raw)).status_code == 200
    assert client.get("/api/v1/units/SB", **_bearer(raw)).status_code == 404


def test_revoked_token_is_401(client: Client, focal_a: User) -> None:
    token, raw = api_token_create(actor=focal_a, user=focal_a, name="cũ")
    api_token_revoke(actor=focal_a, token=token)

    response = client.get("/api/v1/units", **_bearer(raw))

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_token_of_an_inactive_user_is_401(client: Client, focal_a: User) -> None:
    _token, raw = api_token_create(actor=None, user=focal_a, name="máy chủ")
    User.objects.filter(pk=focal_a.pk).update(is_active=False)

    assert client.get("/api/v1/units", **_bearer(raw)).status_code == 401


@pytest.mark.parametrize(
    "header",
    [
        "Bearer cchc_khong-phai-ma-that",
        "Bearer ",
        "Token abc",
        "Basic dXNlcjpwYXNz",
    ],
)
def test_unknown_or_malformed_credentials_are_401(client: Client, tree: Any, header: str) -> None:
    response = client.get("/api/v1/units", HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM


def test_token_digest_is_not_a_token(client: Client, focal_a: User) -> None:
    token, _raw = api_token_create(actor=focal_a, user=focal_a, name="x")

    assert client.get("/api/v1/units", **_bearer(token.digest)).status_code == 401
    assert ApiToken.objects.filter(pk=token.pk, last_used_at__isnull=True).exists()


def test_session_authenticates_the_browser(client: Client, focal_a: User) -> None:
    client.force_login(focal_a)

    assert client.get("/api/v1/units").status_code == 200


def test_site_refuses_a_login_post_without_csrf_token(tree: Any, focal_a: User) -> None:
    browser = Client(enforce_csrf_checks=True)

    response = browser.post("/login/", {"username": focal_a.username, "password": TEST_PASSWORD})

    assert response.status_code == 403
    assert "_auth_user_id" not in browser.session
    assert "Phiên làm việc đã hết hạn" in response.content.decode()


def test_site_accepts_a_login_post_with_its_csrf_token(tree: Any, focal_a: User) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.get("/login/")
    token = browser.cookies["csrftoken"].value

    response = browser.post(
        "/login/", {"username": focal_a.username, "password": TEST_PASSWORD, "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302
    assert browser.session["_auth_user_id"] == str(focal_a.pk)

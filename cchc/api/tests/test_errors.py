"""Problem JSON for every kind of error, through a probe API built like the real one.

The real API has no writes yet, so the probe carries the endpoints that raise
domain errors and accept a POST; it uses the real authentication and handlers.
"""

import json
from typing import Any

import pytest
from django.http import HttpRequest
from django.test import Client
from django.urls import include, path
from ninja import Router

from cchc.accounts.auth import session_auth, token_auth
from cchc.accounts.models import User
from cchc.accounts.services import api_token_create
from cchc.api import errors
from cchc.api.api import CchcAPI
from cchc.core.errors import ApplicationError, ConflictError, PermissionDeniedError

PROBLEM = "application/problem+json"

probe = Router()


@probe.get("/application-error", operation_id="probe_application_error")
def application_error(request: HttpRequest) -> None:
    raise ApplicationError(
        "Dòng 7, cột 'Mã đơn vị': mã SZ không tồn tại.",
        code="plans.unknown_unit",
        extra={"line": 7, "status": 999, "type": "ghi đè"},
    )


@probe.get("/forbidden", operation_id="probe_forbidden")
def forbidden(request: HttpRequest) -> None:
    raise PermissionDeniedError("Bạn không được duyệt báo cáo này.", code="reports.forbidden")


@probe.get("/conflict", operation_id="probe_conflict")
def conflict(request: HttpRequest) -> None:
    raise ConflictError("Báo cáo đã được người khác sửa.", code="reports.stale")


@probe.get("/crash", operation_id="probe_crash")
def crash(request: HttpRequest) -> None:
    raise RuntimeError("mật khẩu cơ sở dữ liệu là hunter2")


@probe.post("/echo", operation_id="probe_echo")
def echo(request: HttpRequest) -> dict[str, str]:
    return {"user": request.user.get_username()}


probe_api = CchcAPI(urls_namespace="probe_api", auth=[token_auth, session_auth])
errors.install(probe_api)
probe_api.add_router("/", probe)

urlpatterns = [path("probe/", probe_api.urls), path("", include("config.urls"))]

pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def signed_in(client: Client, focal_a: User) -> Client:
    client.force_login(focal_a)
    return client


def test_application_error_is_a_400_problem_with_its_code_and_extra(signed_in: Client) -> None:
    response = signed_in.get("/probe/application-error")

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json() == {
        "type": "urn:cchc:problem:plans.unknown_unit",
        "title": "Yêu cầu không hợp lệ",
        "status": 400,
        "detail": "Dòng 7, cột 'Mã đơn vị': mã SZ không tồn tại.",
        "instance": "/probe/application-error",
        "code": "plans.unknown_unit",
        "line": 7,  # extra members are kept; they never replace the standard ones
    }


@pytest.mark.parametrize(
    ("url", "status", "title", "code"),
    [
        ("/probe/forbidden", 403, "Không có quyền", "reports.forbidden"),
        ("/probe/conflict", 409, "Xung đột dữ liệu", "reports.stale"),
    ],
)
def test_domain_error_subclasses_keep_their_status(
    signed_in: Client, url: str, status: int, title: str, code: str
) -> None:
    response = signed_in.get(url)

    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM
    assert (response.json()["status"], response.json()["title"], response.json()["code"]) == (status, title, code)


def test_unexpected_error_is_a_500_problem_without_internals(
    signed_in: Client, caplog: pytest.LogCaptureFixture
) -> None:
    response = signed_in.get("/probe/crash")

    assert response.status_code == 500
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "server_error"
    assert "hunter2" not in response.content.decode()
    assert any("hunter2" in str(record.exc_info[1]) for record in caplog.records if record.exc_info)


def test_session_post_without_csrf_token_is_a_403_problem(focal_a: User) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(focal_a)

    response = browser.post("/probe/echo")

    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    assert response.json()["detail"] == ("Thiếu hoặc sai mã CSRF: yêu cầu dùng phiên đăng nhập phải gửi kèm mã CSRF.")


def test_session_post_with_csrf_token_passes(focal_a: User) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(focal_a)
    browser.get("/login/")  # any page with a form sets the CSRF cookie

    response = browser.post("/probe/echo", HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value)

    assert response.status_code == 200
    assert response.json() == {"user": focal_a.username}


def test_bearer_post_needs_no_csrf_token(focal_a: User) -> None:
    _token, raw = api_token_create(actor=None, user=focal_a, name="máy")
    machine = Client(enforce_csrf_checks=True)

    response = machine.post("/probe/echo", HTTP_AUTHORIZATION=f"Bearer {raw}")

    assert response.status_code == 200
    assert response.json() == {"user": focal_a.username}


def test_extra_members_cannot_replace_standard_ones(rf: Any) -> None:
    request = rf.get("/x")

    response = errors.problem(
        probe_api, request, status=400, detail="d", code="c.d", extra={"status": 200, "title": "t", "hint": "h"}
    )

    assert response.status_code == 400
    body = json.loads(response.content)
    assert (body["status"], body["title"], body["hint"]) == (400, "Yêu cầu không hợp lệ", "h")


@pytest.mark.parametrize(
    ("error", "message"),
    [
        ({"type": "decimal_parsing", "msg": "Input should be a valid decimal"}, "dùng dấu chấm thập phân"),
        ({"type": "decimal_max_places", "ctx": {"decimal_places": 2}, "msg": "x"}, "có quá 2 chữ số thập phân"),
        ({"type": "greater_than", "ctx": {"gt": 0}, "msg": "x"}, "phải lớn hơn 0"),
        ({"type": "json_invalid", "msg": "x"}, "không phải JSON hợp lệ"),
        ({"type": "unknown_kind", "msg": "Pydantic's own words"}, "Pydantic's own words"),
    ],
)
def test_pydantic_errors_are_said_in_vietnamese(error: dict[str, Any], message: str) -> None:
    """A body a person typed ("8,5" for a decimal) is answered in Vietnamese; an unknown kind keeps pydantic's text."""
    assert message in errors.validation_message(error)

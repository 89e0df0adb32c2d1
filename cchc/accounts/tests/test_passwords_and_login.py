"""Password storage and login throttling."""

from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.hashers import check_password, get_hasher, identify_hasher, make_password
from django.test import Client

from cchc.accounts.models import User
from cchc.accounts.tests.factories import TEST_PASSWORD, make_user
from config.settings import base as base_settings

LOCKED_OUT_TEXT = "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút"


def test_production_hashes_passwords_with_argon2() -> None:
    assert base_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_the_production_hasher_writes_argon2_hashes() -> None:
    encoded = make_password("mật-khẩu-rất-dài-2024", hasher=get_hasher("argon2"))

    assert encoded.startswith("argon2$argon2id$")
    assert identify_hasher(encoded).algorithm == "argon2"
    assert check_password("mật-khẩu-rất-dài-2024", encoded)
    assert not check_password("mat-khau-khac", encoded)


def test_the_test_settings_keep_argon2_behind_the_fast_hasher() -> None:
    # Only the first hasher changes in tests; Argon2 hashes still verify.
    assert settings.PASSWORD_HASHERS[1:] == base_settings.PASSWORD_HASHERS


@pytest.mark.django_db
def test_production_settings_refuse_md5_hashes_and_store_argon2(settings: Any) -> None:
    user = User.objects.create(username="cu", password=make_password("mat-khau-cu-2019", hasher=get_hasher("md5")))
    settings.PASSWORD_HASHERS = base_settings.PASSWORD_HASHERS

    # MD5 is not in the production list, so the hash is unusable there: log in fails.
    assert user.check_password("mat-khau-cu-2019") is False
    user.set_password("mat-khau-moi-2024")
    user.save()
    user.refresh_from_db()
    assert user.password.startswith("argon2$")


@pytest.mark.django_db
def test_the_password_is_never_stored_in_clear() -> None:
    user = make_user()

    assert TEST_PASSWORD not in user.password
    assert user.check_password(TEST_PASSWORD)


def _login(client: Client, username: str, password: str) -> Any:
    return client.post("/login/", {"username": username, "password": password})


@pytest.mark.django_db
def test_five_failures_lock_the_login_even_for_the_right_password(client: Client) -> None:
    user = make_user(username="nguyenvana")

    for attempt in range(1, 5):
        response = _login(client, "nguyenvana", f"sai-{attempt}")
        assert response.status_code == 200, attempt
        assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()
    fifth = _login(client, "nguyenvana", "sai-5")
    right = _login(client, "nguyenvana", TEST_PASSWORD)

    assert fifth.status_code == 429
    assert right.status_code == 429
    assert LOCKED_OUT_TEXT in right.content.decode()
    assert "_auth_user_id" not in client.session
    user.refresh_from_db()
    assert user.is_active  # only the login is locked, not the account


@pytest.mark.django_db
def test_four_failures_do_not_lock_and_success_resets_the_count(client: Client) -> None:
    make_user(username="tranthib")
    for attempt in range(4):
        _login(client, "tranthib", f"sai-{attempt}")

    ok = _login(client, "tranthib", TEST_PASSWORD)
    client.logout()
    for attempt in range(4):
        again = _login(client, "tranthib", f"lai-sai-{attempt}")

    assert ok.status_code == 302
    assert again.status_code == 200  # 4 new failures after a reset: still below the limit


@pytest.mark.django_db
def test_lockout_is_per_username_and_address(client: Client) -> None:
    make_user(username="nan-nhan")
    make_user(username="dong-nghiep")
    for attempt in range(5):
        _login(client, "nan-nhan", f"sai-{attempt}")

    colleague = _login(client, "dong-nghiep", TEST_PASSWORD)
    elsewhere = Client(REMOTE_ADDR="10.1.2.3").post("/login/", {"username": "nan-nhan", "password": TEST_PASSWORD})

    assert colleague.status_code == 302
    assert elsewhere.status_code == 302


def test_login_page_is_vietnamese(client: Client) -> None:
    content = client.get("/login/").content.decode()

    assert "Đăng nhập" in content
    assert "Mật khẩu" in content
    assert "Tên đăng nhập" in content
    for english in ("Password", "Username", "Log in", "Login"):
        assert english not in content

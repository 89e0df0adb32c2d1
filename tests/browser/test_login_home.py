"""The first walk through the site in a real browser: log in, see your scope, log out.

Runs against pytest-django's ``live_server`` (a real HTTP server over the test
database), so static files, CSRF, sessions and django-axes all take part.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Request, expect

from cchc.accounts.choices import Role
from cchc.accounts.models import User
from cchc.accounts.tests.factories import TEST_PASSWORD, make_user
from tests.browser.conftest import screenshot_dir

if TYPE_CHECKING:
    from pytest_django.live_server_helper import LiveServer

    from conftest import Tree  # the root conftest's `tree` fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BRAND_RED = "rgb(164, 22, 26)"  # --brand in site.css: proves the stylesheet was applied


@pytest.fixture
def focal_point(tree: Tree) -> User:
    return make_user(role=Role.FOCAL_POINT, unit=tree.dept_a, username="daumoi.soa")


def log_in(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(base_url + "/")
    page.locator("header").get_by_role("link", name="Đăng nhập").click()
    expect(page).to_have_url(base_url + "/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def test_login_shows_own_scope_and_unit_tree(
    page: Page, live_server: LiveServer, tree: Tree, focal_point: User
) -> None:
    requests: list[Request] = []
    page.on("request", lambda request: requests.append(request))

    log_in(page, live_server.url, "daumoi.soa", TEST_PASSWORD)

    expect(page).to_have_url(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Xin chào, Người dùng daumoi.soa")
    expect(page.get_by_test_id("current-user")).to_have_text("Người dùng daumoi.soa")

    scope = page.get_by_test_id("scope")
    expect(scope.locator("li")).to_have_count(1)
    expect(scope).to_contain_text(str(Role.FOCAL_POINT.label))
    expect(scope).to_contain_text("Sở A")

    # A role on Sở A covers Sở A and what it contains; the sibling Sở B, the
    # district and the province above are outside the scope.
    unit_links = page.get_by_test_id("unit-tree").get_by_role("link")
    expect(unit_links).to_have_text(["Sở A", "Chi cục thuộc Sở A"])
    expect(page.get_by_test_id("unit-tree")).not_to_contain_text("Sở B")

    # The stylesheet and htmx come from our own static files and are in effect.
    expect(page.locator("header.topbar")).to_have_css("background-color", BRAND_RED)
    assert page.evaluate("() => typeof window.htmx") == "object"
    static = {}
    for r in requests:
        if urlsplit(r.url).path.startswith("/static/"):
            response = r.response()
            static[urlsplit(r.url).path] = response.status if response else r.failure
    assert {"/static/cchc/css/site.css", "/static/cchc/js/htmx-2.0.11.min.js"} <= static.keys()
    assert all(status == 200 for status in static.values()), static

    # Nothing is fetched from a CDN or any other host.
    origin = urlsplit(live_server.url).netloc
    foreign = [r.url for r in requests if not r.url.startswith("data:") and urlsplit(r.url).netloc != origin]
    assert foreign == []

    page.screenshot(path=str(screenshot_dir() / "home-logged-in.png"), full_page=True)


def test_wrong_password_shows_vietnamese_error(page: Page, live_server: LiveServer, focal_point: User) -> None:
    log_in(page, live_server.url, "daumoi.soa", "sai-mat-khau")

    expect(page).to_have_url(live_server.url + "/login/")
    expect(page.get_by_role("alert")).to_contain_text("Tên đăng nhập hoặc mật khẩu không đúng.")
    expect(page.locator("#id_username")).to_have_value("daumoi.soa")
    expect(page.get_by_test_id("current-user")).to_have_count(0)
    page.screenshot(path=str(screenshot_dir() / "login-wrong-password.png"), full_page=True)


def test_logout_ends_the_session(page: Page, live_server: LiveServer, focal_point: User) -> None:
    log_in(page, live_server.url, "daumoi.soa", TEST_PASSWORD)
    expect(page.get_by_test_id("current-user")).to_be_visible()

    page.get_by_role("button", name="Đăng xuất").click()

    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_test_id("current-user")).to_have_count(0)
    expect(page.locator("header").get_by_role("link", name="Đăng nhập")).to_be_visible()
    # The session is really gone: a members-only page sends us back to the login form.
    page.goto(live_server.url + "/don-vi/")
    expect(page).to_have_url(live_server.url + "/login/?next=/don-vi/")

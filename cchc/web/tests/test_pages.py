"""Site pages: home, units, health check, Vietnamese text and HTMX partials."""

import datetime as dt
import re
from typing import Any
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client

from cchc.accounts.choices import Role
from cchc.accounts.models import User
from cchc.accounts.services import membership_grant
from cchc.accounts.tests.factories import make_user
from cchc.organizations.choices import UnitKind
from cchc.organizations.tests.factories import make_unit
from cchc.web import views


@pytest.fixture
def focal_a(tree: Any) -> User:
    return make_user(role=Role.FOCAL_POINT, unit=tree.dept_a, username="daumoi.sa")


@pytest.fixture
def as_focal_a(client: Client, focal_a: User) -> Client:
    client.force_login(focal_a)
    return client


def _links_to_units(html: str) -> list[str]:
    return re.findall(r'href="/don-vi/([^/"]+)/"', html)


# -- home -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_home_for_anonymous_shows_the_login_link(client: Client) -> None:
    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/login/"' in html
    assert "Đăng nhập" in html
    assert "Phạm vi của bạn" not in html


@pytest.mark.django_db
def test_home_for_anonymous_lists_the_public_pages_and_each_opens_without_login(client: Client) -> None:
    html = client.get("/").content.decode()

    links = re.findall(r'<li><a href="([^"]+)"><strong>', html.split('data-testid="public-modules"')[1])
    assert links == ["/mot-cua/", "/mot-cua/tra-cuu/", "/chi-so-766/", "/chi-so-cchc/cong-bo/", "/cong-khai/nhiem-vu/"]
    for link in links:
        assert client.get(link).status_code == 200, link
    assert "Tra cứu hồ sơ" in html


def test_home_signed_in_shows_scope_and_the_tree_of_the_scope(as_focal_a: Client) -> None:
    response = as_focal_a.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Xin chào, Người dùng daumoi.sa" in html
    scope = html[html.index('data-testid="scope"') :]
    scope = scope[: scope.index("</ul>")]
    assert "Đầu mối CCHC của đơn vị</strong> – Sở A" in scope
    tree_html = html[html.index('data-testid="unit-tree"') :]
    assert _links_to_units(tree_html) == ["SA", "SA-1"]
    assert "Nhật ký thay đổi" not in html  # not a module for a focal point


def test_home_leaves_expired_roles_out_of_the_scope(client: Client, tree: Any) -> None:
    user = make_user(role=Role.VIEWER, unit=tree.dept_b)
    membership_grant(actor=None, user=user, unit=tree.district, role=Role.LEADER, valid_to=dt.date(2021, 1, 1))
    client.force_login(user)

    html = client.get("/").content.decode()

    scope = html[html.index('data-testid="scope"') :]
    scope = scope[: scope.index("</ul>")]
    assert "Sở B" in scope
    assert "Huyện Một" not in scope


def test_home_for_reform_office_lists_the_audit_module(client: Client, tree: Any) -> None:
    client.force_login(make_user(role=Role.REFORM_OFFICE, unit=tree.province))

    html = client.get("/").content.decode()

    assert 'href="/nhat-ky/"' in html
    assert _links_to_units(html[html.index('data-testid="unit-tree"') :]) == ["P", "H1", "X1", "SA", "SA-1", "SB"]


# -- units --------------------------------------------------------------------------------


def test_unit_pages_need_a_login(client: Client, tree: Any) -> None:
    for url in ("/don-vi/", "/don-vi/SA/", "/nhat-ky/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/login/?next="), url


def test_unit_detail_in_scope(as_focal_a: Client) -> None:
    response = as_focal_a.get("/don-vi/SA/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Sở A</h1>" in html
    assert _links_to_units(html[html.index("Đơn vị trực thuộc") :]) == ["SA-1"]


@pytest.mark.parametrize("code", ["SB", "P", "X1", "KHONG-CO"])
def test_unit_detail_outside_scope_or_unknown_is_404(as_focal_a: Client, code: str) -> None:
    response = as_focal_a.get(f"/don-vi/{code}/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy trang" in html
    assert "Not Found" not in html


def test_a_grant_on_a_commune_shows_neither_its_parent_nor_its_sibling(client: Client, tree: Any) -> None:
    second = make_unit(code="X2", parent=tree.district, kind=UnitKind.COMMUNE)
    user = make_user(role=Role.VIEWER, unit=tree.commune)
    client.force_login(user)

    assert client.get("/don-vi/X1/").status_code == 200
    assert client.get(f"/don-vi/{second.code}/").status_code == 404
    assert client.get("/don-vi/H1/").status_code == 404


def test_unit_list_shows_the_scope(as_focal_a: Client) -> None:
    response = as_focal_a.get("/don-vi/")

    assert response.status_code == 200
    assert _links_to_units(response.content.decode()) == ["SA", "SA-1"]


def test_unit_list_filters(client: Client, tree: Any) -> None:
    make_unit(code="SA-OLD", parent=tree.dept_a, name="Chi cục đã giải thể", valid_to=dt.date(2022, 12, 31))
    client.force_login(make_user(role=Role.REFORM_OFFICE, unit=tree.province))

    def codes(**params: str) -> list[str]:
        return _links_to_units(client.get("/don-vi/", params).content.decode())

    assert sorted(codes()) == ["H1", "P", "SA", "SA-1", "SB", "X1"]  # today: SA-OLD has ended
    assert codes(kind="commune") == ["X1"]
    assert codes(q="Huyện") == ["H1"]
    assert codes(on="2022-12-31", q="giải thể") == ["SA-OLD"]
    assert codes(on="ngày-sai") == codes()  # a malformed date falls back to today


def test_htmx_request_gets_only_the_rows(as_focal_a: Client) -> None:
    response = as_focal_a.get("/don-vi/", {"q": "SA-1"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "<table" not in html
    assert html.lstrip().startswith("<tr>")
    assert _links_to_units(html) == ["SA-1"]
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_full_page(as_focal_a: Client) -> None:
    response = as_focal_a.get("/don-vi/", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")

    assert "<html" in response.content.decode()


def test_full_page_varies_on_hx_request_too(as_focal_a: Client) -> None:
    response = as_focal_a.get("/don-vi/")

    assert "<html" in response.content.decode()
    assert "HX-Request" in response["Vary"]


def test_unit_list_pages_keep_the_filters(client: Client, tree: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views, "UNITS_PER_PAGE", 2)
    for i in range(3):
        make_unit(code=f"SB-{i}", parent=tree.dept_b, kind=UnitKind.AGENCY)
    client.force_login(make_user(role=Role.VIEWER, unit=tree.dept_b))

    first = client.get("/don-vi/", {"kind": "agency"}).content.decode()
    second = client.get("/don-vi/", {"kind": "agency", "page": "2"}).content.decode()

    assert _links_to_units(first) == ["SB-0", "SB-1"]
    assert 'href="?kind=agency&amp;page=2"' in first
    assert "Trang 1/2 – 3 dòng" in first
    assert _links_to_units(second) == ["SB-2"]
    assert 'href="?kind=agency&amp;page=1"' in second


# -- health and language -------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_answers_200_with_the_database_status(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": {"status": "ok", "vendor": connection.vendor}}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_answers_head(client: Client) -> None:
    assert client.head("/healthz").status_code == 200


@pytest.mark.django_db
def test_healthz_is_503_without_leaking_the_error(client: Client) -> None:
    with mock.patch.object(views.connection, "cursor", side_effect=OperationalError("host db.noi-bo port 5432")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": {"status": "error"}}


@pytest.mark.django_db
def test_key_pages_have_no_english_leftovers(client: Client) -> None:
    login = client.get("/login/").content.decode()
    home = client.get("/").content.decode()
    missing = client.get("/khong-co-trang-nay/").content.decode()

    assert "Đăng nhập" in login
    assert "Mật khẩu" in login
    assert "Quản lý cải cách hành chính" in home
    assert "Không tìm thấy trang" in missing
    for page in (login, home, missing):
        for english in ("Password", "Username", "Log in", "Not Found", "Home"):
            assert english not in page

"""The audit page /nhat-ky/: who may open it, what it lists, how it filters."""

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from cchc.accounts.choices import Role
from cchc.accounts.models import User
from cchc.accounts.tests.factories import make_user
from cchc.audit.models import AuditEvent
from cchc.organizations.models import OrgUnit
from cchc.organizations.services import unit_update

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def _actions(html: str) -> list[str]:
    return re.findall(r"<td><code>([^<]+)</code></td>", html)


def _event(*, when: dt.datetime, action: str, unit: OrgUnit | None, actor: User | None = None) -> AuditEvent:
    # Rows with a chosen time: only inserts are possible, which is all we need.
    return AuditEvent.objects.create(
        occurred_at=when,
        actor=actor,
        actor_label=str(actor) if actor else "hệ thống",
        action=action,
        object_type="test.thing",
        object_id="1",
        object_repr="Đối tượng thử",
        unit=unit,
    )


@pytest.fixture
def reform(tree: Any) -> User:
    return make_user(role=Role.REFORM_OFFICE, unit=tree.province, username="cchc.snv")


@pytest.fixture
def as_reform(client: Client, reform: User) -> Client:
    client.force_login(reform)
    return client


def test_reform_office_sees_the_log(as_reform: Client, reform: User, tree: Any) -> None:
    unit_update(actor=reform, unit=tree.dept_b, name="Sở B (mới)")

    response = as_reform.get("/nhat-ky/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Nhật ký thay đổi</h1>" in html
    assert _actions(html)[0] == "org_unit.updated"  # newest first
    assert "<strong>name</strong>: Sở B → Sở B (mới)" in html
    assert "Người dùng cchc.snv" in html


@pytest.mark.parametrize("role", [Role.FOCAL_POINT, Role.LEADER, Role.VIEWER, Role.APPRAISER])
def test_other_roles_get_404(client: Client, tree: Any, role: Role) -> None:
    client.force_login(make_user(role=role, unit=tree.province))

    assert client.get("/nhat-ky/").status_code == 404
    assert client.get("/nhat-ky/", HTTP_HX_REQUEST="true").status_code == 404


def test_user_without_any_role_gets_404(client: Client, tree: Any) -> None:
    client.force_login(make_user())

    assert client.get("/nhat-ky/").status_code == 404


def test_filter_by_action(as_reform: Client, reform: User, tree: Any) -> None:
    unit_update(actor=reform, unit=tree.dept_b, name="Sở B2")

    html = as_reform.get("/nhat-ky/", {"action": "org_unit.updated"}).content.decode()

    assert _actions(html) == ["org_unit.updated"]


def test_filter_by_actor_name_or_username(as_reform: Client, reform: User, tree: Any) -> None:
    other = make_user(role=Role.REFORM_OFFICE, unit=tree.province, username="khac")
    unit_update(actor=reform, unit=tree.dept_b, name="Sở B2")
    unit_update(actor=other, unit=tree.dept_a, name="Sở A2")

    by_name = as_reform.get("/nhat-ky/", {"actor": "người dùng CCHC.SNV"}).content.decode()
    by_username = as_reform.get("/nhat-ky/", {"actor": "khac", "action": "org_unit.updated"}).content.decode()

    assert _actions(by_name) == ["org_unit.updated"]
    assert "Sở B2" in by_name
    assert _actions(by_username) == ["org_unit.updated"]
    assert "Sở A2" in by_username


def test_filter_by_unit(as_reform: Client, tree: Any) -> None:
    html = as_reform.get("/nhat-ky/", {"unit": "X1"}).content.decode()

    # The tree fixture audited the creation of X1 and nothing else on it.
    assert _actions(html) == ["org_unit.created"]
    assert "Xã Một" in html


def test_filter_by_dates_uses_the_local_day(as_reform: Client, tree: Any) -> None:
    # 23:30 on 1 March in Hà Nội is 16:30 UTC; 00:30 on 2 March is 17:30 UTC on 1 March.
    _event(when=dt.datetime(2024, 3, 1, 23, 30, tzinfo=HANOI), action="test.late_first", unit=tree.dept_a)
    _event(when=dt.datetime(2024, 3, 2, 0, 30, tzinfo=HANOI), action="test.early_second", unit=tree.dept_a)
    _event(when=dt.datetime(2024, 2, 29, 12, 0, tzinfo=HANOI), action="test.leap_day", unit=tree.dept_a)

    def actions(**params: str) -> list[str]:
        return _actions(as_reform.get("/nhat-ky/", {"object_type": "test.thing", **params}).content.decode())

    assert actions(**{"from": "2024-03-01", "to": "2024-03-01"}) == ["test.late_first"]
    assert actions(**{"from": "2024-03-02", "to": "2024-03-02"}) == ["test.early_second"]
    assert actions(**{"from": "2024-03-01"}) == ["test.early_second", "test.late_first"]
    assert actions(to="2024-02-29") == ["test.leap_day"]
    assert actions(**{"from": "không-phải-ngày"}) == ["test.early_second", "test.late_first", "test.leap_day"]


def test_reform_office_on_a_department_sees_only_its_subtree(client: Client, tree: Any) -> None:
    client.force_login(make_user(role=Role.REFORM_OFFICE, unit=tree.dept_a))
    _event(when=dt.datetime(2024, 5, 1, 9, 0, tzinfo=HANOI), action="test.in_child", unit=tree.dept_a_child)
    _event(when=dt.datetime(2024, 5, 1, 9, 0, tzinfo=HANOI), action="test.in_sibling", unit=tree.dept_b)
    _event(when=dt.datetime(2024, 5, 1, 9, 0, tzinfo=HANOI), action="test.in_parent", unit=tree.province)
    _event(when=dt.datetime(2024, 5, 1, 9, 0, tzinfo=HANOI), action="test.no_unit", unit=None)

    html = client.get("/nhat-ky/", {"object_type": "test.thing"}).content.decode()
    everything = client.get("/nhat-ky/").content.decode()

    assert _actions(html) == ["test.in_child"]
    assert "Sở B" not in everything
    assert "Huyện Một" not in everything
    # A filter naming a unit outside the scope finds nothing rather than leaking it.
    assert _actions(client.get("/nhat-ky/", {"unit": "SB"}).content.decode()) == []


def test_htmx_filter_request_gets_only_the_rows(as_reform: Client) -> None:
    response = as_reform.get("/nhat-ky/", {"unit": "X1"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert "<html" not in html
    assert _actions(html) == ["org_unit.created"]

"""Targets (chỉ tiêu): the services' rules and permissions, the achievement, the plan page and the API.

The ``world`` plan belongs to the province; ``users.reform`` edits it, ``users.focal_a``
sees it through Sở A's tasks and reports the targets set for Sở A, ``users.outsider``
sees none of it.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from cchc.accounts.models import User
from cchc.audit.models import AuditEvent
from cchc.core.errors import ApplicationError, PermissionDeniedError
from cchc.organizations.tests.factories import make_unit
from cchc.tasks.calculations import target_achievement
from cchc.tasks.models import Target
from cchc.tasks.targets import target_create, target_delete, target_list_for_plan, target_update
from cchc.tasks.tests.conftest import Users, World, as_user
from cchc.tasks.tests.factories import make_node, make_plan

HX = {"HTTP_HX_REQUEST": "true"}
PROBLEM = "application/problem+json"
JSON = "application/json"


def _target(world: World, **fields: Any) -> Target:
    values: dict[str, Any] = {"indicator": "Tỷ lệ hồ sơ giải quyết đúng hạn", "target_value": Decimal(98)}
    values.update(fields)
    return target_create(actor=None, plan=world.plan, **values)


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


# -- achievement (pure) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "actual", "expected"),
    [
        ("98", "95.5", Decimal("97.4")),  # 95.5 / 98 = 0.97448… → 97.4 %
        ("100", "100", Decimal("100.0")),
        ("50", "31.4", Decimal("62.8")),
        ("100", "110", Decimal("110.0")),  # better than asked: not capped
        ("98", None, None),  # not reported yet
        ("0", "5", None),  # a zero target has no ratio
    ],
)
def test_achievement_is_actual_over_target_in_percent(target: str, actual: str | None, expected: Any) -> None:
    assert (
        target_achievement(target_value=Decimal(target), actual_value=Decimal(actual) if actual else None) == expected
    )


# -- services: create, validation, audit -------------------------------------------------------


def test_create_saves_the_target_and_writes_its_audit_row(world: World, users: Users, tree: Any) -> None:
    node = world.done.node

    target = target_create(
        actor=users.reform,
        plan=world.plan,
        indicator="  TTHC được công bố, công khai đúng quy định ",
        target_value=Decimal(100),
        node=node,
        unit=tree.dept_b,
        period="Năm 2023",
    )

    assert (target.indicator, target.measure_unit, target.node, target.unit) == (
        "TTHC được công bố, công khai đúng quy định",
        "%",
        node,
        tree.dept_b,
    )
    (event,) = _events("target.created")
    assert event.actor == users.reform
    assert event.unit == world.plan.unit
    assert event.changes["target_value"][0] is None
    assert event.changes["indicator"] == [None, "TTHC được công bố, công khai đúng quy định"]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"indicator": "  "}, "indicator", "Chỉ tiêu: không được để trống."),
        ({"target_value": Decimal(-1)}, "target_value", "Giá trị mục tiêu: phải lớn hơn hoặc bằng 0 (đang là -1)."),
        ({"target_value": Decimal(120)}, "target_value", "Giá trị mục tiêu: tính theo % nên không được quá 100"),
        ({"actual_value": Decimal("100.5")}, "actual_value", "Giá trị đạt được: tính theo % nên không được quá 100"),
        ({"measure_unit": ""}, "measure_unit", "Đơn vị tính: không được để trống"),
        ({"target_value": Decimal("0.001")}, "target_value", "Giá trị mục tiêu: tối đa 12 chữ số phần nguyên"),
    ],
)
def test_create_refuses_invalid_values_naming_the_field(
    world: World, users: Users, fields: dict[str, Any], field: str, message: str
) -> None:
    values: dict[str, Any] = {"indicator": "Tỷ lệ hồ sơ đúng hạn", "target_value": Decimal(98), **fields}
    with pytest.raises(ApplicationError) as caught:
        target_create(actor=users.reform, plan=world.plan, **values)

    assert caught.value.message.startswith(message)
    assert caught.value.extra["field"] == field
    assert not Target.objects.exists()
    assert not _events("target.created")


def test_a_count_target_may_exceed_100(world: World, users: Users) -> None:
    target = target_create(
        actor=users.reform, plan=world.plan, indicator="Số TTHC được đơn giản hóa", measure_unit="thủ tục",
        target_value=Decimal(250),
    )  # fmt: skip

    assert target.target_value == 250


def test_node_must_belong_to_the_plan(world: World, users: Users, tree: Any) -> None:
    other = make_plan(unit=tree.dept_a)
    foreign = make_node(plan=other, path="I", title="Mục đích")

    with pytest.raises(ApplicationError) as caught:
        target_create(actor=users.reform, plan=world.plan, indicator="X", target_value=Decimal(1), node=foreign)

    assert caught.value.message == f"Mục của kế hoạch: mục I không thuộc kế hoạch “{world.plan.title}”."
    assert caught.value.extra["field"] == "node"


def test_unit_must_exist_in_the_plan_year(world: World, users: Users, tree: Any) -> None:
    merged = make_unit(code="OLD", parent=tree.province, name="Sở Cũ", valid_to=dt.date(2022, 12, 31))

    with pytest.raises(ApplicationError) as caught:
        target_create(actor=users.reform, plan=world.plan, indicator="X", target_value=Decimal(1), unit=merged)

    assert caught.value.message == "Đơn vị: Sở Cũ không còn hoặc chưa hoạt động trong năm 2023 của kế hoạch."
    assert caught.value.extra["field"] == "unit"


def test_update_writes_the_changes_and_nothing_when_unchanged(world: World, users: Users) -> None:
    target = _target(world)

    target_update(actor=users.reform, target=target, target_value=Decimal(98), period="")
    assert not _events("target.updated")

    target_update(actor=users.reform, target=target, actual_value=Decimal("95.5"), period="Năm 2023")
    (event,) = _events("target.updated")
    assert set(event.changes) == {"actual_value", "period"}
    assert event.changes["period"] == ["", "Năm 2023"]
    target.refresh_from_db()
    assert target.actual_value == Decimal("95.5")


def test_update_refuses_an_unknown_field(world: World, users: Users) -> None:
    with pytest.raises(ApplicationError, match="Trường không hợp lệ: plan"):
        target_update(actor=users.reform, target=_target(world), plan=None)


def test_delete_keeps_the_values_in_the_audit_row(world: World, users: Users) -> None:
    target = _target(world, actual_value=Decimal(90))
    pk = target.pk

    target_delete(actor=users.reform, target=target)

    assert not Target.objects.filter(pk=pk).exists()
    (event,) = _events("target.deleted")
    assert event.object_id == str(pk)
    assert event.changes["indicator"] == ["Tỷ lệ hồ sơ giải quyết đúng hạn", None]


# -- services: permissions ---------------------------------------------------------------------

# (user, may change the target, may report the actual value of a target of Sở A)
MATRIX = [
    ("reform", True, True),  # reform office over the plan's unit (the province)
    ("focal_a", False, True),  # focal point of the target's unit
    ("leader_a", False, False),  # a leader reviews, does not report
    ("viewer", False, False),
    ("outsider", False, False),  # focal point of a commune elsewhere
]


@pytest.mark.parametrize(("who", "change", "report"), MATRIX)
def test_permissions_matrix(world: World, users: Users, tree: Any, who: str, change: bool, report: bool) -> None:
    user: User = getattr(users, who)
    target = _target(world, unit=tree.dept_a)

    def attempt(action: Any) -> bool:
        try:
            action()
        except PermissionDeniedError:
            return False
        return True

    assert attempt(lambda: target_update(actor=user, target=target, actual_value=Decimal(97))) is report
    assert attempt(lambda: target_update(actor=user, target=target, target_value=Decimal(99))) is change
    assert attempt(lambda: target_create(actor=user, plan=world.plan, indicator="Y", target_value=Decimal(1))) is change
    assert attempt(lambda: target_delete(actor=user, target=target)) is change


def test_the_unit_reports_only_the_actual_value_and_only_of_its_own_targets(
    world: World, users: Users, tree: Any
) -> None:
    own = _target(world, unit=tree.dept_a)
    other = _target(world, unit=tree.dept_b)
    plan_wide = _target(world)

    target_update(actor=users.focal_a, target=own, actual_value=Decimal("97.5"))
    with pytest.raises(PermissionDeniedError, match="chỉ được báo cáo giá trị đạt được"):
        target_update(actor=users.focal_a, target=own, actual_value=Decimal(99), indicator="Khác")
    for target in (other, plan_wide):
        with pytest.raises(PermissionDeniedError):
            target_update(actor=users.focal_a, target=target, actual_value=Decimal(1))
    (event,) = _events("target.updated")
    assert event.actor == users.focal_a


# -- selector ----------------------------------------------------------------------------------


def test_list_for_plan_in_document_order_with_achievement(world: World, users: Users, tree: Any) -> None:
    later = _target(world, node=world.public.node, indicator="B")
    early_b = _target(
        world, node=world.overdue.node, unit=tree.dept_b, actual_value=Decimal(49), target_value=Decimal(98)
    )
    early = _target(world, node=world.overdue.node, actual_value=Decimal("95.5"))
    plan_wide = _target(world, indicator="Z")

    rows = target_list_for_plan(plan=world.plan, user=users.reform)

    assert rows == [plan_wide, early, early_b, later]
    assert [row.achievement for row in rows] == [None, Decimal("97.4"), Decimal("50.0"), None]  # type: ignore[attr-defined]


def test_a_unit_that_sees_the_plan_through_tasks_sees_plan_wide_and_its_own_targets(
    world: World, users: Users, tree: Any
) -> None:
    plan_wide, own, _other = _target(world), _target(world, unit=tree.dept_a), _target(world, unit=tree.dept_b)

    assert {t.pk for t in target_list_for_plan(plan=world.plan, user=users.focal_a)} == {plan_wide.pk, own.pk}
    assert target_list_for_plan(plan=world.plan, user=users.outsider) == []


def test_list_costs_one_query(world: World, users: Users, tree: Any, django_assert_num_queries: Any) -> None:
    for unit in (tree.dept_a, tree.dept_b, tree.district):
        _target(world, unit=unit, node=world.done.node)
    users.reform.memberships.count()  # nothing cached yet: grants cost one query

    with django_assert_num_queries(2):  # grants, then the targets
        assert len(target_list_for_plan(plan=world.plan, user=users.reform)) == 3


# -- the plan page -----------------------------------------------------------------------------


def _page(world: World) -> str:
    return f"/ke-hoach/{world.plan.pk}/"


def test_plan_page_has_a_targets_tab_with_the_list(client: Client, world: World, users: Users, tree: Any) -> None:
    _target(world, unit=tree.dept_a, actual_value=Decimal("95.5"), node=world.overdue.node, period="Năm 2023")

    html = as_user(client, users.reform).get(_page(world), {"xem": "chi-tieu"}).content.decode()

    assert 'data-testid="targets-tab"' in html
    assert 'aria-current="page" data-testid="targets-tab"' in html
    assert "Tỷ lệ hồ sơ giải quyết đúng hạn" in html
    assert "II.1.a" in html
    assert "Năm 2023" in html
    assert "97,4&nbsp;%" in html
    assert 'data-testid="target-add"' in html


def test_viewer_sees_targets_without_actions(client: Client, world: World, users: Users, tree: Any) -> None:
    target = _target(world, unit=tree.dept_a)

    html = as_user(client, users.viewer).get(_page(world), {"xem": "chi-tieu"}).content.decode()

    assert "Tỷ lệ hồ sơ giải quyết đúng hạn" in html
    assert 'data-testid="target-add"' not in html
    assert f"/ke-hoach/chi-tieu/{target.pk}/" not in html


def test_htmx_request_gets_the_target_list_only(client: Client, world: World, users: Users) -> None:
    _target(world)

    response = as_user(client, users.reform).get(_page(world), {"xem": "chi-tieu"}, HTTP_HX_TARGET="target-list", **HX)

    html = response.content.decode()
    assert 'data-testid="target-table"' in html
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_add_inline_answers_the_list(client: Client, world: World, users: Users, tree: Any) -> None:
    as_user(client, users.reform)
    url = f"/ke-hoach/{world.plan.pk}/chi-tieu/them/"
    assert 'name="indicator"' in client.get(url, **HX).content.decode()

    response = client.post(
        url,
        {"indicator": "Tỷ lệ hồ sơ trực tuyến toàn trình", "node": "II.2.a", "unit": "SA",
         "measure_unit": "%", "target_value": "50", "actual_value": "", "period": "Năm 2023"},
        **HX,
    )  # fmt: skip

    assert response.status_code == 200
    assert response["HX-Retarget"] == "#target-list"
    assert "Tỷ lệ hồ sơ trực tuyến toàn trình" in response.content.decode()
    target = Target.objects.get()
    assert (target.node, target.unit, target.actual_value) == (world.done.node, tree.dept_a, None)


def test_add_with_a_broken_rule_shows_the_form_with_the_message(client: Client, world: World, users: Users) -> None:
    response = as_user(client, users.reform).post(
        f"/ke-hoach/{world.plan.pk}/chi-tieu/them/",
        {"indicator": "X", "measure_unit": "%", "target_value": "150"},
        **HX,
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "HX-Retarget" not in response
    assert "Giá trị mục tiêu: tính theo % nên không được quá 100 (đang là 150)." in html
    assert 'id="target-new"' in html
    assert not Target.objects.exists()


def test_add_without_htmx_redirects_to_the_targets(client: Client, world: World, users: Users) -> None:
    response = as_user(client, users.reform).post(
        f"/ke-hoach/{world.plan.pk}/chi-tieu/them/", {"indicator": "X", "measure_unit": "%", "target_value": "10"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{_page(world)}?xem=chi-tieu"


def test_edit_inline_answers_the_saved_row(client: Client, world: World, users: Users) -> None:
    target = _target(world)
    as_user(client, users.reform)
    url = f"/ke-hoach/chi-tieu/{target.pk}/sua/"
    assert "Sửa chỉ tiêu" in client.get(url, **HX).content.decode()

    response = client.post(
        url, {"indicator": "Tỷ lệ đúng hạn", "measure_unit": "%", "target_value": "99", "actual_value": "99"}, **HX
    )

    html = response.content.decode()
    assert f'id="target-{target.pk}"' in html
    assert "just-saved" in html
    assert "100,0" in html
    assert client.get(url, {"huy": "1"}, **HX).content.decode().count("just-saved") == 0


def test_the_unit_reports_its_actual_value_but_may_not_edit(
    client: Client, world: World, users: Users, tree: Any
) -> None:
    target = _target(world, unit=tree.dept_a)
    as_user(client, users.focal_a)

    page = client.get(_page(world), {"xem": "chi-tieu"}).content.decode()
    assert f"/ke-hoach/chi-tieu/{target.pk}/ket-qua/" in page
    assert f'/ke-hoach/chi-tieu/{target.pk}/sua/"' not in page
    response = client.post(f"/ke-hoach/chi-tieu/{target.pk}/ket-qua/", {"actual_value": "96"}, **HX)

    assert response.status_code == 200
    target.refresh_from_db()
    assert target.actual_value == 96
    assert client.get(f"/ke-hoach/chi-tieu/{target.pk}/sua/", **HX).status_code == 403
    assert client.post(f"/ke-hoach/chi-tieu/{target.pk}/xoa/", **HX).status_code == 403
    bad = client.post(f"/ke-hoach/chi-tieu/{target.pk}/ket-qua/", {"actual_value": "-3"}, **HX).content.decode()
    assert "Giá trị đạt được: phải lớn hơn hoặc bằng 0 (đang là -3)." in bad


def test_delete_answers_the_list(client: Client, world: World, users: Users) -> None:
    target = _target(world)

    response = as_user(client, users.reform).post(f"/ke-hoach/chi-tieu/{target.pk}/xoa/", **HX)

    assert response.status_code == 200
    assert "Kế hoạch chưa có chỉ tiêu nào." in response.content.decode()
    assert not Target.objects.exists()
    assert len(_events("target.deleted")) == 1


def test_delete_needs_post(client: Client, world: World, users: Users) -> None:
    target = _target(world)

    assert as_user(client, users.reform).get(f"/ke-hoach/chi-tieu/{target.pk}/xoa/").status_code == 405


def test_out_of_scope_targets_are_404_on_every_page(client: Client, world: World, users: Users, tree: Any) -> None:
    target = _target(world, unit=tree.dept_b)
    as_user(client, users.focal_a)  # sees the plan, not Sở B's target

    for method, url in [
        ("get", f"/ke-hoach/chi-tieu/{target.pk}/sua/"),
        ("get", f"/ke-hoach/chi-tieu/{target.pk}/ket-qua/"),
        ("post", f"/ke-hoach/chi-tieu/{target.pk}/ket-qua/"),
        ("post", f"/ke-hoach/chi-tieu/{target.pk}/xoa/"),
        ("get", f"/ke-hoach/chi-tieu/{target.pk + 999}/sua/"),
    ]:
        assert getattr(client, method)(url, **HX).status_code == 404, url
    as_user(client, users.outsider)
    assert client.get(f"/ke-hoach/{world.plan.pk}/chi-tieu/them/", **HX).status_code == 404
    assert client.get(_page(world), {"xem": "chi-tieu"}).status_code == 404


# -- API ---------------------------------------------------------------------------------------


def _problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    return body


def test_api_create_patch_delete(client: Client, world: World, users: Users) -> None:
    as_user(client, users.reform)
    url = f"/api/v1/plans/{world.plan.pk}/targets"

    created = client.post(
        url,
        {"indicator": "Tỷ lệ hồ sơ đúng hạn", "target_value": "98", "node": "II.2.a", "unit": "SB",
         "period": "Năm 2023", "actual_value": "95.5"},
        content_type=JSON,
    )  # fmt: skip

    assert created.status_code == 201, created.content
    body = created.json()
    assert {k: body[k] for k in ("node_path", "unit_code", "target_value", "achievement")} == {
        "node_path": "II.2.a",
        "unit_code": "SB",
        "target_value": "98.00",
        "achievement": "97.4",
    }
    target_url = f"/api/v1/targets/{body['id']}"

    patched = client.patch(target_url, {"actual_value": None, "period": "6 tháng"}, content_type=JSON)
    assert patched.status_code == 200, patched.content
    assert (patched.json()["actual_value"], patched.json()["period"], patched.json()["achievement"]) == (
        None,
        "6 tháng",
        None,
    )

    assert client.delete(target_url).status_code == 204
    assert not Target.objects.exists()
    assert [e.action for e in AuditEvent.objects.filter(object_type="tasks.target").order_by("pk")] == [
        "target.created",
        "target.updated",
        "target.deleted",
    ]


def test_api_broken_rules_are_400_problems(client: Client, world: World, users: Users) -> None:
    as_user(client, users.reform)
    url = f"/api/v1/plans/{world.plan.pk}/targets"

    negative = _problem(
        client.post(url, {"indicator": "X", "target_value": "-1"}, content_type=JSON), 400, "tasks.target_negative"
    )
    assert negative["detail"] == "Giá trị mục tiêu: phải lớn hơn hoặc bằng 0 (đang là -1)."
    _problem(
        client.post(url, {"indicator": "X", "target_value": "1", "node": "IX.9"}, content_type=JSON),
        400,
        "tasks.target_node_outside_plan",
    )
    _problem(
        client.post(url, {"indicator": "X", "target_value": "1", "unit": "KHONG"}, content_type=JSON),
        400,
        "tasks.unknown_unit",
    )
    target = _target(world)
    _problem(
        client.patch(f"/api/v1/targets/{target.pk}", {"indicator": None}, content_type=JSON),
        400,
        "tasks.field_required",
    )


def test_api_the_unit_patches_only_the_actual_value(client: Client, world: World, users: Users, tree: Any) -> None:
    target = _target(world, unit=tree.dept_a)
    as_user(client, users.focal_a)
    url = f"/api/v1/targets/{target.pk}"

    assert client.patch(url, {"actual_value": "97"}, content_type=JSON).json()["achievement"] == "99.0"
    _problem(client.patch(url, {"target_value": "90"}, content_type=JSON), 403, "tasks.forbidden")
    _problem(client.delete(url), 403, "tasks.forbidden")
    _problem(
        client.post(
            f"/api/v1/plans/{world.plan.pk}/targets", {"indicator": "X", "target_value": "1"}, content_type=JSON
        ),
        403,
        "tasks.forbidden",
    )


def test_api_out_of_scope_is_404_like_missing(client: Client, world: World, users: Users, tree: Any) -> None:
    target = _target(world, unit=tree.dept_b)

    for user in (users.outsider, users.focal_a):
        as_user(client, user)
        _problem(
            client.patch(f"/api/v1/targets/{target.pk}", {"actual_value": "1"}, content_type=JSON), 404, "not_found"
        )
        _problem(client.delete(f"/api/v1/targets/{target.pk}"), 404, "not_found")
    as_user(client, users.outsider)
    _problem(
        client.post(
            f"/api/v1/plans/{world.plan.pk}/targets", {"indicator": "X", "target_value": "1"}, content_type=JSON
        ),
        404,
        "not_found",
    )
    _problem(client.delete(f"/api/v1/targets/{target.pk + 999}"), 404, "not_found")
    assert Target.objects.filter(pk=target.pk).exists()

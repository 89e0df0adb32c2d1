"""The plan, task, target and update endpoints: scope, filters, writes, problems, and IDOR.

A plan, task or update outside the caller's scope answers 404 exactly like one that
does not exist; one the caller sees but may not change answers a 403 problem.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from cchc.accounts.services import api_token_create
from cchc.audit.models import AuditEvent
from cchc.plans.choices import PlanStatus
from cchc.tasks.choices import TaskStatus, UpdateState
from cchc.tasks.models import Target, TaskUpdate
from cchc.tasks.tests.conftest import Users, World, as_user
from cchc.tasks.tests.factories import make_plan, make_update
from cchc.tasks.updates import task_update_create, task_update_submit

PROBLEM = "application/problem+json"
JSON = "application/json"


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


def _problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    assert body["status"] == status
    assert body["type"] == f"urn:cchc:problem:{code}"
    return body


# -- plans -------------------------------------------------------------------------------------


def test_plans_list_is_scoped_and_includes_plans_seen_through_tasks(
    client: Client, world: World, users: Users, tree: Any
) -> None:
    own = make_plan(unit=tree.dept_a, title="Kế hoạch của Sở A")
    make_plan(unit=tree.dept_b, title="Kế hoạch của Sở B")

    body = _ok(as_user(client, users.focal_a).get("/api/v1/plans"))

    assert body["count"] == 2
    assert sorted(item["id"] for item in body["items"]) == sorted([world.plan.pk, own.pk])
    province = next(item for item in body["items"] if item["id"] == world.plan.pk)
    assert province == {
        "id": world.plan.pk,
        "title": "Kế hoạch CCHC tỉnh năm 2023",
        "year": 2023,
        "unit_code": "P",
        "unit_name": "Tỉnh Thử Nghiệm",
        "status": "draft",
        "status_label": "Dự thảo",
        "number": "",
        "issued_on": None,
        "parent_id": None,
    }


def test_plans_list_filters_and_paginates(client: Client, world: World, users: Users, tree: Any) -> None:
    make_plan(unit=tree.dept_a, year=2024)
    as_user(client, users.reform)

    assert [item["year"] for item in _ok(client.get("/api/v1/plans", {"year": 2024}))["items"]] == [2024]
    assert _ok(client.get("/api/v1/plans", {"unit": "P"}))["count"] == 1
    page = _ok(client.get("/api/v1/plans", {"page_size": 1, "page": 2}))
    assert (page["count"], page["page"], page["page_size"], len(page["items"])) == (2, 2, 1, 1)


def test_plan_detail_has_the_rolled_up_progress_and_its_rule(client: Client, world: World, users: Users) -> None:
    body = _ok(as_user(client, users.reform).get(f"/api/v1/plans/{world.plan.pk}"))

    assert body["rule"].startswith("Tiến độ = Σ(trọng số × tiến độ)")
    assert body["progress"] == {
        "progress": "35.0",
        "completion_rate": "25.0",
        "counted": 4,
        "done": 1,
        "cancelled": 0,
        "total": 4,
    }
    assert body["overdue_count"] == 2
    institutions = next(area for area in body["by_area"] if area["area"] == "institutions")
    assert institutions["rollup"]["progress"] == "20.0"
    empty = next(area for area in body["by_area"] if area["area"] == "apparatus")
    assert empty["rollup"]["progress"] is None
    assert sorted((row["unit_code"], row["overdue"]) for row in body["by_unit"]) == [("H1", 1), ("SA", 1), ("SB", 0)]


def test_plan_tasks_filters(client: Client, world: World, users: Users) -> None:
    as_user(client, users.reform)
    url = f"/api/v1/plans/{world.plan.pk}/tasks"

    def codes(**query: Any) -> list[str]:
        return [item["code"] for item in _ok(client.get(url, query))["items"]]

    assert codes() == ["II.1.a", "II.1.b", "II.2.a", "IV.1"]
    assert codes(area="institutions") == ["II.1.a", "II.1.b"]
    assert codes(unit="SA") == ["II.1.a", "II.1.b"]
    assert codes(status="overdue") == ["II.1.a", "IV.1"]
    assert codes(overdue="false") == ["II.1.b", "II.2.a"]
    assert codes(status="done_on_time") == ["II.2.a"]


def test_plan_tasks_items_carry_the_display_status(client: Client, world: World, users: Users) -> None:
    body = _ok(as_user(client, users.reform).get(f"/api/v1/plans/{world.plan.pk}/tasks", {"unit": "SA"}))

    first = body["items"][0]
    assert first == {
        "id": world.overdue.pk,
        "plan_id": world.plan.pk,
        "code": "II.1.a",
        "title": "Rà soát văn bản quy phạm pháp luật",
        "description": "",
        "area": "institutions",
        "area_label": "Cải cách thể chế",
        "lead_unit": "SA",
        "lead_unit_name": "Sở A",
        "coordinating_units": [],
        "product_kind": "other",
        "product": "",
        "deadline_kind": "date",
        "deadline_label": "Quý I/2023",
        "due_date": "2023-03-31",
        "weight": "1.00",
        "budget": None,
        "status": "in_progress",
        "display_status": "overdue",
        "display_status_label": "Quá hạn",
        "progress": 40,
        "completed_on": None,
        "is_public": False,
        "node_path": "II.1.a",
        "source_task_id": None,
    }
    assert body["items"][1]["coordinating_units"] == ["SA"]


@pytest.mark.parametrize(
    ("query", "field"),
    [({"status": "xong"}, "query.status"), ({"area": "khac"}, "query.area"), ({"page_size": 501}, "query.page_size")],
)
def test_plan_tasks_bad_filters_are_422_problems(
    client: Client, world: World, users: Users, query: dict[str, Any], field: str
) -> None:
    body = _problem(
        as_user(client, users.reform).get(f"/api/v1/plans/{world.plan.pk}/tasks", query), 422, "validation_error"
    )

    assert [error["field"] for error in body["errors"]] == [field]


def test_a_lead_unit_gets_only_its_tasks_of_the_province_plan(client: Client, world: World, users: Users) -> None:
    as_user(client, users.focal_a)

    tasks = _ok(client.get(f"/api/v1/plans/{world.plan.pk}/tasks"))

    assert [item["code"] for item in tasks["items"]] == ["II.1.a", "II.1.b"]
    assert _ok(client.get(f"/api/v1/plans/{world.plan.pk}"))["id"] == world.plan.pk


def test_plan_targets(client: Client, world: World, users: Users, tree: Any) -> None:
    Target.objects.create(
        plan=world.plan,
        indicator="Tỷ lệ TTHC công bố đúng hạn",
        measure_unit="%",
        target_value=Decimal("100"),
        unit=tree.dept_a,
        period="2023",
    )

    body = _ok(as_user(client, users.viewer).get(f"/api/v1/plans/{world.plan.pk}/targets"))

    assert body == [
        {
            "id": Target.objects.get().pk,
            "indicator": "Tỷ lệ TTHC công bố đúng hạn",
            "measure_unit": "%",
            "target_value": "100.00",
            "actual_value": None,
            "unit_code": "SA",
            "period": "2023",
            "node_path": None,
            "achievement": None,
        }
    ]


# -- tasks -------------------------------------------------------------------------------------


def test_patch_changes_the_task_through_the_service(client: Client, world: World, users: Users) -> None:
    response = as_user(client, users.reform).patch(
        f"/api/v1/tasks/{world.overdue.pk}",
        {
            "title": "Rà soát, hệ thống hóa văn bản",
            "coordinating_units": ["SB", "H1"],
            "weight": "2.5",
            "due_date": "2023-06-30",
            "is_public": True,
        },
        content_type=JSON,
    )

    body = _ok(response)
    assert body["title"] == "Rà soát, hệ thống hóa văn bản"
    assert body["coordinating_units"] == ["H1", "SB"]
    assert body["weight"] == "2.50"
    assert body["due_date"] == "2023-06-30"
    assert body["is_public"] is True
    assert body["lead_unit"] == "SA"  # not sent: unchanged
    event = AuditEvent.objects.filter(action="task.updated").latest("pk")
    assert set(event.changes) >= {"title", "weight", "due_date", "is_public", "coordinating_units"}


def test_patch_with_an_unknown_unit_is_a_400_problem(client: Client, world: World, users: Users) -> None:
    response = as_user(client, users.reform).patch(
        f"/api/v1/tasks/{world.overdue.pk}", {"lead_unit": "KHONG-CO"}, content_type=JSON
    )

    body = _problem(response, 400, "tasks.unknown_unit")
    assert body["codes"] == ["KHONG-CO"]


def test_patch_refuses_nulls_and_dates_outside_the_calendar(client: Client, world: World, users: Users) -> None:
    as_user(client, users.reform)
    url = f"/api/v1/tasks/{world.overdue.pk}"

    _problem(client.patch(url, {"title": None}, content_type=JSON), 400, "tasks.field_required")
    body = _problem(client.patch(url, {"due_date": "2099-01-01"}, content_type=JSON), 422, "validation_error")
    assert body["errors"][0]["field"] == "body.payload.due_date"
    world.overdue.refresh_from_db()
    assert world.overdue.due_date == dt.date(2023, 3, 31)


@pytest.mark.parametrize("who", ["viewer", "focal_a", "leader_a"])
def test_patch_by_a_user_who_sees_but_may_not_change_is_403(
    client: Client, world: World, users: Users, who: str
) -> None:
    response = as_user(client, getattr(users, who)).patch(
        f"/api/v1/tasks/{world.overdue.pk}", {"title": "Sửa trộm"}, content_type=JSON
    )

    _problem(response, 403, "tasks.forbidden")
    world.overdue.refresh_from_db()
    assert world.overdue.title == "Rà soát văn bản quy phạm pháp luật"


# -- progress updates --------------------------------------------------------------------------


def test_create_submit_and_accept_an_update(client: Client, world: World, users: Users) -> None:
    as_user(client, users.focal_a)

    created = _ok(
        client.post(
            f"/api/v1/tasks/{world.overdue.pk}/updates",
            {"progress": 70, "reported_status": "in_progress", "narrative": "Đã rà soát 70 %."},
            content_type=JSON,
        ),
        201,
    )
    submitted = _ok(client.post(f"/api/v1/updates/{created['id']}/submit"))
    as_user(client, users.leader_a)
    accepted = _ok(client.post(f"/api/v1/updates/{created['id']}/accept"))

    assert (created["state"], created["unit_code"], created["author"]) == ("draft", "SA", str(users.focal_a))
    assert submitted["state"] == "submitted"
    assert submitted["submitted_at"] is not None
    assert accepted["state"] == "accepted"
    assert accepted["reviewed_by"] == str(users.leader_a)
    task = _ok(client.get(f"/api/v1/tasks/{world.overdue.pk}"))
    assert task["progress"] == 70


def test_return_needs_a_reason(client: Client, world: World, users: Users) -> None:
    update = task_update_submit(
        actor=users.focal_a,
        update=task_update_create(
            actor=users.focal_a,
            task=world.overdue,
            unit=world.overdue.lead_unit,
            progress=10,
            reported_status=TaskStatus.IN_PROGRESS,
        ),
    )
    as_user(client, users.leader_a)

    empty = client.post(f"/api/v1/updates/{update.pk}/return", {"reason": ""}, content_type=JSON)
    blank = client.post(f"/api/v1/updates/{update.pk}/return", {"reason": "   "}, content_type=JSON)
    returned = _ok(client.post(f"/api/v1/updates/{update.pk}/return", {"reason": "Thiếu số liệu."}, content_type=JSON))

    _problem(empty, 422, "validation_error")
    _problem(blank, 400, "tasks.return_reason_required")
    assert (returned["state"], returned["return_reason"]) == ("returned", "Thiếu số liệu.")


def test_update_rules_are_400_problems_naming_the_field(client: Client, world: World, users: Users) -> None:
    response = as_user(client, users.focal_a).post(
        f"/api/v1/tasks/{world.overdue.pk}/updates",
        {"progress": 100, "reported_status": "done_on_time"},
        content_type=JSON,
    )

    body = _problem(response, 400, "tasks.update_completed_on")
    assert body["field"] == "completed_on"
    assert not TaskUpdate.objects.exists()


def test_a_viewer_may_not_report_and_a_reporter_may_not_accept(client: Client, world: World, users: Users) -> None:
    viewer = as_user(client, users.viewer).post(
        f"/api/v1/tasks/{world.overdue.pk}/updates",
        {"progress": 10, "reported_status": "in_progress"},
        content_type=JSON,
    )
    update = task_update_submit(
        actor=users.focal_a,
        update=task_update_create(
            actor=users.focal_a,
            task=world.overdue,
            unit=world.overdue.lead_unit,
            progress=10,
            reported_status=TaskStatus.IN_PROGRESS,
        ),
    )
    reporter = as_user(client, users.focal_a).post(f"/api/v1/updates/{update.pk}/accept")

    _problem(viewer, 403, "tasks.forbidden")
    _problem(reporter, 403, "tasks.forbidden")
    update.refresh_from_db()
    assert update.state == UpdateState.SUBMITTED


def test_updates_list_hides_other_peoples_drafts(client: Client, world: World, users: Users) -> None:
    make_update(task=world.overdue, author=users.focal_a, narrative="nháp")
    make_update(task=world.overdue, state=UpdateState.ACCEPTED, narrative="đã duyệt")

    mine = _ok(as_user(client, users.focal_a).get(f"/api/v1/tasks/{world.overdue.pk}/updates"))
    theirs = _ok(as_user(client, users.viewer).get(f"/api/v1/tasks/{world.overdue.pk}/updates"))

    assert sorted(item["narrative"] for item in mine) == ["nháp", "đã duyệt"]
    assert [item["narrative"] for item in theirs] == ["đã duyệt"]


# -- IDOR: out of scope answers like missing -----------------------------------------------------


def _idor_requests(plan: int, task: int, update_id: int) -> list[tuple[str, str, dict[str, Any] | None]]:
    return [
        ("get", f"/api/v1/plans/{plan}", None),
        ("get", f"/api/v1/plans/{plan}/tasks", None),
        ("get", f"/api/v1/plans/{plan}/targets", None),
        ("get", f"/api/v1/tasks/{task}", None),
        ("patch", f"/api/v1/tasks/{task}", {"title": "x"}),
        ("get", f"/api/v1/tasks/{task}/updates", None),
        ("post", f"/api/v1/tasks/{task}/updates", {"progress": 1, "reported_status": "in_progress"}),
        ("post", f"/api/v1/updates/{update_id}/submit", None),
        ("post", f"/api/v1/updates/{update_id}/return", {"reason": "x"}),
        ("post", f"/api/v1/updates/{update_id}/accept", None),
    ]


def _call(client: Client, method: str, url: str, body: dict[str, Any] | None) -> Any:
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, body, content_type=JSON)


def test_out_of_scope_ids_are_404_problems_like_missing_ones(client: Client, world: World, users: Users) -> None:
    update = make_update(task=world.overdue, state=UpdateState.SUBMITTED)
    as_user(client, users.outsider)
    before = AuditEvent.objects.count()

    requests = _idor_requests(world.plan.pk, world.overdue.pk, update.pk)
    missing_ids = _idor_requests(999999, 999998, 999997)
    for (method, url, body), (_method, missing_url, _body) in zip(requests, missing_ids, strict=True):
        problem = _problem(_call(client, method, url, body), 404, "not_found")
        missing = _call(client, method, missing_url, body)
        assert missing.status_code == 404, missing_url
        assert {k: v for k, v in problem.items() if k != "instance"} == {
            k: v for k, v in missing.json().items() if k != "instance"
        }
    assert AuditEvent.objects.count() == before
    assert not _ok(client.get("/api/v1/plans"))["items"]


def test_a_draft_of_another_unit_is_not_found(client: Client, world: World, users: Users) -> None:
    draft = make_update(task=world.overdue, author=users.focal_a)

    response = as_user(client, users.leader_a).post(f"/api/v1/updates/{draft.pk}/accept")

    _problem(response, 404, "not_found")


def test_a_bearer_token_is_held_to_its_users_scope(client: Client, world: World, users: Users) -> None:
    _token, raw = api_token_create(actor=users.focal_a, user=users.focal_a, name="tích hợp")
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    tasks = client.get(f"/api/v1/plans/{world.plan.pk}/tasks", **bearer)
    other = client.get(f"/api/v1/tasks/{world.done.pk}", **bearer)

    assert [item["code"] for item in _ok(tasks)["items"]] == ["II.1.a", "II.1.b"]
    _problem(other, 404, "not_found")


def test_without_credentials_the_plan_endpoints_are_401(client: Client, world: World) -> None:
    _problem(client.get("/api/v1/plans"), 401, "unauthenticated")
    _problem(client.post(f"/api/v1/tasks/{world.overdue.pk}/updates", {}, content_type=JSON), 401, "unauthenticated")


def test_an_issued_plan_reads_its_number(client: Client, world: World, users: Users) -> None:
    world.plan.status, world.plan.number, world.plan.issued_on = PlanStatus.ISSUED, "25/KH-UBND", dt.date(2023, 1, 10)
    world.plan.save()

    body = _ok(as_user(client, users.viewer).get(f"/api/v1/plans/{world.plan.pk}"))

    assert (body["status"], body["number"], body["issued_on"]) == ("issued", "25/KH-UBND", "2023-01-10")

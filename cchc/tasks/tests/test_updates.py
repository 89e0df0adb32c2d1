"""Progress updates: the review flow, who may do each step, and what acceptance does to a task.

The world of every test: a 2023 plan of the province; its task is led by Sở A and
coordinated by the district, due Saturday 21/01/2023 – the first day of Tết (20–26/01),
so its effective deadline is Friday 27/01/2023.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from cchc.accounts.choices import Role
from cchc.accounts.models import User
from cchc.accounts.tests.factories import make_user
from cchc.audit.models import AuditEvent
from cchc.core.errors import ApplicationError, PermissionDeniedError
from cchc.tasks.choices import UPDATE_TRANSITIONS, TaskStatus, UpdateState
from cchc.tasks.evidence import evidence_add, evidence_open_for_user
from cchc.tasks.models import Task, TaskUpdate
from cchc.tasks.tests.factories import make_plan, make_task, make_update
from cchc.tasks.updates import (
    reporting_units,
    task_update_accept,
    task_update_can_accept,
    task_update_can_edit,
    task_update_can_review,
    task_update_create,
    task_update_edit,
    task_update_return,
    task_update_submit,
)

TET_SATURDAY = dt.date(2023, 1, 21)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@dataclass
class World:
    tree: Any
    task: Task
    users: dict[str, User]

    def __getitem__(self, role: str) -> User:
        return self.users[role]


# name → (role, unit attribute of the tree fixture)
ROLES: dict[str, tuple[str, str]] = {
    "fp_lead": (Role.FOCAL_POINT, "dept_a"),
    "fp_coord": (Role.FOCAL_POINT, "district"),
    "fp_sibling": (Role.FOCAL_POINT, "dept_b"),
    "fp_child": (Role.FOCAL_POINT, "dept_a_child"),
    "leader_lead": (Role.LEADER, "dept_a"),
    "leader_sibling": (Role.LEADER, "dept_b"),
    "office": (Role.REFORM_OFFICE, "province"),
    "viewer": (Role.VIEWER, "dept_a"),
    "admin": (Role.SYSTEM_ADMIN, "province"),
}


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def world(tree: Any) -> World:
    plan = make_plan(unit=tree.province)
    task = make_task(
        plan=plan, lead_unit=tree.dept_a, coordinating_units=[tree.district], due_date=TET_SATURDAY, code="II.1.a"
    )
    users = {
        name: make_user(role=role, unit=getattr(tree, unit), username=name) for name, (role, unit) in ROLES.items()
    }
    return World(tree=tree, task=task, users=users)


def _draft(world: World, *, author: str = "fp_lead", **values: Any) -> TaskUpdate:
    unit = values.pop("unit", world.tree.dept_a)
    values = {
        "progress": 40,
        "reported_status": TaskStatus.IN_PROGRESS,
        "narrative": "Đã rà soát 12 văn bản.",
        **values,
    }
    return task_update_create(actor=world[author], task=world.task, unit=unit, **values)


def _submitted(world: World, **values: Any) -> TaskUpdate:
    update = _draft(world, **values)
    return task_update_submit(actor=world[values.get("author", "fp_lead")], update=update)


def _actions(obj: Any) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


# -- the transition table ----------------------------------------------------------------------

STATES = list(UpdateState)
ALLOWED = {
    (UpdateState.DRAFT, UpdateState.SUBMITTED),
    (UpdateState.RETURNED, UpdateState.SUBMITTED),
    (UpdateState.SUBMITTED, UpdateState.RETURNED),
    (UpdateState.SUBMITTED, UpdateState.ACCEPTED),
}


def test_the_transition_table_is_the_documented_one() -> None:
    """Four moves, each with its service; nothing leads back to draft or out of accepted."""
    assert set(UPDATE_TRANSITIONS) == ALLOWED
    assert UPDATE_TRANSITIONS[(UpdateState.SUBMITTED, UpdateState.ACCEPTED)] == "task_update_accept"
    assert not any(target == UpdateState.DRAFT for _, target in UPDATE_TRANSITIONS)
    assert not any(source == UpdateState.ACCEPTED for source, _ in UPDATE_TRANSITIONS)


def _move(world: World, update: TaskUpdate, target: str) -> TaskUpdate:
    if target == UpdateState.SUBMITTED:
        return task_update_submit(actor=world["fp_lead"], update=update)
    if target == UpdateState.RETURNED:
        return task_update_return(actor=world["office"], update=update, reason="Thiếu số liệu.")
    return task_update_accept(actor=world["office"], update=update)


@pytest.mark.parametrize("source", STATES)
@pytest.mark.parametrize("target", [UpdateState.SUBMITTED, UpdateState.RETURNED, UpdateState.ACCEPTED])
def test_every_move_is_allowed_or_refused_by_the_table(world: World, source: str, target: str) -> None:
    """Each service moves exactly the pairs of the table and refuses the rest by code, unchanged."""
    update = make_update(task=world.task, author=world["fp_lead"], state=source)
    if (source, target) in ALLOWED:
        assert _move(world, update, target).state == target
        update.refresh_from_db()
        assert update.state == target
    else:
        with pytest.raises(ApplicationError) as caught:
            _move(world, update, target)
        assert caught.value.code == "tasks.invalid_transition"
        assert "Không thể" in caught.value.message
        update.refresh_from_db()
        assert update.state == source


# -- the policy matrix -------------------------------------------------------------------------

ACTIONS = ("create", "submit", "return", "accept", "evidence_add", "download")
Y, N = True, False
# fmt: off
EXPECTED: dict[str, tuple[bool, ...]] = {
    #                  create submit return accept evidence download (of a draft's evidence)
    "fp_lead":        (Y,     Y,     N,     N,     Y,       Y),
    "fp_coord":       (Y,     N,     N,     N,     N,       N),  # creates for its own unit only
    "fp_sibling":     (N,     N,     N,     N,     N,       N),
    "fp_child":       (N,     N,     N,     N,     N,       N),  # a grant covers down, not up
    "leader_lead":    (N,     N,     Y,     Y,     N,       Y),
    "leader_sibling": (N,     N,     N,     N,     N,       N),
    "office":         (Y,     Y,     Y,     Y,     Y,       Y),
    "viewer":         (N,     N,     N,     N,     N,       N),  # a draft is the unit's working paper
    "admin":          (Y,     Y,     Y,     Y,     Y,       Y),
}
# fmt: on
RESULT_STATE = {
    "create": UpdateState.DRAFT,
    "submit": UpdateState.SUBMITTED,
    "return": UpdateState.RETURNED,
    "accept": UpdateState.ACCEPTED,
}


def _attempt(world: World, role: str, action: str) -> Callable[[], Any]:
    """The action as ``role`` tries it on the lead unit's update (its own unit's, for fp_coord)."""
    actor = world[role]
    if action == "create":
        unit = world.tree.district if role == "fp_coord" else world.tree.dept_a
        return lambda: _draft(world, author=role, unit=unit)
    if action in ("submit", "evidence_add"):
        draft = _draft(world)
        if action == "submit":
            return lambda: task_update_submit(actor=actor, update=draft)
        upload = SimpleUploadedFile("bien-ban.pdf", PDF, content_type="application/pdf")
        return lambda: evidence_add(actor=actor, update=draft, uploaded_file=upload)
    if action in ("return", "accept"):
        submitted = _submitted(world)
        if action == "return":
            return lambda: task_update_return(actor=actor, update=submitted, reason="Thiếu biên bản.")
        return lambda: task_update_accept(actor=actor, update=submitted)
    evidence = evidence_add(
        actor=world["fp_lead"], update=_draft(world), uploaded_file=SimpleUploadedFile("bien-ban.pdf", PDF)
    )

    def download() -> None:
        _, handle = evidence_open_for_user(user=actor, evidence_id=evidence.pk)
        handle.close()

    return download


@pytest.mark.usefixtures("media")
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", list(EXPECTED))
def test_policy_matrix(world: World, role: str, action: str) -> None:
    """Who may do what, by role and place: the table above, written by hand."""
    attempt = _attempt(world, role, action)
    expected = EXPECTED[role][ACTIONS.index(action)]
    if expected:
        result = attempt()
        if isinstance(result, TaskUpdate):
            assert result.state == RESULT_STATE[action]
    elif action == "download":
        with pytest.raises(Http404):
            attempt()
    else:
        with pytest.raises(PermissionDeniedError):
            attempt()


def test_a_coordinating_focal_point_cannot_report_for_the_lead_unit(world: World) -> None:
    with pytest.raises(PermissionDeniedError):
        _draft(world, author="fp_coord", unit=world.tree.dept_a)


def test_a_sibling_cannot_report_for_itself_on_a_task_it_has_no_part_in(world: World) -> None:
    with pytest.raises(PermissionDeniedError):
        _draft(world, author="fp_sibling", unit=world.tree.dept_b)


def test_a_unit_outside_the_task_is_refused_by_name(world: World) -> None:
    """The reform office covers Sở B, but Sở B has no part in the task."""
    with pytest.raises(ApplicationError) as caught:
        _draft(world, author="office", unit=world.tree.dept_b)
    assert caught.value.code == "tasks.update_unit"
    assert "Sở B" in caught.value.message
    assert caught.value.extra["field"] == "unit"


def test_nobody_accepts_their_own_update(world: World) -> None:
    """The reform office may write an update for the lead unit, but another reviewer accepts it."""
    update = _submitted(world, author="office")
    with pytest.raises(PermissionDeniedError) as caught:
        task_update_accept(actor=world["office"], update=update)
    assert caught.value.code == "tasks.own_update"
    assert not task_update_can_accept(user=world["office"], update=update)
    assert task_update_can_accept(user=world["leader_lead"], update=update)
    assert task_update_accept(actor=world["leader_lead"], update=update).state == UpdateState.ACCEPTED


def test_the_unit_of_a_coordinating_update_is_reviewed_by_the_lead_units_leader(world: World) -> None:
    update = _submitted(world, author="fp_coord", unit=world.tree.district)
    assert task_update_return(actor=world["leader_lead"], update=update, reason="Bổ sung số liệu.").state == "returned"


def test_reporting_units_lists_the_units_a_user_may_report_for(world: World) -> None:
    tree = world.tree
    assert reporting_units(user=world["fp_lead"], task=world.task) == [tree.dept_a]
    assert reporting_units(user=world["fp_coord"], task=world.task) == [tree.district]
    assert reporting_units(user=world["office"], task=world.task) == [tree.dept_a, tree.district]
    assert reporting_units(user=world["fp_sibling"], task=world.task) == []
    assert reporting_units(user=world["leader_lead"], task=world.task) == []


def test_the_can_predicates_follow_the_state(world: World) -> None:
    update = _draft(world)
    assert task_update_can_edit(user=world["fp_lead"], update=update)
    assert not task_update_can_edit(user=world["fp_coord"], update=update)
    assert not task_update_can_review(user=world["leader_lead"], update=update)
    task_update_submit(actor=world["fp_lead"], update=update)
    assert not task_update_can_edit(user=world["fp_lead"], update=update)
    assert task_update_can_review(user=world["leader_lead"], update=update)
    assert not task_update_can_review(user=world["leader_sibling"], update=update)


# -- the review flow: stamps and audit ---------------------------------------------------------


def test_the_full_flow_stamps_who_and_when_and_writes_the_audit_trail(world: World) -> None:
    """Draft → submitted → returned (reason) → submitted → accepted, each step stamped and audited."""
    update = _draft(world)
    assert update.state == UpdateState.DRAFT
    assert update.author == world["fp_lead"]
    assert update.submitted_at is None

    task_update_submit(actor=world["fp_lead"], update=update)
    first_submission = update.submitted_at
    assert first_submission is not None

    task_update_return(actor=world["leader_lead"], update=update, reason="  Thiếu biên bản kiểm tra.  ")
    update.refresh_from_db()
    assert update.state == UpdateState.RETURNED
    assert update.return_reason == "Thiếu biên bản kiểm tra."
    assert update.reviewed_by == world["leader_lead"]
    assert update.reviewed_at is not None

    task_update_edit(actor=world["fp_lead"], update=update, progress=60)
    task_update_submit(actor=world["fp_lead"], update=update)
    assert update.submitted_at is not None
    assert update.submitted_at >= first_submission

    task_update_accept(actor=world["office"], update=update)
    update.refresh_from_db()
    assert update.state == UpdateState.ACCEPTED
    assert update.reviewed_by == world["office"]
    assert update.return_reason == ""

    assert _actions(update) == [
        "task_update.created",
        "task_update.submitted",
        "task_update.returned",
        "task_update.edited",
        "task_update.submitted",
        "task_update.accepted",
    ]
    events = AuditEvent.objects.filter(object_id=str(update.pk), object_type="tasks.taskupdate").order_by("pk")
    actors = ["fp_lead", "fp_lead", "leader_lead", "fp_lead", "fp_lead", "office"]
    assert [e.actor for e in events] == [world[name] for name in actors]
    assert all(e.unit == world.tree.dept_a for e in events)
    returned = events.get(action="task_update.returned")
    assert returned.changes == {"state": ["submitted", "returned"], "reason": ["", "Thiếu biên bản kiểm tra."]}


def test_a_refused_step_writes_nothing(world: World) -> None:
    update = _submitted(world)
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDeniedError):
        task_update_accept(actor=world["leader_sibling"], update=update)
    update.refresh_from_db()
    assert update.state == UpdateState.SUBMITTED
    assert update.reviewed_by is None
    assert AuditEvent.objects.count() == before


# -- editing ----------------------------------------------------------------------------------


def test_edit_is_for_drafts_and_returned_updates_only(world: World) -> None:
    update = _draft(world)
    task_update_edit(actor=world["fp_lead"], update=update, narrative="Đã rà soát 15 văn bản.", progress=55)
    update.refresh_from_db()
    assert (update.progress, update.narrative) == (55, "Đã rà soát 15 văn bản.")
    task_update_submit(actor=world["fp_lead"], update=update)
    with pytest.raises(ApplicationError) as caught:
        task_update_edit(actor=world["fp_lead"], update=update, progress=70)
    assert caught.value.code == "tasks.update_locked"
    task_update_return(actor=world["office"], update=update, reason="Ghi rõ số văn bản.")
    assert task_update_edit(actor=world["fp_lead"], update=update, progress=70).progress == 70


def test_edit_is_for_the_units_reporters_only(world: World) -> None:
    update = _draft(world)
    for role in ("fp_coord", "fp_sibling", "leader_lead", "viewer"):
        with pytest.raises(PermissionDeniedError):
            task_update_edit(actor=world[role], update=update, progress=90)
    assert task_update_edit(actor=world["office"], update=update, progress=90).progress == 90


def test_edit_refuses_unknown_fields_and_writes_nothing_when_nothing_changes(world: World) -> None:
    update = _draft(world)
    with pytest.raises(ApplicationError) as caught:
        task_update_edit(actor=world["fp_lead"], update=update, unit=world.tree.district)
    assert caught.value.code == "tasks.field"
    task_update_edit(actor=world["fp_lead"], update=update, progress=40)
    assert _actions(update) == ["task_update.created"]


def test_edit_to_done_needs_the_date_and_sets_100_percent(world: World) -> None:
    update = _draft(world)
    with pytest.raises(ApplicationError) as caught:
        task_update_edit(actor=world["fp_lead"], update=update, reported_status=TaskStatus.DONE_ON_TIME)
    assert caught.value.code == "tasks.update_completed_on"
    update.refresh_from_db()
    assert update.reported_status == TaskStatus.IN_PROGRESS
    task_update_edit(
        actor=world["fp_lead"],
        update=update,
        reported_status=TaskStatus.DONE_ON_TIME,
        completed_on=dt.date(2023, 1, 19),
    )
    update.refresh_from_db()
    assert (update.progress, update.completed_on) == (100, dt.date(2023, 1, 19))


# -- bad input ---------------------------------------------------------------------------------


def test_progress_over_100_is_refused_naming_the_field(world: World) -> None:
    with pytest.raises(ApplicationError) as caught:
        _draft(world, progress=120)
    assert caught.value.code == "tasks.update_progress"
    assert caught.value.message == "Tiến độ (%) phải là số nguyên từ 0 đến 100; đã nhập: 120."
    assert caught.value.extra["field"] == "progress"
    assert not TaskUpdate.objects.exists()


@pytest.mark.parametrize("progress", [-1, 101, 50.5, True, "50"])
def test_progress_must_be_a_whole_percent(world: World, progress: Any) -> None:
    with pytest.raises(ApplicationError) as caught:
        _draft(world, progress=progress)
    assert caught.value.code == "tasks.update_progress"


def test_done_without_a_date_is_refused(world: World) -> None:
    with pytest.raises(ApplicationError) as caught:
        _draft(world, progress=100, reported_status=TaskStatus.DONE_ON_TIME)
    assert caught.value.code == "tasks.update_completed_on"
    assert caught.value.message.startswith("Ngày hoàn thành:")
    assert caught.value.extra["field"] == "completed_on"


def test_a_completion_date_in_the_future_is_refused(world: World) -> None:
    from django.utils import timezone

    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ApplicationError) as caught:
        _draft(world, reported_status=TaskStatus.DONE_LATE, completed_on=tomorrow)
    assert caught.value.code == "tasks.update_completed_on"
    assert f"{tomorrow:%d/%m/%Y}" in caught.value.message
    assert "sau ngày hôm nay" in caught.value.message


def test_a_completion_date_goes_with_a_done_report_only(world: World) -> None:
    with pytest.raises(ApplicationError) as caught:
        _draft(world, completed_on=dt.date(2023, 1, 19))
    assert caught.value.code == "tasks.update_completed_on"


def test_not_started_means_zero_percent(world: World) -> None:
    with pytest.raises(ApplicationError) as caught:
        _draft(world, reported_status=TaskStatus.NOT_STARTED, progress=30)
    assert caught.value.code == "tasks.update_progress"
    assert _draft(world, reported_status=TaskStatus.NOT_STARTED, progress=0).progress == 0


def test_overdue_is_not_a_status_a_reporter_chooses(world: World) -> None:
    """Overdue is decided by the calendar, never reported."""
    with pytest.raises(ApplicationError) as caught:
        _draft(world, reported_status="overdue")
    assert caught.value.code == "tasks.update_status"
    assert "overdue" in caught.value.message


def test_only_the_reform_office_or_an_admin_reports_a_task_cancelled(world: World) -> None:
    with pytest.raises(PermissionDeniedError) as caught:
        _draft(world, reported_status=TaskStatus.CANCELLED)
    assert caught.value.code == "tasks.cancel_forbidden"
    assert caught.value.message.startswith("Tình trạng:")
    assert _draft(world, author="office", reported_status=TaskStatus.CANCELLED).reported_status == "cancelled"
    assert _draft(world, author="admin", reported_status=TaskStatus.CANCELLED).reported_status == "cancelled"


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_a_return_needs_a_reason(world: World, reason: str) -> None:
    update = _submitted(world)
    with pytest.raises(ApplicationError) as caught:
        task_update_return(actor=world["leader_lead"], update=update, reason=reason)
    assert caught.value.code == "tasks.return_reason_required"
    assert caught.value.message.startswith("Lý do trả lại:")
    update.refresh_from_db()
    assert update.state == UpdateState.SUBMITTED


# -- what acceptance does to the task ----------------------------------------------------------


def _accept_done(world: World, completed_on: dt.date, reported: str = TaskStatus.DONE_ON_TIME) -> Task:
    update = _submitted(world, progress=100, reported_status=reported, completed_on=completed_on)
    task_update_accept(actor=world["leader_lead"], update=update)
    world.task.refresh_from_db()
    return world.task


def test_done_on_the_friday_after_tet_is_on_time(world: World) -> None:
    """Due Saturday 21/01/2023 (Tết 20–26/01): the deadline moves to Friday 27/01/2023."""
    task = _accept_done(world, dt.date(2023, 1, 27))
    assert (task.status, task.progress, task.completed_on) == (TaskStatus.DONE_ON_TIME, 100, dt.date(2023, 1, 27))


def test_done_on_the_monday_after_is_late(world: World) -> None:
    """Saturday 28 and Sunday 29/01 are days off; Monday 30/01/2023 is past the deadline."""
    task = _accept_done(world, dt.date(2023, 1, 30))
    assert (task.status, task.completed_on) == (TaskStatus.DONE_LATE, dt.date(2023, 1, 30))


def test_a_deadline_on_a_working_day_does_not_move(world: World) -> None:
    """Due Thursday 19/01/2023, the last working day before Tết: 27/01 is late."""
    world.task.due_date = dt.date(2023, 1, 19)
    world.task.save(update_fields=["due_date"])
    assert _accept_done(world, dt.date(2023, 1, 27)).status == TaskStatus.DONE_LATE


def test_the_calendar_decides_whichever_done_status_was_reported(world: World) -> None:
    assert _accept_done(world, dt.date(2023, 1, 20), reported=TaskStatus.DONE_LATE).status == TaskStatus.DONE_ON_TIME


def test_an_accepted_progress_report_sets_the_percent_and_status(world: World) -> None:
    update = _submitted(world, progress=40)
    task_update_accept(actor=world["office"], update=update)
    world.task.refresh_from_db()
    assert (world.task.status, world.task.progress, world.task.completed_on) == (TaskStatus.IN_PROGRESS, 40, None)
    assert _actions(world.task)[-1] == "task.updated"
    accepted = AuditEvent.objects.get(action="task_update.accepted", object_id=str(update.pk))
    assert accepted.changes["applied"] == [None, True]
    assert accepted.changes["task"] == [None, {"status": "in_progress", "progress": 40, "completed_on": None}]


def test_a_submitted_report_changes_nothing_until_accepted(world: World) -> None:
    _submitted(world, progress=40)
    world.task.refresh_from_db()
    assert (world.task.status, world.task.progress) == (TaskStatus.NOT_STARTED, 0)


def test_an_accepted_cancellation_cancels_the_task(world: World) -> None:
    update = _submitted(world, author="office", reported_status=TaskStatus.CANCELLED, progress=10)
    task_update_accept(actor=world["admin"], update=update)
    world.task.refresh_from_db()
    assert (world.task.status, world.task.progress) == (TaskStatus.CANCELLED, 10)


def test_a_coordinating_units_accepted_update_does_not_change_the_task(world: World) -> None:
    """The district reports its share done; the lead unit's numbers stand."""
    lead = _submitted(world, progress=30)
    task_update_accept(actor=world["leader_lead"], update=lead)
    coordinating = _submitted(
        world,
        author="fp_coord",
        unit=world.tree.district,
        progress=100,
        reported_status=TaskStatus.DONE_ON_TIME,
        completed_on=dt.date(2023, 1, 19),
    )
    task_update_accept(actor=world["leader_lead"], update=coordinating)
    coordinating.refresh_from_db()
    world.task.refresh_from_db()
    assert coordinating.state == UpdateState.ACCEPTED
    assert coordinating.reviewed_by == world["leader_lead"]
    assert (world.task.status, world.task.progress, world.task.completed_on) == (TaskStatus.IN_PROGRESS, 30, None)
    accepted = AuditEvent.objects.get(action="task_update.accepted", object_id=str(coordinating.pk))
    assert accepted.changes == {"state": ["submitted", "accepted"], "applied": [None, False]}
    assert accepted.unit == world.tree.district


def test_done_report_on_a_quarterly_task_closes_one_period_at_a_time(tree: Any) -> None:
    """Quarterly report: each accepted "done" closes the earliest open quarter."""
    import datetime as dt

    from cchc.accounts.choices import Role
    from cchc.accounts.tests.factories import make_user
    from cchc.tasks.choices import DeadlineKind, TaskStatus
    from cchc.tasks.tests.factories import make_plan, make_task
    from cchc.tasks.updates import task_update_accept, task_update_create, task_update_submit

    plan = make_plan(unit=tree.province, year=2023)
    task = make_task(plan=plan, lead_unit=tree.dept_a, deadline_kind=DeadlineKind.QUARTERLY, due_date=None)
    assert task.occurrences.count() == 4
    reporter = make_user(role=Role.FOCAL_POINT, unit=tree.dept_a)
    office = make_user(role=Role.REFORM_OFFICE, unit=tree.province)
    first_due = task.occurrences.order_by("due_date").first().due_date
    update = task_update_create(
        actor=reporter, task=task, unit=tree.dept_a, progress=100,
        reported_status=TaskStatus.DONE_ON_TIME, completed_on=first_due,
    )  # fmt: skip
    task_update_submit(actor=reporter, update=update)
    task_update_accept(actor=office, update=update)
    task.refresh_from_db()
    assert (task.status, task.progress) == (TaskStatus.IN_PROGRESS, 25)
    assert [o.completed_on for o in task.occurrences.order_by("due_date")] == [first_due, None, None, None]
    assert first_due == dt.date(2023, 3, 16)  # 14/3/2023 (Tue) + 2 working days

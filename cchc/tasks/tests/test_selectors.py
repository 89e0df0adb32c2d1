"""Task reads: scoped, filtered lists (overdue across Tết), plan progress, coverage, public.

The small plan below is worked out by hand; every number in the assertions comes
from the table in ``small_plan``'s docstring, not from running the code.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.http import Http404

from cchc.accounts.choices import Role
from cchc.accounts.tests.factories import make_user
from cchc.core.calendar import statutory_calendar, work_calendar, work_calendar_clear
from cchc.core.models import CalendarOverride
from cchc.core.services import calendar_override_upsert
from cchc.core.workdays import WorkCalendar
from cchc.plans.choices import PlanStatus
from cchc.plans.models import Plan, PlanNode
from cchc.tasks.calculations import ROLLUP_RULE, Rollup, is_overdue
from cchc.tasks.choices import Area, DeadlineKind, TaskStatus, UpdateState
from cchc.tasks.models import Task
from cchc.tasks.selectors import (
    NO_AREA_LABEL,
    NO_PLAN,
    overdue_boundary,
    plan_coverage,
    plan_progress,
    public_task_list,
    task_get_for_user,
    task_list_for_user,
    task_timeline,
)
from cchc.tasks.services import plan_issue, unit_plan_create
from cchc.tasks.tests.factories import make_node, make_plan, make_task, make_update

D = dt.date
FRI_AFTER_TET = D(2023, 1, 27)  # first working day after Tết 2023 (20–26/1)
MON_AFTER_TET = D(2023, 1, 30)
THU_IN_TET = D(2023, 1, 26)


@dataclass
class SmallPlan:
    plan: Plan
    nodes: dict[str, PlanNode]
    t: dict[str, Task]


@pytest.fixture
def small_plan(tree: Any) -> SmallPlan:
    """The province's plan, seven tasks:

    ==== ======== ================ ========= ====== ======== =========== ============= =====
    task node     area             lead      weight progress status      due           coord
    ==== ======== ================ ========= ====== ======== =========== ============= =====
    t1   II.1.a   institutions     Sở A      1      40       in progress 19/1/2023     Sở B
    t2   II.1.b   institutions     Sở A      2      100      on time     21/1/2023
    t3   II.2.a   procedures       Sở B      3      20       in progress 21/1/2023     Sở A, Huyện
    t4   II.2.a   procedures       Sở B      1      90       cancelled   2/1/2023
    t5   IV.1     —                Huyện     1      0        not started 31/12/2023
    t6   II.2     procedures       Sở B      0      0        not started 3/1/2023
    t7   —        —                Chi cục   1      0        not started —
    ==== ======== ================ ========= ====== ======== =========== ============= =====

    Node III has no task.
    """
    plan = make_plan(unit=tree.province, title="Kế hoạch CCHC tỉnh Thử Nghiệm năm 2023")
    nodes = {path: make_node(plan=plan, path=path) for path in ("II", "II.1", "II.1.a", "II.1.b", "II.2", "II.2.a")}
    nodes |= {path: make_node(plan=plan, path=path) for path in ("III", "IV", "IV.1")}
    inst, proc = Area.INSTITUTIONS, Area.PROCEDURES
    rows: list[tuple[str, str | None, str, Any, int, int, str, dt.date | None, list[Any]]] = [
        ("t1", "II.1.a", inst, tree.dept_a, 1, 40, TaskStatus.IN_PROGRESS, D(2023, 1, 19), [tree.dept_b]),
        ("t2", "II.1.b", inst, tree.dept_a, 2, 100, TaskStatus.DONE_ON_TIME, D(2023, 1, 21), []),
        (
            "t3",
            "II.2.a",
            proc,
            tree.dept_b,
            3,
            20,
            TaskStatus.IN_PROGRESS,
            D(2023, 1, 21),
            [tree.dept_a, tree.district],
        ),
        ("t4", "II.2.a", proc, tree.dept_b, 1, 90, TaskStatus.CANCELLED, D(2023, 1, 2), []),
        ("t5", "IV.1", "", tree.district, 1, 0, TaskStatus.NOT_STARTED, D(2023, 12, 31), []),
        ("t6", "II.2", proc, tree.dept_b, 0, 0, TaskStatus.NOT_STARTED, D(2023, 1, 3), []),
        ("t7", None, "", tree.dept_a_child, 1, 0, TaskStatus.NOT_STARTED, None, []),
    ]
    tasks = {}
    for position, (code, node, area, lead, weight, progress, status, due, coord) in enumerate(rows, start=1):
        tasks[code] = make_task(
            plan=plan,
            code=code,
            node=nodes[node] if node else None,
            area=area,
            lead_unit=lead,
            weight=weight,
            progress=progress,
            status=status,
            due_date=due,
            coordinating_units=coord,
            position=position,
        )
    return SmallPlan(plan, nodes, tasks)


@pytest.fixture
def admin(tree: Any) -> Any:
    return make_user(role=Role.SYSTEM_ADMIN, unit=tree.province)


def codes(tasks: Any) -> list[str]:
    return [task.code for task in tasks]


# -- overdue boundary --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "boundary"),
    [
        (D(2023, 1, 18), D(2023, 1, 18)),  # an ordinary Wednesday: due before today is overdue
        (FRI_AFTER_TET, D(2023, 1, 20)),  # Tết 20–26/1 moved its deadlines to 27/1
        (THU_IN_TET, D(2023, 1, 20)),  # inside Tết: the days off so far are not overdue
        (MON_AFTER_TET, D(2023, 1, 28)),  # the weekend before
        (D(2023, 1, 3), D(2022, 12, 31)),  # after New Year 1/1 (Sunday) and its compensation 2/1
        (D(2023, 9, 5), D(2023, 9, 1)),  # after National Day 1–4/9/2023
        (D(2024, 5, 6), D(2024, 5, 5)),  # Saturday 4/5/2024 was worked: only Sunday moves
    ],
)
def test_overdue_boundary(today: dt.date, boundary: dt.date) -> None:
    statutory = statutory_calendar()
    calendar = WorkCalendar(holidays=statutory.holidays, weekend_workdays=statutory.weekend_workdays)
    assert overdue_boundary(today=today, calendar=calendar) == boundary


def test_overdue_boundary_agrees_with_is_overdue_every_day_of_2023() -> None:
    """The SQL cut-off and the per-task rule give the same answer for every (due, today) pair."""
    statutory = statutory_calendar()
    calendar = WorkCalendar(holidays=statutory.holidays, weekend_workdays=statutory.weekend_workdays)
    start = D(2023, 1, 1)
    for offset in range(365):
        today = start + dt.timedelta(days=offset)
        boundary = overdue_boundary(today=today, calendar=calendar)
        for back in range(12):
            due = today - dt.timedelta(days=back)
            expected = is_overdue(status=TaskStatus.IN_PROGRESS, due_date=due, today=today, calendar=calendar)
            assert (due < boundary) is expected, (due, today)


# -- task_list_for_user ------------------------------------------------------------------


def test_list_filters(small_plan: SmallPlan, admin: Any) -> None:
    plan = small_plan.plan
    make_task(plan=make_plan(unit=small_plan.t["t1"].lead_unit), code="other")  # another plan
    assert codes(task_list_for_user(user=admin, plan=plan)) == ["t1", "t2", "t3", "t4", "t5", "t6", "t7"]
    assert codes(task_list_for_user(user=admin, plan=plan, area=Area.PROCEDURES)) == ["t3", "t4", "t6"]
    assert codes(task_list_for_user(user=admin, plan=plan, area="")) == ["t5", "t7"]
    # Lead or coordinating, the unit itself only (not Chi cục under Sở A).
    assert codes(task_list_for_user(user=admin, plan=plan, unit_code="SB")) == ["t1", "t3", "t4", "t6"]
    assert codes(task_list_for_user(user=admin, plan=plan, unit_code="SA")) == ["t1", "t2", "t3"]
    assert codes(task_list_for_user(user=admin, plan=plan, unit_code="H1")) == ["t3", "t5"]
    assert codes(task_list_for_user(user=admin, plan=plan, status=TaskStatus.DONE_ON_TIME)) == ["t2"]
    assert codes(task_list_for_user(user=admin, plan=plan, status="no-such-status")) == []


@pytest.mark.parametrize(
    ("today", "overdue"),
    [
        (THU_IN_TET, ["t1", "t6"]),  # t1 was due the day before Tết; t6 on 3/1
        (FRI_AFTER_TET, ["t1", "t6"]),  # t3 (due Saturday 21/1 in Tết) may still be done today
        (MON_AFTER_TET, ["t1", "t3", "t6"]),
        (D(2023, 1, 3), []),  # t6 is due today; t4 is cancelled
        (D(2023, 1, 4), ["t6"]),
    ],
)
def test_list_overdue_around_tet(small_plan: SmallPlan, admin: Any, today: dt.date, overdue: list[str]) -> None:
    plan = small_plan.plan
    assert codes(task_list_for_user(user=admin, plan=plan, status="overdue", today=today)) == overdue
    assert codes(task_list_for_user(user=admin, plan=plan, overdue=True, today=today)) == overdue
    rest = [code for code in ["t1", "t2", "t3", "t4", "t5", "t6", "t7"] if code not in overdue]
    # t7 has no due date: never overdue, and not lost by the negated filter either.
    assert codes(task_list_for_user(user=admin, plan=plan, overdue=False, today=today)) == rest


def test_overdue_filter_follows_a_calendar_override(small_plan: SmallPlan, admin: Any) -> None:
    """Making Friday 27/1/2023 a day off pushes t3's deadline to Monday: not overdue that day."""
    calendar_override_upsert(
        actor=None, date=FRI_AFTER_TET, kind=CalendarOverride.Kind.DAY_OFF, source="Thông báo thử nghiệm"
    )
    work_calendar_clear()  # the service clears on commit; the test never commits
    overdue = task_list_for_user(user=admin, plan=small_plan.plan, status="overdue", today=MON_AFTER_TET)
    assert codes(overdue) == ["t1", "t6"]


def test_list_is_scoped_to_the_user(small_plan: SmallPlan, tree: Any) -> None:
    """A Sở B focal point sees what Sở B leads or coordinates, nothing else of the province's plan."""
    focal_b = make_user(role=Role.FOCAL_POINT, unit=tree.dept_b)
    plan = small_plan.plan
    assert codes(task_list_for_user(user=focal_b, plan=plan)) == ["t1", "t3", "t4", "t6"]
    assert codes(task_list_for_user(user=focal_b, plan=plan, status="overdue", today=FRI_AFTER_TET)) == ["t1", "t6"]
    commune_viewer = make_user(role=Role.VIEWER, unit=tree.commune)
    assert codes(task_list_for_user(user=commune_viewer)) == []


def _touch(tasks: Any) -> None:
    for task in tasks:
        _ = (task.lead_unit.name, task.plan.unit.name, task.node and task.node.path)
        _ = [unit.name for unit in task.coordinating_units.all()]


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.REFORM_OFFICE])
def test_list_query_count_does_not_grow_with_tasks(
    small_plan: SmallPlan, tree: Any, role: str, django_assert_num_queries: Any
) -> None:
    user = make_user(role=role, unit=tree.province)
    work_calendar()  # warm the calendar and the user's grants: the page has them already
    list(task_list_for_user(user=user, plan=small_plan.plan))
    with django_assert_num_queries(2):  # tasks with their units and node; coordinating units
        _touch(task_list_for_user(user=user, plan=small_plan.plan, status="overdue", today=MON_AFTER_TET))
    for number in range(40):
        make_task(plan=small_plan.plan, code=f"x{number}", lead_unit=tree.dept_b, coordinating_units=[tree.dept_a])
    with django_assert_num_queries(2):
        tasks = list(task_list_for_user(user=user, plan=small_plan.plan, unit_code="SA"))
        _touch(tasks)
    assert len(tasks) == 43


def test_get_for_user_answers_404_outside_the_scope(small_plan: SmallPlan, tree: Any) -> None:
    focal_b = make_user(role=Role.FOCAL_POINT, unit=tree.dept_b)
    t3 = task_get_for_user(user=focal_b, task_id=small_plan.t["t3"].pk)
    assert t3.code == "t3"
    assert task_get_for_user(user=focal_b, task_id=t3.pk, action="report") == t3
    with pytest.raises(Http404):
        task_get_for_user(user=focal_b, task_id=small_plan.t["t2"].pk)  # Sở A's only
    with pytest.raises(Http404):
        task_get_for_user(user=focal_b, task_id=t3.pk, action="change")  # the province's plan
    with pytest.raises(Http404):
        task_get_for_user(user=focal_b, task_id=999_999)


# -- plan_progress ----------------------------------------------------------------------


def test_plan_progress_by_hand(small_plan: SmallPlan, tree: Any) -> None:
    progress = plan_progress(plan=small_plan.plan, today=FRI_AFTER_TET)
    # Counted: t1, t2, t3, t5, t7 (t4 cancelled, t6 weight 0).
    # (1×40 + 2×100 + 3×20 + 1×0 + 1×0) / (1+2+3+1+1) = 300 / 8 = 37.5
    assert progress.overall == Rollup(progress=Decimal("37.5"), counted=5, done=1, cancelled=1, total=7)
    assert progress.rule == ROLLUP_RULE
    assert progress.today == FRI_AFTER_TET

    areas = {row.area: row for row in progress.by_area}
    assert [row.area for row in progress.by_area] == [*Area.values, ""]
    assert areas[Area.INSTITUTIONS].rollup.progress == Decimal("80.0")  # (40 + 200) / 3
    assert areas[Area.PROCEDURES].rollup == Rollup(Decimal("20.0"), counted=1, done=0, cancelled=1, total=3)
    assert areas[""].rollup.progress == Decimal("0.0")
    assert areas[""].label == NO_AREA_LABEL
    assert areas[Area.INSTITUTIONS].label == "Cải cách thể chế"
    assert areas[Area.DIRECTION].rollup == Rollup(None, 0, 0, 0, 0)

    # Tree order: Huyện Một (H1), Sở A (SA), Chi cục (SA-1), Sở B (SB).
    units = [(row.unit.code, row.rollup.progress, row.overdue) for row in progress.by_unit]
    assert units == [
        ("H1", Decimal("0.0"), 0),
        ("SA", Decimal("80.0"), 1),  # t1 overdue
        ("SA-1", Decimal("0.0"), 0),
        ("SB", Decimal("20.0"), 1),  # t6 overdue (weight 0 still has a deadline); t3 not yet
    ]

    by_path = {path: progress.by_node[node.pk] for path, node in small_plan.nodes.items()}
    assert set(progress.by_node) == {node.pk for node in small_plan.nodes.values()}
    assert by_path["II.1.a"].progress == Decimal("40.0")
    assert by_path["II.1.b"].progress == Decimal("100.0")
    assert by_path["II.1"].progress == Decimal("80.0")
    assert by_path["II.2.a"] == Rollup(Decimal("20.0"), counted=1, done=0, cancelled=1, total=2)
    assert by_path["II.2"].total == 3  # its own t6 and II.2.a's t3, t4
    assert by_path["II.2"].progress == Decimal("20.0")
    # II: (1×40 + 2×100 + 3×20) / 6 = 300 / 6 = 50.0
    assert by_path["II"] == Rollup(Decimal("50.0"), counted=3, done=1, cancelled=1, total=5)
    assert by_path["III"] == Rollup(None, 0, 0, 0, 0)
    assert by_path["IV"].progress == by_path["IV.1"].progress == Decimal("0.0")

    assert codes(progress.overdue) == ["t6", "t1"]  # earliest deadline first
    assert codes(plan_progress(plan=small_plan.plan, today=MON_AFTER_TET).overdue) == ["t6", "t1", "t3"]


def test_plan_progress_of_an_empty_plan(tree: Any) -> None:
    progress = plan_progress(plan=make_plan(unit=tree.dept_a), today=FRI_AFTER_TET)
    assert progress.overall == Rollup(None, 0, 0, 0, 0)
    assert progress.by_unit == []
    assert progress.overdue == []
    assert len(progress.by_area) == len(Area)


def test_plan_progress_query_count_does_not_grow(
    small_plan: SmallPlan, tree: Any, django_assert_num_queries: Any
) -> None:
    work_calendar()
    with django_assert_num_queries(2):  # tasks (with lead unit and node), nodes
        plan_progress(plan=small_plan.plan, today=FRI_AFTER_TET)
    node = small_plan.nodes["II.2.a"]
    for number in range(40):
        make_task(plan=small_plan.plan, code=f"x{number}", node=node, lead_unit=tree.dept_b, due_date=D(2023, 1, 5))
    with django_assert_num_queries(2):
        progress = plan_progress(plan=small_plan.plan, today=FRI_AFTER_TET)
        _ = [task.lead_unit.name for task in progress.overdue]
    assert len(progress.overdue) == 42


# -- coverage ----------------------------------------------------------------------------


@pytest.fixture
def cascade(tree: Any) -> dict[str, Any]:
    """Province plan c1–c5; Sở A's plan complete and issued, Sở B's draft missing c3, Huyện none.

    c1 Sở A (Sở B coordinates) · c2 Sở A · c3 Sở B (Huyện coordinates) · c4 Huyện, cancelled · c5 Sở B
    """
    plan = make_plan(unit=tree.province)
    t = {
        "c1": make_task(plan=plan, code="c1", lead_unit=tree.dept_a, coordinating_units=[tree.dept_b], position=1),
        "c2": make_task(plan=plan, code="c2", lead_unit=tree.dept_a, position=2),
        "c3": make_task(plan=plan, code="c3", lead_unit=tree.dept_b, coordinating_units=[tree.district], position=3),
        "c4": make_task(plan=plan, code="c4", lead_unit=tree.district, status=TaskStatus.CANCELLED, position=4),
        "c5": make_task(plan=plan, code="c5", lead_unit=tree.dept_b, position=5),
    }
    plan_a = unit_plan_create(actor=None, parent=plan, unit=tree.dept_a)
    plan_issue(actor=None, plan=plan_a, number="12/KH-SA", issued_on=D(2023, 2, 1))
    plan_b = unit_plan_create(actor=None, parent=plan, unit=tree.dept_b)
    Task.objects.filter(plan=plan_b, source_task=t["c3"]).delete()  # the unit dropped it
    make_task(plan=plan_b, code="own", lead_unit=tree.dept_b)  # its own task counts for nothing here
    return {"plan": plan, "t": t, "plan_a": plan_a, "plan_b": plan_b}


def test_coverage_rows(cascade: dict[str, Any]) -> None:
    rows = plan_coverage(plan=cascade["plan"])
    summary = [
        (row.unit.code, row.assigned, row.covered, codes(row.missing), row.unit_plan_status, row.is_issued)
        for row in rows
    ]
    assert summary == [
        ("H1", 1, 0, ["c3"], NO_PLAN, False),  # c4 is cancelled: not assigned
        ("SA", 2, 2, [], PlanStatus.ISSUED, True),
        ("SB", 3, 2, ["c3"], PlanStatus.DRAFT, False),  # c1 (coordinating), c3, c5
    ]
    assert rows[1].unit_plan == cascade["plan_a"]
    assert rows[0].unit_plan is None


def test_coverage_query_count_is_bounded(cascade: dict[str, Any], tree: Any, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(5):
        plan_coverage(plan=cascade["plan"])
    for number in range(30):
        make_task(plan=cascade["plan"], code=f"x{number}", lead_unit=tree.commune, coordinating_units=[tree.dept_a])
    with django_assert_num_queries(5):
        rows = plan_coverage(plan=cascade["plan"])
        _ = [task.lead_unit.name for row in rows for task in row.missing]
    assert [(row.unit.code, row.assigned, row.covered) for row in rows] == [
        ("H1", 1, 0),
        ("X1", 30, 0),
        ("SA", 32, 2),
        ("SB", 3, 2),
    ]


# -- public ------------------------------------------------------------------------------


def test_public_list_and_timeline(small_plan: SmallPlan, tree: Any) -> None:
    t2 = small_plan.t["t2"]
    Task.objects.filter(pk=t2.pk).update(is_public=True)
    # A draft plan is not an official document yet: nothing of it is public.
    assert codes(public_task_list()) == []
    type(t2.plan).objects.filter(pk=t2.plan_id).update(status="issued")
    assert codes(public_task_list()) == ["t2"]
    first = make_update(task=t2, state=UpdateState.ACCEPTED, progress=50)
    make_update(task=t2, state=UpdateState.SUBMITTED, progress=70)
    make_update(task=t2, state=UpdateState.RETURNED, progress=70)
    make_update(task=t2, state=UpdateState.DRAFT, progress=80)
    last = make_update(task=t2, state=UpdateState.ACCEPTED, progress=100, reported_status=TaskStatus.DONE_ON_TIME)
    from django.utils import timezone

    now = timezone.now()
    type(first).objects.filter(pk=first.pk).update(submitted_at=now - dt.timedelta(days=10))
    type(last).objects.filter(pk=last.pk).update(submitted_at=now - dt.timedelta(days=1))
    assert [update.pk for update in task_timeline(task=t2)] == [first.pk, last.pk]


def test_recurring_task_keeps_its_last_occurrence_as_due_date(tree: Any) -> None:
    """A quarterly task's due date is its fourth occurrence: 14/12/2023 + 2 working days = 18/12."""
    task = make_task(plan=make_plan(unit=tree.province), deadline_kind=DeadlineKind.QUARTERLY)
    task.refresh_from_db()
    assert task.due_date == D(2023, 12, 18)

"""Reading tasks: lists scoped to the user, plan progress, cascade coverage, public pages.

Every list goes through ``task_policy.scope`` (or is public by construction), is
``select_related`` for what pages show, and costs a number of queries that does not
grow with the number of tasks (the tests in ``tests/test_selectors.py`` hold each to
its count).

"Overdue" is never stored: a task is overdue on ``today`` when it is open and its
effective deadline (``calendar.period_end(due_date)``) is before ``today``. The list
filter turns that into one SQL condition through :func:`overdue_boundary`.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from cchc.core.calendar import work_calendar
from cchc.core.workdays import WorkCalendar
from cchc.organizations.models import OrgUnit
from cchc.plans.choices import PlanStatus
from cchc.plans.models import Plan, PlanNode
from cchc.tasks.calculations import OVERDUE, ROLLUP_RULE, Rollup, TaskFigure, is_overdue, rollup
from cchc.tasks.choices import OPEN_STATUSES, Area, TaskStatus, UpdateState
from cchc.tasks.models import Task, TaskUpdate
from cchc.tasks.policies import task_policy

#: ``CoverageRow.unit_plan_status`` of a unit that has no plan derived from the parent.
NO_PLAN = "none"
#: Label of the tasks that belong to no area (the duties of section IV).
NO_AREA_LABEL = "Nhiệm vụ theo phân công tổ chức thực hiện"

_LIST_RELATED = ("lead_unit", "plan__unit", "node")


# --- overdue as SQL ------------------------------------------------------------------------


def overdue_boundary(*, today: dt.date, calendar: WorkCalendar) -> dt.date:
    """The first due date that is *not* overdue on ``today``: open tasks due before it are.

    ``period_end`` never decreases and never moves a day back, so "overdue on
    ``today``" (``period_end(due) < today``) holds exactly for the due dates before the
    first ``d`` with ``period_end(d) >= today``. That ``d`` is ``today`` itself, or
    earlier when the days just before ``today`` are days off: a deadline falling in
    them moves to ``today`` at the earliest. On Friday 27/1/2023, the first working
    day after Tết (20–26/1), the boundary is 20/1: a task due Saturday 21/1 is not
    overdue yet, one due Thursday 19/1 is.
    """
    boundary = today
    day = today - dt.timedelta(days=1)
    while not calendar.is_working_day(day):
        boundary = day
        day -= dt.timedelta(days=1)
    return boundary


def _overdue_q(today: dt.date, calendar: WorkCalendar) -> Q:
    return Q(status__in=sorted(OPEN_STATUSES), due_date__lt=overdue_boundary(today=today, calendar=calendar))


# --- lists and single tasks ------------------------------------------------------------------


def task_list_for_user(
    *,
    user: Any,
    plan: Plan | None = None,
    area: str | None = None,
    unit_code: str | None = None,
    status: str | None = None,
    overdue: bool | None = None,
    today: dt.date | None = None,
) -> QuerySet[Task]:
    """Tasks ``user`` may view, in plan order, filtered.

    * ``plan``: tasks of that plan; ``area``: an ``Area`` value ("" for the tasks
      without area);
    * ``unit_code``: tasks the unit with that code leads or coordinates (the unit
      itself, not its descendants);
    * ``status``: a stored ``TaskStatus`` value, or ``"overdue"`` (open and past its
      effective deadline on ``today``); an unknown value matches nothing;
    * ``overdue``: ``True`` keeps only overdue tasks, ``False`` leaves them out.

    ``today`` defaults to the local date. Rows come with the lead unit, the plan and
    its unit, the node and the coordinating units (one extra query for those).
    """
    qs = task_policy.scope(user, "view", Task.objects.all())
    if plan is not None:
        qs = qs.filter(plan=plan)
    if area is not None:
        qs = qs.filter(area=area)
    if unit_code:
        coordinated = Task.coordinating_units.through.objects.filter(orgunit__code=unit_code).values("task_id")
        qs = qs.filter(Q(lead_unit__code=unit_code) | Q(pk__in=coordinated))
    if status == OVERDUE:
        overdue = True
    elif status:
        qs = qs.filter(status=status)
    if overdue is not None:
        condition = _overdue_q(today or timezone.localdate(), work_calendar())
        qs = qs.filter(condition) if overdue else qs.exclude(condition)
    return (
        qs.select_related(*_LIST_RELATED)
        .prefetch_related("coordinating_units")
        .order_by("plan_id", "position", "code", "pk")
    )


def task_get_for_user(*, user: Any, task_id: int, action: str = "view") -> Task:
    """One task ``user`` may do ``action`` to, with its units and plan; ``Http404`` otherwise.

    A task outside the user's scope for ``action`` is not found rather than
    forbidden, so its existence does not leak.
    """
    qs = Task.objects.select_related(*_LIST_RELATED, "source_task").prefetch_related("coordinating_units")
    return task_policy.get_for_user(user, action, qs, pk=task_id)


def public_task_list() -> QuerySet[Task]:
    """Tasks marked public, of issued or closed plans, for anonymous visitors, in plan order.

    A draft plan is not yet an official document, so none of its tasks is shown.
    """
    return (
        Task.objects.filter(is_public=True, plan__status__in=[PlanStatus.ISSUED, PlanStatus.CLOSED])
        .select_related(*_LIST_RELATED)
        .order_by("plan_id", "position", "code", "pk")
    )


def task_timeline(*, task: Task) -> list[TaskUpdate]:
    """The accepted progress updates of ``task``, oldest first (by submission).

    Only accepted updates: drafts, submitted and returned ones are the units' working
    papers. Evidence is not prefetched; a page that shows it checks permission per file.
    """
    return list(
        task.updates.filter(state=UpdateState.ACCEPTED)
        .select_related("unit", "author", "reviewed_by")
        .order_by(F("submitted_at").asc(nulls_first=True), "created_at", "pk")
    )


# --- plan progress ---------------------------------------------------------------------------


class AreaProgress(NamedTuple):
    area: str
    label: str
    rollup: Rollup


class UnitProgress(NamedTuple):
    unit: OrgUnit
    rollup: Rollup
    overdue: int


@dataclass(frozen=True)
class PlanProgress:
    """A plan's numbers on ``today``, with the rule that computed them."""

    today: dt.date
    overall: Rollup
    by_area: list[AreaProgress]
    by_unit: list[UnitProgress]
    by_node: dict[int, Rollup]
    overdue: list[Task]
    rule: str = field(default=ROLLUP_RULE)


def _figure(task: Task) -> TaskFigure:
    return TaskFigure(weight=task.weight, progress=task.progress, status=task.status)


def _ancestors(node_id: int, parents: Mapping[int, int | None]) -> Iterable[int]:
    current: int | None = node_id
    while current is not None:
        yield current
        current = parents.get(current)


def plan_progress(*, plan: Plan, today: dt.date | None = None) -> PlanProgress:
    """Roll the tasks of ``plan`` up to the plan, each area, each lead unit and each node.

    The rule is ``calculations.rollup`` (weighted; cancelled and weight-0 tasks left
    out; done counts 100 %; a branch with nothing counted has ``progress=None``).

    * ``by_area``: the eight areas in the order of section II, each present even when
      empty, then the tasks without area (section IV duties) when there are any;
    * ``by_unit``: each lead unit in tree order, with its open tasks overdue on ``today``;
    * ``by_node``: every node of the plan, over its own tasks and its descendants';
    * ``overdue``: the open tasks past their effective deadline, earliest first.

    Three queries at most (tasks, nodes, and the calendar when not cached), whatever
    the number of tasks.
    """
    today = today or timezone.localdate()
    calendar = work_calendar()
    tasks = list(Task.objects.filter(plan=plan).select_related("lead_unit", "node").order_by("position", "code", "pk"))
    parents: dict[int, int | None] = dict(PlanNode.objects.filter(plan=plan).values_list("pk", "parent_id"))

    by_area: dict[str, list[TaskFigure]] = defaultdict(list)
    by_unit: dict[int, list[TaskFigure]] = defaultdict(list)
    by_node: dict[int, list[TaskFigure]] = {node_id: [] for node_id in parents}
    units: dict[int, OrgUnit] = {}
    overdue_count: dict[int, int] = defaultdict(int)
    overdue: list[Task] = []
    for task in tasks:
        figure = _figure(task)
        by_area[task.area].append(figure)
        by_unit[task.lead_unit_id].append(figure)
        units[task.lead_unit_id] = task.lead_unit
        if task.node_id is not None:
            for node_id in _ancestors(task.node_id, parents):
                by_node[node_id].append(figure)
        if is_overdue(status=task.status, due_date=task.due_date, today=today, calendar=calendar):
            overdue.append(task)
            overdue_count[task.lead_unit_id] += 1

    areas = [AreaProgress(str(area.value), str(area.label), rollup(by_area.get(area.value, []))) for area in Area]
    if by_area.get(""):
        areas.append(AreaProgress("", NO_AREA_LABEL, rollup(by_area[""])))
    ordered_units = sorted(units.values(), key=lambda unit: (unit.tree_key, unit.pk))
    return PlanProgress(
        today=today,
        overall=rollup(_figure(task) for task in tasks),
        by_area=areas,
        by_unit=[UnitProgress(unit, rollup(by_unit[unit.pk]), overdue_count[unit.pk]) for unit in ordered_units],
        by_node={node_id: rollup(figures) for node_id, figures in by_node.items()},
        overdue=sorted(overdue, key=lambda task: (task.due_date or dt.date.max, task.position, task.code)),
    )


# --- cascade coverage ------------------------------------------------------------------------


@dataclass
class CoverageRow:
    """One unit's share of a plan, and how much of it its derived plan carries."""

    unit: OrgUnit
    assigned: int
    covered: int
    missing: list[Task]
    unit_plan: Plan | None
    unit_plan_status: str  # a PlanStatus value, or NO_PLAN

    @property
    def is_issued(self) -> bool:
        return self.unit_plan_status == PlanStatus.ISSUED


def plan_coverage(*, plan: Plan) -> list[CoverageRow]:
    """For every unit that leads or coordinates a task of ``plan``, the cascade status.

    A unit's assigned tasks are the tasks of ``plan`` it leads or coordinates, except
    cancelled ones (nothing to carry down). Its derived plan is the plan with
    ``parent=plan`` and ``unit=unit`` (the first created, if there were ever two); a
    task is covered when that plan has a task whose ``source_task`` is it. Without a
    derived plan everything is missing and the status is ``NO_PLAN``. Rows come in
    tree order. Five queries, whatever the number of tasks and units.
    """
    tasks = {
        task.pk: task
        for task in Task.objects.filter(plan=plan)
        .exclude(status=TaskStatus.CANCELLED)
        .select_related("lead_unit")
        .order_by("position", "code", "pk")
    }
    assigned: dict[int, list[int]] = defaultdict(list)
    for task in tasks.values():
        assigned[task.lead_unit_id].append(task.pk)
    links = Task.coordinating_units.through.objects.filter(task_id__in=list(tasks)).values_list("orgunit_id", "task_id")
    for unit_id, task_id in links:
        assigned[unit_id].append(task_id)

    unit_plans: dict[int, Plan] = {}
    for derived_plan in Plan.objects.filter(parent=plan, unit_id__in=list(assigned)).order_by("pk"):
        unit_plans.setdefault(derived_plan.unit_id, derived_plan)
    carried: dict[int, set[int]] = defaultdict(set)
    derived = Task.objects.filter(plan__in=list(unit_plans.values()), source_task__isnull=False)
    for plan_id, source_id in derived.values_list("plan_id", "source_task_id"):
        carried[plan_id].add(source_id)

    order = {pk: index for index, pk in enumerate(tasks)}
    rows = []
    for unit in OrgUnit.objects.filter(pk__in=list(assigned)).order_by("tree_key", "pk"):
        task_ids = sorted(set(assigned[unit.pk]), key=order.__getitem__)
        unit_plan = unit_plans.get(unit.pk)
        have = carried[unit_plan.pk] if unit_plan else set()
        missing = [tasks[pk] for pk in task_ids if pk not in have]
        rows.append(
            CoverageRow(
                unit=unit,
                assigned=len(task_ids),
                covered=len(task_ids) - len(missing),
                missing=missing,
                unit_plan=unit_plan,
                unit_plan_status=unit_plan.status if unit_plan else NO_PLAN,
            )
        )
    return rows

"""Building plans, nodes, tasks and progress updates for tests.

Tasks go through ``task_create`` (validation, occurrences and audit included); plans,
nodes and updates are plain rows, because their own services need a document
(plans) or belong to another module (``updates.py``). Every helper is keyword-only
and fills what a test does not care about:

* ``make_plan(unit=tree.province)`` – a draft 2023 plan of ``unit``;
* ``make_node(plan=plan, path="II.1")`` – a node, its parent found by path;
* ``make_task(plan=plan, lead_unit=tree.dept_a, weight=2, progress=40)`` – a task
  (a plan of the lead unit is created when none is given);
* ``make_update(task=task, state=UpdateState.ACCEPTED)`` – a progress update.
"""

import datetime as dt
import itertools
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from cchc.accounts.models import User
from cchc.accounts.tests.factories import make_user
from cchc.organizations.models import OrgUnit
from cchc.organizations.tests.factories import make_unit
from cchc.plans.choices import NodeKind, PlanStatus
from cchc.plans.models import Plan, PlanNode
from cchc.tasks.choices import TaskStatus, UpdateState
from cchc.tasks.models import Task, TaskUpdate
from cchc.tasks.services import task_create

_seq = itertools.count(1)


def make_plan(
    *,
    unit: OrgUnit | None = None,
    year: int = 2023,
    title: str | None = None,
    parent: Plan | None = None,
    status: str = PlanStatus.DRAFT,
    **extra: Any,
) -> Plan:
    """A plan of ``unit`` (a new unit when none is given), draft unless ``status`` says otherwise."""
    unit = unit or make_unit()
    return Plan.objects.create(
        unit=unit,
        year=year,
        title=title or f"Kế hoạch CCHC năm {year} của {unit.name} ({next(_seq)})",
        parent=parent,
        status=status,
        **extra,
    )


def make_node(
    *,
    plan: Plan,
    path: str,
    title: str | None = None,
    body: str = "",
    parent: PlanNode | None = None,
    kind: str | None = None,
) -> PlanNode:
    """A node of ``plan`` at ``path`` ("II", "II.1", "II.1.a").

    The parent is the node at the path's prefix when not given (it must exist: create
    "II" before "II.1"); the position is the next one in the plan, so creating nodes in
    document order gives document order.
    """
    if parent is None and "." in path:
        parent = PlanNode.objects.get(plan=plan, path=path.rsplit(".", 1)[0])
    depth = path.count(".")
    label = path.rsplit(".", 1)[-1]
    position = PlanNode.objects.filter(plan=plan).count() + 1
    return PlanNode.objects.create(
        plan=plan,
        parent=parent,
        position=position,
        path=path,
        kind=kind or (NodeKind.ROMAN, NodeKind.ITEM, NodeKind.LETTER)[min(depth, 2)],
        label=label,
        title=title or f"Mục {path}",
        body=body,
    )


def make_task(
    *,
    plan: Plan | None = None,
    lead_unit: OrgUnit | None = None,
    code: str | None = None,
    title: str | None = None,
    coordinating_units: Iterable[OrgUnit] = (),
    node: PlanNode | None = None,
    source_task: Task | None = None,
    weight: Decimal | int | str = 1,
    **fields: Any,
) -> Task:
    """A task created through ``task_create`` by the system (no permission check).

    Without ``plan``, a draft plan of the lead unit is made; without ``lead_unit``,
    the plan's unit leads. ``fields`` are any of ``services.TASK_FIELDS`` (status,
    progress, due_date, area, is_public, …).
    """
    if plan is None:
        plan = make_plan(unit=lead_unit)
    lead_unit = lead_unit or plan.unit
    number = next(_seq)
    return task_create(
        actor=None,
        plan=plan,
        code=code or f"T{number:04d}",
        title=title or f"Nhiệm vụ thử nghiệm {number}",
        lead_unit=lead_unit,
        coordinating_units=coordinating_units,
        node=node,
        source_task=source_task,
        weight=Decimal(str(weight)),
        **fields,
    )


def make_update(
    *,
    task: Task,
    unit: OrgUnit | None = None,
    author: User | None = None,
    state: str = UpdateState.DRAFT,
    progress: int = 50,
    reported_status: str = TaskStatus.IN_PROGRESS,
    completed_on: dt.date | None = None,
    narrative: str = "Đã triển khai theo kế hoạch.",
    **extra: Any,
) -> TaskUpdate:
    """A progress update row on ``task`` by its lead unit (or ``unit``), in ``state``.

    A plain row, not the workflow: tests of ``updates.py`` drive the transitions
    through their services; this is for reads (timeline, counts) that need updates
    in a given state.
    """
    return TaskUpdate.objects.create(
        task=task,
        unit=unit or task.lead_unit,
        author=author or make_user(),
        state=state,
        progress=progress,
        reported_status=reported_status,
        completed_on=completed_on,
        narrative=narrative,
        **extra,
    )

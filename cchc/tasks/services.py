"""Every write to tasks, targets and plan states, and the cascade to unit plans.

Progress updates (``updates.py``), reminders (``reminders.py``) and spreadsheet
import (``spreadsheets.py``) have their own modules; this one holds the task itself.
A ``None`` actor is the system (the demo loader, commands).
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from cchc.audit.services import audit_record, diff, snapshot
from cchc.core.calendar import add_working_days
from cchc.core.errors import ApplicationError, PermissionDeniedError
from cchc.core.text import fold
from cchc.organizations.models import OrgUnit
from cchc.plans.choices import PlanStatus, UnitRole
from cchc.plans.models import Plan, PlanNode
from cchc.plans.policies import plan_policy
from cchc.tasks.choices import Area, DeadlineKind, ProductKind, TaskStatus
from cchc.tasks.models import Task, TaskOccurrence
from cchc.tasks.policies import task_policy

TASK_FIELDS = (
    "code",
    "title",
    "description",
    "area",
    "lead_unit",
    "product_kind",
    "product",
    "deadline_kind",
    "due_date",
    "deadline_label",
    "weight",
    "budget",
    "status",
    "progress",
    "completed_on",
    "is_public",
    "position",
)


def _deny(message: str) -> PermissionDeniedError:
    return PermissionDeniedError(message, code="tasks.forbidden")


def _check_plan(actor: Any, action: str, plan: Plan) -> None:
    if actor is not None and not plan_policy.user_can(actor, action, plan):
        raise _deny(_("Bạn không có quyền sửa kế hoạch “%(plan)s”.") % {"plan": plan.title})


def _validate(task: Task) -> None:
    from django.core.exceptions import ValidationError

    from cchc.core.calendar import work_calendar

    calendar = work_calendar()
    for name, day in (("due_date", task.due_date), ("completed_on", task.completed_on)):
        if day is not None and not (calendar.first_year or day.year) <= day.year <= (calendar.last_year or day.year):
            raise ApplicationError(
                _(
                    "Nhiệm vụ %(code)s: ngày %(day)s (%(field)s) nằm ngoài lịch làm việc "
                    "%(first_year)s–%(last_year)s mà hệ thống biết."
                )
                % {
                    "code": task.code,
                    "day": f"{day:%d/%m/%Y}",
                    "field": name,
                    "first_year": calendar.first_year,
                    "last_year": calendar.last_year,
                },
                code="tasks.date_out_of_calendar",
                extra={"field": name},
            )

    try:
        task.full_clean(exclude=["plan", "node", "source_task"])
    except ValidationError as exc:
        details = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
        raise ApplicationError(
            _("Nhiệm vụ %(code)s không hợp lệ – %(details)s")
            % {"code": task.code or _("(chưa có mã)"), "details": details},
            code="tasks.invalid",
            extra={"errors": exc.message_dict},
        ) from exc


def _occurrence_dates(kind: str, year: int) -> list[tuple[dt.date, str]]:
    """Due dates of a recurring task: 2 working days after each period's cut-off.

    Cut-offs follow the reporting windows of Decree 09/2019 as applied by provinces
    (the 14th of the month; quarters end on the 14th of their last month).
    """
    if kind == DeadlineKind.MONTHLY:
        months = [(m, f"Tháng {m}/{year}") for m in range(1, 13)]
    elif kind == DeadlineKind.QUARTERLY:
        months = [(3 * q, f"Quý {['I', 'II', 'III', 'IV'][q - 1]}/{year}") for q in range(1, 5)]
    else:
        return []
    return [(add_working_days(dt.date(year, month, 14), 2), label) for month, label in months]


def _sync_occurrences(task: Task) -> None:
    wanted = _occurrence_dates(task.deadline_kind, task.plan.year)
    existing = {o.due_date: o for o in task.occurrences.all()}
    for due, label in wanted:
        if due not in existing:
            TaskOccurrence.objects.create(task=task, due_date=due, label=label)
    task.occurrences.exclude(due_date__in=[due for due, _ in wanted]).delete()
    if wanted and task.due_date is None:
        task.due_date = wanted[-1][0]
        Task.objects.filter(pk=task.pk).update(due_date=task.due_date)


@transaction.atomic
def task_create(
    *,
    actor: Any,
    plan: Plan,
    code: str,
    title: str,
    lead_unit: OrgUnit,
    coordinating_units: Iterable[OrgUnit] = (),
    node: PlanNode | None = None,
    source_task: Task | None = None,
    **fields: Any,
) -> Task:
    """Add a task to ``plan``; recurring deadlines get their occurrences.

    Raises ``ApplicationError`` for a duplicate code in the plan or invalid values,
    ``PermissionDeniedError`` when ``actor`` may not change the plan.
    """
    _check_plan(actor, "change", plan)
    unknown = set(fields) - set(TASK_FIELDS)
    if unknown:
        raise ApplicationError(
            _("Trường không hợp lệ: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}, code="tasks.field"
        )
    if Task.objects.filter(plan=plan, code=code).exists():
        raise ApplicationError(_("Kế hoạch đã có nhiệm vụ mã %(code)s.") % {"code": code}, code="tasks.duplicate_code")
    task = Task(plan=plan, code=code, title=title, lead_unit=lead_unit, node=node, source_task=source_task, **fields)
    _validate(task)
    task.save()
    coordinating = sorted({u.pk for u in coordinating_units} - {lead_unit.pk})
    task.coordinating_units.set(coordinating)
    _sync_occurrences(task)
    audit_record(
        actor=actor,
        action="task.created",
        obj=task,
        unit=plan.unit,
        changes={**diff({}, snapshot(task, TASK_FIELDS)), "coordinating_units": [[], coordinating]},
    )
    return task


@transaction.atomic
def task_update(*, actor: Any, task: Task, coordinating_units: Iterable[OrgUnit] | None = None, **fields: Any) -> Task:
    """Change fields of ``task``; unchanged values write nothing.

    Setting ``completed_on`` on an open task decides done on time / late by the
    calendar unless a status is given.
    """
    if actor is not None and not task_policy.user_can(actor, "change", task):
        raise _deny(_("Bạn không có quyền sửa nhiệm vụ %(code)s.") % {"code": task.code})
    unknown = set(fields) - set(TASK_FIELDS)
    if unknown:
        raise ApplicationError(
            _("Trường không hợp lệ: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}, code="tasks.field"
        )
    before = snapshot(task, TASK_FIELDS)
    for name, value in fields.items():
        setattr(task, name, value)
    if task.completed_on is not None and fields.get("completed_on") and "status" not in fields:
        from cchc.core.calendar import work_calendar
        from cchc.tasks.calculations import completion_status

        task.status = completion_status(
            due_date=task.due_date, completed_on=task.completed_on, calendar=work_calendar()
        )
        task.progress = 100
    changes = diff(before, snapshot(task, TASK_FIELDS))
    if coordinating_units is not None:
        old = sorted(task.coordinating_units.values_list("pk", flat=True))
        new = sorted({u.pk for u in coordinating_units} - {task.lead_unit_id})
        if old != new:
            task.coordinating_units.set(new)
            changes["coordinating_units"] = [old, new]
    if not changes:
        return task
    _validate(task)
    task.save()
    if "deadline_kind" in changes:
        _sync_occurrences(task)
    audit_record(actor=actor, action="task.updated", obj=task, unit=task.plan.unit, changes=changes)
    return task


@transaction.atomic
def plan_issue(*, actor: Any, plan: Plan, number: str, issued_on: dt.date) -> Plan:
    """Draft → issued, with the document number and date."""
    _check_plan(actor, "change", plan)
    if plan.status != PlanStatus.DRAFT:
        raise ApplicationError(
            _("Chỉ ban hành được kế hoạch đang dự thảo (hiện: %(status)s).") % {"status": plan.get_status_display()},
            code="plans.invalid_transition",
        )
    if not number.strip():
        raise ApplicationError(_("Cần ghi số, ký hiệu văn bản ban hành kế hoạch."), code="plans.number_required")
    plan.status, plan.number, plan.issued_on = PlanStatus.ISSUED, number.strip(), issued_on
    plan.save(update_fields=["status", "number", "issued_on", "updated_at"])
    audit_record(
        actor=actor,
        action="plan.issued",
        obj=plan,
        unit=plan.unit,
        changes={
            "status": ["draft", "issued"],
            "number": ["", plan.number],
            "issued_on": [None, issued_on.isoformat()],
        },
    )
    return plan


@transaction.atomic
def plan_close(*, actor: Any, plan: Plan) -> Plan:
    """Issued → closed (the year is over; tasks stay as they are)."""
    _check_plan(actor, "change", plan)
    if plan.status != PlanStatus.ISSUED:
        raise ApplicationError(_("Chỉ kết thúc được kế hoạch đã ban hành."), code="plans.invalid_transition")
    plan.status = PlanStatus.CLOSED
    plan.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="plan.closed", obj=plan, unit=plan.unit, changes={"status": ["issued", "closed"]})
    return plan


# --- from an imported plan document to tasks ---------------------------------------------

_AREA_WORDS: tuple[tuple[str, str], ...] = (
    (Area.DIRECTION, "chi dao"),
    (Area.INSTITUTIONS, "the che"),
    (Area.PROCEDURES, "thu tuc"),
    (Area.APPARATUS, "bo may"),
    (Area.CIVIL_SERVICE, "cong vu"),
    (Area.PUBLIC_FINANCE, "tai chinh"),
    (Area.DIGITAL_GOVERNMENT, "chinh quyen"),
    (Area.IMPACT, "tac dong"),
)
# Phrases by which the duties section hands an area to its lead department.
_AREA_DUTY: dict[str, tuple[str, ...]] = {
    Area.INSTITUTIONS: ("cai cach the che",),
    Area.PROCEDURES: ("cai cach tthc", "cai cach thu tuc hanh chinh"),
    Area.APPARATUS: ("cai cach to chuc bo may",),
    Area.CIVIL_SERVICE: ("cai cach che do cong vu",),
    Area.PUBLIC_FINANCE: ("cai cach tai chinh cong",),
    Area.DIGITAL_GOVERNMENT: ("chinh quyen dien tu",),
}
_PRODUCT_WORDS: tuple[tuple[str, str], ...] = (
    (ProductKind.REPORT, "bao cao"),
    (ProductKind.PLAN, "ke hoach"),
    (ProductKind.DECISION, "quyet dinh"),
    (ProductKind.SYSTEM, "he thong"),
    (ProductKind.SYSTEM, "phan mem"),
    (ProductKind.EVENT, "tap huan"),
    (ProductKind.EVENT, "hoi nghi"),
    (ProductKind.DOCUMENT, "van ban"),
)


def _area_of(title: str) -> str:
    key = fold(title)
    return next((area for area, words in _AREA_WORDS if words in key), "")


def _product_of(text: str) -> str:
    key = fold(text)
    found = [(key.find(words), kind) for kind, words in _PRODUCT_WORDS if words in key]
    return min(found)[1] if found else ProductKind.OTHER


def _deadline_of(text: str, year: int) -> dict[str, Any]:
    key = fold(text)
    if "dinh ky" in key and "bao cao" in key:
        return {"deadline_kind": DeadlineKind.QUARTERLY, "deadline_label": "Hằng quý"}
    if "hang thang" in key:
        return {"deadline_kind": DeadlineKind.MONTHLY, "deadline_label": "Hằng tháng"}
    if "thuong xuyen" in key:
        return {
            "deadline_kind": DeadlineKind.ONGOING,
            "deadline_label": "Thường xuyên",
            "due_date": dt.date(year, 12, 31),
        }
    return {"deadline_kind": DeadlineKind.PERIOD, "deadline_label": f"Năm {year}", "due_date": dt.date(year, 12, 31)}


def _leaves(node: PlanNode, children: dict[int, list[PlanNode]]) -> list[PlanNode]:
    kids = children.get(node.pk, [])
    if not kids:
        return [node]
    return [leaf for kid in kids for leaf in _leaves(kid, children)]


@transaction.atomic
def tasks_generate_from_plan(*, actor: Any, plan: Plan) -> list[Task]:
    """Turn an imported plan's duties into tasks, once (existing codes are skipped).

    The rule, for a plan in the provincial layout (documented in docs/plans.md):

    * every leaf under section "Các chỉ tiêu, nhiệm vụ chủ yếu" (II) is a task of the
      area its item names; its lead is the department the duties section (IV) gives
      that area ("… các nhiệm vụ về cải cách thể chế" → Sở Tư pháp), or the unit a
      duty cites it for ("nhiệm vụ được nêu tại điểm c khoản 8 mục II"), or else the
      standing agency ("cơ quan thường trực": Sở Nội vụ); the units of the duties
      section's first item ("Các sở, ban, ngành; UBND các huyện…", who implement the
      whole plan) coordinate; a citation of an item applies to every leaf below it;
    * every leaf under a duties item that names one lead unit is a task of that unit;
    * the units a node names as coordinating ("Phối hợp với Sở Tài chính …") coordinate
      its task, and a duty that starts with "Phối hợp" and cites a task makes its unit
      a coordinator of that task rather than its lead.
    """
    _check_plan(actor, "change", plan)
    nodes = list(plan.nodes.order_by("position").prefetch_related("unit_links__unit", "references__target"))
    children: dict[int, list[PlanNode]] = {}
    for node in nodes:
        if node.parent_id:
            children.setdefault(node.parent_id, []).append(node)
    roots = [n for n in nodes if n.parent_id is None]
    duties_root = next((n for n in roots if "to chuc thuc hien" in fold(n.title)), None)
    tasks_root = next((n for n in roots if "nhiem vu" in fold(n.title)), None)
    if tasks_root is None:
        raise ApplicationError(
            _("Không tìm thấy phần “Các chỉ tiêu, nhiệm vụ chủ yếu” để tạo nhiệm vụ."), code="tasks.no_tasks_section"
        )
    duty_items = children.get(duties_root.pk, []) if duties_root else []

    def leads(item: PlanNode) -> list[OrgUnit]:
        return [link.unit for link in item.unit_links.all() if link.role == UnitRole.LEAD]

    def coordinators(node: PlanNode) -> list[OrgUnit]:
        return [link.unit for link in node.unit_links.all() if link.role == UnitRole.COORDINATING]

    parent_of = {node.pk: node.parent_id for node in nodes}

    def up_to_area(leaf: PlanNode) -> list[int]:
        # A duty may cite the leaf itself or an item above it ("các nhiệm vụ tại khoản 8 mục II").
        chain: list[int] = []
        current: int | None = leaf.pk
        while current is not None and current != tasks_root.pk:
            chain.append(current)
            current = parent_of.get(current)
        return chain

    def cited_lead(leaf: PlanNode) -> OrgUnit | None:
        return next((cited[pk] for pk in up_to_area(leaf) if pk in cited), None)

    def cited_coordinators(leaf: PlanNode) -> list[OrgUnit]:
        return [unit for pk in up_to_area(leaf) for unit in cited_support.get(pk, [])]

    standing = plan.unit
    area_lead: dict[str, OrgUnit] = {}
    cited: dict[int, OrgUnit] = {}
    cited_support: dict[int, list[OrgUnit]] = {}
    implementers: list[OrgUnit] = []
    for item in duty_items:
        units = leads(item)
        text = " ".join(fold(f"{d.title} {d.body}") for d in [item, *children.get(item.pk, [])])
        if len(units) > 1 and not implementers:
            implementers = units
        if len(units) != 1:
            continue
        unit = units[0]
        if "co quan thuong truc" in text:
            standing = unit
        for area, phrases in _AREA_DUTY.items():
            if area not in area_lead and any(p in text for p in phrases):
                area_lead[area] = unit
        for duty in [item, *children.get(item.pk, [])]:
            # "Phối hợp với Sở Nội vụ … tại điểm c khoản 8 mục II" makes the unit a
            # coordinator of the cited task, not its lead.
            supports = fold(duty.title).startswith("phoi hop")
            for ref in duty.references.all():
                if supports:
                    cited_support.setdefault(ref.target_id, []).append(unit)
                else:
                    cited.setdefault(ref.target_id, unit)

    existing = set(Task.objects.filter(plan=plan).values_list("code", flat=True))
    created: list[Task] = []
    position = Task.objects.filter(plan=plan).count()

    def make(node: PlanNode, area: str, lead: OrgUnit, coordinating: list[OrgUnit]) -> None:
        nonlocal position
        if node.path in existing:
            return
        position += 1
        text = f"{node.title} {node.body}"
        created.append(
            task_create(
                actor=actor,
                plan=plan,
                code=node.path,
                title=node.title[:500],
                description=node.body,
                lead_unit=lead,
                coordinating_units=coordinating,
                node=node,
                area=area,
                product_kind=_product_of(node.title),
                position=position,
                **_deadline_of(text, plan.year),
            )
        )

    for item in children.get(tasks_root.pk, []):
        area = _area_of(item.title)
        for leaf in _leaves(item, children):
            lead = cited_lead(leaf) or area_lead.get(area) or standing
            make(leaf, area, lead, [*implementers, *coordinators(leaf), *cited_coordinators(leaf)])
    for item in duty_items:
        units = leads(item)
        if len(units) == 1:
            for leaf in _leaves(item, children):
                make(leaf, "", units[0], coordinators(leaf))
        elif units and not children.get(item.pk):
            make(item, "", units[0], [*units[1:], *coordinators(item)])
    return created


@transaction.atomic
def unit_plan_create(*, actor: Any, parent: Plan, unit: OrgUnit, title: str | None = None) -> Plan:
    """A unit's own plan derived from ``parent``: the unit's tasks come pre-filled.

    Every task of ``parent`` led or coordinated by ``unit`` is copied with ``unit`` as
    lead and a link back (``source_task``), which is what the coverage view counts;
    cancelled tasks are not copied (coverage does not count them either).
    Raises ``ApplicationError`` when the unit already has a plan derived from it.
    """
    draft = Plan(unit=unit, year=parent.year, parent=parent)
    if actor is not None and not plan_policy.user_can(actor, "create", draft):
        raise _deny(_("Bạn không có quyền lập kế hoạch cho %(unit)s.") % {"unit": unit.name})
    if Plan.objects.filter(unit=unit, parent=parent).exists():
        raise ApplicationError(
            _("%(unit)s đã có kế hoạch lập từ “%(plan)s”.") % {"unit": unit.name, "plan": parent.title},
            code="plans.duplicate_unit_plan",
        )
    draft.title = title or f"Kế hoạch cải cách hành chính năm {parent.year} của {unit.name}"
    draft.created_by = actor if getattr(actor, "is_authenticated", False) else None
    draft.save()
    audit_record(
        actor=actor,
        action="plan.created",
        obj=draft,
        unit=unit,
        changes={"title": [None, draft.title], "parent": [None, parent.pk]},
    )
    assigned = (
        Task.objects.filter(plan=parent)
        .filter(Q(lead_unit=unit) | Q(coordinating_units=unit))
        .exclude(status=TaskStatus.CANCELLED)
        .distinct()
        .order_by("position", "code")
    )
    for position, source in enumerate(assigned, start=1):
        # The actor may create this plan, hence change it (same roles, same unit): the
        # copies are recorded as theirs, not as the system's.
        task_create(
            actor=actor,
            plan=draft,
            code=source.code,
            title=source.title,
            description=source.description,
            lead_unit=unit,
            source_task=source,
            area=source.area,
            product_kind=source.product_kind,
            product=source.product,
            deadline_kind=source.deadline_kind,
            due_date=source.due_date,
            deadline_label=source.deadline_label,
            weight=source.weight,
            position=position,
        )
    return draft

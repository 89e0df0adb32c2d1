"""Targets (chỉ tiêu) of a plan: the writes, the scoped reads, and who may do what.

A target attaches a measurable value to a plan item, optionally for one unit and a
period ("100 % TTHC công bố đúng hạn", "Năm 2023"). Setting, changing and deleting a
target is changing its plan (``plan_policy`` "change": the reform office or focal
point over the plan's unit, the system administrator). The actual value is also
reported by the target's own unit: a reporter (focal point, reform office) whose
grant covers that unit, like progress on a task.

Who sees a target: whoever sees its plan whole sees all of them; a unit that sees
the plan only through its tasks sees the plan-wide targets and those set for units
in its scope, not the other units' figures. Anything else is a 404.

A ``None`` actor is the system (the demo loader, commands).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from cchc.audit.services import audit_record, diff, snapshot
from cchc.core.errors import ApplicationError, PermissionDeniedError
from cchc.organizations.models import OrgUnit
from cchc.plans.models import Plan, PlanNode
from cchc.plans.policies import plan_policy
from cchc.tasks.calculations import target_achievement
from cchc.tasks.models import Target
from cchc.tasks.policies import target_policy, task_policy

TARGET_FIELDS = ("indicator", "measure_unit", "target_value", "actual_value", "node", "unit", "period")
#: The measure unit whose values are capped at 100.
PERCENT = "%"
_LABELS = {
    "indicator": gettext_lazy("Chỉ tiêu"),
    "measure_unit": gettext_lazy("Đơn vị tính"),
    "target_value": gettext_lazy("Giá trị mục tiêu"),
    "actual_value": gettext_lazy("Giá trị đạt được"),
    "node": gettext_lazy("Mục của kế hoạch"),
    "unit": pgettext_lazy("trường của chỉ tiêu", "Đơn vị"),  # one unit (the page title "Đơn vị" is "Units")
    "period": gettext_lazy("Kỳ"),
}


# -- permissions -------------------------------------------------------------------------------


def target_can_change(*, user: Any, plan: Plan) -> bool:
    """Whether ``user`` may add, change or delete the targets of ``plan``."""
    return plan_policy.user_can(user, "change", plan)


def target_can_report(*, user: Any, target: Target) -> bool:
    """Whether ``user`` may set the actual value of ``target`` (its plan's editors, or its unit's reporters)."""
    return target_can_change(user=user, plan=target.plan) or (
        target.unit_id is not None and target_policy.user_can(user, "report", target)
    )


def _deny(message: str) -> PermissionDeniedError:
    return PermissionDeniedError(message, code="tasks.forbidden")


def units_in_year(year: int) -> QuerySet[OrgUnit]:
    """Units that existed at some time in ``year``: those a target of that year's plan may name."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return OrgUnit.objects.filter(valid_from__lte=end).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))


# -- validation --------------------------------------------------------------------------------


def _invalid(field: str, problem: str, code: str) -> ApplicationError:
    return ApplicationError(f"{_LABELS[field]}: {problem}", code=code, extra={"field": field})


def _validate(target: Target, *, new_unit: bool) -> None:
    """Check ``target`` before it is saved; raise ``ApplicationError`` naming the field."""
    target.indicator = (target.indicator or "").strip()
    target.measure_unit = (target.measure_unit or "").strip()
    target.period = (target.period or "").strip()
    if not target.indicator:
        raise _invalid("indicator", _("không được để trống."), "tasks.target_indicator_required")
    if len(target.indicator) > 500:
        raise _invalid("indicator", _("dài quá %(n)s ký tự.") % {"n": 500}, "tasks.target_too_long")
    if not target.measure_unit:
        raise _invalid(
            "measure_unit", _("không được để trống (ví dụ: %, hồ sơ, văn bản)."), "tasks.target_unit_required"
        )
    if len(target.measure_unit) > 32:
        raise _invalid("measure_unit", _("dài quá %(n)s ký tự.") % {"n": 32}, "tasks.target_too_long")
    if len(target.period) > 32:
        raise _invalid("period", _("dài quá %(n)s ký tự.") % {"n": 32}, "tasks.target_too_long")
    for name in ("target_value", "actual_value"):
        value: Decimal | None = getattr(target, name)
        if value is None:
            if name == "target_value":
                raise _invalid(name, _("không được để trống."), "tasks.target_value_required")
            continue
        value = Decimal(value)
        if value < 0:
            raise _invalid(
                name, _("phải lớn hơn hoặc bằng 0 (đang là %(value)s).") % {"value": value}, "tasks.target_negative"
            )
        if target.measure_unit == PERCENT and value > 100:
            raise _invalid(
                name,
                _("tính theo %% nên không được quá 100 (đang là %(value)s).") % {"value": value},
                "tasks.target_over_100",
            )
        if value >= Decimal("1e12") or value != value.quantize(Decimal("0.01")):
            raise _invalid(
                name,
                _("tối đa 12 chữ số phần nguyên và 2 chữ số thập phân (đang là %(value)s).") % {"value": value},
                "tasks.target_digits",
            )
    node = target.node
    if node is not None and node.plan_id != target.plan_id:
        raise _invalid(
            "node",
            _("mục %(path)s không thuộc kế hoạch “%(plan)s”.") % {"path": node.path, "plan": target.plan.title},
            "tasks.target_node_outside_plan",
        )
    if new_unit and target.unit is not None and not units_in_year(target.plan.year).filter(pk=target.unit.pk).exists():
        raise _invalid(
            "unit",
            _("%(unit)s không còn hoặc chưa hoạt động trong năm %(year)s của kế hoạch.")
            % {"unit": target.unit.name, "year": target.plan.year},
            "tasks.target_unit_outside_year",
        )


# -- writes ------------------------------------------------------------------------------------


@transaction.atomic
def target_create(
    *,
    actor: Any,
    plan: Plan,
    indicator: str,
    target_value: Decimal,
    measure_unit: str = PERCENT,
    node: PlanNode | None = None,
    unit: OrgUnit | None = None,
    period: str = "",
    actual_value: Decimal | None = None,
) -> Target:
    """Add a target to ``plan`` (with its actual value when already known); writes ``target.created``.

    Raises ``PermissionDeniedError`` when ``actor`` may not change the plan, and
    ``ApplicationError`` (``extra["field"]`` names the field) for an empty indicator
    or measure unit, a negative value, a percentage over 100, a node of another plan
    or a unit that did not exist in the plan's year.
    """
    if actor is not None and not target_can_change(user=actor, plan=plan):
        raise _deny(_("Bạn không có quyền sửa chỉ tiêu của kế hoạch “%(plan)s”.") % {"plan": plan.title})
    target = Target(
        plan=plan,
        indicator=indicator,
        target_value=target_value,
        measure_unit=measure_unit,
        node=node,
        unit=unit,
        period=period,
        actual_value=actual_value,
    )
    _validate(target, new_unit=True)
    target.save()
    audit_record(actor=actor, action="target.created", obj=target, unit=plan.unit, changes=diff({}, _snapshot(target)))
    return target


@transaction.atomic
def target_update(*, actor: Any, target: Target, **fields: Any) -> Target:
    """Change fields of ``target`` (``TARGET_FIELDS``); unchanged values write nothing.

    Changing only ``actual_value`` is allowed to the target's unit's reporters too;
    anything else needs the right to change the plan. Raises ``PermissionDeniedError``
    and ``ApplicationError`` as ``target_create`` does, and for an unknown field.
    """
    unknown = set(fields) - set(TARGET_FIELDS)
    if unknown:
        raise ApplicationError(
            _("Trường không hợp lệ: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}, code="tasks.field"
        )
    plan = target.plan
    can_change = actor is None or target_can_change(user=actor, plan=plan)
    if not can_change and not target_can_report(user=actor, target=target):
        raise _deny(_("Bạn không có quyền sửa chỉ tiêu “%(target)s”.") % {"target": target.indicator})
    before = _snapshot(target)
    old_unit = target.unit_id
    for name, value in fields.items():
        setattr(target, name, value)
    after = _snapshot(target)
    changes = diff(before, after)
    if not changes:
        return target
    if not can_change and set(changes) - {"actual_value"}:
        raise _deny(
            _("Đơn vị chỉ được báo cáo giá trị đạt được của chỉ tiêu “%(target)s”.") % {"target": target.indicator}
        )
    _validate(target, new_unit=target.unit_id != old_unit)
    changes = diff(before, _snapshot(target))  # trimming may have undone a change
    if not changes:
        return target
    target.save()
    audit_record(actor=actor, action="target.updated", obj=target, unit=plan.unit, changes=changes)
    return target


@transaction.atomic
def target_delete(*, actor: Any, target: Target) -> None:
    """Delete ``target``; its values stay in the ``target.deleted`` audit row."""
    plan = target.plan
    if actor is not None and not target_can_change(user=actor, plan=plan):
        raise _deny(_("Bạn không có quyền xóa chỉ tiêu “%(target)s”.") % {"target": target.indicator})
    audit_record(actor=actor, action="target.deleted", obj=target, unit=plan.unit, changes=diff(_snapshot(target), {}))
    target.delete()


def _snapshot(target: Target) -> dict[str, Any]:
    return snapshot(target, TARGET_FIELDS)


# -- reads -------------------------------------------------------------------------------------


def target_scope_for_user(*, user: Any) -> QuerySet[Target]:
    """The targets ``user`` may see (module docstring), as one query."""
    whole = plan_policy.scope(user, "view").values("pk")
    through_tasks = Exists(task_policy.scope(user, "view").filter(plan=OuterRef("plan")))
    own_units = target_policy.scope(user, "view").values("pk")
    return Target.objects.filter(Q(plan__in=whole) | (through_tasks & (Q(unit__isnull=True) | Q(pk__in=own_units))))


def target_list_for_plan(*, plan: Plan, user: Any) -> list[Target]:
    """The targets of ``plan`` that ``user`` sees, in document order, each with ``achievement``.

    Order: the item's position in the plan (plan-wide targets first), the indicator,
    the unit in tree order (the plan-wide figure first), the period. ``achievement``
    is ``calculations.target_achievement`` (``None`` until the actual value is known).
    Two queries at most, whatever the number of targets.
    """
    rows = list(
        target_scope_for_user(user=user)
        .filter(plan=plan)
        .select_related("node", "unit", "plan__unit")
        .order_by(
            F("node__position").asc(nulls_first=True),
            "indicator",
            F("unit__tree_key").asc(nulls_first=True),
            "period",
            "pk",
        )
    )
    for target in rows:
        target.achievement = target_achievement(  # type: ignore[attr-defined]
            target_value=target.target_value, actual_value=target.actual_value
        )
    return rows


def target_get_for_user(*, user: Any, target_id: int) -> Target:
    """One target ``user`` sees, with its plan, node and unit; ``Http404`` otherwise."""
    target = target_scope_for_user(user=user).select_related("plan__unit", "node", "unit").filter(pk=target_id).first()
    if target is None:
        raise Http404
    target.achievement = target_achievement(  # type: ignore[attr-defined]
        target_value=target.target_value, actual_value=target.actual_value
    )
    return target


@dataclass(frozen=True)
class TargetPermissions:
    """What the plan page offers on one target."""

    change: bool
    report: bool


def target_permissions(*, user: Any, target: Target, can_change: bool | None = None) -> TargetPermissions:
    """``change`` (edit, delete) and ``report`` (the actual value) for ``user`` on ``target``."""
    change = target_can_change(user=user, plan=target.plan) if can_change is None else can_change
    report = change or (target.unit_id is not None and target_policy.user_can(user, "report", target))
    return TargetPermissions(change=change, report=report)

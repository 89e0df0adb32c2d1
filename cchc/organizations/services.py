"""Every write to org units and cohorts.

Each service runs in one transaction, re-checks the policy when a user acts (a
``None`` actor is the system: the demo loader or a command-line import run by an
administrator), validates, saves, and appends the audit row.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cchc.audit.services import audit_record, diff, snapshot
from cchc.core.errors import ApplicationError, PermissionDeniedError
from cchc.core.text import search_key
from cchc.organizations.models import Cohort, OrgUnit
from cchc.organizations.policies import org_unit_policy

UNIT_FIELDS = (
    "code",
    "name",
    "short_name",
    "kind",
    "parent",
    "statistical_code",
    "valid_from",
    "valid_to",
    "sort_order",
)


def _check(actor: Any, action: str, unit: OrgUnit | None) -> None:
    """Re-check the policy. ``unit=None`` asks for province-wide rights: a grant
    covering a root unit (creating a root, editing cohorts)."""
    if actor is None:
        return
    if unit is not None:
        allowed = org_unit_policy.user_can(actor, action, unit)
    else:
        allowed = org_unit_policy.scope(actor, action, OrgUnit.objects.filter(parent=None)).exists()
    if not allowed:
        raise PermissionDeniedError(
            _("Bạn không có quyền thay đổi cơ cấu tổ chức này."), code="organizations.forbidden"
        )


def _validate(unit: OrgUnit) -> None:
    try:
        unit.full_clean(exclude=["path", "successors"], validate_unique=True)
    except ValidationError as exc:
        details = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
        raise ApplicationError(
            _("Đơn vị %(code)s không hợp lệ – %(details)s")
            % {"code": unit.code or _("(chưa có mã)"), "details": details},
            code="organizations.invalid_unit",
            extra={"errors": exc.message_dict},
        ) from exc


def _rebuild_paths(unit: OrgUnit) -> None:
    """Recompute ``path`` and ``tree_key`` for ``unit`` and, top-down, its subtree."""
    parent = unit.parent if unit.parent_id else None
    new_path = f"{parent.path if parent else '/'}{unit.pk}/"
    new_key = f"{parent.tree_key if parent else ''}{unit.sort_order:05d}{unit.code}/"
    if (unit.path, unit.tree_key) != (new_path, new_key):
        unit.path, unit.tree_key = new_path, new_key
        OrgUnit.objects.filter(pk=unit.pk).update(path=new_path, tree_key=new_key)
    for child in OrgUnit.objects.filter(parent=unit):
        child.parent = unit
        _rebuild_paths(child)


def _refuse_cycle(unit: OrgUnit, parent: OrgUnit | None) -> None:
    if parent is not None and unit.pk is not None and parent.path.startswith(unit.path):
        raise ApplicationError(
            _(
                "Không thể đặt %(parent)s làm đơn vị cấp trên của %(unit)s: "
                "%(parent)s đang là đơn vị trực thuộc của %(unit)s."
            )
            % {"parent": parent.code, "unit": unit.code},
            code="organizations.cycle",
        )


@transaction.atomic
def unit_create(
    *,
    actor: Any,
    code: str,
    name: str,
    short_name: str,
    kind: str,
    valid_from: dt.date,
    parent: OrgUnit | None = None,
    statistical_code: str = "",
    valid_to: dt.date | None = None,
    sort_order: int = 0,
) -> OrgUnit:
    """Create a unit under ``parent`` (a root when ``None``).

    Raises ``ApplicationError`` (``organizations.invalid_unit``) for a duplicate code,
    an unknown kind or a ``valid_to`` before ``valid_from``.
    """
    _check(actor, "create", parent)
    unit = OrgUnit(
        code=code,
        name=name,
        short_name=short_name,
        kind=kind,
        parent=parent,
        statistical_code=statistical_code,
        valid_from=valid_from,
        valid_to=valid_to,
        sort_order=sort_order,
    )
    _validate(unit)
    unit.search_text = search_key(unit.code, unit.name, unit.short_name)
    unit.save()
    _rebuild_paths(unit)
    audit_record(
        actor=actor,
        action="org_unit.created",
        obj=unit,
        unit=unit,
        changes=diff({}, snapshot(unit, UNIT_FIELDS)),
    )
    return unit


@transaction.atomic
def unit_update(*, actor: Any, unit: OrgUnit, **fields: Any) -> OrgUnit:
    """Change the given fields of ``unit``; a new parent moves its whole subtree.

    Unchanged values write nothing (no audit row). Raises ``ApplicationError`` for
    an unknown field, invalid values or a parent inside the unit's own subtree.
    """
    _check(actor, "change", unit)
    unknown = set(fields) - set(UNIT_FIELDS)
    if unknown:
        raise ApplicationError(
            _("Trường không được phép sửa: %(fields)s.") % {"fields": ", ".join(sorted(unknown))},
            code="organizations.field",
        )
    if "parent" in fields:
        _refuse_cycle(unit, fields["parent"])
        if fields["parent"] is not None:
            _check(actor, "change", fields["parent"])
    before = snapshot(unit, UNIT_FIELDS)
    for name, value in fields.items():
        setattr(unit, name, value)
    changes = diff(before, snapshot(unit, UNIT_FIELDS))
    if not changes:
        return unit
    _validate(unit)
    unit.search_text = search_key(unit.code, unit.name, unit.short_name)
    unit.save()
    if {"parent", "sort_order", "code"} & changes.keys():
        _rebuild_paths(unit)
    audit_record(actor=actor, action="org_unit.updated", obj=unit, unit=unit, changes=changes)
    return unit


@transaction.atomic
def unit_set_successors(*, actor: Any, unit: OrgUnit, successors: Iterable[OrgUnit]) -> OrgUnit:
    """Replace the successor links of ``unit`` (a unit cannot succeed itself)."""
    _check(actor, "change", unit)
    new = sorted({s.pk for s in successors})
    if unit.pk in new:
        raise ApplicationError(
            _("Đơn vị %(code)s không thể kế thừa chính nó.") % {"code": unit.code}, code="organizations.self_successor"
        )
    old = sorted(unit.successors.values_list("pk", flat=True))
    if old == new:
        return unit
    unit.successors.set(new)
    audit_record(actor=actor, action="org_unit.successors_set", obj=unit, unit=unit, changes={"successors": [old, new]})
    return unit


@transaction.atomic
def cohort_upsert(
    *, actor: Any, code: str, name: str, description: str = "", aliases: list[str] | None = None
) -> Cohort:
    """Create the cohort ``code`` or update its name, description and aliases.

    ``aliases`` are other names documents use for the group ("Các sở, ban, ngành");
    ``None`` leaves the current aliases as they are.
    """
    _check(actor, "change", None)
    fields = ["code", "name", "description", "aliases"]
    cohort = Cohort.objects.filter(code=code).first()
    before = snapshot(cohort, fields) if cohort else {}
    if cohort is None:
        cohort = Cohort(code=code)
    cohort.name, cohort.description = name, description
    if aliases is not None:
        cohort.aliases = list(aliases)
    after = snapshot(cohort, fields)
    if before == after:
        return cohort
    cohort.save()
    audit_record(
        actor=actor,
        action="cohort.created" if not before else "cohort.updated",
        obj=cohort,
        changes=diff(before, after),
    )
    return cohort


@transaction.atomic
def unit_set_cohorts(*, actor: Any, unit: OrgUnit, cohorts: Iterable[Cohort]) -> OrgUnit:
    """Replace the cohorts ``unit`` belongs to."""
    _check(actor, "change", unit)
    new = sorted({c.code for c in cohorts})
    old = sorted(unit.cohorts.values_list("code", flat=True))
    if old == new:
        return unit
    unit.cohorts.set(Cohort.objects.filter(code__in=new))
    audit_record(actor=actor, action="org_unit.cohorts_set", obj=unit, unit=unit, changes={"cohorts": [old, new]})
    return unit


@transaction.atomic
def cohort_set_members(*, actor: Any, cohort: Cohort, units: Iterable[OrgUnit]) -> Cohort:
    """Replace the member units of ``cohort`` (province-wide rights required)."""
    _check(actor, "change", None)
    new = sorted({u.code for u in units})
    old = sorted(cohort.members.values_list("code", flat=True))
    if old == new:
        return cohort
    cohort.members.set(OrgUnit.objects.filter(code__in=new))
    audit_record(actor=actor, action="cohort.members_set", obj=cohort, changes={"members": [old, new]})
    return cohort

"""Every write to the procedure catalogue.

Each service runs in one transaction, re-checks the policy when a user acts (a
``None`` actor is the system: the demo loader or a command-line import run by an
administrator), validates the row, saves it and appends the audit row.
"""

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from cchc.audit.services import audit_record, diff, snapshot
from cchc.core.errors import ApplicationError, PermissionDeniedError
from cchc.core.text import search_key
from cchc.organizations.models import OrgUnit
from cchc.procedures.models import Procedure
from cchc.procedures.policies import procedure_policy

# Every field a service may set (``units`` apart); the audit row diffs these.
PROCEDURE_FIELDS = tuple(
    f.name
    for f in Procedure._meta.get_fields()
    if getattr(f, "concrete", False)
    and not f.many_to_many
    and f.name not in {"id", "created_at", "updated_at", "search_text"}
)
AUDITED_FIELDS = (*PROCEDURE_FIELDS, "units")


def check_can_change(actor: Any) -> None:
    """Raise ``PermissionDeniedError`` unless ``actor`` (``None``: the system) may change the catalogue."""
    if actor is not None and not procedure_policy.allows_any(actor, "change"):
        raise PermissionDeniedError(
            _("Bạn không có quyền thay đổi danh mục thủ tục hành chính."), code="procedures.forbidden"
        )


def _validate(procedure: Procedure) -> None:
    try:
        procedure.full_clean(exclude=["units"])
    except ValidationError as exc:
        details = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
        raise ApplicationError(
            _("Thủ tục %(code)s không hợp lệ – %(details)s")
            % {"code": procedure.code or _("(chưa có mã)"), "details": details},
            code="procedures.invalid_procedure",
            extra={"errors": exc.message_dict},
        ) from exc


def _normalise(procedure: Procedure) -> None:
    """Quantize decimals to their field's places, as the database returns them, so
    that ``1.5`` read from a file and ``1.50`` read from the database compare equal."""
    for model_field in Procedure._meta.concrete_fields:
        if isinstance(model_field, models.DecimalField):
            value = getattr(procedure, model_field.attname)
            if value is not None:
                exponent = Decimal(1).scaleb(-(model_field.decimal_places or 0))
                setattr(procedure, model_field.attname, Decimal(value).quantize(exponent))


def _refresh_search(procedure: Procedure) -> None:
    procedure.search_text = search_key(procedure.code, procedure.name, procedure.field, procedure.competent_authority)[
        : Procedure._meta.get_field("search_text").max_length
    ]


def _unknown_values(values: Mapping[str, Any]) -> None:
    unknown = set(values) - set(PROCEDURE_FIELDS)
    if unknown:
        raise ValueError(f"Not procedure fields: {sorted(unknown)}")


@transaction.atomic
def procedure_create(*, actor: Any, values: Mapping[str, Any], units: Iterable[OrgUnit] = ()) -> Procedure:
    """Create a procedure from field ``values`` and the units that carry it out.

    Raises ``PermissionDeniedError`` when ``actor`` may not change the catalogue and
    ``ApplicationError`` (``procedures.invalid_procedure``) when a value breaks the
    model's rules, e.g. a code already in use.
    """
    check_can_change(actor)
    _unknown_values(values)
    procedure = Procedure(**values)
    _normalise(procedure)
    _refresh_search(procedure)
    _validate(procedure)
    procedure.save()
    procedure.units.set(list(units))
    audit_record(
        actor=actor, action="procedure.created", obj=procedure, changes=diff({}, snapshot(procedure, AUDITED_FIELDS))
    )
    return procedure


@transaction.atomic
def procedure_update(
    *, actor: Any, procedure: Procedure, values: Mapping[str, Any], units: Iterable[OrgUnit] | None = None
) -> bool:
    """Set ``values`` (and, unless ``None``, the ``units``) on ``procedure``.

    Returns whether anything changed; an update that changes nothing writes
    nothing, not even an audit row. Raises as ``procedure_create``.
    """
    check_can_change(actor)
    _unknown_values(values)
    before = snapshot(procedure, AUDITED_FIELDS)
    for name, value in values.items():
        setattr(procedure, name, value)
    _normalise(procedure)
    _refresh_search(procedure)
    _validate(procedure)
    if units is not None:
        unit_list = list(units)
        after_units = sorted(unit.pk for unit in unit_list)
    else:
        unit_list, after_units = [], before["units"]
    after = {**snapshot(procedure, PROCEDURE_FIELDS), "units": after_units}
    changes = diff(before, after)
    if not changes:
        return False
    procedure.save()
    if units is not None:
        procedure.units.set(unit_list)
    audit_record(actor=actor, action="procedure.updated", obj=procedure, changes=changes)
    return True


@transaction.atomic
def procedure_delete(*, actor: Any, procedure: Procedure) -> None:
    """Remove a procedure from the catalogue (a row entered by mistake); audited."""
    check_can_change(actor)
    audit_record(
        actor=actor,
        action="procedure.deleted",
        obj=procedure,
        changes=diff(snapshot(procedure, AUDITED_FIELDS), {}),
    )
    procedure.delete()

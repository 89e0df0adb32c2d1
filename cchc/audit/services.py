"""Writing audit rows. Called by other apps' services, inside their transaction."""

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from cchc.audit.models import AuditEvent
from cchc.organizations.models import OrgUnit


def _plain(value: Any) -> Any:
    """A JSON-safe rendering of a field value."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return sorted((_plain(item) for item in value), key=str)
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The values of ``fields`` on ``obj`` as plain JSON values.

    Foreign keys are their ids (no query), many-to-many links a sorted list of ids.
    Raises ``ValueError`` for a reverse one-to-many relation, which has no value.
    """
    result: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.many_to_many:
            result[name] = _plain([o.pk for o in getattr(obj, name).all()]) if obj.pk else []
        elif isinstance(field, models.Field):
            result[name] = getattr(obj, field.attname) if field.is_relation else _plain(getattr(obj, name))
        else:
            raise ValueError(f"{obj._meta.label}.{name} cannot be snapshotted.")
    return result


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` for every field whose value changed."""
    keys = list(dict.fromkeys([*before, *after]))
    return {key: [before.get(key), after.get(key)] for key in keys if before.get(key) != after.get(key)}


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    changes: Mapping[str, list[Any]] | None = None,
    unit: OrgUnit | None = None,
    object_repr: str | None = None,
) -> AuditEvent:
    """Append one audit row for a change to ``obj``.

    ``action`` is ``<entity>.<verb>`` (``org_unit.updated``). ``changes`` maps a
    field to ``[before, after]``. ``actor`` may be ``None`` for system jobs (the
    demo loader, imports run from the command line), recorded as "hệ thống".
    Must be called inside the caller's transaction, so that the change and its row
    commit or roll back together; raises ``RuntimeError`` otherwise.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the service's transaction.atomic() block.")
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        occurred_at=timezone.now(),
        actor=actor if is_user else None,
        actor_label=(str(actor) if is_user else "hệ thống")[:150],
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=(object_repr or str(obj))[:255],
        unit=unit,
        changes=dict(changes or {}),
    )

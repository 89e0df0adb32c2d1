"""Every write to the working-day overrides.

Each service runs in one transaction, lets only a system administrator act (a
``None`` actor is the system: the demo loader or a command run by an administrator),
validates, saves, appends the audit row and, once the transaction commits, clears the
process's cached calendar so the next deadline computed sees the change.

The calendar is province-wide, so audit rows carry no unit.
"""

import datetime as dt
import json
from pathlib import Path
from typing import Any, Literal

from django.db import transaction
from django.utils.translation import gettext as _

from cchc.accounts.choices import Role
from cchc.audit.services import audit_record, diff, snapshot
from cchc.core.calendar import FIRST_YEAR, LAST_YEAR, work_calendar_clear
from cchc.core.errors import ApplicationError, PermissionDeniedError
from cchc.core.models import CalendarOverride
from cchc.organizations.policies import user_grants

OVERRIDE_FIELDS = ("date", "kind", "source", "note")
DEFAULT_OVERRIDES_PATH = Path(__file__).resolve().parent / "data" / "calendar_overrides.json"

Outcome = Literal["created", "updated", "unchanged"]


def _check(actor: Any) -> None:
    """Only a system administrator (or a superuser) edits the calendar everyone counts by."""
    if actor is None:
        return
    if not any(grant.role == Role.SYSTEM_ADMIN for grant in user_grants(actor)):
        raise PermissionDeniedError(
            _("Chỉ quản trị hệ thống được điều chỉnh lịch làm việc."), code="core.calendar_forbidden"
        )


def _text(value: Any, *, what: str, label: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ApplicationError(
            _("%(what)s của ngày điều chỉnh %(label)s phải là văn bản.") % {"what": what, "label": label},
            code="core.calendar_invalid_text",
        )
    return value.strip()


def _clean(*, date: Any, kind: Any, source: Any, note: Any) -> tuple[dt.date, str, str, str]:
    """Validated, stripped values, or ``ApplicationError`` naming the date and the problem."""
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        raise ApplicationError(
            _("Ngày điều chỉnh không hợp lệ: %(date)s (cần một ngày, không kèm giờ).") % {"date": repr(date)},
            code="core.calendar_invalid_date",
        )
    label = f"{date:%d/%m/%Y}"
    if not FIRST_YEAR <= date.year <= LAST_YEAR:
        raise ApplicationError(
            _("Ngày %(label)s nằm ngoài phạm vi lịch làm việc (%(first)s–%(last)s).")
            % {"label": label, "first": FIRST_YEAR, "last": LAST_YEAR},
            code="core.calendar_out_of_range",
        )
    if kind not in CalendarOverride.Kind.values:
        raise ApplicationError(
            _("Loại ngày điều chỉnh %(label)s không hợp lệ: %(kind)s (chỉ nhận %(workday)s hoặc %(day_off)s).")
            % {
                "label": label,
                "kind": repr(kind),
                "workday": repr(CalendarOverride.Kind.WORKDAY.value),
                "day_off": repr(CalendarOverride.Kind.DAY_OFF.value),
            },
            code="core.calendar_invalid_kind",
        )
    source = _text(source, what=_("Căn cứ"), label=label)
    note = _text(note, what=_("Ghi chú"), label=label)
    if not source:
        raise ApplicationError(
            _("Cần ghi căn cứ (văn bản, thông báo) cho ngày điều chỉnh %(label)s.") % {"label": label},
            code="core.calendar_source_required",
        )
    for name, what, value in (("source", _("Căn cứ"), source), ("note", _("Ghi chú"), note)):
        limit: int | None = getattr(CalendarOverride._meta.get_field(name), "max_length", None)
        if limit is not None and len(value) > limit:
            raise ApplicationError(
                _("%(what)s của ngày điều chỉnh %(label)s dài %(length)s ký tự, vượt quá %(limit)s ký tự.")
                % {"what": what, "label": label, "length": len(value), "limit": limit},
                code="core.calendar_too_long",
            )
    return date, str(kind), source, note


def _upsert(*, actor: Any, date: Any, kind: Any, source: Any, note: Any) -> tuple[CalendarOverride, Outcome]:
    """The shared body of the upsert services; must run inside their transaction."""
    date, kind, source, note = _clean(date=date, kind=kind, source=source, note=note)
    override = CalendarOverride.objects.select_for_update().filter(date=date).first()
    if override is None:
        override = CalendarOverride.objects.create(date=date, kind=kind, source=source, note=note)
        audit_record(
            actor=actor,
            action="calendar_override.created",
            obj=override,
            unit=None,
            changes=diff({}, snapshot(override, OVERRIDE_FIELDS)),
        )
        outcome: Outcome = "created"
    else:
        before = snapshot(override, OVERRIDE_FIELDS)
        override.kind, override.source, override.note = kind, source, note
        changes = diff(before, snapshot(override, OVERRIDE_FIELDS))
        if not changes:
            return override, "unchanged"
        override.save(update_fields=["kind", "source", "note", "updated_at"])
        audit_record(actor=actor, action="calendar_override.updated", obj=override, unit=None, changes=changes)
        outcome = "updated"
    transaction.on_commit(work_calendar_clear)
    return override, outcome


@transaction.atomic
def calendar_override_upsert(*, actor: Any, date: dt.date, kind: str, source: str, note: str = "") -> CalendarOverride:
    """Make ``date`` a working day (``kind="workday"``) or a day off (``"day_off"``).

    Creates the override or changes the existing one for that date; values equal to
    the stored ones write nothing (no audit row). ``source`` names the official notice
    and is required; ``source`` and ``note`` are stripped.

    Raises ``PermissionDeniedError`` when ``actor`` is a user without the system
    administrator role, and ``ApplicationError`` for a date outside the calendar's
    years, an unknown kind, an empty source or a text over 500 characters.
    """
    _check(actor)
    override, _outcome = _upsert(actor=actor, date=date, kind=kind, source=source, note=note)
    return override


@transaction.atomic
def calendar_override_delete(*, actor: Any, override: CalendarOverride) -> None:
    """Remove ``override``: its date follows the statutory calendar again.

    The audit row keeps the deleted values. Raises ``PermissionDeniedError`` like
    :func:`calendar_override_upsert`.
    """
    _check(actor)
    audit_record(
        actor=actor,
        action="calendar_override.deleted",
        obj=override,
        unit=None,
        changes=diff(snapshot(override, OVERRIDE_FIELDS), {}),
    )
    override.delete()
    transaction.on_commit(work_calendar_clear)


def _read_default_overrides(path: Path) -> list[dict[str, Any]]:
    """The entries of the shipped file, or ``ApplicationError`` naming the entry at fault."""
    name = path.name
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ApplicationError(
            _("Không đọc được %(name)s: %(error)s") % {"name": name, "error": exc}, code="core.calendar_file"
        ) from exc
    if not isinstance(entries, list):
        raise ApplicationError(
            _("%(name)s phải là một danh sách các ngày điều chỉnh.") % {"name": name}, code="core.calendar_file"
        )
    result: list[dict[str, Any]] = []
    for number, entry in enumerate(entries, start=1):
        where = _("%(name)s, mục %(number)s") % {"name": name, "number": number}
        if not isinstance(entry, dict):
            raise ApplicationError(
                _("%(where)s: cần một đối tượng {date, kind, source, note}.") % {"where": where},
                code="core.calendar_file",
            )
        missing = [key for key in ("date", "kind", "source") if key not in entry]
        if missing:
            raise ApplicationError(
                _("%(where)s: thiếu trường %(fields)s.") % {"where": where, "fields": ", ".join(missing)},
                code="core.calendar_file",
            )
        try:
            date = dt.date.fromisoformat(str(entry["date"]))
        except ValueError as exc:
            raise ApplicationError(
                _("%(where)s: ngày không hợp lệ %(date)s (định dạng YYYY-MM-DD).")
                % {"where": where, "date": repr(entry["date"])},
                code="core.calendar_file",
            ) from exc
        result.append({**entry, "date": date, "note": entry.get("note", "")})
    dates = [entry["date"] for entry in result]
    duplicates = sorted({d for d in dates if dates.count(d) > 1})
    if duplicates:
        listed = ", ".join(f"{d:%d/%m/%Y}" for d in duplicates)
        raise ApplicationError(
            _("%(name)s: ngày bị lặp lại: %(dates)s.") % {"name": name, "dates": listed}, code="core.calendar_file"
        )
    return result


@transaction.atomic
def calendar_overrides_load_default(*, actor: Any = None, path: Path | None = None) -> dict[str, int]:
    """Load the overrides that ship with the code (``core/data/calendar_overrides.json``).

    The file wins for the dates it lists: a missing date is created, a differing one
    updated (with an audit row showing what changed), an equal one left alone. Dates
    the file does not list are never touched. So a second run changes nothing and
    writes no audit row.

    Returns ``{"created": n, "updated": n, "unchanged": n}``. The whole file loads in
    one transaction: an invalid entry (message naming the file and the entry's number
    or date) loads nothing. Raises ``PermissionDeniedError`` like
    :func:`calendar_override_upsert`.
    """
    _check(actor)
    summary = {"created": 0, "updated": 0, "unchanged": 0}
    for entry in _read_default_overrides(path or DEFAULT_OVERRIDES_PATH):
        _override, outcome = _upsert(
            actor=actor, date=entry["date"], kind=entry["kind"], source=entry["source"], note=entry["note"]
        )
        summary[outcome] += 1
    return summary

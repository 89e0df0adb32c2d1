"""Importing dossiers from the one-stop systems' exports, in batches of whole transactions.

``import_dossiers`` streams the file (``dossiers.io``), so memory stays bounded by the
batch size, not the file: it reads ``batch_size`` rows, checks each, and writes the
accepted ones of the batch with ``bulk_create``/``bulk_update`` in one transaction,
together with their events, the run's counters and **one** audit row for the batch
(``dossier_import.batch``; per-dossier audit rows would double the write volume of a
million-row import, see docs/adr/0005-dossier-import-audit.md). A bad row is rejected
alone, with its line, column and reason; a killed import leaves whole batches only.

The import is an upsert keyed by the dossier code: a row identical to the stored
dossier is counted unchanged and writes nothing; a row that differs updates it.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.audit.services import audit_record, diff, snapshot
from cchc.core.calendar import work_calendar
from cchc.core.errors import ApplicationError
from cchc.core.workdays import WorkCalendar
from cchc.dossiers.choices import EventKind
from cchc.dossiers.io import DossierValues, ProcedureInfo, RawRecord, Rejection, parse_record, read_records
from cchc.dossiers.models import Dossier, DossierEvent, DossierImport
from cchc.organizations.io import SourceRef
from cchc.organizations.models import OrgUnit
from cchc.procedures.models import Procedure

DEFAULT_BATCH_SIZE = 5_000
#: At most this many rejections are kept with their reasons; the count goes on.
MAX_KEPT_REJECTIONS = 10_000
#: Rows per ``code IN (…)`` lookup, below SQLite's historical 999-parameter limit.
_LOOKUP_CHUNK = 900

_VALUE_FIELDS = tuple(f.name for f in fields(DossierValues) if f.name != "code")
# Model field names for bulk_update (foreign keys by name, not attname).
_UPDATE_FIELDS = [name.removesuffix("_id") for name in _VALUE_FIELDS]
_RUN_COUNTERS = ("batches", "created", "updated", "unchanged", "rejected")


@dataclass
class DossierImportSummary:
    """What an import did. ``rejected`` keeps ``(line, reason)`` for the first rejections.

    ``rejected_count`` is the true number (``rejected`` stops growing at
    ``MAX_KEPT_REJECTIONS`` so that a file of garbage cannot exhaust memory).
    """

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    rejected_count: int = 0
    batches: int = 0
    rows_read: int = 0
    run_id: int | None = None

    @property
    def accepted(self) -> int:
        return self.created + self.updated + self.unchanged

    @property
    def all_accepted(self) -> bool:
        return self.rejected_count == 0

    def reject(self, rejection: Rejection) -> None:
        self.rejected_count += 1
        if len(self.rejected) < MAX_KEPT_REJECTIONS:
            self.rejected.append((rejection.line, rejection.reason))


@dataclass
class _Batch:
    rows: list[tuple[SourceRef, DossierValues]] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)
    rejected: int = 0
    size: int = 0

    def clear(self) -> None:
        self.rows.clear()
        self.lines.clear()
        self.rejected = self.size = 0


def _catalogues() -> tuple[dict[str, ProcedureInfo], dict[str, int]]:
    """Every procedure and unit by code: a few thousand rows, read once per import."""
    procedures = {
        code: ProcedureInfo(pk, limit, field_name, level)
        for code, pk, limit, field_name, level in Procedure.objects.values_list(
            "code", "pk", "time_limit_days", "field", "level"
        )
    }
    units = dict(OrgUnit.objects.values_list("code", "pk"))
    return procedures, units


def _events_for_new(dossier: Dossier) -> list[DossierEvent]:
    events = [DossierEvent(dossier=dossier, at=dossier.received_at, kind=EventKind.RECEIVED, note=dossier.channel)]
    if dossier.resolved_at is not None:
        events.append(
            DossierEvent(dossier=dossier, at=dossier.resolved_at, kind=EventKind.RESOLVED, note=dossier.outcome)
        )
    if dossier.returned_at is not None:
        events.append(DossierEvent(dossier=dossier, at=dossier.returned_at, kind=EventKind.RETURNED))
    return events


def _events_for_change(
    dossier: Dossier, changed: list[str], old: dict[str, Any], now: dt.datetime
) -> list[DossierEvent]:
    """A newly set resolution or return is its own step; any other change is one correction."""
    events: list[DossierEvent] = []
    rest = list(changed)
    for name, kind in (("resolved_at", EventKind.RESOLVED), ("returned_at", EventKind.RETURNED)):
        if name in changed and old[name] is None:
            rest.remove(name)
            note = dossier.outcome if kind == EventKind.RESOLVED else ""
            events.append(DossierEvent(dossier=dossier, at=getattr(dossier, name), kind=kind, note=note))
    if rest:
        note = _("Cập nhật từ tệp nhập: %(fields)s") % {"fields": ", ".join(rest)}
        events.append(DossierEvent(dossier=dossier, at=now, kind=EventKind.CORRECTED, note=note[:500]))
    return events


def _write_batch(batch: _Batch, *, run: DossierImport, actor: Any, summary: DossierImportSummary) -> None:
    """Write one batch, its events, the run's counters and its audit row in one transaction."""
    now = timezone.now()
    created = updated = unchanged = 0
    with transaction.atomic():
        codes = [values.code for _ref, values in batch.rows]
        existing: dict[str, Dossier] = {}
        for start in range(0, len(codes), _LOOKUP_CHUNK):
            existing.update((d.code, d) for d in Dossier.objects.filter(code__in=codes[start : start + _LOOKUP_CHUNK]))
        new: list[Dossier] = []
        changed_rows: list[tuple[Dossier, list[str], dict[str, Any]]] = []
        for _ref, values in batch.rows:
            dossier = existing.get(values.code)
            if dossier is None:
                new.append(Dossier(code=values.code, **{name: getattr(values, name) for name in _VALUE_FIELDS}))
                continue
            changed = [name for name in _VALUE_FIELDS if getattr(dossier, name) != getattr(values, name)]
            if not changed:
                unchanged += 1
                continue
            old = {name: getattr(dossier, name) for name in changed}
            for name in changed:
                setattr(dossier, name, getattr(values, name))
            dossier.updated_at = now
            changed_rows.append((dossier, changed, old))
        Dossier.objects.bulk_create(new)
        if changed_rows:
            Dossier.objects.bulk_update([row[0] for row in changed_rows], [*_UPDATE_FIELDS, "updated_at"])
        events: list[DossierEvent] = []
        for dossier in new:
            events.extend(_events_for_new(dossier))
        for dossier, changed, old in changed_rows:
            events.extend(_events_for_change(dossier, changed, old, now))
        DossierEvent.objects.bulk_create(events)
        created, updated = len(new), len(changed_rows)

        before = snapshot(run, _RUN_COUNTERS)
        run.batches += 1
        run.created += created
        run.updated += updated
        run.unchanged += unchanged
        run.rejected += batch.rejected
        run.save(update_fields=_RUN_COUNTERS)
        audit_record(
            actor=actor,
            action="dossier_import.batch",
            obj=run,
            changes=diff(before, snapshot(run, _RUN_COUNTERS)),
        )
    # Only after the commit: a batch that rolled back must not be reported as written.
    summary.batches += 1
    summary.created += created
    summary.updated += updated
    summary.unchanged += unchanged


def _records(path: str | Path | None, stream: IO[Any] | None, filename: str | None) -> tuple[IO[Any], str, bool]:
    if (path is None) == (stream is None):
        raise ValueError("import_dossiers needs exactly one of path and stream.")
    if stream is not None:
        return stream, filename or getattr(stream, "name", None) or "stream", False
    path = Path(path)  # type: ignore[arg-type]
    try:
        return path.open("rb"), filename or path.name, True
    except OSError as exc:
        raise ApplicationError(
            _("Không đọc được tệp %(file)s: %(reason)s.") % {"file": path, "reason": exc.strerror or exc},
            code="dossiers.file_unreadable",
        ) from exc


def import_dossiers(
    *,
    path: str | Path | None = None,
    stream: IO[Any] | None = None,
    filename: str | None = None,
    fmt: str | None = None,
    actor: Any = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Callable[[DossierImportSummary], None] | None = None,
    calendar: WorkCalendar | None = None,
) -> DossierImportSummary:
    """Create or update the dossiers of a CSV / JSON Lines file (``path``) or open ``stream``.

    Rows are read in batches of ``batch_size`` (accepted and rejected rows alike); each
    batch's accepted rows are written in their own transaction, so accepted rows are
    never lost when later rows fail and a killed import leaves only whole batches.
    A row is rejected (line, column, Vietnamese reason) when it is malformed, names an
    unknown procedure or unit, has impossible dates or values, or repeats a code already
    seen in its batch. ``progress`` is called with the running summary after each batch.

    Raises ``ApplicationError`` when the file cannot be opened or its header is broken
    (nothing is written then), ``ValueError`` for a batch size below 1. A database error
    in a batch rolls that batch back and propagates; earlier batches stay.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1.")
    handle, name, owned = _records(path, stream, filename)
    summary = DossierImportSummary()
    try:
        records = read_records(handle, name, fmt=fmt)
        first = next(records, None)  # reads the header: a broken one raises before any write
        procedures, units = _catalogues()
        calendar = calendar or work_calendar()
        is_user = actor is not None and getattr(actor, "is_authenticated", False)
        run = DossierImport.objects.create(
            filename=name[:255], actor=actor if is_user else None, started_at=timezone.now()
        )
        summary.run_id = run.pk
        batch = _Batch()

        def flush() -> None:
            if batch.size:
                _write_batch(batch, run=run, actor=actor, summary=summary)
                batch.clear()
                if progress is not None:
                    progress(summary)

        pending: Iterable[RawRecord | Rejection] = records if first is None else _chain(first, records)
        for record in pending:
            summary.rows_read += 1
            batch.size += 1
            result = (
                record
                if isinstance(record, Rejection)
                else parse_record(record, procedures=procedures, units=units, calendar=calendar)
            )
            if isinstance(result, DossierValues) and result.code in batch.lines:
                assert isinstance(record, RawRecord)  # noqa: S101 - only records parse to values
                result = record.reject(
                    "code",
                    _("mã hồ sơ '%(code)s' trùng với dòng %(line)d trong cùng lô")
                    % {"code": result.code, "line": batch.lines[result.code]},
                )
            if isinstance(result, Rejection):
                summary.reject(result)
                batch.rejected += 1
            else:
                assert isinstance(record, RawRecord)  # noqa: S101
                batch.lines[result.code] = record.ref.number
                batch.rows.append((record.ref, result))
            if batch.size >= batch_size:
                flush()
        flush()
        run.finished_at = timezone.now()
        run.save(update_fields=["finished_at"])
    finally:
        if owned:
            handle.close()
    return summary


def _chain(first: RawRecord | Rejection, rest: Iterable[RawRecord | Rejection]) -> Iterable[RawRecord | Rejection]:
    yield first
    yield from rest

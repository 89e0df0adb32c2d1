"""Importing dossiers from the one-stop systems' exports, in batches of whole transactions.

``import_dossiers`` streams the file (``dossiers.io``), so memory stays bounded by the
batch size, not the file: it reads ``batch_size`` rows, checks each, and writes the
accepted ones of the batch in one transaction — new dossiers and their events with plain
``executemany`` (:class:`_NewRowWriter`), changed ones with ``bulk_update`` — together
with the Biểu 06 counters (``dossiers.aggregates``), the run's counters and **one** audit
row for the batch (``dossier_import.batch``; per-dossier audit rows would double the
write volume of a million-row import, see docs/adr/0005-dossier-import-audit.md). A bad
row is rejected alone, with its line, column and reason; a killed import leaves whole
batches only. ``dossiers_upsert`` runs the same code for one batch of the API.

The import is an upsert keyed by the dossier code: a row identical to the stored
dossier is counted unchanged and writes nothing; a row that differs updates it.
"""

import datetime as dt
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import IO, Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.audit.services import audit_record, diff, snapshot
from cchc.core.calendar import work_calendar
from cchc.core.errors import ApplicationError
from cchc.core.workdays import VN_TZ, WorkCalendar
from cchc.dossiers import sla
from cchc.dossiers.aggregates import CountDeltas
from cchc.dossiers.choices import EventKind
from cchc.dossiers.io import (
    DossierValues,
    ProcedureInfo,
    RawRecord,
    Rejection,
    parse_record,
    read_records,
    record_from_json,
)
from cchc.dossiers.models import Dossier, DossierEvent, DossierImport
from cchc.dossiers.regimes import sla_regimes
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
#: What the Biểu 06 counters depend on (``dossiers.aggregates``), as ``CountDeltas.add`` names it.
_COUNTED = {
    "unit_id": "unit_id", "field": "field", "level": "level", "channel": "channel",
    "received_at": "received_at", "resolved_at": "resolved_at", "due_date": "due",
    "paid_online": "paid_online", "digitized": "digitized", "electronic_result": "electronic_result",
    "apology_sent_on": "apologized",
}  # fmt: skip


def _counted_facts(source: Any) -> dict[str, Any]:
    facts = {arg: getattr(source, name) for name, arg in _COUNTED.items()}
    facts["apologized"] = facts["apologized"] is not None
    return facts


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


class _NewRowWriter:
    """Inserts new dossiers and their first events with plain ``executemany``, no model instances.

    A million-row import spends most of its time in the ORM's per-object work
    (``Model.__init__``, per-field ``get_db_prep_save``) otherwise; here every value is
    already the right Python type (``dossiers.io``), so only the backend's own adaptation
    is left: SQLite stores aware datetimes as naive UTC text and dates as ISO text,
    exactly as Django does; PostgreSQL takes the Python values. The events find their
    dossier by its unique code.
    """

    def __init__(self) -> None:
        ops = connection.ops
        self.fields = [f for f in Dossier._meta.concrete_fields if not f.primary_key]
        table = ops.quote_name(Dossier._meta.db_table)
        names = ", ".join(ops.quote_name(f.column) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        self.insert = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 - names from the model
        events = ops.quote_name(DossierEvent._meta.db_table)
        self.insert_event = (
            f"INSERT INTO {events} (dossier_id, at, kind, note) "  # noqa: S608 - names from the model
            f"VALUES ((SELECT id FROM {table} WHERE code = %s), %s, %s, %s)"
        )
        self.sqlite = connection.vendor == "sqlite"
        self.db_timezone = connection.timezone
        stamps = {"created_at", "updated_at"}
        self.read = operator.attrgetter(*(f.attname for f in self.fields if f.attname not in stamps))
        self.stamp_positions = [i for i, f in enumerate(self.fields) if f.attname in stamps]
        kinds = [f.get_internal_type() for f in self.fields if f.attname not in stamps]
        self.moments = [i for i, kind in enumerate(kinds) if kind == "DateTimeField"]
        self.days = [i for i, kind in enumerate(kinds) if kind == "DateField"]

    def _moment(self, value: dt.datetime | None) -> Any:
        if value is None or not self.sqlite:
            return value
        return str(value.astimezone(self.db_timezone).replace(tzinfo=None))

    def write(self, rows: list[DossierValues], now: dt.datetime) -> None:
        stamp = self._moment(now)
        moment, read = self._moment, self.read
        moments, days, stamps = self.moments, self.days, self.stamp_positions
        dossiers = []
        events: list[tuple[Any, ...]] = []
        received, resolved, returned = EventKind.RECEIVED.value, EventKind.RESOLVED.value, EventKind.RETURNED.value
        supplement, apology = EventKind.SUPPLEMENT_REQUESTED.value, EventKind.APOLOGY.value
        for values in rows:
            row = list(read(values))
            if self.sqlite:
                for i in moments:
                    row[i] = moment(row[i])
                for i in days:
                    if row[i] is not None:
                        row[i] = row[i].isoformat()
            for i in stamps:
                row.insert(i, stamp)
            dossiers.append(row)
            code = values.code
            events.append((code, moment(values.received_at), received, values.channel))
            if values.resolved_at is not None:
                events.append((code, moment(values.resolved_at), resolved, values.outcome))
            if values.returned_at is not None:
                events.append((code, moment(values.returned_at), returned, ""))
            if values.supplement_requested_at is not None:
                events.append((code, moment(values.supplement_requested_at), supplement, ""))
            if values.apology_sent_on is not None:
                sent = dt.datetime.combine(values.apology_sent_on, dt.time(12), tzinfo=VN_TZ)
                events.append((code, moment(sent), apology, str(values.apology_new_due_date)))
        with connection.cursor() as cursor:
            cursor.executemany(self.insert, dossiers)
            cursor.executemany(self.insert_event, events)


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


def _write_batch(
    batch: _Batch, *, run: DossierImport, actor: Any, summary: DossierImportSummary, writer: _NewRowWriter
) -> None:
    """Write one batch, its events, the run's counters and its audit row in one transaction."""
    now = timezone.now()
    created = updated = unchanged = 0
    with transaction.atomic():
        codes = [values.code for _ref, values in batch.rows]
        existing: dict[str, Dossier] = {}
        for start in range(0, len(codes), _LOOKUP_CHUNK):
            existing.update((d.code, d) for d in Dossier.objects.filter(code__in=codes[start : start + _LOOKUP_CHUNK]))
        new: list[DossierValues] = []
        changed_rows: list[tuple[Dossier, list[str], dict[str, Any]]] = []
        deltas = CountDeltas()
        for _ref, values in batch.rows:
            dossier = existing.get(values.code)
            if dossier is None:
                new.append(values)
                deltas.add(**_counted_facts(values))
                continue
            changed = [name for name in _VALUE_FIELDS if getattr(dossier, name) != getattr(values, name)]
            if not changed:
                unchanged += 1
                continue
            if any(name in _COUNTED for name in changed):
                deltas.remove(**_counted_facts(dossier))
                deltas.add(**_counted_facts(values))
            old = {name: getattr(dossier, name) for name in changed}
            for name in changed:
                setattr(dossier, name, getattr(values, name))
            dossier.updated_at = now
            changed_rows.append((dossier, changed, old))
        if new:
            writer.write(new, now)
        if changed_rows:
            Dossier.objects.bulk_update([row[0] for row in changed_rows], [*_UPDATE_FIELDS, "updated_at"])
        events: list[DossierEvent] = []
        for dossier, changed, old in changed_rows:
            events.extend(_events_for_change(dossier, changed, old, now))
        DossierEvent.objects.bulk_create(events)
        deltas.write()
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
    try:
        records = read_records(handle, name, fmt=fmt)
        first = next(records, None)  # reads the header: a broken one raises before any write
        pending: Iterable[RawRecord | Rejection] = records if first is None else _chain(first, records)
        return _import_records(
            pending, name=name, actor=actor, batch_size=batch_size, progress=progress, calendar=calendar
        )
    finally:
        if owned:
            handle.close()


def dossiers_upsert(*, items: Sequence[Any], actor: Any = None, source: str = "API") -> DossierImportSummary:
    """Create or update the dossiers of decoded JSON objects (the API batch), in one transaction.

    Each item has the keys of the import format (``docs/dossiers.md``); the upsert is
    idempotent by code, exactly like :func:`import_dossiers`, and rejections are
    located as ``<source>, mục N`` (N from 1) with their Vietnamese reason.
    """
    records = (record_from_json(item, SourceRef(source, number, item=True)) for number, item in enumerate(items, 1))
    return _import_records(records, name=source, actor=actor, batch_size=max(len(items), 1))


def _import_records(
    pending: Iterable[RawRecord | Rejection],
    *,
    name: str,
    actor: Any,
    batch_size: int,
    progress: Callable[[DossierImportSummary], None] | None = None,
    calendar: WorkCalendar | None = None,
) -> DossierImportSummary:
    with _bulk_session():
        return _import_batches(
            pending, name=name, actor=actor, batch_size=batch_size, progress=progress, calendar=calendar
        )


#: SQLite page cache for an import, in KiB: the dossier and event indexes of a million-row
#: table outgrow the default 2 MiB and every insert then waits on the OS.
_SQLITE_IMPORT_CACHE_KIB = 64 * 1024


@contextmanager
def _bulk_session() -> Iterator[None]:
    """A larger SQLite page cache for the import's connection, restored afterwards.

    Only memory: durability (journal, ``synchronous``) is left as configured, so a killed
    import still leaves whole batches. Nothing changes on other databases.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{_SQLITE_IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def _import_batches(
    pending: Iterable[RawRecord | Rejection],
    *,
    name: str,
    actor: Any,
    batch_size: int,
    progress: Callable[[DossierImportSummary], None] | None,
    calendar: WorkCalendar | None,
) -> DossierImportSummary:
    summary = DossierImportSummary()
    procedures, units = _catalogues()
    calendar = calendar or work_calendar()
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    run = DossierImport.objects.create(filename=name[:255], actor=actor if is_user else None, started_at=timezone.now())
    summary.run_id = run.pk
    batch = _Batch()
    writer = _NewRowWriter()
    clock = sla.ClockMemo(calendar, regimes=sla_regimes())

    def flush() -> None:
        if batch.size:
            _write_batch(batch, run=run, actor=actor, summary=summary, writer=writer)
            batch.clear()
            if progress is not None:
                progress(summary)

    for record in pending:
        summary.rows_read += 1
        batch.size += 1
        result = (
            record
            if isinstance(record, Rejection)
            else parse_record(record, procedures=procedures, units=units, calendar=calendar, clock=clock)
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
    return summary


def _chain(first: RawRecord | Rejection, rest: Iterable[RawRecord | Rejection]) -> Iterable[RawRecord | Rejection]:
    yield first
    yield from rest

"""Importing dossiers from the one-stop systems' exports, in batches of whole transactions.

``import_dossiers`` streams the file, so memory stays bounded by a chunk of rows, not
the file. Every ``batch_size`` rows (accepted and rejected alike) is one transaction
that writes the batch's new and changed dossiers, the Biểu 06 counters
(``dossiers.aggregates``), the run's counters and **one** audit row for the batch
(``dossier_import.batch``; per-dossier audit rows would double the write volume of a
million-row import, see docs/adr/0005-dossier-import-audit.md). A bad row is rejected
alone, with its line, column and reason; a killed import leaves whole batches only.
``dossiers_upsert`` runs the same code for one batch of the API.

The import is an upsert keyed by the dossier code: a row identical to the stored
dossier is counted unchanged and writes nothing; a row that differs updates it.

How a million rows go fast (docs/adr/0006-dossier-ingest-path.md):

* **Reading.** A CSV row is turned into its *stored row* (``dossiers.stored_rows``:
  strings and ints, spelled as the database stores them) by ``FastRowParser``, from the
  cells, with memoised conversions; only a row it does not take (a rejection, an alias,
  an unusual spelling) builds a record and goes through ``io.parse_record``, which
  decides with the same checks and messages. JSON Lines and the API take that path for
  every row (``dossiers.import_reading``).
* **Writing.** New rows are inserted optimistically, a chunk at a time, inside a
  savepoint: SQLite's own ``executemany`` with the times as text, PostgreSQL's
  ``COPY``. Only when a chunk holds a code already stored does the savepoint roll back
  and the chunk go the careful way (look the codes up, insert the new ones, compare
  and update the others). A dossier's received / resolved / returned steps are its
  columns, not event rows; only corrections are stored as events.
* **Two processes.** A large CSV file is read and parsed in a forked child process
  while this one writes (``import_reading.forked_parts``); chunks cross a pipe as ``marshal``
  bytes, and the pipe's back-pressure bounds the memory.
"""

import csv
import datetime as dt
import functools
import gc
import io
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import IO, Any

from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.audit.services import audit_record, diff, snapshot
from cchc.core.errors import ApplicationError
from cchc.core.workdays import VN_TZ, WorkCalendar
from cchc.dossiers import block_reading
from cchc.dossiers.aggregates import CountDeltas
from cchc.dossiers.block_reading import block_csv_parts
from cchc.dossiers.choices import EventKind
from cchc.dossiers.counter_store import MonthRows, write_month_rows
from cchc.dossiers.import_reading import (
    MAX_KEPT_REJECTIONS,
    Catalogue,
    Chunk,
    CopyChunk,
    Part,
    Parts,
    can_fork,
    csv_parts,
    forked_parts,
    load_catalogue,
    record_parts,
)
from cchc.dossiers.io import CsvRows, DossierValues, read_dossier_file, record_from_json
from cchc.dossiers.models import Dossier, DossierCount, DossierEvent, DossierImport
from cchc.dossiers.stored_rows import (
    STORED_COLUMNS,
    STORED_NULLABLE,
    StoredRow,
    rows_from_copy_text,
    utc_text,
    values_from_stored,
)
from cchc.organizations.io import SourceRef

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 100_000
#: A CSV file at least this large is read by a second process (``parallel=None``).
PARALLEL_MIN_BYTES = 8 * 2**20
#: Rows per ``code IN (…)`` lookup, below SQLite's historical 999-parameter limit.
_LOOKUP_CHUNK = 900

_VALUE_FIELDS = tuple(f.name for f in fields(DossierValues) if f.name != "code")
_RUN_COUNTERS = ("batches", "created", "updated", "unchanged", "rejected")
#: What the Biểu 06 counters depend on (``dossiers.aggregates``), as ``CountDeltas.add`` names it.
_COUNTED = {
    "unit_id": "unit_id", "field": "field", "level": "level", "channel": "channel",
    "received_at": "received_at", "resolved_at": "resolved_at", "due_date": "due",
    "paid_online": "paid_online", "digitized": "digitized", "electronic_result": "electronic_result",
    "apology_sent_on": "apologized",
}  # fmt: skip
#: Steps that are a dossier's own columns: shown from the columns, never stored as events.
_DERIVED_STEPS = ("resolved_at", "returned_at")


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
    #: Accepted rows read a block at a time by the forked reader (``block_reading``): a speed diagnostic.
    block_rows: int = 0

    @property
    def accepted(self) -> int:
        return self.created + self.updated + self.unchanged

    @property
    def all_accepted(self) -> bool:
        return self.rejected_count == 0


# --- writing ------------------------------------------------------------------------------------


def _field(name: str) -> models.Field[Any, Any]:
    found = Dossier._meta.get_field(name)
    assert isinstance(found, models.Field)  # noqa: S101 - a concrete field of the model
    return found


def _counted_facts(values: dict[str, Any]) -> dict[str, Any]:
    """``CountDeltas.add`` keywords of a dossier's stored values (by ``DossierValues`` name)."""
    facts = {arg: values[name] for name, arg in _COUNTED.items()}
    facts["apologized"] = facts["apologized"] is not None
    return facts


class _Writer:
    """Writes the chunks of a batch inside the batch's transaction (the caller's ``atomic``)."""

    def __init__(self) -> None:
        ops = connection.ops
        self.vendor = connection.vendor
        self.table = ops.quote_name(Dossier._meta.db_table)
        self.columns = ["created_at", "updated_at", *(_field(n).column for n in STORED_COLUMNS)]
        self.names = ", ".join(ops.quote_name(column) for column in self.columns)
        self.nullable = [name in STORED_NULLABLE for name in STORED_COLUMNS]
        # CSV's empty cell is NULL in COPY; these NOT NULL text columns keep "" as an empty string.
        self.text_columns = ", ".join(
            ops.quote_name(_field(name).column)
            for name in STORED_COLUMNS
            if name not in STORED_NULLABLE and isinstance(_field(name), models.CharField)
        )
        self.update_fields = [_field(name) for name in _VALUE_FIELDS]
        self.reset()

    def reset(self) -> None:
        self.created = self.updated = self.unchanged = 0
        self.corrections = CountDeltas()
        self.stamp = timezone.now()

    # -- new rows --

    def _insert(self, rows: list[StoredRow]) -> None:
        if not rows:
            return
        stamp = utc_text(self.stamp)
        if self.vendor == "sqlite":
            # Times are stored as text already; "" is NULL for the nullable columns. The
            # stamp is a literal of our own making, so the rows bind only their own values.
            marks = ", ".join("NULLIF(?, '')" if nullable else "?" for nullable in self.nullable)
            sql = f"INSERT INTO {self.table} ({self.names}) VALUES ('{stamp}', '{stamp}', {marks})"  # noqa: S608
            with connection.wrap_database_errors:
                connection.connection.executemany(sql, rows)
            return
        text = _copy_text(rows, stamp)
        sql = f"COPY {self.table} ({self.names}) FROM STDIN (FORMAT csv, FORCE_NOT_NULL ({self.text_columns}))"
        with connection.cursor() as cursor, connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
            copy.write(text)

    def write_copy(self, text: str, count: int) -> None:
        """PostgreSQL: ``COPY`` the chunk's text (``CopyChunk``); if a code is already stored, the careful way."""
        connection.ensure_connection()
        stamp = utc_text(self.stamp)
        lead = f"{stamp},{stamp},"
        sql = f"COPY {self.table} ({self.names}) FROM STDIN (FORMAT csv, FORCE_NOT_NULL ({self.text_columns}))"
        try:
            with (
                transaction.atomic(),
                connection.cursor() as cursor,
                connection.wrap_database_errors,
                cursor.cursor.copy(sql) as copy,
            ):
                copy.write(lead + text[:-1].replace("\n", "\n" + lead) + "\n")
        except IntegrityError:
            self._upsert(rows_from_copy_text(text))
        else:
            self.created += count

    def write(self, rows: list[StoredRow]) -> None:
        """Insert the chunk's rows; if one of them is already stored, take the careful way for the chunk."""
        connection.ensure_connection()
        try:
            with transaction.atomic():
                self._insert(rows)
        except IntegrityError:
            self._upsert(rows)
        else:
            self.created += len(rows)

    # -- rows that may exist --

    def _upsert(self, rows: list[StoredRow]) -> None:
        """Insert the new codes; compare the known ones with what is stored and update those that differ."""
        codes = [row[0] for row in rows]
        stored: dict[str, tuple[Any, ...]] = {}
        for start in range(0, len(codes), _LOOKUP_CHUNK):
            chunk = codes[start : start + _LOOKUP_CHUNK]
            for pk, code, *values in Dossier.objects.filter(code__in=chunk).values_list("pk", "code", *_VALUE_FIELDS):
                stored[code] = (pk, *values)
        new = [row for row in rows if row[0] not in stored]
        self._insert(new)
        self.created += len(new)
        changed: list[tuple[int, DossierValues, list[str], dict[str, Any]]] = []
        for row in rows:
            known = stored.get(row[0])
            if known is None:
                continue
            values = values_from_stored(row)
            old = dict(zip(_VALUE_FIELDS, known[1:], strict=True))
            names = [name for name in _VALUE_FIELDS if getattr(values, name) != old[name]]
            if not names:
                self.unchanged += 1
                self.corrections.add_row(row, sign=-1)  # the reading side counted it as new
                continue
            # The reading side counted the new version; take the stored one out.
            self.corrections.add(**_counted_facts(old), sign=-1)
            changed.append((known[0], values, names, old))
        if changed:
            self._update(changed)
            self.updated += len(changed)

    def _update(self, changed: list[tuple[int, DossierValues, list[str], dict[str, Any]]]) -> None:
        columns = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in self.update_fields)
        sql = f"UPDATE {self.table} SET {columns}, updated_at = %s WHERE id = %s"  # noqa: S608 - names from the model
        now = self.stamp
        params = []
        events = []
        for pk, values, names, old in changed:
            params.append(
                [
                    *(f.get_db_prep_save(getattr(values, f.attname), connection) for f in self.update_fields),
                    _field("updated_at").get_db_prep_save(now, connection),
                    pk,
                ]
            )
            corrected = [name for name in names if not (name in _DERIVED_STEPS and old[name] is None)]
            if corrected:
                note = _("Cập nhật từ tệp nhập: %(fields)s") % {"fields": ", ".join(corrected)}
                events.append(DossierEvent(dossier_id=pk, at=now, kind=EventKind.CORRECTED, note=note[:500]))
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)
        DossierEvent.objects.bulk_create(events)

    def counters(self, months: MonthRows) -> None:
        """The batch's counters: the reading side's (every row as new) and this side's corrections."""
        write_month_rows(months)
        self.corrections.write()


def _copy_text(rows: list[StoredRow], stamp: str) -> str:
    """The rows as PostgreSQL ``COPY … (FORMAT csv)`` text, each led by the two time stamps."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    text = buffer.getvalue()
    lead = f"{stamp},{stamp},"
    if "\r" not in text and text.count("\n") == len(rows):  # no line break inside a quoted cell
        return lead + text[:-1].replace("\n", "\n" + lead) + "\n"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows((stamp, stamp, *row) for row in rows)
    return buffer.getvalue()


# --- the service --------------------------------------------------------------------------------


def _open(path: str | Path | None, stream: IO[Any] | None, filename: str | None) -> tuple[IO[Any], str, bool, int]:
    if (path is None) == (stream is None):
        raise ValueError("import_dossiers needs exactly one of path and stream.")
    if stream is not None:
        return stream, filename or getattr(stream, "name", None) or "stream", False, 0
    path = Path(path)  # type: ignore[arg-type]
    try:
        return path.open("rb"), filename or path.name, True, path.stat().st_size
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
    parallel: bool | None = None,
) -> DossierImportSummary:
    """Create or update the dossiers of a CSV / JSON Lines file (``path``) or open ``stream``.

    Rows are read in batches of ``batch_size`` (accepted and rejected rows alike); each
    batch's accepted rows are written in their own transaction, so accepted rows are
    never lost when later rows fail and a killed import leaves only whole batches.
    A row is rejected (line, column, Vietnamese reason) when it is malformed, names an
    unknown procedure or unit, has impossible dates or values, or repeats a code already
    seen in its batch. ``progress`` is called with the running summary after each batch.
    ``parallel`` reads a CSV file in a second process (``None``: for a CSV file of at
    least ``PARALLEL_MIN_BYTES`` where processes can be forked); the result is the same.

    Raises ``ApplicationError`` when the file cannot be opened or its header is broken
    (nothing is written then), ``ValueError`` for a batch size below 1. A database error
    in a batch rolls that batch back and propagates; earlier batches stay.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1.")
    handle, name, owned, size = _open(path, stream, filename)
    try:
        source = read_dossier_file(handle, name, fmt=fmt)  # a broken header raises before any write
        catalogue = load_catalogue(calendar)
        make_parts: Callable[[], Parts]
        if isinstance(source, CsvRows):
            if parallel is None:
                parallel = size >= PARALLEL_MIN_BYTES
            parallel = parallel and can_fork()
            copy_text = connection.vendor == "postgresql"
            make_parts = functools.partial(_csv_parts, source, catalogue, batch_size, parallel, copy_text)
        else:
            make_parts = functools.partial(record_parts, source.records(), catalogue, batch_size=batch_size)
            parallel = False
        parts = forked_parts(make_parts) if parallel else make_parts()
        with closing(parts), _paused_gc():  # closing: an error on this side stops the reading (and its process)
            return _import_parts(parts, name=name, actor=actor, progress=progress)
    finally:
        if owned:
            handle.close()


def _csv_parts(rows: CsvRows, catalogue: Catalogue, batch_size: int, forked: bool, copy_text: bool) -> Parts:
    """A CSV file's parts: a block at a time in the forked reader (only there may Polars run), else row by row."""
    if forked and block_reading.usable():
        return block_csv_parts(rows, catalogue, batch_size=batch_size, copy_text=copy_text)
    return csv_parts(rows, catalogue, batch_size=batch_size)


def dossiers_upsert(*, items: Sequence[Any], actor: Any = None, source: str = "API") -> DossierImportSummary:
    """Create or update the dossiers of decoded JSON objects (the API batch), in one transaction.

    Each item has the keys of the import format (``docs/dossiers.md``); the upsert is
    idempotent by code, exactly like :func:`import_dossiers`, and rejections are
    located as ``<source>, mục N`` (N from 1) with their Vietnamese reason.
    """
    records = (record_from_json(item, SourceRef(source, number, item=True)) for number, item in enumerate(items, 1))
    parts = record_parts(records, load_catalogue(None), batch_size=max(len(items), 1))
    return _import_parts(parts, name=source, actor=actor)


@contextmanager
def _paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while a file is imported (it is restored afterwards).

    A million rows are a few million tuples and strings that live a chunk or a batch:
    each generation-2 collection would walk them and the whole of Django for nothing
    (the rows hold no reference cycles); measured, it cost a fifth of the reading time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


#: SQLite page cache for an import, in KiB: the indexes of a million-row dossier table
#: and the counters outgrow the default 2 MiB, and every insert then waits on the OS.
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


def _import_parts(
    parts: Parts,
    *,
    name: str,
    actor: Any,
    progress: Callable[[DossierImportSummary], None] | None = None,
) -> DossierImportSummary:
    """Write the parts batch by batch: each batch's chunks, counters, run counters and audit row in one transaction."""
    summary = DossierImportSummary()
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    with _bulk_session():
        run = DossierImport.objects.create(
            filename=name[:255], actor=actor if is_user else None, started_at=timezone.now()
        )
        summary.run_id = run.pk
        writer = _Writer()
        for first in parts:
            part: Part = first
            writer.reset()
            with transaction.atomic():
                while isinstance(part, Chunk | CopyChunk):
                    if isinstance(part, Chunk):
                        writer.write(part.rows)
                    else:
                        writer.write_copy(part.text, part.count)
                    part = next(parts)
                writer.counters(part.months)
                before = snapshot(run, _RUN_COUNTERS)
                run.batches += 1
                run.created += writer.created
                run.updated += writer.updated
                run.unchanged += writer.unchanged
                run.rejected += part.rejected_count
                run.save(update_fields=_RUN_COUNTERS)
                audit_record(
                    actor=actor,
                    action="dossier_import.batch",
                    obj=run,
                    changes=diff(before, snapshot(run, _RUN_COUNTERS)),
                )
            # Only after the commit: a batch that rolled back must not be reported as written.
            summary.batches += 1
            summary.rows_read += part.rows_read
            summary.block_rows += part.block_rows
            summary.created += writer.created
            summary.updated += writer.updated
            summary.unchanged += writer.unchanged
            summary.rejected_count += part.rejected_count
            summary.rejected.extend(part.rejected[: MAX_KEPT_REJECTIONS - len(summary.rejected)])
            if progress is not None:
                progress(summary)
        run.finished_at = timezone.now()
        run.save(update_fields=["finished_at"])
    if summary.batches > 1:
        tidy_counters()
    return summary


def tidy_counters() -> bool:
    """On PostgreSQL, outside a transaction: ``VACUUM (ANALYZE)`` the Biểu 06 counters; whether it ran.

    Every batch of an import updates the month and year rows it touches, and each update
    leaves the old version of the row behind (the counter columns are indexed, so no
    in-page update). Until autovacuum comes by, a Biểu 06 read walks those versions, and
    PostgreSQL cannot answer from the index alone (benchmark, 3M dossiers imported a
    million at a time: 44.8 ms without, 36.4 ms with). So a large import (more than one
    batch) tidies the counter table once at its end. SQLite keeps no old versions;
    inside a transaction (a test, a caller's ``atomic``) ``VACUUM`` cannot run and
    autovacuum is left to it. The batches are committed by then: a vacuum that fails
    is logged, and the import still reports what it wrote.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return False
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(DossierCount._meta.db_table)}")
    except DatabaseError:
        logger.warning("VACUUM of the dossier counters failed; autovacuum will do it", exc_info=True)
        return False
    return True


# --- the event log ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DossierStep:
    """One entry of a dossier's event log: a step read from its columns, or a stored event."""

    at: dt.datetime
    kind: str
    note: str = ""


def dossier_event_log(*, dossier: Dossier) -> list[DossierStep]:
    """The dossier's history, oldest first: its steps from its columns, then the stored events merged in.

    Received, supplement requested, resolved, returned and the apology are columns of
    the dossier (the import stores no event for them, ADR 0006), so they are shown from
    the columns; corrections are the stored ``DossierEvent`` rows. The apology has a
    date, not a time: it is placed at noon local time. One query for the events.
    """
    steps = [DossierStep(dossier.received_at, EventKind.RECEIVED, dossier.channel)]
    if dossier.supplement_requested_at is not None:
        steps.append(DossierStep(dossier.supplement_requested_at, EventKind.SUPPLEMENT_REQUESTED))
    if dossier.apology_sent_on is not None:
        noon = dt.datetime.combine(dossier.apology_sent_on, dt.time(12), tzinfo=VN_TZ)
        steps.append(DossierStep(noon, EventKind.APOLOGY, str(dossier.apology_new_due_date or "")))
    if dossier.resolved_at is not None:
        steps.append(DossierStep(dossier.resolved_at, EventKind.RESOLVED, dossier.outcome))
    if dossier.returned_at is not None:
        steps.append(DossierStep(dossier.returned_at, EventKind.RETURNED))
    stored = DossierEvent.objects.filter(dossier=dossier).order_by("at", "id").values_list("at", "kind", "note")
    steps.extend(DossierStep(at, kind, note) for at, kind, note in stored)
    return sorted(steps, key=lambda step: step.at)

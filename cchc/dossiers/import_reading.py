"""Reading an export for the import: batches of stored rows, in this process or a forked one.

The import (``dossiers.importing``) consumes *parts*: for each batch, one or more
:class:`Chunk` of accepted stored rows (``dossiers.stored_rows``) in file order, then a
:class:`BatchEnd` with the number of rows read, the rejections and the batch's Biểu 06
deltas per group and day (``aggregates.CountDeltas.day_rows``, counted as if every row were new). :func:`csv_parts`
reads a CSV file with the fast parser and sends the other rows through the checked path;
:func:`record_parts` checks every record (JSON Lines, the API). :func:`forked_parts`
runs either in a forked child process and hands the parts over a pipe.

Nothing here writes to the database; :func:`load_catalogue` reads the procedures, units
and regimes once, before any fork.
"""

import bisect
import csv
import datetime as dt
import gc
import marshal
import multiprocessing
import os
import pickle
import queue
import threading
import traceback
from collections.abc import Callable, Generator, Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from cchc.core.calendar import work_calendar
from cchc.core.workdays import WorkCalendar
from cchc.dossiers import sla
from cchc.dossiers.aggregates import CountDeltas
from cchc.dossiers.counter_store import MonthRows, month_rows
from cchc.dossiers.io import CsvRows, ProcedureInfo, RawRecord, Rejection, parse_record
from cchc.dossiers.regimes import sla_regimes
from cchc.dossiers.stored_rows import FastRowParser, StoredRow, stored_row
from cchc.organizations.models import OrgUnit
from cchc.procedures.models import Procedure

#: At most this many rejections are kept with their reasons; the count goes on.
MAX_KEPT_REJECTIONS = 10_000
#: Accepted rows written at a time inside a batch (and sent at a time by the reading process).
CHUNK_SIZE = 10_000
#: A memo that reaches this many entries starts over (memory stays bounded).
_MEMO_LIMIT = 200_000
_ONE_DAY = dt.timedelta(days=1)


@dataclass
class Chunk:
    """Accepted rows of the current batch, in file order (first occurrence of each code)."""

    rows: list[StoredRow]


@dataclass
class BatchEnd:
    """The end of a batch: rows read, its rejections (the kept ones) and the counters of its rows."""

    rows_read: int
    rejected_count: int
    rejected: list[tuple[int, str]]
    #: The batch's Biểu 06 deltas packed per group × month (``counter_store.month_rows``).
    months: MonthRows
    #: Accepted rows that were read a block at a time (``block_reading``), a speed diagnostic.
    block_rows: int = 0


@dataclass
class CopyChunk:
    """Accepted rows of the current batch as PostgreSQL ``COPY … (FORMAT csv)`` text, one line per row.

    The cells are the stored row's (``STORED_COLUMNS``), NULL written as an unquoted
    empty cell; no cell holds a line break. Only the block reader makes them, and only
    for PostgreSQL (``stored_rows.rows_from_copy_text`` reads them back when a chunk
    must go the careful way).
    """

    text: str
    count: int


Part = Chunk | CopyChunk | BatchEnd
Parts = Generator[Part, None, None]


@dataclass
class Catalogue:
    """What checking a row needs from the database, read once per import (and inherited by the reader)."""

    procedures: dict[str, ProcedureInfo]
    units: dict[str, int]
    calendar: WorkCalendar
    clock: sla.ClockMemo


@dataclass(frozen=True, eq=False)
class _MemoCalendar(WorkCalendar):
    """The working calendar with ``add_working_days`` remembered by ``(start, n)`` and read off a table.

    A million dossiers need tens of thousands of distinct clocks (day × cut-off side ×
    limit × pause, see ``sla.ClockMemo``), each up to 40 working days long; they share
    a few thousand spans. The calendar is frozen, so a remembered span never changes.
    When the calendar's years are bounded, a span is read off the list of its working
    days (the ``n``-th working day after ``start``) instead of walked day by day; a span
    that would leave the years is walked, so that it raises as the calendar does.
    """

    spans: dict[tuple[dt.date, int], dt.date] = field(default_factory=dict, repr=False)
    workdays: list[dt.date] = field(default_factory=list, repr=False)

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        key = (start, n)
        found = self.spans.get(key)
        if found is None:
            found = self._add(start, n)
            if len(self.spans) >= _MEMO_LIMIT:
                self.spans.clear()
            self.spans[key] = found
        return found

    def _add(self, start: dt.date, n: int) -> dt.date:
        if n < 1 or self.first_year is None or self.last_year is None:
            return super().add_working_days(start, n)
        self._check_range(start)
        days = self.workdays
        if not days:
            day, last = dt.date(self.first_year, 1, 1), dt.date(self.last_year, 12, 31)
            while day <= last:
                if self.is_working_day(day):
                    days.append(day)
                day += _ONE_DAY
        index = bisect.bisect_right(days, start) + n - 1
        return days[index] if index < len(days) else super().add_working_days(start, n)


def _memo_calendar(calendar: WorkCalendar) -> _MemoCalendar:
    return _MemoCalendar(
        holidays=calendar.holidays,
        overrides=calendar.overrides,
        weekend_workdays=calendar.weekend_workdays,
        first_year=calendar.first_year,
        last_year=calendar.last_year,
    )


def load_catalogue(calendar: WorkCalendar | None) -> Catalogue:
    """Every procedure and unit by code (a few thousand rows), the calendar and the regimes: read once."""
    procedures = {
        code: ProcedureInfo(pk, limit, field_name, level)
        for code, pk, limit, field_name, level in Procedure.objects.values_list(
            "code", "pk", "time_limit_days", "field", "level"
        )
    }
    units = dict(OrgUnit.objects.values_list("code", "pk"))
    calendar = _memo_calendar(calendar or work_calendar())
    return Catalogue(procedures, units, calendar, sla.ClockMemo(calendar, regimes=sla_regimes()))


class BatchBuilder:
    """Cuts rows into batches and chunks; the first occurrence of a code in a batch wins."""

    def __init__(self, *, batch_size: int, kept: int = 0) -> None:
        self.batch_size = batch_size
        self.kept = kept  # rejections kept so far in the whole import
        self.lines: dict[str, int] = {}
        self.chunk: list[StoredRow] = []
        self.rejected: list[tuple[int, str]] = []
        self.rejected_count = 0
        self.size = 0
        self.block_rows = 0
        self.deltas = CountDeltas()

    def reject(self, rejection: Rejection) -> None:
        self.rejected_count += 1
        if self.kept < MAX_KEPT_REJECTIONS:
            self.kept += 1
            self.rejected.append((rejection.line, rejection.reason))

    def duplicate(self, code: str) -> str:
        return _("mã hồ sơ '%(code)s' trùng với dòng %(line)d trong cùng lô") % {
            "code": code,
            "line": self.lines[code],
        }

    def months(self) -> MonthRows:
        """The batch's Biểu 06 deltas packed per group × month."""
        return month_rows(self.deltas.day_rows())

    def end(self) -> BatchEnd:
        end = BatchEnd(self.size, self.rejected_count, self.rejected, self.months(), self.block_rows)
        self.block_rows = 0
        self.lines = {}
        self.rejected = []
        self.rejected_count = self.size = 0
        self.deltas = CountDeltas()
        return end


def csv_parts(rows: CsvRows, catalogue: Catalogue, *, batch_size: int) -> Parts:
    """The parts of a CSV file: the fast parser for the usual rows, the checked path for the rest."""
    parser = FastRowParser(rows.keys, procedures=catalogue.procedures, units=catalogue.units, clock=catalogue.clock)
    builder = BatchBuilder(batch_size=batch_size)
    yield from read_rows(builder, rows, catalogue, parser, rows.reader, rows.header_number)
    if builder.size:
        yield from flush_parts(builder)


def read_rows(
    builder: "BatchBuilder",
    rows: CsvRows,
    catalogue: Catalogue,
    parser: FastRowParser,
    reader: Any,
    base: int,
) -> Parts:
    """Read every row of ``reader`` (a ``csv.reader`` whose line 1 is the file's line ``base + 1``) into ``builder``.

    Yields the chunks and batches that fill up on the way; the caller flushes the last.
    A million iterations: the loop keeps the batch's state in local names and only
    counts down the rows left before a chunk or the batch can end (``room``); every row
    the fast parser does not take, or whose code the batch already has, goes to
    :func:`_slow_row`.
    """
    parse, width = parser.parse, parser.width
    end = base
    while True:
        lines, chunk, count = builder.lines, builder.chunk, builder.deltas.add_row
        room = min(CHUNK_SIZE - len(chunk), builder.batch_size - builder.size)
        try:
            for cells in reader:
                start = end + 1
                end = base + reader.line_num
                row = parse(cells) if len(cells) == width else None
                if row is None or row[0] in lines:
                    _slow_row(builder, rows, catalogue, start, cells, row)
                else:
                    lines[row[0]] = start
                    chunk.append(row)
                    count(row)
                    builder.size += 1
                room -= 1
                if room <= 0:
                    yield from full_parts(builder)
                    lines, chunk, count = builder.lines, builder.chunk, builder.deltas.add_row
                    room = min(CHUNK_SIZE - len(chunk), builder.batch_size - builder.size)
            return
        except csv.Error as exc:
            start, end = end + 1, base + reader.line_num
            builder.reject(rows.malformed(start, exc))
            builder.size += 1
            if builder.size >= builder.batch_size:
                yield from flush_parts(builder)


def full_parts(builder: "BatchBuilder") -> Parts:
    """The chunk if it is full, then the batch if it is full."""
    if len(builder.chunk) >= CHUNK_SIZE:
        yield Chunk(builder.chunk)
        builder.chunk = []
    if builder.size >= builder.batch_size:
        yield from flush_parts(builder)


def _slow_row(
    builder: "BatchBuilder", rows: CsvRows, catalogue: Catalogue, start: int, cells: list[str], row: StoredRow | None
) -> None:
    """A row the fast path did not take (``row`` is ``None``) or whose code repeats one of the batch."""
    if row is None:
        result = rows.record(start, cells)
        if result is None:
            return  # a blank row is not a row
        checked = result if isinstance(result, Rejection) else check_record(result, catalogue)
        builder.size += 1
        if isinstance(checked, Rejection):
            builder.reject(checked)
            return
        row = checked
    else:
        builder.size += 1
    code = row[0]
    if code in builder.lines:
        record = rows.record(start, cells)
        assert isinstance(record, RawRecord)  # noqa: S101 - it was accepted once
        builder.reject(record.reject("code", builder.duplicate(code)))
        return
    builder.lines[code] = start
    builder.chunk.append(row)
    builder.deltas.add_row(row)


def record_parts(records: Iterable[RawRecord | Rejection], catalogue: Catalogue, *, batch_size: int) -> Parts:
    """The parts of records (JSON Lines, the API): every row through the checked path."""
    builder = BatchBuilder(batch_size=batch_size)
    for record in records:
        builder.size += 1
        result = record if isinstance(record, Rejection) else check_record(record, catalogue)
        if isinstance(result, Rejection):
            builder.reject(result)
        else:
            assert isinstance(record, RawRecord)  # noqa: S101 - only records parse to rows
            code = result[0]
            if code in builder.lines:
                builder.reject(record.reject("code", builder.duplicate(code)))
            else:
                builder.lines[code] = record.ref.number
                builder.chunk.append(result)
                builder.deltas.add_row(result)
                if len(builder.chunk) >= CHUNK_SIZE:
                    yield Chunk(builder.chunk)
                    builder.chunk = []
        if builder.size >= batch_size:
            yield from flush_parts(builder)
    if builder.size:
        yield from flush_parts(builder)


def check_record(record: RawRecord, catalogue: Catalogue) -> StoredRow | Rejection:
    result = parse_record(
        record,
        procedures=catalogue.procedures,
        units=catalogue.units,
        calendar=catalogue.calendar,
        clock=catalogue.clock,
    )
    return result if isinstance(result, Rejection) else stored_row(result)


def flush_parts(builder: BatchBuilder) -> Parts:
    if builder.chunk:
        yield Chunk(builder.chunk)
        builder.chunk = []
    yield builder.end()


# --- the second process -------------------------------------------------------------------------


def _encode(part: Part) -> bytes:
    if isinstance(part, Chunk):
        return marshal.dumps(("c", part.rows))
    if isinstance(part, CopyChunk):
        return marshal.dumps(("t", part.text, part.count))
    return marshal.dumps(("e", part.rows_read, part.rejected_count, part.rejected, part.months, part.block_rows))


_DONE = marshal.dumps(("d",))


def _decode(message: bytes) -> Part | None:
    kind, *payload = marshal.loads(message)  # noqa: S302 - bytes from our own child process
    if kind == "c":
        return Chunk(payload[0])
    if kind == "t":
        return CopyChunk(*payload)
    if kind == "e":
        return BatchEnd(*payload)
    return None


def _produce(make_parts: Callable[[], Parts], sender: Any) -> None:
    """The child's work: send every part, then ``_DONE``; an exception is sent pickled."""
    # The inherited heap is never garbage here, and the rows make no cycles: a collection
    # would only walk (and copy-on-write) every object of Django and the parent, again and again.
    gc.freeze()
    gc.disable()
    try:
        for part in make_parts():
            sender.send_bytes(_encode(part))
        sender.send_bytes(_DONE)
    except BaseException as exc:  # noqa: BLE001 - handed to the parent, which raises it
        try:
            payload = pickle.dumps(exc)
        except Exception:  # noqa: BLE001 - an unpicklable exception still reports its traceback
            payload = pickle.dumps(RuntimeError(traceback.format_exc()))
        with suppress(OSError):  # the parent may be gone already
            sender.send_bytes(b"!" + payload)
    finally:
        sender.close()


#: Messages the receiving thread may hold ahead of the writer (a chunk is about 1.5 MB).
QUEUED_MESSAGES = 8


def forked_parts(make_parts: Callable[[], Parts]) -> Parts:
    """The parts made by ``make_parts`` in a forked child process, received through a pipe.

    The child inherits the open file and the catalogue (nothing is pickled) and never
    touches the database. A thread of this process receives the child's messages into a
    queue of at most ``QUEUED_MESSAGES``: the child keeps reading while this process
    writes a batch's counters and commits, and blocks (the pipe fills) when it is that
    far ahead, so memory stays bounded. The child is terminated if this side stops
    early (an error, a killed batch).
    """
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    with suppress(ImportError, OSError, AttributeError):  # Linux: a 1 MiB pipe, so a chunk crosses in a few writes
        import fcntl  # POSIX only, like fork

        fcntl.fcntl(sender.fileno(), fcntl.F_SETPIPE_SZ, 2**20)
    child = context.Process(target=_produce, args=(make_parts, sender), daemon=True, name="dossier-import-reader")
    child.start()
    sender.close()
    messages: queue.Queue[bytes | None] = queue.Queue(maxsize=QUEUED_MESSAGES)
    stop = threading.Event()

    def hand_over(message: bytes | None) -> None:
        while not stop.is_set():
            with suppress(queue.Full):
                messages.put(message, timeout=0.1)
                return

    def receive() -> None:
        try:
            while not stop.is_set():
                message = receiver.recv_bytes()
                hand_over(message)
                if message == _DONE or message[:1] == b"!":
                    return
        except (EOFError, OSError):
            hand_over(None)  # the child is gone without a word: reported below

    thread = threading.Thread(target=receive, name="dossier-import-receiver", daemon=True)
    thread.start()
    try:
        while True:
            message = messages.get()
            if message is None:
                child.join(timeout=5)
                raise RuntimeError(f"The process reading the file stopped (exit code {child.exitcode}).")
            if message[:1] == b"!":
                raise pickle.loads(message[1:])  # noqa: S301 - from our own child process
            part = _decode(message)
            if part is None:
                return
            yield part
    finally:
        stop.set()
        if child.is_alive():
            child.terminate()
        child.join()
        thread.join()
        receiver.close()


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and os.name == "posix"

"""Stored rows: how the import holds a dossier row, and the fast parser of the usual CSV row.

A *stored row* is a tuple in the order of ``STORED_COLUMNS`` holding what the database
stores, spelled the same way for SQLite and PostgreSQL: times as naive UTC text
``YYYY-MM-DD HH:MM:SS`` (Django's SQLite format; PostgreSQL reads it in the
connection's UTC), dates as ``YYYY-MM-DD``, yes/no as 0/1, ids and the pause as ints,
and "" for NULL. The import writes, compares and counts rows in this form: no
``datetime`` is built for a row on the fast path, and a row crosses a process boundary
as plain strings and ints (``marshal``).

:class:`FastRowParser` turns the cells of a CSV row written the usual way into its
stored row directly; every other row goes through ``io.parse_record`` (the checked
path) and :func:`stored_row`. The tests hold the two equal. Nothing here touches the
database.
"""

import csv
import datetime as dt
import io
import operator
import re
from collections.abc import Callable, Mapping
from typing import Any

from cchc.core.workdays import VN_TZ, CalendarRangeError
from cchc.dossiers import sla
from cchc.dossiers.choices import Channel, Outcome
from cchc.dossiers.io import (
    CODE_SEPARATORS,
    COLUMNS,
    MAX_CODE_LENGTH,
    MAX_HANDLING_CODES_LENGTH,
    MAX_PAUSED_DAYS,
    DossierValues,
    ProcedureInfo,
    parse_day,
    parse_moment,
)

#: ``Dossier`` attribute names of a stored row, in order.
STORED_COLUMNS = (
    "code", "procedure_id", "unit_id", "channel", "received_at", "start_day", "due_date",
    "source_due_date", "due_disagrees", "resolved_at", "returned_at", "outcome",
    "paused_working_days", "apology_new_due_date", "paid_online", "digitized", "electronic_result",
    "supplement_requested_at", "apology_sent_on", "handling_unit_codes", "field", "level",
)  # fmt: skip
#: Which stored columns are times, dates and yes/no flags (converted as such by ``stored_row``).
STORED_MOMENTS = frozenset({"received_at", "resolved_at", "returned_at", "supplement_requested_at"})
STORED_DAYS = frozenset({"start_day", "due_date", "source_due_date", "apology_new_due_date", "apology_sent_on"})
STORED_FLAGS = frozenset({"due_disagrees", "paid_online", "digitized", "electronic_result"})
#: Columns whose "" means NULL (the others are NOT NULL; "" there is an empty string).
STORED_NULLABLE = frozenset(
    {
        "source_due_date",
        "resolved_at",
        "returned_at",
        "apology_new_due_date",
        "supplement_requested_at",
        "apology_sent_on",
    }
)
StoredRow = tuple[Any, ...]


def utc_text(moment: dt.datetime | None) -> str:
    """``YYYY-MM-DD HH:MM:SS[.ffffff]`` in UTC, as Django stores an aware datetime on SQLite; "" for ``None``."""
    if moment is None:
        return ""
    return str(moment.astimezone(dt.UTC).replace(tzinfo=None))


def stored_row(values: DossierValues) -> StoredRow:
    """The stored row of checked values (the slow path; the fast path builds the same tuple)."""
    row: list[Any] = []
    for name in STORED_COLUMNS:
        value = getattr(values, name)
        if name in STORED_MOMENTS:
            value = utc_text(value)
        elif name in STORED_DAYS:
            value = "" if value is None else value.isoformat()
        elif name in STORED_FLAGS:
            value = int(value)
        elif isinstance(value, str):
            value = str(value)  # a choice member (``Channel.ONLINE``) as the plain string it stands for
        row.append(value)
    return tuple(row)


#: Positions of the stored columns held as ints (ids, the pause, yes/no flags).
_INT_POSITIONS = tuple(
    index
    for index, name in enumerate(STORED_COLUMNS)
    if name in STORED_FLAGS or name in {"procedure_id", "unit_id", "paused_working_days"}
)


def rows_from_copy_text(text: str) -> list[StoredRow]:
    """The stored rows of ``COPY`` CSV text (``import_reading.CopyChunk``): "" for NULL, ints where stored as ints."""
    rows: list[StoredRow] = []
    for cells in csv.reader(io.StringIO(text)):
        for index in _INT_POSITIONS:
            cells[index] = int(cells[index])  # type: ignore[call-overload]
        rows.append(tuple(cells))
    return rows


def values_from_stored(row: StoredRow) -> DossierValues:
    """The values of a stored row, as the checks produce them (aware UTC times, dates, bools, ``None``)."""
    values: dict[str, Any] = {}
    for name, value in zip(STORED_COLUMNS, row, strict=True):
        if name in STORED_MOMENTS:
            value = dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC) if value else None
        elif name in STORED_DAYS:
            value = dt.date.fromisoformat(value) if value else None
        elif name in STORED_FLAGS:
            value = bool(value)
        values[name] = value
    return DossierValues(**values)


#: Every ``:MM:SS`` a valid time can end with.
MINUTES_SECONDS = frozenset(f":{minute:02d}:{second:02d}" for minute in range(60) for second in range(60))
#: Zone suffixes the fast path reads (whole hours, so minutes and seconds carry over as text).
FAST_ZONES = ("", "Z", "+07:00", "+00:00")
_HOUR_HEAD = re.compile(r"^(?:\d{4}-\d{2}-\d{2}[T ]|\d{2}/\d{2}/\d{4} )\d{2}$")
FAST_FLAGS = {"": 0, "0": 0, "1": 1, "false": 0, "true": 1}
PAUSES = {"": 0, **{str(days): days for days in range(MAX_PAUSED_DAYS + 1)}}
#: A memo that grows past this many entries starts over (memory stays bounded on any file).
_MEMO_LIMIT = 200_000
_NOT_LEARNED: Any = object()


class FastRowParser:
    """The stored row of a CSV row written the usual way, without building a record; ``None`` otherwise.

    ``parse(cells)`` accepts only rows that :func:`parse_record` would accept and returns
    exactly ``stored_row(parse_record(...))`` for them: canonical spellings (channel,
    outcome and yes/no values as stored, times ``YYYY-MM-DD[T ]HH:MM:SS`` or
    ``DD/MM/YYYY HH:MM:SS`` with no zone, ``Z``, ``+07:00`` or ``+00:00``, dates the
    checked path reads, a single handling unit). Any other row — a rejection, an alias,
    a stray space, a rare format — gets ``None`` and goes through the checked path,
    which gives the same values or the same rejection. The tests hold the two paths
    equal on the same files.

    What makes it fast: every conversion is memoised by what it depends on — a time by
    its date, hour and zone (``_learn_hour``: UTC text, local day and local hour), the
    regime's cut-off by local day and channel, the clock (start day and due date) by
    local day × cut-off side × limit × pause exactly as :class:`sla.ClockMemo` keys it —
    so a row costs dictionary look-ups and string slices; the memos are filled by the
    checked functions themselves (``parse_moment``, ``parse_day``, ``ClockMemo``).
    """

    def __init__(
        self,
        keys: list[str],
        *,
        procedures: Mapping[str, ProcedureInfo],
        units: Mapping[str, int],
        clock: sla.ClockMemo,
    ) -> None:
        positions = {key: index for index, key in enumerate(keys)}
        self.width = len(keys)
        # A missing optional column reads the "" appended to the cells.
        self._pad = any(key not in positions for key in COLUMNS)
        self._cells = operator.itemgetter(*(positions.get(key, len(keys)) for key in COLUMNS))
        # A blank code is a missing value for the checked path, never a catalogue entry.
        self.procedures = {code: info for code, info in procedures.items() if code}
        self.units = {code: pk for code, pk in units.items() if code}
        self.clock = clock
        self._channels = frozenset(Channel.values)
        self._outcomes = frozenset({"", *Outcome.values})
        self._hours: dict[str, dict[str, tuple[str, str, str]]] = {zone: {} for zone in FAST_ZONES}
        self._days: dict[str, str] = {}
        self._cutoffs: dict[str, dict[str, str | None]] = {channel: {} for channel in Channel.values}
        self._clocks: dict[tuple[str, bool, int, int], tuple[str, str]] = {}
        #: ``parse(cells)``: the stored row of one CSV row (as many cells as the header), or ``None``.
        #: When the file lacks optional columns a blank cell is appended to ``cells`` (which
        #: :meth:`CsvRows.record` accepts as a blank trailing cell).
        self.parse = self._compile()

    # -- memo fillers (the checked functions decide) -------------------------------------

    def _learn_hour(self, text: str) -> tuple[str, str, str] | None:
        """UTC text up to the hour, local day, local hour of the times starting like ``text``."""
        head, zone = text[:13], text[19:]
        if not _HOUR_HEAD.match(head):
            return None
        first = parse_moment(f"{head}:00:00{zone}")
        last = parse_moment(f"{head}:59:59{zone}")
        if first is None or last is None or last - first != dt.timedelta(minutes=59, seconds=59):
            return None
        try:
            utc = first.astimezone(dt.UTC)
            local = first.astimezone(VN_TZ)
        except (OverflowError, ValueError):
            return None
        if utc.minute or utc.second or local.minute or local.second:
            return None  # an offset that is not whole hours: minutes would not carry over as text
        learned = (utc_text(first)[:13], local.date().isoformat(), f"{local.hour:02d}")
        memo = self._hours[zone]
        if len(memo) >= _MEMO_LIMIT:
            memo.clear()
        memo[head] = learned
        return learned

    def _day(self, text: str) -> str | None:
        """The ISO text of a date cell the checked path reads, else ``None``."""
        found = self._days.get(text)
        if found is None:
            day = parse_day(text) if text == text.strip() else None
            if day is None:
                return None
            if len(self._days) >= _MEMO_LIMIT:
                self._days.clear()
            found = self._days[text] = day.isoformat()
        return found

    def _learn_cutoff(self, day: str, channel: str) -> str | None:
        regime = sla.regime_for(dt.date.fromisoformat(day), self.clock.regimes)
        cutoff = regime.cutoff_for(channel)
        text = None if cutoff is None else cutoff.isoformat()
        self._cutoffs[channel][day] = text
        return text

    def _learn_clock(self, received: str, key: tuple[str, bool, int, int], channel: str) -> tuple[str, str] | None:
        moment = parse_moment(received)
        assert moment is not None  # noqa: S101 - read by _moment already
        try:
            start, due = self.clock.clock(moment, key[2], key[3], channel)
        except (CalendarRangeError, LookupError):
            return None
        if len(self._clocks) >= _MEMO_LIMIT:
            self._clocks.clear()
        found = self._clocks[key] = (start.isoformat(), due.isoformat())
        return found

    # -- the memos, for a reader that converts many rows at once (``block_reading``) ----

    def hour(self, zone: str, head: str) -> tuple[str, str, str] | None:
        """UTC text up to the hour, local day and local hour of the times ``head:MM:SS`` + ``zone``, or ``None``."""
        return self._hours[zone].get(head) or self._learn_hour(f"{head}:00:00{zone}")

    def day(self, text: str) -> str | None:
        """The ISO text of a date cell the checked path reads, else ``None``."""
        return self._day(text)

    def cutoff(self, channel: str, day: str) -> str | None:
        """The regime's cut-off (``HH:MM:SS``) for ``channel`` on local ``day``; ``LookupError`` without a regime."""
        found = self._cutoffs[channel].get(day, _NOT_LEARNED)
        return self._learn_cutoff(day, channel) if found is _NOT_LEARNED else found

    def clock_of(self, key: tuple[str, bool, int, int], received: str, channel: str) -> tuple[str, str] | None:
        """Start day and due date (ISO text) for a clock key, ``received`` being a time with that key; else ``None``."""
        return self._clocks.get(key) or self._learn_clock(received, key, channel)

    @property
    def channels(self) -> frozenset[str]:
        return self._channels

    @property
    def outcomes(self) -> frozenset[str]:
        return self._outcomes

    # -- the row ----------------------------------------------------------------------

    def _compile(self) -> Callable[[list[str]], StoredRow | None]:
        """The row function, with every look-up it makes bound to a local name (a million calls)."""
        pad, cells_of, code_limit = self._pad, self._cells, MAX_CODE_LENGTH
        procedures, units, channels, outcomes = self.procedures.get, self.units, self._channels, self._outcomes
        pauses, flags, minutes_seconds = PAUSES.get, FAST_FLAGS.get, MINUTES_SECONDS
        zones, learn_hour, day_of = self._hours.get, self._learn_hour, self._day
        cutoffs, learn_cutoff, clocks, learn_clock = (
            self._cutoffs,
            self._learn_cutoff,
            self._clocks.get,
            self._learn_clock,
        )
        separators, handler_limit, not_learned = CODE_SEPARATORS.search, MAX_HANDLING_CODES_LENGTH, _NOT_LEARNED

        def moment(text: str) -> tuple[str, str, str] | None:
            """``(UTC text, local day, local time)`` of a time in a fast spelling, else ``None``."""
            memo = zones(text[19:])
            tail = text[13:19]
            if memo is None or tail not in minutes_seconds:
                return None
            hour = memo.get(text[:13]) or learn_hour(text)
            if hour is None:
                return None
            return hour[0] + tail, hour[1], hour[2] + tail

        def parse(cells: list[str]) -> StoredRow | None:
            if pad:
                cells.append("")
            (
                code, procedure_code, unit_code, channel, received_text, resolved_text, returned_text, outcome,
                paused_text, apology_text, paid_text, digitized_text, source_text, handlers, supplement_text,
                sent_text, e_result_text,
            ) = cells_of(cells)  # fmt: skip
            code = code.strip()
            procedure = procedures(procedure_code)
            unit_id = units.get(unit_code)
            paused = pauses(paused_text)
            paid, digitized, e_result = flags(paid_text), flags(digitized_text), flags(e_result_text)
            if (
                not code
                or len(code) > code_limit
                or not code.isascii()
                or procedure is None
                or unit_id is None
                or channel not in channels
                or outcome not in outcomes
                or paused is None
                or paid is None
                or digitized is None
                or e_result is None
            ):
                return None
            received = moment(received_text)
            if received is None:
                return None
            received_utc, local_day, local_time = received
            resolved_utc = returned_utc = supplement_utc = source_due = apology_due = sent = ""
            if resolved_text:
                resolved = moment(resolved_text)
                if resolved is None or resolved[0] < received_utc:
                    return None
                resolved_utc = resolved[0]
            if returned_text:
                returned = moment(returned_text)
                if returned is None or returned[0] < received_utc or (resolved_utc and returned[0] < resolved_utc):
                    return None
                returned_utc = returned[0]
            if source_text:
                source_due = day_of(source_text)  # type: ignore[assignment]
                if source_due is None:
                    return None
            cutoff = cutoffs[channel].get(local_day, not_learned)
            if cutoff is not_learned:
                try:
                    cutoff = learn_cutoff(local_day, channel)
                except LookupError:
                    return None
            key = (local_day, cutoff is not None and local_time >= cutoff, procedure.time_limit_days, paused)
            clock = clocks(key) or learn_clock(received_text, key, channel)
            if clock is None:
                return None
            start, due = clock
            if supplement_text:
                supplement = moment(supplement_text)
                if supplement is None or (resolved_utc and supplement[0] > resolved_utc):
                    return None
                supplement_utc = supplement[0]
            if apology_text:
                apology_due = day_of(apology_text)  # type: ignore[assignment]
                if apology_due is None or apology_due <= due:
                    return None
            if sent_text:
                sent = day_of(sent_text)  # type: ignore[assignment]
                if sent is None or not apology_due or sent < local_day:
                    return None
            if handlers and (handlers not in units or len(handlers) > handler_limit or separators(handlers)):
                return None
            return (
                code, procedure.id, unit_id, channel, received_utc, start, due,
                source_due, int(bool(source_due) and source_due != due), resolved_utc, returned_utc, outcome,
                paused, apology_due, paid, digitized, e_result,
                supplement_utc, sent, handlers, procedure.field, procedure.level,
            )  # fmt: skip

        return parse

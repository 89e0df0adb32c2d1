"""Biểu 06 from incrementally maintained counters: a month is an indexed sum, not a scan of history.

The design (docs/dossiers.md, "Aggregates") in one paragraph. Every Biểu 06 column
of a period ``[from, to]`` is a sum of per-day *deltas* over a range of days:

* received, received online: deltas on the local day of receipt, summed over ``[from, to]``;
* resolved early / on time / late: deltas on the local day of resolution, over ``[from, to]``;
* carried over = received through ``from − 1`` − resolved through ``from − 1`` (a dossier
  is never resolved before the day it was received), a sum over ``(−∞, from − 1]``;
* in progress = carried over + received − resolved;
* overdue at the end of ``to`` = dossiers with ``due < to`` not resolved by ``to``: each
  dossier is overdue exactly on the days ``due + 1 … resolved − 1`` (or from ``due + 1``
  on while unresolved), so it adds +1 on ``due + 1`` and −1 on its resolution day when
  that is later, and the count is the sum over ``(−∞, to]``; within time = in progress −
  overdue.

Each delta is stored twice (:class:`~cchc.dossiers.models.DossierCount`): in its
month's row — in the month's totals and in the month's day array (31 days × 10 int32,
:func:`encode_days`) — and in its year's totals. A range of days is covered by whole
years and whole months, summed in SQL from the totals (:func:`bucket_ranges`), and at
most two partial months, whose days are added from their arrays in Python
(:func:`counter_sums`, the one reader). A whole month's table is one query reading
(years + 11) rows per unit × field × level, however many dossiers are stored.

The import keeps a :class:`CountDeltas` per batch: ``add_row`` counts each accepted row
(a stored row, ``dossiers.stored_rows``) as new, ``add``/``remove`` correct for a code
already stored, and the batch's net change per group × day (``day_rows``) is packed
into months and merged inside the batch's transaction by ``counter_store`` (the storage
layout): a few thousand month rows read (``FOR UPDATE`` on PostgreSQL), added to in
Python and written back by id, the rest inserted, the years upserted. ADR 0010 (month
day arrays) has the measurements.
"""

import datetime as dt
import operator
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import connection, transaction

from cchc.core.workdays import VN_TZ
from cchc.dossiers import sla
from cchc.dossiers.counter_store import (
    COLUMNS,
    GRAIN_MONTH,
    GRAIN_YEAR,
    MONTH_SLOTS,
    DayRow,
    decode_days,
    write_day_rows,
)
from cchc.dossiers.models import Dossier, DossierCount
from cchc.dossiers.stored_rows import STORED_COLUMNS

__all__ = ["COLUMNS", "MONTH_SLOTS", "CountDeltas", "DayRow", "decode_days", "write_day_rows"]

_RECEIVED, _ONLINE, _EARLY, _ON_TIME, _LATE, _OVERDUE, _PAID, _DIGITIZED, _E_RESULT, _APOLOGIZED = range(len(COLUMNS))
_ONE_DAY = dt.timedelta(days=1)
#: The grain of a single day in :func:`bucket_rows`, :func:`aggregate_rows` and :func:`bucket_ranges`; days are
#: not stored as rows but in their month row's array.
_GRAIN_DAY = "D"
_GRAIN_MONTH = GRAIN_MONTH
_GRAIN_YEAR = GRAIN_YEAR
_WIDTH = len(COLUMNS)
#: Before this day no dossier exists: the left end of every running sum.
_EPOCH = dt.date(1900, 1, 1)

GroupKey = tuple[int, str, str]  # unit id, field, level
#: A bucket's deltas (for comparisons): grain, first day (ISO), unit id, field, level, the deltas in ``COLUMNS`` order.
BucketRow = tuple[Any, ...]

# Positions in a stored row (``dossiers.io.STORED_COLUMNS``).
_UNIT, _FIELD, _LEVEL, _CHANNEL, _RECEIVED_AT, _RESOLVED_AT, _DUE = (
    STORED_COLUMNS.index(name)
    for name in ("unit_id", "field", "level", "channel", "received_at", "resolved_at", "due_date")
)
_PAID_ONLINE, _DIGITIZED_ROW, _E_RESULT_ROW, _SENT = (
    STORED_COLUMNS.index(name) for name in ("paid_online", "digitized", "electronic_result", "apology_sent_on")
)
_ONLINE_VALUE: str = sla.Channel.ONLINE.value
#: Local day (ISO text) by the first 13 characters of a stored UTC time (its date and hour).
_LOCAL_DAYS: dict[str, str] = {}
#: The ISO text of the next day, by ISO day.
_NEXT_DAYS: dict[str, str] = {}
_MEMO_LIMIT = 100_000


def _local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(VN_TZ).date()


def _local_day_of_stored(utc: str) -> str:
    """The local day (ISO text) of a stored UTC time ``YYYY-MM-DD HH:MM:SS``, memoised by its hour."""
    hour = utc[:13]
    day = _LOCAL_DAYS.get(hour)
    if day is None:
        if len(_LOCAL_DAYS) >= _MEMO_LIMIT:
            _LOCAL_DAYS.clear()
        moment = dt.datetime.fromisoformat(utc).replace(tzinfo=dt.UTC)
        day = _LOCAL_DAYS[hour] = _local_day(moment).isoformat()
    return day


def _next_day(day: str) -> str:
    following = _NEXT_DAYS.get(day)
    if following is None:
        if len(_NEXT_DAYS) >= _MEMO_LIMIT:
            _NEXT_DAYS.clear()
        following = _NEXT_DAYS[day] = (dt.date.fromisoformat(day) + _ONE_DAY).isoformat()
    return following


class CountDeltas:
    """The net change to the counters that a set of dossier versions makes, kept per group × day.

    Days are kept as ISO text (``YYYY-MM-DD``), the way both databases take a date
    parameter, so the import's stored rows (``add_row``) are counted without building a
    ``date``; :meth:`rows` gives ``datetime.date`` values.
    """

    __slots__ = ("days",)

    def __init__(self) -> None:
        self.days: dict[tuple[int, str, str, str], list[int]] = {}

    def __len__(self) -> int:
        return len(self.days)

    def add(
        self,
        *,
        unit_id: int,
        field: str,
        level: str,
        channel: str,
        received_at: dt.datetime,
        resolved_at: dt.datetime | None,
        due: dt.date,
        paid_online: bool = False,
        digitized: bool = False,
        electronic_result: bool = False,
        apologized: bool = False,
        sign: int = 1,
    ) -> None:
        """Count one dossier (``sign=-1``: uncount the version an update replaces)."""
        self._count(
            unit_id,
            field,
            level,
            channel,
            _local_day(received_at).isoformat(),
            None if resolved_at is None else _local_day(resolved_at).isoformat(),
            due.isoformat(),
            paid_online,
            digitized,
            electronic_result,
            apologized,
            sign,
        )

    def add_row(self, row: Sequence[Any], sign: int = 1) -> None:
        """Count one dossier given as a stored row (``dossiers.io.STORED_COLUMNS``); ``sign`` as in :meth:`add`.

        The import's hot path: the same rules as :meth:`add` (``_count``), written out
        inline over the row's text (local days from a memo by UTC hour), because a
        million calls to ``_count`` cost more than the counting itself. The tests hold
        the two equal (counters after imports = a recomputation through :meth:`add`).
        """
        days = self.days
        unit_id, field, level, received = row[_UNIT], row[_FIELD], row[_LEVEL], row[_RECEIVED_AT]
        received_on = _LOCAL_DAYS.get(received[:13]) or _local_day_of_stored(received)
        key = (unit_id, field, level, received_on)
        counts = days.get(key)
        if counts is None:
            counts = days[key] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        counts[_RECEIVED] += sign
        if row[_CHANNEL] == _ONLINE_VALUE:
            counts[_ONLINE] += sign
        if row[_PAID_ONLINE]:
            counts[_PAID] += sign
        if row[_DIGITIZED_ROW]:
            counts[_DIGITIZED] += sign
        due = row[_DUE]
        overdue_from = _NEXT_DAYS.get(due) or _next_day(due)
        resolved = row[_RESOLVED_AT]
        if not resolved:
            key = (unit_id, field, level, overdue_from)
            counts = days.get(key)
            if counts is None:
                counts = days[key] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
            counts[_OVERDUE] += sign
            return
        resolved_on = _LOCAL_DAYS.get(resolved[:13]) or _local_day_of_stored(resolved)
        column = _EARLY if resolved_on < due else _ON_TIME if resolved_on == due else _LATE
        key = (unit_id, field, level, resolved_on)
        counts = days.get(key)
        if counts is None:
            counts = days[key] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        counts[column] += sign
        if row[_E_RESULT_ROW]:
            counts[_E_RESULT] += sign
        if column == _LATE and row[_SENT]:
            counts[_APOLOGIZED] += sign
        if resolved_on > overdue_from:
            counts[_OVERDUE] -= sign
            key = (unit_id, field, level, overdue_from)
            counts = days.get(key)
            if counts is None:
                counts = days[key] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
            counts[_OVERDUE] += sign

    def _count(
        self,
        unit_id: int,
        field: str,
        level: str,
        channel: str,
        received_on: str,
        resolved_on: str | None,
        due: str,
        paid_online: Any,
        digitized: Any,
        electronic_result: Any,
        apologized: bool,
        sign: int,
    ) -> None:
        days = self.days
        key = (unit_id, field, level, received_on)
        row = days.get(key)
        if row is None:
            row = days[key] = [0] * len(COLUMNS)
        row[_RECEIVED] += sign
        if channel == _ONLINE_VALUE:
            row[_ONLINE] += sign
        if paid_online:
            row[_PAID] += sign
        if digitized:
            row[_DIGITIZED] += sign
        overdue_from = _NEXT_DAYS.get(due) or _next_day(due)
        if resolved_on is None:
            self._bump((unit_id, field, level, overdue_from), _OVERDUE, sign)
            return
        column = _EARLY if resolved_on < due else _ON_TIME if resolved_on == due else _LATE
        key = (unit_id, field, level, resolved_on)
        row = days.get(key)
        if row is None:
            row = days[key] = [0] * len(COLUMNS)
        row[column] += sign
        if electronic_result:
            row[_E_RESULT] += sign
        if apologized and column == _LATE:
            row[_APOLOGIZED] += sign
        if resolved_on > overdue_from:
            row[_OVERDUE] -= sign
            self._bump((unit_id, field, level, overdue_from), _OVERDUE, sign)

    def _bump(self, key: tuple[int, str, str, str], column: int, sign: int) -> None:
        row = self.days.get(key)
        if row is None:
            row = self.days[key] = [0] * len(COLUMNS)
        row[column] += sign

    def remove(self, **facts: object) -> None:
        """``add(..., sign=-1)``."""
        self.add(**facts, sign=-1)  # type: ignore[arg-type]

    def day_rows(self) -> list[DayRow]:
        """The net deltas per group and day, as ``(unit id, field, level, day, *deltas)``; all-zero days left out.

        What the reading side of the import hands to the writing side (``write_day_rows``),
        which merges them into the stored month and year rows.
        """
        return [(*key, *deltas) for key, deltas in self.days.items() if any(deltas)]

    def bucket_rows(self) -> list[BucketRow]:
        """The net deltas per bucket of every grain (see :func:`bucket_rows`)."""
        return bucket_rows(self.day_rows())

    def rows(self) -> Iterator[tuple[str, dt.date, int, str, str, list[int]]]:
        """The net deltas per bucket of every grain (day, month, year); buckets whose deltas cancel out are left out."""
        for grain, first, unit_id, field, level, *deltas in sorted(self.bucket_rows()):
            yield grain, dt.date.fromisoformat(first), unit_id, field, level, deltas

    def write(self) -> int:
        """Add the deltas to the stored counters (inside the caller's transaction); the month and year rows written."""
        written = write_day_rows(self.day_rows())
        self.days.clear()
        return written


def bucket_rows(days: Iterable[DayRow]) -> list[BucketRow]:
    """The net deltas of day rows per bucket of every grain, as ``(grain, first day, unit id, field, level, *deltas)``.

    Days as ISO text; buckets whose deltas cancel out are left out. Months are summed
    from the days and years from the months (for comparisons with the stored counters).
    """
    buckets: dict[tuple[Any, ...], list[int]] = {}
    for unit_id, field, level, day, *deltas in days:
        _add_to(buckets, (day, unit_id, field, level), deltas)
    rows: list[BucketRow] = []
    for grain, first_of in ((_GRAIN_DAY, _month_of), (_GRAIN_MONTH, _year_of), (_GRAIN_YEAR, None)):
        coarser: dict[tuple[Any, ...], list[int]] = {}
        for (first, *group), deltas in buckets.items():
            if any(deltas):
                rows.append((grain, first, *group, *deltas))
                if first_of is not None:
                    _add_to(coarser, (first_of(first), *group), deltas)
        buckets = coarser
    return rows


def _add_to(buckets: dict[tuple[Any, ...], list[int]], key: tuple[Any, ...], deltas: Sequence[int]) -> None:
    found = buckets.get(key)
    buckets[key] = list(deltas) if found is None else list(map(operator.add, found, deltas))


def _month_of(day: str) -> str:
    return day[:8] + "01"


def _year_of(day: str) -> str:
    return day[:5] + "01-01"


_FACT_FIELDS = (
    "unit_id", "field", "level", "channel", "received_at", "resolved_at", "due_date",
    "paid_online", "digitized", "electronic_result", "apology_sent_on",
)  # fmt: skip


def _add_rows(deltas: CountDeltas, rows: Iterable[Sequence[Any]]) -> int:
    count = 0
    for unit_id, field, level, channel, received_at, resolved_at, due, paid, digitized, e_result, apology in rows:
        deltas.add(
            unit_id=unit_id,
            field=field,
            level=level,
            channel=channel,
            received_at=received_at,
            resolved_at=resolved_at,
            due=due,
            paid_online=paid,
            digitized=digitized,
            electronic_result=e_result,
            apologized=apology is not None,
        )
        count += 1
    return count


def dossier_aggregates_recompute(*, chunk_size: int = 20_000, dossier_model: Any = Dossier) -> int:
    """Rebuild every counter from the stored dossiers, in one transaction; the dossiers counted.

    Streams the dossiers and writes the counters every ``chunk_size`` dossiers, so memory
    stays bounded by the chunk, not the table. ``dossier_model`` lets the migration that
    creates the counters pass its historical model.
    """
    counted = 0
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(DossierCount._meta.db_table)}")  # noqa: S608
        deltas = CountDeltas()
        rows = dossier_model.objects.order_by().values_list(*_FACT_FIELDS).iterator(chunk_size=chunk_size)
        batch: list[Sequence[Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= chunk_size:
                counted += _add_rows(deltas, batch)
                deltas.write()
                batch.clear()
        counted += _add_rows(deltas, batch)
        deltas.write()
    return counted


def aggregate_rows() -> dict[tuple[str, dt.date, int, str, str], tuple[int, ...]]:
    """Every stored non-zero delta by ``(grain, day, unit id, field, level)`` (for comparisons and tests).

    The year and month rows' totals as ``Y``/``M`` entries, and each month row's day
    array as ``D`` entries, one per day with a non-zero delta: the shape of
    :meth:`CountDeltas.rows`. ``ValueError`` for a malformed array or a non-zero slot
    after the month's last day.
    """
    result: dict[tuple[str, dt.date, int, str, str], tuple[int, ...]] = {}
    rows = DossierCount.objects.values_list("grain", "day", "unit_id", "field", "level", "days", *COLUMNS)
    for grain, day, unit_id, field, level, data, *totals in rows.iterator():
        if any(totals):
            result[grain, day, unit_id, field, level] = tuple(totals)
        if grain != _GRAIN_MONTH:
            continue
        deltas = decode_days(data)
        for slot in range(MONTH_SLOTS):
            values = tuple(deltas[slot * _WIDTH : (slot + 1) * _WIDTH])
            if any(values):
                result[_GRAIN_DAY, day.replace(day=slot + 1), unit_id, field, level] = values
    return result


def expected_aggregate_rows() -> dict[tuple[str, dt.date, int, str, str], tuple[int, ...]]:
    """What :func:`aggregate_rows` must hold: the counters recomputed in memory from the dossiers."""
    deltas = CountDeltas()
    _add_rows(deltas, Dossier.objects.order_by().values_list(*_FACT_FIELDS).iterator())
    return {(g, d, u, f, lv): tuple(values) for g, d, u, f, lv, values in deltas.rows()}


# -- reading ---------------------------------------------------------------------------


def _month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - _ONE_DAY


def bucket_ranges(first: dt.date, last: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """The fewest ``(grain, first, last)`` ranges that cover ``[first, last]``: whole years, whole months, days.

    A year or month range names the first days of its buckets; a day range (``"D"``)
    lies inside one month, read from that month row's day array. At most one year
    range, two month ranges and two day ranges.
    """
    ranges: list[tuple[str, dt.date, dt.date]] = []
    if first > last:
        return ranges
    cursor = first
    # Leading days up to the first month start (or the end).
    if cursor.day != 1:
        end = min(_month_end(cursor), last)
        ranges.append((_GRAIN_DAY, cursor, end))
        cursor = end + _ONE_DAY
    if cursor > last:
        return ranges
    # Leading months up to the first year start.
    month_from = cursor
    while cursor.month != 1 and _month_end(cursor) <= last:
        cursor = _month_end(cursor) + _ONE_DAY
    if cursor > month_from:
        ranges.append((_GRAIN_MONTH, month_from, _last_month(cursor)))
    # Whole years.
    if cursor.month == 1 and cursor.day == 1 and dt.date(cursor.year, 12, 31) <= last:
        last_year = last.year if last == dt.date(last.year, 12, 31) else last.year - 1
        ranges.append((_GRAIN_YEAR, cursor, dt.date(last_year, 1, 1)))
        cursor = dt.date(last_year + 1, 1, 1)
    if cursor > last:
        return ranges
    # Trailing months.
    month_from = cursor
    while _month_end(cursor) <= last:
        cursor = _month_end(cursor) + _ONE_DAY
    if cursor > month_from:
        ranges.append((_GRAIN_MONTH, month_from, _last_month(cursor)))
    if cursor <= last:
        ranges.append((_GRAIN_DAY, cursor, last))
    return ranges


def _last_month(next_month_start: dt.date) -> dt.date:
    """The first day of the month before ``next_month_start`` (a 1st)."""
    return (next_month_start - _ONE_DAY).replace(day=1)


#: A sum to compute: the counter columns to add up over the days ``[first, last]``.
Span = tuple[dt.date, dt.date, Sequence[str]]


def counter_sums(
    *,
    date_from: dt.date,
    date_to: dt.date,
    columns: Sequence[str] = COLUMNS,
    by_group: bool = False,
    unit_ids: Iterable[int] | None = None,
) -> dict[Any, dict[str, int]]:
    """The counter ``columns`` summed over the days ``[date_from, date_to]`` (inclusive), per unit id.

    ``by_group``: per ``(unit id, field, level)`` instead. ``unit_ids``: only those units
    (none given: every unit). A key appears when a counter row of the period exists for
    it, even if its sums are zero. Whole years and months are summed in SQL from the
    rows' totals; the days of a month the period starts or ends inside are added from
    that month's day arrays in Python (at most two months, one row per group each).
    An empty period (``date_from > date_to``) sums nothing. Unknown column names raise
    ``ValueError``.
    """
    sums = _span_sums([(date_from, date_to, columns)], by_group=by_group, unit_ids=unit_ids)
    return {key: dict(zip(columns, values, strict=True)) for key, values in sums.items()}


def _span_sums(spans: Sequence[Span], *, by_group: bool, unit_ids: Iterable[int] | None) -> dict[Any, list[int]]:
    """The sums of several spans at once: per key, every span's columns in turn (see :func:`counter_sums`).

    One SQL query for the spans' whole years and months, and one more only if a span
    starts or ends inside a month.
    """
    for _first, _last, columns in spans:
        unknown = set(columns) - set(COLUMNS)
        if unknown:
            raise ValueError(f"Unknown counter columns: {sorted(unknown)}")
    width = sum(len(columns) for _first, _last, columns in spans)
    keys = "unit_id, field, level" if by_group else "unit_id"
    units_sql, units_params = "", []
    if unit_ids is not None:
        units_params = list(unit_ids)
        if not units_params:
            return {}
        units_sql = f" AND unit_id IN ({', '.join(['%s'] * len(units_params))})"
    table = connection.ops.quote_name(DossierCount._meta.db_table)
    result: dict[Any, list[int]] = {}
    sums: list[str] = []
    params: list[Any] = []
    covered: list[tuple[str, dt.date, dt.date]] = []
    partial: dict[dt.date, list[tuple[int, int, int, int]]] = {}  # month → (position, column, first, last slot)
    position = 0
    for first, last, columns in spans:
        ranges = bucket_ranges(first, last)
        whole = [(grain, a, b) for grain, a, b in ranges if grain != _GRAIN_DAY]
        span_params: list[Any] = []
        condition = _condition(whole, span_params)
        for index, column in enumerate(columns):
            sums.append(f"SUM(CASE WHEN {condition} THEN {column} ELSE 0 END)")
            params += span_params
            for grain, a, b in ranges:
                if grain == _GRAIN_DAY:
                    slots = partial.setdefault(a.replace(day=1), [])
                    slots.append((position + index, COLUMNS.index(column), a.day - 1, b.day))
        covered += whole
        position += len(columns)
    # One statement: the sums of the totals, then (UNION ALL) the partial months' arrays.
    selects, select_params = [], []
    if covered:
        # The rows of the whole years and months, each once: one range of the key's index per
        # disjoint range (a scan per range, not of the whole index filtered by an OR of them).
        names = ", ".join(sorted({column for _first, _last, columns in spans for column in columns}))
        branches, branch_params = [], []
        for grain, first_day, last_day in _disjoint(covered):
            branches.append(
                f"SELECT {keys}, grain, day, {names} FROM {table} "  # noqa: S608 - constant names
                f"WHERE grain = %s AND day BETWEEN %s AND %s{units_sql}"
            )
            branch_params += [grain, first_day, last_day, *units_params]
        selects.append(
            f"SELECT {keys}, NULL, NULL, {', '.join(sums)} "  # noqa: S608 - constant names
            f"FROM ({' UNION ALL '.join(branches)}) AS c GROUP BY {keys}"
        )
        select_params += [*params, *branch_params]
    if partial:
        months = list(partial)
        selects.append(
            f"SELECT {keys}, day, days, {', '.join(['NULL'] * width)} FROM {table} "  # noqa: S608 - constant names
            f"WHERE grain = %s AND day IN ({', '.join(['%s'] * len(months))}){units_sql}"
        )
        select_params += [_GRAIN_MONTH, *months, *units_params]
    if not selects:
        return result
    key_width = 3 if by_group else 1
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), select_params)
        for row in cursor.fetchall():
            key = tuple(row[:3]) if by_group else row[0]
            day, data = row[key_width], row[key_width + 1]
            if data is None:
                found = result.get(key)
                sums_row = [int(value or 0) for value in row[-width:]]
                result[key] = sums_row if found is None else list(map(operator.add, found, sums_row))
                continue
            values = result.get(key)
            if values is None:
                values = result[key] = [0] * width
            deltas = decode_days(data)
            for at, lane, first_slot, end_slot in partial[_as_date(day)]:
                values[at] += sum(deltas[first_slot * _WIDTH + lane : end_slot * _WIDTH : _WIDTH])
    return result


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _disjoint(ranges: list[tuple[str, dt.date, dt.date]]) -> list[tuple[str, dt.date, dt.date]]:
    """``ranges`` (grain, first, last bucket day) merged where they overlap: no bucket in two of them."""
    merged: list[tuple[str, dt.date, dt.date]] = []
    for grain, first, last in sorted(ranges):
        if merged and merged[-1][0] == grain and first <= merged[-1][2]:
            merged[-1] = (grain, merged[-1][1], max(last, merged[-1][2]))
        else:
            merged.append((grain, first, last))
    return merged


def _condition(ranges: list[tuple[str, dt.date, dt.date]], params: list[object]) -> str:
    if not ranges:
        return "1 = 0"
    parts = []
    for grain, first, last in ranges:
        parts.append("(grain = %s AND day BETWEEN %s AND %s)")
        params.extend((grain, first, last))
    return "(" + " OR ".join(parts) + ")"


def aggregate_stats(*, date_from: dt.date, date_to: dt.date, unit_id: int | None = None) -> dict[int, sla.Stats]:
    """Biểu 06 for ``[date_from, date_to]`` from the counters, per unit id (see :func:`_stats`)."""
    return _stats(date_from=date_from, date_to=date_to, unit_id=unit_id, by_group=False)


def aggregate_group_stats(
    *, date_from: dt.date, date_to: dt.date, unit_id: int | None = None
) -> dict[GroupKey, sla.Stats]:
    """Biểu 06 for ``[date_from, date_to]`` from the counters, per (unit id, field, level); all units or one."""
    return _stats(date_from=date_from, date_to=date_to, unit_id=unit_id, by_group=True)


_PERIOD_COLUMNS = ("received", "received_online", "resolved_early", "resolved_on_time", "resolved_late")
_BEFORE_COLUMNS = ("received", "resolved_early", "resolved_on_time", "resolved_late")


def _stats(*, date_from: dt.date, date_to: dt.date, unit_id: int | None, by_group: bool) -> dict[Any, sla.Stats]:
    """The Biểu 06 rows from the counters (:func:`_span_sums` of three spans).

    The period's receipts and resolutions, what was received and resolved before it
    (the carried over) and the overdue deltas through its last day. For whole months
    (and years) that is one SQL query on the totals; a period starting or ending
    inside a month adds one query for those months' day arrays. Like
    :func:`sla.group_stats`, a row appears only when a dossier counts in it (received
    in the period or carried over into it). ``ValueError`` when ``date_from > date_to``.
    """
    if date_from > date_to:
        raise ValueError(f"Kỳ báo cáo không hợp lệ: từ {date_from:%d/%m/%Y} đến {date_to:%d/%m/%Y}.")
    spans: list[Span] = [
        (date_from, date_to, _PERIOD_COLUMNS),
        (_EPOCH, date_from - _ONE_DAY, _BEFORE_COLUMNS),
        (_EPOCH, date_to, ("overdue",)),
    ]
    sums = _span_sums(spans, by_group=by_group, unit_ids=None if unit_id is None else [unit_id])
    result: dict[Any, sla.Stats] = {}
    for key, values in sums.items():
        received, online, early, on_time, late, received_before, *resolved_before, overdue = values
        carried = received_before - sum(resolved_before)
        if received + carried == 0:
            continue
        resolved = early + on_time + late
        in_progress = carried + received - resolved
        result[key] = sla.Stats(
            received=received,
            received_online=online,
            received_counter_post=received - online,
            carried_over=carried,
            resolved=resolved,
            resolved_early=early,
            resolved_on_time=on_time,
            resolved_late=late,
            in_progress=in_progress,
            in_progress_within_time=in_progress - overdue,
            in_progress_overdue=overdue,
            on_time_rate=sla.rate_percent(early + on_time, resolved),
        )
    return result

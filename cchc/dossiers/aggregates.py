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

Each delta is stored three times (:class:`~cchc.dossiers.models.DossierCount`): in its
day's, its month's and its year's bucket. A range of days is then covered by whole
years, whole months and at most 2 × 31 single days, so a month's table reads at most
(years + 11 + 62) rows per unit × field × level, however many dossiers are stored.

The import keeps a :class:`CountDeltas` per batch: ``add_row`` counts each accepted row
(a stored row, ``dossiers.stored_rows``) as new, ``add``/``remove`` correct for a code
already stored, and the batch's net change per day, month and year bucket
(``bucket_rows``) is added inside the batch's transaction by :func:`write_bucket_rows`:
one ``INSERT … SELECT … ON CONFLICT DO UPDATE`` from a temporary table (SQLite ≥ 3.24
and PostgreSQL).
"""

import csv
import datetime as dt
import io
import operator
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import connection, transaction

from cchc.core.workdays import VN_TZ
from cchc.dossiers import sla
from cchc.dossiers.models import Dossier, DossierCount
from cchc.dossiers.stored_rows import STORED_COLUMNS

#: The delta columns, in the order of the lists kept by :class:`CountDeltas`.
COLUMNS = (
    "received", "received_online", "resolved_early", "resolved_on_time", "resolved_late", "overdue",
    "paid_online", "digitized", "electronic_result", "late_apologized",
)  # fmt: skip
_RECEIVED, _ONLINE, _EARLY, _ON_TIME, _LATE, _OVERDUE, _PAID, _DIGITIZED, _E_RESULT, _APOLOGIZED = range(len(COLUMNS))
_ONE_DAY = dt.timedelta(days=1)
_GRAIN_DAY: str = DossierCount.Grain.DAY.value
_GRAIN_MONTH: str = DossierCount.Grain.MONTH.value
_GRAIN_YEAR: str = DossierCount.Grain.YEAR.value
#: Before this day no dossier exists: the left end of every running sum.
_EPOCH = dt.date(1900, 1, 1)

GroupKey = tuple[int, str, str]  # unit id, field, level
#: A bucket's deltas as written: grain, first day (ISO text), unit id, field, level, the deltas in ``COLUMNS`` order.
BucketRow = tuple[Any, ...]
#: A group's deltas of one day: unit id, field, level, day (ISO text), the deltas in ``COLUMNS`` order.
DayRow = tuple[Any, ...]

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
        which rolls them up into the stored buckets.
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
        """Add the deltas to the stored counters (inside the caller's transaction); the bucket rows written."""
        written = write_day_rows(self.day_rows())
        self.days.clear()
        return written


def bucket_rows(days: Iterable[DayRow]) -> list[BucketRow]:
    """The net deltas of day rows per bucket of every grain, as ``(grain, first day, unit id, field, level, *deltas)``.

    Days as ISO text; buckets whose deltas cancel out are left out. Months are summed
    from the days and years from the months, each bucket's list added in C
    (``map(operator.add, …)``): one pass over the days, then a few thousand months.
    """
    rows: list[BucketRow] = []
    months: dict[tuple[str, int, str, str], list[int]] = {}
    for unit_id, field, level, day, *deltas in days:
        if not any(deltas):
            continue
        rows.append((_GRAIN_DAY, day, unit_id, field, level, *deltas))
        key = (day[:8] + "01", unit_id, field, level)
        found = months.get(key)
        if found is None:
            months[key] = deltas
        else:
            found[:] = map(operator.add, found, deltas)
    years: dict[tuple[str, int, str, str], list[int]] = {}
    for (month, unit_id, field, level), deltas in months.items():
        if not any(deltas):
            continue
        rows.append((_GRAIN_MONTH, month, unit_id, field, level, *deltas))
        key = (month[:5] + "01-01", unit_id, field, level)
        found = years.get(key)
        if found is None:
            years[key] = list(deltas)
        else:
            found[:] = map(operator.add, found, deltas)
    rows.extend(
        (_GRAIN_YEAR, year, unit_id, field, level, *deltas)
        for (year, unit_id, field, level), deltas in years.items()
        if any(deltas)
    )
    return rows


def write_day_rows(days: Sequence[DayRow]) -> int:
    """Add day rows (:meth:`CountDeltas.day_rows`) to the stored counters, inside the caller's transaction.

    The bucket rows written (see :func:`write_bucket_rows`).
    """
    return write_bucket_rows(bucket_rows(days))


#: Where a batch's deltas wait while the counters are upserted from them (one per connection).
_DELTA_TABLE = "dossier_count_delta"


def write_bucket_rows(rows: Sequence[BucketRow]) -> int:
    """Add bucket deltas (from :meth:`CountDeltas.bucket_rows`) to the stored counters; the rows written.

    Inside the caller's transaction. The rows go into a temporary table (SQLite: the
    driver's own ``executemany``; PostgreSQL: ``COPY``), then one
    ``INSERT … SELECT … ON CONFLICT DO UPDATE SET x = x + excluded.x`` adds them to the
    counters (measured: a third cheaper than one upsert statement per row; sorting by
    the counters' key first did not help, the rows already come day by day).
    """
    if not rows:
        return 0
    table = connection.ops.quote_name(DossierCount._meta.db_table)
    names = ", ".join(COLUMNS)
    updates = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in COLUMNS)
    key = "grain, day, unit_id, field, level"
    connection.ensure_connection()
    with connection.cursor() as cursor:
        integers = ", ".join(f"{name} integer NOT NULL" for name in COLUMNS)
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {_DELTA_TABLE} (grain varchar(1) NOT NULL, day date NOT NULL, "
            f"unit_id bigint NOT NULL, field varchar(255) NOT NULL, level varchar(16) NOT NULL, {integers})"
        )
        if connection.vendor == "sqlite":
            marks = ", ".join(["?"] * (5 + len(COLUMNS)))
            with connection.wrap_database_errors:
                connection.connection.executemany(f"INSERT INTO {_DELTA_TABLE} VALUES ({marks})", rows)  # noqa: S608
        else:
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerows(rows)
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {_DELTA_TABLE} FROM STDIN (FORMAT csv)") as copy,
            ):
                copy.write(buffer.getvalue())
        cursor.execute(
            f"INSERT INTO {table} ({key}, {names}) "  # noqa: S608 - constant names
            f"SELECT {key}, {names} FROM {_DELTA_TABLE} WHERE true "
            f"ON CONFLICT ({key}) DO UPDATE SET {updates}"
        )
        cursor.execute(f"DELETE FROM {_DELTA_TABLE}")  # noqa: S608 - constant name
    return len(rows)


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
    """Every stored counter row that is not all zero, by its key (for comparisons and tests)."""
    rows = DossierCount.objects.values_list("grain", "day", "unit_id", "field", "level", *COLUMNS)
    return {tuple(row[:5]): tuple(row[5:]) for row in rows if any(row[5:])}


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
    """The fewest ``(grain, first bucket day, last bucket day)`` ranges whose buckets cover ``[first, last]``.

    Whole years as year buckets, then whole months as month buckets, the rest as days:
    at most one year range, two month ranges and two day ranges.
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


def aggregate_group_stats(*, date_from: dt.date, date_to: dt.date) -> dict[GroupKey, sla.Stats]:
    """Biểu 06 for ``[date_from, date_to]`` from the counters, per (unit id, field, level)."""
    return _stats(date_from=date_from, date_to=date_to, unit_id=None, by_group=True)


def _stats(*, date_from: dt.date, date_to: dt.date, unit_id: int | None, by_group: bool) -> dict[Any, sla.Stats]:
    """The Biểu 06 rows from the counters, in one query.

    Like :func:`sla.group_stats`, a row appears only when a dossier counts in it
    (received in the period or carried over into it). ``ValueError`` when
    ``date_from > date_to``.
    """
    if date_from > date_to:
        raise ValueError(f"Kỳ báo cáo không hợp lệ: từ {date_from:%d/%m/%Y} đến {date_to:%d/%m/%Y}.")
    table = connection.ops.quote_name(DossierCount._meta.db_table)
    period_params: list[object] = []
    period = _condition(bucket_ranges(date_from, date_to), period_params)
    before_params: list[object] = []
    before = _condition(bucket_ranges(_EPOCH, date_from - _ONE_DAY), before_params)
    through_params: list[object] = []
    through = _condition(bucket_ranges(_EPOCH, date_to), through_params)
    keys = "unit_id, field, level" if by_group else "unit_id"
    sql = (
        f"SELECT {keys}, "  # noqa: S608 - constant names; values are parameters
        f"SUM(CASE WHEN {period} THEN received ELSE 0 END), "
        f"SUM(CASE WHEN {period} THEN received_online ELSE 0 END), "
        f"SUM(CASE WHEN {period} THEN resolved_early ELSE 0 END), "
        f"SUM(CASE WHEN {period} THEN resolved_on_time ELSE 0 END), "
        f"SUM(CASE WHEN {period} THEN resolved_late ELSE 0 END), "
        f"SUM(CASE WHEN {before} THEN received - resolved_early - resolved_on_time - resolved_late ELSE 0 END), "
        f"SUM(CASE WHEN {through} THEN overdue ELSE 0 END) "
        f"FROM {table} WHERE ({period} OR {before} OR {through})"
    )
    params: list[Any] = [*period_params, *period_params, *period_params, *period_params, *period_params]
    params += [*before_params, *through_params, *period_params, *before_params, *through_params]
    if unit_id is not None:
        sql += " AND unit_id = %s"
        params.append(unit_id)
    sql += f" GROUP BY {keys}"
    result: dict[Any, sla.Stats] = {}
    width = 3 if by_group else 1
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            key = tuple(row[:width]) if by_group else row[0]
            received, online, early, on_time, late, carried, overdue = (int(v or 0) for v in row[width:])
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

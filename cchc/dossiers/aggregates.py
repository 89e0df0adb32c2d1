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

The import calls :class:`CountDeltas` inside each batch's transaction: ``add`` the new
version of a dossier, ``remove`` the version it replaces, ``write`` the net change
with one ``INSERT … ON CONFLICT DO UPDATE`` per row (SQLite ≥ 3.24 and PostgreSQL).
"""

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import connection, transaction

from cchc.core.workdays import VN_TZ
from cchc.dossiers import sla
from cchc.dossiers.models import Dossier, DossierCount

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
#: Rows per ``executemany`` of the upsert.
_WRITE_CHUNK = 5_000
#: Before this day no dossier exists: the left end of every running sum.
_EPOCH = dt.date(1900, 1, 1)

GroupKey = tuple[int, str, str]  # unit id, field, level


def _local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(VN_TZ).date()


class CountDeltas:
    """The net change to the counters that a set of dossier versions makes, kept per group × day."""

    __slots__ = ("days",)

    def __init__(self) -> None:
        self.days: dict[tuple[int, str, str, dt.date], list[int]] = {}

    def __len__(self) -> int:
        return len(self.days)

    def _bump(self, unit_id: int, field: str, level: str, day: dt.date, column: int, sign: int) -> None:
        key = (unit_id, field, level, day)
        row = self.days.get(key)
        if row is None:
            row = self.days[key] = [0] * len(COLUMNS)
        row[column] += sign

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
        received_on = _local_day(received_at)
        bump = self._bump
        bump(unit_id, field, level, received_on, _RECEIVED, sign)
        if channel == sla.Channel.ONLINE:
            bump(unit_id, field, level, received_on, _ONLINE, sign)
        if paid_online:
            bump(unit_id, field, level, received_on, _PAID, sign)
        if digitized:
            bump(unit_id, field, level, received_on, _DIGITIZED, sign)
        overdue_from = due + _ONE_DAY
        if resolved_at is None:
            bump(unit_id, field, level, overdue_from, _OVERDUE, sign)
            return
        resolved_on = _local_day(resolved_at)
        column = _EARLY if resolved_on < due else _ON_TIME if resolved_on == due else _LATE
        bump(unit_id, field, level, resolved_on, column, sign)
        if electronic_result:
            bump(unit_id, field, level, resolved_on, _E_RESULT, sign)
        if apologized and column == _LATE:
            bump(unit_id, field, level, resolved_on, _APOLOGIZED, sign)
        if resolved_on > overdue_from:
            bump(unit_id, field, level, overdue_from, _OVERDUE, sign)
            bump(unit_id, field, level, resolved_on, _OVERDUE, -sign)

    def remove(self, **facts: object) -> None:
        """``add(..., sign=-1)``."""
        self.add(**facts, sign=-1)  # type: ignore[arg-type]

    def rows(self) -> Iterator[tuple[str, dt.date, int, str, str, list[int]]]:
        """The net deltas per bucket of every grain; buckets whose deltas cancel out are left out."""
        buckets: dict[tuple[str, dt.date, int, str, str], list[int]] = {}
        for (unit_id, field, level, day), deltas in self.days.items():
            if not any(deltas):
                continue
            for grain, first in (
                (_GRAIN_DAY, day),
                (_GRAIN_MONTH, day.replace(day=1)),
                (_GRAIN_YEAR, day.replace(month=1, day=1)),
            ):
                key = (grain, first, unit_id, field, level)
                row = buckets.get(key)
                if row is None:
                    buckets[key] = list(deltas)
                else:
                    for index, value in enumerate(deltas):
                        row[index] += value
        for (grain, first, unit_id, field, level), deltas in buckets.items():
            if any(deltas):
                yield grain, first, unit_id, field, level, deltas

    def write(self) -> int:
        """Add the deltas to the stored counters (inside the caller's transaction); the rows written."""
        table = connection.ops.quote_name(DossierCount._meta.db_table)
        names = ", ".join(COLUMNS)
        updates = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in COLUMNS)
        sql = (
            f"INSERT INTO {table} (grain, day, unit_id, field, level, {names}) "  # noqa: S608 - constant names
            f"VALUES (%s, %s, %s, %s, %s, {', '.join(['%s'] * len(COLUMNS))}) "
            f"ON CONFLICT (grain, day, unit_id, field, level) DO UPDATE SET {updates}"
        )
        written = 0
        chunk: list[tuple[Any, ...]] = []
        with connection.cursor() as cursor:
            for grain, first, unit_id, field, level, deltas in self.rows():
                chunk.append((grain, first, unit_id, field, level, *deltas))
                if len(chunk) >= _WRITE_CHUNK:
                    cursor.executemany(sql, chunk)
                    written += len(chunk)
                    chunk = []
            if chunk:
                cursor.executemany(sql, chunk)
                written += len(chunk)
        self.days.clear()
        return written


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

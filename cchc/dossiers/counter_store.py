"""How the Biểu 06 counters are stored: one row per group × month with the month's days, one per year.

A group is unit × field × level. Its month row (``DossierCount``, grain ``M``) holds the
month's totals of every delta column (``COLUMNS``) and the month's days as an array
(:func:`encode_days`); its year row (grain ``Y``) the year's totals. ``dossiers.aggregates``
counts the deltas (``CountDeltas``) and reads the sums; this module packs deltas into
month rows (:func:`month_rows`) and adds them to the stored ones (:func:`write_month_rows`),
inside the caller's transaction. The import's reading process packs a batch's months
itself, so the writing process only merges them. ADR 0010 has the design and the
measurements.
"""

import operator
import struct
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection

from cchc.dossiers.models import DossierCount

#: The delta columns, in the order of a day's values, of the totals and of ``CountDeltas``' lists.
COLUMNS = (
    "received", "received_online", "resolved_early", "resolved_on_time", "resolved_late", "overdue",
    "paid_online", "digitized", "electronic_result", "late_apologized",
)  # fmt: skip
GRAIN_MONTH: str = DossierCount.Grain.MONTH.value
GRAIN_YEAR: str = DossierCount.Grain.YEAR.value
#: A group's deltas of one day: unit id, field, level, day (ISO text), the deltas in ``COLUMNS`` order.
DayRow = tuple[Any, ...]
MonthKey = tuple[int, str, str, str]  # unit id, field, level, first day of the month (ISO text)
#: A batch's months: the day array (:func:`encode_days`) and the totals, by month key.
MonthRows = dict[MonthKey, tuple[bytes, list[int]]]


#: Day slots per month row (every month has 31; those after its last day stay zero).
MONTH_SLOTS = 31
_WIDTH = len(COLUMNS)
_ARRAY_LENGTH = MONTH_SLOTS * _WIDTH
_DAYS = struct.Struct(f"<{_ARRAY_LENGTH}i")
#: The sign bit and the 31 bits below it of every int32 lane of an encoded array, as one integer.
_LANE_SIGNS = int.from_bytes(b"\x00\x00\x00\x80" * _ARRAY_LENGTH, "little")
_LANE_LOWS = int.from_bytes(b"\xff\xff\xff\x7f" * _ARRAY_LENGTH, "little")
_DELTAS = operator.itemgetter(slice(4, None))
_DAY = operator.itemgetter(3)


def encode_days(values: Sequence[int]) -> bytes:
    """A month's day deltas as stored in ``DossierCount.days``: ``MONTH_SLOTS × len(COLUMNS)`` little-endian int32.

    Day-major: day 1's ten values in the order of ``COLUMNS``, then day 2's, and so
    on. ``ValueError`` for the wrong number of values, ``OverflowError`` for a value
    outside int32.
    """
    if len(values) != _ARRAY_LENGTH:
        raise ValueError(f"A month row holds {_ARRAY_LENGTH} day deltas, not {len(values)}.")
    try:
        return _DAYS.pack(*values)
    except struct.error as error:
        raise OverflowError(f"A day delta does not fit a 32-bit counter: {error}") from error


def decode_days(data: bytes | memoryview) -> tuple[int, ...]:
    """The day deltas of an encoded array (:func:`encode_days`); ``ValueError`` on a wrong length."""
    if len(data) != _DAYS.size:
        raise ValueError(f"A month row's day array has {_DAYS.size} bytes, not {len(data)}.")
    return _DAYS.unpack(data)


def add_days(stored: bytes | memoryview, added: bytes) -> bytes:
    """Two encoded arrays added day by day and column by column, without decoding them.

    Both arrays read as one integer each; the low 31 bits of every lane are added
    (their carry stays inside the lane) and the sign bits joined by XOR, which is
    int32 addition in every lane at once: a few passes in C over 1,240 bytes instead
    of 310 additions in Python. ``OverflowError`` when a lane's sum leaves int32,
    ``ValueError`` on a wrong length.
    """
    if len(stored) != _DAYS.size or len(added) != _DAYS.size:
        raise ValueError(f"A month row's day array has {_DAYS.size} bytes.")
    x, y = int.from_bytes(stored, "little"), int.from_bytes(added, "little")
    total = ((x & _LANE_LOWS) + (y & _LANE_LOWS)) ^ ((x ^ y) & _LANE_SIGNS)
    if ~(x ^ y) & (x ^ total) & _LANE_SIGNS:  # same signs in, another sign out
        raise OverflowError("A day delta does not fit a 32-bit counter.")
    return total.to_bytes(_DAYS.size, "little")


def _month_values(rows: list[DayRow]) -> list[int]:
    """The day-major array of one group-month's day rows (duplicate days added up)."""
    if len(rows) > 1 and len(set(map(_DAY, rows))) != len(rows):
        merged: dict[str, list[int]] = {}
        for row in rows:
            found = merged.get(row[3])
            merged[row[3]] = list(row[4:]) if found is None else list(map(operator.add, found, row[4:]))
        rows = [(*rows[0][:3], day, *deltas) for day, deltas in merged.items()]
    values = [0] * _ARRAY_LENGTH
    for row in rows:
        offset = (int(row[3][8:10]) - 1) * _WIDTH
        values[offset : offset + _WIDTH] = row[4:]
    return values


def month_rows(days: Iterable[DayRow]) -> MonthRows:
    """Day rows (``CountDeltas.day_rows``) packed by unit × field × level × month: day array and totals.

    A few thousand months for a batch of 100,000 dossiers. Duplicate day keys are
    added up. ``OverflowError`` if a day's delta leaves int32.
    """
    groups: dict[MonthKey, list[DayRow]] = {}
    for row in days:
        key = (row[0], row[1], row[2], row[3][:7])
        found = groups.get(key)
        if found is None:
            groups[key] = [row]
        else:
            found.append(row)
    months: MonthRows = {}
    for (unit_id, field, level, month), rows in groups.items():
        totals = list(map(sum, zip(*map(_DELTAS, rows), strict=True)))
        months[unit_id, field, level, month + "-01"] = (encode_days(_month_values(rows)), totals)
    return months


def write_day_rows(days: Sequence[DayRow]) -> int:
    """Add day rows to the stored counters (:func:`write_month_rows` of their :func:`month_rows`)."""
    return write_month_rows(month_rows(days)) if days else 0


def write_month_rows(months: MonthRows) -> int:
    """Add a batch's months (:func:`month_rows`) and their years to the stored counters; the rows written.

    Inside the caller's transaction. ``months`` is consumed. The years are the sums of
    the months' totals. Then:

    1. the month rows already stored are read — on SQLite through a join with a
       temporary table of the batch's keys; on PostgreSQL through a join with the keys
       passed as arrays (``unnest``), ``FOR UPDATE`` in id order, so that a concurrent
       import waits for this transaction instead of losing its deltas or ours;
    2. those rows get stored + batch (arrays with :func:`add_days`, totals in Python)
       and are written back by id (SQLite: one ``executemany``; PostgreSQL: one
       ``UPDATE … FROM unnest(…)``);
    3. the other months are inserted as they are. On SQLite writers take turns (the
       rows just read are current), so a plain ``INSERT``; on PostgreSQL ``ON
       CONFLICT DO NOTHING RETURNING`` the keys inserted, and a month that a
       concurrent import created meanwhile goes through 1–2 again;
    4. the years are upserted (``ON CONFLICT DO UPDATE SET x = x + excluded.x``).

    ``OverflowError`` if a day's delta leaves int32.
    """
    if not months:
        return 0
    years: dict[tuple[str, int, str, str], list[int]] = {}
    for (unit_id, field, level, month), (_array, totals) in months.items():
        year = (month[:4] + "-01-01", unit_id, field, level)
        so_far = years.get(year)
        years[year] = list(totals) if so_far is None else list(map(operator.add, so_far, totals))
    written = len(months) + len(years)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _pg_merge_stored_months(cursor, months, list(months))
            _pg_insert_months(cursor, months)
            _pg_upsert_years(cursor, years)
            return written
        _sqlite_merge_stored_months(cursor, months, list(months))
        _sqlite_insert_months(cursor, months)
        names = ", ".join(COLUMNS)
        added = ", ".join(f"{name} = {_table()}.{name} + excluded.{name}" for name in COLUMNS)
        cursor.executemany(
            f"INSERT INTO {_table()} (grain, day, unit_id, field, level, days, {names}) "  # noqa: S608 - constant names
            f"VALUES ({', '.join(['%s'] * (6 + _WIDTH))}) ON CONFLICT (grain, day, unit_id, field, level) "
            f"DO UPDATE SET {added}",
            [(GRAIN_YEAR, *key, b"", *totals) for key, totals in sorted(years.items())],
        )
    return written


#: Where a batch's month keys wait while the stored month rows are read (one per connection).
_KEYS_TABLE = "dossier_count_month_key"


def _table() -> str:
    """The counters' table name, quoted for the connection's vendor."""
    return connection.ops.quote_name(DossierCount._meta.db_table)


def _sqlite_rows(table: str, rows: Iterable[Sequence[Any]]) -> None:
    """Rows into a table with SQLite's own ``executemany``."""
    rows = list(rows)
    if rows:
        marks = ", ".join(["?"] * len(rows[0]))
        with connection.wrap_database_errors:
            connection.connection.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)  # noqa: S608


def _sqlite_merge_stored_months(cursor: Any, months: MonthRows, keys: list[MonthKey]) -> None:
    """Steps 1–2 of :func:`write_day_rows` for ``keys``: the stored ones are added to and taken out of ``months``."""
    cursor.execute(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {_KEYS_TABLE} (day date NOT NULL, unit_id bigint NOT NULL, "
        "field varchar(255) NOT NULL, level varchar(16) NOT NULL)"
    )
    _sqlite_rows(_KEYS_TABLE, ((day, unit_id, field, level) for unit_id, field, level, day in keys))
    totals = ", ".join(f"c.{name}" for name in COLUMNS)
    cursor.execute(
        f"SELECT c.id, c.unit_id, c.field, c.level, c.day, c.days, {totals} "  # noqa: S608 - constant names
        f"FROM {_KEYS_TABLE} k JOIN {_table()} c ON c.grain = %s AND c.day = k.day AND c.unit_id = k.unit_id "
        "AND c.field = k.field AND c.level = k.level",
        [GRAIN_MONTH],
    )
    updates = []
    for pk, unit_id, field, level, day, data, *stored in cursor.fetchall():
        array, added = months.pop((unit_id, field, level, str(day)[:10]))
        updates.append((add_days(data, array), *map(operator.add, stored, added), pk))
    cursor.execute(f"DELETE FROM {_KEYS_TABLE}")  # noqa: S608 - constant name
    if not updates:
        return
    assignments = ", ".join(f"{name} = %s" for name in ("days", *COLUMNS))
    cursor.executemany(f"UPDATE {_table()} SET {assignments} WHERE id = %s", updates)  # noqa: S608


def _sqlite_insert_months(cursor: Any, months: MonthRows) -> None:
    """Step 3 of :func:`write_day_rows`: the months not stored yet, inserted with their arrays and totals."""
    if not months:
        return
    names = f"grain, day, unit_id, field, level, days, {', '.join(COLUMNS)}"
    rows = [(GRAIN_MONTH, day, u, f, lv, array, *totals) for (u, f, lv, day), (array, totals) in months.items()]
    marks = ", ".join(["%s"] * (6 + _WIDTH))
    cursor.executemany(f"INSERT INTO {_table()} ({names}) VALUES ({marks})", rows)  # noqa: S608


# -- PostgreSQL: every step one statement, its rows passed as array parameters ---------------

#: The batch's rows as columns: ``unnest`` of one array parameter per column.
_KEY_ARRAYS = "%s::date[], %s::bigint[], %s::text[], %s::text[]"
_COUNT_ARRAYS = ", ".join(["%s::integer[]"] * _WIDTH)


def _pg(cursor: Any, sql: str, params: Sequence[Any], *, fetch: bool = False) -> list[tuple[Any, ...]]:
    """One statement whose list parameters go as array literals (:func:`_array_literal`), bound by the server.

    Django's psycopg cursor binds on the client (it would quote megabytes of literal);
    this one is psycopg's plain cursor on the same connection, so it runs in the same
    transaction. Results come in binary, so a ``bytea`` arrives as it is stored.
    """
    import psycopg  # PostgreSQL only

    values = [_array_literal(param) if isinstance(param, list) else param for param in params]
    with connection.wrap_database_errors, psycopg.Cursor(cursor.connection) as raw:
        raw.execute(sql, values, binary=True)
        return raw.fetchall() if fetch else []


def _array_literal(values: list[Any]) -> str:
    """A PostgreSQL array literal of ints, ISO dates, texts or bytes (as ``bytea`` hex), built in C.

    Measured: psycopg adapts a list parameter element by element in Python, which cost
    more than the statement itself for a batch's few thousand months.
    """
    if not values:
        return "{}"
    first = values[0]
    if isinstance(first, bytes):
        return "{" + ",".join([f'"\\\\x{value.hex()}"' for value in values]) + "}"
    if isinstance(first, int):
        return "{" + ",".join(map(str, values)) + "}"
    quoted = (value.replace("\\", "\\\\").replace('"', '\\"') for value in values)
    return '{"' + '","'.join(quoted) + '"}'


def _key_columns(keys: Sequence[MonthKey]) -> list[list[Any]]:
    """Day (ISO text), unit id, field, level of each key, as four lists (the ``unnest`` order)."""
    return [
        [key[3] for key in keys],
        [key[0] for key in keys],
        [key[1] for key in keys],
        [key[2] for key in keys],
    ]


def _pg_merge_stored_months(cursor: Any, months: MonthRows, keys: list[MonthKey]) -> None:
    """Steps 1–2 on PostgreSQL: the stored month rows of ``keys`` locked (in id order), added to, written back."""
    totals = ", ".join(f"c.{name}" for name in COLUMNS)
    stored = _pg(
        cursor,
        f"SELECT c.id, c.unit_id, c.field, c.level, c.day, c.days, {totals} "  # noqa: S608 - constant names
        f"FROM unnest({_KEY_ARRAYS}) AS k(day, unit_id, field, level) JOIN {_table()} c ON c.grain = %s "
        "AND c.day = k.day AND c.unit_id = k.unit_id AND c.field = k.field AND c.level = k.level "
        "ORDER BY c.id FOR UPDATE OF c",
        [*_key_columns(keys), GRAIN_MONTH],
        fetch=True,
    )
    if not stored:
        return
    ids, arrays, sums = [], [], []
    for pk, unit_id, field, level, day, data, *values in stored:
        array, added = months.pop((unit_id, field, level, day.isoformat()))
        ids.append(pk)
        arrays.append(add_days(data, array))
        sums.append(list(map(operator.add, values, added)))
    assignments = ", ".join(f"{name} = u.{name}" for name in ("days", *COLUMNS))
    _pg(
        cursor,
        f"UPDATE {_table()} c SET {assignments} "  # noqa: S608 - constant names
        f"FROM unnest(%s::bigint[], %s::bytea[], {_COUNT_ARRAYS}) AS u(id, days, {', '.join(COLUMNS)}) "
        "WHERE c.id = u.id",
        [ids, arrays, *map(list, zip(*sums, strict=True))],
    )


def _pg_insert_months(cursor: Any, months: MonthRows) -> None:
    """Step 3 on PostgreSQL: the months not stored yet; one a concurrent import created meanwhile is merged."""
    if not months:
        return
    keys = list(months)
    names = ", ".join(COLUMNS)
    inserted = _pg(
        cursor,
        f"INSERT INTO {_table()} (grain, day, unit_id, field, level, days, {names}) "  # noqa: S608 - constant names
        f"SELECT %s, day, unit_id, field, level, days, {names} "
        f"FROM unnest({_KEY_ARRAYS}, %s::bytea[], {_COUNT_ARRAYS}) AS n(day, unit_id, field, level, days, {names}) "
        "ON CONFLICT (grain, day, unit_id, field, level) DO NOTHING RETURNING unit_id, field, level, day",
        [
            GRAIN_MONTH,
            *_key_columns(keys),
            [months[key][0] for key in keys],
            *map(list, zip(*(months[key][1] for key in keys), strict=True)),
        ],
        fetch=True,
    )
    for unit_id, field, level, day in inserted:
        del months[unit_id, field, level, day.isoformat()]
    if months:  # created by a concurrent import since step 1: stored now, and locked by the read
        _pg_merge_stored_months(cursor, months, list(months))


def _pg_upsert_years(cursor: Any, years: dict[tuple[str, int, str, str], list[int]]) -> None:
    """Step 4 on PostgreSQL: the years' totals added (``x = x + excluded.x``), in key order."""
    keys = sorted(years)
    names = ", ".join(COLUMNS)
    year_keys = [(unit_id, field, level, day) for day, unit_id, field, level in keys]
    added = ", ".join(f"{name} = {_table()}.{name} + excluded.{name}" for name in COLUMNS)
    _pg(
        cursor,
        f"INSERT INTO {_table()} (grain, day, unit_id, field, level, days, {names}) "  # noqa: S608 - constant names
        f"SELECT %s, day, unit_id, field, level, %s, {names} "
        f"FROM unnest({_KEY_ARRAYS}, {_COUNT_ARRAYS}) AS n(day, unit_id, field, level, {names}) "
        f"ON CONFLICT (grain, day, unit_id, field, level) DO UPDATE SET {added}",
        [
            GRAIN_YEAR,
            b"",
            *_key_columns(year_keys),
            *map(list, zip(*(years[key] for key in keys), strict=True)),
        ],
    )

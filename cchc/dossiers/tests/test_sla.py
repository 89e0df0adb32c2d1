"""The dossier SLA clock and the Biểu 06 statistics, without a database.

Every expected date and count is worked out by hand from the official calendars (Tết
2023: 20–26/1; Tết 2024: 8–14/2; 2/1/2023 compensates 1/1 on a Sunday; Saturday
4/5/2024 was worked in exchange for Monday 29/4) and written down, never computed by
the code under test. ``REAL`` is built like the site's calendar: the ``holidays``
package plus the overrides the project ships in ``cchc/core/data``.
"""

import dataclasses
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc.core.workdays import WorkCalendar
from cchc.dossiers.sla import (
    DEFAULT_REGIMES,
    REGIME_DECREE_61,
    REGIME_DECREE_118,
    Channel,
    DossierFacts,
    OpenStatus,
    Regime,
    Stats,
    Timeliness,
    classify_open,
    classify_resolved,
    due_date,
    group_stats,
    period_stats,
    rate_percent,
    regime_for,
    start_day,
)

D = dt.date.fromisoformat
VN = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = dt.UTC


def _shipped_overrides() -> dict[dt.date, bool]:
    path = Path(__file__).resolve().parents[2] / "core" / "data" / "calendar_overrides.json"
    return {D(e["date"]): e["kind"] == "workday" for e in json.loads(path.read_text(encoding="utf-8"))}


REAL = WorkCalendar(
    holidays=dict(holidays.country_holidays("VN", years=range(2022, 2027), language="vi")),
    overrides=_shipped_overrides(),
    first_year=2022,
    last_year=2026,
)


def at(text: str) -> dt.datetime:
    """A local (Asia/Ho_Chi_Minh) moment from ``YYYY-MM-DD HH:MM[:SS]``."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=VN)


# -- start day ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        ("2024-06-11 14:59", "2024-06-11"),  # Tuesday, before the cut-off
        ("2024-06-11 14:59:59", "2024-06-11"),
        ("2024-06-11 15:00", "2024-06-12"),  # 15:00:00 already counts as "after 15:00"
        ("2024-06-11 15:01", "2024-06-12"),
        ("2024-06-11 00:00", "2024-06-11"),
        ("2024-06-14 14:00", "2024-06-14"),  # Friday before 15:00
        ("2024-06-14 15:30", "2024-06-17"),  # Friday afternoon → Monday
        ("2024-06-15 09:00", "2024-06-17"),  # Saturday → Monday
        ("2024-06-16 23:59", "2024-06-17"),  # Sunday night → Monday
        ("2024-04-18 09:00", "2024-04-19"),  # Hùng Kings' day 2024 (Thursday) → Friday
        ("2023-01-02 09:00", "2023-01-03"),  # compensation day for 1/1/2023 (a Sunday)
        ("2023-01-19 16:00", "2023-01-27"),  # the afternoon before Tết 2023 → after Tết
        ("2024-02-10 09:00", "2024-02-15"),  # a Saturday inside Tết 2024 → after Tết
        ("2024-05-04 10:00", "2024-05-04"),  # the worked Saturday 4/5/2024
        ("2024-05-04 15:30", "2024-05-06"),
        ("2024-04-29 10:00", "2024-05-02"),  # Monday 29/4/2024 swapped off; 30/4, 1/5 holidays
    ],
)
def test_start_day(received, expected):
    """Working day before 15:00 → that day; at/after 15:00 or on a day off → next working day."""
    assert start_day(at(received), REAL) == D(expected)


def test_start_day_reads_local_time_whatever_the_zone():
    """07:59 UTC is 14:59 in Hà Nội (same day), 08:00 UTC is 15:00 (next day); 17:30 UTC is past midnight."""
    assert start_day(dt.datetime(2024, 6, 11, 7, 59, tzinfo=UTC), REAL) == D("2024-06-11")
    assert start_day(dt.datetime(2024, 6, 11, 8, 0, tzinfo=UTC), REAL) == D("2024-06-12")
    assert start_day(dt.datetime(2024, 6, 10, 17, 30, tzinfo=UTC), REAL) == D("2024-06-11")


def test_start_day_rejects_a_naive_datetime():
    """A moment without a zone is ambiguous and refused."""
    with pytest.raises(ValueError, match="múi giờ"):
        start_day(dt.datetime(2024, 6, 11, 10, 0), REAL)


# -- due date ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "limit", "paused", "expected"),
    [
        # Tuesday 11/6/2024 before 15:00: 12, 13, 14 → Friday 14/6.
        ("2024-06-11 14:59", 3, 0, "2024-06-14"),
        # ... at 15:00 it starts on 12/6: 13, 14, 17 → Monday 17/6.
        ("2024-06-11 15:00", 3, 0, "2024-06-17"),
        # Tết 2023 (20–26/1): start Wed 18/1; 19/1, 27/1, 30/1.
        ("2023-01-18 10:00", 3, 0, "2023-01-30"),
        # Thursday 19/1/2023 at 15:00 starts Fri 27/1: 30, 31/1, 1, 2, 3/2.
        ("2023-01-19 15:00", 5, 0, "2023-02-03"),
        # Tết 2024 (8–14/2): start Tue 6/2; 7/2, 15/2.
        ("2024-02-06 09:00", 2, 0, "2024-02-15"),
        # Wednesday 7/2/2024 afternoon starts Thu 15/2: 16, 19, 20.
        ("2024-02-07 16:00", 3, 0, "2024-02-20"),
        # Compensation day 2/1/2023: start Thu 29/12/2022; Fri 30/12, (Mon 2/1 off), Tue 3/1.
        ("2022-12-29 10:00", 2, 0, "2023-01-03"),
        # Friday 30/12/2022 at 15:00 starts Tue 3/1/2023; one day → Wed 4/1.
        ("2022-12-30 15:00", 1, 0, "2023-01-04"),
        # 27/4–1/5/2024 off, Saturday 4/5 worked: start Fri 26/4; 2/5, 3/5, Sat 4/5.
        ("2024-04-26 10:00", 3, 0, "2024-05-04"),
        ("2024-04-26 10:00", 4, 0, "2024-05-06"),
        # Friday 3/5/2024 afternoon starts on the worked Saturday 4/5; one day → Mon 6/5.
        ("2024-05-03 15:30", 1, 0, "2024-05-06"),
        # Pauses add working days: start Tue 11/6/2024; 3 + 2 = 5 → 12, 13, 14, 17, 18.
        ("2024-06-11 10:00", 3, 2, "2024-06-18"),
        # A pause across Tết 2023: start Wed 18/1; 1 + 1 = 2 → 19/1, 27/1.
        ("2023-01-18 10:00", 1, 1, "2023-01-27"),
        # Time limit 0 (same day): due on the start day.
        ("2024-06-11 10:00", 0, 0, "2024-06-11"),
        ("2024-06-11 15:30", 0, 0, "2024-06-12"),
        ("2024-06-15 10:00", 0, 0, "2024-06-17"),  # Saturday → Monday
        ("2024-06-11 10:00", 0, 1, "2024-06-12"),  # same-day procedure paused one day
    ],
)
def test_due_date(received, limit, paused, expected):
    """Due = time limit + paused working days after the start day (not counted)."""
    assert due_date(at(received), limit, REAL, paused) == D(expected)


@pytest.mark.parametrize(("limit", "paused"), [(-1, 0), (3, -1)])
def test_due_date_rejects_negative_counts(limit, paused):
    """A negative time limit or pause is a data error, not a count backwards."""
    with pytest.raises(ValueError, match="không âm"):
        due_date(at("2024-06-11 10:00"), limit, REAL, paused)


def test_apology_does_not_move_the_judged_due_date():
    """An apology's later appointment is kept but the dossier is judged, and counted late, against the original date.

    Received Tue 20/2/2024 10:00 with 3 days: due Fri 23/2. The apology promised
    1/3; resolved 28/2, before the promised date, it is still late.
    """
    due = due_date(at("2024-02-20 10:00"), 3, REAL)
    assert due == D("2024-02-23")
    assert classify_resolved(D("2024-02-28"), due) is Timeliness.LATE
    dossier = DossierFacts(
        code="X",
        unit_code="U",
        field="F",
        level="xa",
        channel=Channel.ONLINE,
        received_at=at("2024-02-20 10:00"),
        resolved_at=at("2024-02-28 10:00"),
        due=due,
        apology_due=D("2024-03-01"),
    )
    stats = period_stats([dossier], D("2024-02-01"), D("2024-02-29"))
    assert (stats.resolved_late, stats.resolved_on_time, stats.resolved_early) == (1, 0, 0)


# -- regimes -----------------------------------------------------------------------


def test_regime_for_switches_on_1_july_2025():
    """Decree 61/2018 (+107/2021) rules to 30/6/2025, Decree 118/2025 from 1/7/2025."""
    assert regime_for(D("2025-06-30")) is REGIME_DECREE_61
    assert regime_for(D("2025-07-01")) is REGIME_DECREE_118
    assert regime_for(D("2015-01-01")) is REGIME_DECREE_61
    assert DEFAULT_REGIMES == (REGIME_DECREE_61, REGIME_DECREE_118)


def test_regime_for_refuses_gaps_and_overlaps():
    """A day no regime covers, or that two cover, is a data error."""
    a = Regime("a", "A", None, D("2025-06-30"))
    b = Regime("b", "B", D("2025-07-02"), None)
    with pytest.raises(LookupError):
        regime_for(D("2025-07-01"), (a, b))
    overlapping = Regime("c", "C", D("2025-06-30"), None)
    with pytest.raises(ValueError, match="Nhiều"):
        regime_for(D("2025-06-30"), (a, overlapping))
    with pytest.raises(ValueError, match="hiệu lực"):
        Regime("d", "D", D("2025-07-02"), D("2025-07-01"))


def test_the_regime_of_the_receipt_date_decides_the_cutoff():
    """The parameters are data: a regime with a 16:00 cut-off from 1/7/2025 changes only dossiers from that day.

    Monday 30/6/2025 15:30 (old regime, 15:00) starts Tue 1/7; Tuesday 1/7/2025 15:30
    (new test regime, 16:00) starts that same day.
    """
    later = dataclasses.replace(REGIME_DECREE_118, receipt_cutoff=dt.time(16, 0))
    regimes = (REGIME_DECREE_61, later)
    assert start_day(at("2025-06-30 15:30"), REAL, regimes=regimes) == D("2025-07-01")
    assert start_day(at("2025-07-01 15:30"), REAL, regimes=regimes) == D("2025-07-01")
    assert start_day(at("2025-07-01 16:00"), REAL, regimes=regimes) == D("2025-07-02")
    # With the default regimes both sides of the switch use 15:00.
    assert start_day(at("2025-07-01 15:30"), REAL) == D("2025-07-02")
    # No cut-off at all: only days off move the start.
    no_cutoff = (dataclasses.replace(REGIME_DECREE_61, receipt_cutoff=None), REGIME_DECREE_118)
    assert start_day(at("2025-06-30 23:00"), REAL, regimes=no_cutoff) == D("2025-06-30")


def test_a_regime_that_counts_the_start_day():
    """When the start day is day 1, a 3-day limit from Tue 11/6/2024 ends Thu 13/6 (11, 12, 13); 0 stays 11/6."""
    counted = (dataclasses.replace(REGIME_DECREE_61, start_day_counted=True), REGIME_DECREE_118)
    assert due_date(at("2024-06-11 10:00"), 3, REAL, regimes=counted) == D("2024-06-13")
    assert due_date(at("2024-06-11 10:00"), 0, REAL, regimes=counted) == D("2024-06-11")
    assert due_date(at("2024-06-11 10:00"), 1, REAL, 1, regimes=counted) == D("2024-06-12")


# -- classification ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("resolved", "expected"),
    [("2024-06-13", Timeliness.EARLY), ("2024-06-14", Timeliness.ON_TIME), ("2024-06-15", Timeliness.LATE)],
)
def test_classify_resolved_boundaries(resolved, expected):
    """Due Friday 14/6/2024: the day before is early, the day itself on time, the day after late."""
    assert classify_resolved(D(resolved), D("2024-06-14")) is expected
    assert Timeliness.ON_TIME == "on_time"


def test_classify_open_boundaries():
    """Unresolved at the end of 29/2: due 29/2 or later is within time, due 28/2 is overdue."""
    assert classify_open(D("2024-02-29"), D("2024-02-29")) is OpenStatus.WITHIN_TIME
    assert classify_open(D("2024-03-01"), D("2024-02-29")) is OpenStatus.WITHIN_TIME
    assert classify_open(D("2024-02-28"), D("2024-02-29")) is OpenStatus.OVERDUE


def test_resolution_date_is_the_local_date():
    """Resolved 16:59 UTC on 14/6 is 23:59 in Hà Nội (on time); 17:00 UTC is 00:00 on 15/6 (late)."""

    def resolved(moment):
        return DossierFacts("X", "U", "F", "xa", Channel.COUNTER, at("2024-06-11 10:00"), moment, D("2024-06-14"))

    on_time = resolved(dt.datetime(2024, 6, 14, 16, 59, tzinfo=UTC))
    late = resolved(dt.datetime(2024, 6, 14, 17, 0, tzinfo=UTC))
    assert on_time.resolved_on == D("2024-06-14")
    assert late.resolved_on == D("2024-06-15")
    assert classify_resolved(on_time.resolved_on, on_time.due) is Timeliness.ON_TIME
    assert classify_resolved(late.resolved_on, late.due) is Timeliness.LATE


def test_dossier_facts_refuse_impossible_values():
    """Resolved before received, a naive time or an unknown channel are refused."""
    received, due = at("2024-06-11 10:00"), D("2024-06-11")
    with pytest.raises(ValueError, match="trước"):
        DossierFacts("X", "U", "F", "xa", Channel.ONLINE, received, at("2024-06-11 09:00"), due)
    with pytest.raises(ValueError, match="múi giờ"):
        DossierFacts("X", "U", "F", "xa", Channel.ONLINE, dt.datetime(2024, 6, 11, 10), None, D("2024-06-11"))
    with pytest.raises(ValueError, match="fax"):
        DossierFacts("X", "U", "F", "xa", "fax", received, None, due)
    # A plain string from an import is coerced to the enum.
    assert DossierFacts("X", "U", "F", "xa", "post", received, None, due).channel is Channel.POST


# -- on-time rate ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (7, 10, "70.00"),
        (2, 3, "66.67"),
        (1, 3, "33.33"),
        (1, 6, "16.67"),
        (1, 8, "12.50"),
        (1, 32, "3.13"),  # 3.125: half up, not half even (3.12)
        (3, 32, "9.38"),  # 9.375
        (1, 40, "2.50"),
        (0, 5, "0.00"),
        (5, 5, "100.00"),
        (0, 0, None),
    ],
)
def test_rate_percent(numerator, denominator, expected):
    """Percent with exactly 2 decimals, rounded half up; None when nothing was resolved."""
    rate = rate_percent(numerator, denominator)
    if expected is None:
        assert rate is None
    else:
        assert isinstance(rate, Decimal)
        assert str(rate) == expected


# -- Biểu 06 on hand-built dossiers ------------------------------------------------

FROM, TO = D("2024-02-01"), D("2024-02-29")

# Period 1–29/2/2024, across Tết 2024 (Thu 8/2 – Wed 14/2 off). Working days in Feb:
# 1, 2, 5, 6, 7, 15, 16, 19–23, 26–29. Every due date below is hand-computed from the
# time limit (checked against due_date() in a separate test). "bucket" says where the
# dossier lands: rec = received in the period, co = carried over; then resolved
# early/on time/late, or in progress within/overdue at the end of 29/2; "-" = not counted.
#
# code unit channel  received            limit paused due         resolved             bucket
ROWS = [
    # received 15/1, 10 days: 16–19, 22–26, 29/1 → due 29/1; resolved before the period.
    ("A1", "U1", "online", "2024-01-15 10:00", 10, 0, "2024-01-29", "2024-01-26 10:00"),  # -
    # 22/1, 10 days: 23–26, 29–31, 1/2, 2/2, 5/2 → 5/2; resolved 2/2 → received before, resolved inside.
    ("A2", "U1", "counter", "2024-01-22 09:00", 10, 0, "2024-02-05", "2024-02-02 14:00"),  # co, early
    # Wed 31/1 16:00 → starts Thu 1/2; 5 days: 2, 5, 6, 7, 15/2 → 15/2; resolved 16/2.
    ("A3", "U1", "post", "2024-01-31 16:00", 5, 0, "2024-02-15", "2024-02-16 10:00"),  # co, late
    # 29/1, 3 days: 30, 31/1, 1/2 → 1/2; never resolved.
    ("A4", "U1", "online", "2024-01-29 08:00", 3, 0, "2024-02-01", None),  # co, in progress overdue
    # Thu 1/2 08:00 (the first day), same-day procedure → 1/2; resolved 1/2.
    ("A5", "U1", "online", "2024-02-01 08:00", 0, 0, "2024-02-01", "2024-02-01 11:00"),  # rec, on time
    # Fri 2/2 14:59 → starts 2/2; 2 days: 5, 6/2; resolved 6/2 16:00.
    ("A6", "U1", "counter", "2024-02-02 14:59", 2, 0, "2024-02-06", "2024-02-06 16:00"),  # rec, on time
    # Fri 2/2 15:00 → starts Mon 5/2; 2 days: 6, 7/2; resolved after Tết, 15/2.
    ("A7", "U1", "online", "2024-02-02 15:00", 2, 0, "2024-02-07", "2024-02-15 09:00"),  # rec, late
    # Wed 7/2, 5 days + 2 paused: 15, 16, 19, 20, 21, 22, 23/2 → 23/2; resolved 22/2.
    ("A8", "U1", "counter", "2024-02-07 10:00", 5, 2, "2024-02-23", "2024-02-22 10:00"),  # rec, early
    # Sat 10/2 (in Tết) → starts Thu 15/2; 10 days: 16, 19–23, 26–29 → 29/2 = the period end.
    ("A9", "U1", "online", "2024-02-10 09:00", 10, 0, "2024-02-29", None),  # rec, in progress within
    # Mon 26/2, 5 days: 27, 28, 29/2, 1/3, 4/3 → 4/3; resolved late on the last day 29/2.
    ("A10", "U2", "post", "2024-02-26 10:00", 5, 0, "2024-03-04", "2024-02-29 23:30"),  # rec, early
    # Tue 20/2, 3 days: 21, 22, 23/2 → 23/2; apology promised 1/3; resolved 28/2.
    ("A11", "U2", "online", "2024-02-20 10:00", 3, 0, "2024-02-23", "2024-02-28 10:00"),  # rec, late
    # Thu 15/2, 7 days: 16, 19–23, 26 → 26/2; resolved only on 1/3, after the period.
    ("A12", "U2", "counter", "2024-02-15 10:00", 7, 0, "2024-02-26", "2024-03-01 09:00"),  # rec, in progress overdue
    # Thu 29/2 15:30 → starts Fri 1/3; 1 day → Mon 4/3. Received on the last day (by receipt date).
    ("A13", "U2", "online", "2024-02-29 15:30", 1, 0, "2024-03-04", None),  # rec, in progress within
    # Fri 1/3, after the period: 1 day → 4/3.
    ("A14", "U3", "online", "2024-03-01 09:00", 1, 0, "2024-03-04", None),  # -
    # Fri 12/1, 30 days: 15–19 (5), 22–26 (10), 29–31 (13), 1–2/2 (15), 5–7/2 (18),
    # 15–16/2 (20), 19–23/2 (25), 26–29/2 (29), 1/3 (30) → 1/3.
    ("A15", "U2", "counter", "2024-01-12 10:00", 30, 0, "2024-03-01", None),  # co, in progress within
    # Wed 31/1, 1 day → 1/2; resolved 31/1 17:00 UTC = 1/2 00:00 local, inside the period.
    ("A16", "U2", "online", "2024-01-31 09:00", 1, 0, "2024-02-01", "2024-01-31T17:00:00+00:00"),  # co, on time
    # The same, resolved 16:59:59 UTC = 31/1 23:59:59 local, before the period.
    ("A17", "U3", "online", "2024-01-31 09:00", 1, 0, "2024-02-01", "2024-01-31T16:59:59+00:00"),  # -
    # Mon 19/2, 5 days: 20, 21, 22, 23, 26/2 → 26/2; resolved 20/2.
    ("A18", "U2", "online", "2024-02-19 10:00", 5, 0, "2024-02-26", "2024-02-20 10:00"),  # rec, early
]
APOLOGY = {"A11": D("2024-03-01")}
FIELDS = {"U1": ("Hộ tịch", "xa"), "U2": ("Đất đai", "huyen"), "U3": ("Tư pháp", "tinh")}

# Expected counts, by hand from the bucket column.
#
#                          total  U1  U2  (U3: nothing counted, no row)
# received                   10    5   5   U1: A5 A6 A7 A8 A9; U2: A10 A11 A12 A13 A18
#   online                    6    3   3   U1: A5 A7 A9; U2: A11 A13 A18
#   counter + post            4    2   2   U1: A6 A8; U2: A10 A12
# carried over                5    3   2   U1: A2 A3 A4; U2: A15 A16
# resolved                   10    6   4
#   early                     4    2   2   U1: A2 A8; U2: A10 A18
#   on time                   3    2   1   U1: A5 A6; U2: A16
#   late                      3    2   1   U1: A3 A7; U2: A11
# in progress                 5    2   3
#   within time               3    1   2   U1: A9; U2: A13 A15
#   overdue                   2    1   1   U1: A4; U2: A12
# on-time rate            70.00 66.67 75.00  (7/10, 4/6, 3/4)
EXPECTED_TOTAL = Stats(10, 6, 4, 5, 10, 4, 3, 3, 5, 3, 2, Decimal("70.00"))
EXPECTED_U1 = Stats(5, 3, 2, 3, 6, 2, 2, 2, 2, 1, 1, Decimal("66.67"))
EXPECTED_U2 = Stats(5, 3, 2, 2, 4, 2, 1, 1, 3, 2, 1, Decimal("75.00"))


def _moment(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=VN)


def _dossiers() -> list[DossierFacts]:
    return [
        DossierFacts(
            code=code,
            unit_code=unit,
            field=FIELDS[unit][0],
            level=FIELDS[unit][1],
            channel=Channel(channel),
            received_at=_moment(received),
            resolved_at=_moment(resolved) if resolved else None,
            due=D(due),
            apology_due=APOLOGY.get(code),
        )
        for code, unit, channel, received, _limit, _paused, due, resolved in ROWS
    ]


@pytest.mark.parametrize("row", ROWS, ids=[row[0] for row in ROWS])
def test_the_table_due_dates_are_what_due_date_computes(row):
    """The hand-written due dates of the statistics table agree with due_date()."""
    _code, _unit, _channel, received, limit, paused, due, _resolved = row
    assert due_date(_moment(received), limit, REAL, paused) == D(due)


def test_period_stats_on_hand_built_dossiers():
    """Every Biểu 06 figure for February 2024 matches the hand count."""
    assert period_stats(_dossiers(), FROM, TO) == EXPECTED_TOTAL


def test_group_stats_on_hand_built_dossiers():
    """Per unit × field × level; U3 (nothing counted in the period) has no row; rows add up to the total."""
    rows = group_stats(_dossiers(), FROM, TO)
    assert rows == {("U1", "Hộ tịch", "xa"): EXPECTED_U1, ("U2", "Đất đai", "huyen"): EXPECTED_U2}
    assert EXPECTED_U1 + EXPECTED_U2 == EXPECTED_TOTAL


def test_group_stats_with_a_custom_key():
    """Grouping by channel: online has A4 A5 A7 A9 A11 A13 A16 A18 counted; rate (1 + 2) / 5 = 60.00."""
    rows = group_stats(_dossiers(), FROM, TO, key=lambda d: d.channel)
    online = rows[Channel.ONLINE]
    # online counted: carried over A4 A16; received A5 A7 A9 A11 A13 A18;
    # resolved A5 (on time), A7 (late), A11 (late), A16 (on time), A18 (early);
    # in progress A4 (overdue), A9 (within), A13 (within).
    assert online == Stats(6, 6, 0, 2, 5, 1, 2, 2, 3, 2, 1, Decimal("60.00"))


def test_stats_keys_are_those_of_dossier_stats():
    """as_dict() gives exactly the keys of the dossier_stats command, in order."""
    assert list(EXPECTED_TOTAL.as_dict()) == [
        "received",
        "received_online",
        "received_counter_post",
        "carried_over",
        "resolved",
        "resolved_early",
        "resolved_on_time",
        "resolved_late",
        "in_progress",
        "in_progress_within_time",
        "in_progress_overdue",
        "on_time_rate",
    ]


def test_nothing_resolved_gives_no_rate():
    """With nothing resolved in the period the rate is None, not 0."""
    stats = period_stats(_dossiers(), D("2024-03-02"), D("2024-03-03"))
    # Counted: A4, A9, A13, A14, A15, all received before 2/3 and open on 3/3 (carried
    # over and in progress); A12 was resolved on 1/3, before the period.
    assert (stats.resolved, stats.in_progress, stats.carried_over, stats.on_time_rate) == (0, 5, 5, None)


def test_an_empty_input_and_a_reversed_period():
    """No dossiers give all zeros; a period that ends before it starts is refused."""
    assert period_stats([], FROM, TO) == Stats()
    assert group_stats([], FROM, TO) == {}
    with pytest.raises(ValueError, match="Kỳ"):
        period_stats([], TO, FROM)


# -- properties --------------------------------------------------------------------

WINDOW_START = dt.datetime(2024, 1, 1, tzinfo=VN)
_minutes = st.integers(min_value=0, max_value=120 * 24 * 60)


@st.composite
def dossier_facts(draw: st.DrawFn) -> DossierFacts:
    received_at = WINDOW_START + dt.timedelta(minutes=draw(_minutes))
    resolved_at = None
    if draw(st.booleans()):
        resolved_at = received_at + dt.timedelta(minutes=draw(st.integers(min_value=0, max_value=60 * 24 * 60)))
    due = received_at.date() + dt.timedelta(days=draw(st.integers(min_value=0, max_value=60)))
    return DossierFacts(
        code="X",
        unit_code=draw(st.sampled_from(["U1", "U2", "U3"])),
        field="F",
        level=draw(st.sampled_from(["xa", "huyen"])),
        channel=draw(st.sampled_from(list(Channel))),
        received_at=received_at,
        resolved_at=resolved_at,
        due=due,
    )


@settings(max_examples=300, deadline=None)
@given(
    dossiers=st.lists(dossier_facts(), max_size=40),
    start=st.integers(min_value=0, max_value=130),
    length=st.integers(min_value=0, max_value=40),
)
def test_the_columns_always_add_up(dossiers, start, length):
    """Splits sum to totals, each dossier received by `to` lands in one place, groups sum to the total."""
    date_from = WINDOW_START.date() + dt.timedelta(days=start)
    date_to = date_from + dt.timedelta(days=length)
    stats = period_stats(dossiers, date_from, date_to)

    assert stats.resolved == stats.resolved_early + stats.resolved_on_time + stats.resolved_late
    assert stats.received == stats.received_online + stats.received_counter_post
    assert stats.in_progress == stats.in_progress_within_time + stats.in_progress_overdue
    assert stats.carried_over + stats.received == stats.resolved + stats.in_progress

    # Independent count: each dossier received by `to` was resolved before `from`, in the
    # period, or is still in progress at the end of `to` – exactly one of them.
    received_by_to = [d for d in dossiers if d.received_on <= date_to]
    before = sum(1 for d in received_by_to if d.resolved_on is not None and d.resolved_on < date_from)
    assert len(received_by_to) == before + stats.resolved + stats.in_progress
    assert stats.received == sum(1 for d in received_by_to if d.received_on >= date_from)

    total = sum(group_stats(dossiers, date_from, date_to).values(), Stats())
    assert total == stats


@settings(max_examples=200, deadline=None)
@given(
    minutes=st.integers(min_value=0, max_value=365 * 24 * 60),
    limit=st.integers(min_value=0, max_value=30),
    paused=st.integers(min_value=0, max_value=10),
)
def test_due_date_is_exactly_limit_plus_pause_working_days_after_start(minutes, limit, paused):
    """working_days_between(start, due) == limit + paused, and a due date after the start is a working day."""
    received_at = dt.datetime(2024, 1, 1, tzinfo=VN) + dt.timedelta(minutes=minutes)
    start = start_day(received_at, REAL)
    due = due_date(received_at, limit, REAL, paused)
    assert REAL.is_working_day(start)
    assert REAL.working_days_between(start, due) == limit + paused
    assert REAL.is_working_day(due)

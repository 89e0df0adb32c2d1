"""The Biểu 06 counters: kept in step by every import, equal to a recomputation from the dossiers."""

import csv
import datetime as dt
import io
import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cchc.core.calendar import work_calendar
from cchc.core.workdays import VN_TZ
from cchc.dossiers import sla
from cchc.dossiers.aggregates import (
    CountDeltas,
    _disjoint,
    aggregate_group_stats,
    aggregate_rows,
    bucket_ranges,
    counter_sums,
    dossier_aggregates_recompute,
    expected_aggregate_rows,
)
from cchc.dossiers.counter_store import (
    COLUMNS,
    MONTH_SLOTS,
    add_days,
    decode_days,
    encode_days,
    write_day_rows,
)
from cchc.dossiers.importing import import_dossiers
from cchc.dossiers.models import Dossier, DossierCount
from cchc.dossiers.selectors import dossier_facts_for_period, dossier_stats, dossier_stats_from_rows
from cchc.dossiers.synthetic import FILE_COLUMNS, generate_dossier_rows, synthetic_procedures, synthetic_units
from cchc.organizations.models import OrgUnit
from cchc.organizations.tests.factories import make_unit
from cchc.procedures.tests.factories import make_procedure

HEADER = "code,procedure_code,unit_code,channel,received_at,resolved_at,outcome\n"
#: Dossiers around Tết 2024 (8–14/2) and the month ends of January to March, some open.
FIRST = HEADER + "".join(
    (
        "A1,TT2,U1,online,2024-01-31T16:00:00+07:00,2024-02-06T09:00:00+07:00,result_issued\n",  # early
        "A2,TT2,U1,counter,2024-02-06T09:00:00+07:00,,\n",  # open across Tết, due 15/2
        "A3,TT5,U2,post,2024-02-07T14:59:00+07:00,2024-02-29T10:00:00+07:00,result_issued\n",
        "A4,TT0,U2,online,2024-02-10T10:00:00+07:00,2024-02-15T08:00:00+07:00,refused\n",  # Tết, late
        "A5,TT30,U3,counter,2024-01-15T09:00:00+07:00,,\n",  # open for months
        "A6,TT1,U3,online,2024-02-29T23:30:00+07:00,2024-03-01T08:00:00+07:00,result_issued\n",
        "A7,TT3,U1,counter,2023-12-29T10:00:00+07:00,2024-01-02T10:00:00+07:00,result_issued\n",
        "A8,TT7,U2,counter,2024-03-29T10:00:00+07:00,,\n",
    )
)
#: The same dossiers later: resolutions arrive, one is re-dated, one moves unit and channel.
SECOND = (
    FIRST.replace(
        "A2,TT2,U1,counter,2024-02-06T09:00:00+07:00,,",
        "A2,TT2,U1,counter,2024-02-06T09:00:00+07:00,2024-02-20T09:00:00+07:00,result_issued",
    )
    .replace(
        "A5,TT30,U3,counter,2024-01-15T09:00:00+07:00,,",
        "A5,TT30,U3,counter,2024-01-15T09:00:00+07:00,2024-04-02T10:00:00+07:00,result_issued",
    )
    .replace("A3,TT5,U2,post,2024-02-07T14:59", "A3,TT5,U2,post,2024-02-07T15:01")
    .replace("A6,TT1,U3,online", "A6,TT1,U1,counter")
    + "A9,TT10,U3,online,2024-02-08T08:00:00+07:00,2024-03-05T08:00:00+07:00,result_issued\n"
)

PERIODS = [
    (dt.date(2023, 12, 1), dt.date(2023, 12, 31)),
    (dt.date(2024, 1, 1), dt.date(2024, 1, 31)),
    (dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
    (dt.date(2024, 3, 1), dt.date(2024, 3, 31)),
    (dt.date(2024, 4, 1), dt.date(2024, 4, 30)),
    (dt.date(2024, 2, 8), dt.date(2024, 2, 14)),  # Tết week
    (dt.date(2024, 2, 15), dt.date(2024, 2, 15)),
    (dt.date(2024, 1, 20), dt.date(2024, 3, 10)),
    (dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    (dt.date(2023, 1, 1), dt.date(2024, 6, 30)),
]


def _import(text: str) -> None:
    summary = import_dossiers(stream=io.StringIO(text), filename="hoso.csv", batch_size=3)
    assert summary.all_accepted, summary.rejected


def _raw_group_stats(date_from: dt.date, date_to: dt.date) -> dict[tuple[int, str, str], sla.Stats]:
    ids = dict(OrgUnit.objects.values_list("code", "pk"))
    facts = dossier_facts_for_period(date_from=date_from, date_to=date_to)
    by_code = sla.group_stats(facts, date_from, date_to)
    return {(ids[unit], field, level): stats for (unit, field, level), stats in by_code.items()}


def _assert_counters_match_the_dossiers(periods: list[tuple[dt.date, dt.date]]) -> None:
    assert aggregate_rows() == expected_aggregate_rows()
    for date_from, date_to in periods:
        assert aggregate_group_stats(date_from=date_from, date_to=date_to) == _raw_group_stats(date_from, date_to), (
            date_from,
            date_to,
        )
        assert dossier_stats(date_from=date_from, date_to=date_to) == dossier_stats_from_rows(
            date_from=date_from, date_to=date_to
        )


@pytest.mark.usefixtures("catalogue")
def test_counters_follow_imports_and_updates_across_month_ends_and_tet():
    """After each import and update the counters equal a recomputation and sla.group_stats, for every period."""
    _import(FIRST)
    _assert_counters_match_the_dossiers(PERIODS)
    _import(SECOND)
    _assert_counters_match_the_dossiers(PERIODS)
    _import(FIRST)  # back to the first version: the deltas of the second are undone
    _assert_counters_match_the_dossiers(PERIODS)
    february = dossier_stats(date_from=dt.date(2024, 2, 1), date_to=dt.date(2024, 2, 29))
    assert february.total.carried_over == 2  # A1 (received 31/1 after 15:00), A5 (open since January)
    assert february.total.in_progress == 4  # A2, A5 open; A6 and A9 (kept from SECOND) resolved in March
    assert february.units["U1"].in_progress_overdue == 1  # A2: due 15/2, still open on 29/2


@pytest.mark.usefixtures("catalogue")
def test_recompute_rebuilds_the_same_counters_and_check_detects_drift():
    """recompute_dossier_aggregates gives what the import maintained; --check fails on a tampered row."""
    _import(SECOND)
    maintained = aggregate_rows()
    assert dossier_aggregates_recompute() == 9
    assert aggregate_rows() == maintained
    out = io.StringIO()
    call_command("recompute_dossier_aggregates", "--check", stdout=out)
    month = DossierCount.objects.filter(grain=DossierCount.Grain.MONTH).first()
    assert month is not None
    deltas = list(decode_days(month.days))
    deltas[14 * len(COLUMNS)] += 7  # received on the 15th, in the array only: the totals still agree
    DossierCount.objects.filter(pk=month.pk).update(days=encode_days(deltas))
    with pytest.raises(CommandError):
        call_command("recompute_dossier_aggregates", "--check", stdout=io.StringIO())
    call_command("recompute_dossier_aggregates", stdout=io.StringIO())
    assert aggregate_rows() == maintained


def test_the_ranges_read_are_disjoint_and_cover_every_bucket_of_every_span_once():
    """Overlapping ranges of a grain merge; other grains and gaps stay apart: each counter row is read once."""
    d = dt.date
    spans = [(d(2023, 1, 1), d(2025, 10, 31)), (d(2025, 1, 1), d(2025, 11, 30)), (d(2025, 11, 1), d(2025, 11, 30))]
    ranges = [r for first, last in spans for r in bucket_ranges(first, last) if r[0] != "D"]
    merged = _disjoint(ranges)
    assert merged == sorted(merged)
    for (grain, _first, last), (next_grain, next_first, _last) in itertools.pairwise(merged):
        assert grain != next_grain or last < next_first
    covered = {(grain, first) for grain, first, _last in ranges} | {(grain, last) for grain, _first, last in ranges}
    assert all(any(g == grain and a <= day <= b for g, a, b in merged) for grain, day in covered)
    assert _disjoint([("Y", d(2020, 1, 1), d(2021, 1, 1)), ("M", d(2025, 3, 1), d(2025, 4, 1))]) == [
        ("M", d(2025, 3, 1), d(2025, 4, 1)),
        ("Y", d(2020, 1, 1), d(2021, 1, 1)),
    ]
    assert _disjoint([("M", d(2025, 1, 1), d(2025, 2, 1)), ("M", d(2025, 4, 1), d(2025, 5, 1))]) == [
        ("M", d(2025, 1, 1), d(2025, 2, 1)),
        ("M", d(2025, 4, 1), d(2025, 5, 1)),
    ]


def test_bucket_ranges_cover_exactly_the_days_with_few_ranges():
    """Every day of [first, last] is in exactly one bucket of the ranges, in at most five ranges."""
    starts = [dt.date(2023, 1, 1), dt.date(2023, 12, 31), dt.date(2024, 2, 1), dt.date(2024, 2, 15)]
    ends = [dt.date(2024, 2, 29), dt.date(2024, 3, 1), dt.date(2025, 12, 31), dt.date(2026, 1, 5)]
    for first, last in itertools.product(starts, ends):
        ranges = bucket_ranges(first, last)
        assert len(ranges) <= 5
        covered = []
        for grain, a, b in ranges:
            day = a
            while day <= b:
                step = {"D": 1, "M": 32, "Y": 366}[grain]
                bucket_end = day if grain == "D" else None
                if grain == "M":
                    bucket_end = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
                elif grain == "Y":
                    bucket_end = dt.date(day.year, 12, 31)
                assert bucket_end is not None
                covered.extend(day + dt.timedelta(days=n) for n in range((bucket_end - day).days + 1))
                day = (day + dt.timedelta(days=step)).replace(day=1) if grain != "D" else day + dt.timedelta(days=1)
                if grain == "Y":
                    day = dt.date(day.year, 1, 1)
        expected = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
        assert covered == expected, (first, last, ranges)


@pytest.mark.django_db
def test_counters_of_a_synthetic_province_match_for_every_month_and_odd_periods():
    """300 synthetic dossiers over 2023–2024 (holidays, 15:00, pauses), imported then partly updated."""
    units = synthetic_units(6)
    procedures = synthetic_procedures(9, seed=3)
    for unit in units:
        make_unit(code=unit.code)
    for procedure in procedures:
        make_procedure(
            code=procedure.code, time_limit_days=procedure.time_limit_days, field=procedure.field, level=procedure.level
        )
    rows = list(
        generate_dossier_rows(
            units=units,
            procedures=procedures,
            count=300,
            date_from=dt.date(2023, 11, 1),
            date_to=dt.date(2024, 3, 31),
            seed=5,
            calendar=work_calendar(),
        )
    )

    def as_csv(items: list[dict[str, str]]) -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=FILE_COLUMNS)
        writer.writeheader()
        writer.writerows(items)
        return out.getvalue()

    assert import_dossiers(stream=io.StringIO(as_csv(rows[:200])), filename="a.csv", batch_size=64).all_accepted
    # Later export: every third dossier loses or changes its resolution, the rest arrive.
    for index, row in enumerate(rows[:200]):
        if index % 3 == 0:
            row["resolved_at"] = row["returned_at"] = row["outcome"] = ""
        elif index % 3 == 1 and row["resolved_at"]:
            row["resolved_at"] = row["returned_at"] = "2024-04-02T09:00:00+07:00"
    assert import_dossiers(stream=io.StringIO(as_csv(rows)), filename="b.csv", batch_size=64).all_accepted
    months = [(dt.date(2023, m, 1), dt.date(2023, m + 1, 1) - dt.timedelta(days=1)) for m in (10, 11)]
    months += [(dt.date(2023, 12, 1), dt.date(2023, 12, 31))]
    months += [(dt.date(2024, m, 1), dt.date(2024, m + 1, 1) - dt.timedelta(days=1)) for m in range(1, 6)]
    odd = [(dt.date(2024, 2, 3), dt.date(2024, 2, 17)), (dt.date(2023, 12, 25), dt.date(2024, 1, 5))]
    _assert_counters_match_the_dossiers(months + odd)


@pytest.mark.django_db
def test_a_stored_row_is_counted_exactly_as_its_values():
    """``add_row`` (the import's text path) and ``add`` (datetimes) give the same deltas, both signs.

    300 synthetic dossiers around Tết 2024 and a month end, each also resolved a day, a
    week or never (late, early, open, the overdue window crossing month ends).
    """
    from cchc.dossiers.io import DossierValues
    from cchc.dossiers.stored_rows import stored_row

    received = dt.datetime(2024, 1, 25, 16, 30, tzinfo=dt.UTC)
    by_add, by_row = CountDeltas(), CountDeltas()
    for n in range(300):
        start = received + dt.timedelta(hours=7 * n)
        resolved = None if n % 5 == 0 else start + dt.timedelta(days=(n % 9) * 2, minutes=n)
        values = DossierValues(
            code=f"X{n}", procedure_id=1, unit_id=1 + n % 3, channel=("online", "counter", "post")[n % 3],
            received_at=start, start_day=start.date(), due_date=(start + dt.timedelta(days=n % 11)).date(),
            source_due_date=None, due_disagrees=False, resolved_at=resolved, returned_at=None, outcome="",
            paused_working_days=0, apology_new_due_date=None, paid_online=n % 2 == 0, digitized=n % 3 == 0,
            electronic_result=n % 4 == 0, supplement_requested_at=None,
            apology_sent_on=start.date() if n % 6 == 0 else None, handling_unit_codes="",
            field=("Hộ tịch", "Đất đai")[n % 2], level="commune",
        )  # fmt: skip
        sign = -1 if n % 7 == 0 else 1
        by_add.add(
            unit_id=values.unit_id, field=values.field, level=values.level, channel=values.channel,
            received_at=values.received_at, resolved_at=values.resolved_at, due=values.due_date,
            paid_online=values.paid_online, digitized=values.digitized, electronic_result=values.electronic_result,
            apologized=values.apology_sent_on is not None, sign=sign,
        )  # fmt: skip
        by_row.add_row(stored_row(values), sign=sign)
    assert by_row.days == by_add.days
    assert sorted(by_row.bucket_rows()) == sorted(by_add.bucket_rows())
    months = {row[1] for row in by_add.bucket_rows() if row[0] == "M"}
    assert {"2024-01-01", "2024-02-01", "2024-03-01"} <= months


# -- month rows with day arrays -------------------------------------------------------------

#: Periods that start and end inside months: both ends partial, inside one month, across a year end.
PARTIAL_PERIODS = [
    (dt.date(2024, 1, 20), dt.date(2024, 3, 10)),
    (dt.date(2024, 2, 8), dt.date(2024, 2, 14)),
    (dt.date(2024, 2, 29), dt.date(2024, 2, 29)),
    (dt.date(2023, 12, 25), dt.date(2024, 1, 5)),
    (dt.date(2023, 12, 30), dt.date(2024, 4, 2)),
    (dt.date(2023, 6, 15), dt.date(2024, 2, 15)),
]


def _raw_sums(date_from: dt.date, date_to: dt.date) -> dict[int, dict[str, int]]:
    """The receipt- and resolution-day columns of ``counter_sums`` counted from the dossiers, independently."""
    sums: dict[int, dict[str, int]] = {}
    for dossier in Dossier.objects.all():
        unit = sums.setdefault(dossier.unit_id, dict.fromkeys(COLUMNS, 0))
        received_on = dossier.received_at.astimezone(VN_TZ).date()
        if date_from <= received_on <= date_to:
            unit["received"] += 1
            unit["received_online"] += dossier.channel == "online"
            unit["paid_online"] += dossier.paid_online
            unit["digitized"] += dossier.digitized
        if dossier.resolved_at is not None and date_from <= dossier.resolved_at.astimezone(VN_TZ).date() <= date_to:
            resolved_on = dossier.resolved_at.astimezone(VN_TZ).date()
            column = "resolved_early" if resolved_on < dossier.due_date else "resolved_on_time"
            unit["resolved_late" if resolved_on > dossier.due_date else column] += 1
            unit["electronic_result"] += dossier.electronic_result
    return sums


def _sums_without_overdue(sums: dict[int, dict[str, int]]) -> dict[int, dict[str, int]]:
    keep = [name for name in COLUMNS if name not in ("overdue", "late_apologized")]
    return {unit: {name: values[name] for name in keep} for unit, values in sums.items() if any(values.values())}


@pytest.mark.usefixtures("catalogue")
def test_periods_inside_months_equal_a_recomputation_from_the_dossiers():
    """Partial months at both ends, within one month and across a year end: counters = raw rows."""
    _import(FIRST)
    _import(SECOND)
    _assert_counters_match_the_dossiers(PARTIAL_PERIODS)
    for date_from, date_to in PARTIAL_PERIODS:
        counted = counter_sums(date_from=date_from, date_to=date_to)
        assert _sums_without_overdue(counted) == _sums_without_overdue(_raw_sums(date_from, date_to)), (
            date_from,
            date_to,
        )
    # The Tết week alone: A4 received online on 10/2 (U2), A9 on 8/2 (U3); nothing resolved.
    ids = dict(OrgUnit.objects.values_list("code", "pk"))
    tet = counter_sums(date_from=dt.date(2024, 2, 8), date_to=dt.date(2024, 2, 14), columns=("received",))
    assert {unit: sums["received"] for unit, sums in tet.items() if sums["received"]} == {ids["U2"]: 1, ids["U3"]: 1}
    only_u1 = counter_sums(
        date_from=dt.date(2024, 1, 20), date_to=dt.date(2024, 3, 10), by_group=True, unit_ids=[ids["U1"]]
    )
    assert only_u1
    assert {unit for unit, _field, _level in only_u1} == {ids["U1"]}
    assert counter_sums(date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 3, 1), unit_ids=[]) == {}


@pytest.mark.usefixtures("catalogue")
def test_a_later_batch_adds_to_the_month_rows_already_stored():
    """A second batch in the same months updates the stored rows in place (read, add, write back by id)."""
    _import(FIRST)
    before = {pk: bytes(days) for pk, days in DossierCount.objects.values_list("pk", "days")}
    more = HEADER + "B1,TT2,U1,online,2024-02-06T10:00:00+07:00,2024-02-07T09:00:00+07:00,result_issued\n"
    more += "B2,TT2,U1,counter,2024-02-20T10:00:00+07:00,,\n"
    _import(more)
    after = {pk: bytes(days) for pk, days in DossierCount.objects.values_list("pk", "days")}
    assert set(before) <= set(after)  # no month or year row was replaced
    assert any(after[pk] != before[pk] for pk in before)
    _assert_counters_match_the_dossiers(PERIODS + PARTIAL_PERIODS)


@pytest.mark.django_db
def test_write_day_rows_merges_batches_and_duplicate_days():
    """Day rows written in two calls (and with a day twice) equal the same rows written at once."""
    unit = make_unit(code="W1")
    one = [(unit.pk, "Hộ tịch", "commune", "2024-02-29", *range(1, 11))]
    two = [
        (unit.pk, "Hộ tịch", "commune", "2024-02-29", *([-1] * 10)),
        (unit.pk, "Hộ tịch", "commune", "2024-02-29", 0, 0, 0, 0, 0, 5, 0, 0, 0, 0),
        (unit.pk, "Hộ tịch", "commune", "2024-03-01", 1, 0, 0, 0, 0, -1, 0, 0, 0, 0),
    ]
    assert write_day_rows(one) == 2  # February and 2024
    assert write_day_rows(two) == 3  # February, March and 2024
    day = (unit.pk, "Hộ tịch", "commune")
    assert aggregate_rows() == {
        ("D", dt.date(2024, 2, 29), *day): (0, 1, 2, 3, 4, 10, 6, 7, 8, 9),
        ("M", dt.date(2024, 2, 1), *day): (0, 1, 2, 3, 4, 10, 6, 7, 8, 9),
        ("D", dt.date(2024, 3, 1), *day): (1, 0, 0, 0, 0, -1, 0, 0, 0, 0),
        ("M", dt.date(2024, 3, 1), *day): (1, 0, 0, 0, 0, -1, 0, 0, 0, 0),
        ("Y", dt.date(2024, 1, 1), *day): (1, 1, 2, 3, 4, 9, 6, 7, 8, 9),
    }
    assert DossierCount.objects.get(grain="Y").days == b""


@pytest.mark.usefixtures("catalogue")
def test_an_update_moves_the_resolution_to_another_month():
    """A dossier resolved in February, then (corrected) in March: February's row loses it, March's gains it."""
    text = HEADER + "M1,TT10,U3,online,2024-02-05T09:00:00+07:00,2024-02-27T09:00:00+07:00,result_issued\n"
    _import(text)
    _import(text.replace("2024-02-27T09:00", "2024-03-12T09:00"))
    unit = OrgUnit.objects.get(code="U3").pk
    february, march = (
        counter_sums(date_from=first, date_to=last, columns=("resolved_early", "resolved_on_time", "resolved_late"))
        for first, last in ((dt.date(2024, 2, 1), dt.date(2024, 2, 29)), (dt.date(2024, 3, 1), dt.date(2024, 3, 31)))
    )
    assert sum(february[unit].values()) == 0
    assert sum(march[unit].values()) == 1
    stored, zero = aggregate_rows(), (0,) * len(COLUMNS)
    resolved = [COLUMNS.index(name) for name in ("resolved_early", "resolved_on_time", "resolved_late")]
    old_day = stored.get(("D", dt.date(2024, 2, 27), unit, "Đầu tư", "province"), zero)
    new_day = stored.get(("D", dt.date(2024, 3, 12), unit, "Đầu tư", "province"), zero)
    assert [old_day[i] for i in resolved] == [0, 0, 0]
    assert sum(new_day[i] for i in resolved) == 1
    _assert_counters_match_the_dossiers(PERIODS + PARTIAL_PERIODS)


def test_the_day_array_encoding_round_trips_negative_deltas_and_adds_lane_by_lane():
    """Overdue −1 and other negatives survive encoding; ``add_days`` equals adding day by day; overflow fails."""
    width = MONTH_SLOTS * len(COLUMNS)
    values = [((n * 7919) % 23) - 11 for n in range(width)]
    values[5] = -1  # overdue −1 on day 1
    values[-1] = -(2**31)
    assert decode_days(encode_days(values)) == tuple(values)
    others = [((n * 104729) % 19) - 9 for n in range(width)]
    others[-1] = 2**31 - 1
    assert decode_days(add_days(encode_days(values), encode_days(others))) == tuple(
        a + b for a, b in zip(values, others, strict=True)
    )
    assert decode_days(add_days(encode_days([-1] * width), encode_days([1] * width))) == (0,) * width
    with pytest.raises(OverflowError):
        add_days(encode_days([2**31 - 1] * width), encode_days([1] * width))
    with pytest.raises(OverflowError):
        add_days(encode_days([-(2**31)] * width), encode_days([-1] * width))
    with pytest.raises(OverflowError):
        encode_days([2**31] * width)
    with pytest.raises(ValueError, match="1240"):
        decode_days(b"\x00" * 12)


@pytest.mark.usefixtures("catalogue")
def test_a_late_resolution_stores_overdue_minus_one_on_its_day():
    """A2 (due 15/2) resolved on 20/2: +1 overdue on 16/2 and −1 on 20/2 in February's day array."""
    _import(SECOND)
    unit = OrgUnit.objects.get(code="U1").pk
    stored = aggregate_rows()
    overdue = COLUMNS.index("overdue")
    assert stored["D", dt.date(2024, 2, 16), unit, "Hộ tịch", "commune"][overdue] == 1
    assert stored["D", dt.date(2024, 2, 20), unit, "Hộ tịch", "commune"][overdue] == -1

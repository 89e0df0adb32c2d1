"""The month's table and a unit's year against figures counted by hand (see ``factories``)."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from cchc.core.errors import ApplicationError
from cchc.indicators.models import Indicator, IndicatorSet
from cchc.indicators.selectors import (
    CellStatus,
    Row,
    indicator_set_for_month,
    indicator_sets,
    indicator_table,
    indicator_trend,
    indicator_years,
)
from cchc.indicators.tests.factories import SET_CODE, June

D = Decimal
AFTER = dt.date(2024, 8, 1)  # "today" for a June that is over

pytestmark = pytest.mark.django_db


def _cells(row: Row) -> dict[str, tuple[Any, ...]]:
    """``{indicator: (numerator, denominator, rate %, points, status)}``."""
    return {
        c.indicator.code: (c.numerator, c.denominator, c.rate_percent, c.points_rounded, c.status.value)
        for c in row.cells
    }


def _rows(table: Any) -> dict[str, Row]:
    return {row.unit_code: row for row in table.rows}


def test_the_shipped_set_is_decision_766_with_100_points() -> None:
    (shipped,) = indicator_sets()

    assert shipped.code == SET_CODE
    assert shipped.effective_from == dt.date(2022, 6, 23)
    assert shipped.effective_to is None
    assert shipped.max_points == D(100)
    weights = {i.group: i.max_points for i in shipped.indicators}
    assert weights == {
        "publicity": D(18),
        "progress": D(20),
        "online": D(12),
        "payment": D(10),
        "digitisation": D(22),
        "satisfaction": D(18),
    }
    assert [i.source for i in shipped.indicators] == [
        "manual", "progress", "online", "payment", "digitisation", "satisfaction",
    ]  # fmt: skip
    assert "tỉnh thay bằng chỉ tiêu của mình" in shipped.note
    assert all(i.formula for i in shipped.indicators)


def test_unit_rows_equal_the_hand_count(june: June) -> None:
    """SA: 7 received in June (3 online, 3 paid, 4 digitised), 1 carried over (A4), resolved 4
    (early A1, on time A2, late A3 and A4), in progress at 30/6: A5, A7, A8 within time, A6 overdue;
    ratings in June: A1 18, A2 12, A9 15 (A3's, at 00:10 on 1/7, is July's)."""
    table = indicator_table(year=2024, month=6, today=AFTER)
    rows = _rows(table)

    assert list(rows) == ["X1", "SA", "SB"]  # tree order; H1's value is May's, SA-1 has nothing
    assert _cells(rows["SA"]) == {
        "cong-khai": (None, None, D("90.00"), D("16.20"), "ok"),  # 0.9 × 18 / 1
        "tien-do": (5, 8, D("62.50"), D("12.76"), "ok"),  # (1 + 1 + 3) / (4 + 4) × 20 / 0.98
        "truc-tuyen": (3, 7, D("42.86"), D("10.29"), "ok"),  # 3/7 × 12 / 0.5
        "thanh-toan": (3, 7, D("42.86"), D("10.00"), "ok"),  # 3/7 ≥ 0.3
        "so-hoa": (4, 7, D("57.14"), D("15.71"), "ok"),  # 4/7 × 22 / 0.8
        "hai-long": (45, 54, D("83.33"), D("15.00"), "ok"),  # mean 15 of 18, no target
    }
    assert rows["SA"].points_rounded == D("79.96")
    assert rows["SA"].total.max_points == D(100)
    assert rows["SA"].total.missing == ()
    assert (rows["SA"].electronic_result.numerator, rows["SA"].electronic_result.denominator) == (3, 4)

    assert _cells(rows["SB"]) == {
        "cong-khai": (None, None, None, None, "not_entered"),
        "tien-do": (1, 2, D("50.00"), D("10.20"), "ok"),
        "truc-tuyen": (0, 2, D("0.00"), D("0.00"), "ok"),
        "thanh-toan": (0, 2, D("0.00"), D("0.00"), "ok"),
        "so-hoa": (1, 2, D("50.00"), D("13.75"), "ok"),
        "hai-long": (0, 0, None, None, "not_applicable"),
    }
    assert rows["SB"].points_rounded == D("23.95")
    assert rows["SB"].total.max_points == D(64)
    assert rows["SB"].missing_names == ["Công khai, minh bạch", "Mức độ hài lòng"]

    # A commune with only an entered value: the other indicators did not occur.
    assert rows["X1"].points_rounded == D("9.00")
    assert rows["X1"].total.max_points == D(18)
    assert rows["X1"].cell("tien-do").status == CellStatus.NOT_APPLICABLE
    assert rows["X1"].cell("tien-do").status_label == "không phát sinh"
    assert rows["SB"].cell("cong-khai").status_label == "chưa nhập"


def test_total_row_applies_the_formulas_to_the_sums(june: June) -> None:
    """Progress 6/10 (not the mean 0.5625 of 5/8 and 1/2); publicity the mean of the 2 entered rates."""
    total = indicator_table(year=2024, month=6, today=AFTER).total

    assert total is not None
    assert total.unit_code is None
    assert _cells(total) == {
        "cong-khai": (None, None, D("70.00"), D("12.60"), "ok"),
        "tien-do": (6, 10, D("60.00"), D("12.24"), "ok"),
        "truc-tuyen": (3, 9, D("33.33"), D("8.00"), "ok"),
        "thanh-toan": (3, 9, D("33.33"), D("10.00"), "ok"),
        "so-hoa": (5, 9, D("55.56"), D("15.28"), "ok"),
        "hai-long": (45, 54, D("83.33"), D("15.00"), "ok"),
    }
    assert total.cell("cong-khai").note == "Trung bình cộng tỷ lệ của 2 đơn vị đã nhập."
    assert total.points_rounded == D("73.12")
    assert (total.electronic_result.numerator, total.electronic_result.denominator) == (3, 6)
    assert total.electronic_result.rate_percent == D("50.00")


def test_the_next_month_carries_the_open_dossiers_over(june: June) -> None:
    """July for SA: A8 resolved early on 1/7; A5, A6, A7 and A10 open and overdue at 31/7; A3's rating."""
    (row,) = indicator_table(year=2024, month=7, unit_code="SA", today=AFTER).rows

    cells = _cells(row)
    assert cells["tien-do"] == (1, 5, D("20.00"), D("4.08"), "ok")
    assert cells["truc-tuyen"] == (0, 1, D("0.00"), D("0.00"), "ok")
    assert cells["hai-long"] == (9, 18, D("50.00"), D("9.00"), "ok")
    assert cells["cong-khai"][4] == "not_entered"
    assert row.points_rounded == D("13.08")
    assert row.total.max_points == D(82)


def test_one_unit_always_has_its_row(june: June) -> None:
    table = indicator_table(year=2024, month=6, unit_code="SA-1", today=AFTER)

    (row,) = table.rows
    assert row.unit_code == "SA-1"
    assert row.total.points is None
    assert table.total is not None
    assert table.total.unit_name == "Chi cục thuộc Sở A"
    assert indicator_table(year=2024, month=6, unit_code="NOPE", today=AFTER).rows == []


def test_unit_filter_gives_the_same_row_as_the_province_table(june: June) -> None:
    whole = _rows(indicator_table(year=2024, month=6, today=AFTER))
    (alone,) = indicator_table(year=2024, month=6, unit_code="SA", today=AFTER).rows

    assert alone == whole["SA"]


def test_a_running_month_stands_at_today(june: June) -> None:
    """On 20/6 only A1–A3 are received; A1–A4 resolved; nothing open; ratings of 5/6 and 20/6."""
    table = indicator_table(year=2024, month=6, unit_code="SA", today=dt.date(2024, 6, 20))

    assert table.provisional
    assert table.date_to == dt.date(2024, 6, 20)
    cells = _cells(table.rows[0])
    assert cells["tien-do"][:2] == (2, 4)
    assert cells["truc-tuyen"][:2] == (1, 3)
    assert cells["hai-long"][:2] == (33, 36)


def test_a_month_not_begun_has_no_live_figures(june: June) -> None:
    table = indicator_table(year=2024, month=9, today=AFTER)

    assert table.not_begun
    assert table.rows == []
    assert table.total is not None
    assert table.total.total.points is None


def test_trend_has_the_twelve_months_of_the_table(june: June) -> None:
    points = indicator_trend(unit_code="SA", year=2024, today=AFTER)

    assert [p.month for p in points] == list(range(1, 13))
    assert points[5].row is not None
    assert points[5].row.points_rounded == D("79.96")
    assert points[6].row is not None
    assert points[6].row.points_rounded == D("13.08")
    assert points[7].row is not None  # August has begun on 1/8: provisional
    assert all(p.row is None for p in points[8:])  # September on: not begun
    assert points[0].row is not None
    assert points[0].row.total.points is None  # January: nothing at all
    assert {p.set_code for p in points} == {SET_CODE}


def test_month_before_the_first_set_has_no_set(june: June) -> None:
    table = indicator_table(year=2022, month=5, today=AFTER)

    assert table.indicator_set is None
    assert table.rows == []
    assert indicator_set_for_month(year=2022, month=6) is not None  # in force on 30/6/2022


def test_a_replacing_set_takes_over_by_its_dates(june: June) -> None:
    """The province's own targets from July 2024: June keeps the 766 set, July uses the new one."""
    IndicatorSet.objects.filter(code=SET_CODE).update(effective_to=dt.date(2024, 6, 30))
    own = IndicatorSet.objects.create(
        code="tinh-2024",
        name="Chỉ tiêu của tỉnh",
        legal_basis="Kế hoạch của UBND tỉnh",
        effective_from=dt.date(2024, 7, 1),
    )
    Indicator.objects.create(
        indicator_set=own, code="tien-do", group="progress", name="Tiến độ", max_points=D(100),
        target=D("0.1"), source="progress", formula="…", order=1,
    )  # fmt: skip

    june_table = indicator_table(year=2024, month=6, unit_code="SA", today=AFTER)
    july_table = indicator_table(year=2024, month=7, unit_code="SA", today=AFTER)

    assert june_table.indicator_set is not None
    assert june_table.indicator_set.code == SET_CODE
    assert july_table.indicator_set is not None
    assert july_table.indicator_set.code == "tinh-2024"
    assert _cells(july_table.rows[0]) == {"tien-do": (1, 5, D("20.00"), D("100.00"), "ok")}  # 0.2 ≥ 0.1


def test_overlapping_sets_are_a_data_error() -> None:
    IndicatorSet.objects.create(code="trung", name="Trùng", legal_basis="-", effective_from=dt.date(2024, 1, 1))

    with pytest.raises(ApplicationError, match="cùng hiệu lực") as caught:
        indicator_table(year=2024, month=3, today=AFTER)
    assert caught.value.code == "indicators.set_overlap"


def test_set_clean_refuses_an_overlap() -> None:
    from django.core.exceptions import ValidationError

    overlapping = IndicatorSet(code="moi", name="Mới", legal_basis="-", effective_from=dt.date(2025, 1, 1))
    with pytest.raises(ValidationError, match="trùng với bộ chỉ số “qd766-2022”"):
        overlapping.full_clean()
    IndicatorSet.objects.filter(code=SET_CODE).update(effective_to=dt.date(2024, 12, 31))
    overlapping.full_clean()


def test_the_table_reads_a_fixed_number_of_queries(june: June, django_assert_max_num_queries: Any) -> None:
    """Sets (2), Biểu 06 (1), the 766 counters (1), ratings (1), entered values (1), unit names (1)."""
    with django_assert_max_num_queries(7):
        indicator_table(year=2024, month=6, today=AFTER)
    with django_assert_max_num_queries(8):
        indicator_table(year=2024, month=6, unit_code="SA", today=AFTER)


def test_the_table_never_reads_the_dossiers(june: June, django_assert_max_num_queries: Any) -> None:
    """Only the counters and the ratings (joined to their dossier's unit) are read."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        indicator_table(year=2024, month=6, today=AFTER)
    for query in queries.captured_queries:
        sql = query["sql"]
        if '"dossiers_dossier"' in sql:
            assert 'FROM "dossiers_rating"' in sql, sql


def test_years_run_from_the_first_counter_to_this_year(june: June) -> None:
    assert indicator_years(today=dt.date(2026, 3, 1)) == [2026, 2025, 2024]

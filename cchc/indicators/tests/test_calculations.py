"""The pure Decision 766 rules: rates, points against a target, rounding, fractions, totals (no database)."""

from decimal import Decimal

import pytest

from cchc.dossiers.choices import RATING_MAX_TOTAL
from cchc.indicators import calculations as calc
from cchc.indicators.choices import IndicatorSource

D = Decimal


# -- rate ------------------------------------------------------------------------------


def test_rate_is_the_exact_fraction() -> None:
    assert calc.rate(3, 4) == D("0.75")
    assert calc.rate(0, 5) == D(0)
    assert calc.rate(7, 7) == D(1)
    assert calc.round2(calc.rate(1, 3)) == D("0.33")  # carried to 50 digits, rounded only for display


def test_rate_of_nothing_is_none() -> None:
    """No dossier (denominator 0): "không phát sinh", not 0 % and not 100 %."""
    assert calc.rate(0, 0) is None


@pytest.mark.parametrize(("numerator", "denominator"), [(-1, 3), (1, -3), (4, 3), (1, 0)])
def test_rate_refuses_inconsistent_counts(numerator: int, denominator: int) -> None:
    with pytest.raises(ValueError, match=r"Tỷ lệ|Tử số"):
        calc.rate(numerator, denominator)


# -- points ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "maximum", "target", "expected"),
    [
        # Target reached exactly, and exceeded: full points.
        (D("0.98"), D(20), D("0.98"), D(20)),
        (D("0.99"), D(20), D("0.98"), D(20)),
        (D(1), D(20), D("0.98"), D(20)),
        (D(1), D(18), D(1), D(18)),
        # Target missed: rate × max / target.
        (D("0.49"), D(12), D("0.5"), D("11.76")),
        (D("0.25"), D(10), D("0.5"), D(5)),
        (D("0.4"), D(22), D("0.8"), D(11)),
        (D(0), D(22), D("0.8"), D(0)),
        # No target: rate × max.
        (D("0.75"), D(18), None, D("13.5")),
        (D(1), D(18), None, D(18)),
        (D(0), D(18), None, D(0)),
        # A weight of 0 gives 0.
        (D("0.5"), D(0), D("0.5"), D(0)),
    ],
)
def test_points(rate: Decimal, maximum: Decimal, target: Decimal | None, expected: Decimal) -> None:
    assert calc.points(rate, maximum, target) == expected


def test_points_just_below_the_target_are_not_rounded_up_to_it() -> None:
    """0.9799 of a 0.98 target is 19.998 points: 20.00 on display, but not full points in the sum."""
    value = calc.points(D("0.9799"), D(20), D("0.98"))

    assert value is not None
    assert value < D(20)
    assert calc.round2(value) == D("20.00")


def test_points_of_a_repeating_rate() -> None:
    """5/8 of a 0.98 target on 20 points = 12.755102…, shown 12.76."""
    assert calc.round2(calc.points(calc.rate(5, 8), D(20), D("0.98"))) == D("12.76")
    # 1/3 of a 0.5 target on 12 points is exactly 8 in the end.
    assert calc.round2(calc.points(calc.rate(1, 3), D(12), D("0.5"))) == D("8.00")


def test_points_without_a_rate_are_none() -> None:
    """Nothing measured: no points (shown "không phát sinh"), whatever the target."""
    assert calc.points(None, D(20), D("0.98")) is None
    assert calc.points(None, D(18), None) is None


@pytest.mark.parametrize(
    ("rate", "maximum", "target", "message"),
    [
        (D("1.01"), D(20), None, "Tỷ lệ phải từ 0 đến 1"),
        (D("-0.01"), D(20), None, "Tỷ lệ phải từ 0 đến 1"),
        (D("NaN"), D(20), None, "hữu hạn"),
        (D("0.5"), D(-1), None, "Điểm tối đa"),
        (D("0.5"), D(20), D(0), "Chỉ tiêu phải lớn hơn 0"),
        (D("0.5"), D(20), D("1.5"), "Chỉ tiêu phải từ 0 đến 1"),
        (None, D(20), D(0), "Chỉ tiêu phải lớn hơn 0"),  # a bad target is refused even without a rate
    ],
)
def test_points_refuse_values_out_of_range(
    rate: Decimal | None, maximum: Decimal, target: Decimal | None, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        calc.points(rate, maximum, target)


# -- rounding --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("2.675"), D("2.68")),  # half up, not half even
        (D("2.665"), D("2.67")),
        (D("1.005"), D("1.01")),
        (D("84.994"), D("84.99")),
        (D("0.004"), D("0.00")),
        (D("15"), D("15.00")),
        (D("19.995"), D("20.00")),
    ],
)
def test_round2_is_half_up_to_two_decimals(value: Decimal, expected: Decimal) -> None:
    assert calc.round2(value) == expected


def test_round2_keeps_a_true_half_cent_reached_through_a_repeating_rate() -> None:
    """1/6 × 0.27 = 0.045 exactly on paper; the 50-digit 1/6 gives 0.04499…: still 0.05."""
    assert calc.round2(calc.points(calc.rate(1, 6), D("0.27"), None)) == D("0.05")


def test_round2_and_percent_pass_none_through() -> None:
    assert calc.round2(None) is None
    assert calc.percent(None) is None


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [(2, 3, D("66.67")), (1, 8, D("12.50")), (1, 32, D("3.13")), (0, 4, D("0.00")), (9, 9, D("100.00"))],
)
def test_percent(numerator: int, denominator: int, expected: Decimal) -> None:
    assert calc.percent(calc.rate(numerator, denominator)) == expected


# -- figures and fractions -------------------------------------------------------------

FIGURES = calc.Figures(
    received=9,
    received_online=3,
    paid_online=2,
    digitized=5,
    resolved=6,
    resolved_early=1,
    resolved_on_time=2,
    in_progress=4,
    in_progress_within_time=3,
    electronic_result=3,
    ratings=3,
    rating_points=45,
)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (IndicatorSource.PROGRESS, (1 + 2 + 3, 6 + 4)),
        (IndicatorSource.ONLINE, (3, 9)),
        (IndicatorSource.PAYMENT, (2, 9)),
        (IndicatorSource.DIGITISATION, (5, 9)),
        (IndicatorSource.ELECTRONIC_RESULT, (3, 6)),
        (IndicatorSource.SATISFACTION, (45, 18 * 3)),
    ],
)
def test_fraction_of_each_source(source: str, expected: tuple[int, int]) -> None:
    assert calc.fraction(source, FIGURES) == expected


def test_fraction_refuses_manual_and_unknown_sources() -> None:
    with pytest.raises(ValueError, match="không tính được"):
        calc.fraction(IndicatorSource.MANUAL, FIGURES)
    with pytest.raises(ValueError, match="không tính được"):
        calc.fraction("weather", FIGURES)


def test_every_live_source_has_a_fraction() -> None:
    for source in IndicatorSource.values:
        if source != IndicatorSource.MANUAL:
            calc.fraction(source, calc.Figures())


def test_figures_add_up_field_by_field() -> None:
    total = FIGURES + calc.Figures(received=1, ratings=2, rating_points=30)

    assert total.received == 10
    assert total.ratings == 5
    assert total.rating_points == 75
    assert total.digitized == 5


def test_summed_fraction_is_not_the_mean_of_rates() -> None:
    """Province: 6/10 over the sums, although the units' rates 5/8 and 1/2 average 0.5625."""
    a = calc.Figures(resolved=4, resolved_early=1, resolved_on_time=1, in_progress=4, in_progress_within_time=3)
    b = calc.Figures(resolved=2, resolved_on_time=1)

    assert calc.rate(*calc.fraction(IndicatorSource.PROGRESS, a + b)) == D("0.6")


def test_satisfaction_scale_is_the_rating_scale() -> None:
    assert calc.SATISFACTION_MAX == RATING_MAX_TOTAL == 18


# -- totals and means -----------------------------------------------------------------


def test_score_total_counts_only_indicators_with_data() -> None:
    total = calc.score_total([("a", D("10.2"), D(20)), ("b", None, D(18)), ("c", D("13.75"), D(22))])

    assert total.points == D("23.95")
    assert total.max_points == D(42)
    assert total.set_max_points == D(60)
    assert total.missing == ("b",)
    assert total.percent == D("57.02")  # 23.95 / 42


def test_score_total_without_any_data_is_none() -> None:
    total = calc.score_total([("a", None, D(20)), ("b", None, D(18))])

    assert total.points is None
    assert total.max_points == D(0)
    assert total.missing == ("a", "b")
    assert total.percent is None


def test_score_total_adds_exact_points_and_rounds_once() -> None:
    """Three thirds of a point: 1.00, although each part shows 0.33."""
    third = calc.points(calc.rate(1, 3), D(1), None)
    total = calc.score_total([("a", third, D(1)), ("b", third, D(1)), ("c", third, D(1))])

    assert calc.round2(total.points) == D("1.00")


def test_mean_rate() -> None:
    assert calc.mean_rate([D("0.9"), D("0.5")]) == D("0.7")
    assert calc.mean_rate([]) is None
    with pytest.raises(ValueError, match="từ 0 đến 1"):
        calc.mean_rate([D("1.2")])

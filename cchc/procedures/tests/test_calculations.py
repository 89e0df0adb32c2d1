"""Compliance cost (Thông tư 02/2017/TT-VPCP) against figures worked out by hand."""

from decimal import Decimal

import pytest

from cchc.procedures.calculations import (
    CostInputs,
    compare_costs,
    reduction_percent,
    round_dong,
    stage_cost,
)

D = Decimal


def test_cost_per_dossier_and_per_year_by_hand() -> None:
    """12 h × 40,000 = 480,000; + 100,000 fee + 50,000 other = 630,000; × 3,500 = 2,205,000,000."""
    inputs = CostInputs(hours=(D(2), D(4), D(2), D(2), D(2)), fees=D(100000), other_costs=D(50000))

    cost = stage_cost(inputs, hourly_cost=D(40000), dossiers_per_year=3500)

    assert cost.total_hours == D(12)
    assert cost.time_cost == D(480000)
    assert cost.per_dossier == D(630000)
    assert cost.per_year == D(2205000000)


def test_reduction_by_hand() -> None:
    """Before 630,000; after 6 h × 40,000 + 50,000 = 290,000 → (630 − 290) / 630 = 53.968…% → 53.97%."""
    before = CostInputs(hours=(D(2), D(4), D(2), D(2), D(2)), fees=D(100000), other_costs=D(50000))
    after = CostInputs(hours=(D(1), D(3), D("0.5"), D(1), D("0.5")), fees=D(50000), other_costs=D(0))

    result = compare_costs(before, after, hourly_cost=D(40000), dossiers_per_year=3500)

    assert result.after is not None
    assert result.after.per_dossier == D(290000)
    assert result.saving_per_dossier == D(340000)
    assert result.saving_per_year == D(1190000000)
    assert result.reduction_percent == D("53.97")


def test_time_cost_is_rounded_half_up_to_the_dong_before_multiplying_by_the_year() -> None:
    """0.01 h × 40,050 = 400.5 → 401 per dossier, × 3 = 1,203 (not 1,201.5 rounded)."""
    cost = stage_cost(CostInputs(hours=(D("0.01"),)), hourly_cost=D(40050), dossiers_per_year=3)

    assert cost.time_cost == D(401)
    assert cost.per_year == D(1203)
    assert round_dong(D("0.5")) == D(1)


def test_without_a_dossier_count_the_yearly_cost_is_unknown_and_the_reduction_uses_one_dossier() -> None:
    result = compare_costs(
        CostInputs(hours=(D(1),)), CostInputs(hours=(D("0.5"),)), hourly_cost=D(40000), dossiers_per_year=None
    )

    assert result.before.per_year is None
    assert result.saving_per_year is None
    assert result.reduction_percent == D("50.00")


def test_no_simplification_has_no_after_and_no_reduction() -> None:
    result = compare_costs(CostInputs(hours=(D(1),)), None)

    assert result.after is None
    assert result.reduction_percent is None


def test_reduction_of_a_zero_cost_is_undefined_and_an_increase_is_negative() -> None:
    assert reduction_percent(D(0), D(0)) is None
    assert reduction_percent(D(100), D(150)) == D("-50.00")


def test_negative_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        stage_cost(CostInputs(hours=(D(-1),)), hourly_cost=D(40000), dossiers_per_year=1)

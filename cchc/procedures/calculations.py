"""Compliance cost of an administrative procedure (Thông tư 02/2017/TT-VPCP), as pure arithmetic.

For one stage (before or after a simplification)::

    cost per dossier = round(Σ hours per activity × hourly cost) + fees + other costs
    cost per year    = cost per dossier × dossiers per year
    reduction %      = (before − after) / before × 100

The hourly cost is the national average income per working hour; the circular's
worked examples use 40,000 đồng/hour. Money is whole đồng: the time cost is rounded
half up to the đồng once per dossier, before it is multiplied by the dossiers per
year, so the yearly figure is exactly the per-dossier figure times the count. The
reduction is rounded half up to two decimal places and uses the yearly cost when
the dossiers per year are known (the same count before and after, so the ratio
equals the per-dossier one), else the cost per dossier. No Django here.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

DEFAULT_HOURLY_COST = Decimal(40000)
_DONG = Decimal(1)
_PERCENT = Decimal("0.01")


@dataclass(frozen=True)
class CostInputs:
    """What one stage costs a citizen: hours per activity, fees and other costs (đồng)."""

    hours: tuple[Decimal, ...]
    fees: Decimal = Decimal(0)
    other_costs: Decimal = Decimal(0)

    @property
    def total_hours(self) -> Decimal:
        return sum(self.hours, Decimal(0))


@dataclass(frozen=True)
class StageCost:
    """The computed cost of one stage; ``per_year`` is ``None`` without a dossier count."""

    total_hours: Decimal
    time_cost: Decimal
    fees: Decimal
    other_costs: Decimal
    per_dossier: Decimal
    per_year: Decimal | None


@dataclass(frozen=True)
class CostComparison:
    """Before and (when a simplification is proposed) after, with the reduction."""

    before: StageCost
    after: StageCost | None
    saving_per_dossier: Decimal | None
    saving_per_year: Decimal | None
    reduction_percent: Decimal | None


def round_dong(value: Decimal) -> Decimal:
    """Half up to a whole đồng: 12 345,5 → 12 346."""
    return value.quantize(_DONG, rounding=ROUND_HALF_UP)


def stage_cost(inputs: CostInputs, *, hourly_cost: Decimal, dossiers_per_year: int | None) -> StageCost:
    """The cost of one stage. Raises ``ValueError`` for a negative input."""
    values: Iterable[Decimal] = (*inputs.hours, inputs.fees, inputs.other_costs, hourly_cost)
    if any(value < 0 for value in values) or (dossiers_per_year is not None and dossiers_per_year < 0):
        raise ValueError("Compliance-cost inputs cannot be negative.")
    time_cost = round_dong(inputs.total_hours * hourly_cost)
    per_dossier = time_cost + round_dong(inputs.fees) + round_dong(inputs.other_costs)
    per_year = per_dossier * dossiers_per_year if dossiers_per_year is not None else None
    return StageCost(
        total_hours=inputs.total_hours,
        time_cost=time_cost,
        fees=round_dong(inputs.fees),
        other_costs=round_dong(inputs.other_costs),
        per_dossier=per_dossier,
        per_year=per_year,
    )


def reduction_percent(before: Decimal, after: Decimal) -> Decimal | None:
    """``(before − after) / before × 100`` to two decimals; ``None`` when ``before`` is 0.

    Negative when the simplification costs more than before.
    """
    if before == 0:
        return None
    return ((before - after) / before * 100).quantize(_PERCENT, rounding=ROUND_HALF_UP)


def compare_costs(
    before: CostInputs,
    after: CostInputs | None,
    *,
    hourly_cost: Decimal = DEFAULT_HOURLY_COST,
    dossiers_per_year: int | None = None,
) -> CostComparison:
    """Both stages and the reduction; ``after=None`` means no simplification is proposed."""
    cost_before = stage_cost(before, hourly_cost=hourly_cost, dossiers_per_year=dossiers_per_year)
    if after is None:
        return CostComparison(cost_before, None, None, None, None)
    cost_after = stage_cost(after, hourly_cost=hourly_cost, dossiers_per_year=dossiers_per_year)
    saving_year = (
        cost_before.per_year - cost_after.per_year
        if cost_before.per_year is not None and cost_after.per_year is not None
        else None
    )
    if cost_before.per_year is not None and cost_after.per_year is not None:
        percent = reduction_percent(cost_before.per_year, cost_after.per_year)
    else:
        percent = reduction_percent(cost_before.per_dossier, cost_after.per_dossier)
    return CostComparison(
        before=cost_before,
        after=cost_after,
        saving_per_dossier=cost_before.per_dossier - cost_after.per_dossier,
        saving_per_year=saving_year,
        reduction_percent=percent,
    )

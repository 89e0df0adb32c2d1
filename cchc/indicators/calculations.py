"""Decision 766 scoring as pure functions: plain values in and out, no ORM, no settings.

The rules (``docs/indicators.md``, domain.md §5 [P]):

* a rate is ``numerator / denominator`` as a ``Decimal`` in [0, 1]; ``None`` when the
  denominator is 0 (nothing happened: "không phát sinh"), and then the points are
  ``None`` too (:func:`rate`, :func:`points`);
* :func:`points`: with a target, the maximum when the rate reaches it, otherwise
  ``rate × max / target``; without a target, ``rate × max``;
* the live figures of a unit (or of a sum of units) are :class:`Figures`, and
  :func:`fraction` says which of them make the numerator and denominator of each
  source — the province total is the same fraction over summed figures, never a mean
  of the units' rates;
* :func:`score_total`: the points of the indicators that have data, out of *their*
  maximum, naming the ones without;
* :func:`round2` rounds for display only: two decimals, half up.

Arithmetic runs in a 50-digit context and only the displayed value is rounded, so
2/3 × 18 / 0.98 is carried exactly enough that its cents never depend on the order of
operations. :func:`round2` first snaps to 20 decimals, so a true half cent reached
through a repeating rate (x.xx4999…) still rounds up as on paper.
"""

from collections.abc import Iterable
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal, localcontext

from cchc.indicators.choices import IndicatorSource

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
#: Full marks of a citizen's rating (9 criteria × 2 points, issue #5); ``dossiers.choices.RATING_MAX_TOTAL``.
SATISFACTION_MAX = 18

_CONTEXT = Context(prec=50)
_SNAP = Decimal("1e-20")


def _check_rate(value: Decimal, label: str) -> None:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValueError(f"{label} phải là một số thập phân hữu hạn (nhận {value!r}).")
    if not ZERO <= value <= ONE:
        raise ValueError(f"{label} phải từ 0 đến 1 (nhận {value}).")


def rate(numerator: int, denominator: int) -> Decimal | None:
    """``numerator / denominator`` as a ``Decimal`` in [0, 1]; ``None`` when ``denominator`` is 0.

    Raises ``ValueError`` for a negative count or a numerator above the denominator
    (the counters would then be inconsistent, which must not pass as a rate above 100 %).
    """
    if numerator < 0 or denominator < 0:
        raise ValueError(f"Tỷ lệ chỉ tính trên số không âm (nhận {numerator}/{denominator}).")
    if denominator == 0:
        if numerator:
            raise ValueError(f"Tử số {numerator} khác 0 khi mẫu số bằng 0.")
        return None
    if numerator > denominator:
        raise ValueError(f"Tử số lớn hơn mẫu số ({numerator}/{denominator}).")
    with localcontext(_CONTEXT):
        return Decimal(numerator) / Decimal(denominator)


def points(rate: Decimal | None, max_points: Decimal, target: Decimal | None) -> Decimal | None:
    """The points a ``rate`` earns on an indicator worth ``max_points`` with ``target`` (or none).

    * ``rate`` ``None`` (nothing to measure) → ``None``;
    * ``target`` given: ``max_points`` when ``rate ≥ target``, else ``rate × max_points / target``;
    * no ``target``: ``rate × max_points``.

    Not rounded (see :func:`round2`). Raises ``ValueError`` when ``rate`` is outside
    [0, 1], ``max_points`` is negative or ``target`` is outside (0, 1].
    """
    max_points = Decimal(max_points)
    if not max_points.is_finite() or max_points < ZERO:
        raise ValueError(f"Điểm tối đa phải là số không âm (nhận {max_points}).")
    if target is not None:
        _check_rate(target, "Chỉ tiêu")
        if target == ZERO:
            raise ValueError("Chỉ tiêu phải lớn hơn 0; không có chỉ tiêu thì để trống.")
    if rate is None:
        return None
    _check_rate(rate, "Tỷ lệ")
    with localcontext(_CONTEXT):
        if target is None:
            return rate * max_points
        if rate >= target:
            return max_points
        return rate * max_points / target


def round2(value: Decimal | None) -> Decimal | None:
    """``value`` with two decimals, half up (for display); ``None`` stays ``None``.

    ``2.675`` → ``2.68``, ``2.674999…9`` (50 digits, a repeating rate's true 2.675) → ``2.68``,
    ``0.004`` → ``0.00``.
    """
    if value is None:
        return None
    with localcontext(_CONTEXT):
        snapped = value.quantize(_SNAP, rounding=ROUND_HALF_EVEN)
        return snapped.quantize(CENT, rounding=ROUND_HALF_UP)


def percent(rate: Decimal | None) -> Decimal | None:
    """A rate as a percentage with two decimals, half up: ``Decimal(2) / 3`` → ``66.67``."""
    if rate is None:
        return None
    with localcontext(_CONTEXT):
        return round2(rate * HUNDRED)


def mean_rate(rates: Iterable[Decimal]) -> Decimal | None:
    """The plain mean of ``rates`` (each in [0, 1]); ``None`` for none.

    Used only for indicators entered by hand, whose values carry no counts to sum.
    """
    values = list(rates)
    for value in values:
        _check_rate(value, "Tỷ lệ")
    if not values:
        return None
    with localcontext(_CONTEXT):
        return sum(values, start=ZERO) / len(values)


@dataclass(frozen=True)
class Figures:
    """The live counts behind the indicators, for one unit and month or a sum of them.

    ``received*``, ``paid_online`` and ``digitized`` count dossiers received in the
    month; ``resolved*`` and ``electronic_result`` those resolved in it; ``in_progress*``
    those open at the month's end (Biểu 06); ``ratings`` the ratings submitted in the
    month and ``rating_points`` the sum of their totals (each out of 18).
    """

    received: int = 0
    received_online: int = 0
    paid_online: int = 0
    digitized: int = 0
    resolved: int = 0
    resolved_early: int = 0
    resolved_on_time: int = 0
    in_progress: int = 0
    in_progress_within_time: int = 0
    electronic_result: int = 0
    ratings: int = 0
    rating_points: int = 0

    def __add__(self, other: "Figures") -> "Figures":
        return Figures(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})


def fraction(source: str, figures: Figures) -> tuple[int, int]:
    """``(numerator, denominator)`` of a live ``source`` (an ``IndicatorSource`` value) over ``figures``.

    Raises ``ValueError`` for ``manual`` (entered, not computed) and unknown sources.
    """
    f = figures
    if source == IndicatorSource.PROGRESS:
        return f.resolved_early + f.resolved_on_time + f.in_progress_within_time, f.resolved + f.in_progress
    if source == IndicatorSource.ONLINE:
        return f.received_online, f.received
    if source == IndicatorSource.PAYMENT:
        return f.paid_online, f.received
    if source == IndicatorSource.DIGITISATION:
        return f.digitized, f.received
    if source == IndicatorSource.ELECTRONIC_RESULT:
        return f.electronic_result, f.resolved
    if source == IndicatorSource.SATISFACTION:
        return f.rating_points, SATISFACTION_MAX * f.ratings
    raise ValueError(f"Nguồn số liệu “{source}” không tính được từ số liệu hồ sơ.")


@dataclass(frozen=True)
class ScoreTotal:
    """A total score: ``points`` of the indicators with data out of their ``max_points``.

    ``points`` is ``None`` when no indicator has data; ``missing`` names (by code) the
    indicators left out, and ``set_max_points`` is the whole set's maximum.
    """

    points: Decimal | None
    max_points: Decimal
    set_max_points: Decimal
    missing: tuple[str, ...]

    @property
    def percent(self) -> Decimal | None:
        """``points / max_points × 100``, two decimals; ``None`` without data."""
        if self.points is None or self.max_points == ZERO:
            return None
        with localcontext(_CONTEXT):
            return round2(self.points * HUNDRED / self.max_points)


def score_total(scores: Iterable[tuple[str, Decimal | None, Decimal]]) -> ScoreTotal:
    """Add up ``(code, points or None, max_points)``: the ones with points, out of their maximum.

    The sum is exact (round it for display with :func:`round2`), so the total can
    differ by a cent from the sum of the rounded parts.
    """
    got, maximum, whole = ZERO, ZERO, ZERO
    missing: list[str] = []
    seen = False
    with localcontext(_CONTEXT):
        for code, value, max_points in scores:
            whole += max_points
            if value is None:
                missing.append(code)
                continue
            seen = True
            got += value
            maximum += max_points
    return ScoreTotal(points=got if seen else None, max_points=maximum, set_max_points=whole, missing=tuple(missing))

"""Reads of the Decision 766 index: the set in force, the table of a month, a unit's year.

Every figure is :mod:`cchc.indicators.calculations` over :func:`figures.live_figures`
(the maintained counters and the ratings) and the values the reform office entered.
The province total applies the same fractions to the summed counts; a ``manual``
indicator, which has no counts, is totalled as the plain mean of the units' entered
rates (and says so). Public data: nothing here is scoped to a user.
"""

import calendar as pycalendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum

from django.db.models import Max, Min, Prefetch
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.translation import gettext as _

from cchc.core.errors import ApplicationError
from cchc.dossiers.models import DossierCount
from cchc.indicators import calculations as calc
from cchc.indicators.choices import IndicatorGroup, IndicatorSource
from cchc.indicators.figures import live_figures
from cchc.indicators.models import Indicator, IndicatorSet, IndicatorValue
from cchc.organizations.models import OrgUnit


def number_text(value: Decimal) -> str:
    """``Decimal("20.00")`` → ``20``, ``Decimal("0.5")`` → ``0,5`` (the locale's decimal separator)."""
    text = format(value.normalize(), "f")
    return text.replace(".", str(get_format("DECIMAL_SEPARATOR")))


@dataclass(frozen=True)
class IndicatorInfo:
    """One indicator of a set, as plain values."""

    code: str
    group: str
    name: str
    max_points: Decimal
    target: Decimal | None
    source: str
    formula: str
    order: int

    @property
    def group_label(self) -> str:
        return str(IndicatorGroup(self.group).label) if self.group in IndicatorGroup.values else self.group

    @property
    def source_label(self) -> str:
        return str(IndicatorSource(self.source).label) if self.source in IndicatorSource.values else self.source

    @property
    def is_manual(self) -> bool:
        return self.source == IndicatorSource.MANUAL

    @property
    def target_percent(self) -> Decimal | None:
        return calc.percent(self.target)

    @property
    def rule(self) -> str:
        """How the rate becomes points, in words, with this indicator's numbers."""
        maximum = number_text(self.max_points)
        if self.target is None:
            return _("Điểm = tỷ lệ × %(max)s.") % {"max": maximum}
        target = number_text(self.target * calc.HUNDRED)
        return _("Điểm = %(max)s nếu tỷ lệ ≥ %(target)s %%; thấp hơn: tỷ lệ × %(max)s / %(target)s %%.") % {
            "max": maximum,
            "target": target,
        }


@dataclass(frozen=True)
class SetInfo:
    """An indicator set with its indicators in order."""

    code: str
    name: str
    legal_basis: str
    effective_from: dt.date
    effective_to: dt.date | None
    note: str
    indicators: tuple[IndicatorInfo, ...]

    @property
    def max_points(self) -> Decimal:
        return sum((i.max_points for i in self.indicators), start=calc.ZERO)

    def in_force_on(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


def _set_info(indicator_set: IndicatorSet) -> SetInfo:
    return SetInfo(
        code=indicator_set.code,
        name=indicator_set.name,
        legal_basis=indicator_set.legal_basis,
        effective_from=indicator_set.effective_from,
        effective_to=indicator_set.effective_to,
        note=indicator_set.note,
        indicators=tuple(
            IndicatorInfo(
                code=i.code,
                group=i.group,
                name=i.name,
                max_points=i.max_points,
                target=i.target,
                source=i.source,
                formula=i.formula,
                order=i.order,
            )
            for i in indicator_set.indicators.all()
        ),
    )


def indicator_sets() -> list[SetInfo]:
    """Every indicator set with its indicators, oldest first (two queries)."""
    qs = IndicatorSet.objects.order_by("effective_from", "code").prefetch_related(
        Prefetch("indicators", queryset=Indicator.objects.order_by("order", "code"))
    )
    return [_set_info(s) for s in qs]


def month_last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, pycalendar.monthrange(year, month)[1])


def set_in_force(sets: Iterable[SetInfo], *, year: int, month: int) -> SetInfo | None:
    """The set in force on the last day of ``month``/``year`` (the day the figures stand at), or ``None``.

    Raises ``ApplicationError`` (``indicators.set_overlap``) when two sets are in force
    that day: overlapping sets are a data error, never settled by order.
    """
    day = month_last_day(year, month)
    found = [s for s in sets if s.in_force_on(day)]
    if len(found) > 1:
        raise ApplicationError(
            _("Có %(n)s bộ chỉ số cùng hiệu lực ngày %(day)s (%(codes)s): hãy sửa ngày hiệu lực.")
            % {"n": len(found), "day": day.strftime("%d/%m/%Y"), "codes": ", ".join(s.code for s in found)},
            code="indicators.set_overlap",
        )
    return found[0] if found else None


def indicator_set_for_month(*, year: int, month: int) -> SetInfo | None:
    """:func:`set_in_force` over the stored sets."""
    return set_in_force(indicator_sets(), year=year, month=month)


class CellStatus(StrEnum):
    OK = "ok"
    NOT_APPLICABLE = "not_applicable"  # mẫu số bằng 0: không phát sinh
    NOT_ENTERED = "not_entered"  # chỉ số nhập tay chưa được nhập


@dataclass(frozen=True)
class Cell:
    """One indicator of one row: the fraction (``None`` for an entered rate), the rate and the points (exact)."""

    indicator: IndicatorInfo
    numerator: int | None
    denominator: int | None
    rate: Decimal | None
    points: Decimal | None
    status: CellStatus
    note: str = ""

    @property
    def rate_percent(self) -> Decimal | None:
        return calc.percent(self.rate)

    @property
    def points_rounded(self) -> Decimal | None:
        return calc.round2(self.points)

    @property
    def status_label(self) -> str:
        if self.status == CellStatus.NOT_APPLICABLE:
            return _("không phát sinh")
        if self.status == CellStatus.NOT_ENTERED:
            return _("chưa nhập")
        return ""


@dataclass(frozen=True)
class Extra:
    """A figure shown beside the index but not scored (the electronic-result rate)."""

    numerator: int
    denominator: int

    @property
    def rate_percent(self) -> Decimal | None:
        return calc.percent(calc.rate(self.numerator, self.denominator))


@dataclass(frozen=True)
class Row:
    """A unit (or, with ``unit_code`` ``None``, the total) for one month."""

    unit_code: str | None
    unit_name: str
    cells: tuple[Cell, ...]
    total: calc.ScoreTotal
    electronic_result: Extra

    @property
    def points_rounded(self) -> Decimal | None:
        return calc.round2(self.total.points)

    @property
    def missing_names(self) -> list[str]:
        names = {cell.indicator.code: cell.indicator.name for cell in self.cells}
        return [names[code] for code in self.total.missing]

    def cell(self, code: str) -> Cell:
        return next(c for c in self.cells if c.indicator.code == code)


@dataclass(frozen=True)
class IndicatorTable:
    """The index of one month: a row per unit and the total; ``indicator_set`` ``None`` when no set is in force."""

    year: int
    month: int
    date_from: dt.date
    date_to: dt.date  # the month's last day, or today while the month runs
    provisional: bool  # the month is not over: open dossiers may still become late
    not_begun: bool
    indicator_set: SetInfo | None
    rows: list[Row] = field(default_factory=list)
    total: Row | None = None


@dataclass(frozen=True)
class _Manual:
    value: Decimal
    note: str


def _live_cell(indicator: IndicatorInfo, figures: calc.Figures) -> Cell:
    numerator, denominator = calc.fraction(indicator.source, figures)
    value = calc.rate(numerator, denominator)
    return Cell(
        indicator=indicator,
        numerator=numerator,
        denominator=denominator,
        rate=value,
        points=calc.points(value, indicator.max_points, indicator.target),
        status=CellStatus.OK if value is not None else CellStatus.NOT_APPLICABLE,
    )


def _manual_cell(indicator: IndicatorInfo, entered: _Manual | None) -> Cell:
    if entered is None:
        return Cell(indicator, None, None, None, None, CellStatus.NOT_ENTERED)
    return Cell(
        indicator=indicator,
        numerator=None,
        denominator=None,
        rate=entered.value,
        points=calc.points(entered.value, indicator.max_points, indicator.target),
        status=CellStatus.OK,
        note=entered.note,
    )


def _row(
    *,
    unit_code: str | None,
    unit_name: str,
    indicators: Sequence[IndicatorInfo],
    figures: calc.Figures,
    manual: dict[str, _Manual],
) -> Row:
    cells = tuple(_manual_cell(i, manual.get(i.code)) if i.is_manual else _live_cell(i, figures) for i in indicators)
    total = calc.score_total((c.indicator.code, c.points, c.indicator.max_points) for c in cells)
    extra = Extra(*calc.fraction(IndicatorSource.ELECTRONIC_RESULT, figures))
    return Row(unit_code=unit_code, unit_name=unit_name, cells=cells, total=total, electronic_result=extra)


def _manual_values(*, set_code: str, year: int, month: int, unit_id: int | None) -> dict[int, dict[str, _Manual]]:
    qs = IndicatorValue.objects.filter(indicator__indicator_set__code=set_code, year=year, month=month)
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    result: dict[int, dict[str, _Manual]] = {}
    for unit_id_, code, value, note in qs.values_list("unit_id", "indicator__code", "value", "note"):
        result.setdefault(unit_id_, {})[code] = _Manual(value=value, note=note)
    return result


def _total_manual(indicators: Sequence[IndicatorInfo], manual: dict[int, dict[str, _Manual]]) -> dict[str, _Manual]:
    """The province value of each manual indicator: the mean of the units' entered rates."""
    result: dict[str, _Manual] = {}
    for indicator in indicators:
        if not indicator.is_manual:
            continue
        rates = [values[indicator.code].value for values in manual.values() if indicator.code in values]
        mean = calc.mean_rate(rates)
        if mean is not None:
            note = _("Trung bình cộng tỷ lệ của %(n)s đơn vị đã nhập.") % {"n": len(rates)}
            result[indicator.code] = _Manual(value=mean, note=note)
    return result


def _skeleton(*, sets: Sequence[SetInfo], year: int, month: int, today: dt.date) -> IndicatorTable:
    """The month's period, its state and its set, without rows."""
    if not 1 <= month <= 12:
        raise ValueError(f"Tháng không hợp lệ: {month}.")
    first, last = dt.date(year, month, 1), month_last_day(year, month)
    not_begun = first > today
    return IndicatorTable(
        year=year,
        month=month,
        date_from=first,
        date_to=last if not_begun else min(last, today),
        provisional=today <= last,
        not_begun=not_begun,
        indicator_set=set_in_force(sets, year=year, month=month),
    )


def _month_table(
    *, sets: Sequence[SetInfo], year: int, month: int, unit: OrgUnit | None, today: dt.date
) -> IndicatorTable:
    table = _skeleton(sets=sets, year=year, month=month, today=today)
    indicator_set = table.indicator_set
    if indicator_set is None:
        return table
    unit_id = unit.pk if unit is not None else None
    figures = {} if table.not_begun else live_figures(date_from=table.date_from, date_to=table.date_to, unit_id=unit_id)
    manual = _manual_values(set_code=indicator_set.code, year=year, month=month, unit_id=unit_id)
    ids = {unit.pk} if unit is not None else set(figures) | set(manual)
    units = OrgUnit.objects.filter(pk__in=ids).order_by("tree_key", "code").values_list("pk", "code", "name")
    indicators = indicator_set.indicators
    rows = [
        _row(
            unit_code=code,
            unit_name=name,
            indicators=indicators,
            figures=figures.get(pk, calc.Figures()),
            manual=manual.get(pk, {}),
        )
        for pk, code, name in units
    ]
    total = _row(
        unit_code=None,
        unit_name=_("Toàn tỉnh") if unit is None else unit.name,
        indicators=indicators,
        figures=sum(figures.values(), start=calc.Figures()),
        manual=_total_manual(indicators, manual) if unit is None else manual.get(unit.pk, {}),
    )
    return replace(table, rows=rows, total=total)


def indicator_table(
    *, year: int, month: int, unit_code: str | None = None, today: dt.date | None = None
) -> IndicatorTable:
    """The Decision 766 index of ``month``/``year``: a row per unit (or only ``unit_code``'s) and the total.

    Units appear when they have a dossier counted in the month, a rating submitted in
    it or an entered value; with ``unit_code`` that unit always has its row (an
    unknown code gives no rows and no total). Each row holds, per indicator of
    the set in force, the numerator, denominator, rate, target and points, and the
    total of the indicators with data. While the month runs (``today`` in it, default
    the local date) figures stand at ``today`` and the table is ``provisional``; a
    month not begun has no live figures. Raises ``ValueError`` for a month outside
    1–12 and ``ApplicationError`` (``indicators.set_overlap``) when two sets overlap.
    A fixed number of queries (about eight), whatever the number of units.
    """
    today = today or timezone.localdate()
    unit: OrgUnit | None = None
    if unit_code is not None:
        unit = OrgUnit.objects.filter(code=unit_code).first()
        if unit is None:
            return _skeleton(sets=indicator_sets(), year=year, month=month, today=today)
    return _month_table(sets=indicator_sets(), year=year, month=month, unit=unit, today=today)


@dataclass(frozen=True)
class TrendPoint:
    """One month of a unit's year: its row, or ``None`` (not begun, or no set in force)."""

    year: int
    month: int
    set_code: str | None
    row: Row | None


def indicator_trend(*, unit_code: str, year: int, today: dt.date | None = None) -> list[TrendPoint]:
    """The 12 months of ``year`` for ``unit_code``: each month's row of :func:`indicator_table`.

    A month not yet begun, or without a set in force, has ``row`` ``None``; an unknown
    unit gives twelve empty months. The sets are read once; each month costs about
    four queries.
    """
    today = today or timezone.localdate()
    unit = OrgUnit.objects.filter(code=unit_code).first()
    sets = indicator_sets()
    points = []
    for month in range(1, 13):
        if unit is None or dt.date(year, month, 1) > today:
            indicator_set = set_in_force(sets, year=year, month=month)
            points.append(TrendPoint(year, month, indicator_set.code if indicator_set else None, None))
            continue
        table = _month_table(sets=sets, year=year, month=month, unit=unit, today=today)
        row = table.rows[0] if table.rows else None
        set_code = table.indicator_set.code if table.indicator_set else None
        points.append(TrendPoint(year, month, set_code, row))
    return points


def indicator_years(*, today: dt.date) -> list[int]:
    """Years with dossier counters or entered values, through this year, newest first."""
    bounds = DossierCount.objects.filter(grain=DossierCount.Grain.YEAR).aggregate(first=Min("day"), last=Max("day"))
    values = IndicatorValue.objects.aggregate(first=Min("year"), last=Max("year"))
    firsts = [today.year]
    lasts = [today.year]
    if bounds["first"] is not None:
        firsts.append(bounds["first"].year)
        lasts.append(bounds["last"].year)
    if values["first"] is not None:
        firsts.append(values["first"])
        lasts.append(values["last"])
    return list(range(max(lasts), min(firsts) - 1, -1))

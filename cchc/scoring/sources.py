"""Live figures behind the auto-scored criteria of the PAR index, one per ``AutoSource``.

Each source measures one unit over one calendar year and returns a :class:`SourceValue`:
the rate (numerator / denominator, exact) with the sentence and the links a page needs
to show where it comes from. The period is ``1/1`` to ``31/12`` of the year, cut at
``today`` while the year runs (a year not begun has no figures). ``value`` is ``None``
when the denominator is 0: nothing happened, and the criterion is then left to the
unit and the appraiser (the detail says so). The rules:

* ``TASKS_ON_TIME`` (:func:`tasks_on_time`): tasks **led** by the unit itself (not its
  descendants), in plans of the year that are issued or closed (a draft assigns
  nothing), not cancelled, whose due date falls in the period: the denominator. A
  task without a due date is due at no time and is not counted. The numerator is
  those done on time: a one-off task is done on time when its status is done and its
  completion date is on or before its effective deadline (a deadline on a day off
  moves to the next working day, ``tasks.calculations.effective_deadline``); without
  a completion date, when its stored status is "done on time". A recurring task (with
  ``TaskOccurrence`` rows) is on time when every period was completed, each on or before
  its own effective deadline; one whose periods were never closed one by one (status
  set directly, e.g. by a spreadsheet import) is judged as a one-off task. A task
  copied into the unit's own plan (``source_task``) is the same commitment as its
  source: when both are counted, the pair counts once, on time if either is.
* ``DOSSIERS_ON_TIME``: (resolved early + on time) / resolved in the period, from the
  unit's **own** Biểu 06 counters (dossiers the unit received; a department's
  sub-agencies and a district's communes are scored on their own). The same sums as
  ``dossiers.aggregates.aggregate_stats``: the counters of the day of resolution,
  local time (a dossier resolved at 23:30 on 31/12 counts in that year).
* ``APOLOGY``: late dossiers resolved in the period with an apology letter / late
  dossiers resolved in the period; no late dossier → ``None`` ("không có hồ sơ quá hạn").
* ``ONLINE``, ``ONLINE_PAYMENT``, ``DIGITIZED``: dossiers received online, paid online,
  digitised / dossiers received in the period (counters of the day of receipt).
* ``DECISION_766``: the mean, over the months of the period with data, of the unit's
  monthly Decision 766 total (``indicators.selectors.indicator_table``) as a share of
  the maximum of the indicators that had data that month (so a manual indicator the
  office never entered does not count against the unit); with every indicator
  present that is the total / 100. ``numerator`` / ``denominator`` are the months
  with data / the months of the period.

A deduction rule counts faults, not a rate: :attr:`SourceValue.faults` (denominator −
numerator: the tasks missed, the dossiers late, the late ones without apology …).

:func:`source_values` reads every unit of a list at once: a fixed number of queries
whatever the number of units (tasks 2, and the calendar when not cached; dossier
sources 1; Decision 766 about six per month of the period); the per-source functions
are its one-unit case. Scoring reads the selectors of other domain apps here; none of
them imports scoring.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Context, Decimal, localcontext
from typing import Any

from django.db.models import Subquery
from django.utils import timezone

from cchc.core.calendar import work_calendar
from cchc.dossiers import aggregates
from cchc.indicators.selectors import indicator_table
from cchc.organizations.models import OrgUnit
from cchc.plans.choices import PlanStatus
from cchc.scoring.calculations import fmt, round_points
from cchc.scoring.choices import AutoSource
from cchc.tasks.calculations import effective_deadline
from cchc.tasks.choices import DONE_STATUSES, TaskStatus
from cchc.tasks.models import Task, TaskOccurrence

_CONTEXT = Context(prec=50)
_HUNDRED = Decimal(100)
_DOSSIER_COLUMNS = (
    "received", "received_online", "resolved_early", "resolved_on_time", "resolved_late",
    "paid_online", "digitized", "late_apologized",
)  # fmt: skip


@dataclass(frozen=True)
class SourceValue:
    """What one source measured for one unit: the rate, its parts, the period, a sentence and the links.

    ``value`` is a rate in ``[0, 1]`` (``numerator / denominator``, exact), the Decision
    766 mean share, or ``None`` when there was nothing to measure. ``drill_down`` holds
    plain JSON values: ``{"kind": "tasks", "unit_code", "year", "plan_ids", "task_ids"}``
    (``task_ids``: the counted tasks not done on time), ``{"kind": "dossiers",
    "unit_code", "from", "to", "measure"}`` or ``{"kind": "indicators", "unit_code",
    "year", "months"}`` (month → percent of that month).
    """

    value: Decimal | None
    numerator: int
    denominator: int
    period_from: dt.date
    period_to: dt.date
    detail: str
    drill_down: dict[str, Any] = field(default_factory=dict)
    counts_faults: bool = True

    @property
    def faults(self) -> int | None:
        """What a deduction rule counts: the items that missed (denominator − numerator).

        0 when nothing happened (no fault); ``None`` for a source that is a score, not a
        count of items (Decision 766).
        """
        return self.denominator - self.numerator if self.counts_faults else None

    def as_json(self) -> dict[str, Any]:
        """The figures as plain JSON (what ``Score.auto_detail`` keeps beside the points)."""
        return {
            "value": None if self.value is None else str(self.value),
            "numerator": self.numerator,
            "denominator": self.denominator,
            "period": {"from": self.period_from.isoformat(), "to": self.period_to.isoformat()},
            "detail": self.detail,
            "drill_down": self.drill_down,
        }


def _rate(numerator: int, denominator: int) -> Decimal | None:
    if denominator == 0:
        return None
    with localcontext(_CONTEXT):
        return Decimal(numerator) / Decimal(denominator)


def _period(year: int, today: dt.date) -> tuple[dt.date, dt.date]:
    """``1/1`` to ``31/12`` of ``year``, cut at ``today``; the end is before the start for a year not begun."""
    return dt.date(year, 1, 1), min(dt.date(year, 12, 31), today)


def _period_words(first: dt.date, last: dt.date) -> str:
    if first.month == 1 and first.day == 1 and last == dt.date(first.year, 12, 31):
        return f"trong năm {first.year}"
    return f"từ {first:%d/%m/%Y} đến {last:%d/%m/%Y}"


def _not_begun(units: Sequence[OrgUnit], year: int, first: dt.date) -> dict[int, SourceValue]:
    return {
        unit.pk: SourceValue(
            value=None,
            numerator=0,
            denominator=0,
            period_from=first,
            period_to=first,
            detail=f"Năm {year} chưa bắt đầu: chưa có số liệu.",
            drill_down={},
        )
        for unit in units
    }


# -- tasks -------------------------------------------------------------------------------


@dataclass
class _TaskRow:
    pk: int
    plan_id: int
    unit_id: int
    source_id: int | None
    status: str
    due: dt.date | None  # never None here: the query keeps due dates in the period
    completed_on: dt.date | None
    periods: list[tuple[dt.date, dt.date | None]] = field(default_factory=list)


def _deadline(day: dt.date) -> dt.date:
    return effective_deadline(day, work_calendar())


def _done_on_time(task: _TaskRow) -> bool:
    """The rule of the module docstring for one task (cancelled ones never get here)."""
    if task.periods and any(done is not None for _due, done in task.periods):
        return all(done is not None and done <= _deadline(due) for due, done in task.periods)
    if task.status not in DONE_STATUSES:
        return False
    if task.completed_on is None or task.due is None:
        return task.status == TaskStatus.DONE_ON_TIME
    return task.completed_on <= _deadline(task.due)


def _tasks_on_time(units: Sequence[OrgUnit], year: int, first: dt.date, last: dt.date) -> dict[int, SourceValue]:
    counted = (
        Task.objects.filter(
            lead_unit__in=[unit.pk for unit in units],
            plan__year=year,
            plan__status__in=[PlanStatus.ISSUED, PlanStatus.CLOSED],
            due_date__range=(first, last),
        )
        .exclude(status=TaskStatus.CANCELLED)
        .order_by()
    )
    rows = {
        pk: _TaskRow(pk, plan_id, unit_id, source_id, status, due, done)
        for pk, plan_id, unit_id, source_id, status, due, done in counted.values_list(
            "pk", "plan_id", "lead_unit_id", "source_task_id", "status", "due_date", "completed_on"
        )
    }
    periods = TaskOccurrence.objects.filter(task_id__in=Subquery(counted.values("pk"))).order_by("task_id", "due_date")
    for task_id, due, done in periods.values_list("task_id", "due_date", "completed_on"):
        rows[task_id].periods.append((due, done))

    def root(task: _TaskRow) -> int:
        # Follow the copies up to the first task that is not itself a counted copy of the same unit's.
        while task.source_id in rows and rows[task.source_id].unit_id == task.unit_id:
            task = rows[task.source_id]
        return task.pk

    groups: dict[int, dict[int, list[_TaskRow]]] = defaultdict(lambda: defaultdict(list))
    for task in rows.values():
        groups[task.unit_id][root(task)].append(task)
    words = _period_words(first, last)
    result = {}
    for unit in units:
        commitments = groups.get(unit.pk, {})
        missed = [t for members in commitments.values() if not any(map(_done_on_time, members)) for t in members]
        denominator = len(commitments)
        numerator = denominator - len({root(t) for t in missed})
        if denominator:
            detail = f"{numerator}/{denominator} nhiệm vụ do đơn vị chủ trì hoàn thành đúng hạn {words}."
        else:
            detail = f"Không có nhiệm vụ do đơn vị chủ trì đến hạn {words}."
        result[unit.pk] = SourceValue(
            value=_rate(numerator, denominator),
            numerator=numerator,
            denominator=denominator,
            period_from=first,
            period_to=last,
            detail=detail,
            drill_down={
                "kind": "tasks",
                "unit_code": unit.code,
                "year": year,
                "plan_ids": sorted({t.plan_id for members in commitments.values() for t in members}),
                "task_ids": sorted(t.pk for t in missed),
            },
        )
    return result


# -- dossiers ----------------------------------------------------------------------------


def _dossier_sums(unit_ids: Sequence[int], first: dt.date, last: dt.date) -> dict[int, dict[str, int]]:
    """The counter columns summed over ``[first, last]`` per unit (``aggregates.counter_sums``)."""
    return aggregates.counter_sums(date_from=first, date_to=last, columns=_DOSSIER_COLUMNS, unit_ids=unit_ids)


@dataclass(frozen=True)
class _DossierRule:
    numerator: Callable[[dict[str, int]], int]
    denominator: Callable[[dict[str, int]], int]
    sentence: str  # "{n}/{d} …{words}."
    empty: str  # "… {words}."
    measure: str


def _resolved(sums: dict[str, int]) -> int:
    return sums["resolved_early"] + sums["resolved_on_time"] + sums["resolved_late"]


_DOSSIER_RULES: dict[str, _DossierRule] = {
    AutoSource.DOSSIERS_ON_TIME: _DossierRule(
        lambda s: s["resolved_early"] + s["resolved_on_time"],
        _resolved,
        "{n}/{d} hồ sơ giải quyết đúng hạn (trước hạn + đúng hạn) {words}.",
        "Không có hồ sơ giải quyết xong {words}.",
        "resolved",
    ),
    AutoSource.APOLOGY: _DossierRule(
        lambda s: s["late_apologized"],
        lambda s: s["resolved_late"],
        "{n}/{d} hồ sơ giải quyết quá hạn có văn bản xin lỗi {words}.",
        "Không có hồ sơ quá hạn {words}.",
        "late",
    ),
    AutoSource.ONLINE: _DossierRule(
        lambda s: s["received_online"],
        lambda s: s["received"],
        "{n}/{d} hồ sơ tiếp nhận trực tuyến {words}.",
        "Không có hồ sơ tiếp nhận {words}.",
        "received",
    ),
    AutoSource.ONLINE_PAYMENT: _DossierRule(
        lambda s: s["paid_online"],
        lambda s: s["received"],
        "{n}/{d} hồ sơ tiếp nhận được thanh toán phí, lệ phí trực tuyến {words}.",
        "Không có hồ sơ tiếp nhận {words}.",
        "received",
    ),
    AutoSource.DIGITIZED: _DossierRule(
        lambda s: s["digitized"],
        lambda s: s["received"],
        "{n}/{d} hồ sơ tiếp nhận được số hóa {words}.",
        "Không có hồ sơ tiếp nhận {words}.",
        "received",
    ),
}


def _dossier_source(
    source: str, units: Sequence[OrgUnit], year: int, first: dt.date, last: dt.date
) -> dict[int, SourceValue]:
    rule = _DOSSIER_RULES[source]
    sums = _dossier_sums([unit.pk for unit in units], first, last)
    zero = dict.fromkeys(_DOSSIER_COLUMNS, 0)
    words = _period_words(first, last)
    result = {}
    for unit in units:
        unit_sums = sums.get(unit.pk, zero)
        numerator, denominator = rule.numerator(unit_sums), rule.denominator(unit_sums)
        text = rule.sentence if denominator else rule.empty
        result[unit.pk] = SourceValue(
            value=_rate(numerator, denominator),
            numerator=numerator,
            denominator=denominator,
            period_from=first,
            period_to=last,
            detail=text.format(n=numerator, d=denominator, words=words),
            drill_down={
                "kind": "dossiers",
                "unit_code": unit.code,
                "from": first.isoformat(),
                "to": last.isoformat(),
                "measure": rule.measure,
            },
        )
    return result


# -- Decision 766 ------------------------------------------------------------------------


def _decision_766(
    units: Sequence[OrgUnit], year: int, first: dt.date, last: dt.date, today: dt.date
) -> dict[int, SourceValue]:
    months = range(first.month, last.month + 1)
    shares: dict[str, dict[int, Decimal]] = defaultdict(dict)
    codes = {unit.code for unit in units}
    for month in months:
        if len(units) == 1:
            table = indicator_table(year=year, month=month, unit_code=units[0].code, today=today)
        else:
            table = indicator_table(year=year, month=month, today=today)
        for row in table.rows:
            total = row.total
            if row.unit_code in codes and total.points is not None and total.max_points > 0:
                with localcontext(_CONTEXT):
                    shares[row.unit_code][month] = total.points / total.max_points
    words = _period_words(first, last)
    result = {}
    for unit in units:
        found = shares.get(unit.code, {})
        value: Decimal | None = None
        if found:
            with localcontext(_CONTEXT):
                value = sum(found.values(), Decimal(0)) / len(found)
            detail = (
                f"Điểm Bộ chỉ số 766 bình quân {fmt(round_points(value * _HUNDRED))}/100 "
                f"của {len(found)}/{len(months)} tháng có số liệu {words}."
            )
        else:
            detail = f"Chưa có dữ liệu Bộ chỉ số 766 của đơn vị {words}."
        result[unit.pk] = SourceValue(
            value=value,
            numerator=len(found),
            denominator=len(months),
            period_from=first,
            period_to=last,
            detail=detail,
            drill_down={
                "kind": "indicators",
                "unit_code": unit.code,
                "year": year,
                "months": {str(month): str(round_points(share * _HUNDRED)) for month, share in sorted(found.items())},
            },
            counts_faults=False,
        )
    return result


# -- entry points ------------------------------------------------------------------------


def source_values(
    *, source: str, units: Iterable[OrgUnit], year: int, today: dt.date | None = None
) -> dict[int, SourceValue]:
    """``{unit id: SourceValue}`` of ``source`` for every unit of ``units`` over ``year`` (module docstring).

    A fixed number of queries whatever the number of units. ``today`` (default: the
    local date) cuts the period of the running year. Raises ``ValueError`` for
    ``AutoSource.NONE`` or an unknown source.
    """
    unit_list = list({unit.pk: unit for unit in units}.values())
    if source not in AutoSource.values or source == AutoSource.NONE:
        raise ValueError(f"Nguồn số liệu tự động không hợp lệ: «{source}».")
    today = today or timezone.localdate()
    first, last = _period(year, today)
    if not unit_list:
        return {}
    if last < first:
        return _not_begun(unit_list, year, first)
    if source == AutoSource.TASKS_ON_TIME:
        return _tasks_on_time(unit_list, year, first, last)
    if source == AutoSource.DECISION_766:
        return _decision_766(unit_list, year, first, last, today)
    return _dossier_source(source, unit_list, year, first, last)


def source_value(*, source: str, unit: OrgUnit, year: int, today: dt.date | None = None) -> SourceValue:
    """:func:`source_values` for one unit."""
    return source_values(source=source, units=[unit], year=year, today=today)[unit.pk]


def tasks_on_time(*, unit: OrgUnit, year: int, today: dt.date | None = None) -> SourceValue:
    """Tasks led by ``unit`` done on time / due in the year (module docstring); two queries."""
    return source_value(source=AutoSource.TASKS_ON_TIME, unit=unit, year=year, today=today)


def dossiers_on_time(*, unit: OrgUnit, year: int, today: dt.date | None = None) -> SourceValue:
    """(Early + on time) / resolved, the unit's own dossiers; one query."""
    return source_value(source=AutoSource.DOSSIERS_ON_TIME, unit=unit, year=year, today=today)


def apology(*, unit: OrgUnit, year: int, today: dt.date | None = None) -> SourceValue:
    """Late dossiers with an apology letter / late dossiers; ``None`` without a late dossier; one query."""
    return source_value(source=AutoSource.APOLOGY, unit=unit, year=year, today=today)


def online(*, unit: OrgUnit, year: int, today: dt.date | None = None) -> SourceValue:
    """Dossiers received online / received; one query."""
    return source_value(source=AutoSource.ONLINE, unit=unit, year=year, today=today)


def online_payment(*, unit: OrgUnit, year: int, today: dt.date | None = None) -> SourceValue:
    """Dossiers paid online / received; one query."""
    return source_value(source=AutoSource.ONLINE_PAYMENT, unit=unit, year=year, today=today)


def digitized(*, unit: OrgUnit, year: int, today: dt.date | None = None) -> SourceValue:
    """Dossiers digitised / received; one query."""
    return source_value(source=AutoSource.DIGITIZED, unit=unit, year=year, today=today)


def decision_766(*, unit: OrgUnit, year: int, today: dt.date | None = None) -> SourceValue:
    """The mean monthly Decision 766 share of the months with data; about six queries a month."""
    return source_value(source=AutoSource.DECISION_766, unit=unit, year=year, today=today)

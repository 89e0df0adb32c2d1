"""Prefilling a report from live data: each form field may name a ``source`` whose figure CCHC already knows.

The registry ``SOURCES`` maps a source key (``"dossiers.received"``) to a function of
``(unit, date_from, date_to)`` — the report's data window, inclusive local dates —
returning ``(value, provenance)``; ``prefill_values`` asks every field's source once and
returns the figures with their provenance (shown beside the field: "Tự động từ …").

**The unit's tasks** (``tasks.*``) are the tasks that

* the unit itself **leads** (``Task.lead_unit``; not its descendants, not the tasks it
  only coordinates),
* of a plan of the **report's year** (the year of the window's end) that is **issued**
  (or issued and since closed; a draft plan assigns nothing),
* **not cancelled**,
* **due within or before the window**: a due date on or before the window's end (a
  task without a due date, "thường xuyên", is due at no time and is not counted).

A task copied into the unit's own plan (``source_task``) is the same commitment as its
source: when both are among the unit's tasks the pair counts once, as its better copy
(done before open, on time before late, then the higher progress).

Each task is taken **as it stood at the window's end**: it is *done* when its status
is done and it was completed on or before the window's end (a done task without a
completion date counts as done); a task completed after the window's end was still
open then. *Done on time*: done, and completed on or before its effective deadline
(a deadline on a day off moves to the next working day,
``tasks.calculations.effective_deadline``), or, without a completion date, stored as
"done on time". *Overdue*: open at the window's end and its effective deadline is
before the window's end (``tasks.calculations.is_overdue`` with the window's end as
"today"). *Progress* is ``tasks.calculations.rollup`` of those tasks (weighted; done
counts 100 %; a task still open at the window's end counts its recorded progress).
Recurring tasks are judged on the task, not on their periods.

**Targets** (``targets.*``): the targets set for the unit (``Target.unit``) in the
issued (or closed) plans of the report's year; achieved when the actual value is
reported and at least the target value.

**Dossiers** (``dossiers.*``): the unit's own Biểu 06 row for the window
(``dossiers.aggregates.aggregate_stats``, dossiers the unit received; days are local
days, so a dossier received at 23:30 on the 14th counts in the window that ends on the
14th). Resolved on time = early + on time; the on-time rate is (early + on time) /
resolved in percent with two decimals, ``None`` when nothing was resolved.

**Ratings** (``ratings.*``): citizens' ratings submitted within the window (local
date) on dossiers the unit received; the mean of their totals (out of 18), two
decimals rounded half up, ``None`` without ratings.

**PAR self-assessment** (``par.self_status``): the unit's assessment in the PAR round
of the window's end year, as it stood at the window's end (a submission dated after
it does not count yet); "chưa có đợt đánh giá" when the unit is in no round of that
year.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, F, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.core.calendar import work_calendar
from cchc.core.workdays import VN_TZ, WorkCalendar
from cchc.dossiers.aggregates import aggregate_stats
from cchc.dossiers.models import Rating
from cchc.dossiers.sla import Stats
from cchc.organizations.models import OrgUnit
from cchc.plans.choices import PlanStatus
from cchc.scoring.choices import AssessmentStatus, RoundStatus
from cchc.scoring.models import Assessment
from cchc.tasks.calculations import TaskFigure, effective_deadline, is_overdue, rollup
from cchc.tasks.choices import DONE_STATUSES, OPEN_STATUSES, TaskStatus
from cchc.tasks.models import Target, Task

Value = Decimal | int | str | None


@dataclass(frozen=True)
class Prefilled:
    """One live figure: its value, where it comes from (a Vietnamese phrase) and when it was taken."""

    value: Value
    source: str
    taken_at: dt.datetime

    def as_json(self) -> dict[str, Any]:
        value = str(self.value) if isinstance(self.value, Decimal) else self.value
        return {"value": value, "source": self.source, "taken_at": self.taken_at.isoformat(), "edited": False}


SourceFunction = Callable[[OrgUnit, dt.date, dt.date], tuple[Value, str]]

#: Plans whose tasks and targets count: issued, or issued and since closed.
COUNTED_PLAN_STATUSES = (PlanStatus.ISSUED, PlanStatus.CLOSED)
_ONE_DAY = dt.timedelta(days=1)
_HUNDREDTH = Decimal("0.01")
#: Within one ``prefill_values`` call, the reads several sources share (the unit's tasks,
#: its Biểu 06 row, its ratings) are made once; outside it every source reads afresh.
_shared: ContextVar[dict[tuple[Any, ...], Any] | None] = ContextVar("prefill_shared", default=None)


def _once(key: tuple[Any, ...], read: Callable[[], Any]) -> Any:
    memo = _shared.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]


def _span(date_from: dt.date, date_to: dt.date) -> str:
    return f"{date_from:%d/%m/%Y}–{date_to:%d/%m/%Y}"


def local_bounds(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The aware ``[start, end)`` instants of the local days ``date_from … date_to``."""
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=VN_TZ)
    end = dt.datetime.combine(date_to + _ONE_DAY, dt.time.min, tzinfo=VN_TZ)
    return start, end


# -- tasks ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskAtEnd:
    """A task as it stood at the window's end (module docstring)."""

    task: Task
    done: bool
    on_time: bool
    overdue: bool

    @property
    def figure(self) -> TaskFigure:
        """What the roll-up takes: done counts 100 %; a task done only after the window's end is still open."""
        if self.done:
            return TaskFigure(weight=self.task.weight, progress=100, status=self.task.status)
        status = self.task.status if self.task.status in OPEN_STATUSES else TaskStatus.IN_PROGRESS
        return TaskFigure(weight=self.task.weight, progress=self.task.progress, status=status)


def task_at_end(task: Task, *, date_to: dt.date, calendar: WorkCalendar) -> TaskAtEnd:
    """Done, done on time and overdue of ``task`` at the end of ``date_to`` (see the module)."""
    done = task.status in DONE_STATUSES and (task.completed_on is None or task.completed_on <= date_to)
    if not done:
        on_time = False
    elif task.completed_on is not None and task.due_date is not None:
        on_time = task.completed_on <= effective_deadline(task.due_date, calendar)
    else:
        on_time = task.status == TaskStatus.DONE_ON_TIME
    # Open at the window's end, whatever its status says today: judged as an open task.
    overdue = not done and is_overdue(
        status=TaskStatus.IN_PROGRESS, due_date=task.due_date, today=date_to, calendar=calendar
    )
    return TaskAtEnd(task=task, done=done, on_time=on_time, overdue=overdue)


def _better(a: TaskAtEnd, b: TaskAtEnd) -> TaskAtEnd:
    def key(item: TaskAtEnd) -> tuple[bool, bool, int, int]:
        return item.done, item.on_time, item.task.progress, -item.task.pk

    return a if key(a) >= key(b) else b


def tasks_at_end(tasks: Iterable[Task], *, date_to: dt.date, calendar: WorkCalendar) -> list[TaskAtEnd]:
    """Each task at the window's end, a copy and its source (both given) counted once, as the better one."""
    by_pk = {task.pk: task for task in tasks}

    def root(task: Task) -> int:
        seen = {task.pk}
        current = task
        while current.source_task_id is not None and current.source_task_id in by_pk:
            if current.source_task_id in seen:  # a cycle cannot be saved, but never loop on one
                break
            seen.add(current.source_task_id)
            current = by_pk[current.source_task_id]
        return current.pk

    best: dict[int, TaskAtEnd] = {}
    for task in by_pk.values():
        state = task_at_end(task, date_to=date_to, calendar=calendar)
        key = root(task)
        best[key] = _better(best[key], state) if key in best else state
    return [best[key] for key in sorted(best)]


def unit_tasks(unit: OrgUnit, date_to: dt.date) -> QuerySet[Task]:
    """The unit's tasks for a window ending on ``date_to`` (module docstring), before copies are merged."""
    return (
        Task.objects.filter(
            lead_unit=unit,
            plan__year=date_to.year,
            plan__status__in=COUNTED_PLAN_STATUSES,
            due_date__isnull=False,
            due_date__lte=date_to,
        )
        .exclude(status=TaskStatus.CANCELLED)
        .order_by("pk")
    )


def _unit_tasks_at_end(unit: OrgUnit, date_to: dt.date) -> list[TaskAtEnd]:
    return _once(
        ("tasks", unit.pk, date_to),
        lambda: tasks_at_end(unit_tasks(unit, date_to), date_to=date_to, calendar=work_calendar()),
    )


def _plan_phrase(what: str, date_from: dt.date, date_to: dt.date) -> str:
    return _("Tự động từ kế hoạch CCHC %(year)d: %(what)s, %(span)s") % {
        "year": date_to.year,
        "what": what,
        "span": _span(date_from, date_to),
    }


def tasks_total(unit: OrgUnit, date_from: dt.date, date_to: dt.date) -> tuple[Value, str]:
    count = len(_unit_tasks_at_end(unit, date_to))
    what = _("nhiệm vụ do đơn vị chủ trì có hạn đến %(end)s, không tính nhiệm vụ đã hủy") % {
        "end": f"{date_to:%d/%m/%Y}"
    }
    return count, _plan_phrase(what, date_from, date_to)


def tasks_done(unit: OrgUnit, date_from: dt.date, date_to: dt.date) -> tuple[Value, str]:
    count = sum(1 for item in _unit_tasks_at_end(unit, date_to) if item.done)
    what = _("nhiệm vụ do đơn vị chủ trì đã hoàn thành đến ngày %(end)s") % {"end": f"{date_to:%d/%m/%Y}"}
    return count, _plan_phrase(what, date_from, date_to)


def tasks_done_on_time(unit: OrgUnit, date_from: dt.date, date_to: dt.date) -> tuple[Value, str]:
    count = sum(1 for item in _unit_tasks_at_end(unit, date_to) if item.on_time)
    what = _(
        "nhiệm vụ do đơn vị chủ trì hoàn thành đúng hạn (hạn rơi vào ngày nghỉ được lùi sang ngày làm việc kế tiếp)"
    )
    return count, _plan_phrase(what, date_from, date_to)


def tasks_overdue(unit: OrgUnit, date_from: dt.date, date_to: dt.date) -> tuple[Value, str]:
    count = sum(1 for item in _unit_tasks_at_end(unit, date_to) if item.overdue)
    what = _("nhiệm vụ do đơn vị chủ trì chưa hoàn thành và đã quá hạn tại ngày %(end)s") % {
        "end": f"{date_to:%d/%m/%Y}"
    }
    return count, _plan_phrase(what, date_from, date_to)


def tasks_progress_percent(unit: OrgUnit, date_from: dt.date, date_to: dt.date) -> tuple[Value, str]:
    result = rollup(item.figure for item in _unit_tasks_at_end(unit, date_to))
    what = _("tiến độ bình quân theo trọng số các nhiệm vụ do đơn vị chủ trì (nhiệm vụ đã hoàn thành tính 100%)")
    return result.progress, _plan_phrase(what, date_from, date_to)


# -- targets ----------------------------------------------------------------------------------


def unit_targets(unit: OrgUnit, year: int) -> QuerySet[Target]:
    """The targets set for ``unit`` in the issued (or closed) plans of ``year``."""
    return Target.objects.filter(unit=unit, plan__year=year, plan__status__in=COUNTED_PLAN_STATUSES)


def targets_achieved(unit: OrgUnit, date_from: dt.date, date_to: dt.date) -> tuple[Value, str]:
    achieved = unit_targets(unit, date_to.year).filter(actual_value__isnull=False, actual_value__gte=F("target_value"))
    count = achieved.count()
    what = _("chỉ tiêu giao cho đơn vị có giá trị đạt được bằng hoặc vượt mục tiêu")
    return count, _plan_phrase(what, date_from, date_to)


def targets_total(unit: OrgUnit, date_from: dt.date, date_to: dt.date) -> tuple[Value, str]:
    count = unit_targets(unit, date_to.year).count()
    return count, _plan_phrase(_("chỉ tiêu giao cho đơn vị"), date_from, date_to)


# -- dossiers ---------------------------------------------------------------------------------


def unit_stats(unit: OrgUnit, date_from: dt.date, date_to: dt.date) -> Stats:
    """The unit's own Biểu 06 row for the window; all zero when it had no dossier."""
    return _once(
        ("dossiers", unit.pk, date_from, date_to),
        lambda: aggregate_stats(date_from=date_from, date_to=date_to, unit_id=unit.pk).get(unit.pk, Stats()),
    )


def _dossier_source(what: Any, figure: Callable[[Stats], Value]) -> SourceFunction:
    def source(unit: OrgUnit, date_from: dt.date, date_to: dt.date) -> tuple[Value, str]:
        phrase = _("Tự động từ Biểu 06, hồ sơ TTHC do đơn vị tiếp nhận: %(what)s, %(span)s") % {
            "what": what,
            "span": _span(date_from, date_to),
        }
        return figure(unit_stats(unit, date_from, date_to)), phrase

    return source


# -- ratings ----------------------------------------------------------------------------------


def _ratings(unit: OrgUnit, date_from: dt.date, date_to: dt.date) -> tuple[int, int]:
    def read() -> tuple[int, int]:
        start, end = local_bounds(date_from, date_to)
        row = Rating.objects.filter(dossier__unit=unit, submitted_at__gte=start, submitted_at__lt=end).aggregate(
            count=Count("pk"), total=Sum("total")
        )
        return int(row["count"] or 0), int(row["total"] or 0)

    result: tuple[int, int] = _once(("ratings", unit.pk, date_from, date_to), read)
    return result


def mean_hundredths(total: int, count: int) -> Decimal | None:
    """``total / count`` with two decimals, rounded half up; ``None`` for no count."""
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)


def _rating_phrase(what: str, date_from: dt.date, date_to: dt.date) -> str:
    return _("Tự động từ đánh giá của người dân về hồ sơ do đơn vị tiếp nhận: %(what)s, %(span)s") % {
        "what": what,
        "span": _span(date_from, date_to),
    }


def ratings_count(unit: OrgUnit, date_from: dt.date, date_to: dt.date) -> tuple[Value, str]:
    count, _total = _ratings(unit, date_from, date_to)
    return count, _rating_phrase(_("số lượt đánh giá"), date_from, date_to)


def ratings_mean(unit: OrgUnit, date_from: dt.date, date_to: dt.date) -> tuple[Value, str]:
    count, total = _ratings(unit, date_from, date_to)
    return mean_hundredths(total, count), _rating_phrase(_("điểm bình quân (tối đa 18)"), date_from, date_to)


# -- PAR self-assessment ----------------------------------------------------------------------


def par_self_status(unit: OrgUnit, date_from: dt.date, date_to: dt.date) -> tuple[Value, str]:
    phrase = _("Tự động từ Chỉ số CCHC năm %(year)d: tình trạng tự đánh giá của đơn vị tại ngày %(end)s") % {
        "year": date_to.year,
        "end": f"{date_to:%d/%m/%Y}",
    }
    assessment = (
        Assessment.objects.filter(unit=unit, round__year=date_to.year)
        .select_related("round")
        .order_by("round_id")
        .first()
    )
    if assessment is None:
        return _("chưa có đợt đánh giá"), phrase
    if assessment.round.status == RoundStatus.DRAFT:
        return _("đợt đánh giá năm %(year)d chưa mở") % {"year": date_to.year}, phrase
    submitted = assessment.submitted_at.astimezone(VN_TZ).date() if assessment.submitted_at else None
    if assessment.status == AssessmentStatus.SUBMITTED and submitted is not None and submitted <= date_to:
        return _("đã gửi thẩm định ngày %(day)s") % {"day": f"{submitted:%d/%m/%Y}"}, phrase
    return _("đang tự chấm"), phrase


SOURCES: dict[str, SourceFunction] = {
    "tasks.total": tasks_total,
    "tasks.done": tasks_done,
    "tasks.done_on_time": tasks_done_on_time,
    "tasks.overdue": tasks_overdue,
    "tasks.progress_percent": tasks_progress_percent,
    "targets.achieved": targets_achieved,
    "targets.total": targets_total,
    "dossiers.received": _dossier_source(gettext_lazy("số hồ sơ tiếp nhận"), lambda s: s.received),
    "dossiers.received_online": _dossier_source(
        gettext_lazy("số hồ sơ tiếp nhận trực tuyến"), lambda s: s.received_online
    ),
    "dossiers.carried_over": _dossier_source(gettext_lazy("số hồ sơ kỳ trước chuyển sang"), lambda s: s.carried_over),
    "dossiers.to_handle": _dossier_source(
        gettext_lazy("tổng số hồ sơ phải giải quyết = kỳ trước chuyển sang + tiếp nhận trong kỳ"),
        lambda s: s.carried_over + s.received,
    ),
    "dossiers.resolved": _dossier_source(gettext_lazy("số hồ sơ đã giải quyết"), lambda s: s.resolved),
    "dossiers.resolved_on_time": _dossier_source(
        gettext_lazy("số hồ sơ giải quyết trước hạn và đúng hạn"), lambda s: s.resolved_early + s.resolved_on_time
    ),
    "dossiers.resolved_late": _dossier_source(gettext_lazy("số hồ sơ giải quyết quá hạn"), lambda s: s.resolved_late),
    "dossiers.in_progress_overdue": _dossier_source(
        gettext_lazy("số hồ sơ đang giải quyết đã quá hạn tại ngày cuối kỳ"), lambda s: s.in_progress_overdue
    ),
    "dossiers.on_time_rate": _dossier_source(
        gettext_lazy("tỷ lệ giải quyết đúng hạn = (trước hạn + đúng hạn) / đã giải quyết (%)"), lambda s: s.on_time_rate
    ),
    "ratings.count": ratings_count,
    "ratings.mean": ratings_mean,
    "par.self_status": par_self_status,
}


def prefill_values(
    *, form: Sequence[Mapping[str, Any]], unit: OrgUnit, date_from: dt.date, date_to: dt.date
) -> dict[str, Prefilled]:
    """The live figure of every field of ``form`` that names a known ``source``.

    The reads several sources share are made once per call (six queries or so for a
    form that uses every source).
    """
    now = timezone.now()
    figures: dict[str, Prefilled] = {}
    token = _shared.set({})
    try:
        for section in form:
            for field in section.get("fields", ()):
                function = SOURCES.get(field.get("source", ""))
                if function is None:
                    continue
                value, source = function(unit, date_from, date_to)
                figures[field["code"]] = Prefilled(value=value, source=source, taken_at=now)
    finally:
        _shared.reset(token)
    return figures

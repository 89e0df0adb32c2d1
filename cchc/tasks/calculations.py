"""Pure task arithmetic: overdue by the working-day calendar, and roll-up.

The roll-up rule, shown next to every rolled-up number:

    progress(branch) = Σ weightᵢ × progressᵢ / Σ weightᵢ   over the branch's tasks,
    where a cancelled task is left out, a done task counts 100 %, and a branch with
    no counted task (empty, all cancelled or all weight 0) has no progress (None),
    not 0 %. Results are rounded to one decimal.

No ORM here: callers pass plain values, so the rules are tested without a database.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from cchc.core.workdays import WorkCalendar
from cchc.tasks.choices import DONE_STATUSES, OPEN_STATUSES, TaskStatus

OVERDUE = "overdue"
ROLLUP_RULE = (
    "Tiến độ = Σ(trọng số × tiến độ) / Σ trọng số của các nhiệm vụ; nhiệm vụ đã hủy không tính, "
    "nhiệm vụ hoàn thành tính 100%."
)


def effective_deadline(due_date: dt.date, calendar: WorkCalendar) -> dt.date:
    """The last day a task may be finished on time.

    A deadline that falls on a day off moves to the next working day (Civil Code,
    Art. 148): a task due on Saturday 21/1/2023 (Tết) may be finished on 27/1/2023.
    """
    return calendar.period_end(due_date)


def is_overdue(*, status: str, due_date: dt.date | None, today: dt.date, calendar: WorkCalendar) -> bool:
    """An open task whose effective deadline is before ``today``.

    A deadline beyond the calendar's known years cannot have passed yet (services
    refuse such dates; old rows must not take a page down).
    """
    if status not in OPEN_STATUSES or due_date is None:
        return False
    if calendar.last_year is not None and due_date.year > calendar.last_year:
        return False
    return today > effective_deadline(due_date, calendar)


def display_status(*, status: str, due_date: dt.date | None, today: dt.date, calendar: WorkCalendar) -> str:
    """The stored status, or ``"overdue"`` when the calendar says so."""
    return OVERDUE if is_overdue(status=status, due_date=due_date, today=today, calendar=calendar) else status


def completion_status(*, due_date: dt.date | None, completed_on: dt.date, calendar: WorkCalendar) -> str:
    """Done on time or late, by the effective deadline (no deadline: on time)."""
    if due_date is None or completed_on <= effective_deadline(due_date, calendar):
        return TaskStatus.DONE_ON_TIME
    return TaskStatus.DONE_LATE


@dataclass(frozen=True)
class TaskFigure:
    """What the roll-up needs of one task."""

    weight: Decimal
    progress: int
    status: str


@dataclass(frozen=True)
class Rollup:
    progress: Decimal | None  # weighted percent, one decimal; None when nothing counts
    counted: int  # tasks counted (not cancelled, weight > 0)
    done: int
    cancelled: int
    total: int

    @property
    def completion_rate(self) -> Decimal | None:
        """Done tasks over counted tasks, in percent (one decimal)."""
        if not self.counted:
            return None
        return _round(Decimal(self.done) * 100 / Decimal(self.counted))


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def rollup(tasks: Iterable[TaskFigure]) -> Rollup:
    """Apply the roll-up rule (module docstring) to a branch's tasks."""
    weight_sum = Decimal(0)
    weighted = Decimal(0)
    counted = done = cancelled = total = 0
    for task in tasks:
        total += 1
        if task.status == TaskStatus.CANCELLED:
            cancelled += 1
            continue
        if task.weight <= 0:
            continue
        counted += 1
        value = Decimal(100) if task.status in DONE_STATUSES else Decimal(task.progress)
        done += task.status in DONE_STATUSES
        weight_sum += task.weight
        weighted += task.weight * value
    progress = _round(weighted / weight_sum) if weight_sum else None
    return Rollup(progress=progress, counted=counted, done=done, cancelled=cancelled, total=total)


# -- targets -----------------------------------------------------------------------------------

ACHIEVEMENT_RULE = (
    "Mức đạt = giá trị đạt được / giá trị mục tiêu × 100%, làm tròn một chữ số thập phân; "
    "chưa có giá trị đạt được hoặc mục tiêu bằng 0 thì chưa tính."
)


def target_achievement(*, target_value: Decimal, actual_value: Decimal | None) -> Decimal | None:
    """How far a target is reached, in percent of its target value (``ACHIEVEMENT_RULE``).

    Higher is better for every target the plans set today ("100 % TTHC công bố đúng
    hạn", "≥ 98 % hồ sơ đúng hạn"), so the figure is the plain ratio and may exceed
    100 when a unit does better than asked. ``None`` when the actual value is not
    reported yet, and for a zero target, whose ratio means nothing. A lower-is-better
    indicator would need its own rule (target / actual) and a flag on the target.
    """
    if actual_value is None or target_value <= 0:
        return None
    return _round(Decimal(actual_value) * 100 / Decimal(target_value))

"""Reporting periods: data windows, deadlines, lock dates and lock states. Pure: no ORM.

The rules (``domain.md`` §7, Nghị định 09/2019/NĐ-CP as applied by the provinces):

* A period covers calendar months ``first … last`` of a year: month ``m`` → m … m;
  quarter ``q`` → 3q − 2 … 3q; 6 months → 1 … 6; 9 months → 1 … 9; year → 1 … 12.
* Its **data window** runs from the day after the cut-off day of the month before
  ``first`` to the cut-off day of ``last``. With the usual cut-off 14: month 3 →
  15/2 … 14/3; Q1 → 15/12 of the previous year … 14/3; 6 months → 15/12 … 14/6;
  9 months → 15/12 … 14/9; year → 15/12 … 14/12. Without a cut-off day the window is
  the calendar months (1/first … last day of ``last``).
* The **deadline** is either ``N`` working days after the window's end
  (:attr:`DeadlineRule.WORKING_DAYS`, the working-day calendar) or the first date after
  the window's end whose day of the month is ``N`` (:attr:`DeadlineRule.DAY_OF_MONTH`;
  window ending 14/3 with N = 20 → 20/3). A report is **on time** when submitted on
  or before the deadline (local date).
* The **lock date** is ``lock_working_days`` working days after the deadline. From the
  day after it, nothing in the period can be written, unless the reform office granted
  an exception for that unit and period (until a date, with a reason). An accepted
  report is locked for the unit from its acceptance. :func:`lock_state` says which
  lock applies and why, in a sentence.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from cchc.core.workdays import WorkCalendar


class PeriodType(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    HALF_YEAR = "half_year"
    NINE_MONTHS = "nine_months"
    YEAR = "year"


class DeadlineRule(StrEnum):
    WORKING_DAYS = "working_days"
    DAY_OF_MONTH = "day_of_month"


#: How many periods a year has, per type.
PERIODS_PER_YEAR = {
    PeriodType.MONTH: 12,
    PeriodType.QUARTER: 4,
    PeriodType.HALF_YEAR: 1,
    PeriodType.NINE_MONTHS: 1,
    PeriodType.YEAR: 1,
}


def period_months(period_type: PeriodType | str, index: int) -> tuple[int, int]:
    """The first and last calendar month a period covers; ``ValueError`` for an index out of range."""
    kind = PeriodType(period_type)
    count = PERIODS_PER_YEAR[kind]
    if not 1 <= index <= count:
        raise ValueError(f"Kỳ {index} không hợp lệ cho loại kỳ {kind.value} (từ 1 đến {count}).")
    if kind is PeriodType.MONTH:
        return index, index
    if kind is PeriodType.QUARTER:
        return 3 * index - 2, 3 * index
    return 1, {PeriodType.HALF_YEAR: 6, PeriodType.NINE_MONTHS: 9, PeriodType.YEAR: 12}[kind]


def period_label(period_type: PeriodType | str, index: int, year: int) -> str:
    """The Vietnamese name of a period: "tháng 3/2023", "quý I/2023", "6 tháng đầu năm 2023", "năm 2023"."""
    kind = PeriodType(period_type)
    period_months(kind, index)
    if kind is PeriodType.MONTH:
        return f"tháng {index}/{year}"
    if kind is PeriodType.QUARTER:
        return f"quý {('I', 'II', 'III', 'IV')[index - 1]}/{year}"
    if kind is PeriodType.HALF_YEAR:
        return f"6 tháng đầu năm {year}"
    if kind is PeriodType.NINE_MONTHS:
        return f"9 tháng năm {year}"
    return f"năm {year}"


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def _clamped(year: int, month: int, day: int) -> dt.date:
    return min(dt.date(year, month, 1) + dt.timedelta(days=day - 1), _month_end(year, month))


def data_window(
    period_type: PeriodType | str, index: int, year: int, *, cutoff_day: int | None = 14
) -> tuple[dt.date, dt.date]:
    """The inclusive ``(from, to)`` dates whose data a period's report covers (see the module)."""
    first, last = period_months(period_type, index)
    if cutoff_day is None:
        return dt.date(year, first, 1), _month_end(year, last)
    if not 1 <= cutoff_day <= 28:
        raise ValueError(f"Ngày chốt số liệu {cutoff_day} không hợp lệ (từ 1 đến 28).")
    before_year, before_month = (year - 1, 12) if first == 1 else (year, first - 1)
    start = _clamped(before_year, before_month, cutoff_day) + dt.timedelta(days=1)
    return start, _clamped(year, last, cutoff_day)


def deadline(window_to: dt.date, *, rule: DeadlineRule | str, value: int, calendar: WorkCalendar) -> dt.date:
    """The submission deadline of a period whose window ends on ``window_to``."""
    kind = DeadlineRule(rule)
    if value < 0:
        raise ValueError("Số ngày của hạn nộp phải không âm.")
    if kind is DeadlineRule.WORKING_DAYS:
        return calendar.add_working_days(window_to, value)
    if not 1 <= value <= 28:
        raise ValueError(f"Ngày {value} trong tháng không hợp lệ cho hạn nộp (từ 1 đến 28).")
    candidate = window_to.replace(day=value)
    if candidate <= window_to:
        year, month = (window_to.year + 1, 1) if window_to.month == 12 else (window_to.year, window_to.month + 1)
        candidate = dt.date(year, month, value)
    return candidate


def lock_date(due: dt.date, *, lock_working_days: int, calendar: WorkCalendar) -> dt.date:
    """The last day anything of the period can be written: ``lock_working_days`` working days after the deadline."""
    return calendar.add_working_days(due, lock_working_days)


def on_time(submitted_on: dt.date | None, due: dt.date) -> bool:
    """Submitted (local date) on or before the deadline."""
    return submitted_on is not None and submitted_on <= due


@dataclass(frozen=True)
class Unlock:
    """A lock exception granted for one unit and period: writable until ``until`` (inclusive)."""

    until: dt.date
    reason: str


@dataclass(frozen=True)
class LockState:
    locked: bool
    reason: str


def lock_state(*, accepted: bool, today: dt.date, locks_on: dt.date, exceptions: Iterable[Unlock] = ()) -> LockState:
    """Whether a unit may still write its report of a period today, and why not (a Vietnamese sentence).

    In order: an accepted report is locked ("đã được chấp nhận"); after the lock date the
    period is locked ("đã qua ngày khóa sổ …") unless an exception runs through today,
    which then says so; otherwise open.
    """
    if accepted:
        return LockState(True, "Báo cáo đã được Sở Nội vụ chấp nhận nên không sửa được nữa.")
    if today <= locks_on:
        return LockState(False, f"Kỳ báo cáo mở đến hết ngày {locks_on:%d/%m/%Y}.")
    active = [e for e in exceptions if today <= e.until]
    if active:
        best = max(active, key=lambda e: e.until)
        return LockState(False, f"Được mở khóa đến hết ngày {best.until:%d/%m/%Y}: {best.reason}")
    return LockState(True, f"Kỳ báo cáo đã khóa sổ từ sau ngày {locks_on:%d/%m/%Y}.")

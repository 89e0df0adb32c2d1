"""Reporting periods: windows of every period type across year ends, deadlines in working days, locks."""

import datetime as dt
import itertools

import pytest

from cchc.core.workdays import WorkCalendar
from cchc.reports import periods
from cchc.reports.periods import DeadlineRule, PeriodType, Unlock

D = dt.date
#: Tết 2023 (20–26/1) and Tết 2024 (8–14/2) as days off; weekends are off by default.
CALENDAR = WorkCalendar(
    holidays={
        **{D(2023, 1, 20) + dt.timedelta(days=n): "Tết" for n in range(7)},
        **{D(2024, 2, 8) + dt.timedelta(days=n): "Tết" for n in range(7)},
    },
    first_year=2022,
    last_year=2024,
)


@pytest.mark.parametrize(
    ("kind", "index", "year", "window"),
    [
        (PeriodType.MONTH, 1, 2024, (D(2023, 12, 15), D(2024, 1, 14))),  # across the year end
        (PeriodType.MONTH, 3, 2024, (D(2024, 2, 15), D(2024, 3, 14))),
        (PeriodType.MONTH, 12, 2023, (D(2023, 11, 15), D(2023, 12, 14))),
        (PeriodType.QUARTER, 1, 2023, (D(2022, 12, 15), D(2023, 3, 14))),  # Q1: 15/12 → 14/3
        (PeriodType.QUARTER, 2, 2023, (D(2023, 3, 15), D(2023, 6, 14))),
        (PeriodType.QUARTER, 4, 2023, (D(2023, 9, 15), D(2023, 12, 14))),
        (PeriodType.HALF_YEAR, 1, 2023, (D(2022, 12, 15), D(2023, 6, 14))),
        (PeriodType.NINE_MONTHS, 1, 2023, (D(2022, 12, 15), D(2023, 9, 14))),
        (PeriodType.YEAR, 1, 2023, (D(2022, 12, 15), D(2023, 12, 14))),
    ],
)
def test_data_windows_follow_the_cut_off_on_the_14th(kind, index, year, window):
    assert periods.data_window(kind, index, year, cutoff_day=14) == window


@pytest.mark.parametrize(
    ("kind", "index", "year", "window"),
    [
        (PeriodType.MONTH, 2, 2024, (D(2024, 2, 1), D(2024, 2, 29))),  # leap year
        (PeriodType.QUARTER, 2, 2023, (D(2023, 4, 1), D(2023, 6, 30))),
        (PeriodType.YEAR, 1, 2023, (D(2023, 1, 1), D(2023, 12, 31))),
    ],
)
def test_without_a_cut_off_the_window_is_the_calendar_months(kind, index, year, window):
    assert periods.data_window(kind, index, year, cutoff_day=None) == window


def test_consecutive_months_tile_the_year_without_gap_or_overlap():
    windows = [periods.data_window(PeriodType.MONTH, m, 2023) for m in range(1, 13)]
    for (_a, end), (start, _b) in itertools.pairwise(windows):
        assert start == end + dt.timedelta(days=1)
    assert windows[0][0] == periods.data_window(PeriodType.YEAR, 1, 2023)[0]
    assert windows[-1][1] == periods.data_window(PeriodType.YEAR, 1, 2023)[1]


@pytest.mark.parametrize(("kind", "index"), [(PeriodType.MONTH, 13), (PeriodType.QUARTER, 0), (PeriodType.YEAR, 2)])
def test_an_index_out_of_range_is_refused(kind, index):
    with pytest.raises(ValueError, match="không hợp lệ"):
        periods.data_window(kind, index, 2023)


@pytest.mark.parametrize(
    ("window_to", "days", "due"),
    [
        (D(2023, 3, 14), 2, D(2023, 3, 16)),  # Tue → Thu
        (D(2023, 1, 14), 2, D(2023, 1, 17)),  # a Saturday cut-off: Mon 16, Tue 17
        (D(2023, 1, 19), 1, D(2023, 1, 27)),  # Tết 2023 in between
        (D(2024, 2, 14), 2, D(2024, 2, 16)),  # the cut-off falls in Tết 2024: 15, 16/2
        (D(2023, 12, 14), 2, D(2023, 12, 18)),  # Thu → Mon
    ],
)
def test_deadlines_in_working_days_after_the_cut_off(window_to, days, due):
    assert periods.deadline(window_to, rule=DeadlineRule.WORKING_DAYS, value=days, calendar=CALENDAR) == due


@pytest.mark.parametrize(
    ("window_to", "day", "due"),
    [(D(2023, 3, 14), 20, D(2023, 3, 20)), (D(2023, 12, 14), 10, D(2024, 1, 10)), (D(2023, 3, 14), 14, D(2023, 4, 14))],
)
def test_deadlines_on_a_day_of_the_month_after_the_cut_off(window_to, day, due):
    assert periods.deadline(window_to, rule=DeadlineRule.DAY_OF_MONTH, value=day, calendar=CALENDAR) == due


def test_the_lock_date_is_working_days_after_the_deadline_across_tet():
    # Deadline Fri 16/2/2024; 10 working days: 19–23/2 and 26/2–1/3.
    assert periods.lock_date(D(2024, 2, 16), lock_working_days=10, calendar=CALENDAR) == D(2024, 3, 1)
    # Deadline Thu 19/1/2023; 3 working days: 27/1 (after Tết), 30/1, 31/1.
    assert periods.lock_date(D(2023, 1, 19), lock_working_days=3, calendar=CALENDAR) == D(2023, 1, 31)


def test_on_time_is_on_or_before_the_deadline():
    assert periods.on_time(D(2023, 3, 16), D(2023, 3, 16))
    assert not periods.on_time(D(2023, 3, 17), D(2023, 3, 16))
    assert not periods.on_time(None, D(2023, 3, 16))


def test_each_lock_states_its_own_reason():
    locks_on = D(2024, 3, 1)
    accepted = periods.lock_state(accepted=True, today=D(2024, 2, 20), locks_on=locks_on)
    assert accepted.locked
    assert "đã được Sở Nội vụ chấp nhận" in accepted.reason
    still_open = periods.lock_state(accepted=False, today=locks_on, locks_on=locks_on)
    assert not still_open.locked
    assert "01/03/2024" in still_open.reason
    closed = periods.lock_state(accepted=False, today=D(2024, 3, 2), locks_on=locks_on)
    assert closed.locked
    assert "khóa sổ từ sau ngày 01/03/2024" in closed.reason
    reopened = periods.lock_state(
        accepted=False,
        today=D(2024, 3, 5),
        locks_on=locks_on,
        exceptions=[Unlock(D(2024, 3, 4), "cũ"), Unlock(D(2024, 3, 8), "Đơn vị mới sáp nhập, chưa có tài khoản")],
    )
    assert not reopened.locked
    assert "08/03/2024: Đơn vị mới sáp nhập" in reopened.reason
    expired = periods.lock_state(
        accepted=False, today=D(2024, 3, 9), locks_on=locks_on, exceptions=[Unlock(D(2024, 3, 8), "x")]
    )
    assert expired.locked
    # An exception never reopens an accepted report.
    assert periods.lock_state(
        accepted=True, today=D(2024, 3, 5), locks_on=locks_on, exceptions=[Unlock(D(2024, 3, 8), "x")]
    ).locked


def test_period_labels_are_vietnamese():
    assert periods.period_label(PeriodType.QUARTER, 3, 2023) == "quý III/2023"
    assert periods.period_label(PeriodType.HALF_YEAR, 1, 2023) == "6 tháng đầu năm 2023"
    assert periods.period_label(PeriodType.MONTH, 7, 2023) == "tháng 7/2023"

"""Task arithmetic without a database: roll-up, overdue by the calendar, done on time or late.

The calendar is the statutory one (the ``holidays`` package), built once, without the
database overrides, so every date below can be checked against the 2023 decisions:
Tết 20–26/1/2023; 2/1/2023 and 4/9/2023 compensation days; 29/4–3/5/2023; and the
Saturday 4/5/2024 worked in exchange for a day off.
"""

import datetime as dt
from decimal import Decimal

import pytest

from cchc.core.calendar import statutory_calendar
from cchc.core.workdays import WorkCalendar
from cchc.tasks.calculations import (
    OVERDUE,
    ROLLUP_RULE,
    Rollup,
    TaskFigure,
    completion_status,
    display_status,
    effective_deadline,
    is_overdue,
    rollup,
)
from cchc.tasks.choices import TaskStatus

D = dt.date
NOT_STARTED, IN_PROGRESS = TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS
ON_TIME, LATE, CANCELLED = TaskStatus.DONE_ON_TIME, TaskStatus.DONE_LATE, TaskStatus.CANCELLED


@pytest.fixture(scope="module")
def calendar() -> WorkCalendar:
    statutory = statutory_calendar()
    return WorkCalendar(holidays=statutory.holidays, weekend_workdays=statutory.weekend_workdays)


def fig(weight: str | int, progress: int, status: str = IN_PROGRESS) -> TaskFigure:
    return TaskFigure(weight=Decimal(str(weight)), progress=progress, status=status)


# -- roll-up -----------------------------------------------------------------------------


def test_rollup_weights_progress_and_leaves_out_cancelled_and_weight_zero() -> None:
    """(1×40 + 2×70 + 3×100) / (1+2+3) = 480 / 6 = 80.0; the cancelled and weight-0 tasks add nothing."""
    result = rollup(
        [
            fig(1, 40),
            fig(2, 70),
            fig(3, 50, ON_TIME),  # done counts 100 whatever its progress field says
            fig(5, 90, CANCELLED),  # would pull the result to 84.5 if counted
            fig(0, 10),  # would change nothing in the mean but must not be counted
        ]
    )
    assert result == Rollup(progress=Decimal("80.0"), counted=3, done=1, cancelled=1, total=5)
    assert result.completion_rate == Decimal("33.3")  # 1 of 3 counted tasks done


def test_done_late_counts_100_like_done_on_time() -> None:
    """Lateness is a status, not a penalty in the roll-up: (1×100 + 1×0) / 2 = 50.0."""
    assert rollup([fig(1, 20, LATE), fig(1, 0, NOT_STARTED)]).progress == Decimal("50.0")


def test_decimal_weights_are_exact() -> None:
    """(0.5×20 + 1.5×60) / 2 = 100 / 2 = 50.0, with no float noise."""
    assert rollup([fig("0.50", 20), fig("1.50", 60)]).progress == Decimal("50.0")


@pytest.mark.parametrize(
    ("figures", "expected"),
    [
        ([fig(3, 0), fig(1, 1)], Decimal("0.3")),  # 1/4 = 0.25 → 0.3 (half-even would give 0.2)
        ([fig(1, 33), fig(1, 34), fig(1, 34)], Decimal("33.7")),  # 101/3 = 33.666… → 33.7
        ([fig(1, 10), fig(1, 15), fig(2, 0)], Decimal("6.3")),  # 25/4 = 6.25 → 6.3
        ([fig(7, 1), fig(1, 0)], Decimal("0.9")),  # 7/8 = 0.875 → 0.9
    ],
)
def test_rounding_is_one_decimal_half_up(figures: list[TaskFigure], expected: Decimal) -> None:
    assert rollup(figures).progress == expected


@pytest.mark.parametrize(
    "figures",
    [
        [],
        [fig(1, 80, CANCELLED), fig(2, 100, CANCELLED)],
        [fig(0, 50), fig(0, 100, ON_TIME)],
    ],
    ids=["empty", "all-cancelled", "all-weight-0"],
)
def test_a_branch_with_nothing_counted_has_no_progress_not_zero(figures: list[TaskFigure]) -> None:
    result = rollup(figures)
    assert result.progress is None
    assert result.counted == 0
    assert result.done == 0  # a done task with weight 0 is not counted as done either
    assert result.completion_rate is None
    assert result.total == len(figures)


def test_a_branch_of_not_started_tasks_is_zero_not_none() -> None:
    assert rollup([fig(1, 0, NOT_STARTED)]).progress == Decimal("0.0")


def test_completion_rate_rounds_half_up() -> None:
    """1 done of 8 → 12.5; 2 of 3 → 66.7; 1 of 6 → 16.7."""
    eight = [fig(1, 0, ON_TIME), *[fig(1, 0)] * 7]
    assert rollup(eight).completion_rate == Decimal("12.5")
    assert rollup([fig(1, 0, ON_TIME), fig(1, 0, LATE), fig(1, 0)]).completion_rate == Decimal("66.7")
    assert rollup([fig(1, 0, ON_TIME), *[fig(1, 0)] * 5]).completion_rate == Decimal("16.7")


def test_the_rule_is_stated_in_vietnamese_with_its_exclusions() -> None:
    assert "trọng số" in ROLLUP_RULE
    assert "hủy" in ROLLUP_RULE
    assert "100%" in ROLLUP_RULE


# -- effective deadline and overdue ------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "effective"),
    [
        (D(2023, 1, 19), D(2023, 1, 19)),  # Thursday before Tết: a working day stays
        (D(2023, 1, 21), D(2023, 1, 27)),  # Saturday in Tết → first working day after it
        (D(2023, 1, 20), D(2023, 1, 27)),  # 29 Tết (Friday, a day off)
        (D(2023, 1, 1), D(2023, 1, 3)),  # Sunday New Year, then Monday 2/1 compensation day
        (D(2023, 4, 29), D(2023, 5, 4)),  # Giỗ Tổ on Saturday; off until Wednesday 3/5
        (D(2023, 9, 2), D(2023, 9, 5)),  # National Day on Saturday; Monday 4/9 compensation
        (D(2023, 9, 3), D(2023, 9, 5)),  # an ordinary Sunday between holiday days
        (D(2024, 5, 4), D(2024, 5, 4)),  # Saturday worked in exchange for 2/5/2024
        (D(2023, 12, 31), D(2024, 1, 2)),  # Sunday, then New Year's day 1/1/2024
    ],
)
def test_effective_deadline_moves_a_day_off_to_the_next_working_day(
    calendar: WorkCalendar, due: dt.date, effective: dt.date
) -> None:
    assert effective_deadline(due, calendar) == effective


@pytest.mark.parametrize(
    ("due", "today", "overdue"),
    [
        (D(2023, 1, 21), D(2023, 1, 26), False),  # still Tết
        (D(2023, 1, 21), D(2023, 1, 27), False),  # the effective deadline itself
        (D(2023, 1, 21), D(2023, 1, 28), True),  # the day after it (a Saturday)
        (D(2023, 1, 21), D(2023, 1, 30), True),  # the next Monday
        (D(2023, 1, 19), D(2023, 1, 20), True),  # due before Tết: overdue on its first day off
        (D(2023, 1, 19), D(2023, 1, 19), False),  # due today is not overdue
        (D(2023, 9, 2), D(2023, 9, 4), False),  # compensation day Monday 4/9
        (D(2023, 9, 2), D(2023, 9, 5), False),  # Tuesday 5/9 is the deadline
        (D(2023, 9, 2), D(2023, 9, 6), True),
        (D(2023, 4, 29), D(2023, 5, 3), False),
        (D(2023, 4, 29), D(2023, 5, 5), True),
        (D(2024, 5, 4), D(2024, 5, 6), True),  # the worked Saturday was the deadline
    ],
)
def test_overdue_follows_the_calendar(calendar: WorkCalendar, due: dt.date, today: dt.date, overdue: bool) -> None:
    assert is_overdue(status=IN_PROGRESS, due_date=due, today=today, calendar=calendar) is overdue
    assert is_overdue(status=NOT_STARTED, due_date=due, today=today, calendar=calendar) is overdue
    expected = OVERDUE if overdue else IN_PROGRESS
    assert display_status(status=IN_PROGRESS, due_date=due, today=today, calendar=calendar) == expected


@pytest.mark.parametrize("status", [ON_TIME, LATE, CANCELLED])
def test_closed_tasks_are_never_overdue(calendar: WorkCalendar, status: str) -> None:
    assert not is_overdue(status=status, due_date=D(2023, 1, 3), today=D(2023, 12, 31), calendar=calendar)
    assert display_status(status=status, due_date=D(2023, 1, 3), today=D(2023, 12, 31), calendar=calendar) == status


def test_a_task_without_due_date_is_never_overdue(calendar: WorkCalendar) -> None:
    assert not is_overdue(status=NOT_STARTED, due_date=None, today=D(2030, 1, 1), calendar=calendar)


def test_an_override_moves_the_deadline_further(calendar: WorkCalendar) -> None:
    """An administrator making Friday 27/1/2023 a day off pushes the Tết deadline to Monday 30/1."""
    statutory = statutory_calendar()
    closed = WorkCalendar(
        holidays=statutory.holidays,
        weekend_workdays=statutory.weekend_workdays,
        overrides={D(2023, 1, 27): False},
    )
    assert effective_deadline(D(2023, 1, 21), closed) == D(2023, 1, 30)
    assert not is_overdue(status=IN_PROGRESS, due_date=D(2023, 1, 21), today=D(2023, 1, 30), calendar=closed)
    # Without the override the same task is overdue that Monday.
    assert is_overdue(status=IN_PROGRESS, due_date=D(2023, 1, 21), today=D(2023, 1, 30), calendar=calendar)
    assert is_overdue(status=IN_PROGRESS, due_date=D(2023, 1, 21), today=D(2023, 1, 31), calendar=closed)


# -- done on time or late ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "completed", "expected"),
    [
        (D(2023, 1, 21), D(2023, 1, 27), ON_TIME),  # on the effective deadline after Tết
        (D(2023, 1, 21), D(2023, 1, 30), LATE),
        (D(2023, 1, 21), D(2023, 1, 10), ON_TIME),  # early
        (D(2023, 9, 2), D(2023, 9, 5), ON_TIME),
        (D(2023, 9, 2), D(2023, 9, 6), LATE),
        (D(2023, 6, 30), D(2023, 6, 30), ON_TIME),  # a Friday: on the day is on time
        (D(2023, 6, 30), D(2023, 7, 1), LATE),  # the Saturday after is late
        (None, D(2023, 12, 31), ON_TIME),  # no deadline: on time
    ],
)
def test_completion_status_compares_with_the_effective_deadline(
    calendar: WorkCalendar, due: dt.date | None, completed: dt.date, expected: str
) -> None:
    assert completion_status(due_date=due, completed_on=completed, calendar=calendar) == expected

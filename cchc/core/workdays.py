"""Working-day arithmetic: pure functions over a frozen calendar, no ORM.

A :class:`WorkCalendar` knows three things, in increasing order of precedence:

1. the working week: Monday to Friday work, Saturday and Sunday are days off;
2. the statutory calendar: public holidays with their compensation and swap days
   (a name per date) and the weekend days the government turned into working days;
3. the administrator's overrides (``CalendarOverride``): a date made a working day
   (``True``) or a day off (``False``), whatever the rules above say.

Everything that counts deadlines builds on four rules:

* ``add_working_days(start, n)``: the date ``n`` working days after ``start``; ``start``
  itself is never counted (Bộ luật Dân sự 2015, Điều 147: a period counted in days
  starts on the day after the day it is counted from).
* ``working_days_between(a, b)``: how many working days lie in ``(a, b]``.
* ``period_end(d)``: a period whose last day is a day off ends on the next working
  day (Bộ luật Dân sự 2015, Điều 148).
* ``receipt_day(received_at)``: an electronic dossier received at or after 15:00 local
  time, or on a day off, counts from the next working day (the one-stop-shop rules,
  see ``docs/domain.md`` §5).

Building a calendar (from the ``holidays`` package and the database) lives in
``cchc.core.calendar``; this module only takes plain values, so it is tested without a
database.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from zoneinfo import ZoneInfo

#: Local time of every Vietnamese public body.
VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

#: An electronic dossier received at or after this local time counts from the next working day.
ELECTRONIC_CUTOFF = dt.time(15, 0)

SATURDAY = 5


class DayReason(StrEnum):
    """Why a date is (or is not) a working day, in order of precedence."""

    OVERRIDE = "override"  # an administrator's override decided it
    HOLIDAY = "holiday"  # a public holiday, compensation or swapped day off
    WEEKEND_WORKDAY = "weekend_workday"  # a Saturday or Sunday the government made a working day
    WEEKEND = "weekend"  # an ordinary Saturday or Sunday
    WEEKDAY = "weekday"  # an ordinary Monday to Friday


@dataclass(frozen=True)
class DayStatus:
    """The answer to "is ``date`` a working day, and why?".

    ``label`` is the holiday's name for :attr:`DayReason.HOLIDAY` and empty otherwise
    (the source of an override lives in the database, not in the calendar).
    """

    date: dt.date
    is_working: bool
    reason: DayReason
    label: str = ""


class CalendarRangeError(ValueError):
    """A date outside the years the calendar knows the holidays of."""


@dataclass(frozen=True, eq=False)
class WorkCalendar:
    """An immutable working-day calendar.

    ``holidays`` maps each day off of the statutory calendar to its name (public
    holidays, their compensation days and the swap days off the government decided);
    ``weekend_workdays`` are the Saturdays and Sundays the government made working
    days in exchange; ``overrides`` maps a date to ``True`` (working day) or ``False``
    (day off) and beats everything else.

    ``first_year``/``last_year`` bound the years whose holidays the calendar was given:
    asking about a date outside them raises :class:`CalendarRangeError` rather than
    silently treating, say, a future Tết as working days. ``None`` leaves that side open
    (handy for tests on synthetic calendars).

    The mappings are copied on construction, so changing the caller's dicts later
    does not change the calendar.
    """

    holidays: Mapping[dt.date, str] = field(default_factory=dict)
    overrides: Mapping[dt.date, bool] = field(default_factory=dict)
    weekend_workdays: frozenset[dt.date] = frozenset()
    first_year: int | None = None
    last_year: int | None = None

    def __post_init__(self) -> None:
        # Frozen dataclass: copies are installed with object.__setattr__.
        object.__setattr__(self, "holidays", MappingProxyType(dict(self.holidays)))
        object.__setattr__(self, "overrides", MappingProxyType(dict(self.overrides)))
        object.__setattr__(self, "weekend_workdays", frozenset(self.weekend_workdays))
        if self.first_year is not None and self.last_year is not None and self.first_year > self.last_year:
            raise ValueError(f"first_year {self.first_year} is after last_year {self.last_year}.")

    # -- single days ---------------------------------------------------------------

    def _check_range(self, d: dt.date) -> None:
        if (self.first_year is not None and d.year < self.first_year) or (
            self.last_year is not None and d.year > self.last_year
        ):
            raise CalendarRangeError(
                f"Ngày {d:%d/%m/%Y} nằm ngoài phạm vi lịch làm việc ({self.first_year or '…'}–{self.last_year or '…'})."
            )

    def status(self, d: dt.date) -> DayStatus:
        """Whether ``d`` is a working day and which rule decided it.

        Precedence: override, then statutory holiday, then a weekend day made a
        working day, then the working week. Raises :class:`CalendarRangeError` for a
        date outside ``first_year``–``last_year``.
        """
        self._check_range(d)
        if d in self.overrides:
            return DayStatus(d, self.overrides[d], DayReason.OVERRIDE)
        if d in self.holidays:
            return DayStatus(d, False, DayReason.HOLIDAY, self.holidays[d])
        if d in self.weekend_workdays:
            return DayStatus(d, True, DayReason.WEEKEND_WORKDAY)
        if d.weekday() >= SATURDAY:
            return DayStatus(d, False, DayReason.WEEKEND)
        return DayStatus(d, True, DayReason.WEEKDAY)

    def is_working_day(self, d: dt.date) -> bool:
        """``True`` when public bodies work on ``d`` (see :meth:`status` for the rules)."""
        self._check_range(d)
        override = self.overrides.get(d)
        if override is not None:
            return override
        if d in self.holidays:
            return False
        return d in self.weekend_workdays or d.weekday() < SATURDAY

    def next_working_day(self, d: dt.date) -> dt.date:
        """The first working day strictly after ``d`` (whether or not ``d`` is one)."""
        d += dt.timedelta(days=1)
        while not self.is_working_day(d):
            d += dt.timedelta(days=1)
        return d

    def period_end(self, d: dt.date) -> dt.date:
        """The day a period whose last day is ``d`` actually ends.

        ``d`` itself when it is a working day; otherwise the next working day
        (Bộ luật Dân sự 2015, Điều 148: a period ending on a weekend or a public
        holiday ends on the following working day).
        """
        return d if self.is_working_day(d) else self.next_working_day(d)

    # -- spans ---------------------------------------------------------------------

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The date on which the ``n``-th working day after ``start`` falls.

        ``start`` is not counted, whether or not it is a working day: one working day
        after Wednesday 18/1/2023 is Thursday 19/1, and one working day after Thursday
        19/1/2023 is Friday 27/1 (Tết 2023 ran from 20 to 26/1). From a day off, the
        first working day after it is day 1.

        ``n == 0`` returns ``start`` unchanged, even when it is a day off: adding
        nothing changes nothing, so ``working_days_between(a, add_working_days(a, n))
        == n`` holds for every ``n >= 0``. A caller who needs a working day applies
        :meth:`period_end`. For ``n >= 1`` the result is always a working day.

        Raises ``ValueError`` for a negative ``n`` (counting backwards has no use yet
        and its semantics on a day off would be a trap), and
        :class:`CalendarRangeError` when ``start``, or the count, leaves the calendar's
        years.
        """
        if n < 0:
            raise ValueError(f"Số ngày làm việc phải không âm (nhận {n}).")
        self._check_range(start)
        day = start
        for _ in range(n):
            day = self.next_working_day(day)
        return day

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """The number of working days in ``(a, b]``: after ``a``, up to and including ``b``.

        It is the inverse of :meth:`add_working_days`: Thursday 19/1/2023 to Friday
        27/1/2023 is 1 (the whole of Tết lies between). ``0`` when ``b <= a``: the
        count is never negative, so a caller wanting "how late" passes (deadline,
        done) and gets 0 for a dossier finished early. Raises
        :class:`CalendarRangeError` when ``a`` or ``b`` is outside the calendar's years.
        """
        self._check_range(a)
        self._check_range(b)
        count = 0
        day = a + dt.timedelta(days=1)
        while day <= b:
            if self.is_working_day(day):
                count += 1
            day += dt.timedelta(days=1)
        return count

    # -- dossier clocks ------------------------------------------------------------

    def receipt_day(self, received_at: dt.datetime, *, cutoff: dt.time | None = ELECTRONIC_CUTOFF) -> dt.date:
        """The working day a dossier counts as received on: day 0 of its deadline.

        ``received_at`` must be timezone-aware; it is read in Vietnamese local time
        (Asia/Ho_Chi_Minh), whatever zone it carries.

        * Received on a working day strictly before ``cutoff`` (14:59:59 and earlier):
          that day.
        * Received at or after ``cutoff`` (15:00:00 already counts as "after 15:00",
          so no one argues about the 15:00 minute), or on any day off (weekend,
          holiday, override): the next working day.

        ``cutoff=None`` switches the 15:00 rule off, for dossiers handed in at the
        counter or by post: a day off still moves receipt to the next working day
        (some one-stop shops open on Saturday mornings).

        Raises ``ValueError`` for a naive datetime.
        """
        if received_at.tzinfo is None or received_at.utcoffset() is None:
            raise ValueError("Thời điểm tiếp nhận phải có múi giờ (aware datetime).")
        local = received_at.astimezone(VN_TZ)
        day = local.date()
        if self.is_working_day(day) and (cutoff is None or local.time() < cutoff):
            return day
        return self.next_working_day(day)

    def due_date(
        self, received_at: dt.datetime, n_working_days: int, *, cutoff: dt.time | None = ELECTRONIC_CUTOFF
    ) -> dt.date:
        """The last day on which a dossier with an ``n_working_days`` time limit is on time.

        The time limit runs from :meth:`receipt_day`, which is not itself counted
        (Bộ luật Dân sự, Điều 147): an electronic dossier received on Tuesday
        11/6/2024 at 14:59 with a 3-day limit is due Friday 14/6; received at 15:00
        it counts from Wednesday 12/6 and is due Monday 17/6. ``n_working_days == 0``
        (a same-day procedure) is due on the receipt day. The result is always a
        working day. Raises like :meth:`receipt_day` and :meth:`add_working_days`.
        """
        return self.add_working_days(self.receipt_day(received_at, cutoff=cutoff), n_working_days)

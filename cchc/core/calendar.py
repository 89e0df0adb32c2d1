"""The site's working-day calendar: the statutory calendar plus the database overrides.

``work_calendar()`` builds a :class:`~cchc.core.workdays.WorkCalendar` from

* the ``holidays`` package (country VN, names in Vietnamese) for ``FIRST_YEAR``–
  ``LAST_YEAR``: public holidays, their compensation days and the swap days off the
  package knows, together with the Saturdays it knows were worked in exchange (its
  ``weekend_workdays``; taking the day off without the Saturday would apply half a
  swap);
* every ``CalendarOverride`` row, which beats the package.

The statutory part is computed once per process; the whole calendar is cached per
process and rebuilt when the override services clear it (on commit) or, at the
latest, ``CACHE_SECONDS`` after it was built. The time limit is what brings the other
worker processes up to date: overrides are decided weeks ahead and change a few times
a year, so a few minutes of delay in another process is harmless.

The package marks 24/11 (Ngày Văn hóa Việt Nam) a holiday from 2026, following Nghị
quyết 80-NQ/TW; where the law does not (yet) make it a day off, an administrator adds a
``workday`` override.
"""

import datetime as dt
import functools
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import holidays

from cchc.core.selectors import calendar_override_map
from cchc.core.workdays import ELECTRONIC_CUTOFF, WorkCalendar

#: Years whose holidays the calendar knows; a date outside raises ``CalendarRangeError``.
FIRST_YEAR = 2015
LAST_YEAR = 2040
#: How long another process may keep a calendar built before an override changed.
CACHE_SECONDS = 300.0


@dataclass(frozen=True)
class StatutoryCalendar:
    """What the ``holidays`` package says, before any override."""

    holidays: Mapping[dt.date, str]
    weekend_workdays: frozenset[dt.date]


@functools.cache
def statutory_calendar() -> StatutoryCalendar:
    """The package's Vietnamese holidays and worked weekend days, ``FIRST_YEAR``–``LAST_YEAR``.

    Computed once per process (about 0.1 s); the result is read-only.
    """
    years = range(FIRST_YEAR, LAST_YEAR + 1)
    vn = holidays.country_holidays("VN", years=years, language="vi")
    names = {day: str(name) for day, name in vn.items()}
    worked = frozenset(day for day in vn.weekend_workdays if day.year in years)
    return StatutoryCalendar(holidays=MappingProxyType(names), weekend_workdays=worked)


class _Cache:
    """The process's calendar and when it was built.

    ``generation`` moves on at every clear, so a build that started before a clear
    (and may have read the old overrides) is returned but not kept.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.calendar: WorkCalendar | None = None
        self.built_at = 0.0
        self.generation = 0


_cache = _Cache()


def _build() -> WorkCalendar:
    statutory = statutory_calendar()
    return WorkCalendar(
        holidays=statutory.holidays,
        weekend_workdays=statutory.weekend_workdays,
        overrides=calendar_override_map(),
        first_year=FIRST_YEAR,
        last_year=LAST_YEAR,
    )


def work_calendar() -> WorkCalendar:
    """The current working-day calendar (statutory calendar + overrides), cached.

    Costs one query when the cache is empty or older than ``CACHE_SECONDS``, none
    otherwise. The returned calendar is immutable: hold on to it for the length of a
    computation so that every step sees the same days.
    """
    cached = _cache.calendar
    if cached is not None and time.monotonic() - _cache.built_at < CACHE_SECONDS:
        return cached
    with _cache.lock:
        generation = _cache.generation
    calendar = _build()
    with _cache.lock:
        if _cache.generation == generation:
            _cache.calendar = calendar
            _cache.built_at = time.monotonic()
    return calendar


def work_calendar_clear() -> None:
    """Forget the cached calendar; the next ``work_calendar()`` reads the overrides again.

    The override services call it on commit. Tests that change overrides without
    committing (inside pytest-django's transaction) call it themselves.
    """
    with _cache.lock:
        _cache.calendar = None
        _cache.generation += 1


def is_working_day(day: dt.date) -> bool:
    """Whether ``day`` is a working day in the site's calendar."""
    return work_calendar().is_working_day(day)


def add_working_days(start: dt.date, n: int) -> dt.date:
    """``WorkCalendar.add_working_days`` on the site's calendar (``start`` not counted)."""
    return work_calendar().add_working_days(start, n)


def working_days_between(a: dt.date, b: dt.date) -> int:
    """``WorkCalendar.working_days_between`` on the site's calendar: working days in ``(a, b]``."""
    return work_calendar().working_days_between(a, b)


def period_end(day: dt.date) -> dt.date:
    """``WorkCalendar.period_end`` on the site's calendar (Bộ luật Dân sự, Điều 148)."""
    return work_calendar().period_end(day)


def due_date(received_at: dt.datetime, n_working_days: int, *, cutoff: dt.time | None = ELECTRONIC_CUTOFF) -> dt.date:
    """``WorkCalendar.due_date`` on the site's calendar (the 15:00 rule for electronic dossiers)."""
    return work_calendar().due_date(received_at, n_working_days, cutoff=cutoff)

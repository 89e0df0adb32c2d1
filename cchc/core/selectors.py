"""Reading the working-day overrides.

The calendar is public information (every user sees the same working days), so
these selectors take no user and apply no policy scope.
"""

import datetime as dt

from django.db.models import QuerySet

from cchc.core.models import CalendarOverride


def calendar_override_list(*, year: int | None = None) -> QuerySet[CalendarOverride]:
    """Overrides in date order, only those of ``year`` when given."""
    qs = CalendarOverride.objects.order_by("date")
    if year is not None:
        qs = qs.filter(date__year=year)
    return qs


def calendar_override_get(*, date: dt.date) -> CalendarOverride | None:
    """The override for ``date``, or ``None`` when the statutory calendar applies."""
    return CalendarOverride.objects.filter(date=date).first()


def calendar_override_map() -> dict[dt.date, bool]:
    """Every override as ``{date: is_working_day}``, the shape ``WorkCalendar`` takes. One query."""
    return {
        date: kind == CalendarOverride.Kind.WORKDAY
        for date, kind in CalendarOverride.objects.values_list("date", "kind")
    }

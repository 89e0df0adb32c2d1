"""Reads of periodic reports that carry rules: a period's calendar, who must report, completeness, locks."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from cchc.core.calendar import work_calendar
from cchc.core.workdays import VN_TZ, WorkCalendar
from cchc.organizations.models import OrgUnit
from cchc.reports import periods
from cchc.reports.models import LockException, Report, ReportStatus, ReportTemplate
from cchc.reports.policies import report_policy


@dataclass(frozen=True)
class PeriodInfo:
    """The dates of one period of a template."""

    year: int
    index: int
    label: str
    window_from: dt.date
    window_to: dt.date
    deadline: dt.date
    lock_date: dt.date


def period_info(template: ReportTemplate, year: int, index: int, *, calendar: WorkCalendar | None = None) -> PeriodInfo:
    """Window, deadline and lock date of ``template``'s period ``index`` of ``year`` (``reports.periods``)."""
    calendar = calendar or work_calendar()
    window_from, window_to = periods.data_window(template.period_type, index, year, cutoff_day=template.cutoff_day)
    due = periods.deadline(window_to, rule=template.deadline_rule, value=template.deadline_value, calendar=calendar)
    return PeriodInfo(
        year=year,
        index=index,
        label=periods.period_label(template.period_type, index, year),
        window_from=window_from,
        window_to=window_to,
        deadline=due,
        lock_date=periods.lock_date(due, lock_working_days=template.lock_working_days, calendar=calendar),
    )


def template_periods(template: ReportTemplate, year: int) -> list[PeriodInfo]:
    """Every period of ``template`` in ``year``."""
    calendar = work_calendar()
    count = periods.PERIODS_PER_YEAR[periods.PeriodType(template.period_type)]
    return [period_info(template, year, index, calendar=calendar) for index in range(1, count + 1)]


def expected_units(template: ReportTemplate, info: PeriodInfo) -> QuerySet[OrgUnit]:
    """The units that must report for the period: the template's units and cohorts' members existing in its window."""
    existing = Q(valid_from__lte=info.window_to) & (Q(valid_to__isnull=True) | Q(valid_to__gte=info.window_from))
    assigned = Q(pk__in=template.units.values("pk")) | Q(cohorts__in=template.cohorts.all())
    return OrgUnit.objects.filter(existing & assigned).distinct().order_by("tree_key")


def lock_exceptions(template: ReportTemplate, unit: OrgUnit, year: int, index: int) -> list[periods.Unlock]:
    rows = LockException.objects.filter(template=template, unit=unit, year=year, period_index=index)
    return [periods.Unlock(until=row.until, reason=row.reason) for row in rows]


def report_lock_state(report: Report, *, today: dt.date | None = None) -> periods.LockState:
    """Whether the unit may still write ``report`` today, and the specific reason."""
    info = period_info(report.template, report.year, report.period_index)
    return periods.lock_state(
        accepted=report.status == ReportStatus.ACCEPTED,
        today=today or timezone.localdate(),
        locks_on=info.lock_date,
        exceptions=lock_exceptions(report.template, report.unit, report.year, report.period_index),
    )


def reports_for_user(*, user: Any) -> QuerySet[Report]:
    """The reports a user may see, newest period first."""
    return report_policy.scope(user, "view").select_related("template", "unit")


@dataclass(frozen=True)
class UnitCompleteness:
    unit_id: int
    unit_code: str
    unit_name: str
    cohorts: tuple[str, ...]
    status: str | None  # None: no report at all
    submitted_on: dt.date | None
    received: bool
    on_time: bool


@dataclass
class CohortCompleteness:
    expected: int = 0
    received: int = 0
    on_time: int = 0
    missing: int = 0


@dataclass
class Completeness:
    """Expected, received, received on time and missing reports of one period, by unit and by cohort."""

    info: PeriodInfo
    units: list[UnitCompleteness]
    cohorts: dict[str, CohortCompleteness] = field(default_factory=dict)

    @property
    def expected(self) -> int:
        return len(self.units)

    @property
    def received(self) -> int:
        return sum(1 for row in self.units if row.received)

    @property
    def on_time(self) -> int:
        return sum(1 for row in self.units if row.on_time)

    @property
    def missing(self) -> list[UnitCompleteness]:
        return [row for row in self.units if not row.received]


#: A report counts as received once sent: submitted, returned for correction after sending, or accepted.
RECEIVED_STATUSES = frozenset({ReportStatus.SUBMITTED, ReportStatus.RETURNED, ReportStatus.ACCEPTED})


def completeness(template: ReportTemplate, year: int, index: int) -> Completeness:
    """Completeness and timeliness of a period, computed from the assignments so a missing report shows.

    Received = the unit's report was sent (first sending counts: ``submitted_at``);
    on time = sent on or before the deadline (local date). A unit that was not
    assigned does not count, even if it sent something.
    """
    info = period_info(template, year, index)
    units = list(expected_units(template, info).prefetch_related("cohorts"))
    cohort_ids = set(template.cohorts.values_list("pk", flat=True))
    reports = {
        r.unit_id: r
        for r in Report.objects.filter(template=template, year=year, period_index=index).only(
            "unit_id", "status", "submitted_at"
        )
    }
    rows: list[UnitCompleteness] = []
    by_cohort: dict[str, CohortCompleteness] = defaultdict(CohortCompleteness)
    for unit in units:
        report = reports.get(unit.pk)
        submitted_on = report.submitted_at.astimezone(VN_TZ).date() if report and report.submitted_at else None
        received = report is not None and report.status in RECEIVED_STATUSES
        row = UnitCompleteness(
            unit_id=unit.pk,
            unit_code=unit.code,
            unit_name=unit.name,
            cohorts=tuple(c.name for c in unit.cohorts.all() if c.pk in cohort_ids) or ("Đơn vị được giao riêng",),
            status=report.status if report else None,
            submitted_on=submitted_on,
            received=received,
            on_time=received and periods.on_time(submitted_on, info.deadline),
        )
        rows.append(row)
        for cohort in row.cohorts:
            counts = by_cohort[cohort]
            counts.expected += 1
            counts.received += row.received
            counts.on_time += row.on_time
            counts.missing += not row.received
    return Completeness(info=info, units=rows, cohorts=dict(by_cohort))

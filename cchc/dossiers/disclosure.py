"""Reads for the public one-stop pages and API: the monthly Biểu 06 disclosure and the dossier lookup.

Every figure comes from ``selectors.dossier_stats`` (unit rows, totals, the 12-month
trend); the field × level breakdown of one unit groups the same facts
(``selectors.dossier_facts_for_period``) with the same rule (``sla.group_stats``), so
its rows add up to that unit's ``dossier_stats`` total. Nothing here recomputes a rule.
"""

import calendar as pycalendar
import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, Min, Q
from django.utils.translation import gettext_lazy as _

from cchc.dossiers import aggregates, sla
from cchc.dossiers.models import Dossier, DossierCount, Rating
from cchc.dossiers.selectors import DossierStatsTable, dossier_stats
from cchc.organizations.models import OrgUnit
from cchc.procedures.choices import Level

#: The Biểu 06 columns in order: ``Stats`` key → Vietnamese header (pages and CSV alike).
STAT_COLUMNS: tuple[tuple[str, Any], ...] = (
    ("received", _("Tổng số hồ sơ tiếp nhận mới")),
    ("received_online", _("Tiếp nhận trực tuyến")),
    ("received_counter_post", _("Tiếp nhận trực tiếp, bưu chính")),
    ("carried_over", _("Kỳ trước chuyển qua")),
    ("resolved", _("Tổng số đã giải quyết")),
    ("resolved_early", _("Giải quyết trước hạn")),
    ("resolved_on_time", _("Giải quyết đúng hạn")),
    ("resolved_late", _("Giải quyết quá hạn")),
    ("in_progress", _("Tổng số đang giải quyết")),
    ("in_progress_within_time", _("Đang giải quyết trong hạn")),
    ("in_progress_overdue", _("Đang giải quyết quá hạn")),
    ("on_time_rate", _("Tỷ lệ đúng hạn (%)")),
)
MAX_PERIOD_DAYS = 366


@dataclass(frozen=True)
class Period:
    date_from: dt.date
    date_to: dt.date


def month_period(year: int, month: int) -> Period:
    """The calendar month ``month``/``year`` as an inclusive period."""
    last = pycalendar.monthrange(year, month)[1]
    return Period(dt.date(year, month, 1), dt.date(year, month, last))


def last_complete_month(today: dt.date) -> tuple[int, int]:
    """The month before ``today``'s: the latest month whose figures no longer change with time."""
    first = today.replace(day=1) - dt.timedelta(days=1)
    return first.year, first.month


def default_month(today: dt.date) -> tuple[int, int]:
    """The month a public page opens on: the last complete month, or the latest month before it with dossiers.

    A month has dossiers when one was received or resolved in it (its month bucket of
    the counters). A live province has them every month, so its pages open on last
    month; a demo of past years, or a province whose systems stopped sending, opens on
    the latest month that has figures instead of a table of zeros. Two small queries on
    the counters: the latest year bucket, then that year's month buckets.
    """
    year, month = last_complete_month(today)
    activity = Q(received__gt=0) | Q(resolved_early__gt=0) | Q(resolved_on_time__gt=0) | Q(resolved_late__gt=0)
    counters = DossierCount.objects.filter(activity)
    latest_year = counters.filter(grain=DossierCount.Grain.YEAR, day__lte=dt.date(year, 1, 1)).aggregate(
        day=Max("day")
    )["day"]
    if latest_year is None:
        return year, month
    last_bucket = min(dt.date(year, month, 1), dt.date(latest_year.year, 12, 1))
    latest = counters.filter(grain=DossierCount.Grain.MONTH, day__gte=latest_year, day__lte=last_bucket).aggregate(
        day=Max("day")
    )["day"]
    if latest is None:
        return year, month
    return latest.year, latest.month


def month_choice(params: Any, today: dt.date) -> tuple[int, int]:
    """The year and month a page's query asks for (``nam``, ``thang``), else ``default_month``.

    A value that is not a number, a month outside 1–12 or a year outside 2000 to next
    year falls back to the default as a whole (the page never errors on its query).
    """
    default_year, default = default_month(today)
    try:
        year = int(params.get("nam", default_year))
        month = int(params.get("thang", default))
    except (TypeError, ValueError):
        return default_year, default
    if not (2000 <= year <= today.year + 1 and 1 <= month <= 12):
        return default_year, default
    return year, month


def available_years(today: dt.date) -> list[int]:
    """Years from the first dossier received to this year, newest first (this year alone when none).

    Read from the year buckets of the counters (a few rows per unit and year), not from
    the dossiers: the dossier table has no index on the receipt time (docs/adr/0006).
    """
    years = DossierCount.objects.filter(grain=DossierCount.Grain.YEAR, received__gt=0)
    bounds = years.aggregate(first=Min("day"), last=Max("day"))
    first = bounds["first"].year if bounds["first"] else today.year
    last = max(today.year, bounds["last"].year if bounds["last"] else today.year)
    return list(range(last, first - 1, -1))


def unit_names(codes: Iterable[str]) -> dict[str, str]:
    """``{code: name}`` for the given unit codes, one query."""
    return dict(OrgUnit.objects.filter(code__in=list(codes)).values_list("code", "name"))


@dataclass(frozen=True)
class TrendPoint:
    year: int
    month: int
    stats: sla.Stats | None  # None for a month not yet begun


def monthly_trend(*, year: int, today: dt.date, unit_code: str | None = None) -> list[TrendPoint]:
    """The 12 months of ``year``, each the ``dossier_stats`` total of that month (``None`` when not begun).

    A month still running is computed up to its last day, like any period: its
    "in progress" counts are as of that day, so they are provisional.
    """
    points = []
    for month in range(1, 13):
        period = month_period(year, month)
        if period.date_from > today:
            points.append(TrendPoint(year, month, None))
            continue
        table = dossier_stats(date_from=period.date_from, date_to=period.date_to, unit_code=unit_code)
        points.append(TrendPoint(year, month, table.total))
    return points


def province_table(*, period: Period) -> DossierStatsTable:
    """Biểu 06 of every unit for ``period`` (``dossier_stats``)."""
    return dossier_stats(date_from=period.date_from, date_to=period.date_to)


@dataclass(frozen=True)
class UnitTable:
    total: sla.Stats
    rows: list[tuple[str, str, sla.Stats]]  # (field, level label, stats)


def unit_field_level_table(*, unit_code: str, period: Period) -> UnitTable:
    """Biểu 06 of one unit per field × level; ``total`` is that unit's ``dossier_stats`` row.

    Both come from the counters (``aggregates``), the rows per group, so they add up to
    ``total`` (a test checks it) and cost the same however long the history; the
    dossier table has no index by unit to read them from (docs/adr/0009-block-reader.md).
    """
    unit_id = OrgUnit.objects.filter(code=unit_code).values_list("pk", flat=True).first()
    groups = (
        {}
        if unit_id is None
        else aggregates.aggregate_group_stats(date_from=period.date_from, date_to=period.date_to, unit_id=unit_id)
    )
    levels = dict(Level.choices)
    rows = [(field, str(levels.get(level, level)), stats) for (_unit, field, level), stats in sorted(groups.items())]
    total = dossier_stats(date_from=period.date_from, date_to=period.date_to, unit_code=unit_code).total
    return UnitTable(total=total, rows=rows)


def stats_csv(rows: Sequence[tuple[Sequence[str], sla.Stats]], *, label_headers: Sequence[str]) -> bytes:
    """The table as CSV: UTF-8 with a BOM (so Excel reads the Vietnamese), Vietnamese headers.

    Each row is ``(labels, stats)``; rates are written with a decimal point, empty when
    nothing was resolved.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([*label_headers, *(str(label) for _key, label in STAT_COLUMNS)])
    for labels, stats in rows:
        values = stats.as_dict()
        writer.writerow([*labels, *("" if values[key] is None else str(values[key]) for key, _label in STAT_COLUMNS)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# -- the dossier lookup ----------------------------------------------------------------


@dataclass(frozen=True)
class DossierPublicStatus:
    """What anyone who knows a dossier's code may see: no applicant, no content."""

    code: str
    procedure_name: str
    unit_name: str
    received_on: dt.date
    due_date: dt.date
    resolved: bool
    returned: bool
    status_label: str
    timeliness: str  # early / on_time / late / within_time / overdue
    timeliness_label: str
    can_rate: bool
    rated: bool


TIMELINESS_LABELS = {
    sla.Timeliness.EARLY.value: _("trước hạn"),
    sla.Timeliness.ON_TIME.value: _("đúng hạn"),
    sla.Timeliness.LATE.value: _("quá hạn"),
    sla.OpenStatus.WITHIN_TIME.value: _("trong hạn"),
    sla.OpenStatus.OVERDUE.value: _("quá hạn"),
}


def dossier_public_status(*, code: str, today: dt.date) -> DossierPublicStatus | None:
    """The public status of the dossier ``code`` (exact, case as stored), or ``None`` when unknown.

    Resolved dossiers are classified by ``sla.classify_resolved`` against our due date,
    open ones by ``sla.classify_open`` as of ``today``.
    """
    dossier = (
        Dossier.objects.select_related("procedure", "unit")
        .only(
            "code",
            "received_at",
            "due_date",
            "resolved_at",
            "returned_at",
            "procedure__name",
            "unit__name",
        )
        .filter(code=code.strip())
        .first()
    )
    if dossier is None:
        return None
    resolved = dossier.resolved_at is not None
    returned = dossier.returned_at is not None
    timeliness: str
    if dossier.resolved_at is not None:
        timeliness = sla.classify_resolved(sla.local_date(dossier.resolved_at), dossier.due_date).value
    else:
        timeliness = sla.classify_open(dossier.due_date, today).value
    if returned:
        status_label = str(_("Đã trả kết quả"))
    elif resolved:
        status_label = str(_("Đã giải quyết xong, chờ trả kết quả"))
    else:
        status_label = str(_("Đang giải quyết"))
    rated = Rating.objects.filter(dossier_id=dossier.pk).exists()
    return DossierPublicStatus(
        code=dossier.code,
        procedure_name=dossier.procedure.name,
        unit_name=dossier.unit.name,
        received_on=sla.local_date(dossier.received_at),
        due_date=dossier.due_date,
        resolved=resolved,
        returned=returned,
        status_label=status_label,
        timeliness=timeliness,
        timeliness_label=str(TIMELINESS_LABELS[timeliness]),
        can_rate=(resolved or returned) and not rated,
        rated=rated,
    )

"""The province's consolidated report of a period (báo cáo tổng hợp), assembled, and its one write.

:func:`province_report_data` reads everything the reform office's page and the exports
show, for one template and period:

* **Totals** of every numeric field of the form over the **accepted** unit reports (a
  report still submitted, returned or in draft does not count yet):

  - ``integer`` and ``number`` fields: the **sum** of the reported values;
  - ``percent`` fields, and fields that are themselves means (``"total": "mean"`` on
    the field, or the source ``ratings.mean``): the **mean weighted** by a denominator
    field when the form has one — named by the field's ``"denominator"`` key
    (``{"code": "on_time_rate", "type": "percent", "denominator": "resolved"}``), or,
    failing that, inferred from the sources (``dossiers.on_time_rate`` is weighted by
    the field fed by ``dossiers.resolved``, ``ratings.mean`` by ``ratings.count``) —
    Σ(value × denominator) / Σ denominator over the reports that give both; otherwise
    the **plain mean** of the reported values. Two decimals, rounded half up.

  Every :class:`FieldTotal` says which rule made it (``method`` and ``method_label``), and
  a field no accepted report answered has no total (``None``), not 0.
* **Completeness**: expected, received, on time and missing per cohort
  (``selectors.completeness``), with the late and the missing units.
* **Plan progress by area**: ``tasks.selectors.plan_progress`` of the province's issued
  (or closed) plan of the year, on the window's end; ``None`` when there is no such plan.
* **Overdue tasks, province-wide, at the window's end**: the tasks of every issued (or
  closed) plan of the year of the province or a unit under it, not cancelled, open at
  the window's end (not done, or completed only after it) and whose effective deadline
  is before it (the same rule as ``prefill``); a unit's copy of a task listed too is
  left out.
* **Biểu 06** of the window, summed over the province and every unit under it
  (``dossiers.aggregates.aggregate_stats``).
* **Narratives** gathered by section of the form: each accepted report's text for the
  section with its unit's name, in unit order, and the reform office's edited text of
  the section when it saved one (:func:`province_report_save`).

A fixed number of queries whatever the number of units (about fifteen).
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from cchc.audit.services import audit_record, diff, snapshot
from cchc.core.calendar import work_calendar
from cchc.core.errors import ApplicationError, PermissionDeniedError
from cchc.core.workdays import VN_TZ
from cchc.dossiers.aggregates import aggregate_stats
from cchc.dossiers.sla import Stats
from cchc.organizations.models import OrgUnit
from cchc.plans.models import Plan
from cchc.reports.models import ProvinceReport, Report, ReportStatus, ReportTemplate
from cchc.reports.policies import province_report_policy
from cchc.reports.prefill import COUNTED_PLAN_STATUSES
from cchc.reports.selectors import Completeness, PeriodInfo, UnitCompleteness, completeness, period_info
from cchc.tasks.calculations import Rollup, effective_deadline
from cchc.tasks.choices import DONE_STATUSES, OPEN_STATUSES, Area, TaskStatus
from cchc.tasks.models import Task
from cchc.tasks.selectors import AreaProgress, overdue_boundary, plan_progress

NUMERIC_TYPES = ("integer", "number", "percent")
SUM = "sum"
WEIGHTED_MEAN = "weighted_mean"
MEAN = "mean"
#: An averaged field fed by the first source is weighted by the field fed by the second, when the form has one.
SOURCE_DENOMINATORS = {"dossiers.on_time_rate": "dossiers.resolved", "ratings.mean": "ratings.count"}
#: Sources whose figure is a mean: averaged like a percent, never summed.
MEAN_SOURCES = frozenset({"ratings.mean"})
NUMBER_MAX_LENGTH = 64
_HUNDREDTH = Decimal("0.01")

Number = Decimal | int


# -- what the page and the exports show -------------------------------------------------------


@dataclass(frozen=True)
class FieldTotal:
    """One numeric field of the form and its province figure, with the rule that made it."""

    code: str
    label: str
    section_code: str
    section_title: str
    kind: str  # integer, number or percent
    value: Number | None
    method: str  # SUM, WEIGHTED_MEAN or MEAN
    method_label: str
    denominator: str  # the weighting field's code, "" unless WEIGHTED_MEAN
    reported: int  # accepted reports that gave a value


@dataclass(frozen=True)
class UnitRow:
    """One unit of the period: its report's state, timeliness and (accepted reports only) figures."""

    unit_id: int
    unit_code: str
    unit_name: str
    cohorts: tuple[str, ...]
    status: str | None  # a ReportStatus value; None: no report at all
    submitted_on: dt.date | None
    received: bool
    on_time: bool
    expected: bool
    values: dict[str, Number | None]

    @property
    def accepted(self) -> bool:
        return self.status == ReportStatus.ACCEPTED

    @property
    def status_label(self) -> str:
        return str(ReportStatus(self.status).label) if self.status else _("Chưa lập báo cáo")


@dataclass(frozen=True)
class NarrativeEntry:
    unit_name: str
    text: str


@dataclass(frozen=True)
class NarrativeSection:
    """A narrative section of the form: the units' texts, and the reform office's edit if any."""

    code: str
    title: str
    area: str
    area_label: str
    entries: list[NarrativeEntry]
    edited: str | None

    @property
    def gathered(self) -> str:
        """The units' texts, each after its unit's name, a blank line between units."""
        return "\n\n".join(f"{entry.unit_name}: {entry.text}" for entry in self.entries)

    @property
    def text(self) -> str:
        """What the report says for the section: the edited text, else the gathered one."""
        return self.edited if self.edited else self.gathered


@dataclass(frozen=True)
class OverdueTask:
    """A task overdue at the window's end, with what a list needs."""

    task_id: int
    code: str
    title: str
    plan_title: str
    lead_unit: str
    due_date: dt.date
    deadline: dt.date  # the effective deadline (a day off moves it to the next working day)
    days_late: int  # calendar days from the effective deadline to the window's end
    progress: int
    status_label: str


@dataclass
class ProvinceData:
    """Everything of one period's consolidated report (module docstring)."""

    template: ReportTemplate
    info: PeriodInfo
    province: OrgUnit
    completeness: Completeness
    fields: list[FieldTotal]
    units: list[UnitRow]
    plan: Plan | None
    area_progress: list[AreaProgress]
    plan_overall: Rollup | None
    overdue_tasks: list[OverdueTask]
    dossier_totals: Stats
    narratives: list[NarrativeSection]
    province_report: ProvinceReport | None

    @property
    def accepted(self) -> int:
        return sum(1 for row in self.units if row.accepted)

    @property
    def late_units(self) -> list[UnitCompleteness]:
        """Units whose report was received after the deadline."""
        return [row for row in self.completeness.units if row.received and not row.on_time]

    @property
    def missing_units(self) -> list[UnitCompleteness]:
        return self.completeness.missing

    @property
    def number(self) -> str:
        return self.province_report.number if self.province_report else ""


# -- reading values ---------------------------------------------------------------------------


def numeric_value(kind: str, raw: Any) -> Number | None:
    """A stored answer as a number of the field's kind; ``None`` when blank or not a number."""
    if raw is None or isinstance(raw, bool) or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        number = Decimal(str(raw).strip())
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    if kind == "integer" and number == number.to_integral_value():
        return int(number)
    return number


def _hundredths(value: Decimal) -> Decimal:
    return value.quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class NumericField:
    code: str
    label: str
    kind: str
    section_code: str
    section_title: str
    averaged: bool
    denominator: str


def numeric_fields(form: Sequence[Mapping[str, Any]]) -> list[NumericField]:
    """The numeric fields of a form in order, each averaged field with its weighting field (if any)."""
    by_source: dict[str, str] = {}
    kinds: dict[str, str] = {}
    for section in form:
        for spec in section.get("fields", ()):
            kinds[spec["code"]] = spec.get("type", "text")
            if spec.get("source"):
                by_source.setdefault(spec["source"], spec["code"])
    result = []
    for section in form:
        for spec in section.get("fields", ()):
            kind = spec.get("type", "text")
            if kind not in NUMERIC_TYPES:
                continue
            denominator = ""
            averaged = kind == "percent" or spec.get("total") == MEAN or spec.get("source") in MEAN_SOURCES
            if averaged:
                inferred = by_source.get(SOURCE_DENOMINATORS.get(spec.get("source", ""), ""), "")
                named = spec.get("denominator") or inferred
                if named and kinds.get(named) in ("integer", "number"):
                    denominator = named
            result.append(
                NumericField(
                    code=spec["code"],
                    label=str(spec.get("label", spec["code"])),
                    kind=kind,
                    section_code=str(section["code"]),
                    section_title=str(section.get("title", "")),
                    averaged=averaged,
                    denominator=denominator,
                )
            )
    return result


def field_total(
    spec: NumericField, rows: Iterable[Mapping[str, Number | None]], labels: Mapping[str, str]
) -> FieldTotal:
    """The province figure of one field over the accepted reports' values (module docstring)."""
    values = [(row.get(spec.code), row.get(spec.denominator) if spec.denominator else None) for row in rows]
    present = [(value, weight) for value, weight in values if value is not None]
    total: Number | None
    if not spec.averaged:
        method, method_label = SUM, _("Tổng cộng")
        if not present:
            total = None
        elif spec.kind == "integer" and all(isinstance(value, int) for value, _w in present):
            total = sum(int(value) for value, _w in present)
        else:
            total = sum((Decimal(value) for value, _w in present), Decimal(0))
    elif spec.denominator:
        method = WEIGHTED_MEAN
        method_label = _("Bình quân gia quyền theo “%(field)s”") % {"field": labels.get(spec.denominator, "")}
        weighted = [(Decimal(value), Decimal(weight)) for value, weight in present if weight is not None]
        weight_sum = sum((weight for _v, weight in weighted), Decimal(0))
        total = _hundredths(sum((v * w for v, w in weighted), Decimal(0)) / weight_sum) if weight_sum else None
    else:
        method, method_label = MEAN, _("Bình quân cộng (không có trường mẫu số để tính gia quyền)")
        total = _hundredths(sum((Decimal(v) for v, _w in present), Decimal(0)) / len(present)) if present else None
    return FieldTotal(
        code=spec.code,
        label=spec.label,
        section_code=spec.section_code,
        section_title=spec.section_title,
        kind=spec.kind,
        value=total,
        method=method,
        method_label=method_label,
        denominator=spec.denominator,
        reported=len(present),
    )


# -- the pieces -------------------------------------------------------------------------------


def area_label(area: str) -> str:
    """A form section's area ("3", or an ``Area`` value) as its name; "" when it names none."""
    areas = list(Area)
    text = str(area or "").strip()
    if text.isdigit() and 1 <= int(text) <= len(areas):
        return str(areas[int(text) - 1].label)
    if text in Area.values:
        return str(Area(text).label)
    return ""


def province_plan(province: OrgUnit, year: int) -> Plan | None:
    """The province's own issued (or closed) plan of ``year``; the first issued when there are several."""
    return (
        Plan.objects.filter(unit=province, year=year, status__in=COUNTED_PLAN_STATUSES)
        .order_by("-status", "pk")  # "issued" before "closed"
        .first()
    )


def overdue_tasks(province: OrgUnit, date_to: dt.date) -> list[OverdueTask]:
    """The tasks of the province's plans of the year overdue at the end of ``date_to`` (module docstring)."""
    calendar = work_calendar()
    boundary = overdue_boundary(today=date_to, calendar=calendar)
    open_at_end = Q(status__in=sorted(OPEN_STATUSES)) | Q(status__in=sorted(DONE_STATUSES), completed_on__gt=date_to)
    tasks = list(
        Task.objects.filter(
            open_at_end,
            plan__year=date_to.year,
            plan__status__in=COUNTED_PLAN_STATUSES,
            plan__unit__path__startswith=province.path,
            due_date__lt=boundary,
        )
        .select_related("plan", "lead_unit")
        .order_by("due_date", "plan_id", "position", "code", "pk")
    )
    listed = {task.pk for task in tasks}
    rows = []
    for task in tasks:
        if task.source_task_id in listed or task.due_date is None:
            continue
        deadline = effective_deadline(task.due_date, calendar)
        open_status = task.status if task.status in OPEN_STATUSES else TaskStatus.IN_PROGRESS
        rows.append(
            OverdueTask(
                task_id=task.pk,
                code=task.code,
                title=task.title,
                plan_title=task.plan.title,
                lead_unit=task.lead_unit.name,
                due_date=task.due_date,
                deadline=deadline,
                days_late=(date_to - deadline).days,
                progress=task.progress,
                status_label=str(TaskStatus(open_status).label),
            )
        )
    return rows


def province_dossier_totals(province: OrgUnit, date_from: dt.date, date_to: dt.date) -> Stats:
    """Biểu 06 of the window summed over the province and every unit under it."""
    inside = set(OrgUnit.objects.filter(path__startswith=province.path).values_list("pk", flat=True))
    total = Stats()
    for unit_id, stats in aggregate_stats(date_from=date_from, date_to=date_to).items():
        if unit_id in inside:
            total = total + stats
    return total


def _narratives(
    form: Sequence[Mapping[str, Any]], reports: Sequence[Report], edited: Mapping[str, Any]
) -> list[NarrativeSection]:
    sections = []
    for section in form:
        if not section.get("narrative"):
            continue
        code = str(section["code"])
        entries = [
            NarrativeEntry(unit_name=report.unit.name, text=str(report.narratives.get(code, "")).strip())
            for report in reports
            if str(report.narratives.get(code, "")).strip()
        ]
        saved = str(edited.get(code, "") or "").strip()
        sections.append(
            NarrativeSection(
                code=code,
                title=str(section.get("title", "")),
                area=str(section.get("area", "") or ""),
                area_label=area_label(str(section.get("area", "") or "")),
                entries=entries,
                edited=saved or None,
            )
        )
    return sections


def province_narratives(*, template: ReportTemplate, year: int, period_index: int) -> list[NarrativeSection]:
    """Only the narrative sections of a period (gathered and edited), for a page that saves one of them."""
    reports = list(
        Report.objects.filter(template=template, year=year, period_index=period_index, status=ReportStatus.ACCEPTED)
        .select_related("unit")
        .order_by("unit__tree_key", "unit_id")
    )
    saved = ProvinceReport.objects.filter(template=template, year=year, period_index=period_index).first()
    return _narratives(template.form, reports, saved.narratives if saved else {})


def province_report_data(*, template: ReportTemplate, year: int, period_index: int) -> ProvinceData:
    """Assemble one period's consolidated report (module docstring).

    Raises ``ApplicationError`` when the template does not cover ``year`` or the
    period index is not one of the template's.
    """
    info = _period_or_error(template, year, period_index)
    province = template.unit
    state = completeness(template, year, period_index)
    reports = list(
        Report.objects.filter(template=template, year=year, period_index=period_index, status=ReportStatus.ACCEPTED)
        .select_related("unit")
        .order_by("unit__tree_key", "unit_id")
    )
    specs = numeric_fields(template.form)
    values = {
        report.unit_id: {spec.code: numeric_value(spec.kind, report.values.get(spec.code)) for spec in specs}
        for report in reports
    }
    labels = {spec.code: spec.label for spec in specs}
    totals = [field_total(spec, values.values(), labels) for spec in specs]

    rows: list[UnitRow] = []
    expected_ids = set()
    for unit in state.units:
        expected_ids.add(unit.unit_id)
        rows.append(
            UnitRow(
                unit_id=unit.unit_id,
                unit_code=unit.unit_code,
                unit_name=unit.unit_name,
                cohorts=unit.cohorts,
                status=unit.status,
                submitted_on=unit.submitted_on,
                received=unit.received,
                on_time=unit.on_time,
                expected=True,
                values=values.get(unit.unit_id, {}),
            )
        )
    for report in reports:  # accepted, though no longer assigned: it still counts in the totals
        if report.unit_id not in expected_ids:
            submitted = report.submitted_at.astimezone(VN_TZ).date() if report.submitted_at else None
            rows.append(
                UnitRow(
                    unit_id=report.unit_id,
                    unit_code=report.unit.code,
                    unit_name=report.unit.name,
                    cohorts=(),
                    status=report.status,
                    submitted_on=submitted,
                    received=True,
                    on_time=submitted is not None and submitted <= info.deadline,
                    expected=False,
                    values=values[report.unit_id],
                )
            )

    plan = province_plan(province, year)
    progress = plan_progress(plan=plan, today=info.window_to) if plan is not None else None
    saved = ProvinceReport.objects.filter(template=template, year=year, period_index=period_index).first()
    return ProvinceData(
        template=template,
        info=info,
        province=province,
        completeness=state,
        fields=totals,
        units=rows,
        plan=plan,
        area_progress=progress.by_area if progress else [],
        plan_overall=progress.overall if progress else None,
        overdue_tasks=overdue_tasks(province, info.window_to),
        dossier_totals=province_dossier_totals(province, info.window_from, info.window_to),
        narratives=_narratives(template.form, reports, saved.narratives if saved else {}),
        province_report=saved,
    )


def _period_or_error(template: ReportTemplate, year: int, period_index: int) -> PeriodInfo:
    if not template.covers(year):
        raise ApplicationError(
            _("Mẫu báo cáo %(name)s không áp dụng cho năm %(year)d.") % {"name": template.name, "year": year},
            code="reports.template_year",
        )
    try:
        return period_info(template, year, period_index)
    except ValueError as exc:
        raise ApplicationError(str(exc), code="reports.period") from exc


# -- the write --------------------------------------------------------------------------------


def province_report_save(
    *,
    actor: Any,
    template: ReportTemplate,
    year: int,
    period_index: int,
    narratives: Mapping[str, str] | None = None,
    number: str | None = None,
) -> ProvinceReport:
    """Store the reform office's edits of a period's consolidated report (created on the first save).

    ``narratives`` maps narrative section codes of the form to their edited text: a
    given section's text replaces the stored one, an empty text drops the edit (the
    report goes back to the gathered texts), sections not given keep theirs.
    ``number`` is the document's number and symbol ("15/BC-SNV"); ``None`` keeps it.
    Only the reform office over the template's unit (``province_report_policy``
    "manage"). Raises ``PermissionDeniedError``, or ``ApplicationError`` for a year or
    period the template does not have, a section that is not a narrative section of
    the form, or a number longer than 64 characters. Audited as ``province_report.save``.
    """
    _period_or_error(template, year, period_index)
    probe = ProvinceReport(template=template, year=year, period_index=period_index)
    if not province_report_policy.user_can(actor, "manage", probe):
        raise PermissionDeniedError(_("Bạn không có quyền biên tập báo cáo tổng hợp này."))
    sections = {str(section["code"]) for section in template.form if section.get("narrative")}
    cleaned: dict[str, str] = {}
    for code, text in (narratives or {}).items():
        if code not in sections:
            raise ApplicationError(
                _("Mục %(code)s không phải là mục nội dung của mẫu báo cáo %(name)s.")
                % {"code": code, "name": template.name},
                code="reports.unknown_section",
            )
        cleaned[code] = "\n".join(line.rstrip() for line in str(text).replace("\r\n", "\n").split("\n")).strip()
    if number is not None and len(number.strip()) > NUMBER_MAX_LENGTH:
        raise ApplicationError(
            _("Số, ký hiệu văn bản dài quá %(n)d ký tự.") % {"n": NUMBER_MAX_LENGTH}, code="reports.number_length"
        )
    with transaction.atomic():
        report, _created = ProvinceReport.objects.select_for_update(of=("self",)).get_or_create(
            template=template, year=year, period_index=period_index
        )
        before = snapshot(report, ["number", "narratives"])
        merged = dict(report.narratives)
        for code, text in cleaned.items():
            if text:
                merged[code] = text
            else:
                merged.pop(code, None)
        report.narratives = merged
        if number is not None:
            report.number = number.strip()
        report.updated_by = actor if getattr(actor, "is_authenticated", False) else None
        report.save(update_fields=["number", "narratives", "updated_by", "updated_at"])
        audit_record(
            actor=actor,
            action="province_report.save",
            obj=report,
            unit=template.unit,
            changes=diff(before, snapshot(report, ["number", "narratives"])),
        )
    return report

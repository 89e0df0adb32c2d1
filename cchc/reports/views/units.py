"""Periodic report pages for the units and the reform office, under ``/bao-cao/`` (``reports:``).

* ``""`` (``home``): for a unit's users, the periods of their unit's reports in a
  year (open, due today, overdue, sent, returned, locked with the lock's reason) with
  a button to open each; for the reform office, its templates' periods with
  completeness counts, linking to the completeness page and to the province report.
* ``mo/`` (``report_open``, POST): open (create, prefilled) the unit's report of a period.
* ``<id>/`` (``report``): the report as a form built from its template: a narrative
  per section, typed fields, each prefilled field with its source ("Tự động từ …",
  "đã sửa" once the unit typed over it), errors inline under the field they concern;
  save or send (``<id>/luu/``), take the live figures again (``<id>/so-lieu-tu-dong/``);
  for the reform office, return with a reason (``<id>/tra-lai/``) or accept
  (``<id>/chap-nhan/``). The lock banner says which lock applies and why.
* ``mau/<template>/<year>/<index>/`` (``completeness``): expected, received, on-time
  and missing reports per cohort and per unit, and the lock exceptions of the period
  with a form to grant one (``…/mo-khoa/``).

Every object comes through a policy scope (a report, template or unit outside it is a
404); an action the user may not take on a report they see is a 403. Writes go
through ``reports.services``; a domain error lands under the field it names. HTMX
requests get the fragment they swap (200, so that HTMX swaps it even with errors);
without HTMX the same URLs redirect back with a message, or answer the page with the
errors (400).
"""

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, NoReturn

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

from cchc.core.errors import ApplicationError, PermissionDeniedError
from cchc.core.workdays import VN_TZ
from cchc.organizations.models import OrgUnit
from cchc.organizations.policies import org_unit_policy, user_grants
from cchc.reports import periods, selectors, services
from cchc.reports.forms import LockExceptionForm, OpenReportForm, ReportAnswersForm, ReturnForm, field_name
from cchc.reports.forms import narrative_name as narrative_field_name
from cchc.reports.models import LockException, Report, ReportStatus, ReportTemplate
from cchc.reports.policies import report_policy, template_policy


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


# -- rendering helpers -----------------------------------------------------------------------


def _partial(request: HtmxHttpRequest) -> bool:
    """An HTMX request gets a fragment; a history restore needs the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def _render(request: HtmxHttpRequest, template: str, context: Mapping[str, Any], status: int = 200) -> HttpResponse:
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


def _redirect(request: HtmxHttpRequest, url: str) -> HttpResponse:
    """Redirect; an HTMX request is told to load the page instead of swapping it in."""
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _deny(exc: PermissionDeniedError | None = None) -> NoReturn:
    """A 403 for a user who sees the report but may not do this to it."""
    raise PermissionDenied(exc.message if exc else "")


STATUS_BADGES: dict[str, str] = {
    ReportStatus.DRAFT: "update-draft",
    ReportStatus.SUBMITTED: "update-submitted",
    ReportStatus.RETURNED: "update-returned",
    ReportStatus.ACCEPTED: "update-accepted",
}

# "mục II.3, trường dossiers_resolved: …" (forms_schema.FieldError); "mục III: …" names a section only.
_LOCATED = re.compile(r"^mục (?P<section>[^,:]+?)(?:, trường (?P<field>[^:]+?))?: (?P<message>.+)$", re.DOTALL)


@dataclass
class LocatedErrors:
    """A service's form errors sorted to where the page shows them."""

    fields: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    sections: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    general: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.fields or self.sections or self.general)

    @property
    def count(self) -> int:
        return sum(map(len, self.fields.values())) + sum(map(len, self.sections.values())) + len(self.general)


def located_errors(errors: Iterable[str], *, known_fields: Iterable[str] = ()) -> LocatedErrors:
    """Each error message under its field (or section); one that names neither stays general."""
    known = set(known_fields)
    located = LocatedErrors()
    for message in errors:
        match = _LOCATED.match(message)
        if match and match["field"] and match["field"] in known:
            located.fields[match["field"]].append(match["message"])
        elif match and not match["field"]:
            located.sections[match["section"]].append(match["message"])
        else:
            located.general.append(message)
    return located


# -- the report form, as the page shows it --------------------------------------------------------


@dataclass
class FieldView:
    code: str
    label: str
    kind: str
    required: bool
    input_name: str
    value: str
    source: str = ""
    source_value: str = ""
    edited: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def input_mode(self) -> str:
        return {"integer": "numeric", "number": "decimal", "percent": "decimal"}.get(self.kind, "text")


@dataclass
class SectionView:
    code: str
    title: str
    hint: str
    narrative: bool
    input_name: str
    text: str
    fields: list[FieldView]
    errors: list[str] = field(default_factory=list)


def shown_value(kind: str, value: Any) -> str:
    """A stored answer as a person types it back: numbers with a decimal comma, blanks empty."""
    if value is None:
        return ""
    if kind in ("number", "percent"):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        text = format(number.normalize(), "f") if number == number.to_integral_value() else str(number)
        return text.replace(".", ",")
    return str(value)


def section_views(
    report: Report, *, posted: Mapping[str, Any] | None = None, errors: LocatedErrors | None = None
) -> list[SectionView]:
    """The template's sections with the report's answers (or the posted ones) and the errors in place."""
    errors = errors or LocatedErrors()
    sections: list[SectionView] = []
    for section in report.template.form:
        fields: list[FieldView] = []
        for item in section.get("fields", ()):
            code, kind = item["code"], item.get("type", "text")
            name = field_name(code)
            source = report.sources.get(code) or {}
            value = posted.get(name, "") if posted is not None else shown_value(kind, report.values.get(code))
            fields.append(
                FieldView(
                    code=code,
                    label=item.get("label", code),
                    kind=kind,
                    required=bool(item.get("required")),
                    input_name=name,
                    value=str(value),
                    source=str(source.get("source", "")),
                    source_value=shown_value(kind, source.get("value")),
                    edited=bool(source.get("edited")),
                    errors=list(errors.fields.get(code, [])),
                )
            )
        narrative_name = narrative_field_name(section["code"])
        text = posted.get(narrative_name, "") if posted is not None else report.narratives.get(section["code"], "")
        sections.append(
            SectionView(
                code=section["code"],
                title=section.get("title", section["code"]),
                hint=section.get("hint", ""),
                narrative=bool(section.get("narrative")),
                input_name=narrative_name,
                text=str(text),
                fields=fields,
                errors=list(errors.sections.get(section["code"], [])),
            )
        )
    return sections


def _report_or_404(user: Any, report_id: int) -> Report:
    qs = Report.objects.select_related("template", "template__unit", "unit", "submitted_by", "reviewed_by")
    return report_policy.get_for_user(user, "view", qs, pk=report_id)


def _report_context(
    request: HtmxHttpRequest,
    report: Report,
    *,
    posted: Mapping[str, Any] | None = None,
    errors: LocatedErrors | None = None,
    error: str = "",
    notice: str = "",
    return_form: ReturnForm | None = None,
) -> dict[str, Any]:
    user = request.user
    info = selectors.period_info(report.template, report.year, report.period_index)
    lock = selectors.report_lock_state(report)
    editable_status = report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)
    can_write = editable_status and not lock.locked and report_policy.user_can(user, "write", report)
    can_review = report.status == ReportStatus.SUBMITTED and report_policy.user_can(user, "review", report)
    submitted_on = report.submitted_at.astimezone(VN_TZ).date() if report.submitted_at else None
    sections = section_views(report, posted=posted, errors=errors)
    # An error summary at the top, each line a link to its field (the swap shows the top of the report).
    error_links = [
        (f"{section.code} – {item.label}", message, f"id_{item.input_name}")
        for section in sections
        for item in section.fields
        for message in item.errors
    ] + [(section.code, message, f"muc-{section.code}") for section in sections for message in section.errors]
    return {
        "report": report,
        "template": report.template,
        "info": info,
        "lock": lock,
        "status_badge": STATUS_BADGES[report.status],
        "sections": sections,
        "error_links": error_links,
        "errors": errors or LocatedErrors(),
        "error": error,
        "notice": notice,
        "can_write": can_write,
        "can_review": can_review,
        "return_form": return_form or ReturnForm(),
        "submitted_on": submitted_on,
        "on_time": periods.on_time(submitted_on, info.deadline) if submitted_on else None,
        "has_sources": bool(report.sources),
    }


def _report_response(request: HtmxHttpRequest, report: Report, *, status: int = 200, **extra: Any) -> HttpResponse:
    """The report body for HTMX, the whole page otherwise."""
    context = _report_context(request, report, **extra)
    if _partial(request):
        return _render(request, "reports/partials/_report_body.html", context)
    return _render(request, "reports/report_detail.html", context, status=status)


@login_required
@require_safe
def report_detail(request: HtmxHttpRequest, report_id: int) -> HttpResponse:
    """The report, editable by its unit's focal point while open, reviewable by the reform office once sent."""
    return _report_response(request, _report_or_404(request.user, report_id))


def _form_errors(form: ReportAnswersForm) -> LocatedErrors:
    located = LocatedErrors()
    for name, problems in form.errors.items():
        for problem in problems:
            if name.startswith("f_"):
                located.fields[name.removeprefix("f_")].append(str(problem))
            elif name.startswith("n_"):
                located.sections[name.removeprefix("n_")].append(str(problem))
            else:
                located.general.append(str(problem))
    return located


@login_required
@require_POST
def report_save(request: HtmxHttpRequest, report_id: int) -> HttpResponse:
    """Save the answers and narratives (``hanh_dong=luu``), or save then send them (``hanh_dong=gui``)."""
    report = _report_or_404(request.user, report_id)
    if not report_policy.user_can(request.user, "write", report):
        _deny()
    sending = request.POST.get("hanh_dong") == "gui"
    form = ReportAnswersForm(request.POST, definition=report.template.form)
    if not form.is_valid():
        return _report_response(
            request, report, status=400, posted=request.POST, errors=_form_errors(form),
            error=_("Báo cáo chưa được lưu: có nội dung quá dài."),
        )  # fmt: skip
    known = [item["code"] for section in report.template.form for item in section.get("fields", ())]
    saved = False
    try:
        report = services.report_save(
            actor=request.user, report=report, answers=form.answers(), narratives=form.narratives()
        )
        saved = True
        if sending:
            report = services.report_submit(actor=request.user, report=report)
    except PermissionDeniedError as exc:
        _deny(exc)
    except ApplicationError as exc:
        report = _report_or_404(request.user, report.pk)
        listed = exc.extra.get("errors", [])
        errors = located_errors(listed, known_fields=known)
        if not listed:
            message = exc.message
        elif saved:
            message = _("Đã lưu nhưng chưa gửi được: báo cáo có %(n)d lỗi, xem ở từng trường bên dưới.") % {
                "n": errors.count
            }
        else:
            message = _("Chưa lưu được: báo cáo có %(n)d lỗi, xem ở từng trường bên dưới.") % {"n": errors.count}
        return _report_response(request, report, status=400, posted=request.POST, errors=errors, error=message)
    notice = (
        _("Đã gửi báo cáo; Sở Nội vụ sẽ xem xét và chấp nhận hoặc trả lại.")
        if sending
        else _("Đã lưu báo cáo (chưa gửi).")
    )
    if _partial(request):
        return _report_response(request, report, notice=notice)
    messages.success(request, notice)
    return redirect("reports:report", report.pk)


@login_required
@require_POST
def report_refresh(request: HtmxHttpRequest, report_id: int) -> HttpResponse:
    """Take the live figures again for every prefilled field (a typed-over figure is replaced)."""
    report = _report_or_404(request.user, report_id)
    try:
        report = services.report_refresh_prefill(actor=request.user, report=report)
    except PermissionDeniedError as exc:
        _deny(exc)
    except ApplicationError as exc:
        if _partial(request):
            return _report_response(request, report, error=exc.message)
        messages.error(request, exc.message)
        return redirect("reports:report", report.pk)
    notice = _("Đã lấy lại số liệu tự động theo dữ liệu hiện có trên hệ thống.")
    if _partial(request):
        return _report_response(request, report, notice=notice)
    messages.success(request, notice)
    return redirect("reports:report", report.pk)


@login_required
@require_POST
def report_return(request: HtmxHttpRequest, report_id: int) -> HttpResponse:
    """The reform office returns a sent report to its unit, with the reason."""
    report = _report_or_404(request.user, report_id)
    if not report_policy.user_can(request.user, "review", report):
        _deny()
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            report = services.report_return(actor=request.user, report=report, reason=form.cleaned_data["reason"])
        except PermissionDeniedError as exc:
            _deny(exc)
        except ApplicationError as exc:
            form.add_error("reason", exc.message)
        else:
            notice = _("Đã trả lại báo cáo cho %(unit)s.") % {"unit": report.unit.name}
            if _partial(request):
                return _report_response(request, report, notice=notice)
            messages.success(request, notice)
            return redirect("reports:report", report.pk)
    return _report_response(request, report, status=400, return_form=form)


@login_required
@require_POST
def report_accept(request: HtmxHttpRequest, report_id: int) -> HttpResponse:
    """The reform office accepts a sent report: it is locked for the unit from then on."""
    report = _report_or_404(request.user, report_id)
    try:
        report = services.report_accept(actor=request.user, report=report)
    except PermissionDeniedError as exc:
        _deny(exc)
    except ApplicationError as exc:
        if _partial(request):
            return _report_response(request, report, error=exc.message)
        messages.error(request, exc.message)
        return redirect("reports:report", report.pk)
    notice = _("Đã chấp nhận báo cáo của %(unit)s.") % {"unit": report.unit.name}
    if _partial(request):
        return _report_response(request, report, notice=notice)
    messages.success(request, notice)
    return redirect("reports:report", report.pk)


@login_required
@require_POST
def report_open(request: HtmxHttpRequest) -> HttpResponse:
    """Open the unit's report of a period (created prefilled the first time) and go to it."""
    form = OpenReportForm(request.POST)
    if not form.is_valid():
        raise Http404
    data = form.cleaned_data
    template = template_policy.get_for_user(request.user, "view", pk=data["template"])
    unit = org_unit_policy.get_for_user(request.user, "view", pk=data["unit"])
    try:
        report = services.report_open(
            actor=request.user, template=template, unit=unit, year=data["year"], period_index=data["period_index"]
        )
    except PermissionDeniedError as exc:
        _deny(exc)
    except (ApplicationError, ValueError) as exc:
        messages.error(request, exc.message if isinstance(exc, ApplicationError) else str(exc))
        return _redirect(request, f"{reverse('reports:home')}?nam={data['year']}")
    return _redirect(request, reverse("reports:report", args=[report.pk]))


# -- the start page ------------------------------------------------------------------------


@dataclass
class PeriodRow:
    """One unit's period of one template as the start page lists it."""

    template: ReportTemplate
    info: selectors.PeriodInfo
    unit: OrgUnit
    report: Report | None
    phase: str
    phase_label: str
    lock: periods.LockState
    can_open: bool


@dataclass
class TemplateBlock:
    """A managed template's periods of the year, each with its completeness."""

    template: ReportTemplate
    periods: list[tuple[selectors.PeriodInfo, selectors.Completeness]]


def _phase(
    report: Report | None, info: selectors.PeriodInfo, lock: periods.LockState, today: dt.date
) -> tuple[str, str]:
    if lock.locked:
        return "locked", _("Đã khóa")
    if report is not None and report.status == ReportStatus.RETURNED:
        return "returned", _("Bị trả lại, cần gửi lại")
    if report is not None and report.status in selectors.RECEIVED_STATUSES:
        return "sent", _("Đã gửi")
    if today < info.deadline:
        return "open", _("Đang mở")
    if today == info.deadline:
        return "due", _("Đến hạn nộp hôm nay")
    return "overdue", _("Quá hạn nộp")


def _years(templates: Sequence[ReportTemplate], today: dt.date) -> list[int]:
    years: set[int] = set()
    for template in templates:
        years.update(range(template.year_from, min(template.year_to or today.year, today.year) + 1))
    return sorted(years, reverse=True)


def _default_year(user: Any, years: Sequence[int], today: dt.date) -> int:
    latest = selectors.reports_for_user(user=user).aggregate(latest=Max("year"))["latest"]
    if latest in years:
        return int(latest)
    return years[0] if years else today.year


def _unit_rows(user: Any, templates: Sequence[ReportTemplate], year: int, today: dt.date) -> list[PeriodRow]:
    """The periods of the user's own units (the units of their roles, not the units below them)."""
    unit_ids = {grant.unit_id for grant in user_grants(user) if grant.unit_id}
    if not unit_ids:
        return []
    reports = {
        (r.template_id, r.unit_id, r.period_index): r
        for r in Report.objects.filter(template__in=templates, unit_id__in=unit_ids, year=year)
    }
    unlocks: dict[tuple[int, int, int], list[periods.Unlock]] = defaultdict(list)
    for row in LockException.objects.filter(template__in=templates, unit_id__in=unit_ids, year=year):
        unlocks[(row.template_id, row.unit_id, row.period_index)].append(periods.Unlock(row.until, row.reason))
    rows: list[PeriodRow] = []
    for template in templates:
        for info in selectors.template_periods(template, year):
            if info.window_from > today:
                continue  # not started yet
            for unit in selectors.expected_units(template, info).filter(pk__in=unit_ids):
                key = (template.pk, unit.pk, info.index)
                report = reports.get(key)
                lock = periods.lock_state(
                    accepted=report is not None and report.status == ReportStatus.ACCEPTED,
                    today=today,
                    locks_on=info.lock_date,
                    exceptions=unlocks[key],
                )
                phase, label = _phase(report, info, lock, today)
                probe = Report(template=template, unit=unit, year=year, period_index=info.index)
                can_open = report is None and not lock.locked and report_policy.user_can(user, "write", probe)
                rows.append(PeriodRow(template, info, unit, report, phase, label, lock, can_open))
    rows.sort(key=lambda row: (row.unit.tree_key, row.info.deadline, row.template.code))
    return rows


def _office_blocks(user: Any, year: int, today: dt.date) -> list[TemplateBlock]:
    managed = template_policy.scope(user, "manage").select_related("unit").order_by("code", "-version")
    blocks: list[TemplateBlock] = []
    for template in managed:
        if not template.covers(year):
            continue
        rows = [
            (info, selectors.completeness(template, year, info.index))
            for info in selectors.template_periods(template, year)
            if info.window_from <= today
        ]
        if rows:
            blocks.append(TemplateBlock(template, rows))
    return blocks


@login_required
@require_safe
def home(request: HtmxHttpRequest) -> HttpResponse:
    """The user's periodic reports of a year (``?nam=``): their unit's periods, the office's completeness."""
    user, today = request.user, timezone.localdate()
    templates = list(template_policy.scope(user, "view").select_related("unit").order_by("code", "-version"))
    years = _years(templates, today)
    try:
        year = int(request.GET.get("nam", ""))
    except ValueError:
        year = _default_year(user, years, today)
    if year not in years and years:
        year = _default_year(user, years, today)
    covering = [t for t in templates if t.covers(year)]
    context = {
        "year": year,
        "years": years,
        "unit_rows": _unit_rows(user, covering, year, today),
        "office_blocks": _office_blocks(user, year, today),
        "today": today,
    }
    template = "reports/partials/_home_lists.html" if _partial(request) else "reports/home.html"
    return _render(request, template, context)


# -- completeness and lock exceptions ----------------------------------------------------------


def _period_or_404(user: Any, template_id: int, year: int, index: int) -> tuple[ReportTemplate, selectors.PeriodInfo]:
    template = template_policy.get_for_user(
        user, "manage", ReportTemplate.objects.select_related("unit"), pk=template_id
    )
    if not template.covers(year):
        raise Http404
    try:
        info = selectors.period_info(template, year, index)
    except ValueError as exc:
        raise Http404 from exc
    return template, info


def _completeness_context(
    template: ReportTemplate,
    info: selectors.PeriodInfo,
    *,
    today: dt.date,
    form: LockExceptionForm | None = None,
    notice: str = "",
) -> dict[str, Any]:
    result = selectors.completeness(template, info.year, info.index)
    report_ids = dict(
        Report.objects.filter(template=template, year=info.year, period_index=info.index).values_list("unit_id", "pk")
    )
    exceptions = (
        LockException.objects.filter(template=template, year=info.year, period_index=info.index)
        .select_related("unit", "granted_by")
        .order_by("-created_at")
    )
    return {
        "template": template,
        "info": info,
        "result": result,
        "rows": [(row, report_ids.get(row.unit_id), STATUS_BADGES.get(row.status or "", "")) for row in result.units],
        "cohorts": sorted(result.cohorts.items()),
        "exceptions": exceptions,
        "locked": today > info.lock_date,
        "form": form or LockExceptionForm(units=selectors.expected_units(template, info), today=today),
        "notice": notice,
        "status_labels": dict(ReportStatus.choices),
    }


@login_required
@require_safe
def completeness(request: HtmxHttpRequest, template_id: int, year: int, index: int) -> HttpResponse:
    """Who reported the period, on time or not, and who did not (reform office)."""
    template, info = _period_or_404(request.user, template_id, year, index)
    context = _completeness_context(template, info, today=timezone.localdate())
    return _render(request, "reports/completeness.html", context)


_EXCEPTION_FIELDS = {"reports.reason_missing": "reason", "reports.until_past": "until", "reports.not_assigned": "unit"}


@login_required
@require_POST
def lock_exception(request: HtmxHttpRequest, template_id: int, year: int, index: int) -> HttpResponse:
    """Reopen a locked period for one unit until a date, for a stated reason."""
    template, info = _period_or_404(request.user, template_id, year, index)
    today = timezone.localdate()
    form = LockExceptionForm(request.POST, units=selectors.expected_units(template, info), today=today)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.lock_exception_grant(
                actor=request.user, template=template, unit=data["unit"], year=year, period_index=index,
                until=data["until"], reason=data["reason"],
            )  # fmt: skip
        except PermissionDeniedError as exc:
            _deny(exc)
        except ApplicationError as exc:
            form.add_error(_EXCEPTION_FIELDS.get(exc.code), exc.message)
        else:
            notice = _("Đã mở khóa kỳ %(period)s cho %(unit)s đến hết ngày %(until)s.") % {
                "period": info.label,
                "unit": data["unit"].name,
                "until": f"{data['until']:%d/%m/%Y}",
            }
            if _partial(request):
                context = _completeness_context(template, info, today=today, notice=notice)
                return _render(request, "reports/partials/_lock_exceptions.html", context)
            messages.success(request, notice)
            return redirect("reports:completeness", template.pk, year, index)
    context = _completeness_context(template, info, today=today, form=form)
    if _partial(request):
        return _render(request, "reports/partials/_lock_exceptions.html", context)
    return _render(request, "reports/completeness.html", context, status=400)


urlpatterns: list[URLPattern] = [
    path("", home, name="home"),
    path("mo/", report_open, name="report_open"),
    path("<int:report_id>/", report_detail, name="report"),
    path("<int:report_id>/luu/", report_save, name="report_save"),
    path("<int:report_id>/so-lieu-tu-dong/", report_refresh, name="report_refresh"),
    path("<int:report_id>/tra-lai/", report_return, name="report_return"),
    path("<int:report_id>/chap-nhan/", report_accept, name="report_accept"),
    path("mau/<int:template_id>/<int:year>/<int:index>/", completeness, name="completeness"),
    path("mau/<int:template_id>/<int:year>/<int:index>/mo-khoa/", lock_exception, name="lock_exception"),
]

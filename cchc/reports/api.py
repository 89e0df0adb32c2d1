"""Periodic reports API: templates and their periods, the units' reports and their review, completeness.

Reads go through the policies' scopes, as the pages do: a template, report or unit
outside the caller's scope is a 404 like one that does not exist. Writes go through
``reports.services``: a broken rule is a 400 problem (``code`` ``reports.*``; form
errors listed in ``errors``, each naming the section and field), an action the
caller may not take on a report it sees a 403 problem.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.pagination import paginate

from cchc.core.errors import ApplicationError
from cchc.core.pagination import Pagination
from cchc.organizations.models import OrgUnit
from cchc.organizations.policies import org_unit_policy
from cchc.reports import periods, selectors, services
from cchc.reports.models import Report, ReportTemplate
from cchc.reports.policies import report_policy, template_policy
from cchc.reports.schemas import (
    CompletenessFilter,
    CompletenessOut,
    PeriodFilter,
    PeriodOut,
    ReportDetailOut,
    ReportFilter,
    ReportOpenIn,
    ReportOut,
    ReportPatchIn,
    ReturnIn,
    TemplateOut,
)

router = Router(tags=["Báo cáo định kỳ"])


def _period(info: selectors.PeriodInfo) -> dict[str, Any]:
    return {
        "year": info.year,
        "index": info.index,
        "label": info.label,
        "window_from": info.window_from,
        "window_to": info.window_to,
        "deadline": info.deadline,
        "lock_date": info.lock_date,
    }


def _template_or_404(user: Any, template_id: int, action: str = "view") -> ReportTemplate:
    qs = ReportTemplate.objects.select_related("unit").prefetch_related("cohorts", "units")
    return template_policy.get_for_user(user, action, qs, pk=template_id)


def _report_or_404(user: Any, report_id: int) -> Report:
    return report_policy.get_for_user(user, "view", selectors.reports_for_user(user=user), pk=report_id)


def _detail(report: Report) -> Report:
    """The report with its period and lock state set for ``ReportDetailOut``."""
    info = selectors.period_info(report.template, report.year, report.period_index)
    lock = selectors.report_lock_state(report)
    report.period = _period(info)  # type: ignore[attr-defined]
    report.lock = {"locked": lock.locked, "reason": lock.reason}  # type: ignore[attr-defined]
    return report


# -- templates -----------------------------------------------------------------------------------


@router.get(
    "/reports/templates",
    response=list[TemplateOut],
    operation_id="reports_templates_list",
    summary="Mẫu báo cáo định kỳ",
    description="Các mẫu báo cáo (mọi phiên bản): lịch nộp, nhóm đơn vị phải nộp, biểu mẫu và ràng buộc.",
)
@paginate(Pagination)
def reports_templates_list(request: HttpRequest) -> QuerySet[ReportTemplate]:
    """Every template a user with a role sees."""
    return (
        template_policy.scope(request.user, "view")
        .select_related("unit")
        .prefetch_related("cohorts", "units")
        .order_by("code", "-version")
    )


@router.get(
    "/reports/templates/{template_id}/periods",
    response=list[PeriodOut],
    operation_id="reports_template_periods",
    summary="Các kỳ báo cáo của một mẫu trong năm",
    description=(
        "Kỳ, khoảng số liệu, hạn nộp và ngày khóa sổ theo lịch ngày làm việc; danh sách rỗng khi mẫu không áp dụng "
        "cho năm đó."
    ),
)
def reports_template_periods(request: HttpRequest, template_id: int, filters: Query[PeriodFilter]) -> list[Any]:
    """The periods of a year (default: this year) of a visible template."""
    template = _template_or_404(request.user, template_id)
    year = filters.year or timezone.localdate().year
    if not template.covers(year):
        return []
    return [_period(info) for info in selectors.template_periods(template, year)]


# -- reports -------------------------------------------------------------------------------------


@router.get(
    "/reports",
    response=list[ReportOut],
    operation_id="reports_list",
    summary="Báo cáo của đơn vị",
    description=(
        "Báo cáo bạn được xem: của đơn vị bạn (và các đơn vị trực thuộc), hoặc mọi báo cáo theo mẫu do Sở Nội vụ "
        "của bạn quản lý; kỳ mới nhất trước."
    ),
)
@paginate(Pagination)
def reports_list(request: HttpRequest, filters: Query[ReportFilter]) -> QuerySet[Report]:
    """The caller's reports, filtered."""
    qs = selectors.reports_for_user(user=request.user)
    if filters.template is not None:
        qs = qs.filter(template_id=filters.template)
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.period is not None:
        qs = qs.filter(period_index=filters.period)
    if filters.unit:
        qs = qs.filter(unit__code=filters.unit)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs.order_by("-year", "-period_index", "template__code", "unit__tree_key", "pk")


@router.get(
    "/reports/completeness",
    response=CompletenessOut,
    operation_id="reports_completeness",
    summary="Tình hình nộp báo cáo của một kỳ",
    description=(
        "Số đơn vị phải nộp, đã nhận, đúng hạn và còn thiếu, theo nhóm và từng đơn vị (kể cả đơn vị chưa lập báo "
        "cáo); dành cho Sở Nội vụ quản lý mẫu."
    ),
)
def reports_completeness(request: HttpRequest, filters: Query[CompletenessFilter]) -> dict[str, Any]:
    """Completeness of one period of a template the caller manages (404 otherwise, or for a period out of range)."""
    template = _template_or_404(request.user, filters.template, "manage")
    if not template.covers(filters.year) or not (
        1 <= filters.period <= periods.PERIODS_PER_YEAR[periods.PeriodType(template.period_type)]
    ):
        raise Http404
    result = selectors.completeness(template, filters.year, filters.period)
    return {
        "template_id": template.pk,
        "period": _period(result.info),
        "expected": result.expected,
        "received": result.received,
        "on_time": result.on_time,
        "missing": len(result.missing),
        "cohorts": [
            {"cohort": name, "expected": c.expected, "received": c.received, "on_time": c.on_time, "missing": c.missing}
            for name, c in sorted(result.cohorts.items())
        ],
        "units": [
            {
                "unit_code": row.unit_code,
                "unit_name": row.unit_name,
                "cohorts": list(row.cohorts),
                "status": row.status,
                "submitted_on": row.submitted_on,
                "received": row.received,
                "on_time": row.on_time,
            }
            for row in result.units
        ],
    }


@router.get(
    "/reports/{report_id}",
    response=ReportDetailOut,
    operation_id="reports_detail",
    summary="Chi tiết báo cáo",
    description="Một báo cáo với số liệu, nội dung, nguồn của số liệu tự động, kỳ báo cáo và tình trạng khóa sổ.",
)
def reports_detail(request: HttpRequest, report_id: int) -> Report:
    """One report the caller sees (404 otherwise)."""
    return _detail(_report_or_404(request.user, report_id))


@router.post(
    "/reports",
    response={200: ReportDetailOut, 201: ReportDetailOut},
    operation_id="reports_open",
    summary="Lập báo cáo của một kỳ",
    description=(
        "Tạo báo cáo (dự thảo) của đơn vị cho một kỳ, số liệu có sẵn trên hệ thống được điền tự động; 201 khi tạo "
        "mới, 200 khi báo cáo đã có (trả về nguyên trạng). Dành cho đầu mối của đơn vị được giao báo cáo."
    ),
)
def reports_open(request: HttpRequest, payload: ReportOpenIn) -> Status[Report]:
    """Open the unit's report of a period through ``services.report_open``."""
    template = _template_or_404(request.user, payload.template)
    unit = org_unit_policy.get_for_user(request.user, "view", OrgUnit.objects.all(), code=payload.unit)
    existed = Report.objects.filter(
        template=template, unit=unit, year=payload.year, period_index=payload.period_index
    ).exists()
    try:
        report = services.report_open(
            actor=request.user, template=template, unit=unit, year=payload.year, period_index=payload.period_index
        )
    except ValueError as exc:  # a period index the template's period type does not have
        raise ApplicationError(str(exc), code="reports.period_index") from exc
    return Status(200 if existed else 201, _detail(_report_or_404(request.user, report.pk)))


@router.patch(
    "/reports/{report_id}",
    response=ReportDetailOut,
    operation_id="reports_update",
    summary="Sửa số liệu, nội dung báo cáo",
    description=(
        "Ghi các số liệu (answers) và nội dung (narratives) được gửi; trường không gửi giữ nguyên. Kiểu và phạm vi "
        "được kiểm tra ngay; trường bắt buộc và ràng buộc giữa các trường được kiểm tra khi gửi."
    ),
)
def reports_update(request: HttpRequest, report_id: int, payload: ReportPatchIn) -> Report:
    """Merge the sent answers and narratives into the report through ``services.report_save``."""
    report = _report_or_404(request.user, report_id)
    answers = {**report.values, **(payload.answers or {})}
    narratives = {**report.narratives, **(payload.narratives or {})} if payload.narratives is not None else None
    report = services.report_save(actor=request.user, report=report, answers=answers, narratives=narratives)
    return _detail(_report_or_404(request.user, report.pk))


@router.post(
    "/reports/{report_id}/submit",
    response=ReportDetailOut,
    operation_id="reports_submit",
    summary="Gửi báo cáo",
    description="Gửi báo cáo cho Sở Nội vụ; mọi trường bắt buộc và ràng buộc phải thỏa (lỗi liệt kê trong errors).",
)
def reports_submit(request: HttpRequest, report_id: int) -> Report:
    report = _report_or_404(request.user, report_id)
    report = services.report_submit(actor=request.user, report=report)
    return _detail(_report_or_404(request.user, report.pk))


@router.post(
    "/reports/{report_id}/return",
    response=ReportDetailOut,
    operation_id="reports_return",
    summary="Trả lại báo cáo",
    description="Sở Nội vụ trả lại báo cáo đã gửi cho đơn vị, kèm lý do.",
)
def reports_return(request: HttpRequest, report_id: int, payload: ReturnIn) -> Report:
    report = _report_or_404(request.user, report_id)
    report = services.report_return(actor=request.user, report=report, reason=payload.reason)
    return _detail(_report_or_404(request.user, report.pk))


@router.post(
    "/reports/{report_id}/accept",
    response=ReportDetailOut,
    operation_id="reports_accept",
    summary="Chấp nhận báo cáo",
    description="Sở Nội vụ chấp nhận báo cáo đã gửi; từ đó đơn vị không sửa được báo cáo nữa.",
)
def reports_accept(request: HttpRequest, report_id: int) -> Report:
    report = _report_or_404(request.user, report_id)
    report = services.report_accept(actor=request.user, report=report)
    return _detail(_report_or_404(request.user, report.pk))

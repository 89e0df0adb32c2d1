"""Public API of the one-stop figures (Biểu 06) and the dossier lookup; no authentication needed.

The figures are the same as the public pages' (``dossiers.disclosure`` over
``selectors.dossier_stats``). The lookup is rate-limited per IP like the page.
"""

from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from cchc.core.errors import ApplicationError
from cchc.dossiers import disclosure
from cchc.dossiers.schemas import DossierLookupOut, MonthlyIn, MonthlyOut, StatsPeriodIn, StatsTableOut
from cchc.dossiers.selectors import dossier_stats
from cchc.dossiers.throttle import LOOKUP_LIMIT, client_ip, rate_limit_hit

router = Router(tags=["Một cửa"])


@router.get(
    "/dossier-stats",
    response=StatsTableOut,
    auth=None,
    by_alias=True,
    operation_id="dossier_stats",
    summary="Biểu 06 của một kỳ",
    description=(
        "Số liệu giải quyết hồ sơ theo Biểu 06 (Thông tư 01/2020/TT-VPCP) cho kỳ [from, to]: tổng và theo đơn vị. "
        "Công khai, không cần xác thực."
    ),
)
def dossier_stats_get(request: HttpRequest, params: Query[StatsPeriodIn]) -> dict[str, Any]:
    """Biểu 06 for the period; a period backwards or longer than 366 days is a 400."""
    if params.date_from > params.date_to:
        raise ApplicationError(
            _("Ngày đầu kỳ (from) phải trước hoặc bằng ngày cuối kỳ (to)."), code="dossiers.bad_period"
        )
    if (params.date_to - params.date_from).days >= disclosure.MAX_PERIOD_DAYS:
        raise ApplicationError(
            _("Kỳ báo cáo dài tối đa %(days)s ngày.") % {"days": disclosure.MAX_PERIOD_DAYS},
            code="dossiers.period_too_long",
        )
    table = dossier_stats(date_from=params.date_from, date_to=params.date_to, unit_code=params.unit or None)
    return {
        "date_from": params.date_from,
        "date_to": params.date_to,
        "total": table.total.as_dict(),
        "units": {code: stats.as_dict() for code, stats in table.units.items()},
    }


@router.get(
    "/dossier-stats/monthly",
    response=MonthlyOut,
    auth=None,
    by_alias=True,
    operation_id="dossier_stats_monthly",
    summary="Biểu 06 từng tháng của một năm",
    description="12 tháng của năm (tổng, hoặc một đơn vị); tháng chưa bắt đầu có stats = null. Công khai.",
)
def dossier_stats_monthly(request: HttpRequest, params: Query[MonthlyIn]) -> dict[str, Any]:
    """The 12 months of the year, each the ``dossier_stats`` total of that month."""
    points = disclosure.monthly_trend(year=params.year, today=timezone.localdate(), unit_code=params.unit or None)
    months = []
    for point in points:
        period = disclosure.month_period(point.year, point.month)
        months.append(
            {
                "month": point.month,
                "date_from": period.date_from,
                "date_to": period.date_to,
                "stats": point.stats.as_dict() if point.stats is not None else None,
            }
        )
    return {"year": params.year, "unit": params.unit or None, "months": months}


@router.get(
    "/dossiers/lookup/{code}",
    response=DossierLookupOut,
    auth=None,
    operation_id="dossiers_lookup",
    summary="Tra cứu tình trạng một hồ sơ",
    description=(
        f"Thủ tục, cơ quan, ngày tiếp nhận, hạn và tình trạng của hồ sơ theo mã; không có thông tin cá nhân. "
        f"Giới hạn {LOOKUP_LIMIT} lượt mỗi phút cho một địa chỉ IP (vượt quá: 429)."
    ),
    openapi_extra={
        "responses": {
            429: {
                "description": "Quá nhiều yêu cầu.",
                "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
            }
        }
    },
)
def dossiers_lookup(request: HttpRequest, code: str) -> disclosure.DossierPublicStatus:
    """The public status of one dossier; an unknown code is a 404."""
    rate_limit_hit(bucket="lookup", ip=client_ip(request), limit=LOOKUP_LIMIT)
    result = disclosure.dossier_public_status(code=code, today=timezone.localdate())
    if result is None:
        raise Http404
    return result

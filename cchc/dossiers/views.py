"""Public one-stop pages, without a login (issue #5), mounted at ``mot-cua/``.

* the province's monthly disclosure: Biểu 06 per unit, totals, a 12-month trend, CSV;
* one unit: the same per field × level, its trend and its citizens' ratings;
* the dossier lookup by code (status and dates only) and the rating form.

Figures come from ``dossiers.disclosure`` (that is, ``selectors.dossier_stats``). A page
asked for by HTMX gets only its partial. Lookups and ratings are rate-limited per IP.
"""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cchc.core.errors import ApplicationError
from cchc.dossiers import disclosure
from cchc.dossiers.forms import LookupForm, RatingForm
from cchc.dossiers.ratings import rating_submit, rating_summary
from cchc.dossiers.throttle import LOOKUP_LIMIT, RateLimitedError, client_ip, rate_limit_hit
from cchc.organizations.models import OrgUnit

TREND_WIDTH = 600
TREND_HEIGHT = 180
TREND_TOP = 20  # room for the labels above the bars
TREND_BOTTOM = 24  # room for the month numbers


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def trend_bars(points: list[disclosure.TrendPoint]) -> list[dict[str, Any]]:
    """Bars of the on-time rate per month, in SVG coordinates (``TREND_WIDTH`` × ``TREND_HEIGHT``)."""
    slot = TREND_WIDTH / 12
    plot = TREND_HEIGHT - TREND_TOP - TREND_BOTTOM
    bars = []
    for index, point in enumerate(points):
        rate = point.stats.on_time_rate if point.stats is not None else None
        height = float(rate) * plot / 100 if rate is not None else 0.0
        bars.append(
            {
                "month": point.month,
                "rate": rate,
                "x": round(index * slot + slot * 0.15, 1),
                "width": round(slot * 0.7, 1),
                "y": round(TREND_TOP + plot - height, 1),
                "height": round(height, 1),
                "label_x": round(index * slot + slot / 2, 1),
                "label_y": round(TREND_TOP + plot - height - 4, 1),
                "resolved": point.stats.resolved if point.stats is not None else None,
                "rate_label": "" if rate is None else f"{rate:.2f}".replace(".", ","),
                "rate_short": "" if rate is None else f"{rate:.0f}",
            }
        )
    return bars


def _trend_context(points: list[disclosure.TrendPoint]) -> dict[str, Any]:
    return {
        "trend": trend_bars(points),
        "trend_width": TREND_WIDTH,
        "trend_height": TREND_HEIGHT,
        "trend_axis_y": TREND_HEIGHT - TREND_BOTTOM,
        "trend_month_y": TREND_HEIGHT - 6,
    }


def _columns() -> list[tuple[str, str]]:
    return [(key, str(label)) for key, label in disclosure.STAT_COLUMNS]


@require_safe
def province_index(request: HttpRequest) -> HttpResponse:
    """The province's Biểu 06 for one month, per unit, with totals and the year's trend."""
    today = timezone.localdate()
    year, month = disclosure.month_choice(request.GET, today)
    period = disclosure.month_period(year, month)
    table = disclosure.province_table(period=period)
    names = disclosure.unit_names(table.units)
    rows = [(code, names.get(code, code), stats) for code, stats in table.units.items()]
    context = {
        "year": year,
        "month": month,
        "period": period,
        "years": disclosure.available_years(today),
        "months": range(1, 13),
        "rows": rows,
        "total": table.total,
        "columns": _columns(),
        "csv_url": reverse("dossiers:province_csv") + "?" + urlencode({"nam": year, "thang": month}),
        **_trend_context(disclosure.monthly_trend(year=year, today=today)),
    }
    template = "dossiers/partials/_province.html" if _is_htmx(request) else "dossiers/province.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _csv_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def province_csv(request: HttpRequest) -> HttpResponse:
    """The province table of the month as CSV (UTF-8 with BOM, Vietnamese headers), totals last."""
    year, month = disclosure.month_choice(request.GET, timezone.localdate())
    table = disclosure.province_table(period=disclosure.month_period(year, month))
    names = disclosure.unit_names(table.units)
    rows: list[tuple[tuple[str, ...], Any]] = [
        ((code, names.get(code, code)), stats) for code, stats in table.units.items()
    ]
    rows.append((("", _("Tổng cộng")), table.total))
    content = disclosure.stats_csv(rows, label_headers=[_("Mã đơn vị"), _("Đơn vị")])
    return _csv_response(content, f"bieu06-{year}-{month:02d}.csv")


def _unit_or_404(code: str) -> OrgUnit:
    unit = OrgUnit.objects.filter(code=code).first()
    if unit is None:
        raise Http404
    return unit


@require_safe
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One unit's Biểu 06 per field × level for a month, its trend and its citizens' ratings."""
    unit = _unit_or_404(code)
    today = timezone.localdate()
    year, month = disclosure.month_choice(request.GET, today)
    period = disclosure.month_period(year, month)
    table = disclosure.unit_field_level_table(unit_code=unit.code, period=period)
    context = {
        "unit": unit,
        "year": year,
        "month": month,
        "period": period,
        "years": disclosure.available_years(today),
        "months": range(1, 13),
        "rows": table.rows,
        "total": table.total,
        "columns": _columns(),
        "ratings": rating_summary(unit_code=unit.code),
        "csv_url": reverse("dossiers:unit_csv", args=[unit.code]) + "?" + urlencode({"nam": year, "thang": month}),
        **_trend_context(disclosure.monthly_trend(year=year, today=today, unit_code=unit.code)),
    }
    template = "dossiers/partials/_unit.html" if _is_htmx(request) else "dossiers/unit.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
def unit_csv(request: HttpRequest, code: str) -> HttpResponse:
    """One unit's table of the month as CSV, per field × level, totals last."""
    unit = _unit_or_404(code)
    year, month = disclosure.month_choice(request.GET, timezone.localdate())
    table = disclosure.unit_field_level_table(unit_code=unit.code, period=disclosure.month_period(year, month))
    rows: list[tuple[tuple[str, ...], Any]] = [((field, level), stats) for field, level, stats in table.rows]
    rows.append(((_("Tổng cộng"), ""), table.total))
    content = disclosure.stats_csv(rows, label_headers=[_("Lĩnh vực"), _("Cấp thực hiện")])
    return _csv_response(content, f"bieu06-{unit.code}-{year}-{month:02d}.csv")


def _lookup_page(
    request: HttpRequest,
    *,
    form: LookupForm,
    result: disclosure.DossierPublicStatus | None = None,
    rating_form: RatingForm | None = None,
    error: str | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "form": form,
        "result": result,
        "rating_form": rating_form or (RatingForm() if result is not None and result.can_rate else None),
        "error": error,
        "limit": LOOKUP_LIMIT,
    }
    return render(request, "dossiers/lookup.html", context, status=status)


@require_safe
def dossier_lookup(request: HttpRequest) -> HttpResponse:
    """Look a dossier up by its code: only its procedure, unit, dates and status. Rate-limited per IP."""
    if "ma" not in request.GET:
        return _lookup_page(request, form=LookupForm())
    form = LookupForm(request.GET)
    if not form.is_valid():
        return _lookup_page(request, form=form)
    try:
        rate_limit_hit(bucket="lookup", ip=client_ip(request), limit=LOOKUP_LIMIT)
    except RateLimitedError as exc:
        return _lookup_page(request, form=form, error=exc.message, status=429)
    result = disclosure.dossier_public_status(code=form.cleaned_data["ma"], today=timezone.localdate())
    if result is None:
        return _lookup_page(
            request,
            form=form,
            error=_("Không tìm thấy hồ sơ mã “%(code)s”. Vui lòng kiểm tra lại mã trên giấy tiếp nhận.")
            % {"code": form.cleaned_data["ma"]},
            status=404,
        )
    return _lookup_page(request, form=form, result=result)


@require_POST
def dossier_rate(request: HttpRequest, code: str) -> HttpResponse:
    """Record the rating of dossier ``code`` (once per dossier, rate-limited), then show the lookup again."""
    form = LookupForm({"ma": code})
    result = disclosure.dossier_public_status(code=code, today=timezone.localdate())
    if result is None:
        raise Http404
    rating_form = RatingForm(request.POST)
    if not rating_form.is_valid():
        return _lookup_page(request, form=LookupForm({"ma": code}), result=result, rating_form=rating_form, status=400)
    try:
        rating_submit(
            dossier_code=code,
            scores=rating_form.scores(),
            comment=rating_form.cleaned_data["comment"],
            ip=client_ip(request),
        )
    except RateLimitedError as exc:
        return _lookup_page(request, form=form, result=result, rating_form=rating_form, error=exc.message, status=429)
    except ApplicationError as exc:
        return _lookup_page(request, form=form, result=result, error=exc.message, status=400)
    messages.success(request, _("Cảm ơn bạn đã đánh giá việc giải quyết hồ sơ %(code)s.") % {"code": code})
    return redirect(reverse("dossiers:lookup") + "?" + urlencode({"ma": code}))

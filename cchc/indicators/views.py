"""Decision 766 pages, mounted at ``chi-so-766/``.

* ``/chi-so-766/``: the province table of a month (public), the month chosen with GET
  (HTMX swaps the partial), ``?format=csv`` for the CSV;
* ``/chi-so-766/<unit_code>/``: one unit, each indicator with its figures and formula,
  and its 12 months as bars (public);
* ``/chi-so-766/nhap-lieu/``: the reform office enters the manual values (login).

Figures come from ``indicators.selectors``; nothing here computes a rule.
"""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from cchc.core.errors import ApplicationError, PermissionDeniedError
from cchc.dossiers.disclosure import month_choice
from cchc.indicators import calculations as calc
from cchc.indicators.exports import indicator_table_csv
from cchc.indicators.forms import IndicatorValueForm
from cchc.indicators.models import Indicator, IndicatorValue
from cchc.indicators.policies import indicator_value_policy
from cchc.indicators.selectors import (
    IndicatorTable,
    SetInfo,
    TrendPoint,
    indicator_set_for_month,
    indicator_table,
    indicator_trend,
    indicator_years,
    month_last_day,
    number_text,
)
from cchc.indicators.services import indicator_value_set
from cchc.organizations.models import OrgUnit

TREND_WIDTH = 600
TREND_HEIGHT = 180
TREND_TOP = 20
TREND_BOTTOM = 24


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _period_context(year: int, month: int, today: dt.date) -> dict[str, Any]:
    return {"year": year, "month": month, "years": indicator_years(today=today), "months": range(1, 13)}


def _table_or_error(**kwargs: Any) -> tuple[IndicatorTable | None, str | None]:
    """The table, or the Vietnamese message of a data error (two sets in force at once)."""
    try:
        return indicator_table(**kwargs), None
    except ApplicationError as exc:
        return None, exc.message


def _render(request: HttpRequest, *, page: str, partial: str, context: dict[str, Any]) -> HttpResponse:
    response = render(request, partial if _is_htmx(request) else page, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _csv(table: IndicatorTable, filename: str) -> HttpResponse:
    response = HttpResponse(indicator_table_csv(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def province_index(request: HttpRequest) -> HttpResponse:
    """The index of every unit for one month, the province total, and the CSV link (``?format=csv``)."""
    today = timezone.localdate()
    year, month = month_choice(request.GET, today)
    table, error = _table_or_error(year=year, month=month, today=today)
    if request.GET.get("format") == "csv" and table is not None:
        return _csv(table, f"chi-so-766-{year}-{month:02d}.csv")
    context = {
        **_period_context(year, month, today),
        "table": table,
        "error": error,
        "perms_entry": indicator_value_policy.allows_any(request.user, "change"),
        "csv_url": reverse("indicators:index")
        + "?"
        + urlencode({"nam": str(year), "thang": str(month), "format": "csv"}),
    }
    return _render(request, page="indicators/index.html", partial="indicators/partials/_table.html", context=context)


def trend_bars(points: list[TrendPoint]) -> list[dict[str, Any]]:
    """Bars of the total score as a percentage of the maximum with data, per month, in SVG coordinates."""
    slot = TREND_WIDTH / 12
    plot = TREND_HEIGHT - TREND_TOP - TREND_BOTTOM
    bars = []
    for index, point in enumerate(points):
        total = point.row.total if point.row is not None else None
        pct = total.percent if total is not None else None
        rounded = calc.round2(total.points) if total is not None else None
        height = float(pct) * plot / 100 if pct is not None else 0.0
        bars.append(
            {
                "month": point.month,
                "percent": pct,
                "points": rounded,
                "points_text": number_text(rounded) if rounded is not None else "",
                "max_text": number_text(total.max_points) if total is not None else "",
                "x": round(index * slot + slot * 0.15, 1),
                "width": round(slot * 0.7, 1),
                "y": round(TREND_TOP + plot - height, 1),
                "height": round(height, 1),
                "label_x": round(index * slot + slot / 2, 1),
                "label_y": round(TREND_TOP + plot - height - 4, 1),
                "short": "" if pct is None else f"{pct:.0f}",
            }
        )
    return bars


@require_safe
def unit_detail(request: HttpRequest, unit_code: str) -> HttpResponse:
    """One unit's index for a month: every indicator with its fraction, rate, target, points and formula."""
    unit = OrgUnit.objects.filter(code=unit_code).first()
    if unit is None:
        raise Http404
    today = timezone.localdate()
    year, month = month_choice(request.GET, today)
    table, error = _table_or_error(year=year, month=month, unit_code=unit.code, today=today)
    trend: list[dict[str, Any]] = []
    if error is None:
        try:
            trend = trend_bars(indicator_trend(unit_code=unit.code, year=year, today=today))
        except ApplicationError as exc:
            error = exc.message
    context = {
        **_period_context(year, month, today),
        "unit": unit,
        "table": table,
        "row": table.rows[0] if table is not None and table.rows else None,
        "error": error,
        "trend": trend,
        "trend_width": TREND_WIDTH,
        "trend_height": TREND_HEIGHT,
        "trend_axis_y": TREND_HEIGHT - TREND_BOTTOM,
        "trend_month_y": TREND_HEIGHT - 6,
    }
    return _render(request, page="indicators/unit.html", partial="indicators/partials/_unit.html", context=context)


def _manual_indicators(indicator_set: SetInfo | None) -> list[tuple[str, str]]:
    if indicator_set is None:
        return []
    return [
        (i.code, _("%(name)s (tối đa %(max)s điểm)") % {"name": i.name, "max": number_text(i.max_points)})
        for i in indicator_set.indicators
        if i.is_manual
    ]


@login_required
@require_http_methods(["GET", "POST"])
def value_entry(request: HttpRequest) -> HttpResponse:
    """The reform office enters a unit's monthly rate of a manual indicator; the month's entries below."""
    if not indicator_value_policy.allows_any(request.user, "change"):
        raise PermissionDenied(_("Chỉ Phòng CCHC cấp tỉnh hoặc quản trị hệ thống được nhập số liệu chỉ số 766."))
    today = timezone.localdate()
    year, month = month_choice(request.POST if request.method == "POST" else request.GET, today)
    error: str | None = None
    try:
        indicator_set = indicator_set_for_month(year=year, month=month)
    except ApplicationError as exc:
        indicator_set, error = None, exc.message
    first, last = dt.date(year, month, 1), month_last_day(year, month)
    # Units that existed on some day of the month.
    units = (
        indicator_value_policy.units_for_entry(request.user)
        .filter(valid_from__lte=last)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=first))
    )
    unit_choices = [(u.code, f"{u.name} ({u.code})") for u in units]
    form = IndicatorValueForm(
        request.POST if request.method == "POST" else None,
        units=unit_choices,
        indicators=_manual_indicators(indicator_set),
        initial={"nam": year, "thang": month},
    )
    if request.method == "POST" and indicator_set is not None and form.is_valid():
        data = form.cleaned_data
        indicator = Indicator.objects.select_related("indicator_set").get(
            indicator_set__code=indicator_set.code, code=data["chi_so"]
        )
        unit = units.filter(code=data["don_vi"]).first()
        if unit is None:  # left the user's scope between the GET and the POST
            raise PermissionDenied
        try:
            indicator_value_set(
                indicator=indicator,
                unit=unit,
                year=data["nam"],
                month=data["thang"],
                value=form.rate(),
                note=data["ghi_chu"],
                actor=request.user,
            )
        except PermissionDeniedError as exc:
            raise PermissionDenied(exc.message) from exc
        except ApplicationError as exc:
            form.add_error("ty_le" if exc.code == "indicators.invalid_value" else None, exc.message)
        else:
            messages.success(
                request,
                _("Đã lưu %(indicator)s của %(unit)s, tháng %(month)s/%(year)s.")
                % {"indicator": indicator.name, "unit": unit.name, "month": data["thang"], "year": data["nam"]},
            )
            return redirect(reverse("indicators:entry") + "?" + urlencode({"nam": data["nam"], "thang": data["thang"]}))
    entered = list(
        IndicatorValue.objects.filter(year=year, month=month, unit__in=units.values("pk"))
        .select_related("indicator", "unit", "entered_by")
        .order_by("unit__tree_key", "unit__code", "indicator__order")
    )
    for value in entered:
        value.percent = calc.percent(value.value)  # type: ignore[attr-defined]
    context = {
        **_period_context(year, month, today),
        "form": form,
        "indicator_set": indicator_set,
        "entered": entered,
        "error": error,
        "future": first > today,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "indicators/entry.html", context, status=status)

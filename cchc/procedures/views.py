"""Pages of the procedure catalogue: the list with filters, one procedure, the export.

The list serves its full page and, to an HTMX request, only its rows. The export
writes the same filtered list in the import's columns, so it can be edited and
imported again.
"""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from cchc.procedures.choices import Level, OnlineLevel
from cchc.procedures.io import Format, write_procedures
from cchc.procedures.policies import procedure_policy
from cchc.procedures.selectors import procedure_fields, procedure_get_for_user, procedure_list_for_user

PROCEDURES_PER_PAGE = 50
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _filters(request: HttpRequest) -> dict[str, str]:
    return {name: request.GET.get(name, "").strip() for name in ("field", "level", "unit", "online_level", "q")}


def _filtered(request: HttpRequest, filters: dict[str, str]) -> Any:
    # An unknown level from a hand-edited URL filters nothing rather than failing.
    level = filters["level"] if filters["level"] in Level.values else None
    online = filters["online_level"] if filters["online_level"] in OnlineLevel.values else None
    return procedure_list_for_user(
        user=request.user,
        field=filters["field"] or None,
        level=level,
        unit=filters["unit"] or None,
        online_level=online,
        q=filters["q"] or None,
    )


@login_required
@require_safe
def procedure_list(request: HttpRequest) -> HttpResponse:
    """The catalogue, narrowed by field, level, unit code, online level and text."""
    filters = _filters(request)
    page = Paginator(_filtered(request, filters), PROCEDURES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "fields": procedure_fields(user=request.user),
        "levels": Level.choices,
        "online_levels": OnlineLevel.choices,
        "query": query.urlencode(),
        "can_change": procedure_policy.allows_any(request.user, "change"),
    }
    htmx = getattr(request, "htmx", None)
    partial = bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]
    template = "procedures/partials/_procedure_rows.html" if partial else "procedures/procedure_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_safe
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One procedure with its compliance cost before and after; 404 for an unknown code."""
    procedure = procedure_get_for_user(user=request.user, code=code)
    return render(request, "procedures/procedure_detail.html", {"procedure": procedure, "cost": procedure.cost()})


@login_required
@require_safe
def procedure_export(request: HttpRequest) -> HttpResponse:
    """The filtered catalogue as XLSX (default) or CSV, in the columns the import reads."""
    fmt: Format = "csv" if request.GET.get("format") == "csv" else "xlsx"
    data = write_procedures(_filtered(request, _filters(request)), fmt)
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    filename = f"thu-tuc-hanh-chinh-{timezone.localdate():%Y%m%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

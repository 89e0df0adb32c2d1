"""Site pages: home, unit pages, the audit log, and the health check.

Each view fetches through a selector scoped to the user; a unit outside the
user's scope is a 404, never a 403 that would confirm it exists.
"""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cchc.accounts.choices import Role
from cchc.audit.policies import audit_event_policy
from cchc.audit.selectors import audit_event_list_for_user
from cchc.organizations.choices import UnitKind
from cchc.organizations.policies import user_grants
from cchc.organizations.selectors import unit_get_for_user, unit_list_for_user, unit_tree_for_user
from cchc.web.modules import modules_for_user


def _parse_date(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 with the database status when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        db = {"status": "ok", "vendor": connection.vendor}
    except Exception as exc:  # noqa: BLE001 – any database failure means unhealthy
        return JsonResponse({"status": "error", "database": {"status": "error", "error": str(exc)}}, status=503)
    return JsonResponse({"status": "ok", "database": db})


def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    context: dict[str, object] = {"today": today}
    if request.user.is_authenticated:
        grants = user_grants(request.user)
        context.update(
            tree=unit_tree_for_user(user=request.user, on=today),
            grants=[
                {"role": Role(g.role).label if g.role in Role.values else g.role, "unit_id": g.unit_id}
                for g in grants
            ],
            memberships=request.user.memberships.select_related("unit").order_by("unit__path"),
            modules=modules_for_user(request.user),
        )
    return render(request, "web/home.html", context)


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    on = _parse_date(request.GET.get("on")) or timezone.localdate()
    units = unit_list_for_user(
        user=request.user, kind=request.GET.get("kind") or None, q=request.GET.get("q") or None, on=on
    )
    page = Paginator(units, 100).get_page(request.GET.get("page"))
    context = {"page": page, "on": on, "kinds": UnitKind.choices, "kind": request.GET.get("kind", ""), "q": request.GET.get("q", "")}
    template = "web/partials/_unit_rows.html" if request.htmx else "web/unit_list.html"
    return render(request, template, context)


@login_required
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = unit_get_for_user(user=request.user, code=code)
    children = unit_list_for_user(user=request.user, parent=unit.code)
    return render(request, "web/unit_detail.html", {"unit": unit, "children": children})


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    # Readers without any audit grant get a 404: the page does not exist for them.
    if not audit_event_policy.allows_any(request.user, "view"):
        raise Http404
    filters = {
        "action": request.GET.get("action", ""),
        "object_type": request.GET.get("object_type", ""),
        "actor": request.GET.get("actor", ""),
        "unit_code": request.GET.get("unit", ""),
        "date_from": _parse_date(request.GET.get("from")),
        "date_to": _parse_date(request.GET.get("to")),
    }
    events = audit_event_list_for_user(user=request.user, **filters)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    context = {"page": page, "filters": request.GET}
    template = "web/partials/_audit_rows.html" if request.htmx else "web/audit_list.html"
    return render(request, template, context)

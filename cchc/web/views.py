"""Site pages: home, unit pages, the audit log, and the health check.

Each view fetches through a selector scoped to the user; a unit outside the
user's scope is a 404, never a 403 that would confirm it exists. A list view
serves its full page and, to an HTMX request, only its rows.
"""

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_htmx.middleware import HtmxDetails

from cchc.accounts.models import Membership
from cchc.audit.policies import audit_event_policy
from cchc.audit.selectors import audit_event_list_for_user
from cchc.organizations.choices import UnitKind
from cchc.organizations.selectors import unit_get_for_user, unit_list_for_user, unit_tree_for_user
from cchc.web.modules import modules_for_user, public_modules

logger = logging.getLogger(__name__)

UNITS_PER_PAGE = 100
AUDIT_EVENTS_PER_PAGE = 50


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _parse_date(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _render_list(request: HtmxHttpRequest, *, page: str, rows: str, context: Mapping[str, Any]) -> HttpResponse:
    """The full ``page``, or only its ``rows`` partial for an HTMX request.

    A history restore (HTMX re-fetching a page it has no snapshot of) needs the
    full page. ``Vary: HX-Request`` keeps caches from serving one for the other.
    """
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    response = render(request, rows if partial else page, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 with the database status when the database answers, 503 otherwise.

    The error itself goes to the log, not to the (unauthenticated) response: it can
    name hosts and users of the database.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database did not answer.")
        return JsonResponse({"status": "error", "database": {"status": "error"}}, status=503)
    return JsonResponse({"status": "ok", "database": {"status": "ok", "vendor": connection.vendor}})


def home(request: HttpRequest) -> HttpResponse:
    """Anonymous: what the platform is and a way in. Signed in: the user's roles
    in force today, their modules, and today's tree of the units they may see."""
    today = timezone.localdate()
    context: dict[str, object] = {"today": today}
    if request.user.is_authenticated:
        context.update(
            tree=unit_tree_for_user(user=request.user, on=today),
            memberships=Membership.objects.active_on(today)
            .filter(user=request.user)
            .select_related("unit")
            .order_by("unit__path", "role"),
            modules=modules_for_user(request.user),
        )
    else:
        context["modules"] = public_modules()
    return render(request, "web/home.html", context)


@login_required
def unit_list(request: HtmxHttpRequest) -> HttpResponse:
    """Units in scope, valid on ``on`` (default today), narrowed by kind and text."""
    on = _parse_date(request.GET.get("on")) or timezone.localdate()
    kind = request.GET.get("kind", "")
    q = request.GET.get("q", "").strip()
    units = unit_list_for_user(user=request.user, kind=kind or None, q=q or None, on=on)
    page = Paginator(units, UNITS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"page": page, "on": on, "kinds": UnitKind.choices, "kind": kind, "q": q, "query": query.urlencode()}
    return _render_list(request, page="web/unit_list.html", rows="web/partials/_unit_rows.html", context=context)


@login_required
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One unit and its child units in scope; 404 when out of scope or unknown."""
    unit = unit_get_for_user(user=request.user, code=code)
    children = unit_list_for_user(user=request.user, parent=unit.code)
    return render(request, "web/unit_detail.html", {"unit": unit, "children": children})


@login_required
def audit_list(request: HtmxHttpRequest) -> HttpResponse:
    """The audit log in the reader's scope, filtered by action, object type, actor, unit and dates."""
    # Readers without any audit grant get a 404: the page does not exist for them.
    if not audit_event_policy.allows_any(request.user, "view"):
        raise Http404
    events = audit_event_list_for_user(
        user=request.user,
        action=request.GET.get("action", "").strip(),
        object_type=request.GET.get("object_type", "").strip(),
        actor=request.GET.get("actor", "").strip(),
        unit_code=request.GET.get("unit", "").strip(),
        date_from=_parse_date(request.GET.get("from")),
        date_to=_parse_date(request.GET.get("to")),
    )
    page = Paginator(events, AUDIT_EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"page": page, "filters": request.GET, "query": query.urlencode()}
    return _render_list(request, page="web/audit_list.html", rows="web/partials/_audit_rows.html", context=context)

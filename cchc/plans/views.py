"""Plan pages: the plans in scope, a plan's document, and importing a plan from a document.

The plan page itself (``/ke-hoach/<id>/``) is the working plan of ``cchc.tasks``:
tasks build on plans, so that page lives with them and shows the document through
``plan_document_context``.

The import runs upload → preview (the officer reads the repaired text, corrects
titles and bodies, confirms the unit matches) → confirm, which creates the plan in
one transaction. Every object comes through a selector scoped to the user: an
import or plan outside the scope is a 404. Corrections in the preview are HTMX
requests answered with the changed fragment; without JavaScript the same URLs
redirect back to the preview.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

from cchc.core.errors import ApplicationError
from cchc.documents.analysis import guess_year
from cchc.plans import services
from cchc.plans.choices import NodeKind, UnitRole
from cchc.plans.forms import (
    MAX_UPLOAD_BYTES,
    PlanImportConfirmForm,
    PlanImportNodeForm,
    PlanImportUnitForm,
    PlanImportUploadForm,
    too_large_message,
    unit_year_error,
)
from cchc.plans.models import Plan, PlanImport, PlanNode
from cchc.plans.policies import plan_import_policy
from cchc.plans.selectors import (
    plan_import_get_for_user,
    plan_import_list_for_user,
    plan_list_for_user,
    plan_nodes,
    unit_candidates_for_year,
    units_for_plan_import,
)
from cchc.tasks.access import plans_through_tasks_for_user

PLANS_PER_PAGE = 50
ROLE_ORDER = {UnitRole.LEAD: 0, UnitRole.COORDINATING: 1, UnitRole.MENTIONED: 2}


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _wants_partial(request: HtmxHttpRequest) -> bool:
    """An HTMX request gets the fragment; a history restore needs the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def _render(
    request: HtmxHttpRequest, *, page: str, partial: str, context: Mapping[str, Any], status: int = 200
) -> HttpResponse:
    response = render(request, partial if _wants_partial(request) else page, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


# -- the list of plans -------------------------------------------------------------------


def _int_or_none(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


@login_required
@require_safe
def plan_list(request: HtmxHttpRequest) -> HttpResponse:
    """Plans in scope, narrowed by year and unit; the imports waiting for confirmation."""
    year = _int_or_none(request.GET.get("year"))
    unit_code = request.GET.get("unit", "").strip()
    plans = plan_list_for_user(user=request.user, year=year, unit_code=unit_code or None)
    page = Paginator(plans, PLANS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context: dict[str, Any] = {"page": page, "year": year, "unit_code": unit_code, "query": query.urlencode()}
    if not _wants_partial(request):
        # The filter choices: the years and units of every plan in scope.
        rows = plan_list_for_user(user=request.user).values_list("year", "unit__code", "unit__name")
        years: set[int] = set()
        units: dict[str, str] = {}
        for row_year, code, name in rows:
            years.add(row_year)
            units[code] = name
        context.update(
            years=sorted(years, reverse=True),
            units=sorted(units.items(), key=lambda item: item[1]),
            can_import=plan_import_policy.allows_any(request.user, "create"),
            pending=plan_import_list_for_user(user=request.user).filter(status=PlanImport.Status.PREVIEW),
            # The province's plans that assign tasks to the user's units, which the
            # plan scope alone does not show.
            assigned=plans_through_tasks_for_user(user=request.user),
        )
    return _render(request, page="plans/plan_list.html", partial="plans/partials/_plan_rows.html", context=context)


# -- one plan ---------------------------------------------------------------------------


@dataclass
class UnitGroup:
    """The units one name in the text stands for ("Các sở, ban, ngành" → 18 units)."""

    role: str
    role_label: str
    text: str
    units: list[Any] = field(default_factory=list)


@dataclass
class PlanNodeView:
    node: PlanNode
    depth: int
    body: str
    unit_groups: list[UnitGroup]
    references: list[Any]
    referenced_by: list[PlanNode]
    context_only: bool = False


def _unit_groups(node: PlanNode) -> list[UnitGroup]:
    groups: dict[tuple[str, str], UnitGroup] = {}
    for link in node.unit_links.all():
        key = (link.role, link.source_text or link.unit.name)
        if key not in groups:
            groups[key] = UnitGroup(link.role, str(UnitRole(link.role).label), key[1])
        groups[key].units.append(link.unit)
    for group in groups.values():
        group.units.sort(key=lambda unit: unit.tree_key)
    return sorted(groups.values(), key=lambda g: ROLE_ORDER.get(UnitRole(g.role), 9))


def plan_document_context(*, plan: Plan, unit_code: str = "") -> dict[str, Any]:
    """The plan's document as the plan page shows it: its tree with bodies, the units
    each duty names and the cross-references.

    ``unit_code`` keeps the nodes that name that unit, with their ancestors shown for
    context; an unknown code shows everything. ``plan`` was fetched through the
    user's scope by the caller (the plan page, ``cchc.tasks.views.plan_detail``).
    """
    nodes = list(plan_nodes(plan=plan))
    referenced_by: dict[int, list[PlanNode]] = defaultdict(list)
    linked_units: dict[str, Any] = {}
    for node in nodes:
        for reference in node.references.all():
            referenced_by[reference.target_id].append(node)
        for link in node.unit_links.all():
            linked_units[link.unit.code] = link.unit
    unit_code = unit_code.strip()
    shown: set[int] | None = None
    if unit_code in linked_units:
        by_id = {node.pk: node for node in nodes}
        matching = {node.pk for node in nodes if any(link.unit.code == unit_code for link in node.unit_links.all())}
        shown = set(matching)
        for pk in matching:
            parent_id = by_id[pk].parent_id
            while parent_id is not None and parent_id not in shown:
                shown.add(parent_id)
                parent_id = by_id[parent_id].parent_id
    else:
        unit_code = ""
        matching = set()
    items = [
        PlanNodeView(
            node=node,
            depth=node.depth,
            body=reflow(node.body),
            unit_groups=_unit_groups(node),
            references=list(node.references.all()),
            referenced_by=referenced_by.get(node.pk, []),
            context_only=shown is not None and node.pk not in matching,
        )
        for node in nodes
        if shown is None or node.pk in shown
    ]
    return {
        "items": items,
        "node_count": len(nodes),
        "toc": [node for node in nodes if node.parent_id is None],
        "linked_units": sorted(linked_units.values(), key=lambda unit: unit.tree_key),
        "unit_code": unit_code,
        "match_count": len(matching),
    }


# -- upload -----------------------------------------------------------------------------


class UploadLimitHandler(FileUploadHandler):
    """Drops an uploaded file as soon as it passes ``limit`` bytes, remembering its name.

    First in the chain, it sees each chunk before the handlers that store it, so an
    oversized upload is never kept in memory or on disk; the other fields of the form
    are still parsed.
    """

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.refused: list[str] = []

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > self.limit:
            self.refused.append(self.file_name or "")
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


@csrf_exempt  # the CSRF check runs in `_upload`, once the size limit is in place
@login_required
@require_http_methods(["GET", "POST"])
def plan_import_upload(request: HtmxHttpRequest) -> HttpResponse:
    """The upload form; a valid upload is analysed and shown as a preview.

    The page does not exist (404) for a user who may not import for any unit.
    """
    if not plan_import_policy.allows_any(request.user, "create"):
        raise Http404
    # The handler must be in place before anything parses the body, the CSRF
    # middleware included: hence csrf_exempt here and csrf_protect on `_upload`.
    limiter = UploadLimitHandler(request, MAX_UPLOAD_BYTES)
    request.upload_handlers = [limiter, *request.upload_handlers]
    return _upload(request, limiter)


@csrf_protect
def _upload(request: HtmxHttpRequest, limiter: UploadLimitHandler) -> HttpResponse:
    units = units_for_plan_import(user=request.user)
    if request.method == "POST":
        form = PlanImportUploadForm(request.POST, request.FILES, units=units)
        valid = form.is_valid()
        if limiter.refused:
            form.errors.pop("file", None)
            form.add_error("file", too_large_message(limiter.refused[0]))
            valid = False
        plan_import = _create_import(request, form) if valid else None
        if plan_import is not None:
            url = reverse("plans:plan_import_preview", args=[plan_import.pk])
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    else:
        form = PlanImportUploadForm(units=units)
    context = {"form": form, "max_mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
    return _render(
        request, page="plans/import_upload.html", partial="plans/partials/_upload_form.html", context=context
    )


def _create_import(request: HttpRequest, form: PlanImportUploadForm) -> PlanImport | None:
    """Analyse the uploaded file; a refusal becomes an error on the form (and ``None``)."""
    uploaded = form.cleaned_data["file"]
    unit = form.cleaned_data["unit"]
    data = uploaded.read()
    year = form.cleaned_data["year"] or guess_year(data) or timezone.localdate().year
    problem = unit_year_error(unit, year)
    if problem:
        form.add_error("unit", problem)
        return None
    try:
        return services.plan_import_create(
            actor=request.user, unit=unit, year=year, file_name=uploaded.name or "", data=data
        )
    except ApplicationError as exc:
        form.add_error("file" if exc.code.startswith("documents.") else None, exc.message)
        return None


# -- preview ----------------------------------------------------------------------------


_BULLETS = "-+•*–—"


def reflow(text: str) -> str:
    """``text`` with the source's line wraps inside a paragraph turned into spaces.

    Scanned plans keep the printed page's line ends. A break stays where a sentence
    ends and the next line starts a new one (a capital, a digit, a bullet), and at a
    blank line. One character replaces one, so flag offsets stay valid.
    """
    chars = list(text)
    for i, char in enumerate(text):
        if char != "\n":
            continue
        before = text[:i].rstrip(" \t")
        after = text[i + 1 :].lstrip(" \t")
        if not before or not after or before.endswith("\n") or after.startswith("\n"):
            continue
        if after[0] in _BULLETS or (before[-1] in ".;:!?" and (after[0].isupper() or after[0].isdigit())):
            continue
        chars[i] = " "
    return "".join(chars)


def _spans_words(text: str, start: int, end: int) -> bool:
    return (start == 0 or not text[start - 1].isalnum()) and (end == len(text) or not text[end].isalnum())


def highlight(text: str, flags: Sequence[Mapping[str, Any]], field_name: str) -> SafeString:
    """``text`` as HTML with each low-confidence word of ``field_name`` in a ``<mark>``.

    The mark's title gives the word as written in the source and the restorer's
    confidence. A flag that overlaps another, falls outside the text or does not span
    whole words is skipped: marking half a word would point the officer at the wrong
    place, and the text itself stays as it is.
    """
    parts: list[str] = []
    position = 0
    for flag in sorted((f for f in flags if f["field"] == field_name), key=lambda f: f["start"]):
        start, end = flag["start"], flag["end"]
        if start < position or end > len(text) or start >= end or not _spans_words(text, start, end):
            continue
        tip = _("Bản gốc: %(original)s (độ tin cậy %(percent)s%%)") % {
            "original": flag["original"],
            "percent": round(flag["confidence"] * 100),
        }
        parts.append(escape(text[position:start]))
        parts.append(format_html('<mark class="low" tabindex="0" title="{}">{}</mark>', tip, text[start:end]))
        position = end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 -- every piece above is escaped


def _node_view(node: Mapping[str, Any]) -> dict[str, Any]:
    flags = node.get("flags") or []
    return {
        "path": node["path"],
        "depth": node["path"].count("."),
        "kind": str(NodeKind(node["kind"]).label) if node["kind"] in NodeKind.values else node["kind"],
        "title": node["title"],
        "body": node["body"],
        "title_html": highlight(node["title"], flags, "title"),
        "body_html": highlight(reflow(node["body"]), flags, "body"),
        "original_title": node.get("original_title", ""),
        "original_body": node.get("original_body", ""),
        "repaired": (node.get("original_title"), node.get("original_body")) != (node["title"], node["body"]),
        "flag_count": len(flags),
        "body_flag_count": sum(1 for flag in flags if flag["field"] == "body"),
        "lines": node.get("lines") or [],
        "columns": node.get("columns") or {},
    }


def _find_node(plan_import: PlanImport, path: str) -> dict[str, Any]:
    for node in plan_import.analysis.get("outline", []):
        if node["path"] == path:
            return node
    raise Http404


def _can_edit(request: HttpRequest, plan_import: PlanImport) -> bool:
    return plan_import.status == PlanImport.Status.PREVIEW and plan_import_policy.user_can(
        request.user, "change", plan_import
    )


def _unit_options(year: int) -> list[dict[str, Any]]:
    """Cohorts, then units of ``year``: what a name in the plan may be linked to."""
    candidates = unit_candidates_for_year(year=year)
    options = [{"code": c.code, "label": c.names[0], "is_group": c.is_group} for c in candidates]
    return sorted(options, key=lambda option: not option["is_group"])


def _mention_view(index: int, mention: Mapping[str, Any]) -> dict[str, Any]:
    role = mention.get("role") or UnitRole.MENTIONED
    return {
        "index": index,
        "path": mention["path"],
        "text": mention["text"],
        "role": role,
        "role_label": str(UnitRole(role).label) if role in UnitRole.values else role,
        "code": mention.get("code") or "",
        "score": round(mention.get("score") or 0),
        "confirmed": bool(mention.get("confirmed")),
    }


def _mention_context(
    request: HttpRequest, plan_import: PlanImport, index: int, *, saved: bool = False, error: str = ""
) -> dict[str, Any]:
    mention = _mention_view(index, plan_import.analysis["units"][index])
    return {
        "plan_import": plan_import,
        "editable": _can_edit(request, plan_import),
        "m": mention,
        "unit_options": _with_current(_unit_options(plan_import.year), [mention]),
        "saved": saved,
        "error": error,
    }


def _with_current(options: list[dict[str, Any]], mentions: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The options, plus any code a mention holds that the year's list lacks."""
    known = {option["code"] for option in options}
    extra = sorted({m["code"] for m in mentions if m["code"] and m["code"] not in known})
    return options + [{"code": code, "label": code, "is_group": False} for code in extra]


def _preview_context(
    request: HttpRequest, plan_import: PlanImport, confirm_form: PlanImportConfirmForm | None = None
) -> dict[str, Any]:
    analysis = plan_import.analysis
    outline = analysis.get("outline", [])
    titles = {node["path"]: node["title"] for node in outline}
    mentions = [_mention_view(i, m) for i, m in enumerate(analysis.get("units", []))]
    references = [{**ref, "target_title": titles.get(ref["target"], "")} for ref in analysis.get("references", [])]
    nodes = [_node_view(node) for node in outline]
    return {
        "plan_import": plan_import,
        "source": analysis.get("source", {}),
        "preamble": analysis.get("preamble", ""),
        "warnings": analysis.get("warnings", []),
        "nodes": nodes,
        "mentions": mentions,
        "unit_options": _with_current(_unit_options(plan_import.year), mentions),
        "references": references,
        "editable": _can_edit(request, plan_import),
        "flag_count": sum(node["flag_count"] for node in nodes),
        "unknown_count": sum(1 for m in mentions if not m["code"]),
        "resolved_count": sum(1 for ref in references if ref["resolved"]),
        "confirm_form": confirm_form
        or PlanImportConfirmForm(initial={"title": services.plan_import_default_title(plan_import)}),
    }


@login_required
@require_safe
def plan_import_preview(request: HtmxHttpRequest, import_id: int) -> HttpResponse:
    """The analysed document for review: tree, unit matches, references, confirm form."""
    plan_import = plan_import_get_for_user(user=request.user, import_id=import_id)
    return _render(
        request,
        page="plans/import_preview.html",
        partial="plans/partials/_import_tree.html",
        context=_preview_context(request, plan_import),
    )


def _preview_url(plan_import: PlanImport, anchor: str = "") -> str:
    url = reverse("plans:plan_import_preview", args=[plan_import.pk])
    return f"{url}#{anchor}" if anchor else url


@login_required
@require_http_methods(["GET", "POST"])
def plan_import_node(request: HtmxHttpRequest, import_id: int, path: str) -> HttpResponse:
    """One node of the preview: shown (GET), as an edit form (GET ``?sua``), corrected (POST).

    Without HTMX the node is only a place in the preview page: GET redirects there,
    and so does a POST, with the outcome as a message.
    """
    editing = request.method == "POST" or "sua" in request.GET
    plan_import = plan_import_get_for_user(
        user=request.user, import_id=import_id, action="change" if editing else "view"
    )
    node = _find_node(plan_import, path)
    back = _preview_url(plan_import, f"muc-{path}")
    context: dict[str, Any] = {"plan_import": plan_import, "editable": _can_edit(request, plan_import)}
    if request.method == "POST":
        form = PlanImportNodeForm(request.POST, auto_id=f"sua-{path}-%s")
        if form.is_valid():
            try:
                plan_import = services.plan_import_update_node(
                    actor=request.user,
                    plan_import=plan_import,
                    path=path,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                if not request.htmx:
                    messages.success(request, _("Đã lưu mục %(path)s.") % {"path": path})
                    return HttpResponseRedirect(back)
                node = _find_node(plan_import, path)
                return render(
                    request, "plans/partials/_import_node.html", {**context, "node": _node_view(node), "saved": True}
                )
        if not request.htmx:
            for error in form.errors.values():
                messages.error(request, f"{path}: {error[0]}")
            return HttpResponseRedirect(back)
        return render(
            request, "plans/partials/_import_node_form.html", {**context, "node": _node_view(node), "form": form}
        )
    if not request.htmx:
        return HttpResponseRedirect(back)
    if editing and context["editable"]:
        form = PlanImportNodeForm(initial={"title": node["title"], "body": node["body"]}, auto_id=f"sua-{path}-%s")
        return render(
            request, "plans/partials/_import_node_form.html", {**context, "node": _node_view(node), "form": form}
        )
    return render(request, "plans/partials/_import_node.html", {**context, "node": _node_view(node)})


@login_required
@require_POST
def plan_import_unit(request: HtmxHttpRequest, import_id: int, index: int) -> HttpResponse:
    """Set the unit (or cohort, or none) for the ``index``-th name found in the text."""
    plan_import = plan_import_get_for_user(user=request.user, import_id=import_id, action="change")
    if not 0 <= index < len(plan_import.analysis.get("units", [])):
        raise Http404
    form = PlanImportUnitForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            plan_import = services.plan_import_set_unit(
                actor=request.user, plan_import=plan_import, index=index, code=form.cleaned_data["code"] or None
            )
        except ApplicationError as exc:
            error = exc.message
    else:
        error = _("Mã đơn vị không hợp lệ.")
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            text = plan_import.analysis["units"][index]["text"]
            messages.success(request, _("Đã lưu đơn vị cho “%(text)s”.") % {"text": text})
        return HttpResponseRedirect(_preview_url(plan_import, "don-vi"))
    context = _mention_context(request, plan_import, index, saved=not error, error=error)
    return render(request, "plans/partials/_import_unit_row.html", context)


@login_required
@require_POST
def plan_import_confirm(request: HtmxHttpRequest, import_id: int) -> HttpResponse:
    """Create the plan from the reviewed import and go to it."""
    plan_import = plan_import_get_for_user(user=request.user, import_id=import_id, action="change")
    form = PlanImportConfirmForm(request.POST)
    if not form.is_valid():
        return render(request, "plans/import_preview.html", _preview_context(request, plan_import, form), status=400)
    try:
        plan = services.plan_import_confirm(
            actor=request.user, plan_import=plan_import, title=form.cleaned_data["title"]
        )
    except ApplicationError as exc:
        # Closed meanwhile (confirmed or discarded in another tab): the preview says so.
        messages.error(request, exc.message)
        return _go(request, _preview_url(plan_import))
    messages.success(
        request,
        _("Đã tạo kế hoạch “%(title)s” gồm %(count)s mục.") % {"title": plan.title, "count": plan.nodes.count()},
    )
    return _go(request, reverse("plans:plan_detail", args=[plan.pk]))


@login_required
@require_POST
def plan_import_discard(request: HtmxHttpRequest, import_id: int) -> HttpResponse:
    """Give up an import (kept as discarded, for the record)."""
    plan_import = plan_import_get_for_user(user=request.user, import_id=import_id, action="change")
    try:
        services.plan_import_discard(actor=request.user, plan_import=plan_import)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _go(request, _preview_url(plan_import))
    messages.success(request, _("Đã hủy bản nhập “%(name)s”.") % {"name": plan_import.file_name})
    return _go(request, reverse("plans:plan_list"))


def _go(request: HtmxHttpRequest, url: str) -> HttpResponse:
    """Redirect; an HTMX request is told to load the page instead of swapping it in."""
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)

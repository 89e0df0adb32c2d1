"""The plan page (the working plan), its actions, exports and spreadsheet import, and inline task editing.

The plan page answers its filters with the task list (``HX-Target: task-list``) or
the document tree; a task's row answers inline editing (``GET`` the form, ``POST``
the saved row, ``GET ?huy=1`` the row as it stands).
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cchc.accounts.choices import Role
from cchc.core.errors import ApplicationError, PermissionDeniedError
from cchc.organizations.models import OrgUnit
from cchc.organizations.policies import user_grants
from cchc.plans.models import Plan, PlanNode
from cchc.plans.policies import plan_policy
from cchc.plans.views import plan_document_context
from cchc.tasks import docx_export, services, spreadsheets
from cchc.tasks.access import (
    plan_for_user,
    plans_for_user,
)
from cchc.tasks.calculations import ROLLUP_RULE, Rollup
from cchc.tasks.forms import (
    NO_AREA,
    PlanIssueForm,
    TaskEditForm,
    TaskFilterForm,
    UnitPlanForm,
    XlsxUploadForm,
)
from cchc.tasks.models import Task
from cchc.tasks.policies import task_policy
from cchc.tasks.selectors import (
    PlanProgress,
    plan_coverage,
    plan_progress,
    task_get_for_user,
    task_list_for_user,
)
from cchc.tasks.views.common import (
    DOCX_TYPE,
    MAX_ROW_ERROR_MESSAGES,
    TASKS_PER_PAGE,
    XLSX_TYPE,
    HtmxHttpRequest,
    TaskRow,
    deny,
    form_messages,
    plan_or_404,
    plan_url,
    redirect_to,
    render_page,
    render_partial,
    task_rows,
    wants_partial,
)
from cchc.tasks.views.targets import TARGETS_VIEW, target_list_context


@dataclass
class TreeItem:
    """A node of the plan's task tree (an area, an item) with its rolled-up progress."""

    node: PlanNode
    depth: int
    rollup: Rollup


def _task_tree(plan: Plan, progress: PlanProgress) -> list[TreeItem]:
    """The sections and items that hold tasks, each with the roll-up of its branch."""
    nodes = plan.nodes.filter(pk__in=[pk for pk, r in progress.by_node.items() if r.total]).order_by("position")
    return [
        TreeItem(node=node, depth=node.depth, rollup=progress.by_node[node.pk])
        for node in nodes.only("pk", "plan", "path", "label", "title", "position", "parent_id")
        if node.depth <= 1
    ]


def _node_ids_under(plan: Plan, path: str) -> list[int] | None:
    """The ids of the node at ``path`` and its descendants, ``None`` for an unknown path."""
    pairs = list(plan.nodes.values_list("pk", "parent_id", "path"))
    root = next((pk for pk, _parent, node_path in pairs if node_path == path), None)
    if root is None:
        return None
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent_id, _path in pairs:
        children[parent_id].append(pk)
    found, stack = [], [root]
    while stack:
        pk = stack.pop()
        found.append(pk)
        stack.extend(children.get(pk, []))
    return found


@dataclass
class UnitPlanOffer:
    """A unit the user is focal point of, with tasks in this plan, and its own plan if any."""

    unit: OrgUnit
    assigned: int
    unit_plan: Plan | None


def _unit_plan_offers(user: Any, plan: Plan) -> list[UnitPlanOffer]:
    """Where the "Lập kế hoạch của đơn vị" button goes: the user's focal-point units in the plan.

    Only the units a focal-point grant names (not their descendants): the cascade is
    each unit building its own plan, and the coverage view counts exactly those.
    """
    # A plan's own unit implements it directly: it builds no plan of its own from it.
    unit_ids = {grant.unit_id for grant in user_grants(user) if grant.role == Role.FOCAL_POINT} - {plan.unit_id}
    if not unit_ids:
        return []
    rows = [row for row in plan_coverage(plan=plan) if row.unit.pk in unit_ids]
    return [UnitPlanOffer(unit=row.unit, assigned=row.assigned, unit_plan=row.unit_plan) for row in rows]


def _filter_units(tasks: QuerySet[Task]) -> list[OrgUnit]:
    """The units leading or coordinating the visible tasks: the unit filter's choices."""
    ids = tasks.values("pk")
    return list(
        OrgUnit.objects.filter(Q(led_tasks__in=ids) | Q(coordinated_tasks__in=ids)).distinct().order_by("tree_key")
    )


def _area_choices(progress: PlanProgress) -> list[tuple[str, str]]:
    return [(area.area or NO_AREA, area.label) for area in progress.by_area if area.rollup.total]


def _task_list_context(
    request: HtmxHttpRequest, *, plan: Plan, progress: PlanProgress, can_change: bool
) -> dict[str, Any]:
    """The filter form and the page of task rows it selects."""
    visible = task_list_for_user(user=request.user, plan=plan)
    form = TaskFilterForm(request.GET, areas=_area_choices(progress), units=_filter_units(visible))
    filters = form.filters()
    area = filters.get("linh_vuc")
    tasks = task_list_for_user(
        user=request.user,
        plan=plan,
        area=("" if area == NO_AREA else area) if area else None,
        unit_code=filters.get("don_vi"),
        status=filters.get("trang_thai"),
        today=progress.today,
    )
    node_path = filters.get("muc", "")
    node_title = ""
    if node_path:
        ids = _node_ids_under(plan, node_path)
        if ids is None:
            node_path = ""
        else:
            tasks = tasks.filter(node_id__in=ids)
            node_title = next((n.title for n in plan.nodes.filter(path=node_path).only("plan", "title")), "")
    page = Paginator(tasks, TASKS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "plan": plan,
        "filter_form": form,
        "filters": filters,
        "node_path": node_path,
        "node_title": node_title,
        "page": page,
        "rows": task_rows(page.object_list, today=progress.today, editable=can_change),
        "query": query.urlencode(),
        "can_change": can_change,
        "rule": ROLLUP_RULE,
    }


@login_required
@require_safe
def plan_detail(request: HtmxHttpRequest, plan_id: int) -> HttpResponse:
    """The working plan: status and actions, rolled-up progress, the tree, the tasks.

    A plan without tasks (just imported) shows its document; so does ``?xem=van-ban``;
    ``?xem=chi-tieu`` shows its targets (an HTMX request targeting ``target-list``
    gets that list only). Filters (``linh_vuc``, ``don_vi``, ``trang_thai`` incl. ``overdue``, ``muc``)
    narrow the task list; an HTMX request targeting ``task-list`` gets that list only,
    one targeting ``plan-tree`` (or any, on the document view) the document tree.
    """
    plan, whole = plan_for_user(user=request.user, plan_id=plan_id)
    today = timezone.localdate()
    progress = plan_progress(plan=plan, today=today)
    has_tasks = progress.overall.total > 0
    targets_view = request.GET.get("xem") == TARGETS_VIEW
    document_view = not targets_view and (not has_tasks or request.GET.get("xem") == "van-ban")
    can_change = plan_policy.user_can(request.user, "change", plan)
    target = request.htmx.target if request.htmx else None

    if wants_partial(request) and (targets_view or target == "target-list"):
        return render_partial(request, "tasks/partials/_target_list.html", target_list_context(request.user, plan))
    if wants_partial(request):
        if target == "plan-tree" or (document_view and target != "task-list"):
            tree_context = {"plan": plan, **plan_document_context(plan=plan, unit_code=request.GET.get("don_vi", ""))}
            return render_partial(request, "plans/partials/_plan_tree.html", tree_context)
        tasks_context = _task_list_context(request, plan=plan, progress=progress, can_change=can_change)
        return render_partial(request, "tasks/partials/_task_list.html", tasks_context)

    context: dict[str, Any] = {
        "plan": plan,
        "whole": whole,
        "progress": progress,
        "has_tasks": has_tasks,
        "document_view": document_view,
        "targets_view": targets_view,
        "targets_tab": TARGETS_VIEW,
        "can_change": can_change,
        "rule": ROLLUP_RULE,
        "parent_plan": plans_for_user(user=request.user).filter(pk=plan.parent_id).first() if plan.parent_id else None,
        "issue_form": PlanIssueForm(initial={"issued_on": today}) if can_change else None,
        "xlsx_form": XlsxUploadForm() if can_change else None,
        "offers": _unit_plan_offers(request.user, plan) if has_tasks else [],
    }
    if targets_view:
        context.update(target_list_context(request.user, plan))
        context["node_count"] = plan.nodes.count()
    elif document_view:
        context.update(plan_document_context(plan=plan, unit_code=request.GET.get("don_vi", "")))
        context["can_generate"] = can_change and not has_tasks and context["node_count"] > 0
    else:
        context.update(_task_list_context(request, plan=plan, progress=progress, can_change=can_change))
        context["tree"] = _task_tree(plan, progress)
        context["area_rows"] = [area for area in progress.by_area if area.rollup.total]
        context["overdue_count"] = len(progress.overdue)
        context["node_count"] = len(progress.by_node)
    return render_page(request, page="plans/plan_detail.html", partial="", context=context)


# -- plan actions ------------------------------------------------------------------------------


@login_required
@require_POST
def plan_issue(request: HtmxHttpRequest, plan_id: int) -> HttpResponse:
    """Draft → issued, with the document number and date."""
    plan = plan_or_404(request.user, plan_id, whole=True)
    form = PlanIssueForm(request.POST)
    if not form.is_valid():
        form_messages(request, form)
        return redirect_to(request, plan_url(plan))
    try:
        services.plan_issue(actor=request.user, plan=plan, **form.cleaned_data)
    except PermissionDeniedError as exc:
        deny(exc)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Đã ban hành kế hoạch (số %(number)s, ngày %(date)s).")
            % {"number": plan.number, "date": f"{plan.issued_on:%d/%m/%Y}"},
        )
    return redirect_to(request, plan_url(plan))


@login_required
@require_POST
def plan_close(request: HtmxHttpRequest, plan_id: int) -> HttpResponse:
    """Issued → closed."""
    plan = plan_or_404(request.user, plan_id, whole=True)
    try:
        services.plan_close(actor=request.user, plan=plan)
    except PermissionDeniedError as exc:
        deny(exc)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã kết thúc kế hoạch."))
    return redirect_to(request, plan_url(plan))


@login_required
@require_POST
def plan_generate_tasks(request: HtmxHttpRequest, plan_id: int) -> HttpResponse:
    """Turn the imported document's duties into tasks (``tasks_generate_from_plan``)."""
    plan = plan_or_404(request.user, plan_id, whole=True)
    try:
        created = services.tasks_generate_from_plan(actor=request.user, plan=plan)
    except PermissionDeniedError as exc:
        deny(exc)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if created:
            messages.success(request, _("Đã tạo %(count)s nhiệm vụ từ văn bản kế hoạch.") % {"count": len(created)})
        else:
            messages.warning(request, _("Không có nhiệm vụ mới nào được tạo."))
    return redirect_to(request, plan_url(plan))


@login_required
@require_POST
def plan_unit_plan_create(request: HtmxHttpRequest, plan_id: int) -> HttpResponse:
    """A focal point builds the unit's own plan from this one (the cascade)."""
    plan = plan_or_404(request.user, plan_id)
    form = UnitPlanForm(request.POST)
    offers = {offer.unit.code: offer for offer in _unit_plan_offers(request.user, plan)}
    if not form.is_valid() or form.cleaned_data["unit"] not in offers:
        deny()
    unit = offers[form.cleaned_data["unit"]].unit
    try:
        unit_plan = services.unit_plan_create(actor=request.user, parent=plan, unit=unit)
    except PermissionDeniedError as exc:
        deny(exc)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect_to(request, plan_url(plan))
    messages.success(
        request,
        _("Đã lập kế hoạch của %(unit)s với %(count)s nhiệm vụ được giao; hãy bổ sung nhiệm vụ riêng của đơn vị.")
        % {"unit": unit.name, "count": task_list_for_user(user=request.user, plan=unit_plan).count()},
    )
    return redirect_to(request, plan_url(unit_plan))


def _file_response(data: bytes, *, content_type: str, file_name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=file_name) or ""
    response["Cache-Control"] = "private, no-store"
    return response


def _export_name(plan: Plan, extension: str) -> str:
    return f"ke-hoach-{plan.unit.code}-{plan.year}-{plan.pk}.{extension}"


@login_required
@require_safe
def plan_export_xlsx(request: HtmxHttpRequest, plan_id: int) -> HttpResponse:
    """The plan's tasks as the appendix spreadsheet (STT | Nội dung | Chủ trì | …)."""
    plan = plan_or_404(request.user, plan_id, whole=True)
    return _file_response(
        spreadsheets.plan_export_xlsx(plan=plan), content_type=XLSX_TYPE, file_name=_export_name(plan, "xlsx")
    )


@login_required
@require_safe
def plan_export_docx(request: HtmxHttpRequest, plan_id: int) -> HttpResponse:
    """The plan as a Word document in the Decree 30/2020 layout."""
    plan = plan_or_404(request.user, plan_id, whole=True)
    return _file_response(
        docx_export.plan_export_docx(plan=plan), content_type=DOCX_TYPE, file_name=_export_name(plan, "docx")
    )


@login_required
@require_POST
def plan_import_xlsx(request: HtmxHttpRequest, plan_id: int) -> HttpResponse:
    """Create or update tasks from the spreadsheet; all rows or none.

    The answer is the summary (created, updated, unchanged) or the rows' errors, as
    a fragment for HTMX and as messages on the plan page otherwise.
    """
    plan = plan_or_404(request.user, plan_id, whole=True)
    form = XlsxUploadForm(request.POST, request.FILES)
    context: dict[str, Any] = {"plan": plan, "xlsx_form": form, "error": "", "row_errors": []}
    if form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            summary = spreadsheets.plan_import_xlsx(
                actor=request.user, plan=plan, data=uploaded.read(), file_name=uploaded.name or ""
            )
        except PermissionDeniedError as exc:
            deny(exc)
        except ApplicationError as exc:
            context["error"] = exc.message
            context["row_errors"] = [str(error) for error in exc.extra.get("errors") or []]
        else:
            # The whole page changes (tasks, numbers): load it again, the summary on top.
            messages.success(request, summary.message())
            for warning in summary.warnings:
                messages.warning(request, warning)
            return redirect_to(request, plan_url(plan))
    if not request.htmx:
        form_messages(request, form)
        if context["error"]:
            messages.error(request, context["error"])
        for row_error in context["row_errors"][:MAX_ROW_ERROR_MESSAGES]:
            messages.error(request, row_error)
        return redirect(plan_url(plan))
    return render(request, "tasks/partials/_xlsx_import.html", context)


# -- one task on the plan page: its row, edited inline ----------------------------------------


def _edit_units(task: Task) -> QuerySet[OrgUnit]:
    """Units that may lead or coordinate ``task``: those that existed in its plan's year.

    The task's current units stay choosable even if they ended before that year.
    """
    start, end = dt.date(task.plan.year, 1, 1), dt.date(task.plan.year, 12, 31)
    current = [task.lead_unit_id, *(unit.pk for unit in task.coordinating_units.all())]
    in_year = Q(valid_from__lte=end) & (Q(valid_to__isnull=True) | Q(valid_to__gte=start))
    return OrgUnit.objects.filter(in_year | Q(pk__in=current)).order_by("tree_key")


def _task_initial(task: Task) -> dict[str, Any]:
    return {
        "title": task.title,
        "lead_unit": task.lead_unit.code,
        "coordinating_units": [unit.code for unit in task.coordinating_units.all()],
        "product_kind": task.product_kind,
        "product": task.product,
        "deadline_kind": task.deadline_kind,
        "due_date": task.due_date,
        "deadline_label": task.deadline_label,
        "weight": task.weight,
        "is_public": task.is_public,
    }


def _row(task: Task, *, editable: bool, saved: bool = False) -> TaskRow:
    (row,) = task_rows([task], today=timezone.localdate(), editable=editable)
    row.saved = saved
    return row


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request: HtmxHttpRequest, task_id: int) -> HttpResponse:
    """Change a task's title, units, product, deadline, weight and public flag.

    HTMX: GET gives the edit row, ``GET ?huy=1`` the row as it stands, POST the saved
    row (or the edit row with its errors). Without HTMX this is an edit page that
    returns to the task's row on the plan page.
    """
    task = task_get_for_user(user=request.user, task_id=task_id)
    if request.htmx and request.method == "GET" and "huy" in request.GET:
        editable = task_policy.user_can(request.user, "change", task)
        return render(request, "tasks/partials/_task_row.html", {"row": _row(task, editable=editable)})
    if not task_policy.user_can(request.user, "change", task):
        deny()
    units = _edit_units(task)
    if request.method == "POST":
        form = TaskEditForm(request.POST, units=units)
        if form.is_valid():
            data = dict(form.cleaned_data)
            coordinating = data.pop("coordinating_units")
            try:
                task = services.task_update(actor=request.user, task=task, coordinating_units=coordinating, **data)
            except PermissionDeniedError as exc:
                deny(exc)
            except ApplicationError as exc:
                errors = exc.extra.get("errors") or {}
                placed = False
                for name, messages_ in errors.items() if isinstance(errors, Mapping) else ():
                    if name in form.fields:
                        form.add_error(name, " ".join(messages_))
                        placed = True
                if not placed:
                    form.add_error(None, exc.message)
            else:
                if not request.htmx:
                    messages.success(request, _("Đã lưu nhiệm vụ %(code)s.") % {"code": task.code})
                    return redirect(plan_url(task.plan, f"task-{task.code}"))
                task = task_get_for_user(user=request.user, task_id=task.pk)
                return render(request, "tasks/partials/_task_row.html", {"row": _row(task, editable=True, saved=True)})
    else:
        form = TaskEditForm(initial=_task_initial(task), units=units)
    context = {"task": task, "form": form}
    return render_page(
        request, page="tasks/task_edit.html", partial="tasks/partials/_task_edit_row.html", context=context
    )

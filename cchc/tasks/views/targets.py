"""The plan page's targets (``?xem=chi-tieu``): the list, inline add/edit, the actual value, delete.

A target comes through ``targets.target_get_for_user`` (404 outside the user's
scope); an action the user may not take on a target they see is a 403. With HTMX,
adding and deleting answer the whole list (counts and order change), editing and
reporting answer the target's row; without JavaScript the same URLs render a page
with the form and redirect back to the plan's targets with a message.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from cchc.core.errors import ApplicationError, PermissionDeniedError
from cchc.organizations.models import OrgUnit
from cchc.plans.models import Plan, PlanNode
from cchc.tasks import targets
from cchc.tasks.calculations import ACHIEVEMENT_RULE
from cchc.tasks.forms import TargetActualForm, TargetForm
from cchc.tasks.models import Target
from cchc.tasks.views.common import HtmxHttpRequest, deny, error_field, plan_or_404, render_page

#: The plan page's query value that shows the targets.
TARGETS_VIEW = "chi-tieu"


@dataclass
class TargetRow:
    """A target as a row of the plan page, with what the user may do to it."""

    target: Target
    achievement: Decimal | None
    change: bool
    report: bool
    saved: bool = False

    @property
    def bar(self) -> Decimal | None:
        """The bar's width: the achievement, capped at 100 (the figure itself is not)."""
        return None if self.achievement is None else min(self.achievement, Decimal(100))


def targets_url(plan: Plan) -> str:
    return f"{reverse('plans:plan_detail', args=[plan.pk])}?xem={TARGETS_VIEW}"


def _row(user: Any, target: Target, *, can_change: bool | None = None, saved: bool = False) -> TargetRow:
    allowed = targets.target_permissions(user=user, target=target, can_change=can_change)
    return TargetRow(
        target=target,
        achievement=getattr(target, "achievement", None),
        change=allowed.change,
        report=allowed.report,
        saved=saved,
    )


def target_list_context(user: Any, plan: Plan) -> dict[str, Any]:
    """The targets section of the plan page: rows, the add button, the rule."""
    can_change = targets.target_can_change(user=user, plan=plan)
    rows = [_row(user, target, can_change=can_change) for target in targets.target_list_for_plan(plan=plan, user=user)]
    return {
        "plan": plan,
        "target_rows": rows,
        "can_change_targets": can_change,
        "achievement_rule": ACHIEVEMENT_RULE,
    }


def _nodes(plan: Plan) -> QuerySet[PlanNode]:
    return plan.nodes.order_by("position").only("pk", "plan", "path", "title", "position")


def _units(plan: Plan, current: OrgUnit | None = None) -> QuerySet[OrgUnit]:
    """Units of the plan's year, and the target's current unit even if it ended since."""
    keep = Q(pk=current.pk) if current is not None else Q(pk__in=[])
    year = targets.units_in_year(plan.year).values("pk")
    return OrgUnit.objects.filter(Q(pk__in=year) | keep).order_by("tree_key")


def _posted(request: HtmxHttpRequest) -> Any:
    """The submitted data for a POST (even an empty one, so it is validated), ``None`` for a GET."""
    return request.POST if request.method == "POST" else None


def _place_error(form: Any, exc: ApplicationError) -> None:
    form.add_error(error_field(exc, form.fields), exc.message)


def _list_response(request: HtmxHttpRequest, plan: Plan) -> HttpResponse:
    """The whole list, into ``#target-list`` whatever element the request aimed at (the add row)."""
    response = render(request, "tasks/partials/_target_list.html", target_list_context(request.user, plan))
    return reswap(retarget(response, "#target-list"), "innerHTML")


def _row_response(request: HtmxHttpRequest, target_id: int, *, saved: bool = False) -> HttpResponse:
    target = targets.target_get_for_user(user=request.user, target_id=target_id)
    return render(request, "tasks/partials/_target_row.html", {"row": _row(request.user, target, saved=saved)})


@login_required
@require_http_methods(["GET", "POST"])
def target_create(request: HtmxHttpRequest, plan_id: int) -> HttpResponse:
    """Add a target: GET the form (a row for HTMX, a page otherwise), POST it."""
    plan = plan_or_404(request.user, plan_id)
    if not targets.target_can_change(user=request.user, plan=plan):
        deny()
    form = TargetForm(_posted(request), nodes=_nodes(plan), units=_units(plan))
    if request.method == "POST" and form.is_valid():
        try:
            created = targets.target_create(actor=request.user, plan=plan, **form.cleaned_data)
        except PermissionDeniedError as exc:
            deny(exc)
        except ApplicationError as exc:
            _place_error(form, exc)
        else:
            if request.htmx:
                return _list_response(request, plan)
            messages.success(request, _("Đã thêm chỉ tiêu “%(name)s”.") % {"name": created.indicator})
            return redirect(targets_url(plan))
    context = {"plan": plan, "form": form, "target": None, "mode": "create"}
    return render_page(
        request, page="tasks/target_edit.html", partial="tasks/partials/_target_form_row.html", context=context
    )


@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request: HtmxHttpRequest, target_id: int) -> HttpResponse:
    """Change a target: GET the edit row (``?huy=1``: the row as it stands), POST the saved row."""
    target = targets.target_get_for_user(user=request.user, target_id=target_id)
    if request.htmx and request.method == "GET" and "huy" in request.GET:
        return _row_response(request, target.pk)
    if not targets.target_can_change(user=request.user, plan=target.plan):
        deny()
    form = TargetForm(
        _posted(request),
        initial={
            "indicator": target.indicator,
            "node": target.node.path if target.node else None,
            "unit": target.unit.code if target.unit else None,
            "measure_unit": target.measure_unit,
            "target_value": target.target_value,
            "actual_value": target.actual_value,
            "period": target.period,
        },
        nodes=_nodes(target.plan),
        units=_units(target.plan, target.unit),
    )
    if request.method == "POST" and form.is_valid():
        try:
            targets.target_update(actor=request.user, target=target, **form.cleaned_data)
        except PermissionDeniedError as exc:
            deny(exc)
        except ApplicationError as exc:
            _place_error(form, exc)
        else:
            if request.htmx:
                return _row_response(request, target.pk, saved=True)
            messages.success(request, _("Đã lưu chỉ tiêu “%(name)s”.") % {"name": target.indicator})
            return redirect(targets_url(target.plan))
    context = {"plan": target.plan, "form": form, "target": target, "mode": "edit"}
    return render_page(
        request, page="tasks/target_edit.html", partial="tasks/partials/_target_form_row.html", context=context
    )


@login_required
@require_http_methods(["GET", "POST"])
def target_report(request: HtmxHttpRequest, target_id: int) -> HttpResponse:
    """The target's unit (or an editor) reports the actual value: GET the form row, POST the saved row."""
    target = targets.target_get_for_user(user=request.user, target_id=target_id)
    if not targets.target_can_report(user=request.user, target=target):
        deny()
    form = TargetActualForm(_posted(request), initial={"actual_value": target.actual_value})
    if request.method == "POST" and form.is_valid():
        try:
            targets.target_update(actor=request.user, target=target, actual_value=form.cleaned_data["actual_value"])
        except PermissionDeniedError as exc:
            deny(exc)
        except ApplicationError as exc:
            _place_error(form, exc)
        else:
            if request.htmx:
                return _row_response(request, target.pk, saved=True)
            messages.success(request, _("Đã cập nhật giá trị đạt được của “%(name)s”.") % {"name": target.indicator})
            return redirect(targets_url(target.plan))
    context = {"plan": target.plan, "form": form, "target": target, "mode": "report"}
    return render_page(
        request, page="tasks/target_edit.html", partial="tasks/partials/_target_actual_row.html", context=context
    )


@login_required
@require_POST
def target_delete(request: HtmxHttpRequest, target_id: int) -> HttpResponse:
    """Delete a target (the page asks for confirmation first); answers the list."""
    target = targets.target_get_for_user(user=request.user, target_id=target_id)
    plan, name = target.plan, target.indicator
    try:
        targets.target_delete(actor=request.user, target=target)
    except PermissionDeniedError as exc:
        deny(exc)
    if request.htmx:
        return _list_response(request, plan)
    messages.success(request, _("Đã xóa chỉ tiêu “%(name)s”.") % {"name": name})
    return redirect(targets_url(plan))

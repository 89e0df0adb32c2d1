"""The task page: details, occurrences, progress updates with their review.

Every form on the page answers an HTMX request with the page's working part
(``#task-work``: the status, the updates, the update form) and says the outcome at
its top; without HTMX it redirects back to the page with a message.
"""

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cchc.core.calendar import work_calendar
from cchc.core.errors import ApplicationError, PermissionDeniedError
from cchc.tasks import updates
from cchc.tasks.access import (
    task_updates_for_user,
    update_get_for_user,
)
from cchc.tasks.calculations import ROLLUP_RULE, display_status, is_overdue
from cchc.tasks.choices import DONE_STATUSES, TaskStatus
from cchc.tasks.evidence import evidence_add
from cchc.tasks.forms import (
    ReturnForm,
    TaskUpdateEditForm,
    TaskUpdateForm,
)
from cchc.tasks.models import Task, TaskUpdate
from cchc.tasks.policies import task_policy
from cchc.tasks.selectors import (
    task_get_for_user,
    task_list_for_user,
)
from cchc.tasks.views.common import (
    HtmxHttpRequest,
    deny,
    error_field,
    form_messages,
    render_page,
    status_label,
    task_url,
)


@dataclass
class UpdateView:
    """A progress update and what the viewing user may do to it now."""

    update: TaskUpdate
    can_edit: bool
    can_review: bool
    can_accept: bool
    evidence: list[Any] = field(default_factory=list)
    return_form: ReturnForm | None = None


def _update_views(user: Any, task: Task, return_forms: Mapping[int, ReturnForm]) -> list[UpdateView]:
    """The updates of ``task`` the user may read, with what the user may do to each now."""
    return [
        UpdateView(
            update=update,
            can_edit=updates.task_update_can_edit(user=user, update=update),
            can_review=updates.task_update_can_review(user=user, update=update),
            can_accept=updates.task_update_can_accept(user=user, update=update),
            evidence=list(update.evidence.all()),
            return_form=return_forms.get(update.pk),
        )
        for update in task_updates_for_user(user=user, task=task)
    ]


def _occurrences(task: Task, today: dt.date) -> list[dict[str, Any]]:
    calendar = work_calendar()
    return [
        {
            "occurrence": occurrence,
            "overdue": occurrence.completed_on is None
            and is_overdue(status=TaskStatus.IN_PROGRESS, due_date=occurrence.due_date, today=today, calendar=calendar),
        }
        for occurrence in task.occurrences.all()
    ]


def _task_work_context(
    request: HtmxHttpRequest,
    task: Task,
    *,
    update_form: TaskUpdateForm | None = None,
    return_forms: Mapping[int, ReturnForm] | None = None,
    edit_form: tuple[int, TaskUpdateEditForm] | None = None,
) -> dict[str, Any]:
    """What the working part of the task page shows: status, updates, the update form."""
    today = timezone.localdate()
    units = updates.reporting_units(user=request.user, task=task)
    if update_form is None and units:
        update_form = TaskUpdateForm(
            units=units, initial={"progress": task.progress, "reported_status": _next_status(task)}
        )
    status = display_status(status=task.status, due_date=task.due_date, today=today, calendar=work_calendar())
    return {
        "task": task,
        "status": status,
        "status_label": status_label(status),
        "is_done": task.status in DONE_STATUSES,
        "update_views": _update_views(request.user, task, return_forms or {}),
        "update_form": update_form,
        "edit_form": edit_form,
        "rule": ROLLUP_RULE,
    }


def _next_status(task: Task) -> str:
    return TaskStatus.IN_PROGRESS if task.status == TaskStatus.NOT_STARTED else task.status


@login_required
@require_safe
def task_detail(request: HtmxHttpRequest, task_id: int) -> HttpResponse:
    """One task: what, who, when, its occurrences, its progress updates and their review."""
    task = task_get_for_user(user=request.user, task_id=task_id)
    context = _task_work_context(request, task)
    context.update(
        occurrences=_occurrences(task, timezone.localdate()),
        can_change=task_policy.user_can(request.user, "change", task),
        source_visible=task.source_task_id is not None
        and task_list_for_user(user=request.user).filter(pk=task.source_task_id).exists(),
        coordinating=sorted(task.coordinating_units.all(), key=lambda unit: unit.tree_key),
    )
    return render_page(
        request, page="tasks/task_detail.html", partial="tasks/partials/_task_work.html", context=context
    )


def _work_response(
    request: HtmxHttpRequest, task: Task, *, notice: str = "", error: str = "", **forms: Any
) -> HttpResponse:
    """The task page's working part after a form, with the outcome said at its top."""
    task = task_get_for_user(user=request.user, task_id=task.pk)  # the values a service may have changed
    context = _task_work_context(request, task, **forms)
    context.update(notice=notice, error=error)
    return render(request, "tasks/partials/_task_work.html", context)


def _add_evidence(actor: Any, update: TaskUpdate, files: Sequence[Any]) -> None:
    for uploaded in files:
        evidence_add(actor=actor, update=update, uploaded_file=uploaded)


def _save_update(request: HtmxHttpRequest, form: Any, write: Callable[[dict[str, Any]], TaskUpdate]) -> bool:
    """Write an update, attach its files and (button ``gui``) send it, all or nothing.

    Domain errors land on the form field they name (a refused file on the file field);
    a permission error naming no field is a 403. Returns whether it was saved.
    """
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        with transaction.atomic():
            update = write(data)
            _add_evidence(request.user, update, data["evidence_files"])
            if "gui" in request.POST:
                updates.task_update_submit(actor=request.user, update=update)
    except PermissionDeniedError as exc:
        if error_field(exc, form.fields) is None:
            deny(exc)
        form.add_error(error_field(exc, form.fields), exc.message)
        return False
    except ApplicationError as exc:
        form.add_error(error_field(exc, form.fields) or _evidence_field(exc), exc.message)
        return False
    return True


@login_required
@require_POST
def task_update_create(request: HtmxHttpRequest, task_id: int) -> HttpResponse:
    """A reporter writes a progress update with its evidence, saved as a draft or sent.

    The button pressed decides: ``gui`` sends it for review at once. The update and
    its files are kept together or not at all: a refused file leaves no draft behind.
    """
    task = task_get_for_user(user=request.user, task_id=task_id)
    units = updates.reporting_units(user=request.user, task=task)
    if not units:
        deny()
    form = TaskUpdateForm(request.POST, request.FILES, units=units)

    def write(data: dict[str, Any]) -> TaskUpdate:
        return updates.task_update_create(
            actor=request.user,
            task=task,
            unit=data["unit"],
            progress=data["progress"],
            reported_status=data["reported_status"],
            narrative=data["narrative"],
            completed_on=data["completed_on"],
        )

    if _save_update(request, form, write):
        sent = "gui" in request.POST
        notice = _("Đã gửi báo cáo tiến độ để xét duyệt.") if sent else _("Đã lưu nháp báo cáo tiến độ.")
        if not request.htmx:
            messages.success(request, notice)
            return redirect(task_url(task, "bao-cao"))
        return _work_response(request, task, notice=notice)
    if not request.htmx:
        form_messages(request, form)
        return redirect(task_url(task, "bao-cao-moi"))
    return _work_response(request, task, update_form=form)


def _evidence_field(exc: ApplicationError) -> str | None:
    return "evidence_files" if exc.code.startswith("tasks.evidence") else None


def _transition(request: HtmxHttpRequest, update_id: int, action: str) -> HttpResponse:
    """Submit, return or accept an update: the service decides, the page shows the result.

    The service checks the permission before the reason, so a user who may not
    review gets a 403 even with an empty reason.
    """
    update = update_get_for_user(user=request.user, update_id=update_id)
    task = update.task
    return_form = ReturnForm(request.POST, auto_id=f"tra-lai-{update.pk}-%s") if action == "return" else None
    try:
        if action == "submit":
            updates.task_update_submit(actor=request.user, update=update)
            notice = _("Đã gửi báo cáo tiến độ để xét duyệt.")
        elif action == "accept":
            updates.task_update_accept(actor=request.user, update=update)
            notice = _("Đã chấp nhận báo cáo tiến độ; tiến độ nhiệm vụ đã được cập nhật.")
        else:
            assert return_form is not None  # noqa: S101 -- set above for "return"
            reason = return_form.cleaned_data["reason"] if return_form.is_valid() else ""
            updates.task_update_return(actor=request.user, update=update, reason=reason)
            notice = _("Đã trả lại báo cáo tiến độ cho đơn vị.")
    except PermissionDeniedError as exc:
        deny(exc)
    except ApplicationError as exc:
        if not request.htmx:
            messages.error(request, exc.message)
            return redirect(task_url(task, f"bao-cao-{update.pk}"))
        if return_form is not None and exc.code == "tasks.return_reason_required":
            if "reason" not in return_form.errors:
                return_form.add_error("reason", exc.message)
            return _work_response(request, task, return_forms={update.pk: return_form})
        return _work_response(request, task, error=exc.message)
    if not request.htmx:
        messages.success(request, notice)
        return redirect(task_url(task, f"bao-cao-{update.pk}"))
    return _work_response(request, task, notice=notice)


@login_required
@require_POST
def update_submit(request: HtmxHttpRequest, update_id: int) -> HttpResponse:
    """Draft or returned → submitted."""
    return _transition(request, update_id, "submit")


@login_required
@require_POST
def update_return(request: HtmxHttpRequest, update_id: int) -> HttpResponse:
    """Submitted → returned, with the reason the unit will read."""
    return _transition(request, update_id, "return")


@login_required
@require_POST
def update_accept(request: HtmxHttpRequest, update_id: int) -> HttpResponse:
    """Submitted → accepted; a lead-unit update moves the task's progress."""
    return _transition(request, update_id, "accept")


@login_required
@require_http_methods(["GET", "POST"])
def update_edit(request: HtmxHttpRequest, update_id: int) -> HttpResponse:
    """Correct a draft or returned update (and add evidence), saving or sending it."""
    update = update_get_for_user(user=request.user, update_id=update_id)
    task = task_get_for_user(user=request.user, task_id=update.task_id)
    if not updates.task_update_can_edit(user=request.user, update=update):
        deny()
    if request.method == "GET":
        form = TaskUpdateEditForm(
            initial={
                "progress": update.progress,
                "reported_status": update.reported_status,
                "completed_on": update.completed_on,
                "narrative": update.narrative,
            },
            auto_id=f"sua-{update.pk}-%s",
        )
        if not request.htmx:
            return redirect(task_url(task, f"bao-cao-{update.pk}"))
        return _work_response(request, task, edit_form=(update.pk, form))
    form = TaskUpdateEditForm(request.POST, request.FILES, auto_id=f"sua-{update.pk}-%s")

    def write(data: dict[str, Any]) -> TaskUpdate:
        updates.task_update_edit(
            actor=request.user,
            update=update,
            progress=data["progress"],
            reported_status=data["reported_status"],
            completed_on=data["completed_on"],
            narrative=data["narrative"],
        )
        return update

    if _save_update(request, form, write):
        sent = "gui" in request.POST
        notice = _("Đã gửi báo cáo tiến độ để xét duyệt.") if sent else _("Đã lưu báo cáo tiến độ.")
        if not request.htmx:
            messages.success(request, notice)
            return redirect(task_url(task, f"bao-cao-{update.pk}"))
        return _work_response(request, task, notice=notice)
    if not request.htmx:
        form_messages(request, form)
        return redirect(task_url(task, f"bao-cao-{update.pk}"))
    return _work_response(request, task, edit_form=(update.pk, form))

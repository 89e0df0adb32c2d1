"""What every task page shares: HTMX rendering, 403s, statuses, the plan and task URLs."""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

from cchc.core.calendar import work_calendar
from cchc.core.errors import ApplicationError, PermissionDeniedError
from cchc.organizations.models import OrgUnit
from cchc.plans.models import Plan
from cchc.tasks.access import (
    plan_for_user,
    plan_get_whole_for_user,
)
from cchc.tasks.calculations import OVERDUE, display_status
from cchc.tasks.choices import OVERDUE_LABEL, TaskStatus
from cchc.tasks.models import Task

TASKS_PER_PAGE = 100
MAX_ROW_ERROR_MESSAGES = 30
PUBLIC_TASKS_PER_PAGE = 50
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def wants_partial(request: HtmxHttpRequest) -> bool:
    """An HTMX request gets a fragment; a history restore needs the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def render_page(
    request: HtmxHttpRequest, *, page: str, partial: str, context: Mapping[str, Any], status: int = 200
) -> HttpResponse:
    """The whole ``page``, or its ``partial`` for an HTMX request; caches keep the two apart."""
    response = render(request, partial if wants_partial(request) else page, context, status=status)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


def render_partial(request: HtmxHttpRequest, template: str, context: Mapping[str, Any]) -> HttpResponse:
    """One fragment of a page, for the HTMX request that asked for it."""
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


def redirect_to(request: HtmxHttpRequest, url: str) -> HttpResponse:
    """Redirect; an HTMX request is told to load the page instead of swapping it in."""
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def deny(exc: PermissionDeniedError | None = None) -> NoReturn:
    """A 403 for a user who sees the object but may not do this to it."""
    raise PermissionDenied(exc.message if exc else "")


def form_messages(request: HttpRequest, form: forms.Form) -> None:
    """A form's errors as messages, each naming its field, for the page a POST returns to."""
    for name, errors in form.errors.get_json_data().items():
        field_ = form.fields.get(name)
        for error in errors:
            messages.error(request, f"{field_.label}: {error['message']}" if field_ else error["message"])


def error_field(exc: ApplicationError, fields: Iterable[str]) -> str | None:
    """The form field a service error names (``extra["field"]``), or ``None`` for the form."""
    name = exc.extra.get("field")
    return name if name in set(fields) else None


# -- statuses and rows -------------------------------------------------------------------------

STATUS_LABELS: dict[str, Any] = {OVERDUE: OVERDUE_LABEL, **dict(TaskStatus.choices)}


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


@dataclass
class TaskRow:
    """A task as a row of the plan page: its display status (overdue decided today)."""

    task: Task
    status: str
    status_label: str
    coordinating: list[OrgUnit]
    editable: bool
    saved: bool = False


def task_rows(tasks: Iterable[Task], *, today: dt.date, editable: bool) -> list[TaskRow]:
    calendar = work_calendar()
    rows = []
    for task in tasks:
        status = display_status(status=task.status, due_date=task.due_date, today=today, calendar=calendar)
        rows.append(
            TaskRow(
                task=task,
                status=status,
                status_label=status_label(status),
                coordinating=sorted(task.coordinating_units.all(), key=lambda unit: unit.tree_key),
                editable=editable,
            )
        )
    return rows


# -- the plan: whole, or through the user's tasks ----------------------------------------------


def plan_or_404(user: Any, plan_id: int, *, whole: bool = False) -> Plan:
    """The plan (seen whole when ``whole``: dashboard, exports, changes), else ``Http404``."""
    if whole:
        return plan_get_whole_for_user(user=user, plan_id=plan_id)
    plan, _whole = plan_for_user(user=user, plan_id=plan_id)
    return plan


def plan_url(plan: Plan, anchor: str = "") -> str:
    url = reverse("plans:plan_detail", args=[plan.pk])
    return f"{url}#{anchor}" if anchor else url


def task_url(task: Task, anchor: str = "") -> str:
    url = reverse("tasks:task_detail", args=[task.pk])
    return f"{url}#{anchor}" if anchor else url

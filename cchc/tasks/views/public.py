"""Public pages, without a login: the tasks the reform office published and their timelines."""

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from cchc.core.calendar import work_calendar
from cchc.tasks.calculations import display_status
from cchc.tasks.selectors import (
    public_task_list,
    task_timeline,
)
from cchc.tasks.views.common import (
    PUBLIC_TASKS_PER_PAGE,
    HtmxHttpRequest,
    status_label,
)


@require_safe
def public_task_index(request: HtmxHttpRequest) -> HttpResponse:
    """The tasks the reform office published, for anyone, without a login."""
    today = timezone.localdate()
    page = Paginator(public_task_list(), PUBLIC_TASKS_PER_PAGE).get_page(request.GET.get("page"))
    calendar = work_calendar()
    rows = []
    for task in page.object_list:
        status = display_status(status=task.status, due_date=task.due_date, today=today, calendar=calendar)
        rows.append({"task": task, "status": status, "status_label": status_label(status)})
    return render(request, "tasks/public_task_list.html", {"page": page, "rows": rows, "query": ""})


@require_safe
def public_task_detail(request: HtmxHttpRequest, task_id: int) -> HttpResponse:
    """A published task's timeline: what, who, when, and the accepted progress reports.

    A task that is not public is a 404, like one that does not exist.
    """
    task = public_task_list().filter(pk=task_id).first()
    if task is None:
        raise Http404
    today = timezone.localdate()
    status = display_status(status=task.status, due_date=task.due_date, today=today, calendar=work_calendar())
    context = {
        "task": task,
        "status": status,
        "status_label": status_label(status),
        "timeline": task_timeline(task=task),
    }
    return render(request, "tasks/public_task_detail.html", context)

"""The working plan's pages: the plan page, a task, the dashboard, the public timeline.

Every object comes through a selector or policy scoped to the user. A plan, task or
update the user may not see is a 404; one the user sees but may not act on (edit,
report, review) is a 403, raised by the view for pages and forms and by the service
for the write itself (``PermissionDeniedError``), so both answer alike.

One view serves a page and its HTMX partials; without JavaScript the same URLs
redirect back to the page with a message. The modules: ``plans`` (the plan page, its
actions and inline task editing), ``progress`` (the task page and the review of
updates), ``targets`` (the plan's targets), ``dashboard``, ``public``; ``common`` holds what they share.
"""

from cchc.tasks.views.dashboard import bar_chart, plan_dashboard
from cchc.tasks.views.plans import (
    plan_close,
    plan_detail,
    plan_export_docx,
    plan_export_xlsx,
    plan_generate_tasks,
    plan_import_xlsx,
    plan_issue,
    plan_unit_plan_create,
    task_edit,
)
from cchc.tasks.views.progress import (
    task_detail,
    task_update_create,
    update_accept,
    update_edit,
    update_return,
    update_submit,
)
from cchc.tasks.views.public import public_task_detail, public_task_index
from cchc.tasks.views.targets import target_create, target_delete, target_edit, target_report

__all__ = [
    "bar_chart",
    "plan_close",
    "plan_dashboard",
    "plan_detail",
    "plan_export_docx",
    "plan_export_xlsx",
    "plan_generate_tasks",
    "plan_import_xlsx",
    "plan_issue",
    "plan_unit_plan_create",
    "public_task_detail",
    "public_task_index",
    "target_create",
    "target_delete",
    "target_edit",
    "target_report",
    "task_detail",
    "task_edit",
    "task_update_create",
    "update_accept",
    "update_edit",
    "update_return",
    "update_submit",
]

"""The sheet's columns and what the export writes in them for a task."""

import datetime as dt
from typing import Any

from cchc.plans.models import Plan
from cchc.tasks.choices import ProductKind
from cchc.tasks.models import Task
from cchc.tasks.spreadsheets.units import UnitDirectory

COL_CODE = "STT"
COL_TITLE = "Nội dung nhiệm vụ"
COL_LEAD = "Cơ quan chủ trì"
COL_COORDINATING = "Cơ quan phối hợp"
COL_PRODUCT = "Sản phẩm"
COL_DEADLINE = "Thời gian hoàn thành"
COL_PROGRESS = "Tiến độ"
COLUMNS = (COL_CODE, COL_TITLE, COL_LEAD, COL_COORDINATING, COL_PRODUCT, COL_DEADLINE, COL_PROGRESS)
COLUMN_WIDTHS = (10, 60, 24, 34, 28, 18, 10)
SHEET_TITLE = "Nhiệm vụ"
DATE_FORMAT = "DD/MM/YYYY"
PROGRESS_FORMAT = '0"%"'


def _product_cell(task: Task) -> str:
    if task.product:
        return task.product
    return "" if task.product_kind == ProductKind.OTHER else str(ProductKind(task.product_kind).label)


def _deadline_cell(task: Task) -> dt.date | str:
    if task.deadline_label:
        return task.deadline_label
    return task.due_date if task.due_date else ""


def task_cells(task: Task, directory: UnitDirectory) -> dict[str, Any]:
    """The row the export writes for ``task``, by column name (a date stays a date).

    ``task.coordinating_units`` should be prefetched.
    """
    return {
        COL_CODE: task.code,
        COL_TITLE: task.title,
        COL_LEAD: directory.label(task.lead_unit),
        COL_COORDINATING: directory.labels(list(task.coordinating_units.all())),
        COL_PRODUCT: _product_cell(task),
        COL_DEADLINE: _deadline_cell(task),
        COL_PROGRESS: task.progress,
    }


def plan_tasks(plan: Plan) -> list[Task]:
    """The plan's tasks in sheet order, with what the rows need loaded."""
    return list(
        Task.objects.filter(plan=plan)
        .select_related("lead_unit")
        .prefetch_related("coordinating_units")
        .order_by("position", "code")
    )


def max_length(field_name: str) -> int:
    """The model's limit for a text field of ``Task``, so the sheet check and the database agree."""
    return int(getattr(Task._meta.get_field(field_name), "max_length", 0) or 0)

"""A plan's tasks written as an XLSX sheet in the appendix layout."""

import datetime as dt
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from cchc.plans.models import Plan
from cchc.tasks.spreadsheets.layout import (
    COL_CODE,
    COL_DEADLINE,
    COL_PROGRESS,
    COLUMN_WIDTHS,
    COLUMNS,
    DATE_FORMAT,
    PROGRESS_FORMAT,
    SHEET_TITLE,
    plan_tasks,
    task_cells,
)
from cchc.tasks.spreadsheets.units import UnitDirectory

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FONT = "Times New Roman"


def plan_export_xlsx(*, plan: Plan) -> bytes:
    """The plan's tasks as an XLSX workbook in the appendix layout (see the module doc).

    Row 1 holds the plan title, row 2 a subtitle, row 3 the header (bold, frozen,
    repeated on every printed page); one row per task after it, in plan order.
    """
    directory = UnitDirectory.for_plan(plan)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook always has its first sheet
    sheet.title = SHEET_TITLE
    last = get_column_letter(len(COLUMNS))

    sheet.append([plan.title])
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"].font = Font(name=_FONT, size=14, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.row_dimensions[1].height = 36
    sheet.append([_("Phụ lục: Danh mục nhiệm vụ")])
    sheet.merge_cells(f"A2:{last}2")
    sheet["A2"].font = Font(name=_FONT, size=12, italic=True)
    sheet["A2"].alignment = Alignment(horizontal="center")

    sheet.append(list(COLUMNS))
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(name=_FONT, size=12, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = _BORDER
    for task in plan_tasks(plan):
        values = task_cells(task, directory)
        sheet.append([values[name] for name in COLUMNS])
        for name, cell in zip(COLUMNS, sheet[sheet.max_row], strict=True):
            cell.font = Font(name=_FONT, size=12)
            cell.border = _BORDER
            centred = name in (COL_CODE, COL_DEADLINE, COL_PROGRESS)
            cell.alignment = Alignment(horizontal="center" if centred else "left", vertical="top", wrap_text=True)
            if name == COL_DEADLINE and isinstance(cell.value, dt.date):
                cell.number_format = DATE_FORMAT
            elif name == COL_PROGRESS:
                cell.number_format = PROGRESS_FORMAT
            elif name == COL_CODE:
                cell.number_format = "@"  # a code like "1.10" must stay text
    for index, width in enumerate(COLUMN_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    workbook.properties.title = plan.title[:255]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

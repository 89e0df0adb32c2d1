"""A plan's tasks as an XLSX sheet in the appendix layout, and the same sheet read back.

The sheet has one row per task under a header row with exactly the columns of
``COLUMNS`` (a title row above it is allowed: the header is found by its cells, in the
first ``HEADER_SEARCH_ROWS`` rows of the first sheet that has it). What each column
holds, and how the import reads it back:

* **STT** – the task code ("II.3.a"), which is how a row finds its task in the plan.
  A row without one is a new task and gets the next free code "N1", "N2", …; a code
  the plan does not have creates a task with that code. Tasks missing from the sheet
  are left alone (an import never deletes). A new task whose code is the path of a
  node of the plan ("II.3") is linked to that node.
* **Nội dung nhiệm vụ** – the title (required).
* **Cơ quan chủ trì** / **Cơ quan phối hợp** – units by short name (or full name, or
  code, when the short name would be ambiguous), several coordinating units separated
  by "; ". Read back by code, exact name, short name, then the accent- and
  OCR-tolerant ``match_units`` (reported in ``SpreadsheetSummary.warnings``). A cohort
  name ("Các sở, ban, ngành") among the coordinating units stands for its members of
  the plan's year.
* **Sản phẩm** – the product text, or the product kind's label when there is none.
  A kind's label reads back as that kind; a text starting with a kind's words
  ("Báo cáo kết quả …") sets the kind too.
* **Thời gian hoàn thành** – a date cell (dd/mm/yyyy) or the deadline label as written
  ("Quý II/2023", "Hằng quý", "Thường xuyên"). Labels are kept as typed and give the
  deadline kind and date (end of the quarter, month or half-year; 31/12 for "Năm 2023"
  and "Thường xuyên"; a date inside the label, "Trước 30/6/2023"; "Hằng tháng" and
  "Hằng quý" get their occurrences). An unknown label is an error naming the forms.
* **Tiến độ** – the progress as a whole percent 0–100 (written as a number shown with
  "%"; "60", "60%" and Excel percent cells are read). A status label ("Hoàn thành đúng
  hạn", "Hủy bỏ", …) is accepted instead and sets the status (done: progress 100); an
  empty cell leaves the progress as it is.

The import compares every cell with what the export would write for the task first,
so an exported sheet imported unchanged changes nothing, whatever a label means.
Every row is checked and every problem reported (``tasks.invalid_file``, one located
Vietnamese message per problem in ``extra["errors"]``) before anything is written;
then all changes go through ``task_create``/``task_update`` in one transaction, so
each task change has its audit row and a failure leaves the plan as it was. An import
that changed something also writes one ``plan.tasks_imported`` row (file name, SHA-256,
codes created and updated).
"""

from cchc.tasks.spreadsheets.export import plan_export_xlsx
from cchc.tasks.spreadsheets.importing import SpreadsheetSummary, plan_import_xlsx
from cchc.tasks.spreadsheets.layout import COLUMNS, plan_tasks, task_cells
from cchc.tasks.spreadsheets.units import UnitDirectory

__all__ = [
    "COLUMNS",
    "SpreadsheetSummary",
    "UnitDirectory",
    "plan_export_xlsx",
    "plan_import_xlsx",
    "plan_tasks",
    "task_cells",
]

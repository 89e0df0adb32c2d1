"""An XLSX sheet in the appendix layout read back into a plan's tasks, all or nothing."""

import hashlib
import io
import re
from collections.abc import Generator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from cchc.audit.services import audit_record
from cchc.core.errors import ApplicationError, PermissionDeniedError
from cchc.organizations.io import SourceRef
from cchc.organizations.models import OrgUnit
from cchc.plans.models import Plan, PlanNode
from cchc.plans.policies import plan_policy
from cchc.tasks.choices import DeadlineKind
from cchc.tasks.models import Task
from cchc.tasks.services import task_create, task_update
from cchc.tasks.spreadsheets.layout import (
    COL_CODE,
    COL_COORDINATING,
    COL_DEADLINE,
    COL_LEAD,
    COL_PRODUCT,
    COL_PROGRESS,
    COL_TITLE,
    COLUMNS,
    max_length,
    plan_tasks,
    task_cells,
)
from cchc.tasks.spreadsheets.units import UnitDirectory, casefold_key, clean
from cchc.tasks.spreadsheets.values import (
    Cell,
    Errors,
    SheetRow,
    parse_deadline,
    parse_progress,
    product_fields,
    same,
)

HEADER_SEARCH_ROWS = 20
MAX_DATA_ROWS = 5000
NEW_CODE_PREFIX = "N"
IMPORT_ACTION = "plan.tasks_imported"

_RECURRING = frozenset({DeadlineKind.MONTHLY, DeadlineKind.QUARTERLY})


@dataclass(frozen=True)
class SpreadsheetSummary:
    """What an import did, by task code in sheet order; ``warnings`` are guessed unit names."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def message(self) -> str:
        """One Vietnamese sentence for the page: ``Đã tạo 2, cập nhật 1, giữ nguyên 5 nhiệm vụ.``"""
        return _("Đã tạo %(created)d, cập nhật %(updated)d, giữ nguyên %(unchanged)d nhiệm vụ.") % {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
        }


def _header_columns(values: Sequence[Any]) -> dict[str, list[int]]:
    """Known column names in a row → their 0-based positions (a repeated name has several)."""
    wanted = {casefold_key(name): name for name in COLUMNS}
    found: dict[str, list[int]] = {}
    for index, value in enumerate(values):
        if isinstance(value, str):
            # "Tiến độ (%)" is the column "Tiến độ".
            name = wanted.get(casefold_key(re.sub(r"\(.*\)\s*$", "", value)))
            if name:
                found.setdefault(name, []).append(index)
    return found


def _open_rows(data: bytes, errors: Errors) -> Generator[tuple[int, list[Cell]]] | None:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl fails on foreign files with many unrelated types
        errors.add(
            None,
            None,
            _(
                "không đọc được tệp Excel (.xlsx): tệp hỏng hoặc không phải định dạng .xlsx; "
                "hãy mở bằng Excel và lưu lại dưới dạng “Sổ làm việc Excel (*.xlsx)”"
            ),
        )
        return None

    def rows() -> Generator[tuple[int, list[Cell]]]:
        """Every row of every sheet, numbered from 1; ``(0, [])`` ends a sheet."""
        try:
            for sheet in workbook.worksheets:
                # The declared dimensions of files from other tools may be wrong.
                sheet.reset_dimensions()
                for number, cells in enumerate(sheet.iter_rows(), start=1):
                    yield number, [Cell(c.value, getattr(c, "number_format", "General")) for c in cells]
                yield 0, []
        except Exception:  # noqa: BLE001 - a damaged sheet part only surfaces while reading it
            errors.add(None, None, _("nội dung trang tính bị hỏng, không đọc hết được"))
        finally:
            workbook.close()

    return rows()


def _read_sheet(data: bytes, errors: Errors) -> list[SheetRow]:
    """The data rows under the header of the first sheet that has one; errors if none."""
    if not data:
        errors.add(None, None, _("tệp rỗng"))
        return []
    opened = _open_rows(data, errors)
    if opened is None:
        return []
    header: dict[str, int] | None = None
    header_number = 0
    rows: list[SheetRow] = []
    with closing(opened):
        for number, cells in opened:
            if number == 0:  # the end of a sheet
                if header is not None:
                    break
                continue
            if header is None:
                if number > HEADER_SEARCH_ROWS:
                    continue
                found = _header_columns([cell.value for cell in cells])
                if len(found) < 3:
                    continue
                header_number = number
                for name, positions in found.items():
                    for position in positions[1:]:
                        errors.add(
                            number,
                            name,
                            _("cột bị lặp (ở cột %(first)s và %(again)s)")
                            % {"first": get_column_letter(positions[0] + 1), "again": get_column_letter(position + 1)},
                        )
                for name in COLUMNS:
                    if name not in found:
                        errors.add(number, name, _("thiếu cột này trong dòng tiêu đề"))
                if len(errors):
                    return []
                header = {name: positions[0] for name, positions in found.items()}
                continue
            picked = {name: cells[index] if index < len(cells) else Cell(None) for name, index in header.items()}
            if not any(cell.text for cell in picked.values()):
                continue
            if len(rows) >= MAX_DATA_ROWS:
                errors.add(number, None, _("tệp có quá %(max)d dòng nhiệm vụ") % {"max": MAX_DATA_ROWS})
                return []
            rows.append(SheetRow(number, picked))
    if len(errors):
        return []
    if header is None:
        errors.add(
            None,
            None,
            _("không tìm thấy dòng tiêu đề với các cột %(columns)s trong %(n)d dòng đầu")
            % {"columns": ", ".join(f"“{name}”" for name in COLUMNS), "n": HEADER_SEARCH_ROWS},
        )
    elif not rows:
        errors.add(header_number + 1, None, _("không có dòng nhiệm vụ nào dưới dòng tiêu đề"))
    return rows


# --- rows → changes -----------------------------------------------------------------------


@dataclass
class _Change:
    row: int
    code: str
    task: Task | None
    fields: dict[str, Any]
    coordinating: list[OrgUnit] | None


class _Reader:
    """Turns sheet rows into changes against the plan's tasks, collecting every error."""

    def __init__(self, *, plan: Plan, tasks: Mapping[str, Task], errors: Errors) -> None:
        self.plan = plan
        self.tasks = tasks
        self.errors = errors
        self.directory = UnitDirectory.for_plan(plan)
        self.warnings: list[str] = []
        self._max = {name: max_length(name) for name in ("code", "title", "product")}

    def _units(self, row: int, column: str, text: str, *, single: bool) -> list[OrgUnit] | None:
        parts = [part for part in re.split(r"[;\n]", text) if clean(part)]
        if single and len(parts) > 1:
            self.errors.add(row, column, _("chỉ ghi một cơ quan chủ trì, nhận được %(n)d") % {"n": len(parts)})
            return None
        units: list[OrgUnit] = []
        ok = True
        for part in parts:
            found = self.directory.resolve(part)
            if found.error:
                self.errors.add(row, column, found.error)
                ok = False
            elif single and found.is_group:
                self.errors.add(
                    row,
                    column,
                    _("“%(text)s” là một nhóm đơn vị; cơ quan chủ trì phải là một đơn vị") % {"text": clean(part)},
                )
                ok = False
            else:
                if found.guessed_as:
                    self.warnings.append(
                        SourceRef(self.errors.file_name, row).message(
                            column,
                            _("“%(text)s” được hiểu là “%(name)s”") % {"text": clean(part), "name": found.guessed_as},
                        )
                    )
                units.extend(unit for unit in found.units if unit not in units)
        return units if ok else None

    def _text(self, row: SheetRow, column: str, field_name: str, *, required: bool) -> str | None:
        text = row.text(column)
        if required and not text:
            self.errors.add(row.number, column, _("thiếu giá trị bắt buộc"))
            return None
        limit = self._max[field_name]
        if len(text) > limit:
            self.errors.add(row.number, column, _("dài %(n)d ký tự, tối đa %(max)d") % {"n": len(text), "max": limit})
            return None
        return text

    def code(self, row: SheetRow) -> str | None:
        """The row's code, ``""`` for a new task without one, ``None`` when invalid."""
        text = self._text(row, COL_CODE, "code", required=False)
        if text and any(ch.isspace() for ch in text):
            self.errors.add(row.number, COL_CODE, _("mã “%(code)s” không được chứa khoảng trắng") % {"code": text})
            return None
        return text

    def change(self, row: SheetRow, code: str) -> _Change | None:
        task = self.tasks.get(code) if code else None
        rendered = task_cells(task, self.directory) if task else {}
        before = len(self.errors)
        fields: dict[str, Any] = {}

        def unchanged(column: str) -> bool:
            return task is not None and same(row.cells[column], rendered[column])

        if not unchanged(COL_TITLE):
            title = self._text(row, COL_TITLE, "title", required=True)
            if title is not None:
                fields["title"] = title

        if not unchanged(COL_LEAD):
            text = row.text(COL_LEAD)
            if not text:
                self.errors.add(row.number, COL_LEAD, _("thiếu giá trị bắt buộc"))
            elif (units := self._units(row.number, COL_LEAD, text, single=True)) is not None:
                fields["lead_unit"] = units[0]

        coordinating: list[OrgUnit] | None = None
        if not unchanged(COL_COORDINATING):
            coordinating = self._units(row.number, COL_COORDINATING, row.text(COL_COORDINATING), single=False)
        elif task is not None and "lead_unit" in fields:
            # Passed again so the service drops a new lead from the coordinating units.
            coordinating = list(task.coordinating_units.all())

        if not unchanged(COL_PRODUCT):
            product = self._text(row, COL_PRODUCT, "product", required=False)
            if product is not None:
                fields.update(product_fields(product, task.product_kind if task else None))

        if not unchanged(COL_DEADLINE):
            deadline = parse_deadline(row.cells[COL_DEADLINE], row.number, self.errors, year=self.plan.year)
            if deadline is not None:
                kind = deadline["deadline_kind"]
                if task is not None and kind in _RECURRING and task.deadline_kind == kind:
                    # A recurring task's date is its last occurrence, which the service keeps.
                    deadline.pop("due_date")
                fields.update(deadline)

        if not unchanged(COL_PROGRESS):
            progress = parse_progress(row.cells[COL_PROGRESS], row.number, self.errors)
            if progress is not None:
                fields.update(progress)

        if len(self.errors) > before:
            return None
        if task is None:
            return _Change(row.number, code, None, fields, coordinating or [])
        fields = {name: value for name, value in fields.items() if getattr(task, name) != value}
        if coordinating is not None:
            new_lead = fields.get("lead_unit", task.lead_unit)
            wanted = {unit.pk for unit in coordinating} - {new_lead.pk}
            current = {unit.pk for unit in task.coordinating_units.all()}
            if wanted == current and "lead_unit" not in fields:
                coordinating = None
        return _Change(row.number, code, task, fields, coordinating)


def _next_codes(taken: set[str]) -> Generator[str]:
    number = 0
    while True:
        number += 1
        code = f"{NEW_CODE_PREFIX}{number}"
        if code not in taken:
            taken.add(code)
            yield code


def _check_actor(actor: Any, plan: Plan) -> None:
    if actor is not None and not plan_policy.user_can(actor, "change", plan):
        raise PermissionDeniedError(
            _("Bạn không có quyền sửa kế hoạch “%(title)s”.") % {"title": plan.title}, code="tasks.forbidden"
        )


def plan_import_xlsx(*, actor: Any, plan: Plan, data: bytes, file_name: str) -> SpreadsheetSummary:
    """Create and update ``plan``'s tasks from an XLSX sheet in the export's layout.

    All or nothing: every row is read and checked first; any problem raises one
    ``ApplicationError`` (``tasks.invalid_file``; ``extra["errors"]`` lists every
    problem as "tệp.xlsx, dòng 7, cột Cơ quan chủ trì: …") and nothing is written.
    Otherwise the changes run through ``task_create``/``task_update`` in one
    transaction (audit rows included), plus one ``plan.tasks_imported`` audit row when
    anything changed. Rows equal to the tasks write nothing. Raises
    ``PermissionDeniedError`` when ``actor`` may not change the plan (``None`` is the
    system).
    """
    _check_actor(actor, plan)
    errors = Errors(file_name or _("tệp tải lên"))
    rows = _read_sheet(data, errors)
    errors.raise_if_any()

    with transaction.atomic():
        # Lock the plan so two imports of it do not interleave their codes.
        Plan.objects.select_for_update().filter(pk=plan.pk).first()
        tasks = {task.code: task for task in plan_tasks(plan)}
        reader = _Reader(plan=plan, tasks=tasks, errors=errors)
        first_row: dict[str, int] = {}
        changes: list[_Change] = []
        for row in rows:
            code = reader.code(row)
            if code is None:
                reader.change(row, "")  # still report the other cells of the row
                continue
            if code:
                if code in first_row:
                    errors.add(
                        row.number,
                        COL_CODE,
                        _("mã “%(code)s” trùng với dòng %(row)d") % {"code": code, "row": first_row[code]},
                    )
                    continue
                first_row[code] = row.number
            change = reader.change(row, code)
            if change is not None:
                changes.append(change)
        errors.raise_if_any()

        new_codes = _next_codes(set(tasks) | set(first_row))
        nodes = {node.path: node for node in PlanNode.objects.filter(plan=plan).only("pk", "path", "plan")}
        position = max((task.position for task in tasks.values()), default=0)
        summary = SpreadsheetSummary(warnings=reader.warnings)
        for change in changes:
            try:
                if change.task is None:
                    position += 1
                    code = change.code or next(new_codes)
                    fields = dict(change.fields)
                    task_create(
                        actor=actor,
                        plan=plan,
                        code=code,
                        title=fields.pop("title"),
                        lead_unit=fields.pop("lead_unit"),
                        coordinating_units=change.coordinating or [],
                        node=nodes.get(code),
                        position=position,
                        **fields,
                    )
                    summary.created.append(code)
                elif change.fields or change.coordinating is not None:
                    task_update(actor=actor, task=change.task, coordinating_units=change.coordinating, **change.fields)
                    summary.updated.append(change.code)
                else:
                    summary.unchanged.append(change.code)
            except PermissionDeniedError:
                raise
            except ApplicationError as exc:
                # A rule only the model knows; the row's savepoint is rolled back already.
                errors.add(change.row, None, exc.message)
        errors.raise_if_any()
        if summary.changed:
            audit_record(
                actor=actor,
                action=IMPORT_ACTION,
                obj=plan,
                unit=plan.unit,
                changes={
                    "file_name": [None, file_name],
                    "sha256": [None, hashlib.sha256(data).hexdigest()],
                    "created": [None, summary.created],
                    "updated": [None, summary.updated],
                },
            )
    return summary

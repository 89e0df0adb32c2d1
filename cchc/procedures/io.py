"""Reading and writing the procedure catalogue as CSV (UTF-8) or XLSX, with the same columns.

A header cell may be the English key (``time_limit_days``) or its Vietnamese label
(``Thời hạn giải quyết (ngày làm việc)``), in any case and with or without
diacritics, so a sheet typed by an officer imports as it is. CSV exports write the
keys, XLSX exports the labels; both read back to the same rows. The computed cost
columns are written for readers and ignored on import (they are recomputed).

Reading validates every row and collects every problem before raising one
``ApplicationError`` (``procedures.invalid_file``) whose ``extra["errors"]`` holds
each message with its file, line and column. Nothing here touches the database:
unknown unit codes are checked by ``procedures.importing``.
"""

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from cchc.core.errors import ApplicationError
from cchc.core.text import fold
from cchc.organizations.io import CODE_PATTERN, ErrorList, SourceRef, decode_text, split_codes
from cchc.procedures.calculations import DEFAULT_HOURLY_COST
from cchc.procedures.choices import LEVEL_ALIASES, ONLINE_LEVEL_ALIASES, CostActivity, Level, OnlineLevel
from cchc.procedures.models import Procedure, hours_field_name

Format = Literal["csv", "xlsx"]
FORMATS: tuple[Format, ...] = ("csv", "xlsx")
ERROR_CODE = "procedures.invalid_file"
MAX_ROWS = 20000
XLSX_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Column:
    """One file column: its key, Vietnamese label, other accepted names and value kind."""

    key: str
    label: str
    kind: str
    aliases: tuple[str, ...] = ()
    required: bool = False


_ACTIVITY_LABELS = {
    CostActivity.INFORMATION: "tìm hiểu thông tin",
    CostActivity.PREPARATION: "chuẩn bị hồ sơ",
    CostActivity.SUBMISSION: "nộp hồ sơ",
    CostActivity.FOLLOW_UP: "theo dõi, bổ sung",
    CostActivity.RECEIPT: "nhận kết quả",
}
_STAGE_LABELS = {"before": "trước", "after": "sau"}


def _cost_columns() -> list[Column]:
    columns = [
        Column("dossiers_per_year", "Số hồ sơ/năm", "int", ("so ho so/nam", "so ho so")),
        Column("hourly_cost", "Chi phí giờ công (đồng/giờ)", "money", ("chi phi gio cong",)),
    ]
    for stage, stage_label in _STAGE_LABELS.items():
        kind = "hours" if stage == "before" else "hours_after"
        for activity in CostActivity.values:
            label = f"Số giờ {_ACTIVITY_LABELS[CostActivity(activity)]} – {stage_label}"
            columns.append(Column(hours_field_name(activity, stage), label, kind))
        money = "money" if stage == "before" else "money_after"
        columns.append(Column(f"fees_{stage}", f"Phí, lệ phí – {stage_label} (đồng)", money))
        columns.append(Column(f"other_costs_{stage}", f"Chi phí khác – {stage_label} (đồng)", money))
    return columns


COLUMNS: tuple[Column, ...] = (
    Column("code", "Mã thủ tục", "code", ("ma tthc", "ma thu tuc hanh chinh", "ma"), required=True),
    Column("name", "Tên thủ tục", "text", ("ten tthc", "ten thu tuc hanh chinh", "ten"), required=True),
    Column("field", "Lĩnh vực", "text", ("linh vuc",), required=True),
    Column("level", "Cấp thực hiện", "level", ("cap",), required=True),
    Column(
        "time_limit_days",
        "Thời hạn giải quyết (ngày làm việc)",
        "int",
        ("thoi han giai quyet", "thoi han (ngay lam viec)", "thoi han"),
        required=True,
    ),
    Column("competent_authority", "Cơ quan có thẩm quyền", "text", ("co quan thuc hien",)),
    Column("unit_codes", "Mã đơn vị thực hiện", "codes", ("don vi thuc hien",)),
    Column("fee", "Phí, lệ phí (đồng)", "money_optional", ("phi, le phi", "le phi")),
    Column("fee_note", "Ghi chú phí, lệ phí", "text"),
    Column("online_level", "Mức độ trực tuyến", "online", ("dich vu cong truc tuyen", "muc do dvc")),
    Column("legal_basis", "Căn cứ pháp lý", "text", ("can cu phap ly",)),
    *_cost_columns(),
)
COMPUTED_COLUMNS: tuple[Column, ...] = (
    Column("cost_per_dossier_before", "Chi phí/hồ sơ – trước (đồng)", "computed"),
    Column("cost_per_year_before", "Chi phí/năm – trước (đồng)", "computed"),
    Column("cost_per_dossier_after", "Chi phí/hồ sơ – sau (đồng)", "computed"),
    Column("cost_per_year_after", "Chi phí/năm – sau (đồng)", "computed"),
    Column("reduction_percent", "Tỷ lệ cắt giảm (%)", "computed"),
)
IGNORED_COLUMNS: tuple[Column, ...] = (
    *COMPUTED_COLUMNS,
    Column("note", "Ghi chú", "computed"),
    Column("stt", "STT", "computed"),
)
EXPORT_COLUMNS: tuple[Column, ...] = (*COLUMNS, *COMPUTED_COLUMNS)
VALUE_KEYS = tuple(column.key for column in COLUMNS if column.key != "unit_codes")


def _header_key(text: str) -> str:
    return re.sub(r"\s+", " ", fold(str(text)).strip().rstrip("*").strip())


HEADER_ALIASES: dict[str, Column] = {}
for _column in (*COLUMNS, *IGNORED_COLUMNS):
    for _name in (_column.key, _column.label, *_column.aliases):
        HEADER_ALIASES.setdefault(_header_key(_name), _column)


def _max_length(name: str) -> int:
    """The model's limit, so the file check and the database never disagree."""
    return int(getattr(Procedure._meta.get_field(name), "max_length", 0) or 0)


@dataclass(frozen=True)
class ProcedureRow:
    """One procedure as read from a file: model field values by name, and unit codes."""

    values: dict[str, Any]
    unit_codes: tuple[str, ...] = ()
    source: SourceRef | None = field(default=None, compare=False)

    @property
    def code(self) -> str:
        return str(self.values["code"])


class _Errors(ErrorList):
    def raise_if_any(self) -> None:
        if self.messages:
            raise invalid_file_error(self.filename, self.messages)


def invalid_file_error(filename: str, messages: Sequence[str]) -> ApplicationError:
    """The one error a rejected file gives: a headline and every located message."""
    headline = _("Tệp %(file)s có %(count)d lỗi; không có thay đổi nào được ghi.") % {
        "file": filename,
        "count": len(messages),
    }
    return ApplicationError("\n".join([headline, *messages]), code=ERROR_CODE, extra={"errors": list(messages)})


# --- values --------------------------------------------------------------------------------

_THOUSANDS = re.compile(r"^\d{1,3}([.,]\d{3})+$")
_INTEGER = re.compile(r"^\d+$")
_DECIMAL = re.compile(r"^\d+([.,]\d+)?$")
_CURRENCY = re.compile(r"\s*(đồng|đ|vnđ|vnd)\s*$", re.IGNORECASE)


def parse_money(raw: str) -> Decimal | None:
    """Whole đồng: ``50000``, ``50.000``, ``50,000``, ``50 000 đ``; ``None`` if not one."""
    text = _CURRENCY.sub("", raw).replace(" ", "").replace("\u00a0", "")
    if _INTEGER.match(text):
        return Decimal(text)
    if _THOUSANDS.match(text):
        return Decimal(text.replace(".", "").replace(",", ""))
    return None


def parse_hours(raw: str) -> Decimal | None:
    """Hours with at most two decimals, point or comma: ``1.5``, ``1,5``; ``None`` if not one."""
    text = raw.replace(" ", "")
    if not _DECIMAL.match(text):
        return None
    value = Decimal(text.replace(",", "."))
    if value != value.quantize(Decimal("0.01")):
        return None
    return value


def _choice(raw: str, enum: type[Level] | type[OnlineLevel], aliases: Mapping[str, str]) -> str | None:
    if raw in enum.values:
        return raw
    folded = _header_key(raw)
    if folded in aliases:
        return aliases[folded]
    for value, label in enum.choices:
        if _header_key(str(label)) == folded:
            return str(value)
    return None


def _parse_value(column: Column, raw: str, errors: list[str]) -> Any:
    """The typed value of one cell, appending a message to ``errors`` when it is wrong."""
    kind = column.kind
    if not raw:
        if column.required:
            errors.append(_("thiếu giá trị bắt buộc"))
            return None
        return {
            "int": None,
            "money": DEFAULT_HOURLY_COST if column.key == "hourly_cost" else Decimal(0),
            "hours": Decimal(0),
            "online": OnlineLevel.NONE.value,
        }.get(kind, "" if kind in {"text", "code"} else None)
    if kind in {"text", "code"}:
        limit = _max_length(column.key)
        if limit and len(raw) > limit:
            errors.append(_("dài %(n)d ký tự, tối đa %(max)d") % {"n": len(raw), "max": limit})
        elif kind == "code" and not CODE_PATTERN.match(raw):
            errors.append(
                _("mã '%(code)s' không hợp lệ: chỉ dùng chữ cái không dấu, chữ số và các dấu . _ -") % {"code": raw}
            )
        return raw
    if kind == "level":
        level = _choice(raw, Level, LEVEL_ALIASES)
        if level is None:
            errors.append(
                _("cấp thực hiện không hợp lệ '%(value)s' (chọn một trong: %(choices)s)")
                % {"value": raw, "choices": ", ".join(f"{v} ({label})" for v, label in Level.choices)}
            )
        return level
    if kind == "online":
        online = _choice(raw, OnlineLevel, ONLINE_LEVEL_ALIASES)
        if online is None:
            errors.append(
                _("mức độ trực tuyến không hợp lệ '%(value)s' (chọn một trong: %(choices)s)")
                % {"value": raw, "choices": ", ".join(f"{v} ({label})" for v, label in OnlineLevel.choices)}
            )
        return online
    if kind == "int":
        if not _INTEGER.match(raw):
            errors.append(_("phải là số nguyên không âm, nhận được '%(value)s'") % {"value": raw})
            return None
        return int(raw)
    if kind in {"money", "money_after", "money_optional"}:
        money = parse_money(raw)
        if money is None:
            errors.append(_("phải là số tiền nguyên (đồng) không âm, nhận được '%(value)s'") % {"value": raw})
        return money
    if kind in {"hours", "hours_after"}:
        hours = parse_hours(raw)
        if hours is None:
            errors.append(
                _("phải là số giờ không âm, tối đa 2 chữ số thập phân, nhận được '%(value)s'") % {"value": raw}
            )
        elif hours >= Decimal("1000000"):
            errors.append(_("số giờ quá lớn (%(value)s)") % {"value": raw})
        return hours
    raise ValueError(f"Unknown column kind {kind!r}")  # pragma: no cover - a programming error


# --- file → cells ------------------------------------------------------------------------------

Cells = tuple[SourceRef, list[str]]


def _cell_text(value: Any) -> str:
    """An XLSX cell as the text a CSV would carry: ``5.0`` → ``5``, a date as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f")
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def _xlsx_rows(data: bytes, filename: str, errors: _Errors) -> list[Cells]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many types for a broken archive
        errors.add(SourceRef(filename, 1), None, _("không đọc được tệp Excel (.xlsx): tệp hỏng hoặc sai định dạng"))
        return []
    try:
        sheet = workbook.worksheets[0]
        rows: list[Cells] = []
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            rows.append((SourceRef(filename, number), [_cell_text(value) for value in row]))
            if number > MAX_ROWS:
                break
        return rows
    finally:
        workbook.close()


def _csv_rows(data: bytes, filename: str, errors: _Errors) -> list[Cells]:
    try:
        text = decode_text(data, filename)
    except ApplicationError as exc:
        errors.messages.extend(exc.extra.get("errors", [exc.message]))
        return []
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return []
    delimiter = max(
        (",", ";", "\t"), key=lambda d: sum(_header_key(c.strip('"')) in HEADER_ALIASES for c in lines[0].split(d))
    )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[Cells] = []
    previous_end = 0
    try:
        for cells in reader:
            rows.append((SourceRef(filename, previous_end + 1), [cell.strip() for cell in cells]))
            previous_end = reader.line_num
    except csv.Error:
        errors.add(
            SourceRef(filename, previous_end + 1),
            None,
            _('CSV không hợp lệ: dấu ngoặc kép (") chưa đóng hoặc đặt sai chỗ trong ô'),
        )
    return rows


# --- cells → rows --------------------------------------------------------------------------------


def _header(cells: Sequence[str], ref: SourceRef, *, xlsx: bool, errors: _Errors) -> dict[int, tuple[Column, str]]:
    """Position → (column, how to name it in messages); reports unknown, repeated, missing columns."""
    mapping: dict[int, tuple[Column, str]] = {}
    seen: set[str] = set()
    for position, text in enumerate(cells):
        if not text:
            continue
        place = f"{get_column_letter(position + 1)} ({text})" if xlsx else text
        column = HEADER_ALIASES.get(_header_key(text))
        if column is None:
            errors.add(
                ref,
                place,
                _("cột không được hỗ trợ; các cột hợp lệ: %(columns)s")
                % {"columns": ", ".join(c.key for c in COLUMNS)},
            )
        elif column.key in seen:
            errors.add(ref, place, _("cột '%(name)s' bị lặp") % {"name": column.key})
        else:
            seen.add(column.key)
            mapping[position] = (column, place)
    for column in COLUMNS:
        if column.required and column.key not in seen:
            errors.add(ref, column.key, _("thiếu cột bắt buộc trong dòng tiêu đề"))
    return mapping


def _row(
    ref: SourceRef, cells: Sequence[str], header: Mapping[int, tuple[Column, str]], errors: _Errors
) -> ProcedureRow | None:
    before = len(errors)
    raw: dict[str, tuple[str, str]] = {}
    for position, (column, place) in header.items():
        if column.kind != "computed":
            raw[column.key] = (cells[position] if position < len(cells) else "", place)
    values: dict[str, Any] = {}
    unit_codes: tuple[str, ...] = ()
    for column in COLUMNS:
        text, place = raw.get(column.key, ("", column.key))
        if column.kind == "codes":
            unit_codes = split_codes(text)
            for code in unit_codes:
                if not CODE_PATTERN.match(code):
                    errors.add(ref, place, _("mã đơn vị '%(code)s' không hợp lệ") % {"code": code})
            continue
        problems: list[str] = []
        values[column.key] = _parse_value(column, text, problems)
        for problem in problems:
            errors.add(ref, place, problem)
    if len(errors) > before:
        return None
    return ProcedureRow(values=values, unit_codes=unit_codes, source=ref)


def detect_format(filename: str, data: bytes) -> Format:
    """By content (an XLSX file is a zip archive), then by extension."""
    if data.startswith(XLSX_MAGIC) or Path(filename).suffix.lower() in {".xlsx", ".xlsm"}:
        return "xlsx"
    return "csv"


def parse_procedures(data: bytes, *, filename: str, fmt: Format | None = None) -> list[ProcedureRow]:
    """Parse and validate a catalogue file given as bytes.

    The first non-empty row is the header. Raises one ``ApplicationError``
    (``procedures.invalid_file``) listing every problem with its line and column;
    a code repeated in the file is a problem too.
    """
    errors = _Errors(filename)
    fmt = fmt or detect_format(filename, data)
    cells = _xlsx_rows(data, filename, errors) if fmt == "xlsx" else _csv_rows(data, filename, errors)
    content = [(ref, row) for ref, row in cells if any(row)]
    if not content:
        if not errors:
            errors.add(SourceRef(filename, 1), None, _("tệp rỗng, không có dòng tiêu đề"))
        errors.raise_if_any()
    header_ref, header_cells = content[0]
    header = _header(header_cells, header_ref, xlsx=fmt == "xlsx", errors=errors)
    errors.raise_if_any()
    if len(content) == 1:
        errors.add(
            SourceRef(filename, header_ref.number + 1), None, _("tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào")
        )
    code_position = next((pos for pos, (column, _place) in header.items() if column.key == "code"), None)
    rows: list[ProcedureRow] = []
    first_line: dict[str, SourceRef] = {}
    for ref, row_cells in content[1:]:
        # A repeated code is reported even when the first row with it has other errors.
        code = row_cells[code_position] if code_position is not None and code_position < len(row_cells) else ""
        if code and code in first_line:
            errors.add(
                ref,
                "code",
                _("mã '%(code)s' trùng với %(where)s") % {"code": code, "where": first_line[code].label()},
            )
            continue
        if code:
            first_line[code] = ref
        row = _row(ref, row_cells, header, errors)
        if row is not None:
            rows.append(row)
    errors.raise_if_any()
    return rows


def read_procedures(path: str | Path, *, fmt: Format | None = None) -> list[ProcedureRow]:
    """Read and validate the catalogue file at ``path`` (see ``parse_procedures``)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ApplicationError(
            _("Không đọc được tệp %(file)s: %(reason)s.") % {"file": path, "reason": exc.strerror or exc},
            code="procedures.file_unreadable",
        ) from exc
    return parse_procedures(data, filename=path.name, fmt=fmt)


# --- procedures → file ---------------------------------------------------------------------------


def procedure_record(procedure: Procedure) -> dict[str, Any]:
    """Every export column of ``procedure`` as a plain value (``None`` for an empty cell).

    ``procedure.units`` should be prefetched.
    """
    record: dict[str, Any] = {key: getattr(procedure, key) for key in VALUE_KEYS}
    record["unit_codes"] = ";".join(sorted(unit.code for unit in procedure.units.all()))
    cost = procedure.cost()
    record["cost_per_dossier_before"] = cost.before.per_dossier
    record["cost_per_year_before"] = cost.before.per_year
    record["cost_per_dossier_after"] = cost.after.per_dossier if cost.after else None
    record["cost_per_year_after"] = cost.after.per_year if cost.after else None
    record["reduction_percent"] = cost.reduction_percent
    return record


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        # 1.50 → "1.5", 40000 → "40000": never an exponent, never trailing zeros.
        return format(value.normalize(), "f")
    return str(value)


def write_procedures(procedures: Iterable[Procedure], fmt: Format) -> bytes:
    """The procedures as CSV (UTF-8 with BOM, English keys) or XLSX (Vietnamese labels).

    ``parse_procedures`` reads either back to the same rows.
    """
    records = [procedure_record(procedure) for procedure in procedures]
    if fmt == "csv":
        stream = io.StringIO()
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow([column.key for column in EXPORT_COLUMNS])
        for record in records:
            writer.writerow([_text(record[column.key]) for column in EXPORT_COLUMNS])
        # The BOM makes Excel open the file as UTF-8; the reader strips it.
        return ("\ufeff" + stream.getvalue()).encode("utf-8")
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook always has its first sheet
    sheet.title = _("Thủ tục hành chính")
    sheet.append([column.label for column in EXPORT_COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for record in records:
        sheet.append([record[column.key] for column in EXPORT_COLUMNS])
        sheet.cell(row=sheet.max_row, column=1).number_format = "@"
    widths = {"name": 60, "legal_basis": 50, "competent_authority": 30, "field": 24}
    for index, column in enumerate(EXPORT_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(column.key, 16)
    sheet.freeze_panes = "C2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

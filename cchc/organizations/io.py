"""Reading and writing org-unit files: CSV (UTF-8, with or without BOM) or JSON.

Both formats carry the same columns, so an officer can export, edit in a
spreadsheet and import again. Reading validates every row and collects every
problem before raising, each as a Vietnamese message that names the file, the
line (CSV: physical line, so a multi-line quoted cell still points at the right
place; JSON: 1-based item number) and the column. Nothing here touches the
database: cross-row and database checks (unknown parent, cohort or successor)
live in ``organizations.importing``.
"""

import codecs
import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TextIO

from django.utils.translation import gettext as _

from cchc.core.errors import ApplicationError
from cchc.organizations.choices import UnitKind
from cchc.organizations.models import Cohort, OrgUnit

Format = Literal["csv", "json"]
FORMATS: tuple[Format, ...] = ("csv", "json")

# Every file must carry these columns (values may be empty where optional), so a
# forgotten column never silently clears parents, cohorts or successors on update.
UNIT_COLUMNS = (
    "code", "name", "short_name", "kind", "parent_code",
    "statistical_code", "cohorts", "valid_from", "valid_to", "successor_codes",
)  # fmt: skip
# Optional: without it, new units are ordered as in the file and existing ones keep theirs.
SORT_COLUMN = "sort_order"
# Free text for people (sources, assumptions); read and ignored.
NOTE_COLUMN = "note"
EXPORT_COLUMNS = (*UNIT_COLUMNS, SORT_COLUMN)
LIST_COLUMNS = ("cohorts", "successor_codes", "aliases")
REQUIRED_VALUES = ("code", "name", "short_name", "kind", "valid_from")

COHORT_COLUMNS = ("code", "name")
COHORT_OPTIONAL_COLUMNS = ("description", "aliases")

LIST_SEPARATOR = ";"
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_VN_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_DELIMITERS = (",", ";", "\t")


def _max_length(model: type[OrgUnit] | type[Cohort], name: str) -> int:
    """The model's own limit, so the file check and the database never disagree."""
    length = getattr(model._meta.get_field(name), "max_length", None)
    return int(length) if length else 0


@dataclass(frozen=True)
class SourceRef:
    """Where a row came from: a CSV physical line or a 1-based JSON item number."""

    filename: str
    number: int
    item: bool = False

    def label(self) -> str:
        """``dòng 7`` or ``mục 3``."""
        template = _("mục %(n)d") if self.item else _("dòng %(n)d")
        return template % {"n": self.number}

    def describe(self, column: str | None = None) -> str:
        """``units.csv, dòng 7, cột valid_from``."""
        text = f"{self.filename}, {self.label()}"
        if column:
            text += ", " + _("cột %(column)s") % {"column": column}
        return text

    def message(self, column: str | None, text: str) -> str:
        """One located error message, ending with a full stop."""
        text = text.rstrip()
        if not text.endswith((".", "!", "?")):
            text += "."
        return f"{self.describe(column)}: {text}"


@dataclass(frozen=True)
class UnitRow:
    """One unit as read from a file (or about to be written to one)."""

    code: str
    name: str
    short_name: str
    kind: str
    valid_from: dt.date
    parent_code: str = ""
    statistical_code: str = ""
    cohorts: tuple[str, ...] = ()
    valid_to: dt.date | None = None
    successor_codes: tuple[str, ...] = ()
    sort_order: int | None = None
    source: SourceRef | None = field(default=None, compare=False)


@dataclass(frozen=True)
class CohortRow:
    """One cohort definition: code, name, description, other names used in documents."""

    code: str
    name: str
    description: str = ""
    aliases: tuple[str, ...] = ()
    source: SourceRef | None = field(default=None, compare=False)


class ErrorList:
    """Collects located messages; ``raise_if_any`` turns them into one ApplicationError."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.messages: list[str] = []

    def __len__(self) -> int:
        return len(self.messages)

    def add(self, ref: SourceRef, column: str | None, text: str) -> None:
        self.messages.append(ref.message(column, text))

    def raise_if_any(self) -> None:
        if self.messages:
            raise invalid_file_error(self.filename, self.messages)


def invalid_file_error(filename: str, messages: Sequence[str]) -> ApplicationError:
    """The one error a rejected file gives: a headline plus every located message."""
    headline = _("Tệp %(file)s có %(count)d lỗi; không có thay đổi nào được ghi.") % {
        "file": filename,
        "count": len(messages),
    }
    return ApplicationError(
        "\n".join([headline, *messages]),
        code="organizations.invalid_file",
        extra={"errors": list(messages)},
    )


# --- values ---------------------------------------------------------------------------


def parse_date(value: str) -> dt.date | None:
    """``YYYY-MM-DD`` or ``DD/MM/YYYY`` (day and month may have one digit); ``None`` if invalid."""
    value = value.strip()
    if match := _ISO_DATE.match(value):
        year, month, day = (int(part) for part in match.groups())
    elif match := _VN_DATE.match(value):
        day, month, year = (int(part) for part in match.groups())
    else:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def split_codes(value: str) -> tuple[str, ...]:
    """``"SBN; HUYEN;;"`` → ``("SBN", "HUYEN")``; duplicates dropped, order kept."""
    parts = (part.strip() for part in value.split(LIST_SEPARATOR))
    return tuple(dict.fromkeys(part for part in parts if part))


def _format_day(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else _("không thời hạn")


# --- bytes → text -----------------------------------------------------------------------


def detect_format(filename: str, text: str) -> Format:
    """By extension, else by content: a file starting with ``[`` or ``{`` is JSON."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".json":
        return "json"
    if suffix in {".csv", ".txt", ".tsv"}:
        return "csv"
    return "json" if text.lstrip()[:1] in {"[", "{"} else "csv"


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based (line, character column) of byte ``offset``."""
    line = data.count(b"\n", 0, offset) + 1
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return line, column


def decode_text(data: bytes, filename: str) -> str:
    """UTF-8 text with any BOM removed, or an ``invalid_file`` error saying where it broke."""
    errors = ErrorList(filename)
    first = SourceRef(filename, 1)
    if data.startswith(b"PK\x03\x04"):
        errors.add(
            first,
            "1",
            _("đây là tệp nén hoặc tệp Excel (.xlsx), không phải CSV/JSON; hãy lưu lại dưới dạng 'CSV UTF-8'"),
        )
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        errors.add(first, "1", _("tệp mã hóa UTF-16; hãy lưu lại dưới dạng 'CSV UTF-8'"))
    errors.raise_if_any()
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    nul = data.find(b"\x00")
    if nul >= 0:
        line, column = _position(data, nul)
        errors.add(
            SourceRef(filename, line),
            str(column),
            _("tệp chứa byte rỗng (NUL): có vẻ là tệp nhị phân, không phải văn bản CSV/JSON"),
        )
        errors.raise_if_any()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position(data, exc.start)
        errors.add(
            SourceRef(filename, line),
            str(column),
            _("tệp không phải văn bản UTF-8 (byte 0x%(byte)02x không hợp lệ); hãy lưu lại dưới dạng 'CSV UTF-8'")
            % {"byte": data[exc.start]},
        )
        raise invalid_file_error(filename, errors.messages) from exc


# --- text → located records ---------------------------------------------------------------

Record = tuple[SourceRef, dict[str, Any]]


def _check_header(
    names: Sequence[str],
    ref: SourceRef,
    *,
    required: Sequence[str],
    optional: Sequence[str],
    errors: ErrorList,
    item: bool = False,
) -> None:
    allowed = [*required, *optional]
    seen: set[str] = set()
    for position, name in enumerate(names, start=1):
        column = name if item else f"{position} ({name or _('trống')})"
        if name in seen:
            errors.add(ref, column, _("cột '%(name)s' bị lặp") % {"name": name})
        elif name not in allowed:
            errors.add(
                ref,
                column,
                _("cột không được hỗ trợ; các cột hợp lệ: %(columns)s") % {"columns": ", ".join(allowed)},
            )
        seen.add(name)
    for name in required:
        if name not in seen:
            what = _("thiếu trường bắt buộc") if item else _("thiếu cột bắt buộc trong dòng tiêu đề")
            errors.add(ref, name, what)


def _pick_delimiter(header_line: str, known: Iterable[str]) -> str:
    """The delimiter that splits the header into the most known column names.

    Excel with Vietnamese regional settings writes ``;``-separated CSV.
    """
    known = set(known)

    def score(delimiter: str) -> int:
        return sum(1 for cell in header_line.split(delimiter) if cell.strip().strip('"').strip().lower() in known)

    return max(_DELIMITERS, key=score)


def _read_csv(
    text: str, filename: str, *, required: Sequence[str], optional: Sequence[str], errors: ErrorList
) -> tuple[list[str], list[Record]]:
    if not text.strip():
        errors.add(SourceRef(filename, 1), None, _("tệp rỗng, không có dòng tiêu đề"))
        return [], []
    first_line = next(line for line in text.splitlines() if line.strip())
    delimiter = _pick_delimiter(first_line, [*required, *optional])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    header_ref = SourceRef(filename, 1)
    records: list[Record] = []
    previous_end = 0
    try:
        for cells in reader:
            ref = SourceRef(filename, previous_end + 1)
            previous_end = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header = [cell.strip().lower() for cell in cells]
                header_ref = ref
                before = len(errors)
                _check_header(header, ref, required=required, optional=optional, errors=errors)
                if len(errors) > before:
                    # Rows read against a broken header would only repeat the same problem.
                    return header, []
                continue
            if len(cells) > len(header) and any(cell.strip() for cell in cells[len(header) :]):
                errors.add(
                    ref,
                    str(len(header) + 1),
                    _("dòng có %(cells)d ô nhưng dòng tiêu đề chỉ có %(columns)d cột")
                    % {"cells": len(cells), "columns": len(header)},
                )
                continue
            padded = [*cells, *[""] * (len(header) - len(cells))]
            records.append((ref, {name: value.strip() for name, value in zip(header, padded, strict=False)}))
    except csv.Error:
        # In strict mode the csv module only fails on quoting; point at the record's first line.
        errors.add(
            SourceRef(filename, previous_end + 1),
            None,
            _('CSV không hợp lệ: dấu ngoặc kép (") chưa đóng hoặc đặt sai chỗ trong ô'),
        )
        return header or [], records
    if header is not None and not records and not errors:
        errors.add(
            SourceRef(filename, header_ref.number + 1), None, _("tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào")
        )
    return header or [], records


def _json_value(value: Any, ref: SourceRef, key: str, errors: ErrorList, *, as_list: bool) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        errors.add(ref, key, _("giá trị phải là chuỗi, không phải true/false"))
        return ""
    if isinstance(value, int | str):
        return str(value).strip()
    if as_list and isinstance(value, list) and all(isinstance(item, str) for item in value):
        return LIST_SEPARATOR.join(item.strip() for item in value)
    what = _("chuỗi hoặc danh sách chuỗi") if as_list else _("chuỗi")
    errors.add(ref, key, _("giá trị phải là %(what)s") % {"what": what})
    return ""


def _read_json(
    text: str, filename: str, *, required: Sequence[str], optional: Sequence[str], errors: ErrorList
) -> tuple[list[str], list[Record]]:
    if not text.strip():
        errors.add(SourceRef(filename, 1), None, _("tệp rỗng"))
        return [], []
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        errors.add(
            SourceRef(filename, exc.lineno), str(exc.colno), _("JSON không hợp lệ (%(reason)s)") % {"reason": exc.msg}
        )
        return [], []
    if not isinstance(data, list):
        errors.add(SourceRef(filename, 1), None, _("nội dung JSON phải là một danh sách (mảng) các đối tượng"))
        return [], []
    if not data:
        errors.add(SourceRef(filename, 1), None, _("danh sách JSON rỗng, không có đơn vị nào"))
        return [], []
    records: list[Record] = []
    columns = [*required, *optional]
    for index, item in enumerate(data, start=1):
        ref = SourceRef(filename, index, item=True)
        if not isinstance(item, dict):
            errors.add(ref, None, _("mỗi mục phải là một đối tượng JSON {…}"))
            continue
        before = len(errors)
        _check_header(list(item), ref, required=required, optional=optional, errors=errors, item=True)
        values = {key: _json_value(item.get(key), ref, key, errors, as_list=key in LIST_COLUMNS) for key in columns}
        if len(errors) == before:
            records.append((ref, values))
    return columns, records


def _read_records(
    data: bytes,
    filename: str,
    fmt: Format | None,
    *,
    required: Sequence[str],
    optional: Sequence[str],
    errors: ErrorList,
) -> tuple[list[str], list[Record]]:
    text = decode_text(data, filename)
    fmt = fmt or detect_format(filename, text)
    reader = _read_json if fmt == "json" else _read_csv
    return reader(text, filename, required=required, optional=optional, errors=errors)


# --- records → rows -----------------------------------------------------------------------


def _check_code(value: str, ref: SourceRef, column: str, errors: ErrorList, max_length: int) -> bool:
    if not CODE_PATTERN.match(value):
        errors.add(
            ref,
            column,
            _("mã '%(code)s' không hợp lệ: chỉ dùng chữ cái không dấu, chữ số và các dấu . _ -") % {"code": value},
        )
        return False
    if len(value) > max_length:
        errors.add(ref, column, _("mã dài %(n)d ký tự, tối đa %(max)d") % {"n": len(value), "max": max_length})
        return False
    return True


def _unit_row(ref: SourceRef, values: Mapping[str, str], errors: ErrorList) -> UnitRow | None:
    before = len(errors)
    for name in REQUIRED_VALUES:
        if not values.get(name):
            errors.add(ref, name, _("thiếu giá trị bắt buộc"))
    for name in ("name", "short_name", "statistical_code"):
        limit = _max_length(OrgUnit, name)
        if len(values.get(name, "")) > limit:
            errors.add(ref, name, _("dài %(n)d ký tự, tối đa %(max)d") % {"n": len(values[name]), "max": limit})
    code_limit = _max_length(OrgUnit, "code")
    code = values.get("code", "")
    if code:
        _check_code(code, ref, "code", errors, code_limit)
    parent_code = values.get("parent_code", "")
    if parent_code:
        _check_code(parent_code, ref, "parent_code", errors, code_limit)
        if parent_code == code:
            errors.add(ref, "parent_code", _("đơn vị không thể là cấp trên của chính nó"))
    kind = values.get("kind", "")
    if kind and kind not in UnitKind.values:
        errors.add(
            ref,
            "kind",
            _("loại đơn vị không hợp lệ '%(kind)s' (chọn một trong: %(choices)s)")
            % {"kind": kind, "choices": ", ".join(UnitKind.values)},
        )
    dates: dict[str, dt.date | None] = {}
    for name in ("valid_from", "valid_to"):
        raw = values.get(name, "")
        dates[name] = parse_date(raw) if raw else None
        if raw and dates[name] is None:
            errors.add(
                ref, name, _("ngày không hợp lệ '%(value)s' (định dạng YYYY-MM-DD hoặc DD/MM/YYYY)") % {"value": raw}
            )
    valid_from, valid_to = dates["valid_from"], dates["valid_to"]
    if valid_from and valid_to and valid_to < valid_from:
        errors.add(
            ref,
            "valid_to",
            _("ngày hết hiệu lực %(to)s trước ngày bắt đầu hiệu lực %(start)s")
            % {"to": _format_day(valid_to), "start": _format_day(valid_from)},
        )
    lists: dict[str, tuple[str, ...]] = {}
    for name in LIST_COLUMNS:
        lists[name] = split_codes(values.get(name, ""))
        limit = _max_length(Cohort, "code") if name == "cohorts" else code_limit
        for item in lists[name]:
            _check_code(item, ref, name, errors, limit)
    if code and code in lists["successor_codes"]:
        errors.add(ref, "successor_codes", _("đơn vị không thể kế thừa chính nó"))
    sort_order: int | None = None
    raw_order = values.get(SORT_COLUMN, "")
    if raw_order:
        if raw_order.isdigit():
            sort_order = int(raw_order)
        else:
            errors.add(
                ref, SORT_COLUMN, _("thứ tự phải là số nguyên không âm, nhận được '%(value)s'") % {"value": raw_order}
            )
    if len(errors) > before or valid_from is None:
        return None
    return UnitRow(
        code=code,
        name=values["name"],
        short_name=values["short_name"],
        kind=kind,
        parent_code=parent_code,
        statistical_code=values.get("statistical_code", ""),
        cohorts=lists["cohorts"],
        valid_from=valid_from,
        valid_to=valid_to,
        successor_codes=lists["successor_codes"],
        sort_order=sort_order,
        source=ref,
    )


def check_duplicate_codes(rows: Iterable[UnitRow | CohortRow], errors: ErrorList) -> None:
    """Report every row whose code already appeared earlier in the same file."""
    first: dict[str, UnitRow | CohortRow] = {}
    for row in rows:
        if row.code in first:
            earlier = first[row.code].source
            where = earlier.label() if earlier else "?"
            ref = row.source or SourceRef(errors.filename, 0)
            errors.add(ref, "code", _("mã '%(code)s' trùng với %(where)s") % {"code": row.code, "where": where})
        else:
            first[row.code] = row


def parse_units(data: bytes, *, filename: str, fmt: Format | None = None) -> list[UnitRow]:
    """Parse and validate a units file given as bytes.

    ``fmt`` forces CSV or JSON; otherwise the extension of ``filename``, then the
    content, decides. Raises one ``ApplicationError`` (``organizations.invalid_file``,
    ``extra["errors"]`` = every located message) when anything is wrong.
    """
    errors = ErrorList(filename)
    _header, records = _read_records(
        data, filename, fmt, required=UNIT_COLUMNS, optional=(SORT_COLUMN, NOTE_COLUMN), errors=errors
    )
    rows = [row for ref, values in records if (row := _unit_row(ref, values, errors)) is not None]
    check_duplicate_codes(rows, errors)
    errors.raise_if_any()
    return rows


def _read_bytes(path: str | Path) -> tuple[bytes, str]:
    path = Path(path)
    try:
        return path.read_bytes(), path.name
    except OSError as exc:
        raise ApplicationError(
            _("Không đọc được tệp %(file)s: %(reason)s.") % {"file": path, "reason": exc.strerror or exc},
            code="organizations.file_unreadable",
        ) from exc


def read_units(path: str | Path, *, fmt: Format | None = None) -> list[UnitRow]:
    """Read and validate the units file at ``path`` (see ``parse_units``)."""
    data, name = _read_bytes(path)
    return parse_units(data, filename=name, fmt=fmt)


def parse_cohorts(data: bytes, *, filename: str, fmt: Format | None = None) -> list[CohortRow]:
    """Parse cohort definitions (``code``, ``name``, optional ``description``)."""
    errors = ErrorList(filename)
    _header, records = _read_records(
        data, filename, fmt, required=COHORT_COLUMNS, optional=(*COHORT_OPTIONAL_COLUMNS, NOTE_COLUMN), errors=errors
    )
    rows: list[CohortRow] = []
    for ref, values in records:
        before = len(errors)
        for name in COHORT_COLUMNS:
            if not values.get(name):
                errors.add(ref, name, _("thiếu giá trị bắt buộc"))
        if values.get("code"):
            _check_code(values["code"], ref, "code", errors, _max_length(Cohort, "code"))
        limit = _max_length(Cohort, "name")
        if len(values.get("name", "")) > limit:
            errors.add(ref, "name", _("dài %(n)d ký tự, tối đa %(max)d") % {"n": len(values["name"]), "max": limit})
        if len(errors) == before:
            rows.append(
                CohortRow(
                    values["code"],
                    values["name"],
                    values.get("description", ""),
                    split_codes(values.get("aliases", "")),
                    source=ref,
                )
            )
    check_duplicate_codes(rows, errors)
    errors.raise_if_any()
    return rows


def read_cohorts(path: str | Path, *, fmt: Format | None = None) -> list[CohortRow]:
    """Read and validate the cohort file at ``path``."""
    data, name = _read_bytes(path)
    return parse_cohorts(data, filename=name, fmt=fmt)


# --- rows → file --------------------------------------------------------------------------


def _export_record(row: UnitRow) -> dict[str, Any]:
    return {
        "code": row.code,
        "name": row.name,
        "short_name": row.short_name,
        "kind": row.kind,
        "parent_code": row.parent_code,
        "statistical_code": row.statistical_code,
        "cohorts": list(row.cohorts),
        "valid_from": row.valid_from.isoformat(),
        "valid_to": row.valid_to.isoformat() if row.valid_to else None,
        "successor_codes": list(row.successor_codes),
        "sort_order": row.sort_order if row.sort_order is not None else 0,
    }


def write_units(rows: Iterable[UnitRow], fmt: Format, stream: TextIO) -> int:
    """Write ``rows`` as CSV (header + one line per unit, lists joined by ``;``) or as a
    JSON list (lists as arrays, an open ``valid_to`` as ``null``). Returns the count.

    ``parse_units`` reads both back to the same rows.
    """
    records = [_export_record(row) for row in rows]
    if fmt == "json":
        json.dump(records, stream, ensure_ascii=False, indent=2)
        stream.write("\n")
        return len(records)
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    for record in records:
        writer.writerow(
            [
                LIST_SEPARATOR.join(value) if isinstance(value, list) else ("" if value is None else value)
                for value in (record[name] for name in EXPORT_COLUMNS)
            ]
        )
    return len(records)

"""A criteria set of the PAR index (Chỉ số CCHC) as an XLSX sheet, both ways, with the same columns.

One row per criterion (domains, criteria and sub-criteria alike) in the columns of
:data:`COLUMNS`. As in ``procedures.io``, the export writes the Vietnamese labels in
the header row (each cell carries its English key in a comment) and the import takes
either the label or the key, in any case, with or without diacritics, so a sheet
typed by an officer imports as it is. Choice columns (``na_policy``, ``rule_kind``,
``auto_source``) take the stored key (``linear``) or the Vietnamese label
(``Tỷ lệ × điểm tối đa``); bands are written ``0.5:1; 0.8:2; 1:3`` (minimum
rate:points pairs, separated by semicolons); numbers take a decimal point or comma.

Reading is two steps so that nothing here queries the database:
:func:`parse_criteria` turns the cells into ``CriterionSpec`` rows (``line`` = sheet
row), and :meth:`CriteriaSheet.errors` checks the tree against itself and the known
unit codes, then runs ``services.criteria_errors`` as the final word. Every problem
is located as ``tệp X, dòng N, cột Y: lý do`` and the caller writes nothing unless
the list is empty. :func:`write_criteria_set` writes a stored set so that reading it
back gives the same criteria, field for field.
"""

import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import Path
from typing import Any

from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from cchc.core.errors import ApplicationError
from cchc.core.text import fold
from cchc.organizations.io import ErrorList, SourceRef
from cchc.organizations.models import OrgUnit
from cchc.scoring import calculations
from cchc.scoring.choices import AutoSource, NaPolicy, RuleKind
from cchc.scoring.models import CriteriaSet, Criterion
from cchc.scoring.services import CriterionSpec, criteria_errors

ERROR_CODE = "scoring.invalid_file"
MAX_ROWS = 2000
BAND_EXAMPLE = "0.5:1; 0.8:2; 1:3"

_CODE = re.compile(r"^\d+(\.\d+)*$")
_NUMBER = re.compile(r"^-?\d+([.,]\d+)?$")
_BAND = re.compile(r"^(\d+(?:[.,]\d+)?)\s*:\s*(\d+(?:[.,]\d+)?)$")
# The rule kinds that take a measured rate or count, so live data can feed them
# (``services.criteria_errors`` refuses an auto source on any other kind).
_DATA_KINDS = frozenset(
    {RuleKind.BANDS, RuleKind.LINEAR, RuleKind.LINEAR_TO_TARGET, RuleKind.DEDUCTION, RuleKind.BINARY}
)


class Kind(Enum):
    CODE = "code"
    TEXT = "text"
    POINTS = "points"  # two decimals, as Criterion's points fields
    RATE = "rate"  # four decimals, as Criterion.rule_target
    BANDS = "bands"
    CHOICE = "choice"


@dataclass(frozen=True)
class Column:
    """One sheet column: its key (a ``CriterionSpec`` field), Vietnamese label, value kind and other accepted names."""

    key: str
    label: str
    kind: Kind
    aliases: tuple[str, ...] = ()
    required: bool = False
    width: int = 14
    help: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("code", "Mã tiêu chí", Kind.CODE, ("ma", "ma so", "so thu tu"), required=True, width=10,
           help="Các số cách nhau bởi dấu chấm: 3 (lĩnh vực), 3.2 (tiêu chí), 3.2.1 (tiêu chí thành phần)."),
    Column("name", "Tên lĩnh vực, tiêu chí", Kind.TEXT, ("ten", "ten tieu chi", "noi dung", "tieu chi"),
           required=True, width=60),
    Column("max_points", "Điểm tối đa", Kind.POINTS, ("diem", "diem chuan"), required=True, width=10,
           help="Lớn hơn 0, tối đa 2 chữ số thập phân; điểm của mục cha bằng tổng điểm các mục con."),
    Column("evidence_required", "Tài liệu kiểm chứng", Kind.TEXT, ("tai lieu", "tai lieu kiem chung"), width=50),
    Column("appraising_unit_code", "Mã đơn vị thẩm định", Kind.TEXT, ("don vi tham dinh", "ma don vi"), width=16,
           help="Mã cơ quan thẩm định; để trống thì lấy theo mục cha gần nhất."),
    Column("na_policy", "Khi không phát sinh", Kind.CHOICE, ("khong phat sinh",), width=14),
    Column("rule_kind", "Cách chấm", Kind.CHOICE, ("cach cham diem", "quy tac"), width=16),
    Column("rule_bands", "Các ngưỡng (tỷ lệ:điểm)", Kind.BANDS, ("cac nguong", "nguong"), width=22,
           help=f"Cặp tỷ lệ tối thiểu:điểm, cách nhau bởi dấu chấm phẩy, ví dụ {BAND_EXAMPLE}."),
    Column("rule_target", "Mục tiêu (tỷ lệ)", Kind.RATE, ("muc tieu", "chi tieu"), width=10,
           help="Tỷ lệ được đủ điểm, lớn hơn 0 và không quá 1 (ví dụ 0.98)."),
    Column("rule_deduction", "Điểm trừ mỗi lỗi", Kind.POINTS, ("diem tru",), width=10),
    Column("rule_floor", "Điểm sàn", Kind.POINTS, ("muc san",), width=10, help="Để trống là 0."),
    Column("rule_scale_max", "Thang điểm khảo sát tối đa", Kind.POINTS, ("thang diem", "thang diem khao sat"),
           width=10),
    Column("auto_source", "Lấy số liệu tự động từ", Kind.CHOICE, ("nguon so lieu", "so lieu tu dong"), width=18),
)  # fmt: skip
IGNORED_HEADERS = frozenset({"note", "ghi chu", "stt"})
CHOICES: dict[str, type[models.TextChoices]] = {
    "na_policy": NaPolicy,
    "rule_kind": RuleKind,
    "auto_source": AutoSource,
}
DEFAULTS: dict[str, str] = {
    "na_policy": NaPolicy.REMOVE,
    "rule_kind": RuleKind.MANUAL,
    "auto_source": AutoSource.NONE,
}


def _header_key(text: str) -> str:
    return re.sub(r"\s+", " ", fold(str(text)).strip().rstrip("*:").strip())


HEADERS: dict[str, Column] = {}
for _column in COLUMNS:
    for _name in (_column.key, _column.label, *_column.aliases):
        HEADERS.setdefault(_header_key(_name), _column)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}


def invalid_file_error(filename: str, messages: Sequence[str]) -> ApplicationError:
    """The one error a rejected file gives: a headline and every located message."""
    headline = _("Tệp %(file)s có %(count)d lỗi; không có thay đổi nào được ghi.") % {
        "file": filename,
        "count": len(messages),
    }
    return ApplicationError("\n".join([headline, *messages]), code=ERROR_CODE, extra={"errors": list(messages)})


# --- cells → values ----------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    """An XLSX cell as typed text: ``5.0`` → ``5``, ``0.1`` → ``0.1``; a lone band Excel took for a time back."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f")
    if isinstance(value, dt.time):
        # Excel reads a typed "1:3" as the time 01:03.
        return f"{value.hour}:{value.minute}"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def _number(raw: str, *, places: int, limit: Decimal) -> tuple[Decimal | None, str]:
    """``raw`` ("1,5" or "1.5") as a non-negative number with at most ``places`` decimals, or a reason."""
    text = raw.replace(" ", "").replace("\u00a0", "")
    if not _NUMBER.match(text):
        return None, _("phải là một số (ví dụ 1,5), nhận được '%(value)s'") % {"value": raw}
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
        return None, _("phải là một số (ví dụ 1,5), nhận được '%(value)s'") % {"value": raw}
    if value < 0:
        return None, _("phải là số không âm, nhận được '%(value)s'") % {"value": raw}
    if value != value.quantize(Decimal(1).scaleb(-places)):
        return None, _("chỉ được có tối đa %(n)d chữ số thập phân, nhận được '%(value)s'") % {"n": places, "value": raw}
    if value >= limit:
        return None, _("quá lớn (nhận %(value)s)") % {"value": raw}
    return value, ""


def parse_bands(raw: str) -> tuple[list[list[str]], str]:
    """``"0.5:1; 0.8:2"`` → ``[["0.5", "1"], ["0.8", "2"]]`` and no reason, or ``[]`` and the reason.

    Each number keeps the digits it was written with (``0.50`` stays ``0.50``), so a
    stored set exported and read back gives the same bands.
    """
    bands: list[list[str]] = []
    for part in (piece.strip() for piece in raw.split(";")):
        if not part:
            continue
        match = _BAND.match(part)
        if match is None:
            reason = _("các ngưỡng phải có dạng «tỷ lệ:điểm; tỷ lệ:điểm», ví dụ «%(example)s»; phần «%(part)s» sai")
            return [], reason % {"example": BAND_EXAMPLE, "part": part}
        bands.append([str(Decimal(number.replace(",", "."))) for number in match.groups()])
    return bands, ""


def format_bands(bands: Sequence[Sequence[object]]) -> str:
    """``[["0.5", "1"], ["0.8", "2"]]`` → ``"0.5:1; 0.8:2"`` (the inverse of :func:`parse_bands`)."""
    return "; ".join(f"{rate}:{points}" for rate, points in bands)


def _choice_labels(choices: type[models.TextChoices]) -> dict[str, str]:
    """Folded label → value, in the active language and in Vietnamese (whatever the active language)."""
    labels = {_header_key(str(label)): str(value) for value, label in choices.choices}
    with translation.override("vi"):
        labels.update({_header_key(str(label)): str(value) for value, label in choices.choices})
    return labels


def _choice(raw: str, choices: type[models.TextChoices]) -> tuple[str | None, str]:
    if raw in choices.values:
        return raw, ""
    value = _choice_labels(choices).get(_header_key(raw))
    if value is not None:
        return value, ""
    listed = ", ".join(f"{v} ({label})" for v, label in choices.choices if v)
    return None, _("giá trị '%(value)s' không hợp lệ (chọn một trong: %(choices)s)") % {"value": raw, "choices": listed}


# --- the sheet ---------------------------------------------------------------------------------


@dataclass
class CriteriaSheet:
    """The criteria read from one sheet, with where each column sits (for messages)."""

    filename: str
    specs: list[CriterionSpec] = field(default_factory=list)
    places: dict[str, str] = field(default_factory=dict)

    def place(self, key: str) -> str:
        """How messages name a column: ``D (Điểm tối đa)``, or the key when the sheet lacks it."""
        return self.places.get(key, key)

    def unit_codes(self) -> set[str]:
        return {spec.appraising_unit_code for spec in self.specs} - {""}

    def errors(self, units: Mapping[str, OrgUnit]) -> list[str]:
        """Every problem of the tree, located by row and column; empty when it can be created.

        Checked: unknown appraising unit, a code twice, a missing parent, a parent's
        maximum against the sum of its children, each leaf's rule
        (``calculations.rule_errors``, put on the column at fault) and an auto source
        on a rule that takes no data. When none of these is found,
        ``services.criteria_errors`` has the last word, so the sheet never accepts a
        tree the service would refuse.
        """
        found = ErrorList(self.filename)
        codes = {spec.code for spec in self.specs}
        first_line: dict[str, int | None] = {}
        children: dict[str, list[CriterionSpec]] = {}
        for spec in self.specs:
            if "." in spec.code:
                children.setdefault(spec.code.rsplit(".", 1)[0], []).append(spec)
        for spec in self.specs:
            ref = SourceRef(self.filename, spec.line or 0)
            if spec.code in first_line:
                found.add(ref, self.place("code"), _("mã %(code)s đã có ở dòng %(line)s") % {
                    "code": spec.code, "line": first_line[spec.code]})  # fmt: skip
            else:
                first_line[spec.code] = spec.line
            if "." in spec.code and (parent := spec.code.rsplit(".", 1)[0]) not in codes:
                found.add(ref, self.place("code"), _("thiếu tiêu chí cha %(parent)s") % {"parent": parent})
            kids = children.get(spec.code)
            if kids:
                total = sum((kid.max_points for kid in kids), Decimal(0))
                if total != spec.max_points:
                    found.add(
                        ref,
                        self.place("max_points"),
                        _("điểm tối đa %(max)s khác tổng điểm các tiêu chí con %(total)s")
                        % {"max": calculations.fmt(spec.max_points), "total": calculations.fmt(total)},
                    )
            if spec.appraising_unit_code and spec.appraising_unit_code not in units:
                found.add(
                    ref,
                    self.place("appraising_unit_code"),
                    _("không có đơn vị nào mang mã '%(code)s'") % {"code": spec.appraising_unit_code},
                )
            if not kids:
                for key, message in _leaf_errors(spec):
                    found.add(ref, self.place(key), message)
        if found.messages:
            return found.messages
        return [f"{self.filename}, {message}" for message in criteria_errors(self.specs, units=units)]


def _leaf_errors(spec: CriterionSpec) -> list[tuple[str, str]]:
    """A leaf's rule problems, each with the column at fault."""
    kind = calculations.RuleKind(spec.rule_kind)
    rule = calculations.Rule(
        kind=kind,
        bands=tuple((Decimal(rate), Decimal(points)) for rate, points in spec.rule_bands),
        target=spec.rule_target,
        deduction=spec.rule_deduction,
        floor=spec.rule_floor,
        scale_max=spec.rule_scale_max,
    )
    errors: list[tuple[str, str]] = []
    if kind is calculations.RuleKind.DEDUCTION:
        # Checked apart, so that each message lands on its own column.
        deduction_only = calculations.Rule(kind=kind, deduction=spec.rule_deduction, floor=Decimal(0))
        floor_only = calculations.Rule(kind=kind, deduction=Decimal(1), floor=spec.rule_floor)
        errors += [("rule_deduction", m) for m in calculations.rule_errors(deduction_only, spec.max_points)]
        errors += [("rule_floor", m) for m in calculations.rule_errors(floor_only, spec.max_points)]
    else:
        column = {
            calculations.RuleKind.BANDS: "rule_bands",
            calculations.RuleKind.LINEAR_TO_TARGET: "rule_target",
            calculations.RuleKind.SURVEY: "rule_scale_max",
        }.get(kind, "rule_kind")
        errors += [(column, message) for message in calculations.rule_errors(rule, spec.max_points)]
    if spec.auto_source and spec.rule_kind not in _DATA_KINDS:
        errors.append(
            (
                "auto_source",
                _("tiêu chí lấy số liệu tự động phải chấm theo tỷ lệ, ngưỡng, trừ điểm hoặc đạt/không"),
            )
        )
    return errors


def _xlsx_rows(data: bytes, filename: str, errors: ErrorList) -> list[tuple[int, list[str]]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many types for a broken archive
        errors.add(SourceRef(filename, 1), None, _("không đọc được tệp Excel (.xlsx): tệp hỏng hoặc sai định dạng"))
        return []
    try:
        rows: list[tuple[int, list[str]]] = []
        for number, row in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1):
            if number > MAX_ROWS:
                errors.add(SourceRef(filename, number), None, _("tệp quá dài: tối đa %(n)d dòng") % {"n": MAX_ROWS})
                break
            cells = [_cell_text(value) for value in row]
            if any(cells):
                rows.append((number, cells))
        return rows
    finally:
        workbook.close()


def _header(cells: Sequence[str], ref: SourceRef, errors: ErrorList) -> dict[int, Column]:
    mapping: dict[int, Column] = {}
    seen: set[str] = set()
    for position, text in enumerate(cells):
        if not text or _header_key(text) in IGNORED_HEADERS:
            continue
        place = f"{get_column_letter(position + 1)} ({text})"
        column = HEADERS.get(_header_key(text))
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
            mapping[position] = column
    for column in COLUMNS:
        if column.required and column.key not in seen:
            errors.add(ref, column.key, _("thiếu cột bắt buộc trong dòng tiêu đề"))
    return mapping


def _value(column: Column, raw: str) -> tuple[Any, str]:
    """The typed value of one cell and, when it is wrong, the reason."""
    if column.kind is Kind.CHOICE:
        return (DEFAULTS[column.key], "") if not raw else _choice(raw, CHOICES[column.key])
    if not raw:
        if column.required:
            return None, _("thiếu giá trị bắt buộc")
        # An empty number is "not given": 0 for a deduction or floor, no target, no scale (see ``_spec``).
        return ([] if column.kind is Kind.BANDS else None), ""
    if column.kind is Kind.CODE:
        if not _CODE.match(raw):
            return None, _("mã '%(code)s' phải là các số cách nhau bởi dấu chấm, ví dụ 3.2.1") % {"code": raw}
        return raw, ""
    if column.kind is Kind.POINTS:
        return _number(raw, places=2, limit=Decimal(100_000))
    if column.kind is Kind.RATE:
        return _number(raw, places=4, limit=Decimal(1_000))
    if column.kind is Kind.BANDS:
        return parse_bands(raw)
    return raw, ""


def _spec(line: int, values: Mapping[str, Any]) -> CriterionSpec:
    def number(key: str) -> Decimal:
        value = values.get(key)
        return value if isinstance(value, Decimal) else Decimal(0)

    def optional(key: str) -> Decimal | None:
        value = values.get(key)
        return value if isinstance(value, Decimal) else None

    return CriterionSpec(
        code=values["code"],
        name=values["name"],
        max_points=values["max_points"],
        evidence_required=values.get("evidence_required") or "",
        appraising_unit_code=values.get("appraising_unit_code") or "",
        na_policy=values.get("na_policy") or NaPolicy.REMOVE,
        rule_kind=values.get("rule_kind") or RuleKind.MANUAL,
        rule_bands=values.get("rule_bands") or [],
        rule_target=optional("rule_target"),
        rule_deduction=number("rule_deduction"),
        rule_floor=number("rule_floor"),
        rule_scale_max=optional("rule_scale_max"),
        auto_source=values.get("auto_source") or AutoSource.NONE,
        line=line,
    )


def parse_criteria(data: bytes, *, filename: str) -> CriteriaSheet:
    """The criteria of the first sheet of an XLSX file given as bytes.

    The first non-empty row is the header; every later non-empty row is a criterion.
    Raises one ``ApplicationError`` (``scoring.invalid_file``) whose
    ``extra["errors"]`` locates every cell problem (unknown or missing column, a
    missing value, a number, code, band list or choice that cannot be read). Tree
    problems are :meth:`CriteriaSheet.errors`' job.
    """
    errors = ErrorList(filename)
    rows = _xlsx_rows(data, filename, errors)
    if not rows and not errors.messages:
        errors.add(SourceRef(filename, 1), None, _("tệp rỗng, không có dòng tiêu đề"))
    if errors.messages:
        raise invalid_file_error(filename, errors.messages)
    header_line, header_cells = rows[0]
    header = _header(header_cells, SourceRef(filename, header_line), errors)
    if errors.messages:
        raise invalid_file_error(filename, errors.messages)
    sheet = CriteriaSheet(
        filename=filename,
        places={
            column.key: f"{get_column_letter(position + 1)} ({column.label})" for position, column in header.items()
        },
    )
    if len(rows) == 1:
        errors.add(SourceRef(filename, header_line + 1), None, _("tệp chỉ có dòng tiêu đề, không có tiêu chí nào"))
    for line, cells in rows[1:]:
        ref = SourceRef(filename, line)
        values: dict[str, Any] = {}
        problems = 0
        for column in COLUMNS:
            position = next((p for p, c in header.items() if c is column), None)
            raw = cells[position] if position is not None and position < len(cells) else ""
            value, reason = _value(column, raw)
            if reason:
                errors.add(ref, sheet.place(column.key), reason)
                problems += 1
            values[column.key] = value
        if not problems:
            if values["max_points"] <= 0:
                errors.add(ref, sheet.place("max_points"), _("điểm tối đa phải lớn hơn 0"))
            else:
                sheet.specs.append(_spec(line, values))
    if errors.messages:
        raise invalid_file_error(filename, errors.messages)
    return sheet


def read_criteria(path: str | Path) -> CriteriaSheet:
    """Read the XLSX file at ``path`` (see :func:`parse_criteria`)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ApplicationError(
            _("Không đọc được tệp %(file)s: %(reason)s.") % {"file": path, "reason": exc.strerror or exc},
            code="scoring.file_unreadable",
        ) from exc
    return parse_criteria(data, filename=path.name)


# --- set → sheet -------------------------------------------------------------------------------


def _plain(value: Decimal | None) -> Decimal | None:
    """A stored decimal as the sheet shows it: 8.00 → 8, 0.9800 → 0.98; ``None`` stays empty."""
    return None if value is None else value.normalize()


def criterion_record(criterion: Criterion) -> dict[str, Any]:
    """Every column of ``criterion`` as the sheet holds it (``None`` for an empty cell).

    Empty means the default: no deduction, a floor of 0, no auto source.
    ``criterion.appraising_unit`` should be selected.
    """
    unit = criterion.appraising_unit
    return {
        "code": criterion.code,
        "name": criterion.name,
        "max_points": _plain(criterion.max_points),
        "evidence_required": criterion.evidence_required or None,
        "appraising_unit_code": unit.code if unit is not None else None,
        "na_policy": criterion.na_policy,
        "rule_kind": criterion.rule_kind,
        "rule_bands": format_bands(criterion.rule_bands) or None,
        "rule_target": _plain(criterion.rule_target),
        "rule_deduction": _plain(criterion.rule_deduction) or None,
        "rule_floor": _plain(criterion.rule_floor) or None,
        "rule_scale_max": _plain(criterion.rule_scale_max),
        "auto_source": criterion.auto_source or None,
    }


def _guide(workbook: Workbook, criteria_set: CriteriaSet) -> None:
    """A second sheet for people: the set's particulars, each column and the accepted values."""
    sheet = workbook.create_sheet(_("Hướng dẫn"))
    bold = Font(bold=True)
    years = (
        f"{criteria_set.year_from}–{criteria_set.year_to}"
        if criteria_set.year_to
        else _("từ %(year)d") % {"year": criteria_set.year_from}
    )
    for row in (
        [_("Bộ tiêu chí"), criteria_set.code, criteria_set.name],
        [_("Nhóm đơn vị"), criteria_set.cohort.code, criteria_set.cohort.name],
        [_("Năm áp dụng"), years],
        [_("Điểm điều tra xã hội học tối đa"), _plain(criteria_set.survey_maximum)],
    ):
        sheet.append(row)
    tables: list[tuple[list[str], list[list[Any]]]] = [
        ([_("Cột"), _("Khóa"), _("Cách ghi")], [[c.label, c.key, c.help] for c in COLUMNS]),
    ]
    tables += [
        (
            [COLUMN_BY_KEY[key].label, _("Giá trị"), _("Ý nghĩa")],
            [["", value or _("(để trống)"), str(label)] for value, label in choices.choices],
        )
        for key, choices in CHOICES.items()
    ]
    for heading, body in tables:
        sheet.append([])
        sheet.append(heading)
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for row in body:
            sheet.append(row)
    for letter, width in (("A", 32), ("B", 22), ("C", 80)):
        sheet.column_dimensions[letter].width = width


def write_criteria_set(criteria_set: CriteriaSet) -> bytes:
    """``criteria_set`` as an XLSX workbook: the criteria in tree order, then a guide sheet.

    :func:`parse_criteria` reads the first sheet back to the same criteria.
    """
    criteria = criteria_set.criteria.select_related("appraising_unit").order_by("tree_key")
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook always has its first sheet
    sheet.title = _("Tiêu chí")
    sheet.append([column.label for column in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.comment = Comment(column.key, "cchc")
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    text_columns = [index for index, column in enumerate(COLUMNS, start=1) if column.kind in {Kind.CODE, Kind.BANDS}]
    for criterion in criteria:
        record = criterion_record(criterion)
        sheet.append([record[column.key] for column in COLUMNS])
        for index in text_columns:
            # Text, so that Excel keeps "1.10" and never reads "1:3" as a time.
            sheet.cell(row=sheet.max_row, column=index).number_format = "@"
        if not criterion.parent_id:
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
    last = max(sheet.max_row, 2)
    for index, column in enumerate(COLUMNS, start=1):
        if column.kind is Kind.CHOICE:
            values = ",".join(value for value in CHOICES[column.key].values if value)
            validation = DataValidation(type="list", formula1=f'"{values}"', allow_blank=True)
            validation.add(f"{get_column_letter(index)}2:{get_column_letter(index)}{last}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "C2"
    _guide(workbook, criteria_set)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

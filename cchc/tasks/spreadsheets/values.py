"""Sheet cells to task field values, and the located errors of a rejected file."""

import calendar
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from cchc.core.errors import ApplicationError
from cchc.core.text import fold
from cchc.organizations.io import SourceRef, parse_date
from cchc.tasks.choices import DONE_STATUSES, OVERDUE_LABEL, DeadlineKind, ProductKind, TaskStatus
from cchc.tasks.spreadsheets.layout import COL_DEADLINE, COL_PROGRESS, max_length
from cchc.tasks.spreadsheets.units import clean

_ROMAN_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_QUARTER = re.compile(r"\bquy\s+(iv|iii|ii|i|[1-4])\s*(?:/|-|nam\s+)\s*(\d{4})\b")
_MONTH = re.compile(r"\bthang\s+(\d{1,2})\s*(?:/|-|nam\s+)\s*(\d{4})\b")
_HALF = re.compile(r"\b(?:6|06|sau)\s+thang\s+(dau|cuoi)\s+nam\s+(\d{4})\b")
_YEAR = re.compile(r"\bnam\s+(\d{4})\b")
_DATE_IN_TEXT = re.compile(r"\b(\d{1,2}/\d{1,2}/\d{4})\b")
_PERCENT_TEXT = re.compile(r"^(\d+(?:[.,]\d+)?)\s*%?$")
# Words a product text starts with, for its kind ("Báo cáo kết quả …" is a report).
_PRODUCT_PREFIXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (ProductKind.PLAN, ("ke hoach",)),
    (ProductKind.REPORT, ("bao cao",)),
    (ProductKind.DECISION, ("quyet dinh",)),
    (ProductKind.DOCUMENT, ("van ban", "cong van", "huong dan", "thong bao")),
    (ProductKind.SYSTEM, ("he thong", "phan mem", "co so du lieu")),
    (ProductKind.EVENT, ("hoi nghi", "hoi thao", "tap huan", "su kien")),
)


def format_day(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


@dataclass(frozen=True)
class Cell:
    value: Any
    number_format: str = "General"

    @property
    def text(self) -> str:
        value = self.value
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, dt.datetime):
            return format_day(value.date())
        if isinstance(value, dt.date):
            return format_day(value)
        return clean(str(value))


@dataclass(frozen=True)
class SheetRow:
    number: int
    cells: Mapping[str, Cell]

    def text(self, column: str) -> str:
        return self.cells[column].text


class Errors:
    """Located messages in the units importer's form: ``tệp.xlsx, dòng 7, cột X: …``."""

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name
        self.messages: list[str] = []

    def __len__(self) -> int:
        return len(self.messages)

    def add(self, row: int | None, column: str | None, text: str) -> None:
        if row is None:
            text = text.rstrip()
            self.messages.append(f"{self.file_name}: {text}{'' if text.endswith('.') else '.'}")
        else:
            self.messages.append(SourceRef(self.file_name, row).message(column, text))

    def raise_if_any(self) -> None:
        if self.messages:
            headline = _("Tệp %(file)s có %(count)d lỗi; không có thay đổi nào được ghi.") % {
                "file": self.file_name,
                "count": len(self.messages),
            }
            raise ApplicationError(
                "\n".join([headline, *self.messages]),
                code="tasks.invalid_file",
                extra={"errors": list(self.messages)},
            )


def _quarter_end(year: int, quarter: int) -> dt.date:
    month = 3 * quarter
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_deadline(cell: Cell, row: int, errors: Errors, *, year: int) -> dict[str, Any] | None:
    """The deadline fields a cell gives, or ``None`` after reporting why it cannot.

    "Thường xuyên" is due at the end of the label's year, else of ``year`` (the plan's),
    as the seed plan's tasks are; recurring labels leave the date to their occurrences.
    """
    value = cell.value
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return {"deadline_kind": DeadlineKind.DATE, "due_date": value, "deadline_label": ""}
    text = cell.text
    if not text:
        return {"deadline_kind": DeadlineKind.DATE, "due_date": None, "deadline_label": ""}
    if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", text):
        day = parse_date(text)
        if day is None:
            errors.add(row, COL_DEADLINE, _("ngày không hợp lệ “%(value)s”") % {"value": text})
            return None
        return {"deadline_kind": DeadlineKind.DATE, "due_date": day, "deadline_label": ""}
    limit = max_length("deadline_label")
    if len(text) > limit:
        errors.add(row, COL_DEADLINE, _("dài %(n)d ký tự, tối đa %(max)d") % {"n": len(text), "max": limit})
        return None
    key = fold(text)
    label = {"deadline_label": text}
    if "hang thang" in key:
        return {**label, "deadline_kind": DeadlineKind.MONTHLY, "due_date": None}
    if "hang quy" in key:
        return {**label, "deadline_kind": DeadlineKind.QUARTERLY, "due_date": None}
    if "thuong xuyen" in key:
        year_match = _YEAR.search(key)
        last = dt.date(int(year_match.group(1)) if year_match else year, 12, 31)
        return {**label, "deadline_kind": DeadlineKind.ONGOING, "due_date": last}
    due: dt.date | None = None
    if match := _DATE_IN_TEXT.search(text):
        due = parse_date(match.group(1))
        if due is None:
            errors.add(row, COL_DEADLINE, _("ngày không hợp lệ “%(value)s”") % {"value": match.group(1)})
            return None
    elif match := _QUARTER.search(key):
        due = _quarter_end(int(match.group(2)), _ROMAN_QUARTERS[match.group(1)])
    elif match := _MONTH.search(key):
        month, year = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            errors.add(row, COL_DEADLINE, _("tháng không hợp lệ “%(value)s”") % {"value": text})
            return None
        due = dt.date(year, month, calendar.monthrange(year, month)[1])
    elif match := _HALF.search(key):
        year = int(match.group(2))
        due = dt.date(year, 6, 30) if match.group(1) == "dau" else dt.date(year, 12, 31)
    elif match := _YEAR.search(key):
        due = dt.date(int(match.group(1)), 12, 31)
    if due is None:
        errors.add(
            row,
            COL_DEADLINE,
            _(
                "không hiểu thời gian hoàn thành “%(value)s”; hãy ghi ngày dd/mm/yyyy hoặc "
                "“Quý II/2023”, “Tháng 6/2023”, “6 tháng đầu năm 2023”, “Năm 2023”, "
                "“Hằng tháng”, “Hằng quý”, “Thường xuyên”"
            )
            % {"value": text},
        )
        return None
    return {**label, "deadline_kind": DeadlineKind.PERIOD, "due_date": due}


def unquoted_percent(number_format: str) -> bool:
    """Whether Excel shows the cell as a percentage (``0%``), not a literal ``"%"``."""
    return "%" in re.sub(r'"[^"]*"|\\.', "", number_format or "")


def parse_progress(cell: Cell, row: int, errors: Errors) -> dict[str, Any] | None:
    """``{"progress": n}``, ``{"status": s, …}`` for a status label, ``{}`` for empty."""
    value = cell.value
    amount: Decimal | None = None
    if isinstance(value, bool):
        amount = None
    elif isinstance(value, int | float):
        amount = Decimal(str(value))
        if unquoted_percent(cell.number_format):
            amount *= 100
    else:
        text = cell.text
        if not text:
            return {}
        if match := _PERCENT_TEXT.match(text):
            try:
                amount = Decimal(match.group(1).replace(",", "."))
            except InvalidOperation:
                amount = None
        else:
            key = fold(text)
            for status in TaskStatus:
                if fold(str(status.label)) == key:
                    return {"status": status.value, **({"progress": 100} if status in DONE_STATUSES else {})}
            if key == fold(str(OVERDUE_LABEL)):
                errors.add(
                    row,
                    COL_PROGRESS,
                    _("“%(value)s” do lịch làm việc tự xác định, không nhập được; hãy ghi tiến độ (%%)")
                    % {"value": text},
                )
                return None
    if amount is None or amount != amount.to_integral_value() or not 0 <= amount <= 100:
        shown = cell.text if not isinstance(value, int | float) or amount is None else f"{amount.normalize():f}"
        labels = ", ".join(f"“{status.label}”" for status in TaskStatus)
        errors.add(
            row,
            COL_PROGRESS,
            _("tiến độ phải là số nguyên từ 0 đến 100 (%%) hoặc một trạng thái (%(labels)s), nhận được “%(value)s”")
            % {"labels": labels, "value": shown},
        )
        return None
    return {"progress": int(amount)}


def product_fields(text: str, current_kind: str | None) -> dict[str, Any]:
    key = fold(text)
    for kind in ProductKind:
        if key == fold(str(kind.label)):
            return {"product": "", "product_kind": kind.value}
    for kind_value, prefixes in _PRODUCT_PREFIXES:
        if key.startswith(prefixes):
            return {"product": text, "product_kind": kind_value}
    return {"product": text, "product_kind": current_kind or ProductKind.OTHER}


def same(cell: Cell, rendered: Any) -> bool:
    """Whether a cell still says what the export wrote (so the column is unchanged)."""
    value = cell.value.date() if isinstance(cell.value, dt.datetime) else cell.value
    if isinstance(value, str) and isinstance(rendered, dt.date):
        # A date that another tool saved as text "31/12/2023".
        return parse_date(value) == rendered
    if isinstance(rendered, dt.date) or isinstance(value, dt.date):
        return value == rendered
    if isinstance(rendered, int) and isinstance(value, int | float) and not isinstance(value, bool):
        return not unquoted_percent(cell.number_format) and value == rendered
    return cell.text == clean(str(rendered))

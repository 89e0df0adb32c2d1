"""A report template's form as data, and the validation of a unit's answers. Pure: no ORM.

A form is a list of sections (``ReportTemplate.form``, JSON)::

    [{"code": "II.3", "title": "Cải cách thủ tục hành chính", "area": "3",
      "narrative": true,
      "fields": [{"code": "received", "label": "Số hồ sơ tiếp nhận", "type": "integer",
                  "required": true, "min": 0, "source": "dossiers.received"}, ...]}]

and a list of cross-field rules (``ReportTemplate.rules``)::

    [{"left": "resolved", "op": "<=", "right": "received",
      "message": "Số hồ sơ đã giải quyết không được lớn hơn số hồ sơ tiếp nhận"}]

Field types: ``integer``, ``number``, ``percent`` (0–100), ``text``. ``source`` names the
live figure that prefills the field (``reports.prefill``). Every error names the section
and field, in Vietnamese.
"""

import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

FIELD_TYPES = ("integer", "number", "percent", "text")
_THOUSANDS = re.compile(r"^-?\d{1,3}([.,]\d{3})+$")
OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "<=": operator.le, "<": operator.lt, ">=": operator.ge, ">": operator.gt, "==": operator.eq,
}  # fmt: skip


@dataclass(frozen=True)
class FieldError:
    section: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"mục {self.section}, trường {self.field}" if self.field else f"mục {self.section}"
        return f"{where}: {self.message}"


def fields_of(form: Sequence[Mapping[str, Any]]) -> dict[str, tuple[str, Mapping[str, Any]]]:
    """Every field of a form by code, with its section's code."""
    return {field["code"]: (section["code"], field) for section in form for field in section.get("fields", ())}


def form_errors(form: Sequence[Mapping[str, Any]], rules: Sequence[Mapping[str, Any]] = ()) -> list[str]:
    """Problems of a form definition itself (for the template import): duplicate codes, unknown types, bad rules."""
    errors: list[str] = []
    sections: set[str] = set()
    codes: set[str] = set()
    for number, section in enumerate(form, 1):
        code = str(section.get("code", "")).strip()
        if not code:
            errors.append(f"Mục thứ {number}: thiếu mã mục.")
            continue
        if code in sections:
            errors.append(f"Mục {code}: mã mục bị lặp.")
        sections.add(code)
        if not str(section.get("title", "")).strip():
            errors.append(f"Mục {code}: thiếu tiêu đề.")
        for field in section.get("fields", ()):
            field_code = str(field.get("code", "")).strip()
            if not field_code:
                errors.append(f"Mục {code}: có trường thiếu mã.")
                continue
            if field_code in codes:
                errors.append(f"Mục {code}, trường {field_code}: mã trường bị lặp trong biểu mẫu.")
            codes.add(field_code)
            if field.get("type", "text") not in FIELD_TYPES:
                errors.append(
                    f"Mục {code}, trường {field_code}: kiểu '{field.get('type')}' không hợp lệ "
                    f"(dùng {', '.join(FIELD_TYPES)})."
                )
            if not str(field.get("label", "")).strip():
                errors.append(f"Mục {code}, trường {field_code}: thiếu nhãn.")
    for number, rule in enumerate(rules, 1):
        if rule.get("op") not in OPERATORS:
            errors.append(f"Quy tắc thứ {number}: phép so sánh '{rule.get('op')}' không hợp lệ.")
        for side in ("left", "right"):
            if rule.get(side) not in codes:
                errors.append(f"Quy tắc thứ {number}: không có trường '{rule.get(side)}' trong biểu mẫu.")
    return errors


def parse_value(field: Mapping[str, Any], raw: Any) -> Decimal | int | str | None:
    """The typed value of one answer (``ValueError`` with a Vietnamese reason); ``None`` when blank."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    kind = field.get("type", "text")
    if kind == "text":
        return str(raw).strip()
    text = str(raw).strip().replace(" ", "")
    if kind == "integer":
        if _THOUSANDS.match(text):  # "1.234" is one thousand two hundred and thirty-four in Vietnamese
            text = text.replace(".", "").replace(",", "")
        try:
            return int(text)
        except ValueError:
            raise ValueError(f"'{raw}' không phải là số nguyên") from None
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"'{raw}' không phải là số") from None
    if not number.is_finite():
        raise ValueError(f"'{raw}' không phải là số")
    return number


def validate(
    form: Sequence[Mapping[str, Any]], rules: Sequence[Mapping[str, Any]], answers: Mapping[str, Any]
) -> tuple[dict[str, Any], list[FieldError]]:
    """Typed answers and every error: required, type, range (``min``/``max``; percent 0–100), cross-field rules.

    A cross-field rule is checked only when both sides have a valid value (a missing or
    invalid one already has its own error). Invalid answers are left out of the values.
    """
    values: dict[str, Any] = {}
    errors: list[FieldError] = []
    for section in form:
        for field in section.get("fields", ()):
            code = field["code"]
            try:
                value = parse_value(field, answers.get(code))
            except ValueError as exc:
                errors.append(FieldError(section["code"], code, str(exc)))
                continue
            if value is None:
                if field.get("required"):
                    errors.append(FieldError(section["code"], code, "bắt buộc phải nhập"))
                continue
            if not isinstance(value, str):
                low = field.get("min", 0 if field.get("type") == "percent" else None)
                high = field.get("max", 100 if field.get("type") == "percent" else None)
                if low is not None and value < Decimal(str(low)):
                    errors.append(FieldError(section["code"], code, f"phải lớn hơn hoặc bằng {low}"))
                    continue
                if high is not None and value > Decimal(str(high)):
                    errors.append(FieldError(section["code"], code, f"phải nhỏ hơn hoặc bằng {high}"))
                    continue
            values[code] = value
    located = fields_of(form)
    for rule in rules:
        left, right = values.get(rule["left"]), values.get(rule["right"])
        if left is None or right is None or isinstance(left, str) or isinstance(right, str):
            continue
        if not OPERATORS[rule["op"]](left, right):
            section_code = located[rule["left"]][0] if rule["left"] in located else "?"
            message = rule.get("message") or f"phải thỏa mãn {rule['left']} {rule['op']} {rule['right']}"
            errors.append(FieldError(section_code, rule["left"], message))
    return values, errors

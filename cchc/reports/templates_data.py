"""Report templates as data: reading the bundled JSON (``data/report_templates.json``) and loading it.

The file names shared forms (``forms``: sections, fields, cross-field rules) and the
template versions that use them (``templates``: calendar, requesting unit, cohorts).
``report_templates_read`` checks everything it can without the database (keys,
types, period and deadline rules, the form through ``forms_schema.form_errors``);
``report_templates_load`` then creates each template version for its unit,
idempotently:

* a version (``code`` + ``version``) not in the database is created;
* one that is there and identical is left alone (no write, no audit row);
* one that differs is updated while no report was written against it, and refused
  once one was: a form that reports already answer changes as a new version.

Every problem is reported at once, in Vietnamese, naming the file and the template.
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from cchc.audit.services import audit_record, diff
from cchc.core.errors import ApplicationError, PermissionDeniedError
from cchc.organizations.models import Cohort, OrgUnit
from cchc.reports import forms_schema
from cchc.reports.models import ReportTemplate
from cchc.reports.periods import DeadlineRule, PeriodType
from cchc.reports.policies import template_policy

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_FILE = DATA_DIR / "report_templates.json"

#: The template's own fields compared and written by the loader (the many-to-many links apart).
SCALAR_FIELDS = (
    "name",
    "period_type",
    "cutoff_day",
    "deadline_rule",
    "deadline_value",
    "lock_working_days",
    "year_from",
    "year_to",
    "legal_basis",
    "form",
    "rules",
)
_REQUIRED = ("code", "name", "unit", "period_type", "year_from", "form")


@dataclass(frozen=True)
class TemplateRow:
    """One template version as the file states it, its form resolved."""

    code: str
    version: int
    unit: str
    cohorts: tuple[str, ...]
    units: tuple[str, ...]
    fields: dict[str, Any]


@dataclass
class TemplatesLoadSummary:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def _int(value: Any, *, low: int, high: int) -> int | None:
    """``value`` as an int in ``[low, high]``, ``None`` otherwise (a bool is not a number here)."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return None
    return value


def _template_row(
    raw: Mapping[str, Any], number: int, forms: Mapping[str, Any], errors: list[str]
) -> TemplateRow | None:
    where = f"mẫu thứ {number}" + (f" ({raw.get('code')})" if raw.get("code") else "")
    missing = [key for key in _REQUIRED if raw.get(key) in (None, "")]
    if missing:
        errors.append(f"{where}: thiếu {', '.join(missing)}.")
        return None
    before = len(errors)
    version = _int(raw.get("version", 1), low=1, high=999)
    if version is None:
        errors.append(f"{where}: phiên bản phải là số nguyên từ 1 đến 999.")
    if raw["period_type"] not in {p.value for p in PeriodType}:
        errors.append(
            f"{where}: loại kỳ '{raw['period_type']}' không hợp lệ (dùng {', '.join(p.value for p in PeriodType)})."
        )
    cutoff = raw.get("cutoff_day", 14)
    if cutoff is not None and _int(cutoff, low=1, high=28) is None:
        errors.append(f"{where}: ngày chốt số liệu phải từ 1 đến 28 (hoặc null: theo tháng dương lịch).")
    rule = raw.get("deadline_rule", DeadlineRule.WORKING_DAYS.value)
    if rule not in {r.value for r in DeadlineRule}:
        errors.append(f"{where}: cách tính hạn nộp '{rule}' không hợp lệ (dùng working_days hoặc day_of_month).")
    deadline_value = _int(raw.get("deadline_value", 2), low=0 if rule == DeadlineRule.WORKING_DAYS else 1, high=28)
    if deadline_value is None:
        errors.append(f"{where}: số ngày của hạn nộp không hợp lệ.")
    lock = _int(raw.get("lock_working_days", 10), low=0, high=250)
    if lock is None:
        errors.append(f"{where}: số ngày làm việc đến khi khóa sổ phải từ 0 đến 250.")
    year_from = _int(raw.get("year_from"), low=2000, high=2100)
    year_to = raw.get("year_to")
    if year_from is None or (year_to is not None and (_int(year_to, low=year_from, high=2100) is None)):
        errors.append(f"{where}: năm áp dụng không hợp lệ (year_from ≤ year_to, từ 2000 đến 2100).")
    cohorts, units = raw.get("cohorts", []), raw.get("units", [])
    if not isinstance(cohorts, list) or not isinstance(units, list) or not (cohorts or units):
        errors.append(f"{where}: phải giao cho ít nhất một nhóm đơn vị (cohorts) hoặc đơn vị (units), dạng danh sách.")
    form = forms.get(raw["form"])
    if form is None:
        errors.append(f"{where}: không có biểu mẫu '{raw['form']}' trong mục forms.")
    else:
        errors.extend(f"{where}, biểu mẫu '{raw['form']}': {e}" for e in forms_schema.form_errors(*form))
    if len(errors) > before or form is None or version is None:
        return None
    return TemplateRow(
        code=str(raw["code"]),
        version=version,
        unit=str(raw["unit"]),
        cohorts=tuple(str(c) for c in cohorts),
        units=tuple(str(u) for u in units),
        fields={
            "name": str(raw["name"]).strip(),
            "period_type": raw["period_type"],
            "cutoff_day": cutoff,
            "deadline_rule": rule,
            "deadline_value": deadline_value,
            "lock_working_days": lock,
            "year_from": year_from,
            "year_to": year_to,
            "legal_basis": str(raw.get("legal_basis", "")).strip(),
            "form": form[0],
            "rules": form[1],
        },
    )


def report_templates_read(path: Path = DEFAULT_FILE) -> list[TemplateRow]:
    """The template versions of a JSON file, checked; ``ApplicationError`` listing every problem.

    ``extra["errors"]`` holds one message per problem, each naming the template (its
    number in the file and its code) and, for form problems, the section and field.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApplicationError(
            _("Không đọc được tệp mẫu báo cáo %(file)s: %(error)s") % {"file": path.name, "error": exc},
            code="reports.templates_file",
        ) from exc
    errors: list[str] = []
    raw_forms = data.get("forms", {}) if isinstance(data, dict) else {}
    forms: dict[str, tuple[Sequence[Any], Sequence[Any]]] = {}
    for name, value in raw_forms.items() if isinstance(raw_forms, dict) else ():
        if not isinstance(value, dict) or not isinstance(value.get("form"), list):
            errors.append(f"biểu mẫu '{name}': phải có danh sách form.")
            continue
        forms[name] = (value["form"], value.get("rules", []))
    templates = data.get("templates") if isinstance(data, dict) else None
    if not isinstance(templates, list) or not templates:
        errors.append("thiếu danh sách templates.")
        templates = []
    rows: list[TemplateRow] = []
    seen: set[tuple[str, int]] = set()
    for number, raw in enumerate(templates, 1):
        if not isinstance(raw, dict):
            errors.append(f"mẫu thứ {number}: phải là một đối tượng JSON.")
            continue
        row = _template_row(raw, number, forms, errors)
        if row is None:
            continue
        if (row.code, row.version) in seen:
            errors.append(f"mẫu thứ {number} ({row.code}): phiên bản {row.version} bị lặp trong tệp.")
        seen.add((row.code, row.version))
        rows.append(row)
    if errors:
        raise ApplicationError(
            _("Tệp mẫu báo cáo %(file)s có %(n)d lỗi: %(first)s")
            % {"file": path.name, "n": len(errors), "first": errors[0]},
            code="reports.templates_invalid",
            extra={"errors": [f"{path.name}: {e}" for e in errors]},
        )
    return rows


def _references(rows: Sequence[TemplateRow], unit_code: str | None) -> tuple[dict[str, OrgUnit], dict[str, Cohort]]:
    unit_codes = {unit_code or row.unit for row in rows} | {code for row in rows for code in row.units}
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=unit_codes)}
    cohorts = {c.code: c for c in Cohort.objects.filter(code__in={c for row in rows for c in row.cohorts})}
    errors = [
        f"mẫu {row.code}: không có đơn vị mã '{code}'."
        for row in rows
        for code in (unit_code or row.unit, *row.units)
        if code not in units
    ] + [
        f"mẫu {row.code}: không có nhóm đơn vị mã '{code}'."
        for row in rows
        for code in row.cohorts
        if code not in cohorts
    ]
    if errors:
        raise ApplicationError(
            _("Chưa nạp được mẫu báo cáo: %(first)s") % {"first": errors[0]},
            code="reports.templates_references",
            extra={"errors": list(dict.fromkeys(errors))},
        )
    return units, cohorts


def _state(template: ReportTemplate) -> dict[str, Any]:
    state = {name: getattr(template, name) for name in SCALAR_FIELDS}
    state["unit"] = template.unit.code
    state["cohorts"] = sorted(template.cohorts.values_list("code", flat=True))
    state["units"] = sorted(template.units.values_list("code", flat=True))
    return state


def report_templates_load(
    *, actor: Any = None, path: Path = DEFAULT_FILE, unit_code: str | None = None
) -> TemplatesLoadSummary:
    """Create or update the template versions of ``path`` (see the module); all or nothing.

    ``unit_code`` loads them for another requesting unit than the file names (a
    province using the bundled forms). ``actor`` ``None`` is the system (the command
    line, the demo); a user must manage templates of the unit. Raises
    ``ApplicationError`` for a bad file, unknown units or cohorts, or a changed
    version that already has reports; ``PermissionDeniedError`` for a user who may
    not manage the unit's templates.
    """
    rows = report_templates_read(path)
    units, cohorts = _references(rows, unit_code)
    summary = TemplatesLoadSummary()
    with transaction.atomic():
        for row in rows:
            unit = units[unit_code or row.unit]
            wanted = {
                **row.fields,
                "unit": unit.code,
                "cohorts": sorted(row.cohorts),
                "units": sorted(row.units),
            }
            label = f"{row.code} v{row.version}"
            template = (
                ReportTemplate.objects.select_for_update(of=("self",))
                .select_related("unit")
                .filter(code=row.code, version=row.version)
                .first()
            )
            probe = template or ReportTemplate(unit=unit)
            if actor is not None and not template_policy.user_can(actor, "manage", probe):
                raise PermissionDeniedError(_("Bạn không có quyền nạp mẫu báo cáo của đơn vị này."))
            if template is None:
                template = ReportTemplate.objects.create(code=row.code, version=row.version, unit=unit, **row.fields)
                template.cohorts.set([cohorts[c] for c in row.cohorts])
                template.units.set([units[u] for u in row.units])
                audit_record(
                    actor=actor,
                    action="report_template.create",
                    obj=template,
                    unit=unit,
                    changes={key: [None, value] for key, value in wanted.items() if key not in ("form", "rules")},
                )
                summary.created.append(label)
                continue
            before = _state(template)
            if before == wanted:
                summary.unchanged.append(label)
                continue
            if template.reports.exists():
                raise ApplicationError(
                    _(
                        "Mẫu %(label)s đã có báo cáo lập theo nên không sửa được; hãy nạp nội dung mới "
                        "thành phiên bản %(next)d."
                    )
                    % {"label": label, "next": row.version + 1},
                    code="reports.template_in_use",
                )
            for name, value in row.fields.items():
                setattr(template, name, value)
            template.unit = unit
            template.save()
            template.cohorts.set([cohorts[c] for c in row.cohorts])
            template.units.set([units[u] for u in row.units])
            changes = diff(before, wanted)
            for key in ("form", "rules"):  # long JSON: say that it changed, not how
                if key in changes:
                    changes[key] = ["…", "…"]
            audit_record(actor=actor, action="report_template.update", obj=template, unit=unit, changes=changes)
            summary.updated.append(label)
    return summary


def report_templates_load_default(*, actor: Any = None) -> TemplatesLoadSummary:
    """Load the bundled templates (``data/report_templates.json``) for the unit they name; idempotent."""
    return report_templates_load(actor=actor, path=DEFAULT_FILE)

"""Loading criteria sets: the bundled samples (``data/*.json``) and XLSX sheets.

The management commands ``load_criteria_sets`` and ``import_criteria_set`` (and later
an upload page) call these. Every set is created through
:func:`criteria_set_create_as`, which is ``services.criteria_set_create`` for a person
and the same checks and writes for the system (``actor=None``, as the other import
commands run): ``criteria_set_create`` re-checks the policy and so refuses an actor
of ``None``.
"""

import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cchc.core.errors import ApplicationError
from cchc.core.text import fold
from cchc.organizations.choices import UnitKind
from cchc.organizations.importing import DEFAULT_UNITS_FILE
from cchc.organizations.models import Cohort, OrgUnit
from cchc.scoring import calculations
from cchc.scoring.models import CriteriaSet
from cchc.scoring.services import CriterionSpec, criteria_set_create
from cchc.scoring.spreadsheets import invalid_file_error, read_criteria

DATA_DIR = Path(__file__).resolve().parent / "data"
SAMPLE_FILES = (DATA_DIR / "sbn.json", DATA_DIR / "huyen.json", DATA_DIR / "xa.json")
DEFAULT_PROVINCE_NAME = "hai duong"


# -- creating a set, for a person or for the system ------------------------------------


def criteria_set_create_as(
    *,
    actor: Any,
    unit: OrgUnit,
    code: str,
    name: str,
    cohort: Cohort,
    year_from: int,
    year_to: int | None = None,
    decision: str = "",
    note: str = "",
    survey_maximum: Decimal = Decimal(0),
    bands: Sequence[tuple[Decimal, str]] = calculations.DEFAULT_BANDS,
    criteria: Sequence[CriterionSpec],
) -> CriteriaSet:
    """``services.criteria_set_create`` (``actor=None`` is the system), the name the loaders use."""
    return criteria_set_create(
        actor=actor, unit=unit, code=code, name=name, cohort=cohort, year_from=year_from, year_to=year_to,
        decision=decision, note=note, survey_maximum=survey_maximum, bands=bands, criteria=criteria,
    )  # fmt: skip


# -- the bundled samples -----------------------------------------------------------------


@dataclass(frozen=True)
class SampleSet:
    """One bundled criteria set as its JSON file gives it; ``code`` is prefixed with the province's on loading."""

    code: str
    name: str
    cohort: str
    year_from: int
    year_to: int | None
    decision: str
    note: str
    survey_maximum: Decimal
    bands: tuple[tuple[Decimal, str], ...]
    criteria: tuple[CriterionSpec, ...]

    def code_for(self, unit: OrgUnit) -> str:
        """The set's code in a province: ``hd-sbn-2023`` for Hải Dương (``HD``)."""
        return f"{slugify(unit.code)}-{self.code}"


def _decimal(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _spec(item: dict[str, Any], position: int) -> CriterionSpec:
    spec = CriterionSpec(code=str(item["code"]), name=str(item["name"]), max_points=Decimal(str(item["max_points"])))
    for key in ("evidence_required", "appraising_unit_code", "na_policy", "rule_kind", "auto_source"):
        if key in item:
            setattr(spec, key, str(item[key]))
    # Through Decimal, so the stored strings are those an exported sheet reads back.
    spec.rule_bands = [
        [str(Decimal(str(rate))), str(Decimal(str(points)))] for rate, points in item.get("rule_bands", [])
    ]
    spec.rule_target = _decimal(item.get("rule_target"))
    spec.rule_deduction = _decimal(item.get("rule_deduction")) or Decimal(0)
    spec.rule_floor = _decimal(item.get("rule_floor")) or Decimal(0)
    spec.rule_scale_max = _decimal(item.get("rule_scale_max"))
    spec.line = position
    return spec


def read_sample_set(path: Path) -> SampleSet:
    """A bundled set from its JSON file; ``line`` of each criterion is its 1-based position in the list."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return SampleSet(
        code=data["code"],
        name=data["name"],
        cohort=data["cohort"],
        year_from=int(data["year_from"]),
        year_to=int(data["year_to"]) if data.get("year_to") is not None else None,
        decision=data.get("decision", ""),
        note=data.get("note", ""),
        survey_maximum=Decimal(str(data.get("survey_maximum", 0))),
        bands=tuple((Decimal(str(threshold)), str(label)) for threshold, label in data.get("bands", ()))
        or calculations.DEFAULT_BANDS,
        criteria=tuple(_spec(item, position) for position, item in enumerate(data["criteria"], start=1)),
    )


def sample_sets() -> list[SampleSet]:
    """The bundled sets: sở/ban/ngành, UBND cấp huyện, UBND cấp xã."""
    return [read_sample_set(path) for path in SAMPLE_FILES]


def default_province_code() -> str:
    """The code of the Hải Dương province in the shipped units file (``HD``)."""
    with DEFAULT_UNITS_FILE.open(encoding="utf-8-sig", newline="") as stream:
        for row in csv.DictReader(stream):
            if row["kind"] == UnitKind.PROVINCE and DEFAULT_PROVINCE_NAME in fold(row["name"]):
                return row["code"]
    raise ApplicationError(  # pragma: no cover - the shipped file names the province
        _("Tệp %(file)s không có tỉnh Hải Dương.") % {"file": DEFAULT_UNITS_FILE.name}, code="scoring.no_province"
    )


def province_by_code(code: str) -> OrgUnit:
    """The issuing unit of a set, by code; ``ApplicationError`` when it is not loaded."""
    unit = OrgUnit.objects.filter(code=code).first()
    if unit is None:
        raise ApplicationError(
            _("Chưa có đơn vị mã '%(code)s'; hãy nạp danh mục đơn vị trước (import_units).") % {"code": code},
            code="scoring.unit_missing",
        )
    return unit


def cohort_by_code(code: str) -> Cohort:
    """A cohort by code; ``ApplicationError`` when it is not loaded."""
    cohort = Cohort.objects.filter(code=code).first()
    if cohort is None:
        raise ApplicationError(
            _("Chưa có nhóm đơn vị mã '%(code)s'; hãy nạp danh mục đơn vị trước (import_units).") % {"code": code},
            code="scoring.cohort_missing",
        )
    return cohort


@dataclass
class LoadSummary:
    """Codes of the sets a load created and of those it found already there (left as they are)."""

    created: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def criteria_sets_load_default(*, actor: Any = None, unit: OrgUnit) -> LoadSummary:
    """Create the bundled sets for the province ``unit``, all or nothing; idempotent.

    A set whose code (``code_for(unit)``) already exists is left as it is, even if
    the bundled file changed since: a set in use is versioned by a new code, never
    edited. Raises ``ApplicationError`` for a missing cohort or a set the service
    refuses (``extra["errors"]`` names the file and each criterion), after rolling
    back every set of this run.
    """
    summary = LoadSummary()
    with transaction.atomic():
        for path, sample in zip(SAMPLE_FILES, sample_sets(), strict=True):
            code = sample.code_for(unit)
            if CriteriaSet.objects.filter(code=code).exists():
                summary.unchanged.append(code)
                continue
            try:
                criteria_set_create_as(
                    actor=actor, unit=unit, code=code, name=sample.name, cohort=cohort_by_code(sample.cohort),
                    year_from=sample.year_from, year_to=sample.year_to, decision=sample.decision, note=sample.note,
                    survey_maximum=sample.survey_maximum, bands=sample.bands, criteria=sample.criteria,
                )  # fmt: skip
            except ApplicationError as exc:
                messages = [f"{path.name}: {message}" for message in exc.extra.get("errors", [exc.message])]
                raise ApplicationError(
                    _("Không nạp được bộ tiêu chí mẫu %(file)s: %(first)s") % {"file": path.name, "first": messages[0]},
                    code=exc.code,
                    extra={"errors": messages},
                ) from exc
            summary.created.append(code)
    return summary


# -- an XLSX sheet -------------------------------------------------------------------------


def criteria_set_import_file(
    *,
    path: str | Path,
    actor: Any,
    unit: OrgUnit,
    code: str,
    name: str,
    cohort: Cohort,
    year_from: int,
    year_to: int | None = None,
    survey_maximum: Decimal = Decimal(0),
) -> CriteriaSet:
    """A new set from the XLSX sheet at ``path`` (columns of ``scoring.spreadsheets``), all or nothing.

    Raises ``ApplicationError``: ``scoring.invalid_file`` with every problem of the
    sheet located as "tệp, dòng, cột", or the service's error (``scoring.invalid_set``:
    a code already taken, years reversed …).
    """
    if survey_maximum < 0:
        raise ApplicationError(
            _("Điểm điều tra xã hội học tối đa phải không âm (nhận %(value)s).")
            % {"value": calculations.fmt(survey_maximum)},
            code="scoring.survey_maximum",
        )
    sheet = read_criteria(path)
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=sheet.unit_codes())}
    errors = sheet.errors(units)
    if errors:
        raise invalid_file_error(sheet.filename, errors)
    return criteria_set_create_as(
        actor=actor, unit=unit, code=code, name=name, cohort=cohort, year_from=year_from, year_to=year_to,
        survey_maximum=survey_maximum, criteria=sheet.specs,
    )  # fmt: skip

"""Loading org units and cohorts from files, and listing them for export.

``units_import`` is the one entry point for bulk changes to the unit tree: the
``import_units`` command, the demo loader and (later) an upload page call it. It
checks the whole file against itself and the database first, then writes every
change through ``organizations.services`` (so each change has its audit row) in
one transaction: any error, including one raised by a service half-way, rolls
everything back. Import is an upsert keyed by ``code``: units absent from the
file are left as they are, never deleted (units end with ``valid_to``).
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from cchc.audit.services import snapshot
from cchc.core.errors import ApplicationError
from cchc.organizations.io import (
    CohortRow,
    ErrorList,
    SourceRef,
    UnitRow,
    check_duplicate_codes,
    invalid_file_error,
    read_cohorts,
    read_units,
)
from cchc.organizations.models import Cohort, OrgUnit
from cchc.organizations.services import (
    UNIT_FIELDS,
    cohort_upsert,
    unit_create,
    unit_set_cohorts,
    unit_set_successors,
    unit_update,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_COHORTS_FILE = DATA_DIR / "cohorts.json"
DEFAULT_UNITS_FILE = DATA_DIR / "units_haiduong.csv"

# Where a service error points in the file: model field → column.
_FIELD_COLUMNS = {"parent": "parent_code", "__all__": None, "successors": "successor_codes"}
_CODE_COLUMNS = {
    "organizations.cycle": "parent_code",
    "organizations.self_successor": "successor_codes",
}


@dataclass
class ImportSummary:
    """What an import did, as codes in file order.

    ``cohorts_created`` lists cohorts a units import had to create from the
    catalogue. ``dry_run`` means all of it was rolled back.
    """

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    cohorts_created: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.cohorts_created)


# --- cohorts ------------------------------------------------------------------------------


@transaction.atomic
def cohorts_import(*, rows: Sequence[CohortRow], actor: Any) -> ImportSummary:
    """Create or update each cohort (name, description) through ``cohort_upsert``.

    Cohorts absent from ``rows`` are left alone. Unchanged cohorts write nothing.
    """
    summary = ImportSummary()
    existing = {c.code: c for c in Cohort.objects.filter(code__in=[row.code for row in rows])}
    for row in rows:
        before = existing.get(row.code)
        cohort_upsert(actor=actor, code=row.code, name=row.name, description=row.description, aliases=list(row.aliases))
        if before is None:
            summary.created.append(row.code)
        elif (before.name, before.description, before.aliases) != (row.name, row.description, list(row.aliases)):
            summary.updated.append(row.code)
        else:
            summary.unchanged.append(row.code)
    return summary


def cohorts_load_default(*, actor: Any = None) -> ImportSummary:
    """Load the shipped cohort catalogue (``data/cohorts.json``); idempotent."""
    return cohorts_import(rows=read_cohorts(DEFAULT_COHORTS_FILE), actor=actor)


# --- units: checks before writing ---------------------------------------------------------


@dataclass(frozen=True)
class _Period:
    valid_from: dt.date
    valid_to: dt.date | None

    def contains(self, other: "_Period") -> bool:
        if other.valid_from < self.valid_from:
            return False
        if self.valid_to is None:
            return True
        return other.valid_to is not None and other.valid_to <= self.valid_to

    def __str__(self) -> str:
        end = self.valid_to.strftime("%d/%m/%Y") if self.valid_to else _("không thời hạn")
        return f"{self.valid_from:%d/%m/%Y} – {end}"


def _ref(row: UnitRow, filename: str) -> SourceRef:
    return row.source or SourceRef(filename, 0)


def _check_references(
    rows: Sequence[UnitRow],
    in_file: Mapping[str, UnitRow],
    in_db: Mapping[str, OrgUnit],
    cohort_codes: set[str],
    errors: ErrorList,
) -> None:
    """Unknown parent, cohort or successor codes; a child outliving its parent."""
    for row in rows:
        ref = _ref(row, errors.filename)
        if row.parent_code and row.parent_code not in in_file and row.parent_code not in in_db:
            errors.add(
                ref,
                "parent_code",
                _("không tìm thấy đơn vị cấp trên mã '%(code)s' trong tệp hoặc trong cơ sở dữ liệu")
                % {"code": row.parent_code},
            )
        for code in row.cohorts:
            if code not in cohort_codes:
                errors.add(ref, "cohorts", _("không có nhóm đơn vị mã '%(code)s'") % {"code": code})
        for code in row.successor_codes:
            if code not in in_file and code not in in_db:
                errors.add(
                    ref,
                    "successor_codes",
                    _("không tìm thấy đơn vị kế thừa mã '%(code)s' trong tệp hoặc trong cơ sở dữ liệu")
                    % {"code": code},
                )
        parent_period: _Period | None = None
        if row.parent_code in in_file:
            parent = in_file[row.parent_code]
            parent_period = _Period(parent.valid_from, parent.valid_to)
        elif row.parent_code in in_db:
            unit = in_db[row.parent_code]
            parent_period = _Period(unit.valid_from, unit.valid_to)
        own = _Period(row.valid_from, row.valid_to)
        if parent_period is not None and not parent_period.contains(own):
            column = "valid_from" if own.valid_from < parent_period.valid_from else "valid_to"
            errors.add(
                ref,
                column,
                _("thời gian hiệu lực %(own)s vượt ra ngoài hiệu lực của đơn vị cấp trên '%(parent)s' (%(period)s)")
                % {"own": own, "parent": row.parent_code, "period": parent_period},
            )


def _parents_first(rows: Sequence[UnitRow], in_file: Mapping[str, UnitRow], errors: ErrorList) -> list[UnitRow]:
    """``rows`` reordered so a parent from the file comes before its children.

    Rows keep their file order otherwise. A cycle of parents within the file is
    reported on every row in it.
    """
    done: set[str] = set()
    ordered: list[UnitRow] = []
    reported: set[str] = set()
    for start in rows:
        chain: list[UnitRow] = []
        row: UnitRow | None = start
        while row is not None and row.code not in done:
            codes = [member.code for member in chain]
            if row.code in codes:
                cycle = chain[codes.index(row.code) :]
                text = " → ".join([*(r.code for r in cycle), row.code])
                for member in cycle:
                    if member.code not in reported:
                        errors.add(
                            _ref(member, errors.filename),
                            "parent_code",
                            _("vòng lặp đơn vị cấp trên: %(chain)s") % {"chain": text},
                        )
                        reported.add(member.code)
                break
            chain.append(row)
            row = in_file.get(row.parent_code) if row.parent_code else None
        for member in reversed(chain):
            if member.code not in done:
                done.add(member.code)
                ordered.append(member)
    return ordered


# --- units: writing -----------------------------------------------------------------------


def _column_for(exc: ApplicationError) -> str | None:
    if exc.code in _CODE_COLUMNS:
        return _CODE_COLUMNS[exc.code]
    fields = list(exc.extra.get("errors") or {})
    if fields:
        name = fields[0]
        return _FIELD_COLUMNS.get(name, name)
    return None


class _Writer:
    """The write phase of one import: units, then cohort memberships, then successors."""

    def __init__(self, *, actor: Any, existing: Mapping[str, OrgUnit], errors: ErrorList) -> None:
        self.actor = actor
        self.units: dict[str, OrgUnit] = dict(existing)
        self.new: set[str] = set()
        self.changed: set[str] = set()
        self.failed: set[str] = set()
        self.errors = errors

    def fail(self, row: UnitRow, exc: ApplicationError, column: str | None = None) -> None:
        self.failed.add(row.code)
        self.errors.add(_ref(row, self.errors.filename), column or _column_for(exc), exc.message)

    def save_unit(self, row: UnitRow, position: int) -> None:
        if row.parent_code in self.failed:
            self.failed.add(row.code)  # its parent is already reported
            return
        parent = self.units[row.parent_code] if row.parent_code else None
        fields: dict[str, Any] = {
            "name": row.name,
            "short_name": row.short_name,
            "kind": row.kind,
            "parent": parent,
            "statistical_code": row.statistical_code,
            "valid_from": row.valid_from,
            "valid_to": row.valid_to,
        }
        unit = self.units.get(row.code)
        try:
            if unit is None:
                sort_order = row.sort_order if row.sort_order is not None else position
                self.units[row.code] = unit_create(actor=self.actor, code=row.code, sort_order=sort_order, **fields)
                self.new.add(row.code)
                return
            if row.sort_order is not None:
                fields["sort_order"] = row.sort_order
            # Earlier moves in this import may have rewritten materialised paths.
            unit.refresh_from_db(fields=["path"])
            if parent is not None:
                parent.refresh_from_db(fields=["path"])
            before = snapshot(unit, UNIT_FIELDS)
            unit_update(actor=self.actor, unit=unit, **fields)
            if snapshot(unit, UNIT_FIELDS) != before:
                self.changed.add(row.code)
        except ApplicationError as exc:
            self.fail(row, exc)

    def set_cohorts(self, row: UnitRow, cohorts: Mapping[str, Cohort]) -> None:
        if any(code not in cohorts for code in row.cohorts):
            return  # creating that cohort failed and is already reported
        unit = self.units[row.code]
        old = set(unit.cohorts.values_list("code", flat=True))
        if old == set(row.cohorts):
            return
        try:
            unit_set_cohorts(actor=self.actor, unit=unit, cohorts=[cohorts[code] for code in row.cohorts])
        except ApplicationError as exc:
            self.fail(row, exc, "cohorts")
            return
        self.changed.add(row.code)

    def set_successors(self, row: UnitRow) -> None:
        if any(code in self.failed for code in row.successor_codes):
            return  # the successor's own row carries the error
        unit = self.units[row.code]
        old = set(unit.successors.values_list("code", flat=True))
        if old == set(row.successor_codes):
            return
        try:
            unit_set_successors(
                actor=self.actor, unit=unit, successors=[self.units[code] for code in row.successor_codes]
            )
        except ApplicationError as exc:
            self.fail(row, exc, "successor_codes")
            return
        self.changed.add(row.code)


def _referenced_codes(rows: Iterable[UnitRow]) -> set[str]:
    codes: set[str] = set()
    for row in rows:
        codes.add(row.code)
        if row.parent_code:
            codes.add(row.parent_code)
        codes.update(row.successor_codes)
    return codes


def units_import(
    *,
    rows: Sequence[UnitRow],
    actor: Any,
    cohorts: Sequence[CohortRow] = (),
    dry_run: bool = False,
    filename: str | None = None,
) -> ImportSummary:
    """Create or update the units in ``rows`` (matched by code), in one transaction.

    Parents may come after their children in ``rows``; parent, successor and
    cohort codes may name units or cohorts already in the database. ``cohorts`` is
    a catalogue used only to create cohorts the rows name but the database lacks
    (existing cohorts are never changed here). Units not in ``rows`` are left as
    they are. Re-importing the same rows changes nothing and writes no audit row.

    Raises ``ApplicationError`` (``organizations.invalid_file``, every located
    message in ``extra["errors"]``) for unknown codes, cycles, a unit valid outside
    its parent's period, or anything a service refuses; nothing is written then.
    With ``dry_run`` the work is done and reported, then rolled back.
    """
    name = filename or next((row.source.filename for row in rows if row.source), "?")
    errors = ErrorList(name)
    with transaction.atomic():
        check_duplicate_codes(rows, errors)
        in_file = {row.code: row for row in rows}
        in_db = {
            unit.code: unit
            for unit in OrgUnit.objects.filter(code__in=_referenced_codes(rows)).select_related("parent")
        }
        wanted_cohorts = {code for row in rows for code in row.cohorts}
        cohorts_in_db = {c.code: c for c in Cohort.objects.filter(code__in=wanted_cohorts)}
        catalogue = {c.code: c for c in cohorts}
        _check_references(rows, in_file, in_db, set(cohorts_in_db) | set(catalogue), errors)
        ordered = _parents_first(rows, in_file, errors)
        errors.raise_if_any()

        # Units of the file already in the database are updated; parents and
        # successors outside the file are used as they are.
        writer = _Writer(actor=actor, existing=in_db, errors=errors)
        positions = {row.code: index for index, row in enumerate(rows, start=1)}
        for row in ordered:
            writer.save_unit(row, positions[row.code])

        summary = ImportSummary(dry_run=dry_run)
        for code in sorted(wanted_cohorts - set(cohorts_in_db)):
            definition = catalogue[code]
            try:
                cohorts_in_db[code] = cohort_upsert(
                    actor=actor, code=code, name=definition.name, description=definition.description
                )
            except ApplicationError as exc:
                errors.messages.append(exc.message)
                continue
            summary.cohorts_created.append(code)

        alive = [row for row in rows if row.code not in writer.failed]
        for row in alive:
            writer.set_cohorts(row, cohorts_in_db)
        for row in alive:
            if row.code not in writer.failed:  # set_cohorts may have failed it
                writer.set_successors(row)
        if errors:
            raise invalid_file_error(name, errors.messages)

        for row in rows:
            if row.code in writer.new:
                summary.created.append(row.code)
            elif row.code in writer.changed:
                summary.updated.append(row.code)
            else:
                summary.unchanged.append(row.code)
        if dry_run:
            transaction.set_rollback(True)
    return summary


def units_load_default(*, actor: Any = None) -> ImportSummary:
    """Load the shipped Hải Dương units (``data/units_haiduong.csv``); idempotent.

    Cohorts the file names but the database lacks are created from the shipped
    catalogue, so this works on an empty database too.
    """
    return units_import(
        rows=read_units(DEFAULT_UNITS_FILE),
        actor=actor,
        cohorts=read_cohorts(DEFAULT_COHORTS_FILE),
        filename=DEFAULT_UNITS_FILE.name,
    )


# --- export -------------------------------------------------------------------------------


def unit_rows_for_export(*, on: dt.date | None) -> list[UnitRow]:
    """Units valid on ``on`` (every unit when ``None``) as rows, parents first.

    Siblings follow ``sort_order`` then code, so the file reads like the official
    listing. Cohorts and successors are listed by code. A unit whose parent is not
    exported (not valid that day) still names it in ``parent_code``.
    """
    qs = OrgUnit.objects.select_related("parent").prefetch_related(
        Prefetch("cohorts", queryset=Cohort.objects.only("code").order_by("code")),
        Prefetch("successors", queryset=OrgUnit.objects.only("code").order_by("code")),
    )
    if on is not None:
        qs = qs.valid_on(on)
    units = list(qs.order_by("sort_order", "code"))
    present = {unit.pk for unit in units}
    children: dict[int | None, list[OrgUnit]] = {}
    for unit in units:
        key = unit.parent_id if unit.parent_id in present else None
        children.setdefault(key, []).append(unit)

    rows: list[UnitRow] = []

    def visit(parent_id: int | None) -> None:
        for unit in children.get(parent_id, []):
            rows.append(
                UnitRow(
                    code=unit.code,
                    name=unit.name,
                    short_name=unit.short_name,
                    kind=unit.kind,
                    parent_code=unit.parent.code if unit.parent else "",
                    statistical_code=unit.statistical_code,
                    cohorts=tuple(c.code for c in unit.cohorts.all()),
                    valid_from=unit.valid_from,
                    valid_to=unit.valid_to,
                    successor_codes=tuple(s.code for s in unit.successors.all()),
                    sort_order=unit.sort_order,
                )
            )
            visit(unit.pk)

    visit(None)
    return rows

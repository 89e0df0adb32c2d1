"""Loading the procedure catalogue from files, all or nothing.

``procedures_import`` is the entry point for bulk changes: the ``import_procedures``
command, the demo loader (``procedures_load_default``) and the API call it. It is
an upsert keyed by ``code``: procedures absent from the file are left as they are.
The file is checked against the database first (unknown unit codes, each with its
line and column); then every row goes through ``procedures.services`` (one audit
row per change) in one transaction, so an error half-way rolls everything back.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from cchc.core.errors import ApplicationError
from cchc.organizations.io import SourceRef
from cchc.organizations.models import OrgUnit
from cchc.procedures.io import ProcedureRow, invalid_file_error, read_procedures
from cchc.procedures.models import Procedure
from cchc.procedures.services import check_can_change, procedure_create, procedure_update

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_PROCEDURES_FILE = DATA_DIR / "procedures_sample.csv"


class _DryRunRollbackError(Exception):
    """Raised inside the transaction of a dry run so that nothing is kept."""


@dataclass
class ImportSummary:
    """What an import did (or, for a dry run, would do), as codes in file order."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    dry_run: bool = False

    def message(self) -> str:
        """``Đã tạo 2, cập nhật 1, không đổi 17 thủ tục.``"""
        counts = {"created": len(self.created), "updated": len(self.updated), "unchanged": len(self.unchanged)}
        if self.dry_run:
            return (
                _("Chạy thử: sẽ tạo %(created)d, cập nhật %(updated)d, không đổi %(unchanged)d thủ tục.") % counts
                + " "
                + _("Chưa ghi thay đổi nào vào cơ sở dữ liệu.")
            )
        return _("Đã tạo %(created)d, cập nhật %(updated)d, không đổi %(unchanged)d thủ tục.") % counts


def _units_by_code(rows: Sequence[ProcedureRow], filename: str) -> dict[str, OrgUnit]:
    wanted = {code for row in rows for code in row.unit_codes}
    units = {unit.code: unit for unit in OrgUnit.objects.filter(code__in=wanted)}
    messages = []
    for row in rows:
        for code in row.unit_codes:
            if code not in units:
                ref = row.source or SourceRef(filename, 0)
                messages.append(ref.message("unit_codes", _("không có đơn vị nào mang mã '%(code)s'") % {"code": code}))
    if messages:
        raise invalid_file_error(filename, messages)
    return units


def procedures_import(
    *, rows: Sequence[ProcedureRow], actor: Any, filename: str = "", dry_run: bool = False
) -> ImportSummary:
    """Create or update one procedure per row, all or nothing.

    Raises ``PermissionDeniedError`` when ``actor`` may not change the catalogue,
    ``ApplicationError`` (``procedures.invalid_file``) for unknown unit codes, and
    lets a service's ``ApplicationError`` through after rolling everything back.
    """
    check_can_change(actor)
    units = _units_by_code(rows, filename)
    summary = ImportSummary(dry_run=dry_run)
    existing = {p.code: p for p in Procedure.objects.filter(code__in=[r.code for r in rows]).prefetch_related("units")}
    try:
        with transaction.atomic():
            for row in rows:
                row_units = [units[code] for code in row.unit_codes]
                procedure = existing.get(row.code)
                try:
                    if procedure is None:
                        procedure_create(actor=actor, values=row.values, units=row_units)
                        summary.created.append(row.code)
                    elif procedure_update(actor=actor, procedure=procedure, values=row.values, units=row_units):
                        summary.updated.append(row.code)
                    else:
                        summary.unchanged.append(row.code)
                except ApplicationError as exc:
                    ref = row.source or SourceRef(filename, 0)
                    raise invalid_file_error(filename, [ref.message(None, exc.message)]) from exc
            if dry_run:
                raise _DryRunRollbackError
    except _DryRunRollbackError:
        pass
    return summary


def procedures_import_file(*, path: str | Path, actor: Any, dry_run: bool = False) -> ImportSummary:
    """Read the CSV/XLSX file at ``path`` and import it (see ``procedures_import``)."""
    rows = read_procedures(path)
    return procedures_import(rows=rows, actor=actor, filename=Path(path).name, dry_run=dry_run)


def procedures_load_default(*, actor: Any = None) -> ImportSummary:
    """Load the illustrative Hải Dương catalogue shipped in ``data/`` (idempotent).

    Unit codes of the sample that are not in the database (a demo without the
    Hải Dương units) are dropped rather than refused, so the catalogue still loads.
    """
    rows = read_procedures(DEFAULT_PROCEDURES_FILE)
    known = set(OrgUnit.objects.values_list("code", flat=True))
    rows = [
        ProcedureRow(values=row.values, unit_codes=tuple(c for c in row.unit_codes if c in known), source=row.source)
        for row in rows
    ]
    return procedures_import(rows=rows, actor=actor, filename=DEFAULT_PROCEDURES_FILE.name)

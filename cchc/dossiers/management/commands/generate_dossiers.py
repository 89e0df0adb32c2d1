"""``manage.py generate_dossiers``: a synthetic province (units, procedures) and a dossier import file."""

import csv
import datetime as dt
from argparse import ArgumentParser
from contextlib import ExitStack
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from cchc.core.calendar import work_calendar
from cchc.dossiers.synthetic import (
    FILE_COLUMNS,
    SyntheticProcedure,
    SyntheticUnit,
    generate_dossier_rows,
    synthetic_procedures,
    synthetic_units,
)
from cchc.organizations.choices import UnitKind
from cchc.organizations.models import OrgUnit
from cchc.organizations.services import unit_create
from cchc.procedures.models import Procedure
from cchc.procedures.services import procedure_create

ROOT_CODE = "SYN"
VALID_FROM = dt.date(2015, 1, 1)
_KINDS = {"province": UnitKind.DEPARTMENT, "district": UnitKind.DISTRICT, "commune": UnitKind.COMMUNE}


@transaction.atomic
def _create_catalogue(units: list[SyntheticUnit], procedures: list[SyntheticProcedure]) -> tuple[int, int]:
    """Create the units (under a synthetic province) and procedures that do not exist yet."""
    root = OrgUnit.objects.filter(code=ROOT_CODE).first() or unit_create(
        actor=None,
        code=ROOT_CODE,
        name="Tỉnh tổng hợp (dữ liệu giả lập)",
        short_name="Tỉnh tổng hợp",
        kind=UnitKind.PROVINCE,
        valid_from=VALID_FROM,
    )
    existing_units = set(OrgUnit.objects.filter(code__startswith="SYN-").values_list("code", flat=True))
    made_units = 0
    by_code: dict[str, OrgUnit] = {}
    for position, unit in enumerate(units, start=1):
        if unit.code in existing_units:
            continue
        by_code[unit.code] = unit_create(
            actor=None,
            code=unit.code,
            name=unit.name,
            short_name=unit.name,
            kind=_KINDS[unit.level],
            parent=root,
            valid_from=VALID_FROM,
            sort_order=position,
        )
        made_units += 1
    existing_procedures = set(Procedure.objects.filter(code__startswith="SYN-").values_list("code", flat=True))
    made_procedures = 0
    for procedure in procedures:
        if procedure.code in existing_procedures:
            continue
        procedure_create(
            actor=None,
            values={
                "code": procedure.code,
                "name": procedure.name,
                "field": procedure.field,
                "level": procedure.level,
                "time_limit_days": procedure.time_limit_days,
            },
            units=[by_code[u.code] for u in units if u.level == procedure.level and u.code in by_code],
        )
        made_procedures += 1
    return made_units, made_procedures


class Command(BaseCommand):
    help = (
        "Tạo một tỉnh giả lập (đơn vị, thủ tục) và ghi N hồ sơ trong Y năm ra tệp CSV để nạp bằng import_dossiers "
        "(cho trình diễn và đo hiệu năng). Cùng --seed cho cùng một tệp."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--units", type=int, default=50)
        parser.add_argument("--procedures", type=int, default=200)
        parser.add_argument("--dossiers", type=int, default=10_000)
        parser.add_argument("--years", type=int, default=2)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--end", default="2025-12-31", help="Ngày cuối của kỳ giả lập, YYYY-MM-DD.")
        parser.add_argument("--output", default="-", help="Tệp CSV ghi ra (mặc định: stdout).")
        parser.add_argument(
            "--no-catalogue", action="store_true", help="Không tạo đơn vị, thủ tục trong cơ sở dữ liệu; chỉ ghi tệp."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for name in ("units", "procedures", "dossiers", "years"):
            if options[name] < 1:
                raise CommandError(_("--%(name)s phải là số nguyên dương.") % {"name": name})
        try:
            end = dt.date.fromisoformat(options["end"])
        except ValueError as exc:
            raise CommandError(_("--end phải có dạng YYYY-MM-DD.")) from exc
        # 29/2 has no twin in most years: count back from 28/2 then.
        start = end.replace(year=end.year - options["years"], day=min(end.day, 28) if end.month == 2 else end.day)
        start += dt.timedelta(days=1)
        units = synthetic_units(options["units"])
        procedures = synthetic_procedures(options["procedures"], seed=options["seed"])
        if not options["no_catalogue"]:
            made_units, made_procedures = _create_catalogue(units, procedures)
            self.stderr.write(
                _("Đã tạo %(u)d đơn vị, %(p)d thủ tục giả lập.") % {"u": made_units, "p": made_procedures}
            )
        rows = generate_dossier_rows(
            units=units,
            procedures=procedures,
            count=options["dossiers"],
            date_from=start,
            date_to=end,
            seed=options["seed"],
            calendar=work_calendar(),
        )
        target = options["output"]
        with ExitStack() as stack:
            # csv writes one whole line per call, so the command's own stdout (captured in
            # tests) takes the rows as they are.
            stream: Any = (
                self.stdout if target == "-" else stack.enter_context(open(target, "w", encoding="utf-8", newline=""))
            )
            writer = csv.DictWriter(stream, fieldnames=FILE_COLUMNS, lineterminator="\n")
            writer.writeheader()
            for number, row in enumerate(rows, start=1):
                writer.writerow(row)
                if number % 100_000 == 0 and options["verbosity"] >= 2:
                    self.stderr.write(_("… %(n)d hồ sơ") % {"n": number})
        self.stderr.write(
            _("Đã ghi %(n)d hồ sơ (%(start)s – %(end)s) vào %(file)s.")
            % {"n": options["dossiers"], "start": start.isoformat(), "end": end.isoformat(), "file": target}
        )

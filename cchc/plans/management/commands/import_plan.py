"""``manage.py import_plan FILE``: read a plan document and create the plan.

``--dry-run --format json`` prints the analysis (outline with repaired text, unit
matches, references, warnings) and writes nothing.
"""

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from cchc.core.errors import ApplicationError
from cchc.documents.analysis import analyse_document, guess_year
from cchc.organizations.models import OrgUnit
from cchc.plans.selectors import unit_candidates_for_year
from cchc.plans.services import plan_import_confirm, plan_import_create


def default_unit(year: int) -> OrgUnit:
    """The one root unit (a province) that existed on 1 January of ``year``."""
    day = dt.date(year, 1, 1)
    roots = list(
        OrgUnit.objects.filter(parent=None, valid_from__lte=day).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    )
    if len(roots) != 1:
        raise CommandError(f"Không xác định được đơn vị ban hành năm {year}; hãy chỉ rõ bằng --unit MÃ_ĐƠN_VỊ.")
    return roots[0]


class Command(BaseCommand):
    help = "Nhập kế hoạch CCHC từ văn bản (.txt, .docx, .pdf, ảnh quét)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Tệp văn bản kế hoạch.")
        parser.add_argument("--year", type=int, help="Năm kế hoạch (mặc định: đọc từ văn bản).")
        parser.add_argument("--unit", help="Mã đơn vị ban hành (mặc định: tỉnh của năm đó).")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ phân tích, không ghi gì.")
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument("--title", help="Tên kế hoạch (mặc định: dòng đầu văn bản).")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp “{path}”: {exc.strerror}.") from exc
        year = options["year"] or guess_year(data) or dt.date.today().year  # noqa: DTZ011
        try:
            if options["dry_run"]:
                analysis = analyse_document(name=path.name, data=data, candidates=unit_candidates_for_year(year=year))
                self._print(analysis.as_json(), options["format"])
                return
            unit = OrgUnit.objects.filter(code=options["unit"]).first() if options["unit"] else default_unit(year)
            if unit is None:
                raise CommandError(f"Không có đơn vị mã “{options['unit']}”.")
            plan_import = plan_import_create(actor=None, unit=unit, year=year, file_name=path.name, data=data)
            plan = plan_import_confirm(actor=None, plan_import=plan_import, title=options["title"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        analysis_json = plan_import.analysis
        if options["format"] == "json":
            self._print({**analysis_json, "plan": {"id": plan.pk, "title": plan.title}}, "json")
            return
        linked = sum(1 for u in analysis_json["units"] if u["code"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã tạo kế hoạch “{plan.title}” (năm {plan.year}, {unit.short_name}): "
                f"{plan.nodes.count()} mục, {linked} tên đơn vị đã khớp, {len(analysis_json['references'])} dẫn chiếu."
            )
        )
        for warning in analysis_json["warnings"]:
            self.stdout.write(f"  ! {warning}")

    def _print(self, payload: dict[str, Any], fmt: str) -> None:
        if fmt == "json":
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        for node in payload["outline"]:
            depth = node["path"].count(".")
            self.stdout.write(f"{'  ' * depth}{node['path']}  {node['title']}")
        for unit in payload["units"]:
            self.stdout.write(f"[{unit['role']}] {unit['path']}: {unit['text']} → {unit['code'] or '?'}")
        for warning in payload["warnings"]:
            self.stdout.write(f"! {warning}")

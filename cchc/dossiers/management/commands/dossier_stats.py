"""``manage.py dossier_stats --from D --to D [--unit CODE] --format json|text``: Biểu 06 from stored dossiers."""

import datetime as dt
import json
from argparse import ArgumentParser
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cchc.dossiers import sla
from cchc.dossiers.selectors import dossier_stats
from cchc.organizations.models import OrgUnit


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(_("Ngày '%(value)s' không hợp lệ; dùng YYYY-MM-DD.") % {"value": value}) from exc


def _plain(stats: sla.Stats) -> dict[str, Any]:
    # The rate is exact to 2 decimals; as a JSON number it reads 70.0 or 66.67.
    return {key: float(value) if isinstance(value, Decimal) else value for key, value in stats.as_dict().items()}


class Command(BaseCommand):
    help = (
        "In bảng thống kê kết quả giải quyết hồ sơ (Biểu 06) cho kỳ [--from, --to], toàn tỉnh và theo đơn vị, "
        "tính lại từ các hồ sơ đã lưu."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--from", dest="date_from", required=True, help="Ngày đầu kỳ, YYYY-MM-DD.")
        parser.add_argument("--to", dest="date_to", required=True, help="Ngày cuối kỳ (tính cả ngày này), YYYY-MM-DD.")
        parser.add_argument("--unit", help="Chỉ tính hồ sơ của đơn vị có mã này.")
        parser.add_argument("--format", choices=("json", "text"), default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        date_from, date_to = _date(options["date_from"]), _date(options["date_to"])
        if date_from > date_to:
            raise CommandError(_("Ngày đầu kỳ sau ngày cuối kỳ."))
        unit = options["unit"]
        if unit is not None and not OrgUnit.objects.filter(code=unit).exists():
            raise CommandError(_("Không có đơn vị mã '%(code)s'.") % {"code": unit})
        table = dossier_stats(date_from=date_from, date_to=date_to, unit_code=unit)
        if options["format"] == "json":
            data = {"total": _plain(table.total), "units": {code: _plain(s) for code, s in table.units.items()}}
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        keys = list(table.total.as_dict())
        rows = [(_("Tổng"), table.total), *table.units.items()]
        width = max(len(str(name)) for name, _stats in rows)
        self.stdout.write(_("Kỳ %(from)s – %(to)s") % {"from": f"{date_from:%d/%m/%Y}", "to": f"{date_to:%d/%m/%Y}"})
        for name, stats in rows:
            values = stats.as_dict()
            cells = ", ".join(f"{key}={'' if values[key] is None else values[key]}" for key in keys)
            self.stdout.write(f"{name!s:<{width}}  {cells}")

"""``manage.py export_units --format json|csv [--on YYYY-MM-DD | --all] [--output FILE]``."""

import io
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.organizations.importing import unit_rows_for_export
from cchc.organizations.io import FORMATS, Format, parse_date, write_units


class Command(BaseCommand):
    help = (
        "Xuất các cơ quan, đơn vị có hiệu lực vào một ngày (mặc định: hôm nay) ra CSV hoặc JSON, "
        "cùng các cột mà import_units đọc."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--format", choices=FORMATS, help="csv hoặc json (mặc định: theo đuôi tệp --output, rồi csv)."
        )
        when = parser.add_mutually_exclusive_group()
        when.add_argument("--on", help="Ngày hiệu lực, YYYY-MM-DD hoặc DD/MM/YYYY (mặc định: hôm nay).")
        when.add_argument("--all", action="store_true", help="Xuất mọi đơn vị, kể cả đã hết hoặc chưa có hiệu lực.")
        parser.add_argument(
            "--output",
            "-o",
            help="Ghi ra tệp này thay vì màn hình (CSV được ghi kèm BOM để Excel đọc đúng tiếng Việt).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output: str | None = options["output"]
        fmt: Format = options["format"] or ("json" if output and Path(output).suffix.lower() == ".json" else "csv")
        if options["all"]:
            day = None
        elif options["on"]:
            day = parse_date(options["on"])
            if day is None:
                raise CommandError(
                    _("Ngày không hợp lệ '%(value)s' (định dạng YYYY-MM-DD hoặc DD/MM/YYYY).")
                    % {"value": options["on"]}
                )
        else:
            day = timezone.localdate()
        buffer = io.StringIO()
        count = write_units(unit_rows_for_export(on=day), fmt, buffer)
        if not output:
            self.stdout.write(buffer.getvalue(), ending="")
            return
        encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
        try:
            Path(output).write_text(buffer.getvalue(), encoding=encoding)
        except OSError as exc:
            raise CommandError(_("Không ghi được tệp %(file)s: %(reason)s.") % {"file": output, "reason": exc}) from exc
        when_text = _("mọi thời điểm") if day is None else _("hiệu lực ngày %(day)s") % {"day": f"{day:%d/%m/%Y}"}
        self.stderr.write(
            _("Đã ghi %(count)d đơn vị (%(when)s) vào %(file)s.") % {"count": count, "when": when_text, "file": output}
        )

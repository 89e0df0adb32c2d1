"""``manage.py export_procedures FILE [--format csv|xlsx]``: write the catalogue for editing and re-import."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cchc.procedures.io import FORMATS, Format, write_procedures
from cchc.procedures.models import Procedure


class Command(BaseCommand):
    help = "Xuất danh mục thủ tục hành chính ra tệp XLSX hoặc CSV với đúng các cột mà import_procedures đọc."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="Tệp đích (.xlsx hoặc .csv); '-' để in CSV ra màn hình.")
        parser.add_argument("--format", choices=FORMATS, help="Mặc định: theo đuôi tệp, CSV nếu không rõ.")

    def handle(self, *args: Any, **options: Any) -> None:
        target = options["file"]
        fmt: Format = options["format"] or ("xlsx" if str(target).lower().endswith(".xlsx") else "csv")
        if target == "-" and fmt == "xlsx":
            raise CommandError(_("Không thể in tệp XLSX ra màn hình; hãy chỉ định tên tệp."))
        procedures = Procedure.objects.prefetch_related("units").order_by("field", "level", "code")
        data = write_procedures(procedures, fmt)
        if target == "-":
            self.stdout.write(data.decode("utf-8-sig"), ending="")
            return
        Path(target).write_bytes(data)
        self.stdout.write(
            self.style.SUCCESS(
                _("Đã xuất %(count)d thủ tục ra %(file)s.") % {"count": procedures.count(), "file": target}
            )
        )

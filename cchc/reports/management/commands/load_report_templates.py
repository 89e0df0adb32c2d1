"""``manage.py load_report_templates [FILE] [--unit CODE]``: load report templates from JSON (idempotent)."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cchc.core.errors import ApplicationError
from cchc.reports.templates_data import DEFAULT_FILE, report_templates_load


class Command(BaseCommand):
    help = (
        "Nạp mẫu báo cáo định kỳ từ tệp JSON (mặc định: các mẫu đi kèm, cchc/reports/data/report_templates.json). "
        "Chạy lại không tạo trùng; mẫu đã có báo cáo thì phải nạp thành phiên bản mới."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", nargs="?", default=str(DEFAULT_FILE), help="Tệp JSON mẫu báo cáo.")
        parser.add_argument("--unit", help="Mã cơ quan yêu cầu báo cáo (mặc định: đơn vị ghi trong tệp).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = report_templates_load(path=Path(options["file"]), unit_code=options["unit"])
        except ApplicationError as exc:
            for error in exc.extra.get("errors", []):
                self.stderr.write(f"  {error}")
            raise CommandError(exc.message) from exc
        for label in summary.created:
            self.stdout.write(f"Đã tạo mẫu {label}.")
        for label in summary.updated:
            self.stdout.write(f"Đã cập nhật mẫu {label}.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Mẫu báo cáo: tạo mới {len(summary.created)}, cập nhật {len(summary.updated)}, "
                f"giữ nguyên {len(summary.unchanged)}."
            )
        )

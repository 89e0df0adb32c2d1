"""``manage.py import_procedures FILE [--dry-run]``: create or update procedures from CSV or XLSX."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cchc.core.errors import ApplicationError
from cchc.procedures.importing import procedures_import
from cchc.procedures.io import FORMATS, read_procedures


class Command(BaseCommand):
    help = (
        "Nạp hoặc cập nhật danh mục thủ tục hành chính từ tệp XLSX hoặc CSV (UTF-8) có ít nhất các cột "
        "code, name, field, level, time_limit_days (tên cột tiếng Việt cũng được chấp nhận), thêm các cột "
        "phí, lệ phí và đầu vào chi phí tuân thủ. Tệp có lỗi thì không ghi gì."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="Đường dẫn tệp .xlsx hoặc .csv.")
        parser.add_argument("--format", choices=FORMATS, help="Ép định dạng (mặc định: theo nội dung và đuôi tệp).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Kiểm tra và báo kết quả nhưng không ghi vào cơ sở dữ liệu."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        try:
            rows = read_procedures(path, fmt=options["format"])
            summary = procedures_import(rows=rows, actor=None, filename=str(path), dry_run=options["dry_run"])
        except ApplicationError as exc:
            messages = exc.extra.get("errors") or [exc.message]
            for message in messages:
                self.stderr.write(message)
            raise CommandError(
                _("Không nhập được %(file)s: %(count)d lỗi; không có thay đổi nào được ghi.")
                % {"file": path, "count": len(messages)}
            ) from exc
        if options["verbosity"] >= 2:
            for label, codes in ((_("Tạo mới"), summary.created), (_("Cập nhật"), summary.updated)):
                if codes:
                    self.stdout.write(f"{label}: {', '.join(codes)}")
        style = self.style.WARNING if summary.dry_run else self.style.SUCCESS
        self.stdout.write(style(summary.message()))

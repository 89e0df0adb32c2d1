"""``manage.py import_units FILE [--dry-run]``: create or update org units from a CSV/JSON file."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cchc.core.errors import ApplicationError
from cchc.organizations.importing import DEFAULT_COHORTS_FILE, ImportSummary, units_import
from cchc.organizations.io import FORMATS, read_cohorts, read_units


def summary_message(summary: ImportSummary) -> str:
    """``Đã tạo 35, cập nhật 0, không đổi 0 đơn vị.`` (a dry run says what it would do)."""
    counts = {"created": len(summary.created), "updated": len(summary.updated), "unchanged": len(summary.unchanged)}
    if summary.dry_run:
        return (
            _("Chạy thử: sẽ tạo %(created)d, cập nhật %(updated)d, không đổi %(unchanged)d đơn vị.") % counts
            + " "
            + _("Chưa ghi thay đổi nào vào cơ sở dữ liệu.")
        )
    return _("Đã tạo %(created)d, cập nhật %(updated)d, không đổi %(unchanged)d đơn vị.") % counts


class Command(BaseCommand):
    help = (
        "Nạp hoặc cập nhật cơ quan, đơn vị từ tệp CSV (UTF-8) hoặc JSON với các cột code, name, short_name, "
        "kind, parent_code, statistical_code, cohorts, valid_from, valid_to, successor_codes [, sort_order]. "
        "Tệp có lỗi thì không ghi gì."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="Đường dẫn tệp .csv hoặc .json.")
        parser.add_argument(
            "--format", choices=FORMATS, help="Ép định dạng (mặc định: theo đuôi tệp, rồi theo nội dung)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Kiểm tra và báo kết quả nhưng không ghi vào cơ sở dữ liệu."
        )
        parser.add_argument(
            "--cohorts",
            default=str(DEFAULT_COHORTS_FILE),
            help=(
                "Danh mục nhóm đơn vị (JSON) để tạo các nhóm mà tệp nhắc tới nhưng chưa có "
                "(mặc định: danh mục kèm theo)."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        try:
            rows = read_units(path, fmt=options["format"])
            catalogue = read_cohorts(options["cohorts"])
            summary = units_import(rows=rows, actor=None, cohorts=catalogue, dry_run=options["dry_run"])
        except ApplicationError as exc:
            messages = exc.extra.get("errors") or [exc.message]
            for message in messages:
                self.stderr.write(message)
            raise CommandError(
                _("Không nhập được %(file)s: %(count)d lỗi; không có thay đổi nào được ghi.")
                % {"file": path, "count": len(messages)}
            ) from exc
        if summary.cohorts_created:
            self.stdout.write(_("Đã tạo nhóm đơn vị: %(codes)s.") % {"codes": ", ".join(summary.cohorts_created)})
        if options["verbosity"] >= 2:
            for label, codes in ((_("Tạo mới"), summary.created), (_("Cập nhật"), summary.updated)):
                if codes:
                    self.stdout.write(f"{label}: {', '.join(codes)}")
        style = self.style.WARNING if summary.dry_run else self.style.SUCCESS
        self.stdout.write(style(summary_message(summary)))

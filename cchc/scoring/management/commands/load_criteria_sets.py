"""``manage.py load_criteria_sets [--unit CODE]``: create the bundled sample criteria sets (idempotent)."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cchc.core.errors import ApplicationError
from cchc.scoring.importing import criteria_sets_load_default, default_province_code, province_by_code


class Command(BaseCommand):
    help = (
        "Nạp ba bộ tiêu chí Chỉ số CCHC mẫu (sở, ban, ngành; UBND cấp huyện; UBND cấp xã) cho một tỉnh. "
        "Bộ tiêu chí đã có thì giữ nguyên, nên chạy lại nhiều lần cũng không tạo trùng."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--unit",
            help="Mã tỉnh ban hành bộ tiêu chí (mặc định: mã tỉnh Hải Dương trong danh mục đơn vị kèm theo).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["unit"] or default_province_code()
        try:
            summary = criteria_sets_load_default(actor=None, unit=province_by_code(code))
        except ApplicationError as exc:
            messages = exc.extra.get("errors") or [exc.message]
            for message in messages:
                self.stderr.write(message)
            raise CommandError(
                _("Không nạp được bộ tiêu chí mẫu: %(count)d lỗi; không có thay đổi nào được ghi.")
                % {"count": len(messages)}
            ) from exc
        for set_code in summary.created:
            self.stdout.write(_("Đã tạo bộ tiêu chí %(code)s.") % {"code": set_code})
        for set_code in summary.unchanged:
            self.stdout.write(_("Bộ tiêu chí %(code)s đã có, giữ nguyên.") % {"code": set_code})
        self.stdout.write(
            self.style.SUCCESS(
                _("Đã tạo %(created)d, giữ nguyên %(unchanged)d bộ tiêu chí.")
                % {"created": len(summary.created), "unchanged": len(summary.unchanged)}
            )
        )

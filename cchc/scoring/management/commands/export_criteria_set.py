"""``manage.py export_criteria_set CODE [--out FILE]``: a criteria set as XLSX, for editing and re-import."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cchc.scoring.models import CriteriaSet
from cchc.scoring.spreadsheets import write_criteria_set


class Command(BaseCommand):
    help = "Xuất một bộ tiêu chí Chỉ số CCHC ra tệp XLSX với đúng các cột mà import_criteria_set đọc."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("code", help="Mã bộ tiêu chí, ví dụ hd-sbn-2023.")
        parser.add_argument("--out", help="Tệp đích .xlsx (mặc định: <mã>.xlsx trong thư mục hiện tại).")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["code"]
        criteria_set = CriteriaSet.objects.select_related("cohort").filter(code=code).first()
        if criteria_set is None:
            raise CommandError(_("Không có bộ tiêu chí mã '%(code)s'.") % {"code": code})
        target = Path(options["out"] or f"{code}.xlsx")
        try:
            target.write_bytes(write_criteria_set(criteria_set))
        except OSError as exc:
            raise CommandError(
                _("Không ghi được tệp %(file)s: %(reason)s.") % {"file": target, "reason": exc.strerror or exc}
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("Đã xuất bộ tiêu chí %(code)s (%(count)d mục) ra %(file)s.")
                % {"code": code, "count": criteria_set.criteria.count(), "file": target}
            )
        )

"""``manage.py recompute_dossier_aggregates [--check]``: rebuild the Biểu 06 counters from the dossiers."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cchc.dossiers.aggregates import aggregate_rows, dossier_aggregates_recompute, expected_aggregate_rows


class Command(BaseCommand):
    help = _("Tính lại bảng số liệu tổng hợp Biểu 06 từ các hồ sơ đã lưu (hoặc chỉ kiểm tra với --check).")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help=_("Chỉ so sánh số liệu tổng hợp với số tính lại từ hồ sơ; lỗi (mã 1) khi khác nhau."),
        )

    def handle(self, *args: Any, check: bool = False, **options: Any) -> None:
        if check:
            stored, expected = aggregate_rows(), expected_aggregate_rows()
            differing = {key for key in stored.keys() | expected.keys() if stored.get(key) != expected.get(key)}
            if differing:
                raise CommandError(
                    _("Số liệu tổng hợp khác số tính lại từ hồ sơ ở %(n)d dòng.") % {"n": len(differing)}
                )
            self.stdout.write(_("Số liệu tổng hợp khớp với hồ sơ (%(n)d dòng).") % {"n": len(stored)})
            return
        counted = dossier_aggregates_recompute()
        self.stdout.write(_("Đã tính lại số liệu tổng hợp từ %(n)d hồ sơ.") % {"n": counted})

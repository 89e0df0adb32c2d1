"""``manage.py refresh_auto_scores --round ID [--date YYYY-MM-DD]``: recompute a round's auto-scored criteria.

Runs ``scoring.auto.auto_scores_refresh`` as the system (no user): meant for a nightly
timer while a round is open, or by hand after a dossier import. Running it again on
the same data changes nothing and says so.
"""

import datetime as dt
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cchc.core.errors import ApplicationError
from cchc.scoring.auto import auto_scores_refresh
from cchc.scoring.models import AssessmentRound


class Command(BaseCommand):
    help = (
        "Cập nhật điểm các tiêu chí Chỉ số CCHC lấy số liệu tự động (nhiệm vụ, hồ sơ TTHC, Bộ chỉ số 766) "
        "của một đợt đánh giá đang mở; tiêu chí đơn vị chưa tự chấm được điền sẵn điểm tính tự động."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--round", dest="round_id", type=int, required=True, help="Mã số (ID) đợt đánh giá.")
        parser.add_argument(
            "--date", help="Tính số liệu đến ngày này, YYYY-MM-DD (mặc định: hôm nay theo giờ Việt Nam)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"Ngày không hợp lệ: '{options['date']}' (định dạng YYYY-MM-DD).") from exc
        assessment_round = (
            AssessmentRound.objects.select_related("criteria_set__cohort").filter(pk=options["round_id"]).first()
        )
        if assessment_round is None:
            raise CommandError(f"Không có đợt đánh giá mã số {options['round_id']}.")
        try:
            changed = auto_scores_refresh(actor=None, assessment_round=assessment_round, today=today)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"Đợt đánh giá {assessment_round} (mã số {assessment_round.pk}): cập nhật {changed} điểm tiêu chí."
        )

"""``manage.py send_report_reminders [--date YYYY-MM-DD] [--dry-run] [--before-days N]``: the daily report reminders.

Meant to run once a day, like ``send_reminders`` (``docs/reports.md``); the rules are
in ``cchc.reports.reminders``. Running it again sends nothing new.
"""

import datetime as dt
import re
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cchc.core.errors import ApplicationError
from cchc.core.workdays import CalendarRangeError
from cchc.reports.models import ReportReminderLog
from cchc.reports.reminders import DEFAULT_BEFORE_DAYS, report_reminders_send, summary_message

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _date(text: str) -> dt.date:
    if ISO_DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise CommandError(f"Ngày không hợp lệ: '{text}' (định dạng YYYY-MM-DD, ví dụ 2023-03-16).")


class Command(BaseCommand):
    help = (
        "Gửi thư nhắc nộp báo cáo định kỳ cho đầu mối CCHC của các đơn vị chưa gửi báo cáo: trước hạn, đúng ngày "
        "hạn nộp và hằng tuần khi quá hạn (đến khi khóa sổ). Chạy mỗi ngày một lần; chạy lại không gửi trùng; "
        "ngày nghỉ không gửi."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--date", help="Ngày chạy, YYYY-MM-DD (mặc định: hôm nay theo giờ Việt Nam).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Chỉ liệt kê thư sẽ gửi; không gửi, không ghi nhật ký nhắc."
        )
        parser.add_argument(
            "--before-days",
            type=int,
            default=DEFAULT_BEFORE_DAYS,
            help=f"Nhắc trước hạn nộp bao nhiêu ngày làm việc (mặc định {DEFAULT_BEFORE_DAYS}; 0: không nhắc trước).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = _date(options["date"]) if options["date"] else timezone.localdate()
        try:
            summary = report_reminders_send(today=today, dry_run=options["dry_run"], before_days=options["before_days"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        except CalendarRangeError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(summary_message(summary))
        if options["verbosity"] >= 2 or summary.dry_run:
            for item in summary.sent:
                label = ReportReminderLog.Kind(item.kind).label
                self.stdout.write(f"  {label}: {item.recipient} – {item.unit_code}, {item.period}")
        for name in summary.skipped:
            self.stderr.write(f"Bỏ qua kỳ báo cáo {name}: hạn nộp nằm ngoài phạm vi lịch làm việc.")
        for item, error in summary.failed:
            label = ReportReminderLog.Kind(item.kind).label
            self.stderr.write(
                f"Không gửi được thư “{label}” tới {item.recipient} ({item.unit_code}, {item.period}): {error}"
            )
        if summary.failed:
            raise CommandError(
                f"Không gửi được {len(summary.failed)} thư; các thư này chưa ghi nhật ký nên lần chạy sau sẽ gửi lại."
            )

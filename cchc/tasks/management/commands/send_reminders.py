"""``manage.py send_reminders [--date YYYY-MM-DD] [--dry-run] [--before-days N]``: the daily reminder run.

Meant to run once a day from a systemd timer or cron (``docs/runbooks/reminders.md``);
the rules are in ``cchc.tasks.reminders``. Running it again sends nothing new.
"""

import datetime as dt
import re
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cchc.core.errors import ApplicationError
from cchc.core.workdays import CalendarRangeError
from cchc.tasks.models import ReminderLog
from cchc.tasks.reminders import DEFAULT_BEFORE_DAYS, KIND_ORDER, ReminderSummary, reminders_send

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _date(text: str) -> dt.date:
    if ISO_DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise CommandError(f"Ngày không hợp lệ: '{text}' (định dạng YYYY-MM-DD, ví dụ 2023-01-27).")


def summary_message(summary: ReminderSummary) -> str:
    """``Nhắc việc ngày 27/01/2023: đã gửi 3 thư (…).`` (a dry run says what it would send)."""
    day = f"{summary.today:%d/%m/%Y}"
    if not summary.working_day:
        return f"Ngày {day} là ngày nghỉ: không gửi nhắc việc."
    counts = summary.counts
    detail = ", ".join(f"{ReminderLog.Kind(kind).label.lower()} {counts[kind]}" for kind in KIND_ORDER)
    total = len(summary.sent)
    if summary.dry_run:
        return f"Chạy thử, nhắc việc ngày {day}: sẽ gửi {total} thư ({detail}). Chưa gửi thư, chưa ghi nhật ký."
    return f"Nhắc việc ngày {day}: đã gửi {total} thư ({detail})."


class Command(BaseCommand):
    help = (
        "Gửi thư nhắc việc về thời hạn nhiệm vụ: cho đầu mối CCHC của cơ quan chủ trì (trước hạn, đúng ngày "
        "đến hạn, hằng tuần khi quá hạn) và thư tổng hợp hằng tuần cho Phòng CCHC. Chạy mỗi ngày một lần "
        "(systemd timer hoặc cron, xem docs/runbooks/reminders.md); chạy lại không gửi trùng. Ngày nghỉ không gửi."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--date", help="Ngày chạy, YYYY-MM-DD (mặc định: hôm nay theo giờ Việt Nam).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Chỉ liệt kê thư sẽ gửi; không gửi, không ghi nhật ký nhắc việc."
        )
        parser.add_argument(
            "--before-days",
            type=int,
            default=DEFAULT_BEFORE_DAYS,
            help=f"Nhắc trước hạn bao nhiêu ngày làm việc (mặc định {DEFAULT_BEFORE_DAYS}; 0: không nhắc trước).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = _date(options["date"]) if options["date"] else timezone.localdate()
        try:
            summary = reminders_send(today=today, dry_run=options["dry_run"], before_days=options["before_days"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        except CalendarRangeError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(summary_message(summary))
        if options["verbosity"] >= 2 or summary.dry_run:
            for item in summary.sent:
                label = ReminderLog.Kind(item.kind).label
                self.stdout.write(f"  {label}: {item.recipient}" + (f" – {item.task_code}" if item.task_code else ""))
        for task in summary.skipped:
            self.stderr.write(f"Bỏ qua nhiệm vụ {task}: thời hạn nằm ngoài phạm vi lịch làm việc.")
        for item, error in summary.failed:
            label = ReminderLog.Kind(item.kind).label
            about = f" về nhiệm vụ {item.task_code}" if item.task_code else ""
            self.stderr.write(f"Không gửi được thư “{label}” tới {item.recipient}{about}: {error}")
        if summary.failed:
            raise CommandError(
                f"Không gửi được {len(summary.failed)} thư; các thư này chưa ghi nhật ký nên lần chạy sau sẽ gửi lại."
            )

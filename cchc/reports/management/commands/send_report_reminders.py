"""``manage.py send_report_reminders [--date YYYY-MM-DD] [--dry-run] [--before-days N]``: the daily report reminders.

Meant to run once a day, like ``send_reminders`` (``docs/reports.md``); the rules are
in ``cchc.reports.reminders``. Running it again sends nothing new.
"""

import datetime as dt

from cchc.core.management.reminder_command import ReminderCommand
from cchc.core.reminders import ReminderRun
from cchc.reports.models import ReportReminderLog
from cchc.reports.reminders import DEFAULT_BEFORE_DAYS, SentReportReminder, report_reminders_send, summary_message


class Command(ReminderCommand):
    help = (
        "Gửi thư nhắc nộp báo cáo định kỳ cho đầu mối CCHC của các đơn vị chưa gửi báo cáo: trước hạn, đúng ngày "
        "hạn nộp và hằng tuần khi quá hạn (đến khi khóa sổ). Chạy mỗi ngày một lần; chạy lại không gửi trùng; "
        "ngày nghỉ không gửi."
    )
    date_example = "2023-03-16"
    default_before_days = DEFAULT_BEFORE_DAYS
    log_name = "nhắc"
    deadline_name = "hạn nộp"

    def send(self, *, today: dt.date, dry_run: bool, before_days: int) -> ReminderRun[SentReportReminder]:
        return report_reminders_send(today=today, dry_run=dry_run, before_days=before_days)

    def summary_message(self, run: ReminderRun[SentReportReminder]) -> str:
        return summary_message(run)

    def listing_line(self, item: SentReportReminder) -> str:
        label = ReportReminderLog.Kind(item.kind).label
        return f"{label}: {item.recipient} – {item.unit_code}, {item.period}"

    def failure_line(self, item: SentReportReminder, error: str) -> str:
        label = ReportReminderLog.Kind(item.kind).label
        return f"Không gửi được thư “{label}” tới {item.recipient} ({item.unit_code}, {item.period}): {error}"

    def skipped_line(self, name: str) -> str:
        return f"Bỏ qua kỳ báo cáo {name}: hạn nộp nằm ngoài phạm vi lịch làm việc."

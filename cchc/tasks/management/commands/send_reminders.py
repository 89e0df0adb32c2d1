"""``manage.py send_reminders [--date YYYY-MM-DD] [--dry-run] [--before-days N]``: the daily reminder run.

Meant to run once a day from a systemd timer or cron (``docs/runbooks/reminders.md``);
the rules are in ``cchc.tasks.reminders``. Running it again sends nothing new.
"""

import datetime as dt

from cchc.core.management.reminder_command import ReminderCommand
from cchc.core.reminders import ReminderRun
from cchc.tasks.models import ReminderLog
from cchc.tasks.reminders import DEFAULT_BEFORE_DAYS, KIND_ORDER, SentReminder, reminders_send


def summary_message(summary: ReminderRun[SentReminder]) -> str:
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


class Command(ReminderCommand):
    help = (
        "Gửi thư nhắc việc về thời hạn nhiệm vụ: cho đầu mối CCHC của cơ quan chủ trì (trước hạn, đúng ngày "
        "đến hạn, hằng tuần khi quá hạn) và thư tổng hợp hằng tuần cho Phòng CCHC. Chạy mỗi ngày một lần "
        "(systemd timer hoặc cron, xem docs/runbooks/reminders.md); chạy lại không gửi trùng. Ngày nghỉ không gửi."
    )
    date_example = "2023-01-27"
    default_before_days = DEFAULT_BEFORE_DAYS
    log_name = "nhắc việc"
    deadline_name = "hạn"

    def send(self, *, today: dt.date, dry_run: bool, before_days: int) -> ReminderRun[SentReminder]:
        return reminders_send(today=today, dry_run=dry_run, before_days=before_days)

    def summary_message(self, run: ReminderRun[SentReminder]) -> str:
        return summary_message(run)

    def listing_line(self, item: SentReminder) -> str:
        label = ReminderLog.Kind(item.kind).label
        return f"{label}: {item.recipient}" + (f" – {item.task_code}" if item.task_code else "")

    def failure_line(self, item: SentReminder, error: str) -> str:
        label = ReminderLog.Kind(item.kind).label
        about = f" về nhiệm vụ {item.task_code}" if item.task_code else ""
        return f"Không gửi được thư “{label}” tới {item.recipient}{about}: {error}"

    def skipped_line(self, name: str) -> str:
        return f"Bỏ qua nhiệm vụ {name}: thời hạn nằm ngoài phạm vi lịch làm việc."

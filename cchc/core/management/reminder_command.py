"""The shell both daily reminder commands share (``send_reminders``, ``send_report_reminders``).

A command names its run (``send``) and how it words a day's result
(``summary_message``), a message in the listing (``listing_line``), a refused message
(``failure_line``) and a skipped deadline (``skipped_line``); the arguments, the date
check, the error handling and the exit status are the same.
"""

import datetime as dt
from abc import abstractmethod
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cchc.core.errors import ApplicationError
from cchc.core.management.arguments import iso_date
from cchc.core.reminders import ReminderRun
from cchc.core.workdays import CalendarRangeError


class ReminderCommand(BaseCommand):
    """``[--date YYYY-MM-DD] [--dry-run] [--before-days N]``: one day's run, its summary, exit 1 if a send failed."""

    #: An example date for the ``--date`` error message.
    date_example = "2023-01-27"
    default_before_days = 3
    #: The end of the ``--dry-run`` help ("nhắc việc" or "nhắc").
    log_name = "nhắc việc"
    #: What ``--before-days`` counts up to ("hạn" or "hạn nộp").
    deadline_name = "hạn"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--date", help="Ngày chạy, YYYY-MM-DD (mặc định: hôm nay theo giờ Việt Nam).")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=f"Chỉ liệt kê thư sẽ gửi; không gửi, không ghi nhật ký {self.log_name}.",
        )
        parser.add_argument(
            "--before-days",
            type=int,
            default=self.default_before_days,
            help=(
                f"Nhắc trước {self.deadline_name} bao nhiêu ngày làm việc "
                f"(mặc định {self.default_before_days}; 0: không nhắc trước)."
            ),
        )

    @abstractmethod
    def send(self, *, today: dt.date, dry_run: bool, before_days: int) -> ReminderRun[Any]:
        """Run the day's reminders (the app's ``…_send`` service)."""

    @abstractmethod
    def summary_message(self, run: ReminderRun[Any]) -> str:
        """One line: the day and what was (or, dry, would be) sent per kind."""

    @abstractmethod
    def listing_line(self, item: Any) -> str:
        """One message of the listing (dry run, ``-v 2``): "Sắp đến hạn: a@b.vn – II.1.a"."""

    @abstractmethod
    def failure_line(self, item: Any, error: str) -> str:
        """A message the mail server refused, with the error."""

    @abstractmethod
    def skipped_line(self, name: str) -> str:
        """The warning for a deadline the calendar cannot place."""

    def handle(self, *args: Any, **options: Any) -> None:
        today = iso_date(options["date"], example=self.date_example) if options["date"] else timezone.localdate()
        try:
            run = self.send(today=today, dry_run=options["dry_run"], before_days=options["before_days"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        except CalendarRangeError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.summary_message(run))
        if options["verbosity"] >= 2 or run.dry_run:
            for item in run.sent:
                self.stdout.write(f"  {self.listing_line(item)}")
        for name in run.skipped:
            self.stderr.write(self.skipped_line(name))
        for item, error in run.failed:
            self.stderr.write(self.failure_line(item, error))
        if run.failed:
            raise CommandError(
                f"Không gửi được {len(run.failed)} thư; các thư này chưa ghi nhật ký nên lần chạy sau sẽ gửi lại."
            )

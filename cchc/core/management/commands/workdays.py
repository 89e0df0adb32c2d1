"""Check working days from the command line, against the site's calendar (overrides included).

python manage.py workdays add 2023-01-19 1             → 2023-01-27
python manage.py workdays between 2023-01-19 2023-01-27 → 1
python manage.py workdays is 2025-04-26                 → whether it is a working day, and why
python manage.py workdays load                          → load the overrides that ship with the code
"""

import datetime as dt
import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cchc.core.calendar import work_calendar
from cchc.core.errors import ApplicationError
from cchc.core.management.arguments import iso_date
from cchc.core.selectors import calendar_override_get
from cchc.core.services import calendar_overrides_load_default
from cchc.core.workdays import CalendarRangeError, DayReason, WorkCalendar

WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


def _count(text: str) -> int:
    if not re.fullmatch(r"\d+", text):
        raise CommandError(f"Số ngày làm việc không hợp lệ: '{text}' (cần một số nguyên không âm)")
    return int(text)


class Command(BaseCommand):
    help = "Tính ngày làm việc theo lịch của hệ thống (ngày lễ, Tết và các ngày điều chỉnh)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{add,between,is,load}")
        add = actions.add_parser("add", help="Ngày sau DATE đúng N ngày làm việc (không tính DATE).")
        add.add_argument("date", metavar="DATE", help="YYYY-MM-DD")
        add.add_argument("n", metavar="N", help="số ngày làm việc, ≥ 0")
        between = actions.add_parser("between", help="Số ngày làm việc sau A, đến hết B.")
        between.add_argument("a", metavar="A", help="YYYY-MM-DD")
        between.add_argument("b", metavar="B", help="YYYY-MM-DD")
        is_ = actions.add_parser("is", help="DATE có phải ngày làm việc không, và vì sao.")
        is_.add_argument("date", metavar="DATE", help="YYYY-MM-DD")
        actions.add_parser("load", help="Nạp các ngày điều chỉnh kèm theo mã nguồn (chạy lại không đổi gì).")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "load":
                self._load()
                return
            calendar = work_calendar()
            if action == "add":
                result = calendar.add_working_days(iso_date(options["date"]), _count(options["n"]))
                self.stdout.write(result.isoformat())
            elif action == "between":
                self.stdout.write(str(calendar.working_days_between(iso_date(options["a"]), iso_date(options["b"]))))
            else:
                self.stdout.write(self._explain(calendar, iso_date(options["date"])))
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        except CalendarRangeError as exc:
            raise CommandError(str(exc)) from exc

    def _explain(self, calendar: WorkCalendar, day: dt.date) -> str:
        status = calendar.status(day)
        verdict = "ngày làm việc" if status.is_working else "ngày nghỉ"
        if status.reason == DayReason.OVERRIDE:
            override = calendar_override_get(date=day)
            why = f"ngày điều chỉnh theo {override.source}" if override else "ngày điều chỉnh"
            if override and override.note:
                why += f" ({override.note})"
        elif status.reason == DayReason.HOLIDAY:
            why = status.label
        elif status.reason == DayReason.WEEKEND_WORKDAY:
            why = "làm bù theo lịch nghỉ lễ do Chính phủ quyết định"
        elif status.reason == DayReason.WEEKEND:
            why = "nghỉ hằng tuần"
        else:
            why = "ngày làm việc thông thường"
        return f"{day.isoformat()} ({WEEKDAYS[day.weekday()]}): {verdict} – {why}"

    def _load(self) -> None:
        summary = calendar_overrides_load_default(actor=None)
        self.stdout.write(
            f"Đã nạp ngày điều chỉnh: thêm {summary['created']}, cập nhật {summary['updated']}, "
            f"giữ nguyên {summary['unchanged']}."
        )

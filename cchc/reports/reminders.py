"""Reminder e-mails about periodic report deadlines, sent once by a daily command (``send_report_reminders``).

The same machinery as the task reminders (``cchc.tasks.reminders``: the rule
``reminder_decide``, ISO-week keys; ``cchc.core.reminders``: the run's summary, the
outbox, one transaction per message, the mail session), applied to the report periods
of every template:

* **Which periods.** Every period of every template covering the year of ``today``
  or the year before (a December period's deadline and lock fall in late December, a
  lock exception may run into January). The deadline is the template's
  (``selectors.period_info``: N working days after the data cut-off).
* **Which units.** The units expected to report in that period
  (``selectors.expected_units``) that **have not sent** it: no report, or a draft
  never sent. A report submitted, returned for correction or accepted is not chased
  here (a returned report is the reform office's conversation with the unit). A unit
  whose period is **locked** today (past the lock date without a running exception)
  gets nothing: it could not send any more.
* **Runs on days off send nothing** (the calendar decides), as for tasks.
* **BEFORE**: from ``before_days`` working days before the deadline until the day
  before, once per deadline (``period_key`` = the deadline, ISO date). With the
  bundled quarterly template, Q1 2023 (cut-off Tue 14/03, deadline Thu 16/03) is
  announced on Mon 13/03 with ``before_days=3``.
* **DUE**: on the deadline, once.
* **OVERDUE**: on the first run of each ISO week after the deadline while the unit has
  not sent and the period is not locked for it (``period_key`` = ``2023-W12``).
* **Recipients**: active users with an e-mail address and a focal-point membership
  valid today on the expected unit itself. One message per address, unit and period.

Messages are Vietnamese plain text (``reports/email/``), with a link to the unit's
reports page (``settings.CCHC_BASE_URL`` + ``/bao-cao/``), or to the report itself
when a draft exists.

**Idempotence**: each message is decided, logged (``ReportReminderLog``, unique on
kind, template, unit, period, recipient and key) and sent inside one
``transaction.atomic()``; a failed send rolls its row back so that the next run sends
it again (the task reminders' module docstring explains why not ``on_commit``).
"""

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from cchc.accounts.selectors import focal_point_recipients
from cchc.core.calendar import work_calendar
from cchc.core.reminders import Outbox, Recipient, ReminderRun, base_url, mail_session, require_before_days
from cchc.core.workdays import CalendarRangeError, WorkCalendar
from cchc.organizations.models import OrgUnit
from cchc.reports import periods
from cchc.reports.models import LockException, Report, ReportReminderLog, ReportStatus, ReportTemplate
from cchc.reports.selectors import PeriodInfo, expected_units, period_info
from cchc.tasks.reminders import ReminderDue, reminder_decide, state_text

Kind = ReportReminderLog.Kind

DEFAULT_BEFORE_DAYS = 3
KIND_ORDER = (Kind.BEFORE, Kind.DUE, Kind.OVERDUE)


class SentReportReminder(NamedTuple):
    """One message: its kind, its address, the unit's code and the period ("quý I/2023")."""

    kind: str
    recipient: str
    unit_code: str
    period: str


@dataclass
class ReportReminderSummary(ReminderRun[SentReportReminder]):
    """What one run sent (``core.reminders.ReminderRun``); ``skipped`` names periods the calendar cannot place."""

    KINDS: ClassVar[tuple[str, ...]] = KIND_ORDER


@dataclass(frozen=True)
class _Due:
    """One unit that owes one period's report today, and what the deadline asks for."""

    template: ReportTemplate
    info: PeriodInfo
    unit: OrgUnit
    due: ReminderDue
    report: Report | None


def report_link(report: Report | None) -> str:
    """The draft itself when there is one, else the unit's reports page (where it is opened)."""
    if report is not None:
        return f"{base_url()}{reverse('reports:report', args=[report.pk])}"
    return f"{base_url()}{reverse('reports:home')}"


def _owing(template: ReportTemplate, info: PeriodInfo, today: dt.date) -> list[tuple[OrgUnit, Report | None]]:
    """The expected units that have not sent the period and may still send it today."""
    unlocks: dict[int, list[periods.Unlock]] = defaultdict(list)
    if today > info.lock_date:
        for row in LockException.objects.filter(template=template, year=info.year, period_index=info.index):
            unlocks[row.unit_id].append(periods.Unlock(until=row.until, reason=row.reason))
        if not unlocks:
            return []  # locked for every unit: no query for the units
    units = list(expected_units(template, info))
    reports = {
        r.unit_id: r
        for r in Report.objects.filter(template=template, year=info.year, period_index=info.index, unit__in=units)
    }
    owing: list[tuple[OrgUnit, Report | None]] = []
    for unit in units:
        report = reports.get(unit.pk)
        if report is not None and report.status != ReportStatus.DRAFT:
            continue
        state = periods.lock_state(accepted=False, today=today, locks_on=info.lock_date, exceptions=unlocks[unit.pk])
        if not state.locked:
            owing.append((unit, report))
    return owing


def _owed_today(today: dt.date, before_days: int, calendar: WorkCalendar, summary: ReportReminderSummary) -> list[_Due]:
    owed: list[_Due] = []
    templates = ReportTemplate.objects.select_related("unit").order_by("code", "version")
    for template in templates:
        count = periods.PERIODS_PER_YEAR[periods.PeriodType(template.period_type)]
        for year in (today.year - 1, today.year):
            if not template.covers(year):
                continue
            for index in range(1, count + 1):
                try:
                    info = period_info(template, year, index, calendar=calendar)
                    due = reminder_decide(
                        deadline=info.deadline, today=today, before_days=before_days, calendar=calendar
                    )
                except CalendarRangeError:
                    summary.skipped.append(f"{template.name} {periods.period_label(template.period_type, index, year)}")
                    continue
                if due is None:
                    continue
                owed.extend(
                    _Due(template=template, info=info, unit=unit, due=due, report=report)
                    for unit, report in _owing(template, info, today)
                )
    return owed


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _message(item: _Due, recipient: Recipient) -> EmailMessage:
    info = item.info
    context: dict[str, Any] = {
        "kind": item.due.kind,
        "recipient": recipient,
        "template": item.template,
        "unit": item.unit,
        "period": info.label,
        "window_from": f"{info.window_from:%d/%m/%Y}",
        "window_to": f"{info.window_to:%d/%m/%Y}",
        "deadline": f"{info.deadline:%d/%m/%Y}",
        "lock_date": f"{info.lock_date:%d/%m/%Y}",
        "state": state_text(item.due.kind, item.due.days),
        "draft": item.report is not None,
        "link": report_link(item.report),
    }
    subject = _one_line(render_to_string("reports/email/report_reminder_subject.txt", context))
    body = render_to_string("reports/email/report_reminder.txt", context)
    return EmailMessage(subject=subject, body=body, to=[recipient.email])


def _deliver(message: EmailMessage, *, item: _Due, recipient: str) -> bool:
    """Log, then send, in one transaction; ``False`` when it was already logged (a send error propagates)."""
    key = {
        "kind": item.due.kind,
        "template": item.template,
        "unit": item.unit,
        "year": item.info.year,
        "period_index": item.info.index,
        "recipient": recipient,
        "period_key": item.due.period_key,
    }
    try:
        with transaction.atomic():
            if ReportReminderLog.objects.filter(**key).exists():
                return False
            ReportReminderLog.objects.create(**key)
            message.send()
    except IntegrityError:
        return False  # a concurrent run logged it first
    return True


def _post(outbox: Outbox[SentReportReminder], item: _Due, recipient: Recipient) -> None:
    """One message through the outbox, keyed as ``ReportReminderLog`` is."""
    key = (
        str(item.due.kind),
        item.template.pk,
        item.unit.pk,
        item.info.year,
        item.info.index,
        recipient.email,
        item.due.period_key,
    )
    outbox.post(
        key=key,
        sent=SentReportReminder(
            kind=item.due.kind, recipient=recipient.email, unit_code=item.unit.code, period=item.info.label
        ),
        build=functools.partial(_message, item, recipient),
        deliver=functools.partial(_deliver, item=item, recipient=recipient.email),
    )


def _logged(owed: Iterable[_Due]) -> set[tuple[str, int, int, int, int, str, str]]:
    keys = {item.due.period_key for item in owed}
    rows = ReportReminderLog.objects.filter(period_key__in=keys).values_list(
        "kind", "template_id", "unit_id", "year", "period_index", "recipient", "period_key"
    )
    return set(rows)


def report_reminders_send(
    *, today: dt.date, dry_run: bool = False, before_days: int = DEFAULT_BEFORE_DAYS
) -> ReportReminderSummary:
    """Send the report reminders due on ``today`` that were not sent yet (rules: module docstring).

    Idempotent; ``dry_run`` sends and logs nothing and returns what would be sent.
    Raises ``ApplicationError`` (``reports.invalid_before_days``) for a negative
    ``before_days`` and ``CalendarRangeError`` when ``today`` is outside the calendar.
    """
    require_before_days(before_days, code="reports.invalid_before_days")
    calendar = work_calendar()
    summary = ReportReminderSummary(today=today, dry_run=dry_run)
    if not calendar.is_working_day(today):
        summary.working_day = False
        return summary
    owed = _owed_today(today, before_days, calendar, summary)
    if not owed:
        return summary
    recipients = focal_point_recipients((item.unit.pk for item in owed), today)
    logged = _logged(owed)
    with mail_session(dry_run=dry_run) as connection:
        outbox = Outbox(run=summary, logged=logged, connection=connection)
        for item in owed:
            for recipient in recipients.get(item.unit.pk, []):
                _post(outbox, item, recipient)
    return summary


def summary_message(summary: ReminderRun[SentReportReminder]) -> str:
    """``Nhắc nộp báo cáo ngày 16/03/2023: đã gửi 3 thư (…).`` (a dry run says what it would send)."""
    day = f"{summary.today:%d/%m/%Y}"
    if not summary.working_day:
        return f"Ngày {day} là ngày nghỉ: không gửi nhắc nộp báo cáo."
    counts = summary.counts
    detail = ", ".join(f"{Kind(kind).label.lower()} {counts[kind]}" for kind in KIND_ORDER)
    total = len(summary.sent)
    if summary.dry_run:
        return f"Chạy thử, nhắc nộp báo cáo ngày {day}: sẽ gửi {total} thư ({detail}). Chưa gửi thư, chưa ghi nhật ký."
    return f"Nhắc nộp báo cáo ngày {day}: đã gửi {total} thư ({detail})."

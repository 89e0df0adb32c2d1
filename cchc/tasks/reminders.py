"""Reminder e-mails about task deadlines, sent once by a daily command (``send_reminders``).

The rules, decided by the working-day calendar (``cchc.core.calendar.work_calendar``):

* **Which tasks.** Open tasks (not started, in progress) of *issued* plans. Draft and
  closed plans, done and cancelled tasks get nothing. A task's deadline is its
  effective deadline (``calculations.effective_deadline``: a deadline on a day off
  moves to the next working day, so a task due Saturday 21/01/2023, in Tết, is due
  Friday 27/01/2023). A recurring task (one with ``TaskOccurrence`` rows) is reminded
  of its earliest occurrence not yet completed; when every occurrence is completed it
  is reminded of nothing. (Nothing completes an occurrence yet, so until progress
  updates do, TODO(#4), a recurring task stays on its first occurrence and is
  reminded weekly as overdue from then on.) A task with no date at all is skipped.
* **Runs on days off send nothing.** The command is meant to run every day; on a
  weekend, a public holiday or a day off by override it reports the day off and stops,
  so no civil servant is chased during Tết. "The first run of the week" below is
  therefore the first run on a working day.
* **BEFORE** (to the lead unit's focal points): on the working day ``before_days``
  working days before the deadline (``working_days_between(today, deadline) ==
  before_days``), or, should that run have been missed, on any later working day before
  the deadline; once per deadline (``period_key`` = the deadline as an ISO date). With
  ``before_days=3`` a task due 27/01/2023 is announced on Tuesday 17/01 ("còn 3 ngày
  làm việc": 18/01, 19/01 and 27/01; 20–26/01 are Tết).
* **DUE**: on the deadline itself, once (``period_key`` = the deadline).
* **OVERDUE**: once per ISO week while the task is open after its deadline, on the first
  run of each week (``period_key`` = ISO year-week, ``2023-W05``); the first one goes
  out on the first run after the deadline, even mid-week. Lateness is counted in
  working days ("quá hạn 5 ngày làm việc").
* **Recipients** of the three above: active users with an e-mail address and a
  focal-point membership valid today on the task's lead unit itself (not on an
  ancestor or a descendant: the parent's focal point is not the one who does the work).
  One message per address.
* **DIGEST** (to the reform office): once per ISO week per address, to every active user
  with an e-mail address and a reform-office membership valid today; it covers the
  tasks of the plans whose unit the membership covers (the unit or a descendant):
  counts of overdue and due-this-week tasks (deadline from today to Sunday) per lead
  unit, the list of overdue tasks, then the list of tasks due this week. A week with nothing overdue or due sends no
  digest (a later run that week may, once something is).

Every message says the task (code, title, plan, lead unit), its deadline (dd/mm/yyyy),
its state ("còn 3 ngày làm việc", "đến hạn hôm nay", "quá hạn 5 ngày làm việc") and
what to do, with a link to the task on the plan page
(``settings.CCHC_BASE_URL`` + ``/ke-hoach/<plan>/#task-<code>``). Messages are always in
Vietnamese: the recipients are Vietnamese public servants and users have no language
preference yet, so the plain-text templates (``tasks/email/``) are not translated.

**Idempotence and delivery.** Each message is decided, logged and sent inside one
``transaction.atomic()`` of its own: the existence check, the ``ReminderLog`` row, then
``send()``. If sending fails (the SMTP server is down), the row rolls back with the
block and the next run sends the message again; a run that stops half-way keeps what
it sent. The only way to send a message twice is for the commit to fail after the
server accepted the message. Deferring the send to ``transaction.on_commit`` (the
house habit for e-mail that follows a domain write) would turn that around: a failed
send after the commit leaves a row saying "sent" and the reminder is lost for good.
Here the row *is* the record of the sending, so it must not outlive a failed send.
The unique constraint on ``ReminderLog`` catches a concurrent run for task reminders;
it cannot for digests (``task`` is NULL, and NULLs are distinct in a unique index), so
the digest relies on the existence check and the command must not run twice at the
same time (the runbook schedules it so: ``docs/runbooks/reminders.md``).
"""

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple
from urllib.parse import quote

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string

from cchc.accounts.choices import Role
from cchc.accounts.models import Membership
from cchc.accounts.selectors import focal_point_recipients
from cchc.core.calendar import work_calendar
from cchc.core.reminders import Outbox, Recipient, ReminderRun, base_url, mail_session, require_before_days
from cchc.core.workdays import CalendarRangeError, WorkCalendar
from cchc.organizations.models import OrgUnit
from cchc.plans.choices import PlanStatus
from cchc.tasks.calculations import effective_deadline
from cchc.tasks.choices import OPEN_STATUSES
from cchc.tasks.models import ReminderLog, Task, TaskOccurrence

Kind = ReminderLog.Kind

DEFAULT_BEFORE_DAYS = 3
KIND_ORDER = (Kind.BEFORE, Kind.DUE, Kind.OVERDUE, Kind.DIGEST)


# --- the pure rule -----------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderDue:
    """What a task's deadline asks for today.

    ``days`` is the working days left (BEFORE), 0 (DUE) or the working days late
    (OVERDUE).
    """

    kind: str
    period_key: str
    days: int


def iso_week_key(day: dt.date) -> str:
    """``2023-W05``: the ISO year and week of ``day`` (31/12/2024 is ``2025-W01``)."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def reminder_decide(
    *, deadline: dt.date, today: dt.date, before_days: int, calendar: WorkCalendar
) -> ReminderDue | None:
    """The reminder an open task with effective deadline ``deadline`` is due on ``today``.

    ``today`` is assumed to be a working day (the caller sends nothing on a day off).
    Before the deadline: BEFORE when at most ``before_days`` working days are left (so
    a missed run is caught up the next working day; the period key, the deadline,
    keeps it to one), otherwise ``None``. On it: DUE. After it: OVERDUE keyed by the
    ISO week of ``today``. No ORM. Raises ``CalendarRangeError`` for a date the
    calendar does not know.
    """
    if today == deadline:
        return ReminderDue(Kind.DUE, deadline.isoformat(), 0)
    if today < deadline:
        left = calendar.working_days_between(today, deadline)
        return ReminderDue(Kind.BEFORE, deadline.isoformat(), left) if left <= before_days else None
    return ReminderDue(Kind.OVERDUE, iso_week_key(today), calendar.working_days_between(deadline, today))


def state_text(kind: str, days: int) -> str:
    """The task's state in words: "còn 3 ngày làm việc", "đến hạn hôm nay", "quá hạn 5 ngày làm việc"."""
    if kind == Kind.BEFORE:
        return f"còn {days} ngày làm việc"
    if kind == Kind.DUE:
        return "đến hạn hôm nay"
    return f"quá hạn {days} ngày làm việc"


# --- results -------------------------------------------------------------------------------


class SentReminder(NamedTuple):
    """One message: its kind, its address and its task's code ("" for a digest)."""

    kind: str
    recipient: str
    task_code: str


@dataclass
class ReminderSummary(ReminderRun[SentReminder]):
    """What one run sent (``core.reminders.ReminderRun``); ``skipped`` names tasks whose deadline the calendar lacks."""

    KINDS: ClassVar[tuple[str, ...]] = KIND_ORDER


# --- gathering -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Deadline:
    task: Task
    due_date: dt.date  # as the plan (or the occurrence) states it
    deadline: dt.date  # effective: moved off a day off
    label: str  # the occurrence's period, "" for a one-off task


def task_link(task: Task) -> str:
    """The task on its plan page: ``<base>/ke-hoach/<plan>/#task-<code>`` (code percent-encoded)."""
    return f"{base_url()}/ke-hoach/{task.plan_id}/#task-{quote(task.code, safe='.-_')}"


def _open_tasks() -> Iterable[Task]:
    occurrences = TaskOccurrence.objects.order_by("due_date")
    return (
        Task.objects.filter(plan__status=PlanStatus.ISSUED, status__in=OPEN_STATUSES)
        .select_related("plan", "plan__unit", "lead_unit")
        .prefetch_related(Prefetch("occurrences", queryset=occurrences))
        .order_by("plan_id", "position", "code")
    )


def _deadline_of(task: Task, calendar: WorkCalendar) -> _Deadline | None:
    occurrences = list(task.occurrences.all())
    if occurrences:
        pending = next((o for o in occurrences if o.completed_on is None), None)
        if pending is None:
            return None
        due, label = pending.due_date, pending.label
    elif task.due_date is not None:
        due, label = task.due_date, ""
    else:
        return None
    return _Deadline(task=task, due_date=due, deadline=effective_deadline(due, calendar), label=label)


def _reform_offices(today: dt.date) -> dict[Recipient, list[str]]:
    """Reform-office addresses and the unit paths their memberships cover."""
    rows = (
        Membership.objects.active_on(today)
        .filter(role=Role.REFORM_OFFICE, user__is_active=True)
        .exclude(user__email="")
        .exclude(unit__path="")
        .select_related("user", "unit")
        .order_by("user_id", "unit__path")
    )
    found: dict[str, tuple[Recipient, list[str]]] = {}
    for membership in rows:
        user = membership.user
        _, paths = found.setdefault(user.email, (Recipient(user.email, user.full_name or user.username), []))
        paths.append(membership.unit.path)
    return dict(found.values())


def _logged(deadlines: Iterable[_Deadline], week: str) -> set[tuple[str, int | None, str, str]]:
    """The log rows today's decisions may hit, as keys: those of this week and of the open deadlines.

    Filtered by period key (a few hundred dates at most), not by task, so the query
    stays small whatever the number of tasks.
    """
    keys = {week} | {d.deadline.isoformat() for d in deadlines}
    rows = ReminderLog.objects.filter(period_key__in=keys)
    return set(rows.values_list("kind", "task_id", "recipient", "period_key"))


# --- messages ------------------------------------------------------------------------------


def _one_line(text: str) -> str:
    # A subject must be a single line (Django refuses newlines in headers).
    return " ".join(text.split())


def _task_message(item: _Deadline, due: ReminderDue, recipient: Recipient) -> EmailMessage:
    task = item.task
    context: dict[str, Any] = {
        "kind": due.kind,
        "recipient": recipient,
        "task": task,
        "plan": task.plan,
        "lead_unit": task.lead_unit,
        "label": item.label,
        "deadline": f"{item.deadline:%d/%m/%Y}",
        "stated_due": f"{item.due_date:%d/%m/%Y}" if item.due_date != item.deadline else "",
        "state": state_text(due.kind, due.days),
        "link": task_link(task),
    }
    subject = _one_line(render_to_string("tasks/email/task_reminder_subject.txt", context))
    body = render_to_string("tasks/email/task_reminder.txt", context)
    return EmailMessage(subject=subject, body=body, to=[recipient.email])


def _digest_order(item: _Deadline) -> tuple[str, dt.date, str]:
    return (item.task.lead_unit.tree_key, item.deadline, item.task.code)


@dataclass(frozen=True)
class _DigestRow:
    unit: OrgUnit
    overdue: int
    due_this_week: int


def _digest_message(
    *,
    recipient: Recipient,
    today: dt.date,
    overdue: Sequence[tuple[_Deadline, int]],
    due_this_week: Sequence[_Deadline],
) -> EmailMessage:
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    units: dict[int, OrgUnit] = {}
    for item, _late in overdue:
        counts[item.task.lead_unit_id][0] += 1
        units[item.task.lead_unit_id] = item.task.lead_unit
    for item in due_this_week:
        counts[item.task.lead_unit_id][1] += 1
        units[item.task.lead_unit_id] = item.task.lead_unit
    rows = sorted(
        (_DigestRow(units[uid], n_overdue, n_due) for uid, (n_overdue, n_due) in counts.items()),
        key=lambda row: (row.unit.tree_key, row.unit.code),
    )
    monday = today - dt.timedelta(days=today.weekday())
    iso_year, week, _ = today.isocalendar()
    overdue = sorted(overdue, key=lambda pair: _digest_order(pair[0]))
    due_this_week = sorted(due_this_week, key=_digest_order)
    context: dict[str, Any] = {
        "recipient": recipient,
        "today": f"{today:%d/%m/%Y}",
        "week": f"{week:02d}/{iso_year}",
        "monday": f"{monday:%d/%m/%Y}",
        "sunday": f"{monday + dt.timedelta(days=6):%d/%m/%Y}",
        "rows": rows,
        "total_overdue": len(overdue),
        "total_due": len(due_this_week),
        "overdue": [
            {
                "task": item.task,
                "label": item.label,
                "deadline": f"{item.deadline:%d/%m/%Y}",
                "state": state_text(Kind.OVERDUE, late),
                "link": task_link(item.task),
            }
            for item, late in overdue
        ],
        "due_this_week": [
            {
                "task": item.task,
                "label": item.label,
                "deadline": f"{item.deadline:%d/%m/%Y}",
                "state": state_text(Kind.DUE, 0) if item.deadline == today else "",
                "link": task_link(item.task),
            }
            for item in due_this_week
        ],
        "plans_link": f"{base_url()}/ke-hoach/",
    }
    subject = _one_line(render_to_string("tasks/email/digest_subject.txt", context))
    body = render_to_string("tasks/email/digest.txt", context)
    return EmailMessage(subject=subject, body=body, to=[recipient.email])


# --- sending -------------------------------------------------------------------------------


def _deliver(message: EmailMessage, *, kind: str, task: Task | None, recipient: str, period_key: str) -> bool:
    """Log, then send, in one transaction; ``False`` when it was already logged.

    A sending error (``OSError``, which ``smtplib.SMTPException`` is) rolls the log row
    back and propagates, so the next run sends the message again.
    """
    try:
        with transaction.atomic():
            # Checked, not only constrained: the constraint cannot see a NULL task (digests).
            if ReminderLog.objects.filter(kind=kind, task=task, recipient=recipient, period_key=period_key).exists():
                return False
            ReminderLog.objects.create(kind=kind, task=task, recipient=recipient, period_key=period_key)
            message.send()
    except IntegrityError:
        return False  # a concurrent run logged it first
    return True


def reminders_send(*, today: dt.date, dry_run: bool = False, before_days: int = DEFAULT_BEFORE_DAYS) -> ReminderSummary:
    """Send the reminders due on ``today`` that were not sent yet (rules: module docstring).

    Idempotent: running it again the same day, or over a day already run, sends
    nothing new. ``dry_run`` sends and logs nothing and returns what would be sent.
    Each message commits on its own, so a run that fails half-way keeps what it sent;
    a message the mail server refused lands in ``summary.failed``, unlogged.

    Raises ``ApplicationError`` (``tasks.invalid_before_days``) for a negative
    ``before_days``, ``CalendarRangeError`` when ``today`` is outside the calendar's
    years. A task whose deadline is outside them is listed in ``summary.skipped``.
    """
    require_before_days(before_days, code="tasks.invalid_before_days")
    calendar = work_calendar()
    summary = ReminderSummary(today=today, dry_run=dry_run)
    if not calendar.is_working_day(today):
        summary.working_day = False
        return summary

    deadlines: list[_Deadline] = []
    for task in _open_tasks():
        try:
            item = _deadline_of(task, calendar)
        except CalendarRangeError:
            summary.skipped.append(f"{task.code} ({task.plan.title})")
            continue
        if item is not None:
            deadlines.append(item)

    logged = _logged(deadlines, iso_week_key(today))
    with mail_session(dry_run=dry_run) as connection:  # Vietnamese whatever the caller's language
        outbox = Outbox(run=summary, logged=logged, connection=connection)
        _send_task_reminders(outbox, deadlines, today=today, before_days=before_days, calendar=calendar)
        _send_digests(outbox, deadlines, today=today, calendar=calendar)
    return summary


def _post(
    outbox: Outbox[SentReminder],
    *,
    kind: str,
    task: Task | None,
    recipient: str,
    period_key: str,
    build: Callable[[], EmailMessage],
) -> None:
    """One message through the outbox, keyed as ``ReminderLog`` is."""
    outbox.post(
        key=(kind, task.pk if task else None, recipient, period_key),
        sent=SentReminder(kind=kind, recipient=recipient, task_code=task.code if task else ""),
        build=build,
        deliver=functools.partial(_deliver, kind=kind, task=task, recipient=recipient, period_key=period_key),
    )


def _send_task_reminders(
    outbox: Outbox[SentReminder],
    deadlines: Sequence[_Deadline],
    *,
    today: dt.date,
    before_days: int,
    calendar: WorkCalendar,
) -> None:
    focal_points = focal_point_recipients((d.task.lead_unit_id for d in deadlines), today)
    for item in deadlines:
        due = reminder_decide(deadline=item.deadline, today=today, before_days=before_days, calendar=calendar)
        if due is None:
            continue
        for recipient in focal_points.get(item.task.lead_unit_id, []):
            _post(
                outbox,
                kind=due.kind,
                task=item.task,
                recipient=recipient.email,
                period_key=due.period_key,
                build=functools.partial(_task_message, item, due, recipient),
            )


def _send_digests(
    outbox: Outbox[SentReminder], deadlines: Sequence[_Deadline], *, today: dt.date, calendar: WorkCalendar
) -> None:
    sunday = today + dt.timedelta(days=6 - today.weekday())
    overdue = [(d, calendar.working_days_between(d.deadline, today)) for d in deadlines if d.deadline < today]
    due_this_week = [d for d in deadlines if today <= d.deadline <= sunday]
    if not overdue and not due_this_week:
        return
    week = iso_week_key(today)

    def covered(item: _Deadline, paths: list[str]) -> bool:
        return any(item.task.plan.unit.path.startswith(path) for path in paths)

    for recipient, paths in _reform_offices(today).items():
        mine_overdue = [(d, late) for d, late in overdue if covered(d, paths)]
        mine_due = [d for d in due_this_week if covered(d, paths)]
        if not mine_overdue and not mine_due:
            continue
        _post(
            outbox,
            kind=Kind.DIGEST,
            task=None,
            recipient=recipient.email,
            period_key=week,
            build=functools.partial(
                _digest_message, recipient=recipient, today=today, overdue=mine_overdue, due_this_week=mine_due
            ),
        )

"""Reminders: who is reminded of what, on which day, and never twice (``cchc.tasks.reminders``).

Dates are hand-picked around Tết 2023, when 20–26/01 were days off (checked with
``manage.py workdays``): a task due Saturday 21/01 is due Friday 27/01, three working
days before which is Tuesday 17/01 (18/01, 19/01, 27/01).
"""

import datetime as dt
import smtplib
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cchc.accounts.choices import Role
from cchc.accounts.models import User
from cchc.accounts.services import membership_grant, user_upsert
from cchc.core.calendar import FIRST_YEAR, LAST_YEAR, statutory_calendar
from cchc.core.workdays import WorkCalendar
from cchc.organizations.models import OrgUnit
from cchc.plans.choices import PlanStatus
from cchc.plans.models import Plan
from cchc.tasks.choices import DeadlineKind, TaskStatus
from cchc.tasks.models import ReminderLog, Task
from cchc.tasks.reminders import ReminderDue, iso_week_key, reminder_decide, reminders_send
from cchc.tasks.tests.factories import make_plan, make_task

D = dt.date
Kind = ReminderLog.Kind
FOCAL_EMAIL = "daumoi.soa@example.vn"
OFFICE_EMAIL = "phongcchc@example.vn"


# --- the pure rule, on the statutory calendar (no database) ------------------------------


@pytest.fixture(scope="module")
def calendar() -> WorkCalendar:
    statutory = statutory_calendar()
    return WorkCalendar(
        holidays=statutory.holidays,
        weekend_workdays=statutory.weekend_workdays,
        first_year=FIRST_YEAR,
        last_year=LAST_YEAR,
    )


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2023, 1, 16), None),  # 4 working days left: not yet
        (D(2023, 1, 17), ReminderDue(Kind.BEFORE, "2023-01-27", 3)),
        (D(2023, 1, 18), ReminderDue(Kind.BEFORE, "2023-01-27", 2)),  # catch-up of a missed run
        (D(2023, 1, 19), ReminderDue(Kind.BEFORE, "2023-01-27", 1)),  # Tết lies between
        (D(2023, 1, 27), ReminderDue(Kind.DUE, "2023-01-27", 0)),
        (D(2023, 1, 30), ReminderDue(Kind.OVERDUE, "2023-W05", 1)),
        (D(2023, 2, 6), ReminderDue(Kind.OVERDUE, "2023-W06", 6)),
    ],
)
def test_decide_counts_working_days_across_tet(calendar: WorkCalendar, today: dt.date, expected: object) -> None:
    """A deadline of 27/01/2023 is announced 3 working days ahead, on 17/01, and is late by working days."""
    assert reminder_decide(deadline=D(2023, 1, 27), today=today, before_days=3, calendar=calendar) == expected


def test_decide_zero_before_days_never_announces(calendar: WorkCalendar) -> None:
    """``before_days=0`` switches the BEFORE reminder off; DUE still comes."""
    assert reminder_decide(deadline=D(2023, 1, 27), today=D(2023, 1, 19), before_days=0, calendar=calendar) is None
    due = reminder_decide(deadline=D(2023, 1, 27), today=D(2023, 1, 27), before_days=0, calendar=calendar)
    assert due is not None
    assert due.kind == Kind.DUE


def test_iso_week_key_uses_the_iso_year() -> None:
    """The week key follows ISO weeks: 31/12/2024 belongs to 2025-W01, 01/01/2021 to 2020-W53."""
    assert iso_week_key(D(2023, 1, 30)) == "2023-W05"
    assert iso_week_key(D(2024, 12, 31)) == "2025-W01"
    assert iso_week_key(D(2021, 1, 1)) == "2020-W53"


# --- fixtures ---------------------------------------------------------------------------


def _person(
    username: str,
    *,
    unit: OrgUnit,
    role: str,
    email: str = "",
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> User:
    user = user_upsert(actor=None, username=username, full_name=f"Ông {username}", email=email)
    membership_grant(actor=None, user=user, unit=unit, role=role, valid_from=valid_from, valid_to=valid_to)
    return user


@pytest.fixture
def plan(tree: Any) -> Plan:
    return make_plan(unit=tree.province, status=PlanStatus.ISSUED, title="Kế hoạch CCHC năm 2023 của tỉnh")


@pytest.fixture
def focal(tree: Any) -> User:
    return _person("daumoi-a", unit=tree.dept_a, role=Role.FOCAL_POINT, email=FOCAL_EMAIL)


def _task(plan: Plan, lead: OrgUnit, due: dt.date, code: str = "II.1.a", **fields: object) -> Task:
    return make_task(plan=plan, lead_unit=lead, code=code, title=f"Rà soát văn bản {code}", due_date=due, **fields)


def _kinds(day: dt.date, **kwargs: Any) -> list[tuple[str, str, str]]:
    """Run on ``day`` and return what was sent, as (kind, recipient, task code)."""
    summary = reminders_send(today=day, **kwargs)
    return [(item.kind, item.recipient, item.task_code) for item in summary.sent]


# --- when ---------------------------------------------------------------------------------


def test_before_due_and_overdue_follow_the_calendar(tree: Any, plan: Plan, focal: User) -> None:
    """Due Saturday 21/01/2023 (Tết): announced 17/01, due 27/01, late from 30/01; nothing on days off."""
    _task(plan, tree.dept_a, D(2023, 1, 21))
    sent = {day: _kinds(day) for day in [D(2023, 1, d) for d in range(16, 32)]}

    assert sent[D(2023, 1, 17)] == [(Kind.BEFORE, FOCAL_EMAIL, "II.1.a")]
    assert sent[D(2023, 1, 27)] == [(Kind.DUE, FOCAL_EMAIL, "II.1.a")]
    assert sent[D(2023, 1, 30)] == [(Kind.OVERDUE, FOCAL_EMAIL, "II.1.a")]
    others = [items for day, items in sent.items() if day not in {D(2023, 1, 17), D(2023, 1, 27), D(2023, 1, 30)}]
    assert others == [[]] * len(others)
    subjects = [message.subject for message in mail.outbox]
    assert subjects == [
        "[CCHC] Nhiệm vụ II.1.a sắp đến hạn, còn 3 ngày làm việc",
        "[CCHC] Nhiệm vụ II.1.a đến hạn hôm nay",
        "[CCHC] Nhiệm vụ II.1.a quá hạn 1 ngày làm việc",
    ]


def test_deadline_on_a_day_off_is_not_overdue_until_the_next_working_day(tree: Any, plan: Plan, focal: User) -> None:
    """On 27/01/2023 a task due 21/01 (Tết) is due today, one due Thursday 19/01 is one working day late."""
    _task(plan, tree.dept_a, D(2023, 1, 21), code="II.1.a")
    _task(plan, tree.dept_a, D(2023, 1, 19), code="II.1.b")

    assert sorted(_kinds(D(2023, 1, 27))) == [(Kind.DUE, FOCAL_EMAIL, "II.1.a"), (Kind.OVERDUE, FOCAL_EMAIL, "II.1.b")]
    late = next(m for m in mail.outbox if "II.1.b" in m.subject)
    assert "quá hạn 1 ngày làm việc" in late.body


def test_a_missed_before_day_is_caught_up_once(tree: Any, plan: Plan, focal: User) -> None:
    """If the 17/01 run did not happen, 18/01 announces the deadline ("còn 2 ngày"), and 19/01 does not again."""
    _task(plan, tree.dept_a, D(2023, 1, 21))

    assert _kinds(D(2023, 1, 18)) == [(Kind.BEFORE, FOCAL_EMAIL, "II.1.a")]
    assert _kinds(D(2023, 1, 19)) == []
    assert "còn 2 ngày làm việc" in mail.outbox[0].body


def test_reminders_are_not_sent_twice(tree: Any, plan: Plan, focal: User) -> None:
    """A second run the same day, or a re-run of an earlier day, sends nothing and logs nothing."""
    _task(plan, tree.dept_a, D(2023, 1, 21))
    _person("phong-cchc", unit=tree.province, role=Role.REFORM_OFFICE, email=OFFICE_EMAIL)

    first = _kinds(D(2023, 1, 27))
    assert sorted(first) == [(Kind.DIGEST, OFFICE_EMAIL, ""), (Kind.DUE, FOCAL_EMAIL, "II.1.a")]
    assert _kinds(D(2023, 1, 27)) == []
    assert _kinds(D(2023, 1, 27), before_days=10) == []
    assert len(mail.outbox) == 2
    assert ReminderLog.objects.count() == 2


def test_overdue_is_sent_once_per_iso_week(tree: Any, plan: Plan, focal: User) -> None:
    """Late from 20/01: reminded 27/01 (week 4, first working day after Tết), then Monday of each week only."""
    _task(plan, tree.dept_a, D(2023, 1, 19))
    days = [D(2023, 1, 27), D(2023, 1, 30), D(2023, 1, 31), D(2023, 2, 1), D(2023, 2, 3), D(2023, 2, 6), D(2023, 2, 7)]
    sent = [day for day in days if _kinds(day)]

    assert sent == [D(2023, 1, 27), D(2023, 1, 30), D(2023, 2, 6)]
    keys = sorted(ReminderLog.objects.filter(kind=Kind.OVERDUE).values_list("period_key", flat=True))
    assert keys == ["2023-W04", "2023-W05", "2023-W06"]
    assert "quá hạn 7 ngày làm việc" in mail.outbox[-1].body  # 27/01, 30/01–03/02, 06/02


def test_days_off_send_nothing(tree: Any, plan: Plan, focal: User) -> None:
    """Mùng 1 Tết (22/01/2023): an overdue task waits for the next working day."""
    _task(plan, tree.dept_a, D(2023, 1, 10))

    summary = reminders_send(today=D(2023, 1, 22))

    assert summary.working_day is False
    assert summary.sent == []
    assert mail.outbox == []


# --- which tasks --------------------------------------------------------------------------


def test_draft_plans_and_finished_tasks_get_nothing(tree: Any, plan: Plan, focal: User) -> None:
    """Only open tasks of issued plans are reminded: not drafts, not done or cancelled tasks."""
    draft = make_plan(unit=tree.province, status=PlanStatus.DRAFT)
    closed = make_plan(unit=tree.province, status=PlanStatus.CLOSED)
    _person("phong-cchc", unit=tree.province, role=Role.REFORM_OFFICE, email=OFFICE_EMAIL)
    _task(draft, tree.dept_a, D(2023, 1, 27), code="D.1")
    _task(closed, tree.dept_a, D(2023, 1, 19), code="C.1")
    _task(plan, tree.dept_a, D(2023, 1, 19), code="X.1", status=TaskStatus.CANCELLED)
    _task(plan, tree.dept_a, D(2023, 1, 19), code="X.2", status=TaskStatus.DONE_ON_TIME, completed_on=D(2023, 1, 18))
    _task(plan, tree.dept_a, D(2023, 1, 19), code="X.3", status=TaskStatus.DONE_LATE, completed_on=D(2023, 1, 27))
    _task(plan, tree.dept_a, D(2023, 1, 27), code="OPEN", status=TaskStatus.IN_PROGRESS, progress=50)

    assert sorted(_kinds(D(2023, 1, 27))) == [(Kind.DIGEST, OFFICE_EMAIL, ""), (Kind.DUE, FOCAL_EMAIL, "OPEN")]
    digest = next(m for m in mail.outbox if m.to == [OFFICE_EMAIL])
    assert "OPEN" in digest.body
    assert all(code not in digest.body for code in ("D.1", "C.1", "X.1", "X.2", "X.3"))


def test_recurring_task_is_reminded_of_its_next_open_occurrence(tree: Any, plan: Plan, focal: User) -> None:
    """A monthly task is due 2 working days after the 14th: 17/01, then 16/02 once January is done."""
    task = make_task(plan=plan, lead_unit=tree.dept_a, code="I.1", deadline_kind=DeadlineKind.MONTHLY)
    january = task.occurrences.get(label="Tháng 1/2023")
    assert january.due_date == D(2023, 1, 17)

    assert _kinds(D(2023, 1, 17)) == [(Kind.DUE, FOCAL_EMAIL, "I.1")]
    january.completed_on = D(2023, 1, 17)
    january.save()
    assert _kinds(D(2023, 2, 16)) == [(Kind.DUE, FOCAL_EMAIL, "I.1")]
    assert "Kỳ thực hiện: Tháng 2/2023" in mail.outbox[-1].body
    assert "16/02/2023" in mail.outbox[-1].body


def test_recurring_task_with_every_occurrence_done_gets_nothing(tree: Any, plan: Plan, focal: User) -> None:
    """When all occurrences are completed there is nothing left to remind of, whatever ``due_date`` says."""
    task = make_task(plan=plan, lead_unit=tree.dept_a, code="I.2", deadline_kind=DeadlineKind.QUARTERLY)
    task.occurrences.update(completed_on=D(2023, 1, 2))

    assert _kinds(D(2024, 1, 2)) == []


# --- who ----------------------------------------------------------------------------------


def test_only_current_focal_points_of_the_lead_unit_with_an_email(tree: Any, plan: Plan, focal: User) -> None:
    """Not: no e-mail, expired or future membership, inactive user, parent/child unit, another role."""
    day = D(2023, 1, 27)
    _person("khong-email", unit=tree.dept_a, role=Role.FOCAL_POINT)
    _person("het-han", unit=tree.dept_a, role=Role.FOCAL_POINT, email="het@example.vn", valid_to=D(2023, 1, 26))
    _person("chua-toi", unit=tree.dept_a, role=Role.FOCAL_POINT, email="sau@example.vn", valid_from=D(2023, 1, 28))
    inactive = _person("nghi-viec", unit=tree.dept_a, role=Role.FOCAL_POINT, email="nghi@example.vn")
    User.objects.filter(pk=inactive.pk).update(is_active=False)
    _person("cap-tren", unit=tree.province, role=Role.FOCAL_POINT, email="tinh@example.vn")
    _person("cap-duoi", unit=tree.dept_a_child, role=Role.FOCAL_POINT, email="chicuc@example.vn")
    _person("lanh-dao", unit=tree.dept_a, role=Role.LEADER, email="lanhdao@example.vn")
    _person("con-han", unit=tree.dept_a, role=Role.FOCAL_POINT, email="conhan@example.vn", valid_to=day)
    _task(plan, tree.dept_a, day)

    assert sorted(_kinds(day)) == [(Kind.DUE, "conhan@example.vn", "II.1.a"), (Kind.DUE, FOCAL_EMAIL, "II.1.a")]
    assert sorted(m.to[0] for m in mail.outbox) == ["conhan@example.vn", FOCAL_EMAIL]


def test_digest_goes_once_a_week_to_each_reform_officer_over_the_plan(tree: Any, plan: Plan, focal: User) -> None:
    """Each reform officer whose grant covers the plan's unit gets one digest a week; others get none."""
    _person("cchc-1", unit=tree.province, role=Role.REFORM_OFFICE, email=OFFICE_EMAIL)
    _person("cchc-2", unit=tree.province, role=Role.REFORM_OFFICE, email="cchc2@example.vn")
    _person("cchc-sob", unit=tree.dept_b, role=Role.REFORM_OFFICE, email="sob@example.vn")
    _person("cchc-cu", unit=tree.province, role=Role.REFORM_OFFICE, email="cu@example.vn", valid_to=D(2023, 1, 1))
    _person("cchc-khong-email", unit=tree.province, role=Role.REFORM_OFFICE)
    _task(plan, tree.dept_a, D(2023, 1, 19), code="II.1.a")  # overdue
    _task(plan, tree.dept_b, D(2023, 2, 3), code="II.2.b")  # due this week (Friday)
    _task(plan, tree.dept_b, D(2023, 2, 10), code="II.2.c")  # next week: neither

    digests = {day: [r for k, r, _ in _kinds(day) if k == Kind.DIGEST] for day in (D(2023, 1, 30), D(2023, 1, 31))}
    digests[D(2023, 2, 6)] = [r for k, r, _ in _kinds(D(2023, 2, 6)) if k == Kind.DIGEST]

    assert sorted(digests[D(2023, 1, 30)]) == ["cchc2@example.vn", OFFICE_EMAIL]
    assert digests[D(2023, 1, 31)] == []
    assert sorted(digests[D(2023, 2, 6)]) == ["cchc2@example.vn", OFFICE_EMAIL]
    first = next(m for m in mail.outbox if m.to == [OFFICE_EMAIL])
    assert first.subject == "[CCHC] Tổng hợp nhiệm vụ tuần 05/2023: 1 quá hạn, 1 đến hạn trong tuần"
    assert "- Sở A: 1 quá hạn, 0 đến hạn trong tuần" in first.body
    assert "- Sở B: 0 quá hạn, 1 đến hạn trong tuần" in first.body
    assert "II.1.a. Rà soát văn bản II.1.a" in first.body
    assert "quá hạn 2 ngày làm việc" in first.body  # 27/01 and 30/01
    assert "Nhiệm vụ đến hạn trong tuần:\n1. II.2.b." in first.body
    assert "II.2.c" not in first.body


def test_digest_of_a_unit_plan_reaches_the_officer_over_that_unit(tree: Any, focal: User) -> None:
    """A grant on Sở B covers Sở B's own plan, and nothing of the province's."""
    province_plan = make_plan(unit=tree.province, status=PlanStatus.ISSUED)
    unit_plan = make_plan(unit=tree.dept_b, status=PlanStatus.ISSUED)
    _person("cchc-sob", unit=tree.dept_b, role=Role.REFORM_OFFICE, email="sob@example.vn")
    _task(province_plan, tree.dept_a, D(2023, 1, 19), code="P.1")
    _task(unit_plan, tree.dept_b, D(2023, 1, 19), code="B.1")

    reminders_send(today=D(2023, 1, 30))

    digest = next(m for m in mail.outbox if m.to == ["sob@example.vn"])
    assert "B.1" in digest.body
    assert "P.1" not in digest.body


def test_no_digest_when_nothing_is_late_or_due(tree: Any, plan: Plan) -> None:
    """A quiet week sends no digest."""
    _person("cchc-1", unit=tree.province, role=Role.REFORM_OFFICE, email=OFFICE_EMAIL)
    _task(plan, tree.dept_a, D(2023, 6, 30))

    assert _kinds(D(2023, 1, 30)) == []


# --- what ---------------------------------------------------------------------------------


def test_message_says_task_deadline_state_and_what_to_do(tree: Any, plan: Plan, focal: User) -> None:
    """The message names the task, plan and lead unit, the deadline (and why it moved), the state and the link."""
    _task(plan, tree.dept_a, D(2023, 1, 21))
    reminders_send(today=D(2023, 1, 27))

    (message,) = mail.outbox
    assert message.to == [FOCAL_EMAIL]
    assert message.subject == "[CCHC] Nhiệm vụ II.1.a đến hạn hôm nay"
    for text in (
        "Kính gửi: Ông daumoi-a",
        "Nhiệm vụ: II.1.a. Rà soát văn bản II.1.a",
        "Kế hoạch: Kế hoạch CCHC năm 2023 của tỉnh",
        "Cơ quan chủ trì: Sở A",
        "Thời hạn hoàn thành: 27/01/2023 (hạn ghi trong kế hoạch là 21/01/2023",
        "Tình trạng: đến hạn hôm nay",
        "cập nhật tiến độ tại",
        f"http://127.0.0.1:8000/ke-hoach/{plan.pk}/#task-II.1.a",
    ):
        assert text in message.body


def test_link_uses_the_configured_base_url_and_encodes_the_code(
    tree: Any, plan: Plan, focal: User, settings: Any
) -> None:
    """``CCHC_BASE_URL`` (trailing slash or not) prefixes the link; "đ" in a code is percent-encoded."""
    settings.CCHC_BASE_URL = "https://cchc.example.gov.vn/"
    _task(plan, tree.dept_a, D(2023, 1, 27), code="II.2.đ")
    reminders_send(today=D(2023, 1, 27))

    assert f"https://cchc.example.gov.vn/ke-hoach/{plan.pk}/#task-II.2.%C4%91" in mail.outbox[0].body


# --- dry run, failures, queries -------------------------------------------------------------


def test_dry_run_sends_and_logs_nothing(tree: Any, plan: Plan, focal: User) -> None:
    """A dry run lists what would go, sends and logs nothing; the real run then sends exactly that,
    and a dry run after it lists nothing."""
    _task(plan, tree.dept_a, D(2023, 1, 21))

    dry = reminders_send(today=D(2023, 1, 27), dry_run=True)

    assert dry.sent == [(Kind.DUE, FOCAL_EMAIL, "II.1.a")]
    assert mail.outbox == []
    assert not ReminderLog.objects.exists()
    assert reminders_send(today=D(2023, 1, 27)).sent == dry.sent
    assert reminders_send(today=D(2023, 1, 27), dry_run=True).sent == []  # already logged


def test_a_refused_message_is_not_logged_and_goes_next_run(
    tree: Any, plan: Plan, focal: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The log row and the sending share one transaction: an SMTP error leaves no row, so it is retried."""
    _task(plan, tree.dept_a, D(2023, 1, 21))

    def refuse(self: EmailBackend, messages: object) -> int:
        raise smtplib.SMTPServerDisconnected("máy chủ thư không trả lời")

    with monkeypatch.context() as patch:
        patch.setattr(EmailBackend, "send_messages", refuse)
        failed = reminders_send(today=D(2023, 1, 27))
    assert failed.sent == []
    assert [item for item, _ in failed.failed] == [(Kind.DUE, FOCAL_EMAIL, "II.1.a")]
    assert not ReminderLog.objects.exists()

    assert reminders_send(today=D(2023, 1, 27)).sent == [(Kind.DUE, FOCAL_EMAIL, "II.1.a")]
    assert len(mail.outbox) == 1


def test_queries_do_not_grow_with_tasks(tree: Any, plan: Plan, focal: User) -> None:
    """Deciding costs a fixed number of queries, whatever the number of tasks (dry run)."""
    _person("cchc-1", unit=tree.province, role=Role.REFORM_OFFICE, email=OFFICE_EMAIL)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            reminders_send(today=D(2023, 1, 27), dry_run=True)
        return len(queries)

    for n in range(3):
        _task(plan, tree.dept_a, D(2023, 1, 19), code=f"A.{n}")
    count()  # builds the cached calendar
    few = count()
    for n in range(3, 12):
        _task(plan, tree.dept_b if n % 2 else tree.dept_a, D(2023, 1, 27), code=f"A.{n}")
    assert count() == few


def test_negative_before_days_is_refused(db: None) -> None:
    from cchc.core.errors import ApplicationError

    with pytest.raises(ApplicationError, match="không âm"):
        reminders_send(today=D(2023, 1, 27), before_days=-1)


# --- the command --------------------------------------------------------------------------


def test_command_sends_and_summarises(tree: Any, plan: Plan, focal: User, capsys: pytest.CaptureFixture[str]) -> None:
    """``send_reminders --date`` prints a Vietnamese summary; run again, it sends nothing."""
    _task(plan, tree.dept_a, D(2023, 1, 21))

    call_command("send_reminders", "--date", "2023-01-27")
    call_command("send_reminders", "--date", "2023-01-27")

    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "Nhắc việc ngày 27/01/2023: đã gửi 1 thư (sắp đến hạn 0, đến hạn hôm nay 1, quá hạn 0, tổng hợp hằng tuần 0)."
    )
    assert out[1].startswith("Nhắc việc ngày 27/01/2023: đã gửi 0 thư")
    assert len(mail.outbox) == 1


def test_command_dry_run_lists_messages(tree: Any, plan: Plan, focal: User, capsys: pytest.CaptureFixture[str]) -> None:
    _task(plan, tree.dept_a, D(2023, 1, 21))

    call_command("send_reminders", "--date", "2023-01-17", "--dry-run")

    out = capsys.readouterr().out
    assert "Chạy thử" in out
    assert f"Sắp đến hạn: {FOCAL_EMAIL} – II.1.a" in out
    assert mail.outbox == []


def test_command_reports_a_day_off(db: None, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("send_reminders", "--date", "2023-01-23")
    assert capsys.readouterr().out.strip() == "Ngày 23/01/2023 là ngày nghỉ: không gửi nhắc việc."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "2023-02-30"], "Ngày không hợp lệ: '2023-02-30'"),
        (["--date", "27/01/2023"], "Ngày không hợp lệ: '27/01/2023' (định dạng YYYY-MM-DD"),
        (["--date", "2099-01-05"], "nằm ngoài phạm vi lịch làm việc"),
        (["--date", "2023-01-27", "--before-days", "-2"], "phải không âm"),
    ],
)
def test_command_refuses_bad_input(db: None, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message.replace("(", r"\(")):
        call_command("send_reminders", *args)


def test_command_fails_when_a_message_was_refused(
    tree: Any, plan: Plan, focal: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The timer sees a failed unit when the mail server refused something."""
    _task(plan, tree.dept_a, D(2023, 1, 21))

    def refuse(self: EmailBackend, messages: object) -> int:
        raise smtplib.SMTPServerDisconnected("máy chủ thư không trả lời")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    with pytest.raises(CommandError, match="Không gửi được 1 thư"):
        call_command("send_reminders", "--date", "2023-01-27")

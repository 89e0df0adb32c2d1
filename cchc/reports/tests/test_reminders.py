"""Report reminders: to whom, on which day, never twice, nothing on days off (``cchc.reports.reminders``).

The scene's quarterly template: quarter I 2023 is cut off on Tue 14/03, due Thu
16/03 (2 working days), locked after Thu 30/03 (10 more). Three working days before
the deadline is Mon 13/03. Sat 18/03 is a day off. ISO weeks: 17/03 is in 2023-W11,
20/03 in 2023-W12, 03/04 in 2023-W14.
"""

import datetime as dt
import smtplib
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.core.management.base import CommandError

from cchc.accounts.choices import Role
from cchc.accounts.models import User
from cchc.accounts.services import membership_grant, user_upsert
from cchc.reports.models import ReportReminderLog
from cchc.reports.reminders import report_reminders_send
from cchc.reports.services import lock_exception_grant, report_open, report_save, report_submit
from cchc.reports.tests.factories import Scene, make_scene

D = dt.date
Kind = ReportReminderLog.Kind
SA, SB, H1, X1 = "daumoi.sa@example.vn", "daumoi.sb@example.vn", "daumoi.h1@example.vn", "daumoi.x1@example.vn"


def _person(username: str, *, unit: Any, role: str = Role.FOCAL_POINT, email: str = "", **grant: Any) -> User:
    user = user_upsert(actor=None, username=username, full_name=f"Đầu mối {username}", email=email)
    membership_grant(actor=None, user=user, unit=unit, role=role, **grant)
    return user


@pytest.fixture
def scene(tree: Any) -> Scene:
    """The quarterly scene; focal points with an e-mail on each expected unit, and some who must get nothing."""
    made = make_scene(tree)
    _person("fp.sa", unit=tree.dept_a, email=SA)
    _person("fp.sb", unit=tree.dept_b, email=SB)
    _person("fp.h1", unit=tree.district, email=H1)
    _person("fp.x1", unit=tree.commune, email=X1)
    _person("fp.tinh", unit=tree.province, email="daumoi.tinh@example.vn")  # the province itself is not expected
    _person("ld.sa", unit=tree.dept_a, role=Role.LEADER, email="lanhdao.sa@example.vn")  # not a focal point
    _person("fp.cu", unit=tree.dept_b, email="cu.sb@example.vn", valid_to=D(2022, 12, 31))  # role ended
    inactive = _person("fp.nghi", unit=tree.dept_b, email="nghi.sb@example.vn")
    User.objects.filter(pk=inactive.pk).update(is_active=False)
    return made


def _sent(day: dt.date, **kwargs: Any) -> list[tuple[str, str]]:
    return sorted((item.kind, item.recipient) for item in report_reminders_send(today=day, **kwargs).sent)


def _send(scene: Scene, tree: Any, *, submit: bool) -> None:
    """Sở A opens its quarter I report on 15/03 and, when ``submit``, sends it."""
    report = report_open(
        actor=scene.focal_a, template=scene.template, unit=tree.dept_a, year=2023, period_index=1, today=D(2023, 3, 15)
    )
    if submit:
        report_save(
            actor=scene.focal_a, report=report, answers={"received": "2", "resolved": "1"}, today=D(2023, 3, 15)
        )
        report_submit(actor=scene.focal_a, report=report, today=D(2023, 3, 15))


def test_before_on_the_day_and_weekly_after_the_deadline(scene: Scene) -> None:
    everyone = [SA, SB, H1, X1]
    assert _sent(D(2023, 3, 10)) == []  # 4 working days left: not yet
    assert _sent(D(2023, 3, 13)) == [(Kind.BEFORE, e) for e in sorted(everyone)]
    assert _sent(D(2023, 3, 13)) == []  # the same day again
    assert _sent(D(2023, 3, 14)) == []  # once per deadline
    assert _sent(D(2023, 3, 16)) == [(Kind.DUE, e) for e in sorted(everyone)]
    assert _sent(D(2023, 3, 17)) == [(Kind.OVERDUE, e) for e in sorted(everyone)]  # 2023-W11
    assert _sent(D(2023, 3, 18)) == []  # Saturday
    assert _sent(D(2023, 3, 20)) == [(Kind.OVERDUE, e) for e in sorted(everyone)]  # 2023-W12
    assert _sent(D(2023, 3, 21)) == []
    assert _sent(D(2023, 3, 31)) == []  # locked after 30/03: they could not send any more
    assert ReportReminderLog.objects.count() == 16


def test_a_unit_that_sent_gets_nothing_and_a_draft_is_still_reminded(scene: Scene, tree: Any) -> None:
    _send(scene, tree, submit=False)
    assert SA in [recipient for _kind, recipient in _sent(D(2023, 3, 16))]
    _send(scene, tree, submit=True)
    assert SA not in [recipient for _kind, recipient in _sent(D(2023, 3, 17))]


def test_days_off_send_nothing(scene: Scene) -> None:
    summary = report_reminders_send(today=D(2023, 3, 18))
    assert (summary.working_day, summary.sent) == (False, [])
    assert not ReportReminderLog.objects.exists()


def test_after_the_lock_only_a_unit_with_an_exception_is_chased(scene: Scene, tree: Any) -> None:
    lock_exception_grant(
        actor=scene.office, template=scene.template, unit=tree.dept_b, year=2023, period_index=1,
        until=D(2023, 4, 7), reason="Kiện toàn đầu mối", today=D(2023, 3, 31),
    )  # fmt: skip
    assert _sent(D(2023, 4, 3)) == [(Kind.OVERDUE, SB)]
    assert _sent(D(2023, 4, 10)) == []  # the exception ended on 07/04


def test_the_message_says_the_report_period_deadline_and_what_to_do(scene: Scene, tree: Any, settings: Any) -> None:
    settings.CCHC_BASE_URL = "https://cchc.example.gov.vn/"
    _send(scene, tree, submit=False)
    report_reminders_send(today=D(2023, 3, 16))
    by_address = {message.to[0]: message for message in mail.outbox}
    draft, missing = by_address[SA], by_address[SB]
    assert draft.subject == "[CCHC] Báo cáo kết quả CCHC quý I/2023: đến hạn nộp hôm nay"
    assert "Kính gửi: Đầu mối fp.sa, đầu mối cải cách hành chính của Sở A." in draft.body
    assert "Hạn nộp: 16/03/2023" in draft.body
    assert "Số liệu tính từ ngày 15/12/2022 đến hết ngày 14/03/2023" in draft.body
    assert "Tình trạng: đã lập dự thảo, chưa gửi" in draft.body
    report_id = scene.template.reports.get(unit=tree.dept_a).pk
    assert f"https://cchc.example.gov.vn/bao-cao/{report_id}/" in draft.body
    assert "Tình trạng: chưa lập báo cáo" in missing.body
    assert "https://cchc.example.gov.vn/bao-cao/\n" in missing.body

    report_reminders_send(today=D(2023, 3, 20))
    late = next(m for m in mail.outbox if m.to == [SB] and "quá hạn" in m.subject)
    assert late.subject == "[CCHC] Báo cáo kết quả CCHC quý I/2023: quá hạn 2 ngày làm việc, chưa nộp"
    assert "mỗi tuần cho đến khi báo cáo được gửi hoặc kỳ báo cáo khóa sổ" in late.body


def test_dry_run_sends_and_logs_nothing(scene: Scene) -> None:
    dry = _sent(D(2023, 3, 16), dry_run=True)
    assert len(dry) == 4
    assert mail.outbox == []
    assert not ReportReminderLog.objects.exists()
    assert _sent(D(2023, 3, 16)) == dry


def test_a_refused_message_is_not_logged_and_goes_next_run(scene: Scene, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: EmailBackend, messages: object) -> int:
        raise smtplib.SMTPServerDisconnected("máy chủ thư không trả lời")

    with monkeypatch.context() as patch:
        patch.setattr(EmailBackend, "send_messages", refuse)
        failed = report_reminders_send(today=D(2023, 3, 16))
    assert (failed.sent, len(failed.failed)) == ([], 4)
    assert not ReportReminderLog.objects.exists()
    assert len(_sent(D(2023, 3, 16))) == 4
    assert len(mail.outbox) == 4


def test_command_sends_and_summarises(scene: Scene, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("send_report_reminders", "--date", "2023-03-16")
    call_command("send_report_reminders", "--date", "2023-03-16")
    call_command("send_report_reminders", "--date", "2023-03-13", "--dry-run")
    call_command("send_report_reminders", "--date", "2023-03-18")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "Nhắc nộp báo cáo ngày 16/03/2023: đã gửi 4 thư (sắp đến hạn nộp 0, đến hạn nộp hôm nay 4, quá hạn nộp 0)."
    )
    assert out[1].startswith("Nhắc nộp báo cáo ngày 16/03/2023: đã gửi 0 thư")
    assert out[2].startswith("Chạy thử, nhắc nộp báo cáo ngày 13/03/2023: sẽ gửi 4 thư")
    assert f"  Sắp đến hạn nộp: {SA} – SA, quý I/2023" in out
    assert out[-1] == "Ngày 18/03/2023 là ngày nghỉ: không gửi nhắc nộp báo cáo."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "2023-02-30"], "Ngày không hợp lệ: '2023-02-30'"),
        (["--date", "2099-01-05"], "nằm ngoài phạm vi lịch làm việc"),
        (["--date", "2023-03-16", "--before-days", "-1"], "phải không âm"),
    ],
)
def test_command_refuses_bad_input(db: None, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("send_report_reminders", *args)


def test_command_fails_when_a_message_was_refused(scene: Scene, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: EmailBackend, messages: object) -> int:
        raise smtplib.SMTPServerDisconnected("máy chủ thư không trả lời")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    with pytest.raises(CommandError, match="Không gửi được 4 thư"):
        call_command("send_report_reminders", "--date", "2023-03-16")

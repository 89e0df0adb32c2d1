"""The report workflow through the services, completeness on a hand-built quarter, locks and exceptions."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cchc.audit.models import AuditEvent
from cchc.core.errors import ApplicationError, PermissionDeniedError
from cchc.reports.models import Report, ReportStatus
from cchc.reports.selectors import completeness, period_info, report_lock_state
from cchc.reports.services import (
    lock_exception_grant,
    report_accept,
    report_open,
    report_return,
    report_save,
    report_submit,
)
from cchc.reports.tests.factories import make_scene

VN = ZoneInfo("Asia/Ho_Chi_Minh")
D = dt.date
# Q1 2023: window 15/12/2022 → Tue 14/3/2023; deadline 2 working days later, Thu 16/3; lock 10 more: Thu 30/3.
EARLY = D(2023, 3, 15)


def test_q1_2023_dates_on_the_real_calendar(tree):
    scene = make_scene(tree)
    info = period_info(scene.template, 2023, 1)
    assert (info.window_from, info.window_to, info.deadline, info.lock_date) == (
        D(2022, 12, 15), D(2023, 3, 14), D(2023, 3, 16), D(2023, 3, 30),
    )  # fmt: skip
    assert info.label == "quý I/2023"


def test_draft_submit_return_resubmit_accept(tree):
    scene = make_scene(tree)
    report = report_open(actor=scene.focal_a, template=scene.template, unit=tree.dept_a, year=2023, period_index=1,
                         today=EARLY)  # fmt: skip
    assert report.status == ReportStatus.DRAFT
    report = report_save(
        actor=scene.focal_a, report=report, answers={"received": "120", "resolved": "100"},
        narratives={"I": "Đã ban hành kế hoạch CCHC năm 2023.", "ZZ": "bỏ qua"}, today=EARLY,
    )  # fmt: skip
    assert report.values == {"received": 120, "resolved": 100}
    assert report.narratives == {"I": "Đã ban hành kế hoạch CCHC năm 2023."}
    report = report_submit(actor=scene.focal_a, report=report, today=EARLY)
    first_sent = report.submitted_at
    with pytest.raises(ApplicationError, match="lý do"):
        report_return(actor=scene.office, report=report, reason=" ")
    report = report_return(actor=scene.office, report=report, reason="Bổ sung tỷ lệ đúng hạn")
    assert (report.status, report.return_reason) == (ReportStatus.RETURNED, "Bổ sung tỷ lệ đúng hạn")
    report = report_save(
        actor=scene.focal_a, report=report, answers={"received": "120", "resolved": "100", "on_time_rate": "96,5"},
        today=EARLY,
    )  # fmt: skip
    report = report_submit(actor=scene.focal_a, report=report, today=EARLY)
    assert report.submitted_at == first_sent  # the first sending decides timeliness
    report = report_accept(actor=scene.office, report=report)
    assert report.status == ReportStatus.ACCEPTED
    with pytest.raises(ApplicationError, match="đã được Sở Nội vụ chấp nhận"):
        report_save(actor=scene.focal_a, report=report, answers={}, today=EARLY)
    actions = list(AuditEvent.objects.filter(object_id=str(report.pk)).values_list("action", flat=True))
    assert actions.count("report.submit") == 2
    assert "report.accept" in actions


def test_submission_checks_required_and_cross_field_rules(tree):
    scene = make_scene(tree)
    report = report_open(actor=scene.focal_a, template=scene.template, unit=tree.dept_a, year=2023, period_index=1,
                         today=EARLY)  # fmt: skip
    report_save(actor=scene.focal_a, report=report, answers={"received": "5", "resolved": "9"}, today=EARLY)
    with pytest.raises(ApplicationError) as caught:
        report_submit(actor=scene.focal_a, report=report, today=EARLY)
    assert caught.value.extra["errors"] == ["mục II.3, trường resolved: không được lớn hơn số hồ sơ tiếp nhận"]
    with pytest.raises(ApplicationError) as caught:
        report_save(actor=scene.focal_a, report=report, answers={"received": "x"}, today=EARLY)
    assert caught.value.extra["errors"] == ["mục II.3, trường received: 'x' không phải là số nguyên"]


def test_a_unit_writes_only_its_own_report_and_only_if_assigned(tree):
    scene = make_scene(tree)
    with pytest.raises(PermissionDeniedError):
        report_open(actor=scene.focal_b, template=scene.template, unit=tree.dept_a, year=2023, period_index=1)
    from cchc.accounts.tests.factories import make_user

    stranger = make_user(role="focal_point", unit=tree.dept_a_child)
    with pytest.raises(ApplicationError, match="không được giao"):
        report_open(actor=stranger, template=scene.template, unit=tree.dept_a_child, year=2023, period_index=1)


def test_completeness_of_a_hand_built_quarter(tree):
    """SA on time, SB late, H1 only a draft, X1 (assigned by name) nothing: 4 expected, 2 received, 1 on time."""
    scene = make_scene(tree)
    for unit, user, sent_on in (
        (tree.dept_a, scene.focal_a, D(2023, 3, 16)),
        (tree.dept_b, scene.focal_b, D(2023, 3, 17)),
    ):
        report = report_open(actor=user, template=scene.template, unit=unit, year=2023, period_index=1, today=EARLY)
        report_save(actor=user, report=report, answers={"received": "1", "resolved": "1"}, today=EARLY)
        report_submit(actor=user, report=report, today=EARLY)
        # The sending time as it happened that quarter (23:59 local on the day).
        Report.objects.filter(pk=report.pk).update(
            submitted_at=dt.datetime.combine(sent_on, dt.time(23, 59), tzinfo=VN)
        )
    report_open(
        actor=scene.focal_h, template=scene.template, unit=tree.district, year=2023, period_index=1, today=EARLY
    )

    result = completeness(scene.template, 2023, 1)
    rows = {row.unit_code: row for row in result.units}
    assert sorted(rows) == ["H1", "SA", "SB", "X1"]
    assert (result.expected, result.received, result.on_time) == (4, 2, 1)
    assert [row.unit_code for row in result.missing] == ["H1", "X1"]
    assert (rows["SA"].on_time, rows["SB"].on_time, rows["H1"].status, rows["X1"].status) == (
        True, False, ReportStatus.DRAFT, None,
    )  # fmt: skip
    cohort = result.cohorts["Sở, ban, ngành"]
    assert (cohort.expected, cohort.received, cohort.on_time, cohort.missing) == (3, 2, 1, 1)
    assert result.cohorts["Đơn vị được giao riêng"].missing == 1


def test_the_lock_date_closes_the_period_and_an_exception_reopens_it_for_one_unit(tree):
    scene = make_scene(tree)
    after_lock = D(2023, 3, 31)
    with pytest.raises(ApplicationError, match="khóa sổ từ sau ngày 30/03/2023"):
        report_open(actor=scene.focal_a, template=scene.template, unit=tree.dept_a, year=2023, period_index=1,
                    today=after_lock)  # fmt: skip
    with pytest.raises(ApplicationError, match="lý do"):
        lock_exception_grant(actor=scene.office, template=scene.template, unit=tree.dept_a, year=2023,
                             period_index=1, until=D(2023, 4, 7), reason="", today=after_lock)  # fmt: skip
    with pytest.raises(PermissionDeniedError):
        lock_exception_grant(actor=scene.focal_a, template=scene.template, unit=tree.dept_a, year=2023,
                             period_index=1, until=D(2023, 4, 7), reason="x", today=after_lock)  # fmt: skip
    lock_exception_grant(actor=scene.office, template=scene.template, unit=tree.dept_a, year=2023, period_index=1,
                         until=D(2023, 4, 7), reason="Kiện toàn sau sáp nhập", today=after_lock)  # fmt: skip
    report = report_open(actor=scene.focal_a, template=scene.template, unit=tree.dept_a, year=2023, period_index=1,
                         today=after_lock)  # fmt: skip
    assert "07/04/2023: Kiện toàn sau sáp nhập" in report_lock_state(report, today=after_lock).reason
    with pytest.raises(ApplicationError, match="khóa sổ"):  # SB has no exception
        report_open(actor=scene.focal_b, template=scene.template, unit=tree.dept_b, year=2023, period_index=1,
                    today=after_lock)  # fmt: skip
    assert report_lock_state(report, today=D(2023, 4, 8)).locked

"""Periodic reports in a real browser: a department finishes its quarterly report, the reform office accepts it.

On the demo data (``load_demo``): Sở Y tế's report for quarter I 2023 is a draft
whose figures were prefilled from live data. The period locked on 30/03/2023, so the
reform office has reopened it for Sở Y tế until next week (a lock exception). The
focal point opens the report, sees a prefilled figure and its source, types an
impossible figure (more dossiers resolved than there were to handle), reads the Vietnamese error
under the field, fixes it and sends the report; the reform office finds it on the
completeness page and accepts it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from cchc.accounts.models import User
from cchc.organizations.models import OrgUnit
from cchc.reports.models import Report, ReportStatus
from cchc.reports.services import lock_exception_grant
from cchc.web.demo import DEMO_PASSWORD
from tests.browser.conftest import screenshot_dir

if TYPE_CHECKING:
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings: Any, tmp_path: Path) -> Report:
    """The demo, and Sở Y tế's quarter I report reopened for it until a week from today."""
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", verbosity=0)
    report = Report.objects.select_related("template").get(
        unit__code="HD.SYT", template__code="cchc-quy", year=2023, period_index=1
    )
    lock_exception_grant(
        actor=User.objects.get(username="snv.cchc"),
        template=report.template,
        unit=OrgUnit.objects.get(code="HD.SYT"),
        year=2023,
        period_index=1,
        until=timezone.localdate() + dt.timedelta(days=7),
        reason="Sở Y tế kiện toàn đầu mối CCHC, được gửi bổ sung.",
    )
    return report


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(base_url + "/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_test_id("current-user")).to_be_visible()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_test_id("current-user")).to_have_count(0)


def test_a_department_sends_its_quarterly_report_and_the_office_accepts(
    page: Page, live_server: LiveServer, demo: Report
) -> None:
    log_in(page, live_server.url, "syt.daumoi")
    page.locator("header").get_by_role("link", name="Báo cáo").click()
    row = page.get_by_test_id("period-row").filter(has_text="quý I/2023")
    page.screenshot(path=str(screenshot_dir() / "report-home.png"))
    expect(row).to_contain_text("Được mở khóa đến hết ngày")
    row.get_by_role("link", name="Mở báo cáo").click()
    expect(page).to_have_url(f"{live_server.url}/bao-cao/{demo.pk}/")
    expect(page.get_by_test_id("lock-state")).to_contain_text("Sở Y tế kiện toàn đầu mối CCHC")

    # A figure prefilled from the one-stop shop, with where it comes from.
    received = page.get_by_test_id("field-dossiers_received")
    expect(received.get_by_test_id("source-dossiers_received")).to_contain_text("Tự động từ Biểu 06")
    to_handle = int(page.get_by_test_id("field-dossiers_to_handle").get_by_role("textbox").input_value())

    # More dossiers resolved than there were to handle: refused, the error under the field, in Vietnamese.
    resolved = page.get_by_test_id("field-dossiers_resolved").get_by_role("textbox")
    resolved.fill(str(to_handle + 5))
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_test_id("error-dossiers_resolved")).to_have_text(
        "Số hồ sơ đã giải quyết không được lớn hơn tổng số hồ sơ phải giải quyết"
        " (kỳ trước chuyển sang + tiếp nhận trong kỳ)"
    )
    expect(page.get_by_test_id("error")).to_contain_text("Đã lưu nhưng chưa gửi được")
    expect(page.get_by_test_id("source-dossiers_resolved")).to_contain_text("đã sửa")
    page.screenshot(path=str(screenshot_dir() / "report-errors.png"))  # the swap shows the report's top
    page.get_by_test_id("section-II.3").screenshot(path=str(screenshot_dir() / "report-error-field.png"))

    # Fixed, and sent.
    page.get_by_test_id("field-dossiers_resolved").get_by_role("textbox").fill(str(to_handle))
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_test_id("notice")).to_have_text(
        "Đã gửi báo cáo; Sở Nội vụ sẽ xem xét và chấp nhận hoặc trả lại."
    )
    expect(page.get_by_test_id("report-status")).to_have_text("Đã gửi")
    log_out(page)

    # The reform office finds it on the completeness page of the quarter and accepts it.
    log_in(page, live_server.url, "snv.cchc")
    page.goto(f"{live_server.url}/bao-cao/?nam=2023")
    office_row = page.get_by_test_id("office-period").filter(has_text="quý I/2023")
    office_row.get_by_role("link", name="Tình hình nộp").click()
    expect(page.get_by_test_id("completeness-totals")).to_contain_text("đơn vị phải nộp")
    page.screenshot(path=str(screenshot_dir() / "report-completeness.png"), full_page=True)
    page.get_by_test_id("unit-HD.SYT").get_by_role("link").click()
    expect(page).to_have_url(f"{live_server.url}/bao-cao/{demo.pk}/")
    page.get_by_test_id("review").get_by_role("button", name="Chấp nhận").click()
    expect(page.get_by_test_id("notice")).to_contain_text("Đã chấp nhận báo cáo của Sở Y tế")
    expect(page.get_by_test_id("report-status")).to_have_text("Đã chấp nhận")
    expect(page.get_by_test_id("lock-state")).to_contain_text("đã được Sở Nội vụ chấp nhận")
    page.screenshot(path=str(screenshot_dir() / "report-accepted.png"))
    demo.refresh_from_db()
    assert demo.status == ReportStatus.ACCEPTED
    assert demo.values["dossiers_resolved"] == to_handle

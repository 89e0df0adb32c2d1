"""The working plan in a real browser: a department reports, its leader accepts.

On the demo data (``load_demo``): Sở Y tế's focal point opens the department's plan,
narrows it to the overdue tasks (HTMX), opens one, sends a progress update with a
scanned minute as evidence; the director of Sở Y tế accepts it and the task moves.
The reform office then reads the province's plan and its dashboard.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from cchc.plans.models import Plan
from cchc.tasks.choices import UpdateState
from cchc.tasks.models import Task, TaskUpdate
from cchc.web.demo import DEMO_PASSWORD
from tests.browser.conftest import screenshot_dir

if TYPE_CHECKING:
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def demo(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", verbosity=0)


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(base_url + "/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_test_id("current-user")).to_be_visible()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_test_id("current-user")).to_have_count(0)


def test_a_department_reports_and_its_leader_accepts(page: Page, live_server: LiveServer, demo: None) -> None:
    health_plan = Plan.objects.get(unit__code="HD.SYT")
    log_in(page, live_server.url, "syt.daumoi")

    # From the plans page to the department's plan; the province's plan is offered too.
    page.locator("header").get_by_role("link", name="Kế hoạch").click()
    expect(page.get_by_test_id("assigned-plans")).to_contain_text("tỉnh Hải Dương năm 2023")
    page.get_by_role("link", name=health_plan.title).click()
    expect(page).to_have_url(f"{live_server.url}/ke-hoach/{health_plan.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(health_plan.title)
    expect(page.get_by_test_id("plan-progress")).to_contain_text("Tiến độ chung")

    # Only the overdue tasks (HTMX swaps the list and pushes the URL).
    overdue = Task.objects.filter(plan=health_plan, due_date__lt="2024-01-01").exclude(status__startswith="done")
    page.get_by_label("Trạng thái").select_option("overdue")
    expect(page).to_have_url(re.compile(r"\?trang_thai=overdue$"))
    expect(page.get_by_test_id("task-count")).to_contain_text(f"{overdue.count()} nhiệm vụ")
    rows = page.get_by_test_id("task-table").locator("tbody tr.task-row")
    expect(rows.first.locator(".badge")).to_have_text("Quá hạn")

    # Open the first overdue task and send an update with evidence.
    task = Task.objects.get(plan=health_plan, code=rows.first.get_attribute("id").removeprefix("task-"))
    rows.first.locator("td.title a").click()
    expect(page).to_have_url(f"{live_server.url}/ke-hoach/nhiem-vu/{task.pk}/")
    form = page.locator("#bao-cao-moi")
    form.get_by_label("Tình trạng").select_option("in_progress")
    form.get_by_label("Tiến độ (%)").fill("60")
    form.get_by_label("Nội dung báo cáo").fill("Đã ban hành kế hoạch triển khai; đang rà soát quy trình nội bộ.")
    form.get_by_label("Tệp minh chứng").set_input_files(
        {"name": "bien-ban-hop.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    form.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_test_id("notice")).to_have_text("Đã gửi báo cáo tiến độ để xét duyệt.")
    update_item = page.get_by_test_id("update").first
    expect(update_item).to_contain_text("Đã gửi")
    expect(update_item.get_by_role("link", name="bien-ban-hop.pdf")).to_be_visible()
    log_out(page)

    # The director of Sở Y tế reviews and accepts; the task takes the reported progress.
    log_in(page, live_server.url, "syt.lanhdao")
    page.goto(f"{live_server.url}/ke-hoach/nhiem-vu/{task.pk}/")
    update_item = page.get_by_test_id("update").first
    expect(update_item.get_by_role("button", name="Trả lại")).to_be_visible()
    update_item.get_by_role("button", name="Chấp nhận").click()
    expect(page.get_by_test_id("notice")).to_contain_text("Đã chấp nhận báo cáo tiến độ")
    expect(page.get_by_test_id("update").first).to_contain_text("Đã chấp nhận")
    expect(page.get_by_test_id("task-state")).to_contain_text("60")
    assert TaskUpdate.objects.get(task=task).state == UpdateState.ACCEPTED
    task.refresh_from_db()
    assert task.progress == 60
    page.screenshot(path=str(screenshot_dir() / "task-update.png"), full_page=True)
    log_out(page)

    # The reform office reads the province's plan and its dashboard.
    province_plan = Plan.objects.get(unit__code="HD", parent=None)
    log_in(page, live_server.url, "snv.cchc")
    page.goto(f"{live_server.url}/ke-hoach/{province_plan.pk}/")
    expect(page.get_by_test_id("task-tree")).to_be_visible()
    expect(page.locator(".task-row").first).to_be_visible()
    page.screenshot(
        path=str(screenshot_dir() / "plan-tasks.png"),
        full_page=True,
        clip={"x": 0, "y": 0, "width": 1280, "height": 1500},
    )

    page.get_by_role("link", name="Tổng quan").first.click()
    expect(page).to_have_url(f"{live_server.url}/ke-hoach/{province_plan.pk}/tong-quan/")
    expect(page.locator("svg.chart")).to_have_count(2)
    expect(page.get_by_test_id("coverage")).to_contain_text("Chưa lập kế hoạch")
    page.screenshot(path=str(screenshot_dir() / "dashboard.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/ke-hoach/{province_plan.pk}/?trang_thai=overdue")
    page.screenshot(
        path=str(screenshot_dir() / "plan-tasks-mobile.png"),
        full_page=True,
        clip={"x": 0, "y": 0, "width": 390, "height": 2200},
    )


def test_inline_editing_of_a_task(page: Page, live_server: LiveServer, demo: None) -> None:
    province_plan = Plan.objects.get(unit__code="HD", parent=None)
    task = Task.objects.get(plan=province_plan, code="II.1.b")
    log_in(page, live_server.url, "snv.cchc")
    page.goto(f"{live_server.url}/ke-hoach/{province_plan.pk}/")

    row = page.locator(f'[id="task-{task.code}"]')
    row.get_by_role("button", name="Sửa").click()
    row.get_by_label("Sản phẩm", exact=True).fill("Báo cáo đánh giá vai trò người đứng đầu")
    row.get_by_label("Công khai tiến độ cho người dân").check()
    row.get_by_role("button", name="Lưu").click()

    expect(row).to_contain_text("✓ Đã lưu")
    expect(row).to_contain_text("Báo cáo đánh giá vai trò người đứng đầu")
    expect(row).to_contain_text("Công khai")
    task.refresh_from_db()
    assert task.is_public

    # The public page lists it for anyone.
    log_out(page)
    page.goto(f"{live_server.url}/cong-khai/nhiem-vu/{task.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(task.title)

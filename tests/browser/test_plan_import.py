"""Importing a plan in a real browser: upload, review and correct, confirm, read the plan.

The document is the small test plan with one line as a scan would read it, so the
preview has a repaired word the restorer is unsure of (highlighted) next to the
unit matches to confirm.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from cchc.accounts.choices import Role
from cchc.accounts.models import User
from cchc.accounts.tests.factories import TEST_PASSWORD, make_user
from cchc.plans.models import Plan, PlanImport
from cchc.plans.tests.factories import PLAN_PATHS, PLAN_TEXT, PlanUnits, make_plan_units
from tests.browser.conftest import screenshot_dir

if TYPE_CHECKING:
    from pytest_django.live_server_helper import LiveServer

    from conftest import Tree  # the root conftest's `tree` fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# II.2.d as OCR read it: the restorer repairs the line and is unsure of "mai" → "mới".
SCANNED_LINE = (
    "d) Chu dong nghién ctru, sang tao, quyét liét ap dung nhimng giai phap mai dé nang cao chat luong dich vu cong."
)
UPLOADED_TEXT = PLAN_TEXT.replace("d) Thực hiện dịch vụ công trực tuyến toàn trình.", SCANNED_LINE)


@pytest.fixture
def units(tree: Tree) -> PlanUnits:
    return make_plan_units(tree)


@pytest.fixture
def officer(tree: Tree) -> User:
    return make_user(role=Role.REFORM_OFFICE, unit=tree.province, username="phong.cchc")


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(base_url + "/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_test_id("current-user")).to_be_visible()


def test_upload_review_confirm_and_read_the_plan(
    page: Page, live_server: LiveServer, units: PlanUnits, officer: User
) -> None:
    log_in(page, live_server.url, "phong.cchc")

    # The plans page leads to the upload form.
    page.locator("header").get_by_role("link", name="Kế hoạch").click()
    page.get_by_role("link", name="Nhập kế hoạch từ văn bản").click()
    expect(page).to_have_url(live_server.url + "/ke-hoach/nhap/")
    page.get_by_label("Đơn vị ban hành").select_option("P")
    page.get_by_label("Năm kế hoạch").fill("2023")
    page.get_by_label("Tệp văn bản kế hoạch").set_input_files(
        {"name": "ke-hoach-2023.txt", "mimeType": "text/plain", "buffer": UPLOADED_TEXT.encode()}
    )
    page.get_by_role("button", name="Tải lên và phân tích").click()

    # The preview: the tree with the repaired text, the unsure word highlighted.
    expect(page).to_have_url(re.compile(r"/ke-hoach/nhap/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Xem trước kế hoạch")
    tree = page.get_by_test_id("import-tree")
    expect(tree.locator("li.pnode")).to_have_count(len(PLAN_PATHS))
    repaired = page.locator('[id="muc-II.2.d"]')
    expect(repaired).to_contain_text("Chủ động nghiên cứu, sáng tạo, quyết liệt áp dụng những giải pháp")
    mark = repaired.locator("mark.low")
    expect(mark).to_have_text("mới")
    expect(mark).to_have_attribute("title", re.compile(r"^Bản gốc: mai \(độ tin cậy \d+%\)$"))
    repaired.get_by_text("Xem văn bản gốc (trước khi sửa)").click()
    expect(repaired.locator(".ocr")).to_contain_text("nhimng giai phap mai")

    # The units found: "Các sở, ban, ngành" matched to the cohort; drop one link.
    mentions = page.get_by_test_id("mention")
    expect(mentions).to_have_count(3)
    expect(page.get_by_label("Đơn vị cho “Các sở, ban, ngành” (mục IV.2)")).to_have_value("SBN")
    coordinating = mentions.filter(has_text="Phối hợp")
    coordinating.locator("select").select_option("")
    expect(coordinating).to_have_class(re.compile(r"\bunknown\b"))
    expect(coordinating).to_contain_text("✓ Đã lưu")

    # Correct one node in place.
    node = page.locator('[id="muc-I.1"]')
    node.get_by_role("button", name="Sửa").click()
    node.get_by_label("Tiêu đề").fill("Mục đích của Kế hoạch")
    node.get_by_role("button", name="Lưu").click()
    expect(node.locator(".pnode-title")).to_have_text("Mục đích của Kế hoạch")
    expect(node).to_contain_text("✓ Đã lưu")

    page.screenshot(path=str(screenshot_dir() / "plan-preview.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(screenshot_dir() / "plan-preview-mobile.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    # Confirm: the title is prefilled from the document.
    title = page.get_by_label("Tên kế hoạch")
    expect(title).to_have_value("Kế hoạch cải cách hành chính nhà nước tỉnh Thử Nghiệm năm 2023")
    page.get_by_role("button", name="Xác nhận và tạo kế hoạch").click()

    plan = Plan.objects.get()
    expect(page).to_have_url(f"{live_server.url}/ke-hoach/{plan.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(plan.title)
    expect(page.locator(".messages")).to_contain_text(f"gồm {len(PLAN_PATHS)} mục")
    plan_tree = page.get_by_test_id("plan-tree")
    expect(plan_tree.locator("li.pnode")).to_have_count(len(PLAN_PATHS))
    expect(page.locator('[id="muc-I.1"]')).to_contain_text("Mục đích của Kế hoạch")
    expect(page.locator('[id="muc-II.2.d"]')).to_contain_text("những giải pháp mới")
    lead = page.locator('[id="muc-IV.2"]')
    expect(lead).to_contain_text("Chủ trì")
    expect(lead).to_contain_text("Các sở, ban, ngành (3 đơn vị)")
    expect(lead).not_to_contain_text("Phối hợp")
    assert PlanImport.objects.get().status == PlanImport.Status.CONFIRMED
    page.screenshot(path=str(screenshot_dir() / "plan-detail.png"), full_page=True)

    # A cross-reference leads to its target.
    page.locator('[id="muc-IV.1"]').get_by_role("link", name="II.2.đ").click()
    expect(page).to_have_url(re.compile(r"#muc-II\.2\.(đ|%C4%91)$"))
    expect(page.locator('[id="muc-II.2.đ"]')).to_be_in_viewport()

    # Narrowing the plan to one unit's duties (HTMX) keeps the ancestors for context.
    page.get_by_label("Xem nhiệm vụ của đơn vị").select_option("SB")
    expect(plan_tree.locator("li.pnode")).to_have_count(2)
    expect(page).to_have_url(re.compile(r"\?don_vi=SB$"))

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/ke-hoach/{plan.pk}/")
    page.screenshot(path=str(screenshot_dir() / "plan-detail-mobile.png"), full_page=True)


def test_oversized_upload_shows_the_limit(page: Page, live_server: LiveServer, units: PlanUnits, officer: User) -> None:
    log_in(page, live_server.url, "phong.cchc")
    page.goto(live_server.url + "/ke-hoach/nhap/")

    page.get_by_label("Tệp văn bản kế hoạch").set_input_files(
        {"name": "qua-lon.txt", "mimeType": "text/plain", "buffer": b"a" * (21 * 1024 * 1024)}
    )
    page.get_by_role("button", name="Tải lên và phân tích").click()

    expect(page.get_by_role("alert")).to_have_text("Tệp “qua-lon.txt” quá lớn; giới hạn 20 MB.")
    expect(page).to_have_url(live_server.url + "/ke-hoach/nhap/")
    assert PlanImport.objects.count() == 0

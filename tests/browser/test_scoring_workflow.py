"""The PAR index in a real browser: a unit self-scores and submits, an appraiser changes a score.

Sở A's focal point has scored four of five criteria; in the browser it scores the
last one through the inline HTMX form and sends the assessment for appraisal. Sở B's
appraiser (SB appraises domain 2) lowers that score with a reason from the queue.
The assessment page then shows the self score and the appraised score side by side.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from cchc.accounts.tests.factories import TEST_PASSWORD
from cchc.scoring.choices import AppraisalStatus, AssessmentStatus
from cchc.scoring.models import Assessment, Score
from cchc.scoring.services import score_self
from cchc.scoring.tests.factories import make_scene
from tests.browser.conftest import screenshot_dir

if TYPE_CHECKING:
    from pytest_django.live_server_helper import LiveServer

    from conftest import Tree  # the root conftest's `tree` fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(base_url + "/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_test_id("current-user")).to_be_visible()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_test_id("current-user")).to_have_count(0)


def test_self_score_submit_and_appraise(page: Page, live_server: LiveServer, tree: Tree) -> None:
    scene = make_scene(tree)
    assessment = Assessment.objects.get(round=scene.round, unit__code="SA")
    scores = {s.criterion.code: s for s in Score.objects.filter(assessment=assessment).select_related("criterion")}
    for code, points in {"1.1": Decimal(2), "1.2": Decimal(2), "2.2": None, "2.3": Decimal(1)}.items():
        score_self(actor=scene.focal_a, score=scores[code], points=points, not_applicable=points is None)
    page.on("dialog", lambda dialog: dialog.accept())  # the "send for appraisal?" confirmation

    # The focal point finds the assessment from the nav link and scores 2.1 in place.
    log_in(page, live_server.url, scene.focal_a.username)
    page.locator("header").get_by_role("link", name="Chỉ số CCHC", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đánh giá Chỉ số CCHC")
    page.get_by_test_id("assessments").get_by_role("link", name="Sở A").click()
    expect(page).to_have_url(f"{live_server.url}/chi-so-cchc/ban/{assessment.pk}/")
    leaf = page.get_by_test_id("leaf-2.1")
    leaf.get_by_label("Điểm tự chấm").fill("5")
    leaf.get_by_role("button", name="Lưu điểm tự chấm").click()
    expect(leaf.get_by_role("alert")).to_contain_text("phải từ 0 đến 2")
    leaf.get_by_label("Điểm tự chấm").fill("2")
    leaf.get_by_label("Giải trình").fill("Đã công khai đủ 12 thủ tục trên cổng thông tin.")
    leaf.get_by_role("button", name="Lưu điểm tự chấm").click()
    expect(leaf.get_by_test_id("leaf-notice")).to_have_text("✓ Đã lưu điểm tự chấm tiêu chí 2.1.")
    expect(leaf.get_by_test_id("self-score")).to_have_text("2")
    assert Score.objects.get(pk=scores["2.1"].pk).self_score == Decimal(2)

    page.get_by_role("button", name="Gửi thẩm định").click()
    expect(page.locator(".messages")).to_contain_text("Đã gửi bản tự đánh giá để thẩm định.")
    expect(page.get_by_test_id("assessment-status")).to_have_text("Đã gửi thẩm định")
    expect(page.get_by_test_id("self-score-form")).to_have_count(0)
    assert Assessment.objects.get(pk=assessment.pk).status == AssessmentStatus.SUBMITTED
    log_out(page)

    # Sở B's appraiser lowers 2.1 with a reason, from the queue narrowed to Sở A.
    log_in(page, live_server.url, scene.appraiser_b.username)
    page.goto(f"{live_server.url}/chi-so-cchc/")
    expect(page.get_by_test_id("waiting")).to_have_text("3")
    page.get_by_role("link", name="Mở danh sách thẩm định").click()
    page.get_by_label("Đơn vị được đánh giá").select_option("SA")
    expect(page).to_have_url(re.compile(r"/chi-so-cchc/tham-dinh/\?.*don_vi=SA"))
    item = page.locator('[data-testid="queue-item"][data-code="2.1"]')
    expect(item).to_contain_text("Đã công khai đủ 12 thủ tục")
    item.get_by_label("Điểm thẩm định").fill("1,25")
    item.get_by_role("button", name="Điều chỉnh điểm").click()
    expect(item.get_by_role("alert")).to_have_text("Điều chỉnh điểm phải ghi rõ lý do.")
    item.get_by_label("Lý do điều chỉnh, trả lại").fill("Chưa công khai đủ 3 thủ tục lĩnh vực đất đai.")
    item.get_by_role("button", name="Điều chỉnh điểm").click()
    expect(item.get_by_test_id("item-notice")).to_contain_text("Đã lưu kết quả thẩm định tiêu chí 2.1 của Sở A.")
    expect(item.get_by_test_id("appraised-score")).to_have_text("1,25")
    changed = Score.objects.get(pk=scores["2.1"].pk)
    assert (changed.appraisal_status, changed.appraised_score) == (AppraisalStatus.CHANGED, Decimal("1.25"))
    log_out(page)

    # The unit sees both scores side by side, with the reason and the history.
    log_in(page, live_server.url, scene.focal_a.username)
    page.goto(f"{live_server.url}/chi-so-cchc/ban/{assessment.pk}/")
    leaf = page.get_by_test_id("leaf-2.1")
    expect(leaf.get_by_test_id("self-score")).to_have_text("2")
    expect(leaf.get_by_test_id("appraised-score")).to_have_text("1,25")
    expect(leaf.get_by_test_id("appraisal-status")).to_have_text("Điều chỉnh điểm")
    expect(leaf.get_by_test_id("appraisal-reason")).to_contain_text("Chưa công khai đủ 3 thủ tục")
    leaf.get_by_test_id("history").locator("summary").click()
    expect(leaf.get_by_test_id("history").locator("tbody tr")).to_have_count(2)
    page.screenshot(path=str(screenshot_dir() / "scoring-assessment.png"), full_page=True)

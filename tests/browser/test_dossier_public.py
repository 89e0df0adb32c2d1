"""The public one-stop pages in a real browser: the monthly table, changing the month, lookup and rating."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from cchc.dossiers.models import Rating
from cchc.dossiers.tests.builders import at, build, save_all
from cchc.organizations.tests.factories import make_unit
from cchc.procedures.tests.factories import make_procedure

if TYPE_CHECKING:
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def dossiers() -> None:
    cache.clear()
    make_unit(code="U1", name="UBND xã Thử Nghiệm")
    make_procedure(code="TT3", time_limit_days=3, field="Hộ tịch", level="commune")
    save_all(
        [
            # Due Fri 14/6/2024: early, then late; one in May, resolved on time.
            build("HS-001", "TT3", "U1", at("2024-06-11"), at("2024-06-13", 10), channel="online"),
            build("HS-002", "TT3", "U1", at("2024-06-11"), at("2024-06-17", 10)),
            build("HS-003", "TT3", "U1", at("2024-05-06"), at("2024-05-09", 10)),
        ]
    )


def test_monthly_table_month_switch_lookup_and_rating(page: Page, live_server: LiveServer, dossiers: None) -> None:
    page.goto(live_server.url + "/mot-cua/?nam=2024&thang=6")
    table = page.get_by_test_id("bieu06")
    expect(table.locator('tr[data-unit="U1"]')).to_contain_text("UBND xã Thử Nghiệm")
    expect(table.locator('tr[data-unit="total"] td.rate')).to_have_attribute("data-rate", "50.00")
    expect(page.get_by_test_id("trend").locator("g.trend-bar")).to_have_count(12)

    # Changing the month swaps the table in place (HTMX) and updates the address.
    page.locator("select[name=thang]").select_option("5")
    expect(page.get_by_role("heading", name="Tháng 5/2024")).to_be_visible()
    expect(page.get_by_test_id("bieu06").locator('tr[data-unit="total"] td.rate')).to_have_attribute(
        "data-rate", "100.00"
    )
    expect(page).to_have_url(live_server.url + "/mot-cua/?nam=2024&thang=5")

    page.goto(live_server.url + "/mot-cua/tra-cuu/")
    page.get_by_label("Mã hồ sơ").fill("HS-002")
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.get_by_test_id("lookup-status")).to_contain_text("quá hạn")
    form = page.get_by_test_id("rating-form")
    for fieldset in form.locator("fieldset").all():
        fieldset.get_by_label("Hài lòng (2)").check()
    form.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.locator(".messages")).to_contain_text("Cảm ơn bạn đã đánh giá")
    expect(page.get_by_test_id("already-rated")).to_be_visible()
    assert Rating.objects.get(dossier__code="HS-002").total == 18

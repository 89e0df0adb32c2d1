"""The public one-stop pages: Biểu 06 per unit and per field × level, trend, CSV, lookup and rating form."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from cchc.dossiers import sla, throttle
from cchc.dossiers.models import Rating
from cchc.dossiers.selectors import dossier_stats
from cchc.dossiers.tests.builders import VN, at, build, facts, june_2024, save_all

pytestmark = pytest.mark.usefixtures("catalogue")

JUNE = {"nam": 2024, "thang": 6}
FULL_SCORES = {
    "total_time": 2, "agency_time": 2, "contacts": 1, "agencies": 2, "counter": 2,
    "publicity": 1, "attitude": 2, "feedback": 0, "online": 2,
}  # fmt: skip


@pytest.fixture(autouse=True)
def _fresh_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty cache and one pinned rate-limit window: a test never straddles a minute boundary."""
    cache.clear()
    monkeypatch.setattr(throttle, "_now", lambda: 1_700_000_010.0)


@pytest.fixture
def june() -> list:
    return save_all(june_2024())


def test_province_page_shows_dossier_stats_per_unit_and_total(client: Client, june: list) -> None:
    """Anonymous visitors see Biểu 06 of the month; every row equals sla.period_stats of the unit's dossiers."""
    response = client.get("/mot-cua/", JUNE)

    assert response.status_code == 200
    first, last = dt.date(2024, 6, 1), dt.date(2024, 6, 30)
    expected_units = sla.group_stats(facts(june), first, last, key=lambda d: d.unit_code)
    rows = {code: stats for code, _name, stats in response.context["rows"]}
    assert rows == dict(sorted(expected_units.items()))
    assert set(rows) == {"U1", "U2"}  # U3 has nothing in June, B3 finished in May
    assert response.context["total"] == sla.period_stats(facts(june), first, last)
    # By hand: U1 received 3 (1 online) + 1 carried over; resolved 4: early A1, on time A2 + A4, late A3.
    u1 = rows["U1"]
    assert (u1.received, u1.received_online, u1.carried_over) == (3, 1, 1)
    assert (u1.resolved, u1.resolved_early, u1.resolved_on_time, u1.resolved_late) == (4, 2, 1, 1)
    assert u1.on_time_rate == Decimal("75.00")
    u2 = rows["U2"]
    assert (u2.in_progress, u2.in_progress_within_time, u2.in_progress_overdue) == (2, 1, 1)
    html = response.content.decode()
    assert "Đơn vị thử nghiệm U1" in html
    assert 'data-rate="75.00"' in html
    assert "/mot-cua/don-vi/U1/" in html


def test_trend_has_twelve_months_from_dossier_stats(client: Client, june: list) -> None:
    """The trend shows every month of the year, each the on-time rate of dossier_stats for that month."""
    response = client.get("/mot-cua/", JUNE)

    trend = response.context["trend"]
    assert [bar["month"] for bar in trend] == list(range(1, 13))
    for bar in trend:
        first = dt.date(2024, bar["month"], 1)
        last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        assert bar["rate"] == dossier_stats(date_from=first, date_to=last).total.on_time_rate
    assert trend[5]["rate"] == Decimal("75.00")  # June: U1's 3 of 4, U2 resolved nothing
    assert trend[6]["rate"] == Decimal("100.00")  # July: C1 early
    assert response.content.decode().count('class="trend-bar"') == 12


def test_default_period_is_the_last_complete_month(client: Client) -> None:
    response = client.get("/mot-cua/")

    today = timezone.localdate()
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    assert (response.context["year"], response.context["month"]) == (last_month.year, last_month.month)


def test_without_figures_last_month_the_page_opens_on_the_latest_month_with_dossiers(
    client: Client, june: list
) -> None:
    """The June 2024 dossiers, read today: the page opens on the last month one was received or resolved in."""
    months = {(d.received_at.astimezone(VN).year, d.received_at.astimezone(VN).month) for d in june}
    months |= {(d.resolved_at.astimezone(VN).year, d.resolved_at.astimezone(VN).month) for d in june if d.resolved_at}
    response = client.get("/mot-cua/")
    assert (response.context["year"], response.context["month"]) == max(months)
    assert response.context["total"].received + response.context["total"].resolved > 0
    # The Decision 766 pages open on the same month.
    index = client.get("/chi-so-766/").context
    assert (index["year"], index["month"]) == max(months)


def test_the_default_month_is_last_month_when_it_has_dossiers_and_never_a_later_one() -> None:
    from cchc.dossiers.disclosure import default_month

    save_all([build("D1", "TT1", "U1", at("2024-05-20")), build("D2", "TT1", "U1", at("2024-08-05"))])
    assert default_month(dt.date(2024, 9, 10)) == (2024, 8)  # last month has a dossier
    assert default_month(dt.date(2024, 8, 10)) == (2024, 5)  # August is not complete yet; July had none
    assert default_month(dt.date(2025, 3, 1)) == (2024, 8)  # nothing since: the latest month with figures
    assert default_month(dt.date(2024, 5, 31)) == (2024, 4)  # nothing before: last month, empty


def test_nonsense_period_falls_back_to_the_default(client: Client) -> None:
    response = client.get("/mot-cua/", {"nam": "abc", "thang": "13"})

    assert response.status_code == 200
    assert response.context["month"] in range(1, 13)


def test_htmx_request_gets_only_the_partial(client: Client, june: list) -> None:
    response = client.get("/mot-cua/", JUNE, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="disclosure"' in html
    assert "HX-Request" in response["Vary"]


def test_csv_is_the_same_table_with_bom_and_vietnamese_headers(client: Client, june: list) -> None:
    response = client.get("/mot-cua/tai-csv/", JUNE)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "bieu06-2024-06.csv" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Mã đơn vị", "Đơn vị", "Tổng số hồ sơ tiếp nhận mới"]
    assert rows[0][-1] == "Tỷ lệ đúng hạn (%)"
    table = dossier_stats(date_from=dt.date(2024, 6, 1), date_to=dt.date(2024, 6, 30))
    body = {row[0]: row[2:] for row in rows[1:]}
    for code, stats in [*table.units.items(), ("", table.total)]:
        expected = ["" if v is None else str(v) for v in stats.as_dict().values()]
        assert body[code] == expected
    assert rows[-1][1] == "Tổng cộng"


def test_unit_page_breaks_down_by_field_and_level_and_adds_up(client: Client, june: list) -> None:
    """The unit's rows (field × level) add up to that unit's dossier_stats row."""
    response = client.get("/mot-cua/don-vi/U1/", JUNE)

    assert response.status_code == 200
    total = dossier_stats(date_from=dt.date(2024, 6, 1), date_to=dt.date(2024, 6, 30), unit_code="U1").total
    assert response.context["total"] == total
    rows = response.context["rows"]
    assert [(field, level) for field, level, _s in rows] == [("Hộ tịch", "Cấp xã"), ("Đất đai", "Cấp huyện")]
    assert sum((s for _f, _l, s in rows), start=sla.Stats()) == total
    assert len(response.context["trend"]) == 12
    # Each row read from the counters equals the rule applied to U1's own dossiers.
    first, last = dt.date(2024, 6, 1), dt.date(2024, 6, 30)
    u1 = [fact for fact in facts(june) if fact.unit_code == "U1"]
    expected = sla.group_stats(u1, first, last, key=lambda d: d.field)
    assert {field: stats for field, _level, stats in rows} == expected


def test_unit_csv_has_field_and_level_rows(client: Client, june: list) -> None:
    response = client.get("/mot-cua/don-vi/U1/tai-csv/", JUNE)

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Lĩnh vực", "Cấp thực hiện"]
    assert [r[:2] for r in rows[1:]] == [["Hộ tịch", "Cấp xã"], ["Đất đai", "Cấp huyện"], ["Tổng cộng", ""]]


def test_unknown_unit_is_404(client: Client) -> None:
    assert client.get("/mot-cua/don-vi/KHONG-CO/").status_code == 404


def test_unit_page_shows_aggregated_ratings(client: Client, june: list) -> None:
    for code in ("A1", "A2"):
        client.post(f"/mot-cua/tra-cuu/{code}/danh-gia/", {**FULL_SCORES, "online": 0 if code == "A2" else 2})

    response = client.get("/mot-cua/don-vi/U1/", JUNE)

    summary = response.context["ratings"]
    assert summary.count == 2
    assert summary.average_total == Decimal("13.00")  # 14 and 12
    assert {k: m for k, _label, m in summary.criteria}["online"] == Decimal("1.00")
    assert "Thái độ của công chức" in response.content.decode()


def test_lookup_shows_only_status_and_dates(client: Client, june: list) -> None:
    response = client.get("/mot-cua/tra-cuu/", {"ma": "A3"})

    assert response.status_code == 200
    result = response.context["result"]
    assert result.received_on == dt.date(2024, 6, 11)
    assert result.due_date == dt.date(2024, 6, 14)
    assert (result.timeliness, result.status_label) == ("late", "Đã giải quyết xong, chờ trả kết quả")
    html = response.content.decode()
    assert "Thủ tục TT3" in html
    assert "Đơn vị thử nghiệm U1" in html
    assert "quá hạn" in html
    assert 'data-testid="rating-form"' in html


def test_lookup_of_an_open_dossier_offers_no_rating(client: Client, june: list) -> None:
    response = client.get("/mot-cua/tra-cuu/", {"ma": "B1"})

    assert response.context["result"].status_label == "Đang giải quyết"
    assert response.context["rating_form"] is None


def test_lookup_of_an_unknown_code_is_a_404_with_a_message(client: Client) -> None:
    response = client.get("/mot-cua/tra-cuu/", {"ma": "KHONG-CO"})

    assert response.status_code == 404
    assert "Không tìm thấy hồ sơ mã" in response.content.decode()


def test_lookup_is_rate_limited_per_ip(client: Client, june: list) -> None:
    """Ten lookups a minute; the eleventh is a 429 with a Vietnamese message; another IP is not affected."""
    for _ in range(10):
        assert client.get("/mot-cua/tra-cuu/", {"ma": "A1"}).status_code == 200

    limited = client.get("/mot-cua/tra-cuu/", {"ma": "A1"})

    assert limited.status_code == 429
    assert "Vui lòng thử lại sau" in limited.content.decode()
    assert limited.context["result"] is None
    other = client.get("/mot-cua/tra-cuu/", {"ma": "A1"}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_rating_form_records_once_per_dossier(client: Client, june: list) -> None:
    response = client.post("/mot-cua/tra-cuu/A1/danh-gia/", {**FULL_SCORES, "comment": "Nhanh"})

    assert response.status_code == 302
    rating = Rating.objects.get(dossier__code="A1")
    assert rating.total == 14
    page = client.get(response["Location"])
    assert "Cảm ơn bạn đã đánh giá" in page.content.decode()
    assert page.context["rating_form"] is None

    again = client.post("/mot-cua/tra-cuu/A1/danh-gia/", FULL_SCORES)
    assert again.status_code == 400
    assert "đã được đánh giá" in again.content.decode()
    assert Rating.objects.count() == 1


def test_rating_form_requires_every_criterion(client: Client, june: list) -> None:
    scores = dict(FULL_SCORES)
    scores.pop("attitude")

    response = client.post("/mot-cua/tra-cuu/A1/danh-gia/", scores)

    assert response.status_code == 400
    assert response.context["rating_form"].errors["attitude"]
    assert not Rating.objects.exists()


def test_rating_form_needs_csrf(june: list) -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post("/mot-cua/tra-cuu/A1/danh-gia/", FULL_SCORES)

    assert response.status_code == 403
    assert not Rating.objects.exists()


def test_rating_of_an_open_dossier_is_refused(client: Client, june: list) -> None:
    response = client.post("/mot-cua/tra-cuu/B1/danh-gia/", FULL_SCORES)

    assert response.status_code == 400
    assert "chỉ đánh giá được sau khi đã có kết quả" in response.content.decode()


def test_ratings_are_rate_limited(client: Client) -> None:
    save_all([build(f"R{i}", "TT1", "U1", at("2024-06-03"), at("2024-06-04")) for i in range(7)])

    statuses = [client.post(f"/mot-cua/tra-cuu/R{i}/danh-gia/", FULL_SCORES).status_code for i in range(7)]

    assert statuses == [302] * 5 + [429] * 2
    assert Rating.objects.count() == 5


def test_nav_and_home_link_to_the_one_stop_pages(client: Client) -> None:
    html = client.get("/mot-cua/tra-cuu/").content.decode()

    assert 'href="/mot-cua/">Một cửa</a>' in html


def test_the_year_menu_runs_from_the_first_year_with_dossiers_to_this_year() -> None:
    """Read from the counters' year buckets: a dossier received on 1/1/2022 local time (31/12/2021 UTC) is 2022's."""
    from cchc.dossiers.disclosure import available_years

    today = dt.date(2025, 3, 1)
    assert available_years(today) == [2025]
    save_all([build("Y1", "TT1", "U1", dt.datetime(2022, 1, 1, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=7))))])
    assert available_years(today) == [2025, 2024, 2023, 2022]

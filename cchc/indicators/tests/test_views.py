"""The public Decision 766 pages, the CSV and the reform office's entry page."""

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from cchc.accounts.choices import Role
from cchc.accounts.models import User
from cchc.accounts.tests.factories import make_user
from cchc.audit.models import AuditEvent
from cchc.indicators.models import IndicatorSet, IndicatorValue
from cchc.indicators.tests.factories import June

JUNE = {"nam": 2024, "thang": 6}

pytestmark = pytest.mark.django_db


def test_province_page_shows_every_unit_and_the_total(client: Client, june: June) -> None:
    """Anonymous visitors see the month's scores, the fractions, and the formulas in the headers."""
    response = client.get("/chi-so-766/", JUNE)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766)" in html
    assert 'data-unit="SA"' in html
    assert 'data-unit="total"' in html
    assert 'data-total="79.96"' in html  # SA
    assert 'data-total="73.12"' in html  # the province
    assert "62,50 % (5/8)" in html  # SA's progress, Vietnamese decimal comma
    assert 'data-points="12.76"' in html
    assert "không phát sinh" in html
    assert "chưa nhập" in html
    assert "(số hồ sơ giải quyết trước hạn + đúng hạn + đang giải quyết còn trong hạn" in html  # a formula
    assert "Điểm = 20 nếu tỷ lệ ≥ 98 %; thấp hơn: tỷ lệ × 20 / 98 %." in html
    assert "/chi-so-766/SA/?nam=2024&amp;thang=6" in html
    assert "?nam=2024&amp;thang=6&amp;format=csv" in html
    assert 'href="/chi-so-766/"' in html  # the navigation link
    assert "Nhập số liệu" not in html  # only for the reform office


def test_htmx_request_gets_only_the_partial(client: Client, june: June) -> None:
    response = client.get("/chi-so-766/", JUNE, headers={"HX-Request": "true"})

    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<section id="indicator-table"')
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_month_without_data_and_nonsense_parameters(client: Client, june: June) -> None:
    empty = client.get("/chi-so-766/", {"nam": 2023, "thang": 1})
    assert empty.status_code == 200
    assert "Chưa có số liệu nào trong tháng này." in empty.content.decode()

    before = client.get("/chi-so-766/", {"nam": 2022, "thang": 1})
    assert "Chưa có bộ chỉ số nào áp dụng cho tháng này." in before.content.decode()

    nonsense = client.get("/chi-so-766/", {"nam": "abc", "thang": 99})
    assert nonsense.status_code == 200  # falls back to the default month


def test_csv_has_the_table_with_vietnamese_headers(client: Client, june: June) -> None:
    response = client.get("/chi-so-766/", {**JUNE, "format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="chi-so-766-2024-06.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows[0]
    assert header[:2] == ["Mã đơn vị", "Đơn vị"]
    assert "Tiến độ giải quyết – điểm (tối đa 20)" in header
    by_unit = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert list(by_unit) == ["X1", "SA", "SB", ""]
    sa = by_unit["SA"]
    assert sa["Tiến độ giải quyết – tử số"] == "5"
    assert sa["Tiến độ giải quyết – mẫu số"] == "8"
    assert sa["Tiến độ giải quyết – tỷ lệ (%)"] == "62.50"
    assert sa["Tiến độ giải quyết – điểm (tối đa 20)"] == "12.76"
    assert sa["Tổng điểm"] == "79.96"
    sb = by_unit["SB"]
    assert sb["Công khai, minh bạch – điểm (tối đa 18)"] == ""
    assert sb["Chỉ số chưa có số liệu"] == "Công khai, minh bạch: chưa nhập; Mức độ hài lòng: không phát sinh"
    assert sb["Điểm tối đa của các chỉ số có số liệu"] == "64.00"
    total = by_unit[""]
    assert total["Đơn vị"] == "Toàn tỉnh"
    assert total["Tổng điểm"] == "73.12"
    assert total["Tỷ lệ kết quả điện tử (%)"] == "50.00"


def test_unit_page_shows_each_indicator_and_the_trend(client: Client, june: June) -> None:
    response = client.get("/chi-so-766/SA/", JUNE)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Sở A" in html
    assert "79,96 / 100 điểm" in html
    row = response.context["row"]
    assert row.cell("so-hoa").numerator == 4
    assert row.cell("so-hoa").denominator == 7
    assert 'data-points="15.71"' in html
    assert "Tỷ lệ = số hồ sơ tiếp nhận trong tháng được số hóa / tổng số hồ sơ tiếp nhận trong tháng." in html
    assert "Điểm = tỷ lệ × 18." in html  # satisfaction has no target
    assert "Kết quả điện tử (tham khảo, không tính điểm)" in html
    trend = response.context["trend"]
    assert [bar["month"] for bar in trend] == list(range(1, 13))
    assert trend[5]["percent"] == Decimal("79.96")
    assert trend[5]["points"] == Decimal("79.96")
    assert html.count('class="trend-bar"') == 12
    assert "Tháng 6: 79,96 / 100 điểm" in html


def test_unit_page_names_the_missing_indicators(client: Client, june: June) -> None:
    html = client.get("/chi-so-766/SB/", JUNE).content.decode()

    assert "23,95 / 64 điểm" in html
    assert "Chưa tính (không có số liệu): Công khai, minh bạch; Mức độ hài lòng." in html


def test_unknown_unit_is_a_404(client: Client, june: June) -> None:
    assert client.get("/chi-so-766/KHONG-CO/", JUNE).status_code == 404


def test_unit_page_htmx_partial(client: Client, june: June) -> None:
    html = client.get("/chi-so-766/SA/", JUNE, headers={"HX-Request": "true"}).content.decode()

    assert html.startswith('<section id="unit-indicators"')


# -- entry page -----------------------------------------------------------------------


def test_entry_page_needs_a_login(client: Client, tree: Any) -> None:
    response = client.get("/chi-so-766/nhap-lieu/")

    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.parametrize(("role", "unit"), [(Role.FOCAL_POINT, "dept_a"), (Role.REFORM_OFFICE, "dept_a")])
def test_entry_page_is_the_province_reform_offices(client: Client, tree: Any, role: str, unit: str) -> None:
    client.force_login(make_user(role=role, unit=getattr(tree, unit)))

    assert client.get("/chi-so-766/nhap-lieu/", JUNE).status_code == 403
    assert (
        client.post(
            "/chi-so-766/nhap-lieu/", {**JUNE, "don_vi": "SA", "chi_so": "cong-khai", "ty_le": "90"}
        ).status_code
        == 403
    )
    assert not IndicatorValue.objects.exists()


def test_reform_office_enters_a_value(as_reform: Client, reform: User, tree: Any) -> None:
    page = as_reform.get("/chi-so-766/nhap-lieu/", JUNE)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<option value="SA">' in html
    assert '<option value="cong-khai">Công khai, minh bạch (tối đa 18 điểm)</option>' in html

    response = as_reform.post(
        "/chi-so-766/nhap-lieu/",
        {**JUNE, "don_vi": "SA", "chi_so": "cong-khai", "ty_le": "92,5", "ghi_chu": "Kiểm tra Cổng DVC"},
        follow=True,
    )

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/chi-so-766/nhap-lieu/?nam=2024&thang=6"
    value = IndicatorValue.objects.get()
    assert (value.unit.code, value.year, value.month, value.value) == ("SA", 2024, 6, Decimal("0.9250"))
    assert value.note == "Kiểm tra Cổng DVC"
    assert AuditEvent.objects.filter(action="indicator_value.created", actor=reform).count() == 1
    html = response.content.decode()
    assert "Đã lưu Công khai, minh bạch của Sở A, tháng 6/2024." in html
    assert 'data-unit="SA" data-indicator="cong-khai"' in html
    assert "92,50" in html
    # The public table now counts it.
    assert 'data-points="16.65"' in as_reform.get("/chi-so-766/", JUNE).content.decode()  # 0.925 × 18


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"ty_le": ""}, "ty_le", "Vui lòng nhập tỷ lệ đạt."),
        ({"ty_le": "abc"}, "ty_le", "Tỷ lệ phải là một số, ví dụ 92,5."),
        ({"ty_le": "100,5"}, "ty_le", "Tỷ lệ không được lớn hơn 100 %."),
        ({"ty_le": "-1"}, "ty_le", "Tỷ lệ không được nhỏ hơn 0 %."),
        ({"ty_le": "92,555"}, "ty_le", "Tỷ lệ có tối đa 2 chữ số thập phân."),
        ({"don_vi": ""}, "don_vi", "Vui lòng chọn đơn vị."),
        ({"don_vi": "Q"}, "don_vi", "Đơn vị không có trong danh sách bạn được nhập."),
        ({"chi_so": "tien-do"}, "chi_so", "Chỉ số không thuộc các chỉ số nhập tay của tháng này."),
    ],
)
def test_entry_form_says_what_is_wrong_in_vietnamese(
    as_reform: Client, tree: Any, data: dict[str, str], field: str, message: str
) -> None:
    posted = {**JUNE, "don_vi": "SA", "chi_so": "cong-khai", "ty_le": "90", **data}

    response = as_reform.post("/chi-so-766/nhap-lieu/", posted)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert response.context["form"].errors[field] == [message]
    assert not IndicatorValue.objects.exists()


def test_entry_form_shows_the_services_refusal(as_reform: Client, tree: Any) -> None:
    """A month before Decision 766 has no set: nothing to enter."""
    response = as_reform.get("/chi-so-766/nhap-lieu/", {"nam": 2022, "thang": 1})

    assert "Chưa có bộ chỉ số nào áp dụng cho tháng này." in response.content.decode()
    posted = as_reform.post(
        "/chi-so-766/nhap-lieu/", {"nam": 2022, "thang": 1, "don_vi": "SA", "chi_so": "cong-khai", "ty_le": "90"}
    )
    assert posted.status_code == 400
    assert not IndicatorValue.objects.exists()


def test_entry_needs_the_csrf_token(tree: Any, reform: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(reform)

    response = client.post("/chi-so-766/nhap-lieu/", {**JUNE, "don_vi": "SA", "chi_so": "cong-khai", "ty_le": "90"})

    assert response.status_code == 403
    assert not IndicatorValue.objects.exists()


def test_reform_office_sees_the_entry_link(as_reform: Client, tree: Any) -> None:
    assert "/chi-so-766/nhap-lieu/" in as_reform.get("/chi-so-766/", JUNE).content.decode()


def test_overlapping_sets_are_shown_as_an_error(client: Client, june: June) -> None:
    IndicatorSet.objects.create(code="trung", name="Trùng", legal_basis="-", effective_from=dt.date(2024, 1, 1))

    for url in ("/chi-so-766/", "/chi-so-766/SA/"):
        response = client.get(url, JUNE)
        assert response.status_code == 200
        assert "Có 2 bộ chỉ số cùng hiệu lực ngày 30/06/2024 (qd766-2022, trung)" in response.content.decode()

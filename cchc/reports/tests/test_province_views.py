"""The province report page: who sees it, that it shows the consolidation's figures, saving, downloads."""

import io
import re
from typing import Any

import docx
import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from cchc.accounts.choices import Role
from cchc.accounts.models import User
from cchc.accounts.tests.factories import make_user
from cchc.reports.consolidation import province_report_data
from cchc.reports.models import ProvinceReport
from cchc.reports.tests.factories import Scene
from cchc.reports.tests.test_consolidation import build_plans, build_scene


@pytest.fixture
def scene(tree: Any) -> Scene:
    scene = build_scene(tree)
    build_plans(tree)
    return scene


def _url(scene: Scene, name: str = "province", year: int = 2023, index: int = 1) -> str:
    return reverse(f"reports:{name}", args=[scene.template.pk, year, index])


def _client(user: User, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


# -- who --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "where", "page", "post"),
    [
        (Role.REFORM_OFFICE, "province", 200, 200),
        (Role.SYSTEM_ADMIN, "province", 200, 200),
        (Role.LEADER, "province", 200, 404),
        (Role.VIEWER, "province", 404, 404),
        (Role.FOCAL_POINT, "province", 404, 404),
        (Role.REFORM_OFFICE, "dept_a", 404, 404),
        (Role.FOCAL_POINT, "dept_a", 404, 404),
    ],
)
def test_page_and_save_by_role(scene: Scene, tree: Any, role: str, where: str, page: int, post: int) -> None:
    client = _client(make_user(role=role, unit=getattr(tree, where)))
    assert client.get(_url(scene)).status_code == page
    assert client.get(_url(scene, "province_docx")).status_code == page
    assert client.get(_url(scene, "province_xlsx")).status_code == page
    response = client.post(_url(scene, "province_save"), {"section": "I", "text": "x"}, headers={"HX-Request": "true"})
    assert response.status_code == post
    assert ProvinceReport.objects.exists() is (post == 200)


def test_anonymous_is_sent_to_login(scene: Scene) -> None:
    response = Client().get(_url(scene))
    assert response.status_code == 302
    assert "/login" in response["Location"] or "dang-nhap" in response["Location"]


@pytest.mark.parametrize(("year", "index"), [(2022, 1), (2023, 5), (2023, 0)])
def test_a_period_the_template_does_not_have_is_not_found(scene: Scene, year: int, index: int) -> None:
    assert _client(scene.office).get(_url(scene, year=year, index=index)).status_code == 404


def test_an_unknown_template_is_not_found(scene: Scene) -> None:
    assert _client(scene.office).get(reverse("reports:province", args=[999_999, 2023, 1])).status_code == 404


# -- what it shows ----------------------------------------------------------------------------


def _testid(html: str, name: str) -> str:
    found = re.search(rf'data-testid="{name}"[^>]*>(.*?)<', html, re.S)
    assert found, name
    return found.group(1).strip()


def test_figures_equal_the_consolidation(scene: Scene) -> None:
    response = _client(scene.office).get(_url(scene))
    html = response.content.decode()
    data = province_report_data(template=scene.template, year=2023, period_index=1)
    assert response.context["data"].fields == data.fields
    assert (_testid(html, "expected"), _testid(html, "received"), _testid(html, "on-time")) == ("4", "3", "2")
    assert _testid(html, "missing") == "1"
    assert _testid(html, "accepted-count") == "2/4"
    for total in data.fields:
        cell = re.search(rf'data-field="{total.code}">.*?data-value="([^"]*)"', html, re.S)
        assert cell, total.code
        assert cell.group(1) == ("" if total.value is None else str(total.value)), total.code
    assert 'data-value="150"' in html
    assert 'data-value="82.00"' in html
    assert "Bình quân gia quyền theo “Số hồ sơ đã giải quyết”" in html
    missing_row = re.search(r'data-cohort="Đơn vị được giao riêng">(.*?)</tr>', html, re.S)
    assert missing_row
    assert "Xã Một" in missing_row.group(1)
    late = re.search(r'data-testid="late-units">(.*?)</p>', html, re.S)
    assert late
    assert "Sở B (17/03/2023)" in late.group(1)
    assert re.findall(r'data-task="(\d+)"', html) == [str(t.task_id) for t in data.overdue_tasks]
    assert re.findall(r'data-area="([^"]*)"', html) == [a.area for a in data.area_progress]


def test_the_editor_is_prefilled_with_the_gathered_texts(scene: Scene) -> None:
    html = _client(scene.office).get(_url(scene)).content.decode()
    editor = re.search(r'<textarea name="text"[^>]*id="muc-ii-3-text"[^>]*>(.*?)</textarea>', html, re.S)
    assert editor
    assert editor.group(1).strip() == "Sở A: Sở A: TTHC.\n\nSở B: Dòng một.\nDòng hai."
    assert 'hx-post="' + _url(scene, "province_save") + '"' in html


def test_a_leader_reads_the_texts_without_an_editor(scene: Scene, tree: Any) -> None:
    html = _client(make_user(role=Role.LEADER, unit=tree.province)).get(_url(scene)).content.decode()
    assert "<textarea" not in html
    assert "Sở A: Sở A đã ban hành kế hoạch." in html


# -- saving -----------------------------------------------------------------------------------


def test_htmx_save_with_the_csrf_token(scene: Scene) -> None:
    client = _client(scene.office, csrf=True)
    client.get(_url(scene))
    token = client.cookies["csrftoken"].value
    without = client.post(
        _url(scene, "province_save"), {"section": "I", "text": "Mới."}, headers={"HX-Request": "true"}
    )
    assert without.status_code == 403
    response = client.post(
        _url(scene, "province_save"),
        {"section": "I", "text": "Tỉnh đã ban hành Kế hoạch CCHC năm 2023."},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<section class="panel narrative" id="muc-i-block"')
    assert "Đã lưu nội dung mục Công tác chỉ đạo, điều hành." in html
    assert "Tỉnh đã ban hành Kế hoạch CCHC năm 2023.</textarea>" in html
    saved = ProvinceReport.objects.get(template=scene.template, year=2023, period_index=1)
    assert saved.narratives == {"I": "Tỉnh đã ban hành Kế hoạch CCHC năm 2023."}
    assert saved.updated_by == scene.office


def test_saving_an_empty_text_goes_back_to_the_gathered_one(scene: Scene) -> None:
    client = _client(scene.office)
    client.post(_url(scene, "province_save"), {"section": "I", "text": "Biên tập."}, headers={"HX-Request": "true"})
    response = client.post(_url(scene, "province_save"), {"section": "I", "text": ""}, headers={"HX-Request": "true"})
    assert "Sở A: Sở A đã ban hành kế hoạch.</textarea>" in response.content.decode()
    assert ProvinceReport.objects.get().narratives == {}


def test_a_plain_post_redirects_back_with_a_message(scene: Scene) -> None:
    client = _client(scene.office)
    response = client.post(_url(scene, "province_save"), {"section": "II.3", "text": "Biên tập."})
    assert response.status_code == 302
    assert response["Location"] == _url(scene) + "#muc-ii-3-block"
    page = client.get(response["Location"]).content.decode()
    assert "Đã lưu nội dung mục Cải cách thủ tục hành chính." in page
    assert "Biên tập.</textarea>" in page


def test_saving_the_number(scene: Scene) -> None:
    client = _client(scene.office)
    response = client.post(_url(scene, "province_save"), {"number": " 15/BC-SNV "}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert 'value="15/BC-SNV"' in html
    assert "Đã lưu số, ký hiệu văn bản." in html
    assert ProvinceReport.objects.get().number == "15/BC-SNV"
    too_long = client.post(_url(scene, "province_save"), {"number": "x" * 65}, headers={"HX-Request": "true"})
    assert 'role="alert"' in too_long.content.decode()
    assert ProvinceReport.objects.get().number == "15/BC-SNV"


def test_an_unknown_section_is_not_found(scene: Scene) -> None:
    response = _client(scene.office).post(_url(scene, "province_save"), {"section": "III", "text": "x"})
    assert response.status_code == 404


# -- downloads --------------------------------------------------------------------------------


def test_downloads_open(scene: Scene) -> None:
    client = _client(scene.office)
    client.post(_url(scene, "province_save"), {"section": "I", "text": "Nội dung đã biên tập."})
    response = client.get(_url(scene, "province_docx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert (
        "filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20t%E1%BB%95ng%20h%E1%BB%A3p%20CCHC%20qu%C3%BD%20I-2023.docx"
        in (response["Content-Disposition"])
    )
    assert 'filename="bao-cao-tong-hop-cchc-quy-i-2023.docx"' in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    document = docx.Document(io.BytesIO(response.content))
    assert "Nội dung đã biên tập." in [p.text for p in document.paragraphs]
    response = client.get(_url(scene, "province_xlsx"))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Tổng hợp", "Đơn vị", "Nhiệm vụ quá hạn"]

"""Plan pages: the list, the import flow (upload → preview → corrections → confirm), one plan.

Every object is fetched through the user's scope: another unit's import or plan is a
404, and so is the upload page for a user who may not import anything.
"""

import re
from typing import Any
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cchc.accounts.choices import Role
from cchc.accounts.models import User
from cchc.accounts.tests.factories import make_user
from cchc.audit.models import AuditEvent
from cchc.plans.models import Plan, PlanImport
from cchc.plans.services import plan_import_confirm, plan_import_create
from cchc.plans.tests.factories import PLAN_BYTES, PLAN_FILE_NAME, PLAN_PATHS, PlanUnits, make_plan_units
from cchc.plans.views import highlight, reflow

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def units(tree: Any) -> PlanUnits:
    return make_plan_units(tree)


@pytest.fixture
def focal_a(tree: Any) -> User:
    return make_user(role=Role.FOCAL_POINT, unit=tree.dept_a, username="daumoi.sa")


@pytest.fixture
def as_focal_a(client: Client, focal_a: User) -> Client:
    client.force_login(focal_a)
    return client


@pytest.fixture
def draft(tree: Any, units: PlanUnits, focal_a: User) -> PlanImport:
    return plan_import_create(actor=focal_a, unit=tree.dept_a, year=2023, file_name=PLAN_FILE_NAME, data=PLAN_BYTES)


@pytest.fixture
def plan(draft: PlanImport, focal_a: User) -> Plan:
    return plan_import_confirm(actor=focal_a, plan_import=draft, title="Kế hoạch CCHC của Sở A năm 2023")


def _upload(
    client: Client, *, data: bytes = PLAN_BYTES, name: str = PLAN_FILE_NAME, unit: str = "SA", **extra: Any
) -> Any:
    return client.post(
        reverse("plans:plan_import_upload"),
        {"unit": unit, "year": "2023", "file": SimpleUploadedFile(name, data, content_type="text/plain")},
        **extra,
    )


def _node_url(plan_import: PlanImport, path: str) -> str:
    return reverse("plans:plan_import_node", args=[plan_import.pk, path])


def _mention_index(plan_import: PlanImport, path: str, role: str) -> int:
    return next(i for i, m in enumerate(plan_import.analysis["units"]) if (m["path"], m["role"]) == (path, role))


# -- list ------------------------------------------------------------------------------------


def test_pages_need_a_login(client: Client, draft: PlanImport) -> None:
    for url in ("/ke-hoach/", "/ke-hoach/nhap/", f"/ke-hoach/nhap/{draft.pk}/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/login/?next="), url


def test_plan_list_shows_plans_pending_imports_and_the_import_button(
    as_focal_a: Client, plan: Plan, tree: Any, focal_a: User
) -> None:
    pending = plan_import_create(actor=focal_a, unit=tree.dept_a, year=2024, file_name="du-thao.txt", data=PLAN_BYTES)

    html = as_focal_a.get("/ke-hoach/").content.decode()

    assert f'href="/ke-hoach/{plan.pk}/"' in html
    assert "Kế hoạch CCHC của Sở A năm 2023" in html
    assert f'<td class="num">{len(PLAN_PATHS)}</td>' in html
    assert "Nhập kế hoạch từ văn bản" in html
    pending_html = html[html.index('data-testid="pending-imports"') :]
    assert f'href="/ke-hoach/nhap/{pending.pk}/"' in pending_html
    assert "du-thao.txt" in pending_html


def test_plan_list_for_a_viewer_lists_plans_without_the_import_button(client: Client, plan: Plan, tree: Any) -> None:
    client.force_login(make_user(role=Role.VIEWER, unit=tree.province))

    html = client.get("/ke-hoach/").content.decode()

    assert f'href="/ke-hoach/{plan.pk}/"' in html
    assert "Nhập kế hoạch từ văn bản" not in html
    assert "Bản nhập chờ xác nhận" not in html


def test_plan_list_filters_and_answers_htmx_with_rows(as_focal_a: Client, plan: Plan) -> None:
    rows = as_focal_a.get("/ke-hoach/", {"year": "2023", "unit": "SA"}, **HX)
    none = as_focal_a.get("/ke-hoach/", {"year": "2022"}, **HX).content.decode()

    assert rows.content.decode().lstrip().startswith("<tr>")
    assert "<html" not in rows.content.decode()
    assert f'href="/ke-hoach/{plan.pk}/"' in rows.content.decode()
    assert "HX-Request" in rows["Vary"]
    assert "Không có kế hoạch nào" in none


def test_home_lists_the_plans_module(as_focal_a: Client) -> None:
    html = as_focal_a.get("/").content.decode()

    assert 'href="/ke-hoach/"' in html
    assert "Kế hoạch CCHC" in html


# -- upload ------------------------------------------------------------------------------------


def test_upload_page_offers_only_the_units_in_scope(as_focal_a: Client, units: PlanUnits) -> None:
    response = as_focal_a.get("/ke-hoach/nhap/")

    html = response.content.decode()
    assert response.status_code == 200
    start = html.index('name="unit"')
    select = html[start : html.index("</select>", start)]
    assert re.findall(r'value="([^"]+)"', select) == ["SA", "SA-1"]
    assert 'accept=".txt,.docx,.pdf,.png,.jpg,.jpeg,.tif,.tiff"' in html
    assert 'enctype="multipart/form-data"' in html
    assert "csrfmiddlewaretoken" in html


@pytest.mark.parametrize("role", [Role.VIEWER, Role.LEADER, Role.APPRAISER])
def test_upload_page_is_404_without_the_right_to_import(client: Client, tree: Any, role: str) -> None:
    client.force_login(make_user(role=role, unit=tree.province))

    assert client.get("/ke-hoach/nhap/").status_code == 404
    assert _upload(client, unit="P").status_code == 404
    assert PlanImport.objects.count() == 0


def test_upload_is_csrf_protected(tree: Any, units: PlanUnits, focal_a: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(focal_a)

    response = _upload(client)

    assert response.status_code == 403
    assert PlanImport.objects.count() == 0


def test_upload_analyses_and_redirects_to_the_preview(as_focal_a: Client, units: PlanUnits, focal_a: User) -> None:
    response = _upload(as_focal_a)

    plan_import = PlanImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/ke-hoach/nhap/{plan_import.pk}/"
    assert (plan_import.unit.code, plan_import.year, plan_import.created_by) == ("SA", 2023, focal_a)
    assert plan_import.file_name == PLAN_FILE_NAME


def test_htmx_upload_answers_with_a_client_redirect(as_focal_a: Client, units: PlanUnits) -> None:
    response = _upload(as_focal_a, **HX)

    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/ke-hoach/nhap/{PlanImport.objects.get().pk}/"


def test_upload_without_a_year_reads_it_from_the_document(as_focal_a: Client, units: PlanUnits) -> None:
    as_focal_a.post(
        "/ke-hoach/nhap/",
        {"unit": "SA", "year": "", "file": SimpleUploadedFile(PLAN_FILE_NAME, PLAN_BYTES)},
    )

    assert PlanImport.objects.get().year == 2023


def test_upload_of_21_mb_is_refused_before_reading(as_focal_a: Client, units: PlanUnits) -> None:
    response = _upload(as_focal_a, data=b"a" * (21 * 1024 * 1024), name="ke-hoach-lon.txt")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Tệp “ke-hoach-lon.txt” quá lớn; giới hạn 20 MB." in html
    assert PlanImport.objects.count() == 0


def test_htmx_upload_error_comes_back_as_the_form(as_focal_a: Client, units: PlanUnits) -> None:
    response = _upload(as_focal_a, data=b"a" * (21 * 1024 * 1024), name="lon.txt", **HX)

    html = response.content.decode()
    assert html.startswith('<form id="upload-form"')
    assert "quá lớn" in html


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("rong.txt", b"", "Tệp “rong.txt” trống, không có nội dung để đọc."),
        ("anh.bin", bytes(range(256)) * 64, "Tệp “anh.bin” không phải văn bản"),
        ("thu-moi.txt", "Kính mời dự họp.\n".encode(), "trong tệp “thu-moi.txt”"),
    ],
    ids=["empty", "binary", "no-structure"],
)
def test_bad_files_show_the_vietnamese_reason(
    as_focal_a: Client, units: PlanUnits, name: str, data: bytes, message: str
) -> None:
    events = AuditEvent.objects.count()

    response = _upload(as_focal_a, data=data, name=name)

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert 'class="error" role="alert"' in html
    assert PlanImport.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_upload_for_a_unit_outside_the_scope_is_a_form_error(as_focal_a: Client, units: PlanUnits) -> None:
    html = _upload(as_focal_a, unit="SB").content.decode()

    assert "Bạn không thể nhập kế hoạch cho đơn vị này." in html
    assert PlanImport.objects.count() == 0


# -- preview -------------------------------------------------------------------------------------


def test_preview_shows_tree_units_references_and_the_confirm_form(as_focal_a: Client, draft: PlanImport) -> None:
    response = as_focal_a.get(f"/ke-hoach/nhap/{draft.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert re.findall(r'<li class="pnode d\d" id="muc-([^"]+)"', html) == PLAN_PATHS
    assert 'class="pnode d2" id="muc-II.2.đ"' in html
    assert "Đánh giá chất lượng phục vụ theo điểm a khoản 2 mục II." in html
    # Node URLs carry the "đ" percent-encoded.
    assert f'hx-get="/ke-hoach/nhap/{draft.pk}/muc/II.2.%C4%91/?sua=1"' in html
    # One select per name found; the cohort is chosen for "Các sở, ban, ngành".
    assert html.count('data-testid="mention"') == 3
    assert re.search(r'<option value="SBN" selected>Sở, ban, ngành tỉnh</option>', html)
    assert 'href="#muc-II.2.a"' in html
    assert 'value="Kế hoạch cải cách hành chính nhà nước tỉnh Thử Nghiệm năm 2023"' in html
    assert f'action="/ke-hoach/nhap/{draft.pk}/xac-nhan/"' in html
    assert f'action="/ke-hoach/nhap/{draft.pk}/huy/"' in html


def test_preview_highlights_low_confidence_words(as_focal_a: Client, draft: PlanImport) -> None:
    analysis = draft.analysis
    node = next(n for n in analysis["outline"] if n["path"] == "I.1")
    node["flags"] = [{"field": "title", "start": 0, "end": 3, "original": "Muc", "confidence": 0.45}]
    PlanImport.objects.filter(pk=draft.pk).update(analysis=analysis)

    html = as_focal_a.get(f"/ke-hoach/nhap/{draft.pk}/").content.decode()

    assert '<mark class="low" tabindex="0" title="Bản gốc: Muc (độ tin cậy 45%)">Mục</mark> đích' in html
    assert "1 chữ cần kiểm tra" in html


def test_highlight_escapes_text_and_skips_flags_that_do_not_fit() -> None:
    flags = [
        {"field": "body", "start": 0, "end": 4, "original": "<b>", "confidence": 0.3},
        {"field": "body", "start": 2, "end": 6, "original": "x", "confidence": 0.3},  # overlaps the first
        {"field": "body", "start": 40, "end": 44, "original": "y", "confidence": 0.3},  # past the end
        {"field": "title", "start": 5, "end": 9, "original": "z", "confidence": 0.3},  # another field
        {"field": "body", "start": 11, "end": 13, "original": "t", "confidence": 0.3},  # half of "tuần"
    ]

    html = highlight("Lịch <họp> tuần", flags, "body")

    assert html == (
        '<mark class="low" tabindex="0" title="Bản gốc: &lt;b&gt; (độ tin cậy 30%)">Lịch</mark> &lt;họp&gt; tuần'
    )


def test_reflow_joins_wrapped_lines_and_keeps_paragraphs() -> None:
    text = "Tham mưu với\nUBND tỉnh; theo dõi\nviệc thực hiện.\nBáo cáo kết quả:\n- Quý I;\n\nPhụ lục"

    joined = reflow(text)

    assert joined == "Tham mưu với UBND tỉnh; theo dõi việc thực hiện.\nBáo cáo kết quả:\n- Quý I;\n\nPhụ lục"
    assert len(joined) == len(text)


def test_htmx_preview_gets_only_the_tree(as_focal_a: Client, draft: PlanImport) -> None:
    html = as_focal_a.get(f"/ke-hoach/nhap/{draft.pk}/", **HX).content.decode()

    assert html.startswith('<ol class="ptree"')
    assert "<html" not in html


def test_edit_a_node_through_htmx(as_focal_a: Client, draft: PlanImport) -> None:
    url = _node_url(draft, "II.2.đ")
    assert url == f"/ke-hoach/nhap/{draft.pk}/muc/II.2.{quote('đ')}/"

    form = as_focal_a.get(url, {"sua": "1"}, **HX).content.decode()
    assert form.startswith('<li class="pnode d2 editing" id="muc-II.2.đ"')
    assert 'value="Đánh giá chất lượng phục vụ theo điểm a khoản 2 mục II."' in form
    assert f'hx-post="{url}"' in form

    saved = as_focal_a.post(url, {"title": "Đánh giá mức độ hài lòng", "body": "Theo điểm a khoản 2 mục II."}, **HX)

    html = saved.content.decode()
    assert html.startswith('<li class="pnode d2" id="muc-II.2.đ"')
    assert "Đánh giá mức độ hài lòng" in html
    assert "✓ Đã lưu" in html
    draft.refresh_from_db()
    node = next(n for n in draft.analysis["outline"] if n["path"] == "II.2.đ")
    assert (node["title"], node["body"]) == ("Đánh giá mức độ hài lòng", "Theo điểm a khoản 2 mục II.")


def test_edit_with_an_empty_title_returns_the_form_with_the_error(as_focal_a: Client, draft: PlanImport) -> None:
    response = as_focal_a.post(_node_url(draft, "I.1"), {"title": "  ", "body": ""}, **HX)

    html = response.content.decode()
    assert "editing" in html
    assert "Tiêu đề không được để trống." in html
    assert not AuditEvent.objects.filter(action="plan_import.node_corrected").exists()


def test_edit_without_htmx_redirects_to_the_node(as_focal_a: Client, draft: PlanImport) -> None:
    response = as_focal_a.post(_node_url(draft, "II.2.đ"), {"title": "Đánh giá", "body": ""})

    assert response.status_code == 302
    assert response["Location"] == f"/ke-hoach/nhap/{draft.pk}/#muc-II.2.{quote('đ')}"
    assert as_focal_a.get(_node_url(draft, "I.1")).status_code == 302


def test_unknown_node_is_404(as_focal_a: Client, draft: PlanImport) -> None:
    assert as_focal_a.get(_node_url(draft, "IX.9"), **HX).status_code == 404


def test_set_a_unit_through_htmx(as_focal_a: Client, draft: PlanImport) -> None:
    index = _mention_index(draft, "IV.2", "lead")

    response = as_focal_a.post(reverse("plans:plan_import_unit", args=[draft.pk, index]), {"code": "SB"}, **HX)

    html = response.content.decode()
    assert html.startswith(f'<tr id="ten-{index}" class="mention"')
    assert '<option value="SB" selected>Sở B</option>' in html
    assert "✓ Đã lưu" in html
    draft.refresh_from_db()
    assert draft.analysis["units"][index]["code"] == "SB"
    assert draft.analysis["units"][index]["confirmed"] is True


def test_clearing_a_unit_marks_the_row_unknown(as_focal_a: Client, draft: PlanImport) -> None:
    index = _mention_index(draft, "IV.1", "lead")

    as_focal_a.post(reverse("plans:plan_import_unit", args=[draft.pk, index]), {"code": ""}, **HX)
    html = as_focal_a.get(f"/ke-hoach/nhap/{draft.pk}/").content.decode()

    assert f'<tr id="ten-{index}" class="mention unknown"' in html
    assert "Chưa xác định" in html


def test_set_an_unknown_unit_shows_the_error(as_focal_a: Client, draft: PlanImport) -> None:
    html = as_focal_a.post(
        reverse("plans:plan_import_unit", args=[draft.pk, 0]), {"code": "KHONG-CO"}, **HX
    ).content.decode()

    assert "Không có đơn vị hoặc nhóm đơn vị mã “KHONG-CO”." in html
    assert (
        as_focal_a.post(reverse("plans:plan_import_unit", args=[draft.pk, 99]), {"code": ""}, **HX).status_code == 404
    )


# -- confirm, discard --------------------------------------------------------------------------


def test_the_whole_flow_from_upload_to_the_plan_page(as_focal_a: Client, units: PlanUnits) -> None:
    preview_url = _upload(as_focal_a)["Location"]
    plan_import = PlanImport.objects.get()
    assert as_focal_a.get(preview_url).status_code == 200
    as_focal_a.post(_node_url(plan_import, "I.1"), {"title": "Mục đích của kế hoạch", "body": ""}, **HX)
    index = _mention_index(plan_import, "IV.2", "coordinating")
    as_focal_a.post(reverse("plans:plan_import_unit", args=[plan_import.pk, index]), {"code": ""}, **HX)

    response = as_focal_a.post(f"/ke-hoach/nhap/{plan_import.pk}/xac-nhan/", {"title": "Kế hoạch CCHC Sở A 2023"})

    plan = Plan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/ke-hoach/{plan.pk}/"
    page = as_focal_a.get(response["Location"])
    html = page.content.decode()
    assert '<h1 class="plan-title">Kế hoạch CCHC Sở A 2023</h1>' in html
    assert "Đã tạo kế hoạch “Kế hoạch CCHC Sở A 2023” gồm 19 mục." in html
    assert re.findall(r'<li class="pnode d\d" id="muc-([^"]+)"', html) == PLAN_PATHS
    assert "Mục đích của kế hoạch" in html
    tree_html = html[html.index('data-testid="plan-tree"') :]
    assert "Sở Nội vụ" in tree_html
    assert "Các sở, ban, ngành" in tree_html
    assert "3 đơn vị" in tree_html  # the cohort, expanded
    assert "Phối hợp" not in tree_html  # the coordinating name was unlinked
    assert '<a href="#muc-II.2.đ" title="Đánh giá chất lượng phục vụ theo điểm a khoản 2 mục II.">II.2.đ</a>' in html
    assert "Được dẫn chiếu từ:" in html
    plan_import.refresh_from_db()
    assert plan_import.status == PlanImport.Status.CONFIRMED


def test_confirm_without_a_title_shows_the_error(as_focal_a: Client, draft: PlanImport) -> None:
    response = as_focal_a.post(f"/ke-hoach/nhap/{draft.pk}/xac-nhan/", {"title": " "})

    assert response.status_code == 400
    assert "Hãy nhập tên kế hoạch." in response.content.decode()
    assert Plan.objects.count() == 0


def test_confirm_twice_shows_the_import_is_closed(as_focal_a: Client, draft: PlanImport) -> None:
    as_focal_a.post(f"/ke-hoach/nhap/{draft.pk}/xac-nhan/", {"title": "Kế hoạch"})

    response = as_focal_a.post(f"/ke-hoach/nhap/{draft.pk}/xac-nhan/", {"title": "Kế hoạch"})

    assert response.status_code == 302
    assert response["Location"] == f"/ke-hoach/nhap/{draft.pk}/"
    assert Plan.objects.count() == 1
    # The closed preview says why, links to the plan and offers no more edits.
    preview = as_focal_a.get(f"/ke-hoach/nhap/{draft.pk}/").content.decode()
    assert "không sửa được nữa" in preview
    assert f'href="/ke-hoach/{Plan.objects.get().pk}/"' in preview
    assert "hx-post" not in preview


def test_discard(as_focal_a: Client, draft: PlanImport) -> None:
    response = as_focal_a.post(f"/ke-hoach/nhap/{draft.pk}/huy/")

    assert response.status_code == 302
    assert response["Location"] == "/ke-hoach/"
    draft.refresh_from_db()
    assert draft.status == PlanImport.Status.DISCARDED
    assert "Đã hủy bản nhập" in as_focal_a.get("/ke-hoach/").content.decode()


# -- scope ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.FOCAL_POINT, Role.VIEWER])
def test_another_units_user_gets_404_everywhere(
    client: Client, tree: Any, draft: PlanImport, plan: Plan, role: str
) -> None:
    """A focal point of Sở B can neither see nor change Sở A's import or plan."""
    client.force_login(make_user(role=role, unit=tree.dept_b))
    another = plan_import_create(actor=None, unit=tree.dept_a, year=2024, file_name="b.txt", data=PLAN_BYTES)
    before = AuditEvent.objects.count()

    responses = [
        client.get(f"/ke-hoach/nhap/{draft.pk}/"),
        client.get(f"/ke-hoach/{plan.pk}/"),
        client.get(_node_url(another, "I.1"), {"sua": "1"}, **HX),
        client.post(_node_url(another, "I.1"), {"title": "Sửa trộm"}, **HX),
        client.post(reverse("plans:plan_import_unit", args=[another.pk, 0]), {"code": ""}, **HX),
        client.post(f"/ke-hoach/nhap/{another.pk}/xac-nhan/", {"title": "Kế hoạch"}),
        client.post(f"/ke-hoach/nhap/{another.pk}/huy/"),
    ]

    assert [r.status_code for r in responses] == [404] * len(responses)
    assert AuditEvent.objects.count() == before
    assert Plan.objects.count() == 1
    assert f"/ke-hoach/{plan.pk}/" not in client.get("/ke-hoach/").content.decode()


def test_a_viewer_of_the_unit_sees_the_plan_but_not_the_import(client: Client, tree: Any, plan: Plan) -> None:
    client.force_login(make_user(role=Role.VIEWER, unit=tree.dept_a))

    assert client.get(f"/ke-hoach/{plan.pk}/").status_code == 200
    assert client.get(f"/ke-hoach/nhap/{plan.import_record.pk}/").status_code == 404


def test_reform_office_above_may_review_the_units_import(client: Client, tree: Any, draft: PlanImport) -> None:
    client.force_login(make_user(role=Role.REFORM_OFFICE, unit=tree.province))

    assert client.get(f"/ke-hoach/nhap/{draft.pk}/").status_code == 200


# -- the plan page ---------------------------------------------------------------------------------


def test_plan_page_filters_by_unit(as_focal_a: Client, plan: Plan) -> None:
    response = as_focal_a.get(f"/ke-hoach/{plan.pk}/", {"don_vi": "SB"}, **HX)

    html = response.content.decode()
    assert re.findall(r'<li class="pnode (d\d)( context)?" id="muc-([^"]+)"', html) == [
        ("d0", " context", "IV"),
        ("d1", "", "IV.2"),
    ]
    assert "1 mục giao cho đơn vị đã chọn" in html


def test_plan_page_queries_do_not_grow_with_the_tree(
    as_focal_a: Client, plan: Plan, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(12):
        response = as_focal_a.get(f"/ke-hoach/{plan.pk}/")

    assert response.status_code == 200

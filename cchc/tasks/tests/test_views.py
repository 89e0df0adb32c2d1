"""The plan page: progress, tree, task rows, filters (HTMX), actions, files, inline editing.

Every object goes through the user's scope: what the user may not see is a 404, what
the user sees but may not do is a 403. The plan page answers its filters with the
task list only (HTMX), and its query count does not grow with the number of tasks.
The task page, the dashboard and the public pages are in ``test_views_progress``.
"""

import datetime as dt
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cchc.audit.models import AuditEvent
from cchc.plans.choices import PlanStatus
from cchc.plans.models import Plan
from cchc.plans.services import plan_import_confirm, plan_import_create
from cchc.plans.tests.factories import PLAN_BYTES, PLAN_FILE_NAME, make_plan_units
from cchc.tasks.calculations import ROLLUP_RULE
from cchc.tasks.choices import Area, TaskStatus
from cchc.tasks.models import Task
from cchc.tasks.spreadsheets import plan_export_xlsx
from cchc.tasks.tests.conftest import FUTURE, PAST, Users, World, as_user
from cchc.tasks.tests.factories import make_node, make_plan, make_task

HX = {"HTTP_HX_REQUEST": "true"}
HX_LIST = {**HX, "HTTP_HX_TARGET": "task-list"}
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _plan_url(world: World) -> str:
    return f"/ke-hoach/{world.plan.pk}/"


def _row_codes(html: str) -> list[str]:
    return re.findall(r'<tr id="task-([^"]+)" class="task-row', html)


# -- the plan page ------------------------------------------------------------------------------


def test_plan_page_shows_progress_tree_and_task_rows(client: Client, world: World, users: Users) -> None:
    html = as_user(client, users.reform).get(_plan_url(world)).content.decode()

    assert _row_codes(html) == ["II.1.a", "II.1.b", "II.2.a", "IV.1"]
    overdue_row = html[html.index('id="task-II.1.a"') :].split("</tr>")[0]
    assert "Quá hạn" in overdue_row
    assert "badge task-overdue" in overdue_row
    assert "ĐV SA" in overdue_row
    assert "Quý I/2023" in overdue_row
    assert "31/03/2023" in overdue_row
    done_row = html[html.index('id="task-II.2.a"') :].split("</tr>")[0]
    assert "Hoàn thành đúng hạn" in done_row
    # Weighted: (40 + 0 + 100 + 0) / 4 = 35 %; the rule sits next to every rolled-up number.
    assert 'data-testid="plan-progress"' in html
    assert "35,0&nbsp;%" in html
    assert html.count(f'title="{ROLLUP_RULE}"') >= 1 + 3 + 3  # overall, 3 areas, tree nodes
    tree_html = html[html.index('data-testid="task-tree"') :]
    assert "Cải cách thể chế" in tree_html
    assert "20,0&nbsp;%" in tree_html  # II.1: (40 + 0) / 2
    assert 'data-testid="task-filters"' in html


def test_plan_page_for_an_editor_offers_issue_edit_exports_and_import(
    client: Client, world: World, users: Users
) -> None:
    html = as_user(client, users.reform).get(_plan_url(world)).content.decode()

    assert "Ban hành kế hoạch" in html
    assert f'action="/ke-hoach/{world.plan.pk}/ban-hanh/"' in html
    assert "Tải XLSX" in html
    assert "Tải DOCX" in html
    assert "Nhập từ XLSX" in html
    assert f'hx-get="/ke-hoach/nhiem-vu/{world.overdue.pk}/sua/"' in html
    assert f'href="/ke-hoach/{world.plan.pk}/tong-quan/"' in html


def test_plan_page_for_a_viewer_has_no_editing(client: Client, world: World, users: Users) -> None:
    html = as_user(client, users.viewer).get(_plan_url(world)).content.decode()

    assert _row_codes(html) == ["II.1.a", "II.1.b", "II.2.a", "IV.1"]
    assert "/sua/" not in html
    assert "Ban hành kế hoạch" not in html
    assert "Nhập từ XLSX" not in html
    assert "Tải XLSX" in html


def test_a_lead_unit_sees_the_province_plan_through_its_tasks_only(client: Client, world: World, users: Users) -> None:
    """Sở A's focal point may not view the province's plan, but its tasks in it."""
    html = as_user(client, users.focal_a).get(_plan_url(world)).content.decode()

    assert _row_codes(html) == ["II.1.a", "II.1.b"]
    assert "/sua/" not in html
    assert "Tải XLSX" not in html
    assert client.get(f"/ke-hoach/{world.plan.pk}/tong-quan/").status_code == 404
    assert client.get(f"/ke-hoach/{world.plan.pk}/tai-xlsx/").status_code == 404
    assert client.get(f"/ke-hoach/{world.plan.pk}/tai-docx/").status_code == 404


def test_plan_pages_out_of_scope_are_404(client: Client, world: World, users: Users) -> None:
    as_user(client, users.outsider)
    plan_id = world.plan.pk
    urls = [
        f"/ke-hoach/{plan_id}/",
        f"/ke-hoach/{plan_id}/tong-quan/",
        f"/ke-hoach/{plan_id}/tai-xlsx/",
        f"/ke-hoach/{plan_id}/tai-docx/",
        f"/ke-hoach/nhiem-vu/{world.overdue.pk}/",
        f"/ke-hoach/nhiem-vu/{world.overdue.pk}/sua/",
    ]
    posts = [
        f"/ke-hoach/{plan_id}/ban-hanh/",
        f"/ke-hoach/{plan_id}/ket-thuc/",
        f"/ke-hoach/{plan_id}/tao-nhiem-vu/",
        f"/ke-hoach/{plan_id}/nhap-xlsx/",
        f"/ke-hoach/{plan_id}/ke-hoach-don-vi/",
        f"/ke-hoach/nhiem-vu/{world.overdue.pk}/sua/",
        f"/ke-hoach/nhiem-vu/{world.overdue.pk}/bao-cao/",
    ]
    before = AuditEvent.objects.count()

    assert [client.get(url).status_code for url in urls] == [404] * len(urls)
    assert [client.post(url, {"number": "1/KH", "issued_on": "2023-01-05"}).status_code for url in posts] == [
        404
    ] * len(posts)
    assert AuditEvent.objects.count() == before


def test_plan_pages_need_a_login(client: Client, world: World) -> None:
    for url in (_plan_url(world), f"/ke-hoach/nhiem-vu/{world.overdue.pk}/", f"/ke-hoach/{world.plan.pk}/tong-quan/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/login/?next="), url


# -- filters (HTMX) -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ({"linh_vuc": Area.INSTITUTIONS}, ["II.1.a", "II.1.b"]),
        ({"linh_vuc": "khac"}, ["IV.1"]),
        ({"don_vi": "SA"}, ["II.1.a", "II.1.b"]),
        ({"don_vi": "SB"}, ["II.1.b", "II.2.a"]),
        ({"trang_thai": "overdue"}, ["II.1.a", "IV.1"]),
        ({"trang_thai": TaskStatus.DONE_ON_TIME}, ["II.2.a"]),
        ({"trang_thai": "overdue", "don_vi": "SA"}, ["II.1.a"]),
        ({"muc": "II.1"}, ["II.1.a", "II.1.b"]),
        ({"trang_thai": "khong-co", "muc": "IX"}, ["II.1.a", "II.1.b", "II.2.a", "IV.1"]),  # unknown: ignored
    ],
)
def test_filters_answer_htmx_with_the_task_list(
    client: Client, world: World, users: Users, query: dict[str, str], codes: list[str]
) -> None:
    response = as_user(client, users.reform).get(_plan_url(world), query, **HX_LIST)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'data-testid="task-plan-progress"' not in html
    assert _row_codes(html) == codes
    assert "HX-Request" in response["Vary"]


def test_filters_without_htmx_render_the_whole_page_filtered(client: Client, world: World, users: Users) -> None:
    html = as_user(client, users.reform).get(_plan_url(world), {"trang_thai": "overdue"}).content.decode()

    assert "<html" in html
    assert _row_codes(html) == ["II.1.a", "IV.1"]
    assert '<option value="overdue" selected>' in html


def test_document_view_and_its_unit_filter(client: Client, world: World, users: Users) -> None:
    as_user(client, users.reform)

    page = client.get(_plan_url(world), {"xem": "van-ban"}).content.decode()
    tree = client.get(_plan_url(world), {"xem": "van-ban"}, HTTP_HX_TARGET="plan-tree", **HX).content.decode()

    assert 'data-testid="plan-tree"' in page
    assert 'id="muc-II.1.a"' in page
    assert _row_codes(page) == []
    assert tree.startswith("<ol") or 'data-testid="plan-tree"' in tree
    assert "<html" not in tree


# -- plan actions -----------------------------------------------------------------------------


def test_issue_then_close_the_plan(client: Client, world: World, users: Users) -> None:
    as_user(client, users.reform)

    issued = client.post(f"/ke-hoach/{world.plan.pk}/ban-hanh/", {"number": "25/KH-UBND", "issued_on": "2023-01-10"})
    world.plan.refresh_from_db()
    page = client.get(_plan_url(world)).content.decode()
    closed = client.post(f"/ke-hoach/{world.plan.pk}/ket-thuc/")

    assert issued.status_code == 302
    assert (world.plan.number, world.plan.issued_on) == ("25/KH-UBND", dt.date(2023, 1, 10))
    assert "Đã ban hành kế hoạch (số 25/KH-UBND, ngày 10/01/2023)." in page
    assert "Kết thúc kế hoạch" in page
    assert closed.status_code == 302
    world.plan.refresh_from_db()
    assert world.plan.status == PlanStatus.CLOSED


def test_issue_without_a_number_says_so_and_changes_nothing(client: Client, world: World, users: Users) -> None:
    as_user(client, users.reform)

    client.post(f"/ke-hoach/{world.plan.pk}/ban-hanh/", {"number": "", "issued_on": "2023-01-10"})
    page = client.get(_plan_url(world)).content.decode()

    world.plan.refresh_from_db()
    assert world.plan.status == PlanStatus.DRAFT
    assert "Số, ký hiệu: " in page


def test_a_viewer_may_not_issue_403(client: Client, world: World, users: Users) -> None:
    response = as_user(client, users.viewer).post(
        f"/ke-hoach/{world.plan.pk}/ban-hanh/", {"number": "1/KH", "issued_on": "2023-01-10"}
    )

    assert response.status_code == 403
    world.plan.refresh_from_db()
    assert world.plan.status == PlanStatus.DRAFT


@pytest.fixture
def imported_plan(tree: Any, users: Users) -> Plan:
    make_plan_units(tree)
    plan_import = plan_import_create(
        actor=None, unit=tree.province, year=2023, file_name=PLAN_FILE_NAME, data=PLAN_BYTES
    )
    return plan_import_confirm(actor=None, plan_import=plan_import, title="Kế hoạch nhập từ văn bản")


def test_an_imported_plan_offers_to_generate_its_tasks(client: Client, imported_plan: Plan, users: Users) -> None:
    as_user(client, users.reform)
    url = f"/ke-hoach/{imported_plan.pk}/"

    before = client.get(url).content.decode()
    response = client.post(f"/ke-hoach/{imported_plan.pk}/tao-nhiem-vu/")
    after = client.get(url).content.decode()

    assert "Tạo nhiệm vụ từ văn bản" in before
    assert 'data-testid="plan-tree"' in before
    assert response.status_code == 302
    count = Task.objects.filter(plan=imported_plan).count()
    assert count > 0
    assert f"Đã tạo {count} nhiệm vụ từ văn bản kế hoạch." in after
    assert "Tạo nhiệm vụ từ văn bản" not in after
    assert len(_row_codes(after)) == count


def test_a_viewer_is_not_offered_task_generation(client: Client, imported_plan: Plan, users: Users) -> None:
    as_user(client, users.viewer)

    assert "Tạo nhiệm vụ từ văn bản" not in client.get(f"/ke-hoach/{imported_plan.pk}/").content.decode()
    assert client.post(f"/ke-hoach/{imported_plan.pk}/tao-nhiem-vu/").status_code == 403
    assert not Task.objects.filter(plan=imported_plan).exists()


def test_a_focal_point_builds_the_units_plan_from_the_province_plan(
    client: Client, world: World, users: Users, tree: Any
) -> None:
    as_user(client, users.focal_a)

    page = client.get(_plan_url(world)).content.decode()
    response = client.post(f"/ke-hoach/{world.plan.pk}/ke-hoach-don-vi/", {"unit": "SA"})

    assert "Lập kế hoạch của đơn vị" in page
    unit_plan = Plan.objects.get(parent=world.plan, unit=tree.dept_a)
    assert response["Location"] == f"/ke-hoach/{unit_plan.pk}/"
    assert sorted(unit_plan.tasks.values_list("code", flat=True)) == ["II.1.a", "II.1.b"]
    # Now the button links to that plan instead.
    again = client.get(_plan_url(world)).content.decode()
    assert f'href="/ke-hoach/{unit_plan.pk}/"' in again
    assert "Lập kế hoạch của đơn vị" not in again


def test_a_unit_plan_for_another_unit_is_refused(client: Client, world: World, users: Users) -> None:
    response = as_user(client, users.focal_a).post(f"/ke-hoach/{world.plan.pk}/ke-hoach-don-vi/", {"unit": "SB"})

    assert response.status_code == 403
    assert not Plan.objects.filter(parent=world.plan).exists()


# -- exports and the spreadsheet import ------------------------------------------------------------


def test_exports_download_xlsx_and_docx(client: Client, world: World, users: Users) -> None:
    as_user(client, users.viewer)

    xlsx = client.get(f"/ke-hoach/{world.plan.pk}/tai-xlsx/")
    docx = client.get(f"/ke-hoach/{world.plan.pk}/tai-docx/")

    assert xlsx.status_code == 200
    assert xlsx["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert xlsx["Content-Disposition"] == f'attachment; filename="ke-hoach-P-2023-{world.plan.pk}.xlsx"'
    assert xlsx.content.startswith(b"PK")
    assert docx.status_code == 200
    assert docx["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert docx.content.startswith(b"PK")


def _xlsx_upload(data: bytes, name: str = "ke-hoach.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_importing_the_exported_sheet_changes_nothing(client: Client, world: World, users: Users) -> None:
    as_user(client, users.reform)
    data = plan_export_xlsx(plan=world.plan)
    before = AuditEvent.objects.count()

    response = client.post(f"/ke-hoach/{world.plan.pk}/nhap-xlsx/", {"file": _xlsx_upload(data)}, **HX)

    assert response.status_code == 200
    assert response["HX-Redirect"] == _plan_url(world)
    assert AuditEvent.objects.count() == before
    page = client.get(_plan_url(world)).content.decode()
    assert "Đã tạo 0, cập nhật 0, giữ nguyên 4 nhiệm vụ." in page


def test_a_malformed_sheet_shows_the_errors_and_writes_nothing(client: Client, world: World, users: Users) -> None:
    as_user(client, users.reform)
    before = AuditEvent.objects.count()

    response = client.post(f"/ke-hoach/{world.plan.pk}/nhap-xlsx/", {"file": _xlsx_upload(b"khong phai xlsx")}, **HX)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="xlsx-errors"' in html
    assert "Không có thay đổi nào được ghi." in html
    assert "ke-hoach.xlsx" in html
    assert AuditEvent.objects.count() == before


def test_the_import_refuses_a_file_that_is_not_xlsx(client: Client, world: World, users: Users) -> None:
    response = as_user(client, users.reform).post(
        f"/ke-hoach/{world.plan.pk}/nhap-xlsx/", {"file": _xlsx_upload(b"a;b", name="ke-hoach.csv")}, **HX
    )

    assert "không phải tệp Excel .xlsx" in response.content.decode()


def test_a_viewer_may_not_import_403(client: Client, world: World, users: Users) -> None:
    data = plan_export_xlsx(plan=world.plan)

    response = as_user(client, users.viewer).post(f"/ke-hoach/{world.plan.pk}/nhap-xlsx/", {"file": _xlsx_upload(data)})

    assert response.status_code == 403


# -- inline editing of a task -------------------------------------------------------------------


def _edit_data(task: Task, **changes: Any) -> dict[str, Any]:
    data = {
        "title": task.title,
        "lead_unit": task.lead_unit.code,
        "coordinating_units": [unit.code for unit in task.coordinating_units.all()],
        "product_kind": task.product_kind,
        "product": task.product,
        "deadline_kind": task.deadline_kind,
        "due_date": task.due_date.isoformat() if task.due_date else "",
        "deadline_label": task.deadline_label,
        "weight": str(task.weight),
    }
    if task.is_public:
        data["is_public"] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_inline_edit_shows_the_form_and_saves_the_row(client: Client, world: World, users: Users) -> None:
    as_user(client, users.reform)
    url = f"/ke-hoach/nhiem-vu/{world.overdue.pk}/sua/"

    form = client.get(url, **HX).content.decode()
    saved = client.post(
        url,
        _edit_data(
            world.overdue,
            title="Rà soát, hệ thống hóa văn bản",
            coordinating_units=["SB", "H1"],
            product="Báo cáo kết quả rà soát",
            weight="2",
            is_public="on",
        ),
        **HX,
    ).content.decode()

    assert form.startswith('<tr id="task-II.1.a" class="task-row editing">')
    assert 'name="title"' in form
    assert saved.startswith('<tr id="task-II.1.a" class="task-row')
    assert "✓ Đã lưu" in saved
    assert "Rà soát, hệ thống hóa văn bản" in saved
    world.overdue.refresh_from_db()
    assert world.overdue.weight == 2
    assert world.overdue.is_public
    assert sorted(u.code for u in world.overdue.coordinating_units.all()) == ["H1", "SB"]
    assert AuditEvent.objects.filter(action="task.updated", object_id=str(world.overdue.pk)).exists()


def test_inline_edit_cancel_gives_the_row_back(client: Client, world: World, users: Users) -> None:
    html = as_user(client, users.reform).get(f"/ke-hoach/nhiem-vu/{world.overdue.pk}/sua/", {"huy": "1"}, **HX)

    assert html.content.decode().startswith('<tr id="task-II.1.a" class="task-row is-overdue">')


def test_inline_edit_errors_stay_in_the_row(client: Client, world: World, users: Users) -> None:
    response = as_user(client, users.reform).post(
        f"/ke-hoach/nhiem-vu/{world.overdue.pk}/sua/", _edit_data(world.overdue, title="", weight="-1"), **HX
    )

    html = response.content.decode()
    assert html.startswith('<tr id="task-II.1.a" class="task-row editing">')
    assert html.count('class="error"') == 2
    world.overdue.refresh_from_db()
    assert world.overdue.title == "Rà soát văn bản quy phạm pháp luật"


def test_edit_without_htmx_is_a_page_that_returns_to_the_row(client: Client, world: World, users: Users) -> None:
    as_user(client, users.reform)
    url = f"/ke-hoach/nhiem-vu/{world.overdue.pk}/sua/"

    page = client.get(url).content.decode()
    response = client.post(url, _edit_data(world.overdue, title="Tiêu đề mới"))

    assert "<html" in page
    assert "Sửa nhiệm vụ II.1.a" in page
    assert response["Location"] == f"{_plan_url(world)}#task-II.1.a"


@pytest.mark.parametrize("who", ["viewer", "focal_a", "leader_a"])
def test_users_who_see_but_may_not_change_a_task_get_403(client: Client, world: World, users: Users, who: str) -> None:
    as_user(client, getattr(users, who))
    url = f"/ke-hoach/nhiem-vu/{world.overdue.pk}/sua/"

    assert client.get(url, **HX).status_code == 403
    assert client.post(url, _edit_data(world.overdue, title="Sửa trộm"), **HX).status_code == 403
    world.overdue.refresh_from_db()
    assert world.overdue.title == "Rà soát văn bản quy phạm pháp luật"


# -- query count --------------------------------------------------------------------------------


def _count_queries(client: Client, url: str, django_assert_max_num_queries: Any) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("who", ["reform", "focal_a"])
def test_plan_page_queries_do_not_grow_with_the_tasks(
    client: Client, world: World, users: Users, tree: Any, django_assert_max_num_queries: Any, who: str
) -> None:
    """More tasks, more nodes, more coordinating units: the same number of queries."""
    as_user(client, getattr(users, who))
    url = _plan_url(world)
    client.get(url)  # the calendar is built once per process
    few = _count_queries(client, url)
    for item in range(3, 13):
        make_node(plan=world.plan, path=f"II.{item}", title=f"Mục {item}")
        node = make_node(plan=world.plan, path=f"II.{item}.a", title=f"Điểm a mục {item}")
        for number in range(6):
            make_task(
                plan=world.plan,
                lead_unit=(tree.dept_a, tree.dept_b, tree.district)[number % 3],
                coordinating_units=[tree.dept_a, tree.dept_a_child, tree.commune][: number % 3 + 1],
                node=node,
                area=Area.PROCEDURES,
                due_date=PAST if number % 2 else FUTURE,
                position=10 * item + number,
            )

    many = _count_queries(client, url)

    assert many == few
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200


def _count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_plan_list_offers_the_plans_that_assign_the_unit_tasks(client: Client, world: World, users: Users) -> None:
    html = as_user(client, users.focal_a).get("/ke-hoach/").content.decode()

    assigned = html[html.index('data-testid="assigned-plans"') :].split("</section>")[0]
    assert f'href="/ke-hoach/{world.plan.pk}/"' in assigned
    assert as_user(client, users.reform).get("/ke-hoach/").content.decode().count('data-testid="assigned-plans"') == 0


def test_a_units_own_plan_offers_no_unit_plan(client: Client, world: World, users: Users, tree: Any) -> None:
    own = make_plan(unit=tree.dept_a, parent=world.plan)
    make_task(plan=own, lead_unit=tree.dept_a, code="II.1.a", source_task=world.overdue)

    html = as_user(client, users.focal_a).get(f"/ke-hoach/{own.pk}/").content.decode()

    assert "Lập kế hoạch của đơn vị" not in html
    assert f'href="/ke-hoach/{world.plan.pk}/"' in html  # the plan it implements

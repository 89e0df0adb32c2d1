"""The task page (reporting with evidence, review), the dashboard, and the public pages.

A reporter sends updates for the units it reports for; a reviewer returns them with a
reason or accepts them, never their own; each form answers HTMX with the page's
working part. What the user may not see is a 404, what it may not do a 403.
"""

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cchc.plans.choices import PlanStatus
from cchc.plans.models import Plan
from cchc.tasks.choices import TaskStatus, UpdateState
from cchc.tasks.models import Evidence, Task, TaskUpdate
from cchc.tasks.tests.conftest import Users, World, as_user
from cchc.tasks.tests.factories import make_plan, make_task, make_update
from cchc.tasks.updates import task_update_create, task_update_submit

HX = {"HTTP_HX_REQUEST": "true"}
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


# -- the task page: reporting and review ---------------------------------------------------------


def test_task_page_shows_details_occurrences_and_the_report_form(
    client: Client, world: World, users: Users, tree: Any
) -> None:
    quarterly = make_task(plan=world.plan, lead_unit=tree.dept_a, code="IV.9", deadline_kind="quarterly")

    html = as_user(client, users.focal_a).get(f"/ke-hoach/nhiem-vu/{quarterly.pk}/").content.decode()

    assert 'data-testid="occurrences"' in html
    assert "Quý I/2023" in html
    assert "Báo cáo tiến độ mới" in html
    assert 'name="evidence_files"' in html


def test_task_page_for_a_viewer_has_no_forms(client: Client, world: World, users: Users) -> None:
    html = as_user(client, users.viewer).get(f"/ke-hoach/nhiem-vu/{world.overdue.pk}/").content.decode()

    assert "Báo cáo tiến độ mới" not in html
    assert "Quá hạn" in html
    assert "<form" not in html.split('id="task-work"')[1].split("</footer>")[0].replace('action="/logout/"', "")


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _report(client: Client, task: Task, *, send: bool = True, **data: Any) -> Any:
    payload = {
        "unit": task.lead_unit.code,
        "reported_status": TaskStatus.IN_PROGRESS,
        "progress": "70",
        "narrative": "Đã rà soát 120/150 văn bản.",
        **data,
    }
    if send:
        payload["gui"] = "1"
    return client.post(f"/ke-hoach/nhiem-vu/{task.pk}/bao-cao/", payload, **HX)


def test_a_reporter_sends_an_update_with_evidence(client: Client, world: World, users: Users, media: Path) -> None:
    as_user(client, users.focal_a)

    response = _report(
        client, world.overdue, evidence_files=[SimpleUploadedFile("bien-ban.pdf", PDF, "application/pdf")]
    )

    html = response.content.decode()
    assert html.startswith('<div id="task-work"')
    assert "Đã gửi báo cáo tiến độ để xét duyệt." in html
    update = TaskUpdate.objects.get(task=world.overdue)
    assert (update.state, update.progress, update.unit) == (UpdateState.SUBMITTED, 70, world.overdue.lead_unit)
    evidence = Evidence.objects.get(update=update)
    assert f'href="/ke-hoach/minh-chung/{evidence.pk}/"' in html
    assert "bien-ban.pdf" in html
    download = client.get(f"/ke-hoach/minh-chung/{evidence.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def test_a_refused_evidence_file_leaves_no_draft(client: Client, world: World, users: Users, media: Path) -> None:
    as_user(client, users.focal_a)

    response = _report(
        client, world.overdue, evidence_files=[SimpleUploadedFile("virus.exe", b"MZ\x90", "application/pdf")]
    )

    html = response.content.decode()
    assert "virus.exe" in html
    assert "chỉ nhận tệp" in html
    assert not TaskUpdate.objects.filter(task=world.overdue).exists()


def test_a_draft_is_saved_and_sent_later(client: Client, world: World, users: Users) -> None:
    as_user(client, users.focal_a)

    saved = _report(client, world.overdue, send=False).content.decode()
    update = TaskUpdate.objects.get(task=world.overdue)
    sent = client.post(f"/ke-hoach/bao-cao/{update.pk}/gui/", **HX).content.decode()

    assert "Đã lưu nháp báo cáo tiến độ." in saved
    assert "Nháp" in saved
    assert "Đã gửi báo cáo tiến độ để xét duyệt." in sent
    update.refresh_from_db()
    assert update.state == UpdateState.SUBMITTED


def test_a_report_the_service_refuses_shows_the_field_error(client: Client, world: World, users: Users) -> None:
    response = as_user(client, users.focal_a).post(
        f"/ke-hoach/nhiem-vu/{world.overdue.pk}/bao-cao/",
        {"unit": "SA", "reported_status": TaskStatus.DONE_ON_TIME, "progress": "100", "gui": "1"},
        **HX,
    )

    html = response.content.decode()
    field_html = html[html.index("f-completed_on") :].split("</div>")[0]
    assert "Ngày hoàn thành: cần ghi ngày hoàn thành" in field_html
    assert not TaskUpdate.objects.exists()


def test_a_coordinating_unit_reports_for_itself(client: Client, world: World, users: Users) -> None:
    as_user(client, users.focal_a)

    html = client.get(f"/ke-hoach/nhiem-vu/{world.open.pk}/").content.decode()
    response = _report(client, world.open, unit="SA")

    assert '<option value="SA"' in html
    assert '<option value="SB"' not in html
    assert response.status_code == 200
    assert TaskUpdate.objects.get(task=world.open).unit.code == "SA"


@pytest.fixture
def submitted(world: World, users: Users) -> TaskUpdate:
    update = task_update_create(
        actor=users.focal_a,
        task=world.overdue,
        unit=world.overdue.lead_unit,
        progress=80,
        reported_status=TaskStatus.IN_PROGRESS,
        narrative="Đã rà soát xong 80 %.",
    )
    return task_update_submit(actor=users.focal_a, update=update)


def test_a_reviewer_accepts_and_the_task_moves(
    client: Client, world: World, users: Users, submitted: TaskUpdate
) -> None:
    as_user(client, users.leader_a)

    page = client.get(f"/ke-hoach/nhiem-vu/{world.overdue.pk}/").content.decode()
    html = client.post(f"/ke-hoach/bao-cao/{submitted.pk}/chap-nhan/", **HX).content.decode()

    assert "Chấp nhận" in page
    assert "Lý do trả lại" in page
    assert "Đã chấp nhận báo cáo tiến độ" in html
    submitted.refresh_from_db()
    assert submitted.state == UpdateState.ACCEPTED
    world.overdue.refresh_from_db()
    assert world.overdue.progress == 80


def test_a_reviewer_returns_with_a_reason_and_the_unit_resends(
    client: Client, world: World, users: Users, submitted: TaskUpdate
) -> None:
    as_user(client, users.leader_a)
    empty = client.post(f"/ke-hoach/bao-cao/{submitted.pk}/tra-lai/", {"reason": "  "}, **HX).content.decode()
    returned = client.post(
        f"/ke-hoach/bao-cao/{submitted.pk}/tra-lai/", {"reason": "Thiếu danh mục văn bản."}, **HX
    ).content.decode()

    assert "Cần ghi lý do trả lại" in empty
    assert "Đã trả lại báo cáo tiến độ cho đơn vị." in returned
    submitted.refresh_from_db()
    assert (submitted.state, submitted.return_reason) == (UpdateState.RETURNED, "Thiếu danh mục văn bản.")

    as_user(client, users.focal_a)
    page = client.get(f"/ke-hoach/nhiem-vu/{world.overdue.pk}/").content.decode()
    form = client.get(f"/ke-hoach/bao-cao/{submitted.pk}/sua/", **HX).content.decode()
    resent = client.post(
        f"/ke-hoach/bao-cao/{submitted.pk}/sua/",
        {"reported_status": TaskStatus.IN_PROGRESS, "progress": "85", "narrative": "Bổ sung danh mục.", "gui": "1"},
        **HX,
    ).content.decode()

    assert "Lý do trả lại:" in page
    assert "Thiếu danh mục văn bản." in page
    assert 'name="progress"' in form
    assert "Đã gửi báo cáo tiến độ để xét duyệt." in resent
    submitted.refresh_from_db()
    assert (submitted.state, submitted.progress) == (UpdateState.SUBMITTED, 85)


def test_nobody_accepts_their_own_update(client: Client, world: World, users: Users) -> None:
    update = task_update_create(
        actor=users.reform,
        task=world.overdue,
        unit=world.overdue.lead_unit,
        progress=50,
        reported_status=TaskStatus.IN_PROGRESS,
    )
    task_update_submit(actor=users.reform, update=update)
    as_user(client, users.reform)

    page = client.get(f"/ke-hoach/nhiem-vu/{world.overdue.pk}/").content.decode()
    response = client.post(f"/ke-hoach/bao-cao/{update.pk}/chap-nhan/", **HX)

    assert "không tự chấp nhận được" in page
    assert response.status_code == 403
    update.refresh_from_db()
    assert update.state == UpdateState.SUBMITTED


@pytest.mark.parametrize("action", ["chap-nhan", "tra-lai"])
def test_a_reporter_who_sees_the_update_may_not_review_it_403(
    client: Client, world: World, users: Users, submitted: TaskUpdate, action: str
) -> None:
    response = as_user(client, users.focal_a).post(f"/ke-hoach/bao-cao/{submitted.pk}/{action}/", {"reason": ""}, **HX)

    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.state == UpdateState.SUBMITTED


@pytest.mark.parametrize("action", ["gui", "chap-nhan", "tra-lai", "sua"])
def test_updates_out_of_scope_are_404(
    client: Client, world: World, users: Users, submitted: TaskUpdate, action: str
) -> None:
    response = as_user(client, users.outsider).post(f"/ke-hoach/bao-cao/{submitted.pk}/{action}/", {"reason": "x"})

    assert response.status_code == 404


def test_drafts_are_listed_only_to_those_who_may_edit_them(client: Client, world: World, users: Users) -> None:
    make_update(task=world.overdue, author=users.focal_a, narrative="Bản nháp nội bộ.")

    mine = as_user(client, users.focal_a).get(f"/ke-hoach/nhiem-vu/{world.overdue.pk}/").content.decode()
    theirs = as_user(client, users.viewer).get(f"/ke-hoach/nhiem-vu/{world.overdue.pk}/").content.decode()

    assert "Bản nháp nội bộ." in mine
    assert "Bản nháp nội bộ." not in theirs


def test_a_viewer_may_not_report_403(client: Client, world: World, users: Users) -> None:
    response = _report(as_user(client, users.viewer), world.overdue)

    assert response.status_code == 403
    assert not TaskUpdate.objects.exists()


# -- dashboard ---------------------------------------------------------------------------------


def test_dashboard_draws_charts_overdue_by_unit_and_coverage(
    client: Client, world: World, users: Users, tree: Any
) -> None:
    unit_plan = make_plan(unit=tree.dept_b, parent=world.plan, status=PlanStatus.ISSUED)
    make_task(plan=unit_plan, lead_unit=tree.dept_b, code="II.1.b", source_task=world.open)

    html = as_user(client, users.reform).get(f"/ke-hoach/{world.plan.pk}/tong-quan/").content.decode()

    assert html.count('<svg class="chart"') == 2
    assert "<script" not in html.split("<main")[1]
    assert 'data-testid="chart-area"' in html
    area_chart = html[html.index('data-testid="chart-area"') :].split("</svg>")[0]
    assert "Cải cách thể chế" in area_chart
    assert "20,0 %" in area_chart
    overdue = html[html.index('data-testid="overdue-by-unit"') :].split("</section>")[0]
    assert "ĐV SA" in overdue
    assert "ĐV H1" in overdue
    assert f'href="/ke-hoach/nhiem-vu/{world.overdue.pk}/"' in overdue
    coverage = html[html.index('data-testid="coverage"') :].split("</section>")[0]
    rows = re.findall(r'<tr class="(no-plan|partial|complete)">\s*<td>([^<]+)</td>', coverage)
    assert ("partial", "ĐV SB") in rows  # has a plan, lacks II.2.a
    assert ("no-plan", "ĐV SA") in rows
    assert "Chưa lập kế hoạch" in coverage
    assert f'href="/ke-hoach/{unit_plan.pk}/"' in coverage
    assert '#task-II.2.a"' in coverage


# -- public pages ------------------------------------------------------------------------------


def test_public_list_and_timeline_need_no_login(client: Client, world: World, users: Users) -> None:
    Plan.objects.filter(pk=world.plan.pk).update(status=PlanStatus.ISSUED)
    make_update(
        task=world.public,
        state=UpdateState.ACCEPTED,
        narrative="Đã số hóa 60 % hồ sơ.",
        progress=60,
        submitted_at=dt.datetime(2023, 5, 2, 9, tzinfo=dt.UTC),
    )
    make_update(task=world.public, state=UpdateState.SUBMITTED, narrative="Chưa được duyệt.")

    listing = client.get("/cong-khai/nhiem-vu/").content.decode()
    detail = client.get(f"/cong-khai/nhiem-vu/{world.public.pk}/").content.decode()

    assert f'href="/cong-khai/nhiem-vu/{world.public.pk}/"' in listing
    assert world.overdue.title not in listing
    assert "Số hóa hồ sơ thủ tục hành chính cấp huyện" in detail
    assert "Huyện Một" in detail
    assert "Quá hạn" in detail
    assert "Đã số hóa 60 % hồ sơ." in detail
    assert "02/05/2023" in detail
    assert "Chưa được duyệt." not in detail


def test_a_task_that_is_not_public_is_404(client: Client, world: World) -> None:
    Plan.objects.filter(pk=world.plan.pk).update(status=PlanStatus.ISSUED)

    assert client.get(f"/cong-khai/nhiem-vu/{world.overdue.pk}/").status_code == 404
    assert client.get("/cong-khai/nhiem-vu/999999/").status_code == 404
    assert client.get(f"/cong-khai/nhiem-vu/{world.public.pk}/").status_code == 200


def test_a_public_task_of_a_draft_plan_is_not_published_yet(client: Client, world: World) -> None:
    assert client.get(f"/cong-khai/nhiem-vu/{world.public.pk}/").status_code == 404
    assert world.public.title not in client.get("/cong-khai/nhiem-vu/").content.decode()


def test_bar_chart_geometry() -> None:
    """Bars scale to the plot width; nothing counted draws no bar and says "–", not 0 %."""
    from decimal import Decimal

    from cchc.tasks.views import bar_chart

    chart = bar_chart(
        [
            ("Cải cách thủ tục hành chính", Decimal("50.0"), "/a", "1/2 hoàn thành"),
            ("Một tên lĩnh vực rất dài " * 4, None, "/b", ""),
            ("Xong", Decimal("100"), "/c", ""),
        ]
    )

    half, empty, full = chart.bars
    assert half.width == chart.plot_width / 2
    assert (half.value_text, half.detail, half.css) == ("50,0 %", "1/2 hoàn thành", "mid")
    assert (empty.width, empty.value_text, empty.css) == (0, "–", "none")
    assert empty.label.endswith("…")
    assert len(empty.label) <= 46
    assert (full.width, full.css) == (chart.plot_width, "done")
    assert [label for _x, label in chart.ticks] == ["0%", "25%", "50%", "75%", "100%"]
    assert chart.height == 3 * 44 + 16

"""The unit report pages: the start page, a report's form with sources and inline errors, review, completeness.

Days are fixed by replacing ``timezone.localdate`` (the pages, the selectors and the
services all ask it): Q1 2023 of the scene's quarterly template runs 15/12/2022 →
Tue 14/03/2023, is due Thu 16/03 and locks after Thu 30/03.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cchc.accounts.choices import Role
from cchc.accounts.tests.factories import make_user
from cchc.reports.models import LockException, Report, ReportStatus
from cchc.reports.services import lock_exception_grant, report_open, report_save, report_submit
from cchc.reports.tests.factories import FORM, Scene, make_scene

D = dt.date
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> Callable[[dt.date], None]:
    """Set the local date everything reads; other calls to ``localdate`` (with a value) are unchanged."""
    original = timezone.localdate

    def set_day(day: dt.date) -> None:
        def fake(value: Any = None, timezone: Any = None) -> dt.date:
            return day if value is None else original(value, timezone)

        monkeypatch.setattr("django.utils.timezone.localdate", fake)

    set_day(D(2023, 3, 15))
    return set_day


@pytest.fixture
def scene(tree: Any) -> Scene:
    """The factory scene, with the dossier fields prefilled from the one-stop-shop figures."""
    made = make_scene(tree)
    form = [dict(section) for section in FORM]
    form[1] = {
        **form[1],
        "fields": [
            {**f, "source": {"received": "dossiers.received", "resolved": "dossiers.resolved"}[f["code"]]}
            if f["code"] in ("received", "resolved")
            else f
            for f in form[1]["fields"]
        ],
    }
    made.template.form = form
    made.template.save(update_fields=["form"])
    return made


def _as(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


MID_MARCH = D(2023, 3, 15)


def _open(scene: Scene, tree: Any) -> Report:
    return report_open(
        actor=scene.focal_a, template=scene.template, unit=tree.dept_a, year=2023, period_index=1, today=MID_MARCH
    )


# -- the start page ---------------------------------------------------------------------------


def test_pages_need_a_login(client: Client, scene: Scene, tree: Any) -> None:
    report = _open(scene, tree)
    for url in ("/bao-cao/", f"/bao-cao/{report.pk}/", f"/bao-cao/mau/{scene.template.pk}/2023/1/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


@pytest.mark.parametrize(
    ("day", "label", "reason"),
    [
        (D(2023, 3, 15), "Đang mở", "Kỳ báo cáo mở đến hết ngày 30/03/2023."),
        (D(2023, 3, 16), "Đến hạn nộp hôm nay", "Kỳ báo cáo mở đến hết ngày 30/03/2023."),
        (D(2023, 3, 17), "Quá hạn nộp", "Kỳ báo cáo mở đến hết ngày 30/03/2023."),
        (D(2023, 3, 31), "Đã khóa", "Kỳ báo cáo đã khóa sổ từ sau ngày 30/03/2023."),
    ],
)
def test_a_focal_point_sees_the_phase_of_each_period_of_its_unit(
    client: Client, scene: Scene, tree: Any, today: Callable[[dt.date], None], day: dt.date, label: str, reason: str
) -> None:
    today(day)
    response = _as(client, scene.focal_a).get("/bao-cao/?nam=2023")
    rows = [row for row in response.context["unit_rows"] if row.info.index == 1]
    assert [(row.unit.code, row.phase_label, row.lock.reason) for row in rows] == [("SA", label, reason)]
    assert rows[0].can_open == (day <= D(2023, 3, 30))
    assert response.context["office_blocks"] == []
    assert "Sở B" not in response.content.decode()


def test_opening_a_period_creates_the_report_and_goes_to_it(
    client: Client, scene: Scene, tree: Any, today: Callable[[dt.date], None]
) -> None:
    client = _as(client, scene.focal_a)
    page = client.get("/bao-cao/?nam=2023").content.decode()
    assert "Lập báo cáo" in page
    data = {"template": scene.template.pk, "unit": tree.dept_a.pk, "year": 2023, "period_index": 1}
    response = client.post("/bao-cao/mo/", data)
    report = Report.objects.get(template=scene.template, unit=tree.dept_a, year=2023, period_index=1)
    assert response.status_code == 302
    assert response["Location"] == f"/bao-cao/{report.pk}/"
    assert "Mở báo cáo" in client.get("/bao-cao/?nam=2023").content.decode()
    # Another unit (out of scope) is not found; a unit in scope but not assigned is told why.
    assert client.post("/bao-cao/mo/", {**data, "unit": tree.dept_b.pk}).status_code == 404
    refused = client.post("/bao-cao/mo/", {**data, "unit": tree.dept_a_child.pk}, follow=True)
    assert "không được giao báo cáo này" in refused.content.decode()


def test_the_reform_office_sees_completeness_counts_and_links(
    client: Client, scene: Scene, tree: Any, today: Callable[[dt.date], None]
) -> None:
    report = _open(scene, tree)
    report_save(actor=scene.focal_a, report=report, answers={"received": "3", "resolved": "2"}, today=D(2023, 3, 15))
    report_submit(actor=scene.focal_a, report=report, today=D(2023, 3, 15))
    response = _as(client, scene.office).get("/bao-cao/?nam=2023")
    (block,) = response.context["office_blocks"]
    info, counts = block.periods[0]
    assert (info.label, counts.expected, counts.received, len(counts.missing)) == ("quý I/2023", 4, 1, 3)
    assert f"/bao-cao/mau/{scene.template.pk}/2023/1/" in response.content.decode()


def test_the_year_switch_answers_the_lists_for_htmx(client: Client, scene: Scene, today: Any) -> None:
    response = _as(client, scene.focal_a).get("/bao-cao/?nam=2023", **HX)
    body = response.content.decode()
    assert body.startswith('<div id="report-lists">')
    assert "<html" not in body


# -- a report ------------------------------------------------------------------------------


def test_the_report_page_shows_each_prefilled_figure_with_its_source(
    client: Client, scene: Scene, tree: Any, today: Any
) -> None:
    report = _open(scene, tree)
    page = _as(client, scene.focal_a).get(f"/bao-cao/{report.pk}/").content.decode()
    assert 'name="f_received" value="0"' in page
    assert "Tự động từ Biểu 06" in page
    assert 'data-testid="lock-state">Kỳ báo cáo mở đến hết ngày 30/03/2023.' in page
    assert "Gửi báo cáo" in page


def test_an_impossible_figure_is_refused_inline_then_fixed_and_sent(
    client: Client, scene: Scene, tree: Any, today: Any
) -> None:
    report = _open(scene, tree)
    client = _as(client, scene.focal_a)
    url = f"/bao-cao/{report.pk}/luu/"
    answers = {"f_received": "5", "f_resolved": "9", "n_I": "Đã ban hành kế hoạch.", "hanh_dong": "gui"}

    response = client.post(url, answers, **HX)
    body = response.content.decode()
    assert response.status_code == 200  # HTMX swaps only a 2xx
    assert body.startswith('<div id="report-body">')
    assert '<p class="error" data-testid="error-resolved">không được lớn hơn số hồ sơ tiếp nhận</p>' in body
    assert "Đã lưu nhưng chưa gửi được: báo cáo có 1 lỗi" in body
    report.refresh_from_db()
    assert (report.status, report.values["resolved"], report.sources["resolved"]["edited"]) == ("draft", 9, True)
    assert "đã sửa" in body

    typo = client.post(url, {**answers, "f_resolved": "abc", "hanh_dong": "luu"})
    assert typo.status_code == 400
    assert "&#x27;abc&#x27; không phải là số nguyên" in typo.content.decode()
    assert "Chưa lưu được" in typo.content.decode()

    response = client.post(url, {**answers, "f_resolved": "4"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.values, report.narratives["I"]) == (
        ReportStatus.SUBMITTED, {"received": 5, "resolved": 4}, "Đã ban hành kế hoạch.",
    )  # fmt: skip
    page = client.get(f"/bao-cao/{report.pk}/").content.decode()
    assert "Đã gửi báo cáo; Sở Nội vụ sẽ xem xét" in page
    assert "Gửi báo cáo</button>" not in page  # read-only once sent


def test_taking_the_live_figures_again(client: Client, scene: Scene, tree: Any, today: Any) -> None:
    report = _open(scene, tree)
    report_save(actor=scene.focal_a, report=report, answers={"received": "7"}, today=D(2023, 3, 15))
    response = _as(client, scene.focal_a).post(f"/bao-cao/{report.pk}/so-lieu-tu-dong/", **HX)
    assert "Đã lấy lại số liệu tự động" in response.content.decode()
    report.refresh_from_db()
    assert (report.values["received"], report.sources["received"]["edited"]) == (0, False)


def test_the_reform_office_returns_with_a_reason_then_accepts(
    client: Client, scene: Scene, tree: Any, today: Any
) -> None:
    report = _open(scene, tree)
    report_save(actor=scene.focal_a, report=report, answers={"received": "3", "resolved": "2"}, today=D(2023, 3, 15))
    report_submit(actor=scene.focal_a, report=report, today=D(2023, 3, 15))
    office = _as(client, scene.office)
    page = office.get(f"/bao-cao/{report.pk}/").content.decode()
    assert "Chấp nhận" in page
    assert 'name="f_received"' not in page  # the office reads, it does not type

    empty = office.post(f"/bao-cao/{report.pk}/tra-lai/", {"reason": " "})
    assert empty.status_code == 400
    returned = office.post(f"/bao-cao/{report.pk}/tra-lai/", {"reason": "Bổ sung tỷ lệ đúng hạn."}, **HX)
    assert "Đã trả lại báo cáo cho Sở A." in returned.content.decode()
    report.refresh_from_db()
    assert (report.status, report.return_reason) == (ReportStatus.RETURNED, "Bổ sung tỷ lệ đúng hạn.")
    client.force_login(scene.focal_a)
    assert "Bổ sung tỷ lệ đúng hạn." in client.get(f"/bao-cao/{report.pk}/").content.decode()

    report_submit(actor=scene.focal_a, report=report, today=D(2023, 3, 15))
    client.force_login(scene.office)
    accepted = client.post(f"/bao-cao/{report.pk}/chap-nhan/", follow=True).content.decode()
    assert "Đã chấp nhận báo cáo của Sở A." in accepted
    assert "Báo cáo đã được Sở Nội vụ chấp nhận nên không sửa được nữa." in accepted


def test_reports_out_of_scope_are_404_and_actions_without_the_role_are_403(
    client: Client, scene: Scene, tree: Any, today: Any
) -> None:
    report = _open(scene, tree)
    client.force_login(scene.focal_b)  # a sibling department
    for url in (f"/bao-cao/{report.pk}/", "/bao-cao/999999/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/bao-cao/{report.pk}/luu/", {"hanh_dong": "luu"}).status_code == 404
    leader = make_user(role=Role.LEADER, unit=tree.dept_a)
    client.force_login(leader)  # sees its unit's report, may not write it
    page = client.get(f"/bao-cao/{report.pk}/")
    assert page.status_code == 200
    assert 'name="f_received"' not in page.content.decode()
    assert client.post(f"/bao-cao/{report.pk}/luu/", {"hanh_dong": "luu"}).status_code == 403
    client.force_login(scene.focal_a)  # writes it, may not review it
    assert client.post(f"/bao-cao/{report.pk}/chap-nhan/").status_code == 403
    assert client.post(f"/bao-cao/{report.pk}/tra-lai/", {"reason": "x"}).status_code == 403


def test_writes_need_the_csrf_token(scene: Scene, tree: Any, today: Any) -> None:
    report = _open(scene, tree)
    client = Client(enforce_csrf_checks=True)
    client.force_login(scene.focal_a)
    assert client.post(f"/bao-cao/{report.pk}/luu/", {"hanh_dong": "luu"}).status_code == 403


def test_the_lock_banner_names_the_lock(client: Client, scene: Scene, tree: Any, today: Any) -> None:
    report = _open(scene, tree)
    client = _as(client, scene.focal_a)
    today(D(2023, 3, 31))
    page = client.get(f"/bao-cao/{report.pk}/").content.decode()
    assert "Đã khóa:</strong> Kỳ báo cáo đã khóa sổ từ sau ngày 30/03/2023." in page
    assert 'name="f_received"' not in page
    lock_exception_grant(
        actor=scene.office, template=scene.template, unit=tree.dept_a, year=2023, period_index=1,
        until=D(2023, 4, 7), reason="Kiện toàn đầu mối", today=D(2023, 3, 31),
    )  # fmt: skip
    page = client.get(f"/bao-cao/{report.pk}/").content.decode()
    assert "Được mở khóa đến hết ngày 07/04/2023: Kiện toàn đầu mối" in page
    assert 'name="f_received"' in page


# -- completeness and lock exceptions -------------------------------------------------------------


def test_the_completeness_page_lists_cohorts_and_units(client: Client, scene: Scene, tree: Any, today: Any) -> None:
    report = _open(scene, tree)
    report_save(actor=scene.focal_a, report=report, answers={"received": "3", "resolved": "2"}, today=D(2023, 3, 15))
    report_submit(actor=scene.focal_a, report=report, today=D(2023, 3, 15))
    url = f"/bao-cao/mau/{scene.template.pk}/2023/1/"
    response = _as(client, scene.office).get(url)
    result = response.context["result"]
    assert (result.expected, result.received, len(result.missing)) == (4, 1, 3)
    page = response.content.decode()
    assert f'<a href="/bao-cao/{report.pk}/">Sở A</a>' in page
    assert "Đơn vị được giao riêng" in page
    assert "Chưa lập" in page
    for bad in (f"/bao-cao/mau/{scene.template.pk}/2023/5/", f"/bao-cao/mau/{scene.template.pk}/2019/1/"):
        assert client.get(bad).status_code == 404
    client.force_login(scene.focal_a)
    assert client.get(url).status_code == 404


def test_granting_a_lock_exception(client: Client, scene: Scene, tree: Any, today: Any) -> None:
    today(D(2023, 4, 3))
    url = f"/bao-cao/mau/{scene.template.pk}/2023/1/mo-khoa/"
    client = _as(client, scene.office)
    past = client.post(url, {"unit": tree.dept_b.pk, "until": "2023-04-01", "reason": "Gửi muộn"}, **HX)
    assert "Ngày hết hạn mở khóa 01/04/2023 đã qua." in past.content.decode()
    outside = client.post(url, {"unit": tree.dept_a_child.pk, "until": "2023-04-07", "reason": "x"})
    assert outside.status_code == 400  # not an expected unit: not a choice
    done = client.post(url, {"unit": tree.dept_b.pk, "until": "2023-04-07", "reason": "Kiện toàn đầu mối"}, **HX)
    body = done.content.decode()
    assert body.startswith('<section class="panel" id="mo-khoa"')
    assert "Đã mở khóa kỳ quý I/2023 cho Sở B đến hết ngày 07/04/2023." in body
    assert LockException.objects.get().reason == "Kiện toàn đầu mối"
    client.force_login(scene.focal_b)
    assert client.post(url, {"unit": tree.dept_b.pk, "until": "2023-04-07", "reason": "x"}).status_code == 404

"""The PAR index workflow pages: who sees what (404 outside the scope), and that each form calls its service.

The scene (``factories.make_scene``): a cohort of SA, SB and H1 scored by the
province's reform office; SA appraises domain 1, SB domain 2.
"""

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cchc.accounts.choices import Role
from cchc.accounts.models import User
from cchc.accounts.tests.factories import make_user
from cchc.scoring.choices import AppraisalStatus, AssessmentStatus, RoundStatus
from cchc.scoring.models import Assessment, AssessmentRound, Score
from cchc.scoring.services import AppraisalDecision, assessment_submit, score_appraise, score_self
from cchc.scoring.tests.factories import Scene, make_scene

D = Decimal
HX = {"HTTP_HX_REQUEST": "true"}
ALL_SA = {"1.1": D(2), "1.2": D("1.5"), "2.1": D(2), "2.2": None, "2.3": D(1)}


@pytest.fixture
def scene(tree: Any) -> Scene:
    return make_scene(tree, survey_maximum=D(10))


def _as(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def _score(scene: Scene, unit_code: str, code: str) -> Score:
    return Score.objects.get(assessment__round=scene.round, assessment__unit__code=unit_code, criterion__code=code)


def _assessment(scene: Scene, unit_code: str) -> Assessment:
    return Assessment.objects.get(round=scene.round, unit__code=unit_code)


def _submit(scene: Scene, unit_code: str, actor: User, points: dict[str, D | None] = ALL_SA) -> Assessment:
    for code, value in points.items():
        score_self(actor=actor, score=_score(scene, unit_code, code), points=value, not_applicable=value is None)
    return assessment_submit(actor=actor, assessment=_assessment(scene, unit_code))


# -- the start page ------------------------------------------------------------------------


def test_pages_need_a_login(client: Client, scene: Scene) -> None:
    for url in ("/chi-so-cchc/", f"/chi-so-cchc/dot/{scene.round.pk}/", "/chi-so-cchc/tham-dinh/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_home_shows_the_own_assessment_to_a_focal_point(client: Client, scene: Scene) -> None:
    html = _as(client, scene.focal_a).get("/chi-so-cchc/").content.decode()
    assert "Đánh giá Chỉ số CCHC" in html
    assert f'href="/chi-so-cchc/ban/{_assessment(scene, "SA").pk}/"' in html
    assert f"/chi-so-cchc/ban/{_assessment(scene, 'SB').pk}/" not in html
    assert "Đợt đánh giá bạn quản lý" not in html
    assert 'href="/chi-so-cchc/"' in html  # the nav link


def test_home_shows_the_managed_rounds_and_the_appraisal_count(client: Client, scene: Scene) -> None:
    html = _as(client, scene.office).get("/chi-so-cchc/").content.decode()
    assert f'href="/chi-so-cchc/dot/{scene.round.pk}/"' in html
    assert "Tạo đợt đánh giá mới" in html

    _submit(scene, "SA", scene.focal_a)
    page = Client()
    html = _as(page, scene.appraiser_b).get("/chi-so-cchc/").content.decode()
    # SA's domain 2 (2.1, 2.2, 2.3) waits for SB's appraisers.
    assert 'data-testid="waiting">3<' in html


# -- rounds -------------------------------------------------------------------------------


def test_round_page_shows_progress_to_its_managers_only(client: Client, scene: Scene) -> None:
    _submit(scene, "SA", scene.focal_a)
    score_appraise(actor=scene.appraiser_a, score=_score(scene, "SA", "1.1"), decision=AppraisalDecision.ACCEPT)
    response = _as(client, scene.office).get(f"/chi-so-cchc/dot/{scene.round.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="unit-progress"' in html
    assert 'data-unit="SA"' in html
    assert "Đã gửi" in html
    assert "Chưa gửi" in html
    assert "Khóa đợt đánh giá" in html
    for user in (scene.focal_a, scene.appraiser_b):
        assert _as(Client(), user).get(f"/chi-so-cchc/dot/{scene.round.pk}/").status_code == 404


def test_round_transitions_call_the_services(client: Client, scene: Scene) -> None:
    _as(client, scene.office)
    url = f"/chi-so-cchc/dot/{scene.round.pk}"
    refused = client.post(f"{url}/cong-bo/", follow=True).content.decode()
    assert "Không thể chuyển đợt đánh giá từ" in refused
    assert client.post(f"{url}/khoa/").status_code == 302
    assert AssessmentRound.objects.get(pk=scene.round.pk).status == RoundStatus.LOCKED
    client.post(f"{url}/mo-lai/")
    assert AssessmentRound.objects.get(pk=scene.round.pk).status == RoundStatus.OPEN
    client.post(f"{url}/khoa/")
    html = client.post(f"{url}/cong-bo/", follow=True).content.decode()
    assert "Đã công bố kết quả đợt đánh giá." in html
    assert AssessmentRound.objects.get(pk=scene.round.pk).status == RoundStatus.PUBLISHED


def test_a_focal_point_cannot_move_a_round(client: Client, scene: Scene) -> None:
    response = _as(client, scene.focal_a).post(f"/chi-so-cchc/dot/{scene.round.pk}/khoa/")
    assert response.status_code == 404
    assert AssessmentRound.objects.get(pk=scene.round.pk).status == RoundStatus.OPEN


def test_a_draft_round_is_opened_from_its_page(client: Client, tree: Any) -> None:
    scene = make_scene(tree, year=2024, open_round=False)
    _as(client, scene.office)
    assert "Mở đợt đánh giá" in client.get(f"/chi-so-cchc/dot/{scene.round.pk}/").content.decode()
    client.post(f"/chi-so-cchc/dot/{scene.round.pk}/mo/")
    assert Assessment.objects.filter(round=scene.round).count() == 3


def test_a_round_is_created_from_a_set_for_a_year(client: Client, scene: Scene) -> None:
    _as(client, scene.office)
    response = client.post("/chi-so-cchc/dot/tao/", {"criteria_set": scene.criteria_set.pk, "year": 2024})
    created = AssessmentRound.objects.get(criteria_set=scene.criteria_set, year=2024)
    assert response.status_code == 302
    assert response["Location"] == f"/chi-so-cchc/dot/{created.pk}/"
    assert created.status == RoundStatus.DRAFT

    twice = client.post("/chi-so-cchc/dot/tao/", {"criteria_set": scene.criteria_set.pk, "year": 2024})
    assert twice.status_code == 400
    assert "Đã có đợt đánh giá năm 2024 với bộ tiêu chí này." in twice.content.decode()
    early = client.post("/chi-so-cchc/dot/tao/", {"criteria_set": scene.criteria_set.pk, "year": 2020})
    assert "không áp dụng cho năm 2020" in early.content.decode()
    blank = client.post("/chi-so-cchc/dot/tao/", {"criteria_set": "", "year": ""}).content.decode()
    assert "Chọn bộ tiêu chí." in blank
    assert "Nhập năm đánh giá." in blank
    assert _as(Client(), scene.focal_a).get("/chi-so-cchc/dot/tao/").status_code == 403


def _csv(text: str, *, bom: bool = True, name: str = "dieu-tra.csv") -> SimpleUploadedFile:
    data = ("\ufeff" if bom else "") + text
    return SimpleUploadedFile(name, data.encode("utf-8"), content_type="text/csv")


def test_survey_points_are_imported_from_a_csv_with_a_bom(client: Client, scene: Scene) -> None:
    _as(client, scene.office)
    response = client.post(
        f"/chi-so-cchc/dot/{scene.round.pk}/diem-dieu-tra/", {"file": _csv("unit_code;points\nSA;8\nSB;9,5\n")}
    )
    assert response.status_code == 302
    assert _assessment(scene, "SA").survey_points == D(8)
    assert _assessment(scene, "SB").survey_points == D("9.5")


def test_a_bad_survey_csv_lists_every_located_error_and_writes_nothing(client: Client, scene: Scene) -> None:
    _as(client, scene.office)
    response = client.post(
        f"/chi-so-cchc/dot/{scene.round.pk}/diem-dieu-tra/",
        {"file": _csv("unit_code,points\nSA,8\nZZ,5\nSB,11\nH1,abc\n")},
        **HX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="diem-dieu-tra"' in html
    assert "<!DOCTYPE html>" not in html
    assert "Tệp có 3 lỗi" in html
    assert "dieu-tra.csv, dòng 3, cột unit_code: đơn vị &#x27;ZZ&#x27; không thuộc đợt đánh giá" in html
    assert "dieu-tra.csv, dòng 4, cột points: điểm phải từ 0 đến 10" in html
    assert "dòng 5" in html
    assert "không phải là số" in html
    assert not Assessment.objects.filter(round=scene.round, survey_points__isnull=False).exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("dt.csv", "unit_code,points\nSA,8\n".encode("utf-16")), "không đọc được theo mã UTF-8"),
        (SimpleUploadedFile("dt.csv", b"ma,diem\nSA,8\n"), "thiếu cột unit_code, points"),
        (SimpleUploadedFile("dt.xlsx", b"PK\x03\x04"), "chỉ nhận tệp .csv"),
        (SimpleUploadedFile("dt.csv", b"unit_code,points\n"), "không có dòng dữ liệu nào"),
    ],
)
def test_a_survey_file_of_the_wrong_shape_is_refused(client: Client, scene: Scene, upload: Any, message: str) -> None:
    response = _as(client, scene.office).post(f"/chi-so-cchc/dot/{scene.round.pk}/diem-dieu-tra/", {"file": upload})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_only_the_round_managers_import_survey_points(client: Client, scene: Scene) -> None:
    response = _as(client, scene.focal_a).post(
        f"/chi-so-cchc/dot/{scene.round.pk}/diem-dieu-tra/", {"file": _csv("unit_code,points\nSA,8\n")}
    )
    assert response.status_code == 404
    assert _assessment(scene, "SA").survey_points is None


# -- the assessment page ---------------------------------------------------------------------


def test_the_focal_point_sees_the_tree_with_forms(client: Client, scene: Scene) -> None:
    html = _as(client, scene.focal_a).get(f"/chi-so-cchc/ban/{_assessment(scene, 'SA').pk}/").content.decode()
    assert "Công tác chỉ đạo, điều hành" in html  # a domain
    assert 'data-testid="leaf-2.3"' in html
    assert "Hồ sơ TTHC giải quyết đúng hạn" in html  # the auto source of 2.3
    assert html.count('data-testid="self-score-form"') == 5
    assert "Gửi thẩm định" in html


def test_an_assessment_of_another_unit_is_404(client: Client, scene: Scene) -> None:
    """IDOR: Sở B's focal point cannot open, score or submit Sở A's assessment."""
    _as(client, scene.focal_b)
    sa = _assessment(scene, "SA")
    score = _score(scene, "SA", "1.1")
    assert client.get(f"/chi-so-cchc/ban/{sa.pk}/").status_code == 404
    assert client.post(f"/chi-so-cchc/diem/{score.pk}/tu-cham/", {f"s{score.pk}-points": "2"}, **HX).status_code == 404
    assert client.post(f"/chi-so-cchc/ban/{sa.pk}/gui/").status_code == 404
    assert _score(scene, "SA", "1.1").self_score is None
    assert _as(Client(), scene.appraiser_b).get(f"/chi-so-cchc/ban/{sa.pk}/").status_code == 404


def test_the_reform_office_reads_an_assessment_without_forms(client: Client, scene: Scene) -> None:
    response = _as(client, scene.office).get(f"/chi-so-cchc/ban/{_assessment(scene, 'SA').pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="self-score-form"' not in html
    assert "Bạn chỉ xem bản tự đánh giá này" in html
    score = _score(scene, "SA", "1.1")
    assert client.post(f"/chi-so-cchc/diem/{score.pk}/tu-cham/", {f"s{score.pk}-points": "2"}, **HX).status_code == 404


def test_a_self_score_is_saved_through_htmx(client: Client, scene: Scene) -> None:
    score = _score(scene, "SA", "1.2")
    response = _as(client, scene.focal_a).post(
        f"/chi-so-cchc/diem/{score.pk}/tu-cham/",
        {f"s{score.pk}-points": "1,5", f"s{score.pk}-explanation": "Đã báo cáo đủ 4 quý"},
        **HX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('<li class="pnode d1 score-leaf editing" id="diem-')
    assert "Đã lưu điểm tự chấm tiêu chí 1.2." in html
    score.refresh_from_db()
    assert (score.self_score, score.self_explanation) == (D("1.5"), "Đã báo cáo đủ 4 quý")
    assert list(score.history.values_list("new_value", flat=True)) == [D("1.5")]
    assert 'value="1,5"' in html  # typed back the Vietnamese way


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"points": "3"}, "Điểm tự chấm của tiêu chí 1.2 phải từ 0 đến 2 (nhận 3)."),
        ({"points": "abc"}, "Điểm tự chấm: &#x27;abc&#x27; không phải là số."),
        ({"points": "1,234"}, "chỉ được có hai chữ số thập phân"),
        ({"points": ""}, "Tiêu chí 1.2: nhập điểm tự chấm hoặc chọn &#x27;không phát sinh&#x27;."),
    ],
)
def test_a_refused_self_score_shows_the_vietnamese_error_inline(
    client: Client, scene: Scene, data: dict[str, str], message: str
) -> None:
    score = _score(scene, "SA", "1.2")
    payload = {f"s{score.pk}-{key}": value for key, value in data.items()}
    html = _as(client, scene.focal_a).post(f"/chi-so-cchc/diem/{score.pk}/tu-cham/", payload, **HX).content.decode()
    assert message in html
    assert 'class="error" role="alert"' in html
    assert _score(scene, "SA", "1.2").self_score is None


def test_not_applicable_needs_no_points(client: Client, scene: Scene) -> None:
    score = _score(scene, "SA", "2.2")
    _as(client, scene.focal_a).post(
        f"/chi-so-cchc/diem/{score.pk}/tu-cham/", {f"s{score.pk}-not_applicable": "on"}, **HX
    )
    score.refresh_from_db()
    assert score.not_applicable
    assert score.self_score is None


def test_without_htmx_a_self_score_redirects_back_with_a_message(client: Client, scene: Scene) -> None:
    score = _score(scene, "SA", "1.1")
    response = _as(client, scene.focal_a).post(
        f"/chi-so-cchc/diem/{score.pk}/tu-cham/", {f"s{score.pk}-points": "5"}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"/chi-so-cchc/ban/{score.assessment_id}/#diem-{score.pk}"
    assert "Điểm tự chấm của tiêu chí 1.1 phải từ 0 đến 2 (nhận 5)." in response.content.decode()
    assert "Điểm tự chấm: Điểm tự chấm" not in response.content.decode()


def test_submitting_lists_every_missing_criterion(client: Client, scene: Scene) -> None:
    score_self(actor=scene.focal_a, score=_score(scene, "SA", "1.1"), points=D(2))
    sa = _assessment(scene, "SA")
    html = _as(client, scene.focal_a).post(f"/chi-so-cchc/ban/{sa.pk}/gui/", **HX).content.decode()
    assert "Còn 4 tiêu chí chưa tự chấm: 1.2, 2.1, 2.2, 2.3." in html
    assert f'href="#diem-{_score(scene, "SA", "2.3").pk}">2.3</a>' in html
    assert _assessment(scene, "SA").status == AssessmentStatus.DRAFT


def test_submitting_a_complete_assessment_makes_it_read_only(client: Client, scene: Scene) -> None:
    for code, value in ALL_SA.items():
        score_self(actor=scene.focal_a, score=_score(scene, "SA", code), points=value, not_applicable=value is None)
    sa = _assessment(scene, "SA")
    response = _as(client, scene.focal_a).post(f"/chi-so-cchc/ban/{sa.pk}/gui/", **HX)
    assert response["HX-Redirect"] == f"/chi-so-cchc/ban/{sa.pk}/"
    assert _assessment(scene, "SA").status == AssessmentStatus.SUBMITTED
    html = client.get(f"/chi-so-cchc/ban/{sa.pk}/").content.decode()
    assert "Đã gửi bản tự đánh giá để thẩm định." in html
    assert 'data-testid="self-score-form"' not in html
    score = _score(scene, "SA", "1.1")
    refused = client.post(f"/chi-so-cchc/diem/{score.pk}/tu-cham/", {f"s{score.pk}-points": "1"}, **HX)
    assert "chỉ sửa được tiêu chí bị trả lại" in refused.content.decode()


def test_posts_are_csrf_protected(scene: Scene) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(scene.focal_a)
    score = _score(scene, "SA", "1.1")
    url = f"/chi-so-cchc/diem/{score.pk}/tu-cham/"
    assert client.post(url, {f"s{score.pk}-points": "2"}, **HX).status_code == 403
    assert _score(scene, "SA", "1.1").self_score is None
    client.get(f"/chi-so-cchc/ban/{score.assessment_id}/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    assert client.post(url, {f"s{score.pk}-points": "2"}, HTTP_X_CSRFTOKEN=token, **HX).status_code == 200
    assert _score(scene, "SA", "1.1").self_score == D(2)


def test_the_assessment_page_shows_self_and_appraised_scores_with_history(client: Client, scene: Scene) -> None:
    _submit(scene, "SA", scene.focal_a)
    score_appraise(
        actor=scene.appraiser_b, score=_score(scene, "SA", "2.1"), decision=AppraisalDecision.CHANGE,
        points=D("1.25"), reason="Chưa công khai đủ 3 thủ tục",
    )  # fmt: skip
    html = _as(client, scene.focal_a).get(f"/chi-so-cchc/ban/{_assessment(scene, 'SA').pk}/").content.decode()
    leaf = html[html.index('data-testid="leaf-2.1"') : html.index('data-testid="leaf-2.2"')]
    assert 'data-testid="self-score"><strong>2</strong>' in leaf
    assert 'data-testid="appraised-score"><strong>1,25</strong>' in leaf
    assert "Điều chỉnh điểm" in leaf
    assert "Lý do điều chỉnh:</strong> Chưa công khai đủ 3 thủ tục" in leaf
    assert "Lịch sử điểm (2 lần)" in leaf
    assert "Thẩm định" in leaf


# -- appraisal -------------------------------------------------------------------------------


def test_the_queue_lists_only_the_scores_routed_to_the_appraiser(client: Client, scene: Scene) -> None:
    _submit(scene, "SA", scene.focal_a)
    html = _as(client, scene.appraiser_b).get("/chi-so-cchc/tham-dinh/").content.decode()
    assert html.count('data-testid="queue-item"') == 3
    assert 'data-code="2.1"' in html
    assert 'data-code="1.1"' not in html
    assert "Không phát sinh" in html  # SA's 2.2


def test_the_queue_filters_by_unit_and_state_with_htmx(client: Client, scene: Scene) -> None:
    _submit(scene, "SA", scene.focal_a)
    _submit(scene, "SB", scene.focal_b, {"1.1": D(1), "1.2": D(1), "2.1": D(1), "2.2": D(1), "2.3": D(1)})
    _as(client, scene.office)  # the reform office appraises everything
    assert client.get("/chi-so-cchc/tham-dinh/").content.decode().count('data-testid="queue-item"') == 10
    response = client.get("/chi-so-cchc/tham-dinh/", {"don_vi": "SB", "dot": scene.round.pk}, **HX)
    html = response.content.decode()
    assert html.startswith('<section id="danh-sach-tham-dinh"')
    assert html.count('data-testid="queue-item"') == 5
    assert 'data-unit="SA"' not in html
    score_appraise(actor=scene.office, score=_score(scene, "SB", "1.1"), decision=AppraisalDecision.ACCEPT)
    pending = client.get("/chi-so-cchc/tham-dinh/", {"don_vi": "SB", "trang_thai": "pending"}, **HX).content.decode()
    assert pending.count('data-testid="queue-item"') == 4
    stale = client.get("/chi-so-cchc/tham-dinh/", {"don_vi": "NOPE", "dot": "x"}).content.decode()
    assert stale.count('data-testid="queue-item"') == 10


def test_an_appraiser_changes_a_score_with_a_reason(client: Client, scene: Scene) -> None:
    _submit(scene, "SA", scene.focal_a)
    score = _score(scene, "SA", "2.1")
    url = f"/chi-so-cchc/tham-dinh/{score.pk}/"
    _as(client, scene.appraiser_b)
    no_reason = client.post(url, {f"a{score.pk}-decision": "change", f"a{score.pk}-points": "1"}, **HX)
    assert "Điều chỉnh điểm phải ghi rõ lý do." in no_reason.content.decode()
    too_many = client.post(
        url, {f"a{score.pk}-decision": "change", f"a{score.pk}-points": "7", f"a{score.pk}-reason": "x"}, **HX
    )
    assert "Điểm thẩm định của tiêu chí 2.1 phải từ 0 đến 2 (nhận 7)." in too_many.content.decode()
    no_decision = client.post(url, {f"a{score.pk}-points": "1"}, **HX).content.decode()
    assert "Chọn đồng ý, điều chỉnh điểm hoặc trả lại." in no_decision
    assert _score(scene, "SA", "2.1").appraisal_status == AppraisalStatus.PENDING

    done = client.post(
        url,
        {f"a{score.pk}-decision": "change", f"a{score.pk}-points": "1,25", f"a{score.pk}-reason": "Thiếu 3 thủ tục"},
        **HX,
    ).content.decode()
    assert done.startswith('<li class="update state-accepted" id="tham-dinh-')
    assert "Đã lưu kết quả thẩm định tiêu chí 2.1 của Sở A." in done
    score.refresh_from_db()
    assert (score.appraisal_status, score.appraised_score, score.appraisal_reason) == (
        AppraisalStatus.CHANGED, D("1.25"), "Thiếu 3 thủ tục",
    )  # fmt: skip


def test_an_appraiser_returns_and_accepts(client: Client, scene: Scene) -> None:
    _submit(scene, "SA", scene.focal_a)
    returned, accepted = _score(scene, "SA", "1.2"), _score(scene, "SA", "1.1")
    _as(client, scene.appraiser_a)
    html = client.post(
        f"/chi-so-cchc/tham-dinh/{returned.pk}/",
        {f"a{returned.pk}-decision": "return", f"a{returned.pk}-reason": "Thiếu báo cáo quý IV"},
        **HX,
    ).content.decode()
    assert "Đang chờ đơn vị giải trình" in html
    response = client.post(f"/chi-so-cchc/tham-dinh/{accepted.pk}/", {f"a{accepted.pk}-decision": "accept"})
    assert response.status_code == 302
    assert _score(scene, "SA", "1.2").appraisal_status == AppraisalStatus.RETURNED
    assert _score(scene, "SA", "1.1").appraised_score == D(2)
    # The returned criterion is editable again for the unit, and only it.
    page = _as(Client(), scene.focal_a).get(f"/chi-so-cchc/ban/{returned.assessment_id}/").content.decode()
    assert page.count('data-testid="self-score-form"') == 1
    assert "Lý do trả lại:</strong> Thiếu báo cáo quý IV" in page


def test_an_appraiser_cannot_appraise_a_score_routed_to_another_unit(client: Client, scene: Scene) -> None:
    """IDOR: SA's appraiser posts an appraisal for SA's domain-2 score, which SB appraises."""
    _submit(scene, "SA", scene.focal_a)
    score = _score(scene, "SA", "2.1")
    response = _as(client, scene.appraiser_a).post(
        f"/chi-so-cchc/tham-dinh/{score.pk}/", {f"a{score.pk}-decision": "accept"}, **HX
    )
    assert response.status_code == 404
    assert _score(scene, "SA", "2.1").appraisal_status == AppraisalStatus.PENDING
    outsider = make_user(role=Role.APPRAISER, unit=scene.cohort.members.get(code="H1"))
    assert _as(Client(), outsider).get("/chi-so-cchc/tham-dinh/").content.decode().count("queue-item") == 0


def test_a_user_without_an_appraiser_role_is_told_so(client: Client, scene: Scene) -> None:
    html = _as(client, scene.focal_a).get("/chi-so-cchc/tham-dinh/").content.decode()
    assert "Bạn không có vai trò thẩm định ở đơn vị nào." in html


def test_the_live_data_value_and_its_detail_are_shown(client: Client, scene: Scene) -> None:
    Score.objects.filter(pk=_score(scene, "SA", "2.3").pk).update(
        auto_value=D("0.9"),
        auto_points=D("1.84"),
        auto_detail={
            "source": "dossiers_on_time",
            "numerator": 45,
            "denominator": 50,
            "period": {"from": "2023-01-01", "to": "2023-12-31"},
            "detail": "45/50 hồ sơ giải quyết đúng hạn",
            "drill_down": {"kind": "dossiers"},
        },
    )
    html = _as(client, scene.focal_a).get(f"/chi-so-cchc/ban/{_assessment(scene, 'SA').pk}/").content.decode()
    leaf = html[html.index('data-testid="leaf-2.3"') :]
    assert 'data-testid="auto-value">90 % → 1,84 điểm' in leaf
    assert "<dt>Đạt / tổng số</dt><dd>45 / 50</dd>" in leaf
    assert "<dt>Kỳ số liệu</dt><dd>01/01/2023 – 31/12/2023</dd>" in leaf
    assert "45/50 hồ sơ giải quyết đúng hạn" in leaf
    assert "drill_down" not in leaf


def test_the_pages_read_in_a_fixed_number_of_queries(
    client: Client, scene: Scene, django_assert_max_num_queries: Any
) -> None:
    """The assessment page and the queue do not query once per criterion or per score."""
    _submit(scene, "SA", scene.focal_a)
    _submit(scene, "SB", scene.focal_b, {"1.1": D(1), "1.2": D(1), "2.1": D(1), "2.2": D(1), "2.3": D(1)})
    _as(client, scene.office)
    with django_assert_max_num_queries(12):
        assert client.get(f"/chi-so-cchc/ban/{_assessment(scene, 'SA').pk}/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/chi-so-cchc/tham-dinh/").content.decode().count('data-testid="queue-item"') == 10
    with django_assert_max_num_queries(12):
        assert client.get(f"/chi-so-cchc/dot/{scene.round.pk}/").status_code == 200

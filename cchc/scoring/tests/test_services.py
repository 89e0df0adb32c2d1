"""The PAR index workflow through the services: set, round, self-score, submit, appraise, survey, lock, publish."""

from decimal import Decimal

import pytest

from cchc.audit.models import AuditEvent
from cchc.core.errors import ApplicationError, PermissionDeniedError
from cchc.scoring.choices import AppraisalStatus, AssessmentStatus, RoundStatus, ScoreChangeKind
from cchc.scoring.models import Assessment, CriteriaSet, Score
from cchc.scoring.selectors import round_progress, round_results
from cchc.scoring.services import (
    AppraisalDecision,
    CriterionSpec,
    assessment_submit,
    criteria_set_create,
    round_lock,
    round_publish,
    score_appraise,
    score_self,
    survey_points_import,
)
from cchc.scoring.tests.factories import make_scene, small_criteria

D = Decimal


def _score(scene, unit_code: str, criterion: str) -> Score:
    return Score.objects.get(assessment__round=scene.round, assessment__unit__code=unit_code, criterion__code=criterion)


def _self_score_all(scene, unit_code: str, actor, points: dict[str, D | None]) -> Assessment:
    for code, value in points.items():
        score_self(actor=actor, score=_score(scene, unit_code, code), points=value, not_applicable=value is None)
    assessment = Assessment.objects.get(round=scene.round, unit__code=unit_code)
    return assessment_submit(actor=actor, assessment=assessment)


def test_opening_a_round_creates_an_assessment_per_unit_and_routes_scores(tree):
    scene = make_scene(tree)
    assessments = Assessment.objects.filter(round=scene.round)
    assert sorted(a.unit.code for a in assessments) == ["H1", "SA", "SB"]
    # 5 leaves per unit; domain 1 goes to SA, domain 2 to SB (inherited from the domain).
    assert Score.objects.filter(assessment__round=scene.round).count() == 15
    assert _score(scene, "H1", "1.2").appraising_unit.code == "SA"
    assert _score(scene, "H1", "2.3").appraising_unit.code == "SB"
    assert scene.round.status == RoundStatus.OPEN


def test_a_broken_criteria_tree_is_refused_whole_with_located_errors(tree):
    scene = make_scene(tree)
    bad = [
        *small_criteria(),
        CriterionSpec("3", "Miền thiếu con", D(5), line=9),
        CriterionSpec("3.1", "Con", D(4), line=10, appraising_unit_code="NOPE"),
        CriterionSpec("4.1", "Không có cha", D(1), line=11),
        CriterionSpec("3.x", "Mã sai", D(1), line=12),
    ]
    with pytest.raises(ApplicationError) as caught:
        criteria_set_create(
            actor=scene.office, unit=tree.province, code="bad", name="x", cohort=scene.cohort, year_from=2024,
            criteria=bad,
        )  # fmt: skip
    errors = caught.value.extra["errors"]
    assert any("dòng 9" in e and "khác tổng điểm" in e for e in errors)
    assert any("dòng 10" in e and "'NOPE'" in e for e in errors)
    assert any("dòng 11" in e and "thiếu tiêu chí cha 4" in e for e in errors)
    assert any("dòng 12" in e and "mã phải là các số" in e for e in errors)
    assert not CriteriaSet.objects.filter(code="bad").exists()


def test_the_whole_workflow_gives_the_hand_computed_index_and_ranking(tree):
    scene = make_scene(tree, survey_maximum=D(10))
    _self_score_all(scene, "SA", scene.focal_a, {"1.1": D(2), "1.2": D("1.5"), "2.1": D(2), "2.2": None, "2.3": D(2)})
    _self_score_all(scene, "SB", scene.focal_b, {"1.1": D(2), "1.2": D(2), "2.1": D(1), "2.2": D(2), "2.3": D(1)})
    # SA's domain 1 is appraised by SA's appraisers, domain 2 by SB's.
    for code in ("1.1", "1.2"):
        score_appraise(actor=scene.appraiser_a, score=_score(scene, "SA", code), decision=AppraisalDecision.ACCEPT)
        score_appraise(actor=scene.appraiser_a, score=_score(scene, "SB", code), decision=AppraisalDecision.ACCEPT)
    score_appraise(
        actor=scene.appraiser_b, score=_score(scene, "SA", "2.1"), decision=AppraisalDecision.CHANGE,
        points=D("1.25"), reason="Chưa công khai đủ 3 thủ tục",
    )  # fmt: skip
    for code in ("2.2", "2.3"):  # 2.2: the appraiser accepts "không phát sinh"
        score_appraise(actor=scene.appraiser_b, score=_score(scene, "SA", code), decision=AppraisalDecision.ACCEPT)
    for code in ("2.1", "2.2", "2.3"):
        score_appraise(actor=scene.appraiser_b, score=_score(scene, "SB", code), decision=AppraisalDecision.ACCEPT)
    survey = survey_points_import(
        actor=scene.office, assessment_round=scene.round, rows=[(2, "SA", "8"), (3, "SB", "9,5")], filename="dt.csv"
    )
    assert (survey.updated, survey.errors) == (2, [])

    results = round_results(assessment_round=scene.round).by_unit()
    # SA: 2 + 1.5 + 1.25 + (2.2 removed) + 2 = 6.75 of 8, + survey 8 of 10 → 14.75 / 18 = 81.94 % (B).
    assert (results["SA"].result.points, results["SA"].result.maximum) == (D("14.75"), D(18))
    assert results["SA"].result.percent == D("81.94")
    assert results["SA"].result.band == "B"
    # SB: 2 + 2 + 1 + 2 + 1 = 8 of 10, + 9.5 of 10 → 17.5 / 20 = 87.50 %.
    assert results["SB"].result.percent == D("87.50")
    # H1 did nothing: 0 of 10 + 0 of 10 → 0 %.
    assert results["H1"].result.percent == D(0)
    assert [(r.unit_code, r.rank) for r in round_results(assessment_round=scene.round).units] == [
        ("SB", 1), ("SA", 2), ("H1", 3),
    ]  # fmt: skip
    # The self score stays beside the appraised one, with the history.
    changed = _score(scene, "SA", "2.1")
    assert (changed.self_score, changed.appraised_score, changed.appraisal_status) == (
        D(2), D("1.25"), AppraisalStatus.CHANGED,
    )  # fmt: skip
    assert list(changed.history.values_list("kind", "new_value")) == [
        (ScoreChangeKind.SELF, D(2)), (ScoreChangeKind.APPRAISAL, D("1.25")),
    ]  # fmt: skip

    units, appraisers = round_progress(assessment_round=scene.round)
    assert {(u.assessment.unit.code, u.self_scored, u.appraised) for u in units} == {
        ("SA", 5, 5), ("SB", 5, 5), ("H1", 0, 0),
    }  # fmt: skip
    assert {(a.unit_code, a.done) for a in appraisers} == {("SA", 4), ("SB", 6)}

    round_lock(actor=scene.office, assessment_round=scene.round)
    with pytest.raises(ApplicationError, match="không sửa được điểm"):
        score_self(actor=scene.focal_a, score=_score(scene, "SA", "1.1"), points=D(1))
    published = round_publish(actor=scene.office, assessment_round=scene.round)
    assert published.status == RoundStatus.PUBLISHED
    assert AuditEvent.objects.filter(action="assessment_round.publish").count() == 1


def test_a_returned_criterion_goes_back_to_the_unit_and_only_it_can_change(tree):
    scene = make_scene(tree)
    _self_score_all(scene, "SA", scene.focal_a, {"1.1": D(2), "1.2": D(2), "2.1": D(2), "2.2": D(2), "2.3": D(2)})
    score = _score(scene, "SA", "1.2")
    with pytest.raises(ApplicationError, match="cần giải trình"):
        score_appraise(actor=scene.appraiser_a, score=score, decision=AppraisalDecision.RETURN)
    score_appraise(actor=scene.appraiser_a, score=score, decision=AppraisalDecision.RETURN, reason="Thiếu báo cáo quý")
    with pytest.raises(ApplicationError, match="chỉ sửa được tiêu chí bị trả lại"):
        score_self(actor=scene.focal_a, score=_score(scene, "SA", "1.1"), points=D(1))
    score_self(actor=scene.focal_a, score=score, points=D("1.5"), explanation="Đã bổ sung báo cáo quý IV")
    score.refresh_from_db()
    assert (score.appraisal_status, score.self_score) == (AppraisalStatus.PENDING, D("1.5"))


@pytest.mark.parametrize(
    ("points", "message"),
    [
        (D(3), "phải từ 0 đến 2"),
        (D("-1"), "phải từ 0 đến 2"),
        (D("1.234"), "hai chữ số thập phân"),
        (None, "nhập điểm"),
    ],
)
def test_a_self_score_out_of_range_is_refused(tree, points, message):
    scene = make_scene(tree)
    with pytest.raises(ApplicationError, match=message):
        score_self(actor=scene.focal_a, score=_score(scene, "SA", "1.2"), points=points)


def test_only_the_routed_appraiser_and_the_own_focal_point_may_act(tree):
    scene = make_scene(tree)
    with pytest.raises(PermissionDeniedError):
        score_self(actor=scene.focal_b, score=_score(scene, "SA", "1.1"), points=D(1))
    _self_score_all(scene, "SA", scene.focal_a, {"1.1": D(2), "1.2": D(2), "2.1": D(2), "2.2": D(2), "2.3": D(2)})
    with pytest.raises(PermissionDeniedError):  # domain 2 is SB's to appraise
        score_appraise(actor=scene.appraiser_a, score=_score(scene, "SA", "2.1"), decision=AppraisalDecision.ACCEPT)
    with pytest.raises(ApplicationError, match="chưa gửi"):
        score_appraise(actor=scene.appraiser_a, score=_score(scene, "SB", "1.1"), decision=AppraisalDecision.ACCEPT)


def test_a_bad_survey_file_writes_nothing_and_says_where(tree):
    scene = make_scene(tree, survey_maximum=D(10))
    result = survey_points_import(
        actor=scene.office,
        assessment_round=scene.round,
        rows=[(2, "SA", "8"), (3, "ZZ", "5"), (4, "SB", "11"), (5, "SA", "7"), (6, "H1", "abc")],
        filename="dieutra.csv",
    )
    assert result.updated == 0
    assert any("dòng 3" in e and "'ZZ'" in e for e in result.errors)
    assert any("dòng 4" in e and "từ 0 đến 10" in e for e in result.errors)
    assert any("dòng 5" in e and "dòng 2" in e for e in result.errors)
    assert any("dòng 6" in e and "không phải là số" in e for e in result.errors)
    assert not Assessment.objects.filter(round=scene.round, survey_points__isnull=False).exists()


def test_submitting_with_unscored_criteria_lists_them(tree):
    scene = make_scene(tree)
    score_self(actor=scene.focal_a, score=_score(scene, "SA", "1.1"), points=D(2))
    assessment = Assessment.objects.get(round=scene.round, unit__code="SA")
    with pytest.raises(ApplicationError, match=r"Còn 4 tiêu chí chưa tự chấm: 1\.2, 2\.1, 2\.2, 2\.3"):
        assessment_submit(actor=scene.focal_a, assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT

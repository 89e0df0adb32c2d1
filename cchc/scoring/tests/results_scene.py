"""Scored rounds for the results pages, exports and API, built through the services.

``scored_scene`` is the whole-workflow scene of ``test_services``, whose figures were
computed by hand (criteria of ``factories.small_criteria``, survey out of 10):

=====  ==========================================  ======  =======  ======  ====  ====
unit   domain 1 (max 4) · domain 2 (max 6 / 4)     survey  points   max     %     band
=====  ==========================================  ======  =======  ======  ====  ====
SB     2 + 2 = 4 · 1 + 2 + 1 = 4                   9.5     17.50    20      87.50 B (1)
SA     2 + 1.5 = 3.5 · 1.25 + (2.2 removed) + 2    8       14.75    18      81.94 B (2)
H1     nothing scored: 0 · 0 (5 unscored)          –       0.00     20      0.00  C (3)
=====  ==========================================  ======  =======  ======  ====  ====

``previous_year`` adds the same cohort's 2022 round (its own set), where SA scored
everything (100 %) and the others nothing, so the 2023 changes are SA −18.06,
SB +87.50 and H1 0.00.
"""

from decimal import Decimal
from typing import Any

from cchc.scoring.models import Assessment, AssessmentRound, Score
from cchc.scoring.services import (
    AppraisalDecision,
    assessment_submit,
    criteria_set_create,
    round_create,
    round_lock,
    round_open,
    round_publish,
    score_appraise,
    score_self,
    survey_points_import,
)
from cchc.scoring.tests.factories import Scene, make_scene, small_criteria

D = Decimal
FULL = {"1.1": D(2), "1.2": D(2), "2.1": D(2), "2.2": D(2), "2.3": D(2)}


def score_of(assessment_round: AssessmentRound, unit_code: str, criterion: str) -> Score:
    return Score.objects.get(
        assessment__round=assessment_round, assessment__unit__code=unit_code, criterion__code=criterion
    )


def self_score_all(scene: Scene, assessment_round: AssessmentRound, unit_code: str, actor: Any, points: dict) -> None:
    """Self-score every criterion (``None``: "không phát sinh") and submit."""
    for code, value in points.items():
        score_self(
            actor=actor,
            score=score_of(assessment_round, unit_code, code),
            points=value,
            not_applicable=value is None,
        )
    assessment = Assessment.objects.get(round=assessment_round, unit__code=unit_code)
    assessment_submit(actor=actor, assessment=assessment)


def accept_all(scene: Scene, assessment_round: AssessmentRound, unit_code: str) -> None:
    """The routed appraisers accept every self score of the unit (domain 1: SA's, domain 2: SB's)."""
    for code in ("1.1", "1.2"):
        score_appraise(
            actor=scene.appraiser_a, score=score_of(assessment_round, unit_code, code),
            decision=AppraisalDecision.ACCEPT,
        )  # fmt: skip
    for code in ("2.1", "2.2", "2.3"):
        score = score_of(assessment_round, unit_code, code)
        if score.appraisal_status == "pending":
            score_appraise(actor=scene.appraiser_b, score=score, decision=AppraisalDecision.ACCEPT)


def scored_scene(tree: Any) -> Scene:
    """The hand-computed scene of the module docstring; the round is still open."""
    scene = make_scene(tree, survey_maximum=D(10))
    rnd = scene.round
    self_score_all(
        scene, rnd, "SA", scene.focal_a, {"1.1": D(2), "1.2": D("1.5"), "2.1": D(2), "2.2": None, "2.3": D(2)}
    )
    self_score_all(scene, rnd, "SB", scene.focal_b, {"1.1": D(2), "1.2": D(2), "2.1": D(1), "2.2": D(2), "2.3": D(1)})
    score_appraise(
        actor=scene.appraiser_b, score=score_of(rnd, "SA", "2.1"), decision=AppraisalDecision.CHANGE,
        points=D("1.25"), reason="Chưa công khai đủ 3 thủ tục",
    )  # fmt: skip
    accept_all(scene, rnd, "SA")
    accept_all(scene, rnd, "SB")
    result = survey_points_import(
        actor=scene.office, assessment_round=rnd, rows=[(2, "SA", "8"), (3, "SB", "9,5")], filename="dt.csv"
    )
    assert result.errors == []
    return scene


def tie_scene(tree: Any) -> Scene:
    """SA and SB both score everything in full (100 %, both rank 1); H1 nothing (rank 3)."""
    scene = make_scene(tree)
    for unit_code, focal in (("SA", scene.focal_a), ("SB", scene.focal_b)):
        self_score_all(scene, scene.round, unit_code, focal, FULL)
        accept_all(scene, scene.round, unit_code)
    return scene


def sensitivity_scene(tree: Any) -> Scene:
    """A close race, no survey: SA 4 + 2.25 = 6.25 / 10 (62.50 %, 1st), SB 1 + 5 = 6 / 10 (60.00 %, 2nd), H1 0.

    By hand, domain 1 at 0.9: SA (3.6 + 2.25) / 9.6 = 60.94 %, SB (0.9 + 5) / 9.6 = 61.46 %, so
    SB moves up to 1st and SA down to 2nd; at 1.1 nothing moves. Domain 2 at 1.1: SA
    (4 + 2.475) / 10.6 = 61.08 %, SB (1 + 5.5) / 10.6 = 61.32 %: the same swap; at 0.9 nothing.
    """
    scene = make_scene(tree)
    sa = {"1.1": D(2), "1.2": D(2), "2.1": D(2), "2.2": D("0.25"), "2.3": D(0)}
    sb = {"1.1": D(0), "1.2": D(1), "2.1": D(2), "2.2": D(2), "2.3": D(1)}
    for unit_code, focal, points in (("SA", scene.focal_a, sa), ("SB", scene.focal_b, sb)):
        self_score_all(scene, scene.round, unit_code, focal, points)
        accept_all(scene, scene.round, unit_code)
    return scene


def previous_year(scene: Scene, tree: Any, *, publish: bool = True) -> AssessmentRound:
    """The cohort's 2022 round under its own set: SA 100 %, SB and H1 0 %; locked, and published if asked."""
    criteria_set = criteria_set_create(
        actor=scene.office, unit=tree.province, code="set-2022", name="Bộ tiêu chí 2022", cohort=scene.cohort,
        year_from=2022, year_to=2022, criteria=small_criteria(),
    )  # fmt: skip
    rnd = round_open(
        actor=scene.office, assessment_round=round_create(actor=scene.office, criteria_set=criteria_set, year=2022)
    )
    self_score_all(scene, rnd, "SA", scene.focal_a, FULL)
    accept_all(scene, rnd, "SA")
    rnd = round_lock(actor=scene.office, assessment_round=rnd)
    if publish:
        rnd = round_publish(actor=scene.office, assessment_round=rnd)
    return rnd


def lock_and_publish(scene: Scene) -> AssessmentRound:
    round_lock(actor=scene.office, assessment_round=scene.round)
    scene.round = round_publish(actor=scene.office, assessment_round=scene.round)
    return scene.round

"""The PAR index permission matrix: role × action × where the grant sits, and scope() agrees with user_can().

The object is Sở A's (SA) assessment in a round of the province (P); its score 1.1 is
routed to SA for appraisal. A grant covers its unit and the units below it, so a grant
on P covers SA, one on SA's child (SA-1) or on the sibling SB does not.
"""

import pytest

from cchc.accounts.choices import Role
from cchc.accounts.tests.factories import make_user
from cchc.scoring.models import Assessment, AssessmentRound, Score
from cchc.scoring.policies import assessment_policy, round_policy, score_policy
from cchc.scoring.tests.factories import make_scene

ROLES = [r.value for r in Role]
PLACES = ["own", "parent", "sibling", "child"]
EVERYONE = frozenset(ROLES)


def _expected(check: str, place: str) -> frozenset[str]:
    admin = frozenset({Role.SYSTEM_ADMIN})
    covering = place in ("own", "parent")
    if check == "assessment.view":
        # The unit's own users, and the reform office over the round (on P).
        if covering:
            return EVERYONE
        return admin
    if check == "assessment.self_score":
        return frozenset({Role.SYSTEM_ADMIN, Role.FOCAL_POINT}) if covering else admin
    if check == "score.appraise":
        return frozenset({Role.SYSTEM_ADMIN, Role.APPRAISER, Role.REFORM_OFFICE}) if covering else admin
    if check in ("round.view", "round.manage"):
        return frozenset({Role.SYSTEM_ADMIN, Role.REFORM_OFFICE}) if place == "parent" else admin
    raise AssertionError(check)


CHECKS = ["assessment.view", "assessment.self_score", "score.appraise", "round.view", "round.manage"]


@pytest.mark.parametrize("check", CHECKS)
@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("role", ROLES)
def test_matrix(tree, role, place, check):
    scene = make_scene(tree)
    unit = {"own": tree.dept_a, "parent": tree.province, "sibling": tree.dept_b, "child": tree.dept_a_child}[place]
    user = make_user(role=role, unit=unit)
    assessment = Assessment.objects.get(round=scene.round, unit=tree.dept_a)
    score = Score.objects.get(assessment=assessment, criterion__code="1.1")
    model, action = check.split(".")
    policy, obj, qs = {
        "assessment": (assessment_policy, assessment, Assessment.objects.all()),
        "score": (score_policy, score, Score.objects.all()),
        "round": (round_policy, scene.round, AssessmentRound.objects.all()),
    }[model]
    allowed = role in _expected(check, place)
    assert policy.user_can(user, action, obj) is allowed
    assert policy.scope(user, action, qs).filter(pk=obj.pk).exists() is allowed


def test_an_appraiser_sees_only_the_scores_routed_to_its_unit(tree):
    """SA's appraisers appraise domain 1 of every unit, never domain 2 (routed to SB)."""
    scene = make_scene(tree)
    routed = score_policy.scope(scene.appraiser_a, "appraise").filter(assessment__round=scene.round)
    assert {code.split(".")[0] for code in routed.values_list("criterion__code", flat=True)} == {"1"}
    assert routed.count() == 3 * 2  # three units × criteria 1.1 and 1.2

"""The tallied index path of ``selectors._percents`` gives exactly what the validated path gives.

``_percents_tallied`` (integer cents, no ``CriterionScore`` objects) exists for speed
(docs/performance.md, "PAR index recompute"); ``_percents_checked`` is the reference,
built on ``calculations.index_result``. Both are run on random rounds and compared by
``repr``, so even the exponents of the ``Decimal`` values must agree.
"""

import random
from decimal import Decimal

import pytest

from cchc.accounts.choices import Role
from cchc.accounts.tests.factories import make_user
from cchc.organizations.models import Cohort
from cchc.scoring import selectors
from cchc.scoring.choices import AppraisalStatus, NaPolicy, RuleKind
from cchc.scoring.models import Assessment, AssessmentRound, Score
from cchc.scoring.services import CriterionSpec, criteria_set_create, round_create, round_open

MAXIMA = ["0.25", "0.5", "1", "1.5", "2", "2.75"]


def _random_tree(rng: random.Random) -> list[CriterionSpec]:
    """2–4 domains of 2–4 criteria, a third of them split into 2–3 sub-criteria (codes up to 10 for the order)."""
    specs: list[CriterionSpec] = []
    domain_codes = rng.sample(range(1, 12), rng.randint(2, 4))
    for domain in domain_codes:
        children: list[CriterionSpec] = []
        for item in range(1, rng.randint(2, 4) + 1):
            code = f"{domain}.{item if rng.random() < 0.7 else item + 8}"
            if any(c.code == code for c in children):
                continue
            if rng.random() < 0.33:
                subs = [
                    CriterionSpec(f"{code}.{sub}", f"Tiêu chí {code}.{sub}", Decimal(rng.choice(MAXIMA)),
                                  na_policy=rng.choice([NaPolicy.FULL_POINTS, NaPolicy.REMOVE]))
                    for sub in range(1, rng.randint(2, 3) + 1)
                ]  # fmt: skip
                children.append(CriterionSpec(code, f"Tiêu chí {code}", sum((s.max_points for s in subs), Decimal(0))))
                children.extend(subs)
            else:
                children.append(
                    CriterionSpec(code, f"Tiêu chí {code}", Decimal(rng.choice(MAXIMA)),
                                  na_policy=rng.choice([NaPolicy.FULL_POINTS, NaPolicy.REMOVE]),
                                  rule_kind=RuleKind.MANUAL)
                )  # fmt: skip
        top = sum((c.max_points for c in children if c.code.count(".") == 1), Decimal(0))
        specs.extend([CriterionSpec(str(domain), f"Lĩnh vực {domain}", top), *children])
    return specs


def _cents(rng: random.Random, maximum: Decimal) -> Decimal:
    return Decimal(rng.randint(0, int(maximum * 100))) / 100


def _random_round(tree, seed: int) -> AssessmentRound:
    rng = random.Random(seed)
    cohort = Cohort.objects.create(code=f"R{seed}", name="Nhóm thử")
    cohort.members.set([tree.dept_a, tree.dept_a_child, tree.dept_b, tree.district, tree.commune])
    office = make_user(role=Role.REFORM_OFFICE, unit=tree.province)
    survey_maximum = Decimal(rng.choice([0, 10, 20]))
    criteria_set = criteria_set_create(
        actor=office, unit=tree.province, code=f"random-{seed}", name="Bộ tiêu chí ngẫu nhiên", cohort=cohort,
        year_from=2023, survey_maximum=survey_maximum, criteria=_random_tree(rng),
    )  # fmt: skip
    assessment_round = round_open(
        actor=office, assessment_round=round_create(actor=office, criteria_set=criteria_set, year=2023)
    )
    scores = list(Score.objects.filter(assessment__round=assessment_round).select_related("criterion"))
    for score in scores:
        maximum = score.criterion.max_points
        score.not_applicable = rng.random() < 0.15
        score.self_score = None if rng.random() < 0.15 else _cents(rng, maximum)
        score.appraised_score = None if rng.random() < 0.25 else _cents(rng, maximum)
        score.appraisal_status = AppraisalStatus.PENDING if score.appraised_score is None else AppraisalStatus.CHANGED
    Score.objects.bulk_update(scores, ["not_applicable", "self_score", "appraised_score", "appraisal_status"])
    assessments = list(Assessment.objects.filter(round=assessment_round).order_by("pk"))
    for assessment in assessments:
        has_survey = survey_maximum and rng.random() < 0.8
        assessment.survey_points = _cents(rng, survey_maximum) if has_survey else None
    Assessment.objects.bulk_update(assessments, ["survey_points"])
    Score.objects.filter(assessment=assessments[-1]).delete()  # a unit with no score at all
    return assessment_round


@pytest.mark.parametrize("seed", range(8))
def test_the_tallied_path_equals_the_validated_one(tree, seed):
    assessment_round = _random_round(tree, seed)
    checked = selectors._percents_checked(assessment_round)
    tallied = selectors._percents_tallied(assessment_round)
    assert tallied is not None
    assert repr(tallied) == repr(checked)
    assert repr(selectors._percents(assessment_round)) == repr(checked)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("self_score", Decimal("99.00"), "điểm tự chấm 99 phải từ 0 đến"),
        ("appraised_score", Decimal("99.00"), "điểm thẩm định 99 phải từ 0 đến"),
    ],
)
def test_a_value_the_validated_path_refuses_is_refused_the_same_way(tree, field, value, message):
    assessment_round = _random_round(tree, 3)
    Score.objects.filter(pk=Score.objects.filter(assessment__round=assessment_round).first().pk).update(
        **{field: value}
    )
    assert selectors._percents_tallied(assessment_round) is None
    with pytest.raises(ValueError, match=message):
        selectors._percents(assessment_round)


def test_survey_points_above_the_maximum_take_the_validated_path(tree):
    assessment_round = _random_round(tree, 1)
    maximum = assessment_round.criteria_set.survey_maximum
    Assessment.objects.filter(round=assessment_round).update(survey_points=maximum + 1)
    assert selectors._percents_tallied(assessment_round) is None
    with pytest.raises(ValueError, match="Điểm khảo sát"):
        selectors._percents(assessment_round)

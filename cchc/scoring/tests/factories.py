"""A small criteria set, round and users over the shared ``tree`` fixture (conftest.py)."""

from dataclasses import dataclass
from decimal import Decimal

from cchc.accounts.choices import Role
from cchc.accounts.models import User
from cchc.accounts.tests.factories import make_user
from cchc.organizations.models import Cohort
from cchc.scoring.choices import AutoSource, NaPolicy, RuleKind
from cchc.scoring.models import AssessmentRound, CriteriaSet
from cchc.scoring.services import CriterionSpec, criteria_set_create, round_create, round_open

D = Decimal
ZERO = Decimal(0)


def small_criteria() -> list[CriterionSpec]:
    """Two domains, 10 points: SA appraises domain 1, SB domain 2; 2.2 is removable, 2.3 auto-scored."""
    return [
        CriterionSpec("1", "Công tác chỉ đạo, điều hành", D(4), appraising_unit_code="SA"),
        CriterionSpec("1.1", "Kế hoạch CCHC", D(2), rule_kind=RuleKind.BINARY),
        CriterionSpec("1.2", "Báo cáo định kỳ", D(2)),
        CriterionSpec("2", "Cải cách TTHC", D(6), appraising_unit_code="SB"),
        CriterionSpec("2.1", "Công khai TTHC", D(2)),
        CriterionSpec("2.2", "Giải quyết phản ánh", D(2), na_policy=NaPolicy.REMOVE),
        CriterionSpec(
            "2.3",
            "Hồ sơ giải quyết đúng hạn",
            D(2),
            rule_kind=RuleKind.LINEAR_TO_TARGET,
            rule_target=D("0.98"),
            auto_source=AutoSource.DOSSIERS_ON_TIME,
        ),
    ]


@dataclass
class Scene:
    cohort: Cohort
    criteria_set: CriteriaSet
    round: AssessmentRound
    office: User
    focal_a: User
    focal_b: User
    appraiser_a: User
    appraiser_b: User


def make_scene(tree, *, year: int = 2023, open_round: bool = True, survey_maximum: D = ZERO) -> Scene:
    """A cohort of SA, SB and H1 scored by the province's reform office with :func:`small_criteria`."""
    cohort = Cohort.objects.create(code=f"C{year}", name="Sở, ban, ngành")
    cohort.members.set([tree.dept_a, tree.dept_b, tree.district])
    office = make_user(role=Role.REFORM_OFFICE, unit=tree.province)
    criteria_set = criteria_set_create(
        actor=office,
        unit=tree.province,
        code=f"set-{year}",
        name="Bộ tiêu chí thử",
        cohort=cohort,
        year_from=year,
        survey_maximum=survey_maximum,
        criteria=small_criteria(),
    )
    assessment_round = round_create(actor=office, criteria_set=criteria_set, year=year)
    if open_round:
        assessment_round = round_open(actor=office, assessment_round=assessment_round)
    return Scene(
        cohort=cohort,
        criteria_set=criteria_set,
        round=assessment_round,
        office=office,
        focal_a=make_user(role=Role.FOCAL_POINT, unit=tree.dept_a),
        focal_b=make_user(role=Role.FOCAL_POINT, unit=tree.dept_b),
        appraiser_a=make_user(role=Role.APPRAISER, unit=tree.dept_a),
        appraiser_b=make_user(role=Role.APPRAISER, unit=tree.dept_b),
    )

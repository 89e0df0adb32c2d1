"""The PAR index demo: Hải Dương's 2023 rounds for its 18 departments and 12 districts.

Illustrative scores, not the province's published results. Everything goes through
the services (audit rows, score history), as the system (``actor=None``):

* the bundled sample sets are loaded for the province (``importing``);
* the **departments' round** (sở, ban, ngành) is opened, auto-scored from the demo plan
  and dossiers, self-scored, submitted, appraised (a few scores changed with a reason),
  given survey points, locked and **published** — so ``/chi-so-cchc/cong-bo/`` shows it;
* the **districts' round** stays **open**: every district submitted except Gia Lộc
  (``gialoc.daumoi`` can still self-score), Sở Tư pháp has left its domain pending for
  three districts (``stp.thamdinh`` finds them in its queue), and two scores were
  returned for clarification.

Scores are deterministic (a hash of unit and criterion codes) around a per-unit level,
so a unit is consistently strong or weak across criteria and the ranking has spread.
Idempotent: a round that exists is left alone, so a second run writes nothing.
"""

import datetime as dt
import hashlib
from decimal import ROUND_DOWN, Decimal
from typing import Any

from cchc.organizations.models import OrgUnit
from cchc.scoring import calculations
from cchc.scoring.auto import auto_scores_refresh
from cchc.scoring.choices import AppraisalStatus, AssessmentStatus, RuleKind
from cchc.scoring.importing import criteria_sets_load_default
from cchc.scoring.models import Assessment, AssessmentRound, CriteriaSet, Criterion, Score
from cchc.scoring.services import (
    AppraisalDecision,
    assessment_submit,
    round_create,
    round_lock,
    round_open,
    round_publish,
    score_appraise,
    score_self,
    survey_points_set,
)

YEAR = 2023
PROVINCE = "HD"
DEPARTMENTS_SET = "hd-sbn-2023"
DISTRICTS_SET = "hd-huyen-2023"
#: Gia Lộc's focal point is a demo account: its assessment stays a draft to work on.
DRAFT_UNITS = frozenset({"HD.H297"})
#: Districts whose domain 2 (institutions) Sở Tư pháp has not appraised yet.
PENDING_AT_STP = frozenset({"HD.H288", "HD.H290", "HD.H291"})
#: (unit, criterion) returned for clarification in the districts' round.
RETURNED = {
    ("HD.H292", "1.3"): "Đề nghị bổ sung báo cáo kết quả kiểm tra CCHC quý IV/2023 làm tài liệu kiểm chứng.",
    ("HD.H298", "4.1"): "Quyết định phê duyệt vị trí việc làm chưa đính kèm; đề nghị giải trình.",
}
CHANGE_REASON = "Tài liệu kiểm chứng chưa thể hiện đầy đủ nội dung theo yêu cầu của tiêu chí; trừ điểm tương ứng."
#: What a demo unit writes under each self-score (no evidence file is attached in the demo).
SELF_EXPLANATION = "Tự chấm theo kết quả thực hiện trong năm; văn bản, hồ sơ liên quan lưu tại đơn vị."
CENT = Decimal("0.01")


def _fraction(*parts: str) -> Decimal:
    """A stable number in [0, 1) from the codes (the same on every machine and run)."""
    digest = hashlib.sha256("|".join(parts).encode()).digest()
    return Decimal(int.from_bytes(digest[:4], "big") % 10_000) / Decimal(10_000)


def _unit_level(unit_code: str) -> Decimal:
    """How well a unit does overall: 0.72 … 0.98."""
    return Decimal("0.72") + Decimal("0.26") * _fraction("level", unit_code)


def _self_points(criterion: Criterion, unit_code: str) -> Decimal:
    """A plausible self score for the criterion's rule, near the unit's level (units score themselves kindly)."""
    maximum = criterion.max_points
    level = min(_unit_level(unit_code) + Decimal("0.06"), Decimal(1))
    noise = _fraction(unit_code, criterion.code)
    share = max(Decimal(0), min(Decimal(1), level + (noise - Decimal("0.5")) * Decimal("0.3")))
    kind = criterion.rule_kind
    if kind == RuleKind.BINARY:
        return maximum if noise < level else Decimal(0)
    if kind == RuleKind.BANDS and criterion.rule_bands:
        reached = [Decimal(str(points)) for rate, points in criterion.rule_bands if Decimal(str(rate)) <= share]
        return max(reached, default=Decimal(0))
    if kind == RuleKind.DEDUCTION and criterion.rule_deduction > 0:
        faults = int((Decimal(1) - share) * 4)
        return max(maximum - criterion.rule_deduction * faults, criterion.rule_floor)
    return (maximum * share).quantize(CENT, rounding=ROUND_DOWN)


def _leaves(criteria_set: CriteriaSet) -> dict[int, Criterion]:
    return {c.pk: c for c in criteria_set.criteria.filter(children__isnull=True)}


def _self_assess(assessment_round: AssessmentRound) -> int:
    """Self-score every criterion the live data did not prefill, then submit (except the draft units)."""
    leaves = _leaves(assessment_round.criteria_set)
    written = 0
    assessments = assessment_round.assessments.select_related("unit").order_by("unit__tree_key")
    for assessment in assessments:
        unit_code = assessment.unit.code
        for score in assessment.scores.filter(self_score__isnull=True, not_applicable=False).order_by(
            "criterion__tree_key"
        ):
            criterion = leaves[score.criterion_id]
            # A rarely arising criterion (e.g. reviewing unlawful documents) is "không phát sinh" for some units.
            not_applicable = criterion.code.startswith("2.") and _fraction("na", unit_code, criterion.code) < Decimal(
                "0.12"
            )
            score_self(
                actor=None,
                score=score,
                points=None if not_applicable else _self_points(criterion, unit_code),
                not_applicable=not_applicable,
                explanation="" if not_applicable else SELF_EXPLANATION,
            )
            written += 1
        if unit_code not in DRAFT_UNITS:
            assessment_submit(actor=None, assessment=assessment)
    return written


def _appraise(assessment_round: AssessmentRound, *, pending_domain: str | None = None) -> int:
    """Accept most self scores; change about one in twelve (down a little, with a reason); return the listed ones."""
    written = 0
    scores = (
        Score.objects.filter(assessment__round=assessment_round, assessment__status=AssessmentStatus.SUBMITTED)
        .select_related("criterion", "assessment__unit")
        .order_by("assessment__unit__tree_key", "criterion__tree_key")
    )
    for score in scores:
        unit_code, code = score.assessment.unit.code, score.criterion.code
        if pending_domain and unit_code in PENDING_AT_STP and code.split(".", 1)[0] == pending_domain:
            continue
        reason = RETURNED.get((unit_code, code))
        if reason is not None:
            score_appraise(actor=None, score=score, decision=AppraisalDecision.RETURN, reason=reason)
        elif score.self_score and _fraction("appraise", unit_code, code) < Decimal("0.08"):
            lower = max(score.self_score - score.criterion.max_points * Decimal("0.25"), Decimal(0))
            score_appraise(
                actor=None,
                score=score,
                decision=AppraisalDecision.CHANGE,
                points=lower.quantize(CENT, rounding=ROUND_DOWN),
                reason=CHANGE_REASON,
            )
        else:
            score_appraise(actor=None, score=score, decision=AppraisalDecision.ACCEPT)
        written += 1
    return written


def _survey(assessment_round: AssessmentRound) -> None:
    maximum = assessment_round.criteria_set.survey_maximum
    for assessment in assessment_round.assessments.select_related("unit"):
        share = min(_unit_level(assessment.unit.code) + Decimal("0.02"), Decimal(1))
        points = calculations.round_points(maximum * share)
        survey_points_set(actor=None, assessment=assessment, points=min(points, maximum))


def _round(criteria_set: CriteriaSet) -> AssessmentRound:
    assessment_round = round_create(
        actor=None, criteria_set=criteria_set, year=YEAR, self_deadline=dt.date(YEAR + 1, 1, 15)
    )
    assessment_round = round_open(actor=None, assessment_round=assessment_round)
    # Live data as it stood at the end of the year (the demo plan and dossiers are 2023's).
    auto_scores_refresh(actor=None, assessment_round=assessment_round, today=dt.date(YEAR, 12, 31))
    return assessment_round


def scoring_load_demo(*, actor: Any = None) -> dict[str, Any]:
    """Load the sample sets and the two 2023 rounds (see the module docstring); idempotent."""
    province = OrgUnit.objects.filter(code=PROVINCE).first()
    if province is None:
        return {}
    loaded = criteria_sets_load_default(actor=None, unit=province)
    summary: dict[str, Any] = {"sets_created": len(loaded.created)}
    departments = CriteriaSet.objects.get(code=DEPARTMENTS_SET)
    if not AssessmentRound.objects.filter(criteria_set=departments, year=YEAR).exists():
        assessment_round = _round(departments)
        summary["departments_self"] = _self_assess(assessment_round)
        summary["departments_appraised"] = _appraise(assessment_round)
        _survey(assessment_round)
        round_lock(actor=None, assessment_round=assessment_round)
        round_publish(actor=None, assessment_round=assessment_round)
    districts = CriteriaSet.objects.get(code=DISTRICTS_SET)
    if not AssessmentRound.objects.filter(criteria_set=districts, year=YEAR).exists():
        assessment_round = _round(districts)
        summary["districts_self"] = _self_assess(assessment_round)
        summary["districts_appraised"] = _appraise(assessment_round, pending_domain="2")
        _survey(assessment_round)
    summary["returned"] = Score.objects.filter(appraisal_status=AppraisalStatus.RETURNED).count()
    summary["draft"] = Assessment.objects.filter(status=AssessmentStatus.DRAFT, round__year=YEAR).count()
    return summary

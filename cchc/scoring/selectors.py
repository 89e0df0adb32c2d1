"""Reads of the PAR index that carry rules: results, ranking, progress, profiles.

The arithmetic is ``scoring.calculations``; here the scores are read in a few queries
(never one per unit or criterion) and handed to it. ``round_results`` is what the
results page, the exports, the API and the benchmark all use.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Context, Decimal, localcontext
from typing import Any

from django.db.models import Count, F, IntegerField, Q, QuerySet
from django.db.models.functions import Cast, Round

from cchc.scoring import calculations
from cchc.scoring.choices import AppraisalStatus, AssessmentStatus, RoundStatus
from cchc.scoring.models import Assessment, AssessmentRound, Criterion, Score
from cchc.scoring.policies import assessment_policy, round_policy, score_policy

_SCORE_FIELDS = (
    "assessment_id", "criterion__code", "criterion__max_points", "criterion__na_policy",
    "self_score", "appraised_score", "not_applicable",
)  # fmt: skip
# Sums of points and maxima: exact, as in ``calculations``.
_EXACT = Context(prec=50)


@dataclass(frozen=True)
class UnitResult:
    """One unit's result in a round, with its rank in the cohort and the change since last year."""

    assessment_id: int
    unit_id: int
    unit_code: str
    unit_name: str
    result: calculations.IndexResult
    rank: int
    previous_percent: Decimal | None
    change: Decimal | None


@dataclass
class RoundResults:
    """The ranking of a round: units by rank (ties share it), the domains' names and maxima."""

    round: AssessmentRound
    units: list[UnitResult]
    domains: dict[str, str] = field(default_factory=dict)

    def by_unit(self) -> dict[str, UnitResult]:
        return {row.unit_code: row for row in self.units}


def _criterion_scores(assessment_round: AssessmentRound) -> dict[int, list[calculations.CriterionScore]]:
    per_assessment: dict[int, list[calculations.CriterionScore]] = defaultdict(list)
    rows = (
        Score.objects.filter(assessment__round=assessment_round)
        .order_by("assessment_id", "criterion__tree_key")
        .values_list(*_SCORE_FIELDS)
    )
    for assessment_id, code, maximum, na_policy, self_score, appraised, not_applicable in rows.iterator(
        chunk_size=10_000
    ):
        per_assessment[assessment_id].append(
            calculations.CriterionScore(
                code=code,
                domain=code.split(".", 1)[0],
                max_points=maximum,
                self_score=self_score,
                appraised_score=appraised,
                not_applicable=not_applicable,
                na_policy=na_policy,
            )
        )
    return per_assessment


def _percents_checked(assessment_round: AssessmentRound) -> dict[int, calculations.IndexResult]:
    """Every unit's index in a round, by unit id, through validated ``CriterionScore`` objects.

    The reference path: :func:`_percents` answers the same, faster, and falls back to
    this one when a stored value breaks a rule, so that the error raised is this one's.
    """
    criteria_set = assessment_round.criteria_set
    bands = criteria_set.band_table()
    scores = _criterion_scores(assessment_round)
    results: dict[int, calculations.IndexResult] = {}
    for assessment_id, unit_id, survey in Assessment.objects.filter(round=assessment_round).values_list(
        "id", "unit_id", "survey_points"
    ):
        results[unit_id] = calculations.index_result(
            scores.get(assessment_id, []),
            survey_points=survey or Decimal(0),
            survey_maximum=criteria_set.survey_maximum,
            bands=bands,
        )
    return results


def _cents(name: str) -> Cast:
    # Stored points have two decimals (the field's), so points × 100 rounded is exactly the
    # value in cents, also on SQLite where the column holds a binary float.
    return Cast(Round(F(name) * 100), IntegerField())


@dataclass
class _Domain:
    """One domain of one assessment while tallying: points in cents, exact maximum, unscored count."""

    cents: int = 0
    maximum: Decimal = calculations.ZERO
    unscored: int = 0


@dataclass(frozen=True)
class _Leaf:
    code: str
    domain: str
    rank: int  # the domain's place: the tree order of its first criterion
    maximum: Decimal
    max_cents: int
    full_points: bool


def _leaves(criteria_set_id: int) -> dict[int, _Leaf] | None:
    """The set's criteria by id, each checked as ``CriterionScore`` checks it; ``None`` when one fails."""
    leaves: dict[int, _Leaf] = {}
    ranks: dict[str, int] = {}
    rows = Criterion.objects.filter(criteria_set_id=criteria_set_id).order_by("tree_key")
    for pk, code, maximum, na_policy in rows.values_list("pk", "code", "max_points", "na_policy"):
        domain = code.split(".", 1)[0]
        try:
            calculations.CriterionScore(
                code=code, domain=domain, max_points=maximum, na_policy=calculations.NaPolicy(na_policy)
            )
        except ValueError:
            return None
        max_cents = maximum * 100
        if max_cents != max_cents.to_integral_value():
            return None
        rank = ranks.setdefault(domain, len(ranks))
        full_points = na_policy == calculations.NaPolicy.FULL_POINTS
        leaves[pk] = _Leaf(code, domain, rank, maximum, int(max_cents), full_points)
    return leaves


def _percents_tallied(assessment_round: AssessmentRound) -> dict[int, calculations.IndexResult] | None:
    """:func:`_percents_checked`'s results without building 36,000 validated objects; ``None`` on bad data.

    Scores are read as integer cents without the criterion join, added per assessment
    and domain, and turned into the same ``IndexResult`` as ``calculations.index_result``
    would build (same values, same ``Decimal`` exponents: exact sums of the same
    maxima, points rounded by ``round_points``). Any value the reference path would
    refuse (a score outside ``[0, max]``, survey points outside ``[0, survey maximum]``,
    a criterion that is not the set's) gives ``None``, and the caller takes the
    reference path, which raises its error.
    """
    criteria_set = assessment_round.criteria_set
    leaves = _leaves(criteria_set.pk)
    survey_maximum = criteria_set.survey_maximum
    if leaves is None or survey_maximum < 0:
        return None
    tallies: dict[int, dict[str, _Domain]] = defaultdict(dict)
    self_cents: dict[int, int] = defaultdict(int)
    rows = (
        Score.objects.filter(assessment__round=assessment_round)
        .order_by()
        .values_list("assessment_id", "criterion_id", _cents("self_score"), _cents("appraised_score"), "not_applicable")
    )
    for assessment_id, criterion_id, self_score, appraised, not_applicable in rows.iterator(chunk_size=10_000):
        leaf = leaves.get(criterion_id)
        if leaf is None:
            return None
        if (self_score is not None and not 0 <= self_score <= leaf.max_cents) or (
            appraised is not None and not 0 <= appraised <= leaf.max_cents
        ):
            return None
        domains = tallies[assessment_id]
        tally = domains.get(leaf.domain)
        if tally is None:
            tally = domains[leaf.domain] = _Domain()
        if not_applicable:
            if not leaf.full_points:  # removed from points and maximum
                continue
            self_cents[assessment_id] += leaf.max_cents
            tally.cents += leaf.max_cents
            tally.maximum += leaf.maximum
            continue
        if self_score is not None:
            self_cents[assessment_id] += self_score
        tally.maximum += leaf.maximum
        if appraised is None:
            tally.unscored += 1
        else:
            tally.cents += appraised

    bands = criteria_set.band_table()
    rank = {leaf.domain: leaf.rank for leaf in leaves.values()}
    results: dict[int, calculations.IndexResult] = {}
    for assessment_id, unit_id, survey in Assessment.objects.filter(round=assessment_round).values_list(
        "id", "unit_id", "survey_points"
    ):
        survey_points = survey or Decimal(0)
        if not 0 <= survey_points <= survey_maximum:
            return None
        domains = tallies.get(assessment_id, {})
        ordered = sorted(domains.items(), key=lambda item: rank[item[0]])
        with localcontext(_EXACT):
            total_points = Decimal(sum(t.cents for t in domains.values())).scaleb(-2) + survey_points
            total_maximum = sum((t.maximum for t in domains.values()), calculations.ZERO) + survey_maximum
        percent = calculations.round_points(calculations.percent_of(total_points, total_maximum))
        results[unit_id] = calculations.IndexResult(
            points=calculations.round_points(total_points),
            maximum=total_maximum,
            percent=percent,
            band=calculations.band_for(percent, bands),
            domains=tuple(
                calculations.DomainResult(
                    domain=domain,
                    points=calculations.round_points(Decimal(t.cents).scaleb(-2)),
                    maximum=t.maximum,
                    unscored=t.unscored,
                )
                for domain, t in ordered
            ),
            survey_points=survey_points,
            survey_maximum=survey_maximum,
            self_points=calculations.round_points(Decimal(self_cents[assessment_id]).scaleb(-2)),
        )
    return results


def _percents(assessment_round: AssessmentRound) -> dict[int, calculations.IndexResult]:
    """Every unit's index in a round, by unit id (:func:`_percents_tallied`, else :func:`_percents_checked`)."""
    results = _percents_tallied(assessment_round)
    return results if results is not None else _percents_checked(assessment_round)


def previous_round(assessment_round: AssessmentRound) -> AssessmentRound | None:
    """The same cohort's round of the year before (any set), if it exists."""
    return (
        AssessmentRound.objects.filter(
            criteria_set__cohort=assessment_round.criteria_set.cohort,
            criteria_set__unit=assessment_round.criteria_set.unit,
            year=assessment_round.year - 1,
        )
        .select_related("criteria_set")
        .first()
    )


def round_results(*, assessment_round: AssessmentRound) -> RoundResults:
    """Index, band, rank within the cohort and year-over-year change of every unit of a round."""
    results = _percents(assessment_round)
    previous = previous_round(assessment_round)
    before = _percents(previous) if previous is not None else {}
    units = {
        a.unit_id: a
        for a in Assessment.objects.filter(round=assessment_round).select_related("unit").order_by("unit__tree_key")
    }
    ranking = calculations.rank({str(unit_id): result.percent for unit_id, result in results.items()})
    rows = []
    for ranked in ranking:
        unit_id = int(ranked.key)
        assessment = units[unit_id]
        result = results[unit_id]
        previous_percent = before[unit_id].percent if unit_id in before else None
        rows.append(
            UnitResult(
                assessment_id=assessment.pk,
                unit_id=unit_id,
                unit_code=assessment.unit.code,
                unit_name=assessment.unit.name,
                result=result,
                rank=ranked.rank,
                previous_percent=previous_percent,
                change=calculations.year_over_year(result.percent, previous_percent),
            )
        )
    domains = dict(
        Criterion.objects.filter(criteria_set=assessment_round.criteria_set, parent__isnull=True)
        .order_by("tree_key")
        .values_list("code", "name")
    )
    return RoundResults(round=assessment_round, units=rows, domains=domains)


def round_sensitivity(*, results: RoundResults, step: Decimal = Decimal("0.10")) -> list[calculations.SensitivityRow]:
    """How the ranks of ``results`` move when each domain weighs ±``step``."""
    points = {row.unit_code: {d.domain: d.points for d in row.result.domains} for row in results.units}
    maxima = {row.unit_code: {d.domain: d.maximum for d in row.result.domains} for row in results.units}
    domains = {domain for unit in maxima.values() for domain in unit}
    for unit in results.units:
        for domain in domains:
            points[unit.unit_code].setdefault(domain, Decimal(0))
            maxima[unit.unit_code].setdefault(domain, Decimal(0))
    survey = {row.unit_code: (row.result.survey_points, row.result.survey_maximum) for row in results.units}
    return calculations.sensitivity(points, maxima, survey=survey, step=step)


# -- visibility and progress ---------------------------------------------------------


def rounds_for_user(*, user: Any) -> QuerySet[AssessmentRound]:
    """The rounds a user manages, with their set and cohort."""
    return round_policy.scope(user, "view").select_related("criteria_set__cohort", "criteria_set__unit")


def published_rounds() -> QuerySet[AssessmentRound]:
    """Rounds whose results are public."""
    return AssessmentRound.objects.filter(status=RoundStatus.PUBLISHED).select_related("criteria_set__cohort")


def assessments_for_user(*, user: Any) -> QuerySet[Assessment]:
    """The assessments a user may see: the own unit's, or all of the rounds the user manages."""
    return assessment_policy.scope(user, "view").select_related("unit", "round__criteria_set__cohort")


def scores_to_appraise(*, user: Any, assessment_round: AssessmentRound | None = None) -> QuerySet[Score]:
    """The scores routed to the user's appraising units, of submitted assessments, in tree order."""
    qs = score_policy.scope(user, "appraise").filter(assessment__status=AssessmentStatus.SUBMITTED)
    if assessment_round is not None:
        qs = qs.filter(assessment__round=assessment_round)
    return qs.select_related("criterion", "assessment__unit", "assessment__round", "appraising_unit").order_by(
        "assessment__unit__tree_key", "criterion__tree_key"
    )


@dataclass(frozen=True)
class AssessmentProgress:
    assessment: Assessment
    criteria: int
    self_scored: int
    appraised: int
    returned: int


@dataclass(frozen=True)
class AppraiserProgress:
    unit_code: str
    unit_name: str
    pending: int
    done: int
    returned: int


def round_progress(*, assessment_round: AssessmentRound) -> tuple[list[AssessmentProgress], list[AppraiserProgress]]:
    """Per unit: criteria, self-scored, appraised, returned; per appraising unit: pending, done, returned."""
    counts = (
        Score.objects.filter(assessment__round=assessment_round)
        .values("assessment_id")
        .annotate(
            criteria=Count("id"),
            self_scored=Count("id", filter=Q(self_score__isnull=False) | Q(not_applicable=True)),
            appraised=Count("id", filter=Q(appraisal_status__in=[AppraisalStatus.ACCEPTED, AppraisalStatus.CHANGED])),
            returned=Count("id", filter=Q(appraisal_status=AppraisalStatus.RETURNED)),
        )
    )
    by_assessment = {row["assessment_id"]: row for row in counts}
    units = []
    for assessment in assessment_round.assessments.select_related("unit").order_by("unit__tree_key"):
        row = by_assessment.get(assessment.pk, {})
        units.append(
            AssessmentProgress(
                assessment=assessment,
                criteria=row.get("criteria", 0),
                self_scored=row.get("self_scored", 0),
                appraised=row.get("appraised", 0),
                returned=row.get("returned", 0),
            )
        )
    appraisers = (
        Score.objects.filter(assessment__round=assessment_round, appraising_unit__isnull=False)
        .values("appraising_unit__code", "appraising_unit__name")
        .annotate(
            pending=Count(
                "id",
                filter=Q(appraisal_status=AppraisalStatus.PENDING, assessment__status=AssessmentStatus.SUBMITTED),
            ),
            done=Count("id", filter=Q(appraisal_status__in=[AppraisalStatus.ACCEPTED, AppraisalStatus.CHANGED])),
            returned=Count("id", filter=Q(appraisal_status=AppraisalStatus.RETURNED)),
        )
        .order_by("appraising_unit__code")
    )
    return units, [
        AppraiserProgress(
            unit_code=row["appraising_unit__code"],
            unit_name=row["appraising_unit__name"],
            pending=row["pending"],
            done=row["done"],
            returned=row["returned"],
        )
        for row in appraisers
    ]

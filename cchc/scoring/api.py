"""PAR index API: criteria sets, rounds and their progress, scores, self-scoring, appraisal and results.

What a caller sees follows the policies (``scoring.policies``), never a bare primary key:

* an **assessment** is visible to its unit's users, to the managers of its round (the
  reform office over the issuing province), and to an appraiser for the scores routed
  to the appraiser's unit;
* a **round** is visible to its managers and to whoever sees one of its assessments;
  a **criteria set** to its managers and to whoever sees one of its rounds;
* a **score** is visible with its assessment, or to the unit it is routed to;
* **results** are the managers' until the round is published, then everyone's (no
  login), with last year's figures only if last year was published as well.

Anything outside that is a 404 like a row that does not exist. Writes go through the
services: a caller who sees the score but may not act answers a 403 problem, a broken
rule (round not open, points out of range, reason missing) a 400 problem in Vietnamese.
"""

from collections import defaultdict
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from cchc.accounts.auth import session_auth, token_auth
from cchc.core.pagination import Pagination
from cchc.scoring import exports, services
from cchc.scoring.choices import AssessmentStatus, RoundStatus
from cchc.scoring.models import Assessment, AssessmentRound, CriteriaSet, Criterion, Score
from cchc.scoring.policies import assessment_policy, criteria_set_policy, round_policy, score_policy
from cchc.scoring.schemas import (
    CriteriaSetDetailOut,
    CriteriaSetOut,
    RoundDetailOut,
    RoundOut,
    RoundResultsOut,
    ScoreAppraisalIn,
    ScoreOut,
    ScoreSelfIn,
)
from cchc.scoring.selectors import RoundResults, published_rounds, round_progress, round_results

router = Router(tags=["Chỉ số CCHC"])


# -- scoped reads --------------------------------------------------------------------------------


def assessments_visible_to(user: Any) -> QuerySet[Assessment]:
    """Assessments the user sees whole (``assessment_policy``) or in part (scores routed to the user's unit)."""
    routed = score_policy.scope(user, "appraise").values("assessment_id")
    return Assessment.objects.filter(Q(pk__in=assessment_policy.scope(user, "view").values("pk")) | Q(pk__in=routed))


def rounds_visible_to(user: Any) -> QuerySet[AssessmentRound]:
    """Rounds the user manages or takes part in (sees an assessment of)."""
    return AssessmentRound.objects.filter(
        Q(pk__in=round_policy.scope(user, "view").values("pk"))
        | Q(pk__in=assessments_visible_to(user).values("round_id"))
    ).select_related("criteria_set__cohort", "criteria_set__unit")


def sets_visible_to(user: Any) -> QuerySet[CriteriaSet]:
    """Criteria sets the user manages, and those of the rounds the user sees."""
    return CriteriaSet.objects.filter(
        Q(pk__in=criteria_set_policy.scope(user, "view").values("pk"))
        | Q(pk__in=rounds_visible_to(user).values("criteria_set_id"))
    ).select_related("cohort", "unit")


def _get_or_404(qs: QuerySet[Any], **lookup: Any) -> Any:
    found = qs.filter(**lookup).first()
    if found is None:
        raise Http404
    return found


def _scores(qs: QuerySet[Score]) -> QuerySet[Score]:
    return qs.select_related("criterion", "appraising_unit", "assessment__unit").order_by(
        "assessment__unit__tree_key", "criterion__tree_key"
    )


def _score_for_user(user: Any, score_id: int) -> Score:
    """A score the user sees (``score_policy`` "view"), else 404; acting on it is the service's check."""
    score: Score = score_policy.get_for_user(user, "view", _scores(Score.objects.all()), pk=score_id)
    return score


# -- criteria sets -------------------------------------------------------------------------------


@router.get(
    "/scoring/sets",
    response=list[CriteriaSetOut],
    operation_id="scoring_sets_list",
    summary="Danh sách bộ tiêu chí Chỉ số CCHC",
    description=(
        "Bộ tiêu chí bạn quản lý, và bộ tiêu chí của các đợt đánh giá bạn tham gia; năm áp dụng mới nhất trước."
    ),
)
@paginate(Pagination)
def scoring_sets_list(request: HttpRequest) -> QuerySet[CriteriaSet]:
    return sets_visible_to(request.user).order_by("-year_from", "cohort__code", "code")


def _criteria_tree(criteria_set: CriteriaSet) -> list[dict[str, Any]]:
    """The set's criteria as nested nodes, each level in natural code order ("1.2" before "1.10")."""
    nodes: dict[int, dict[str, Any]] = {}
    children: dict[int | None, list[dict[str, Any]]] = defaultdict(list)
    for criterion in Criterion.objects.filter(criteria_set=criteria_set).select_related("appraising_unit"):
        node = {
            "id": criterion.pk,
            "code": criterion.code,
            "name": criterion.name,
            "max_points": criterion.max_points,
            "evidence_required": criterion.evidence_required,
            "appraising_unit_code": criterion.appraising_unit.code if criterion.appraising_unit else None,
            "na_policy": criterion.na_policy,
            "rule_kind": criterion.rule_kind,
            "auto_source": criterion.auto_source,
            "children": [],
        }
        nodes[criterion.pk] = node
        children[criterion.parent_id].append(node)
    for parent_id, kids in children.items():
        if parent_id is not None and parent_id in nodes:
            nodes[parent_id]["children"] = kids
    return children[None]


@router.get(
    "/scoring/sets/{set_id}",
    response=CriteriaSetDetailOut,
    operation_id="scoring_sets_detail",
    summary="Bộ tiêu chí và cây tiêu chí",
    description=(
        "Một bộ tiêu chí với cây lĩnh vực → tiêu chí → tiêu chí con, điểm tối đa và cách chấm của từng tiêu chí."
    ),
)
def scoring_sets_detail(request: HttpRequest, set_id: int) -> CriteriaSet:
    criteria_set: CriteriaSet = _get_or_404(sets_visible_to(request.user), pk=set_id)
    criteria_set.criteria_tree = _criteria_tree(criteria_set)  # type: ignore[attr-defined]
    return criteria_set


# -- rounds --------------------------------------------------------------------------------------


class RoundFilter(Schema):
    year: int | None = None
    status: RoundStatus | None = None


@router.get(
    "/scoring/rounds",
    response=list[RoundOut],
    operation_id="scoring_rounds_list",
    summary="Danh sách đợt đánh giá",
    description="Đợt đánh giá bạn quản lý hoặc có bản tự đánh giá, tiêu chí thẩm định của bạn; năm mới nhất trước.",
)
@paginate(Pagination)
def scoring_rounds_list(request: HttpRequest, filters: Query[RoundFilter]) -> QuerySet[AssessmentRound]:
    qs = rounds_visible_to(request.user)
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.status is not None:
        qs = qs.filter(status=filters.status)
    return qs.order_by("-year", "criteria_set__cohort__code", "pk")


@router.get(
    "/scoring/rounds/{round_id}",
    response=RoundDetailOut,
    operation_id="scoring_rounds_detail",
    summary="Đợt đánh giá và tiến độ",
    description=(
        "Trạng thái và tiến độ của đợt: với mỗi bản tự đánh giá bạn được xem, số tiêu chí đã tự chấm, đã thẩm định, "
        "bị trả lại; người quản lý đợt thấy mọi đơn vị và tiến độ của từng đơn vị thẩm định."
    ),
)
def scoring_rounds_detail(request: HttpRequest, round_id: int) -> AssessmentRound:
    user = request.user
    assessment_round: AssessmentRound = _get_or_404(rounds_visible_to(user), pk=round_id)
    can_manage = round_policy.user_can(user, "view", assessment_round)
    units, appraisers = round_progress(assessment_round=assessment_round)
    if not can_manage:
        visible = set(assessments_visible_to(user).filter(round=assessment_round).values_list("pk", flat=True))
        units = [row for row in units if row.assessment.pk in visible]
        appraisers = []
    assessments = [
        {
            "assessment_id": row.assessment.pk,
            "unit_code": row.assessment.unit.code,
            "unit_name": row.assessment.unit.name,
            "status": row.assessment.status,
            "status_label": row.assessment.get_status_display(),
            "submitted_at": row.assessment.submitted_at,
            "criteria": row.criteria,
            "self_scored": row.self_scored,
            "appraised": row.appraised,
            "returned": row.returned,
        }
        for row in units
    ]
    figures = {
        "can_manage": can_manage,
        "assessments": assessments,
        "appraisers": [
            {
                "unit_code": a.unit_code,
                "unit_name": a.unit_name,
                "pending": a.pending,
                "done": a.done,
                "returned": a.returned,
            }
            for a in appraisers
        ],
        "totals": {
            "units": len(units),
            "submitted": sum(1 for row in units if row.assessment.status == AssessmentStatus.SUBMITTED),
            "criteria": sum(row.criteria for row in units),
            "self_scored": sum(row.self_scored for row in units),
            "appraised": sum(row.appraised for row in units),
            "returned": sum(row.returned for row in units),
        },
    }
    # RoundDetailOut reads the round's own fields, and these figures through its resolvers.
    assessment_round.progress_figures = figures  # type: ignore[attr-defined]
    return assessment_round


# -- scores --------------------------------------------------------------------------------------


@router.get(
    "/scoring/assessments/{assessment_id}/scores",
    response=list[ScoreOut],
    operation_id="scoring_assessment_scores",
    summary="Điểm các tiêu chí của một bản tự đánh giá",
    description=(
        "Điểm tự chấm, điểm tính tự động, điểm và trạng thái thẩm định của từng tiêu chí bạn được xem: "
        "cả bản với đơn vị và người quản lý đợt, chỉ các tiêu chí giao cho đơn vị thẩm định của bạn "
        "với người thẩm định."
    ),
)
@paginate(Pagination)
def scoring_assessment_scores(request: HttpRequest, assessment_id: int) -> QuerySet[Score]:
    user = request.user
    assessment: Assessment = _get_or_404(assessments_visible_to(user), pk=assessment_id)
    return _scores(score_policy.scope(user, "view", Score.objects.filter(assessment=assessment)))


@router.post(
    "/scoring/scores/{score_id}/self",
    response=ScoreOut,
    operation_id="scoring_scores_self",
    summary="Tự chấm điểm một tiêu chí",
    description=(
        "Điểm tự chấm (hoặc không phát sinh) và giải trình của đơn vị, khi đợt đang mở và bản chưa gửi thẩm định, "
        "hoặc với tiêu chí bị trả lại. Dành cho đầu mối CCHC của đơn vị."
    ),
)
def scoring_scores_self(request: HttpRequest, score_id: int, payload: ScoreSelfIn) -> Score:
    score = _score_for_user(request.user, score_id)
    services.score_self(
        actor=request.user,
        score=score,
        points=payload.points,
        explanation=payload.explanation,
        not_applicable=payload.not_applicable,
    )
    return _score_for_user(request.user, score_id)


@router.post(
    "/scoring/scores/{score_id}/appraisal",
    response=ScoreOut,
    operation_id="scoring_scores_appraise",
    summary="Thẩm định một tiêu chí",
    description=(
        "Quyết định của đơn vị thẩm định trên tiêu chí của bản đã gửi: đồng ý (accept), điều chỉnh điểm có lý do "
        "(change) hoặc trả lại để giải trình (return)."
    ),
)
def scoring_scores_appraise(request: HttpRequest, score_id: int, payload: ScoreAppraisalIn) -> Score:
    score = _score_for_user(request.user, score_id)
    services.score_appraise(
        actor=request.user, score=score, decision=str(payload.decision), points=payload.points, reason=payload.reason
    )
    return _score_for_user(request.user, score_id)


# -- results -------------------------------------------------------------------------------------


def _anyone(request: HttpRequest) -> bool:
    """Lets a request without credentials through; the endpoint decides what it may see."""
    return True


def _results_body(results: RoundResults) -> dict[str, Any]:
    assessment_round = results.round
    return {
        "round": assessment_round,
        "published": assessment_round.status == RoundStatus.PUBLISHED,
        "domains": [
            {"code": d.code, "name": d.name, "max_points": d.max_points} for d in exports.domain_columns(results)
        ],
        "bands": [
            {"threshold": threshold, "label": label} for threshold, label in assessment_round.criteria_set.band_table()
        ],
        "units": [
            {
                "rank": row.rank,
                "unit_code": row.unit_code,
                "unit_name": row.unit_name,
                "points": row.result.points,
                "maximum": row.result.maximum,
                "percent": row.result.percent,
                "band": row.result.band,
                "survey_points": row.result.survey_points,
                "survey_maximum": row.result.survey_maximum,
                "self_points": row.result.self_points,
                "unscored": row.result.unscored,
                "previous_percent": row.previous_percent,
                "change": row.change,
                "domains": [
                    {"code": d.domain, "points": d.points, "maximum": d.maximum, "unscored": d.unscored}
                    for d in row.result.domains
                ],
            }
            for row in results.units
        ],
    }


@router.get(
    "/scoring/rounds/{round_id}/results",
    response=RoundResultsOut,
    auth=[token_auth, session_auth, _anyone],
    # Appended to the two schemes: "{}" marks credentials as optional (OpenAPI 3), a published round needs none.
    openapi_extra={"security": [{}]},
    operation_id="scoring_rounds_results",
    summary="Kết quả và xếp hạng của đợt đánh giá",
    description=(
        "Chỉ số, xếp loại, thứ hạng trong nhóm (đồng hạng khi bằng Chỉ số), điểm từng lĩnh vực và tăng/giảm so với "
        "năm trước. Người quản lý đợt xem được bất cứ lúc nào (kết quả tạm tính trước khi khóa); sau khi công bố, "
        "mọi người xem được, không cần xác thực."
    ),
)
def scoring_rounds_results(request: HttpRequest, round_id: int) -> dict[str, Any]:
    managed = round_policy.scope(request.user, "view").select_related("criteria_set__cohort", "criteria_set__unit")
    assessment_round = managed.filter(pk=round_id).first()
    if assessment_round is not None:
        return _results_body(round_results(assessment_round=assessment_round))
    published = _get_or_404(published_rounds().select_related("criteria_set__unit"), pk=round_id)
    return _results_body(exports.public_round_results(assessment_round=published))

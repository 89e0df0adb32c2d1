"""Refreshing the auto-scored criteria of a round from live data (``scoring.sources``).

For every score whose criterion names an ``auto_source``, the source's figure for the
unit and the round's year goes through the criterion's rule:

* a rate rule (linear, linear to a target, bands) takes the rate;
* a deduction rule takes the number of faults (``SourceValue.faults``: tasks missed,
  late dossiers, late dossiers without apology …; 0 when nothing happened, so full
  points); a source that is a score, not a count (Decision 766), gives no points;
* a binary rule is met when the rate is 100 % (every task on time, every late
  dossier apologised for);
* a rule that takes no data (manual, survey: refused for auto sources by
  ``services.criteria_errors``) gives no points.

A figure without denominator (nothing to measure: no late dossier, no task due)
gives no points; the detail says why and the criterion stays with the unit. The
figures are stored beside the points (``auto_value``, ``auto_points``,
``auto_detail``); they never count in the index by themselves. When the unit has
not self-scored the criterion yet, the rounded auto points become its self score
(with a ``ScoreChange`` of kind AUTO); a self score already there is never touched,
and the appraiser overrides as for any criterion (``score_appraise`` "change" with a
reason).
"""

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.audit.services import audit_record
from cchc.core.errors import ApplicationError, PermissionDeniedError
from cchc.organizations.models import OrgUnit
from cchc.scoring import calculations
from cchc.scoring.choices import AutoSource, RoundStatus, ScoreChangeKind
from cchc.scoring.models import AssessmentRound, Criterion, Score, ScoreChange
from cchc.scoring.policies import round_policy
from cchc.scoring.sources import SourceValue, source_values

#: ``Score.auto_value`` keeps four decimals.
_VALUE_PLACES = Decimal("0.0001")
_RATE_KINDS = frozenset(
    {calculations.RuleKind.LINEAR, calculations.RuleKind.LINEAR_TO_TARGET, calculations.RuleKind.BANDS}
)


def measured_value(figure: SourceValue, kind: calculations.RuleKind) -> Decimal | bool | int | None:
    """What a rule of ``kind`` takes from ``figure`` (module docstring); ``None``: no points."""
    if kind is calculations.RuleKind.DEDUCTION:
        return figure.faults
    if figure.value is None:
        return None
    if kind is calculations.RuleKind.BINARY:
        return figure.value == 1
    if kind in _RATE_KINDS:
        return figure.value
    return None


def _stored_value(value: Decimal | bool | int | None) -> Decimal | None:
    if value is None:
        return None
    return Decimal(int(value)) if isinstance(value, bool) else Decimal(value).quantize(_VALUE_PLACES, ROUND_HALF_UP)


def _auto_fields(
    criterion: Criterion, source: str, figure: SourceValue
) -> tuple[Decimal | None, Decimal | None, dict[str, Any]]:
    """``(auto_value, auto_points, auto_detail)`` of one score, as they are stored."""
    rule = criterion.rule()
    value = measured_value(figure, rule.kind)
    points = calculations.rule_score(rule, criterion.max_points, value)
    detail = {"source": source, **figure.as_json(), "measured": None if value is None else str(_stored_value(value))}
    return _stored_value(value), None if points is None else calculations.round_points(points), detail


def auto_scores_refresh(*, actor: Any, assessment_round: AssessmentRound, today: dt.date | None = None) -> int:
    """Recompute every auto-scored criterion of an open round from live data; the number of scores changed.

    ``actor`` is a manager of the round (``round_policy`` "manage") or ``None`` for the
    system (the ``refresh_auto_scores`` command). Per score: ``auto_value``,
    ``auto_points`` and ``auto_detail`` (the figure's numerator, denominator, period,
    sentence and drill-down) are rewritten, and an empty self score is prefilled with
    the auto points (module docstring). A score counts as changed when any of these
    moved, so a second run on the same data returns 0. One transaction, one audit
    row (``assessment_round.auto_refresh``) whatever the count; a fixed number of
    queries per source used, whatever the number of units.

    Raises ``PermissionDeniedError`` for an actor who does not manage the round,
    ``ApplicationError`` (``scoring.round_not_open``) unless the round is open.
    """
    if actor is not None and not round_policy.user_can(actor, "manage", assessment_round):
        raise PermissionDeniedError(_("Bạn không có quyền cập nhật số liệu tự động của đợt đánh giá này."))
    with transaction.atomic():
        assessment_round = (
            AssessmentRound.objects.select_for_update(of=("self",))
            .select_related("criteria_set__unit")
            .get(pk=assessment_round.pk)
        )
        if assessment_round.status != RoundStatus.OPEN:
            raise ApplicationError(
                _("Đợt đánh giá năm %(year)d đang ở trạng thái '%(status)s', không cập nhật được số liệu tự động.")
                % {"year": assessment_round.year, "status": RoundStatus(assessment_round.status).label},
                code="scoring.round_not_open",
            )
        scores = list(
            Score.objects.filter(assessment__round=assessment_round)
            .exclude(criterion__auto_source=AutoSource.NONE)
            .select_related("criterion", "assessment__unit")
            .order_by("assessment__unit__tree_key", "criterion__tree_key")
        )
        units: dict[str, dict[int, OrgUnit]] = defaultdict(dict)
        for score in scores:
            units[score.criterion.auto_source][score.assessment.unit_id] = score.assessment.unit
        figures = {
            source: source_values(source=source, units=by_id.values(), year=assessment_round.year, today=today)
            for source, by_id in units.items()
        }
        now = timezone.now()
        user = actor if getattr(actor, "is_authenticated", False) else None
        changed: list[Score] = []
        history: list[ScoreChange] = []
        for score in scores:
            source = score.criterion.auto_source
            figure = figures[source][score.assessment.unit_id]
            value, points, detail = _auto_fields(score.criterion, source, figure)
            dirty = (score.auto_value, score.auto_points, score.auto_detail) != (value, points, detail)
            score.auto_value, score.auto_points, score.auto_detail = value, points, detail
            if score.self_score is None and not score.not_applicable and points is not None:
                score.self_score = points
                history.append(
                    ScoreChange(
                        score=score,
                        at=now,
                        actor=user,
                        kind=ScoreChangeKind.AUTO,
                        old_value=None,
                        new_value=points,
                        reason=figure.detail,
                    )
                )
                dirty = True
            if dirty:
                changed.append(score)
        Score.objects.bulk_update(changed, ["auto_value", "auto_points", "auto_detail", "self_score"], batch_size=500)
        ScoreChange.objects.bulk_create(history)
        audit_record(
            actor=actor,
            action="assessment_round.auto_refresh",
            obj=assessment_round,
            unit=assessment_round.criteria_set.unit,
            changes={"scores": [None, len(changed)]},
        )
    return len(changed)

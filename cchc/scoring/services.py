"""Every write of the PAR index: criteria sets, rounds, self-scoring, appraisal, survey points.

Each service runs in one transaction, re-checks the policy (``PermissionDeniedError``
otherwise; ``actor=None`` is the system — a management command or the demo loader —
and passes, as in the other apps' imports), validates with Vietnamese messages
(``ApplicationError``), writes the audit row and, for scores, a
:class:`~cchc.scoring.models.ScoreChange` history row. The round's state machine is
``choices.ROUND_TRANSITIONS``.
"""

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.audit.services import audit_record, diff, snapshot
from cchc.core.errors import ApplicationError, PermissionDeniedError
from cchc.organizations.models import Cohort, OrgUnit
from cchc.scoring import calculations
from cchc.scoring.choices import (
    ROUND_TRANSITIONS,
    AppraisalStatus,
    AssessmentStatus,
    AutoSource,
    NaPolicy,
    RoundStatus,
    RuleKind,
    ScoreChangeKind,
)
from cchc.scoring.models import Assessment, AssessmentRound, CriteriaSet, Criterion, Score, ScoreChange
from cchc.scoring.policies import assessment_policy, criteria_set_policy, round_policy, score_policy

_CODE = re.compile(r"^\d+(\.\d+)*$")


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDeniedError(message)


def tree_key(code: str) -> str:
    """A sort key that orders codes naturally: ``"1.2"`` before ``"1.10"``."""
    return ".".join(f"{int(part):04d}" for part in code.split("."))


# -- criteria sets ---------------------------------------------------------------------


@dataclass
class CriterionSpec:
    """One criterion of a set as a file or the bundled data gives it (``line`` locates errors)."""

    code: str
    name: str
    max_points: Decimal
    evidence_required: str = ""
    appraising_unit_code: str = ""
    na_policy: str = NaPolicy.REMOVE
    rule_kind: str = RuleKind.MANUAL
    rule_bands: list[list[str]] = field(default_factory=list)
    rule_target: Decimal | None = None
    rule_deduction: Decimal = Decimal(0)
    rule_floor: Decimal = Decimal(0)
    rule_scale_max: Decimal | None = None
    auto_source: str = AutoSource.NONE
    line: int | None = None


def _where(spec: CriterionSpec) -> str:
    if spec.line is not None:
        return _("dòng %(line)d (tiêu chí %(code)s)") % {"line": spec.line, "code": spec.code}
    return _("tiêu chí %(code)s") % {"code": spec.code}


def _rule(spec: CriterionSpec) -> calculations.Rule:
    return calculations.Rule(
        kind=calculations.RuleKind(spec.rule_kind),
        bands=tuple((Decimal(str(rate)), Decimal(str(points))) for rate, points in spec.rule_bands),
        target=spec.rule_target,
        deduction=spec.rule_deduction,
        floor=spec.rule_floor,
        scale_max=spec.rule_scale_max,
    )


def criteria_errors(specs: Sequence[CriterionSpec], *, units: Mapping[str, OrgUnit]) -> list[str]:
    """Every problem of a criteria tree, each located (line or code); empty when it is sound.

    Codes are numbers separated by dots (``3.2.1``), unique, each with its parent present
    (``3.2`` for ``3.2.1``); maxima are positive and a parent's maximum is the sum of its
    children's; choices are known; leaves' rules are consistent
    (``calculations.rule_errors``); appraising units exist; an auto-scored criterion
    uses a rule that takes a rate or a count.
    """
    errors: list[str] = []
    codes = {spec.code for spec in specs}
    seen: set[str] = set()
    children: dict[str, list[CriterionSpec]] = {}
    for spec in specs:
        where = _where(spec)
        if not _CODE.match(spec.code):
            errors.append(_("%(where)s: mã phải là các số cách nhau bởi dấu chấm, ví dụ 3.2.1") % {"where": where})
            continue
        if spec.code in seen:
            errors.append(_("%(where)s: mã bị lặp") % {"where": where})
        seen.add(spec.code)
        if "." in spec.code:
            parent = spec.code.rsplit(".", 1)[0]
            if parent not in codes:
                errors.append(_("%(where)s: thiếu tiêu chí cha %(parent)s") % {"where": where, "parent": parent})
            children.setdefault(parent, []).append(spec)
        if not spec.name.strip():
            errors.append(_("%(where)s: thiếu tên tiêu chí") % {"where": where})
        if spec.max_points <= 0:
            errors.append(_("%(where)s: điểm tối đa phải lớn hơn 0") % {"where": where})
        if spec.appraising_unit_code and spec.appraising_unit_code not in units:
            errors.append(
                _("%(where)s: không có đơn vị thẩm định mã '%(code)s'")
                % {"where": where, "code": spec.appraising_unit_code}
            )
        if spec.na_policy not in NaPolicy.values:
            errors.append(_("%(where)s: cách xử lý không phát sinh không hợp lệ") % {"where": where})
        if spec.rule_kind not in RuleKind.values:
            errors.append(_("%(where)s: cách chấm '%(kind)s' không hợp lệ") % {"where": where, "kind": spec.rule_kind})
        if spec.auto_source not in AutoSource.values:
            errors.append(
                _("%(where)s: nguồn số liệu '%(source)s' không hợp lệ") % {"where": where, "source": spec.auto_source}
            )
    for spec in specs:
        kids = children.get(spec.code)
        where = _where(spec)
        if kids:
            total = sum((kid.max_points for kid in kids), Decimal(0))
            if total != spec.max_points:
                errors.append(
                    _("%(where)s: điểm tối đa %(max)s khác tổng điểm các tiêu chí con %(total)s")
                    % {"where": where, "max": calculations.fmt(spec.max_points), "total": calculations.fmt(total)}
                )
            continue
        if spec.rule_kind in RuleKind.values and spec.max_points > 0:
            errors.extend(f"{where}: {message}" for message in calculations.rule_errors(_rule(spec), spec.max_points))
            takes_data = spec.rule_kind in {
                RuleKind.BANDS, RuleKind.LINEAR, RuleKind.LINEAR_TO_TARGET, RuleKind.DEDUCTION, RuleKind.BINARY,
            }  # fmt: skip
            if spec.auto_source and not takes_data:
                errors.append(
                    _("%(where)s: tiêu chí lấy số liệu tự động phải chấm theo tỷ lệ, ngưỡng, trừ điểm hoặc đạt/không")
                    % {"where": where}
                )
    return errors


def criteria_set_create(
    *,
    actor: Any,
    unit: OrgUnit,
    code: str,
    name: str,
    cohort: Cohort,
    year_from: int,
    year_to: int | None = None,
    decision: str = "",
    note: str = "",
    survey_maximum: Decimal = Decimal(0),
    bands: Sequence[tuple[Decimal, str]] = calculations.DEFAULT_BANDS,
    criteria: Sequence[CriterionSpec],
) -> CriteriaSet:
    """Create a criteria set with its whole tree in one transaction, or nothing (``ApplicationError``).

    ``extra["errors"]`` of the error lists every problem found, each located. ``actor``
    ``None`` is the system (commands, demo): no policy check, audited as such.
    """
    if actor is not None:  # None: the system (a management command or the demo), as the other imports allow
        probe = CriteriaSet(unit=unit)
        _require(
            actor is None or criteria_set_policy.user_can(actor, "change", probe),
            _("Bạn không có quyền ban hành bộ tiêu chí."),
        )
    units = {u.code: u for u in OrgUnit.objects.filter(code__in={s.appraising_unit_code for s in criteria} - {""})}
    errors = criteria_errors(criteria, units=units)
    errors.extend(f"{_('Xếp loại')}: {message}" for message in calculations.band_errors(bands))
    if year_to is not None and year_to < year_from:
        errors.append(_("Năm kết thúc trước năm bắt đầu."))
    if not criteria:
        errors.append(_("Bộ tiêu chí chưa có tiêu chí nào."))
    if CriteriaSet.objects.filter(code=code).exists():
        errors.append(_("Đã có bộ tiêu chí mã '%(code)s'.") % {"code": code})
    if errors:
        raise ApplicationError(
            _("Bộ tiêu chí có %(n)d lỗi: %(first)s") % {"n": len(errors), "first": errors[0]},
            code="scoring.invalid_set",
            extra={"errors": errors},
        )
    with transaction.atomic():
        criteria_set = CriteriaSet.objects.create(
            code=code,
            name=name,
            unit=unit,
            cohort=cohort,
            year_from=year_from,
            year_to=year_to,
            decision=decision,
            note=note,
            survey_maximum=survey_maximum,
            bands=[[str(threshold), band] for threshold, band in bands],
        )
        by_code: dict[str, Criterion] = {}
        for spec in sorted(criteria, key=lambda s: tree_key(s.code)):
            parent = by_code.get(spec.code.rsplit(".", 1)[0]) if "." in spec.code else None
            by_code[spec.code] = Criterion.objects.create(
                criteria_set=criteria_set,
                parent=parent,
                code=spec.code,
                tree_key=tree_key(spec.code),
                name=spec.name.strip(),
                max_points=spec.max_points,
                evidence_required=spec.evidence_required,
                appraising_unit=units.get(spec.appraising_unit_code),
                na_policy=spec.na_policy,
                rule_kind=spec.rule_kind,
                rule_bands=[[str(rate), str(points)] for rate, points in spec.rule_bands],
                rule_target=spec.rule_target,
                rule_deduction=spec.rule_deduction,
                rule_floor=spec.rule_floor,
                rule_scale_max=spec.rule_scale_max,
                auto_source=spec.auto_source,
            )
        audit_record(
            actor=actor,
            action="criteria_set.create",
            obj=criteria_set,
            unit=unit,
            changes={"criteria": [None, len(criteria)], "year_from": [None, year_from]},
        )
    return criteria_set


def leaves(criteria_set: CriteriaSet) -> list[Criterion]:
    """The scored criteria of a set (those without children), in tree order."""
    return list(criteria_set.criteria.filter(children__isnull=True).order_by("tree_key"))


def appraising_unit_of(criterion: Criterion, by_id: Mapping[int, Criterion]) -> OrgUnit | None:
    """The criterion's appraising unit, or its nearest ancestor's."""
    node: Criterion | None = criterion
    while node is not None:
        if node.appraising_unit_id is not None:
            return node.appraising_unit
        node = by_id.get(node.parent_id) if node.parent_id else None
    return None


# -- rounds ----------------------------------------------------------------------------


def round_create(
    *, actor: Any, criteria_set: CriteriaSet, year: int, self_deadline: dt.date | None = None
) -> AssessmentRound:
    """A draft round of ``year`` with ``criteria_set`` (which must cover the year)."""
    probe = AssessmentRound(criteria_set=criteria_set)
    _require(actor is None or round_policy.user_can(actor, "manage", probe), _("Bạn không có quyền tạo đợt đánh giá."))
    if not criteria_set.covers(year):
        raise ApplicationError(
            _("Bộ tiêu chí %(set)s không áp dụng cho năm %(year)d.") % {"set": criteria_set.code, "year": year},
            code="scoring.set_year",
        )
    if AssessmentRound.objects.filter(criteria_set=criteria_set, year=year).exists():
        raise ApplicationError(
            _("Đã có đợt đánh giá năm %(year)d với bộ tiêu chí này.") % {"year": year}, code="scoring.round_exists"
        )
    with transaction.atomic():
        assessment_round = AssessmentRound.objects.create(
            criteria_set=criteria_set, year=year, self_deadline=self_deadline
        )
        audit_record(
            actor=actor,
            action="assessment_round.create",
            obj=assessment_round,
            unit=criteria_set.unit,
            changes={"year": [None, year]},
        )
    return assessment_round


def _transition(assessment_round: AssessmentRound, target: str) -> None:
    if target not in ROUND_TRANSITIONS[assessment_round.status]:
        raise ApplicationError(
            _("Không thể chuyển đợt đánh giá từ '%(old)s' sang '%(new)s'.")
            % {
                "old": RoundStatus(assessment_round.status).label,
                "new": RoundStatus(target).label,
            },
            code="scoring.round_transition",
        )


def _cohort_units(assessment_round: AssessmentRound) -> list[OrgUnit]:
    """The cohort's members that existed at some time in the round's year."""
    year = assessment_round.year
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return list(
        assessment_round.criteria_set.cohort.members.filter(valid_from__lte=last)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=first))
        .order_by("tree_key")
    )


def round_open(*, actor: Any, assessment_round: AssessmentRound) -> AssessmentRound:
    """Open the round: an assessment for every unit of the cohort, a score for every leaf criterion.

    Re-opening a locked round only changes its status (assessments stay). Each score is
    routed to its criterion's appraising unit (or the nearest ancestor's).
    """
    _require(
        actor is None or round_policy.user_can(actor, "manage", assessment_round),
        _("Bạn không có quyền mở đợt đánh giá này."),
    )
    with transaction.atomic():
        assessment_round = AssessmentRound.objects.select_for_update(of=("self",)).get(pk=assessment_round.pk)
        _transition(assessment_round, RoundStatus.OPEN)
        first_opening = assessment_round.opened_at is None
        if first_opening:
            criteria = list(assessment_round.criteria_set.criteria.select_related("appraising_unit"))
            by_id = {c.pk: c for c in criteria}
            parents = {c.parent_id for c in criteria if c.parent_id}
            scored = [c for c in criteria if c.pk not in parents]
            routes = {c.pk: appraising_unit_of(c, by_id) for c in scored}
            units = _cohort_units(assessment_round)
            if not units:
                raise ApplicationError(
                    _("Nhóm %(cohort)s không có đơn vị nào trong năm %(year)d.")
                    % {"cohort": assessment_round.criteria_set.cohort.name, "year": assessment_round.year},
                    code="scoring.no_units",
                )
            assessments = Assessment.objects.bulk_create(
                [Assessment(round=assessment_round, unit=unit) for unit in units]
            )
            Score.objects.bulk_create(
                [
                    Score(assessment=assessment, criterion=criterion, appraising_unit=routes[criterion.pk])
                    for assessment in assessments
                    for criterion in scored
                ],
                batch_size=2_000,
            )
            assessment_round.opened_at = timezone.now()
        before = snapshot(assessment_round, ["status"])
        assessment_round.status = RoundStatus.OPEN
        assessment_round.save(update_fields=["status", "opened_at", "updated_at"])
        audit_record(
            actor=actor,
            action="assessment_round.open",
            obj=assessment_round,
            unit=assessment_round.criteria_set.unit,
            changes=diff(before, snapshot(assessment_round, ["status"])),
        )
    return assessment_round


def _round_move(
    *, actor: Any, assessment_round: AssessmentRound, target: str, stamp: str, action: str
) -> AssessmentRound:
    _require(
        actor is None or round_policy.user_can(actor, "manage", assessment_round),
        _("Bạn không có quyền quản lý đợt đánh giá này."),
    )
    with transaction.atomic():
        assessment_round = AssessmentRound.objects.select_for_update(of=("self",)).get(pk=assessment_round.pk)
        _transition(assessment_round, target)
        before = snapshot(assessment_round, ["status"])
        assessment_round.status = target
        setattr(assessment_round, stamp, timezone.now())
        assessment_round.save(update_fields=["status", stamp, "updated_at"])
        audit_record(
            actor=actor,
            action=action,
            obj=assessment_round,
            unit=assessment_round.criteria_set.unit,
            changes=diff(before, snapshot(assessment_round, ["status"])),
        )
    return assessment_round


def round_lock(*, actor: Any, assessment_round: AssessmentRound) -> AssessmentRound:
    """Lock the round: no more self-scoring, appraisal or survey points; unappraised criteria count 0."""
    return _round_move(
        actor=actor, assessment_round=assessment_round, target=RoundStatus.LOCKED, stamp="locked_at",
        action="assessment_round.lock",
    )  # fmt: skip


def round_publish(*, actor: Any, assessment_round: AssessmentRound) -> AssessmentRound:
    """Publish a locked round: its results and ranking become public, for good."""
    return _round_move(
        actor=actor, assessment_round=assessment_round, target=RoundStatus.PUBLISHED, stamp="published_at",
        action="assessment_round.publish",
    )  # fmt: skip


def _require_open(assessment_round: AssessmentRound) -> None:
    if assessment_round.status != RoundStatus.OPEN:
        raise ApplicationError(
            _("Đợt đánh giá năm %(year)d đang ở trạng thái '%(status)s', không sửa được điểm.")
            % {"year": assessment_round.year, "status": RoundStatus(assessment_round.status).label},
            code="scoring.round_not_open",
        )


# -- scores ----------------------------------------------------------------------------


def parse_points(value: Any, *, label: str) -> Decimal | None:
    """A points value typed by a person (``"8,5"`` or ``"8.5"``); ``None`` for blank; ``ApplicationError`` otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation as exc:
        raise ApplicationError(
            _("%(label)s: '%(value)s' không phải là số.") % {"label": label, "value": value}, code="scoring.points"
        ) from exc
    if not number.is_finite():
        raise ApplicationError(_("%(label)s: giá trị không hợp lệ.") % {"label": label}, code="scoring.points")
    return number


def _check_points(points: Decimal, criterion: Criterion, label: str) -> None:
    if points < 0 or points > criterion.max_points:
        raise ApplicationError(
            _("%(label)s của tiêu chí %(code)s phải từ 0 đến %(max)s (nhận %(value)s).")
            % {
                "label": label,
                "code": criterion.code,
                "max": calculations.fmt(criterion.max_points),
                "value": calculations.fmt(points),
            },
            code="scoring.points_range",
        )
    if points != points.quantize(Decimal("0.01")):
        raise ApplicationError(
            _("%(label)s của tiêu chí %(code)s chỉ được có hai chữ số thập phân.")
            % {"label": label, "code": criterion.code},
            code="scoring.points_precision",
        )


def _history(score: Score, *, actor: Any, kind: str, old: Decimal | None, new: Decimal | None, reason: str) -> None:
    user = actor if getattr(actor, "is_authenticated", False) else None
    ScoreChange.objects.create(
        score=score, at=timezone.now(), actor=user, kind=kind, old_value=old, new_value=new, reason=reason
    )


_SELF_FIELDS = ["self_score", "self_explanation", "not_applicable", "appraisal_status"]


def score_self(
    *, actor: Any, score: Score, points: Decimal | None, explanation: str = "", not_applicable: bool = False
) -> Score:
    """The unit's self score on one criterion (or "không phát sinh"), with its explanation.

    Allowed while the round is open and the assessment not yet submitted, or for a
    score the appraiser returned for clarification (which goes back to pending).
    """
    with transaction.atomic():
        score = (
            Score.objects.select_for_update(of=("self",))
            .select_related("criterion", "assessment__round")
            .get(pk=score.pk)
        )
        assessment = score.assessment
        _require(
            actor is None or assessment_policy.user_can(actor, "self_score", assessment),
            _("Bạn không có quyền tự chấm điểm."),
        )
        _require_open(assessment.round)
        returned = score.appraisal_status == AppraisalStatus.RETURNED
        if assessment.status == AssessmentStatus.SUBMITTED and not returned:
            raise ApplicationError(
                _("Bản tự đánh giá đã gửi thẩm định; chỉ sửa được tiêu chí bị trả lại."), code="scoring.submitted"
            )
        if not_applicable:
            points = None
        elif points is None:
            raise ApplicationError(
                _("Tiêu chí %(code)s: nhập điểm tự chấm hoặc chọn 'không phát sinh'.") % {"code": score.criterion.code},
                code="scoring.points_missing",
            )
        else:
            _check_points(points, score.criterion, _("Điểm tự chấm"))
        before = snapshot(score, _SELF_FIELDS)
        old = score.self_score
        score.self_score = points
        score.self_explanation = explanation.strip()
        score.not_applicable = not_applicable
        if returned:
            score.appraisal_status = AppraisalStatus.PENDING
        score.save(update_fields=_SELF_FIELDS)
        _history(score, actor=actor, kind=ScoreChangeKind.SELF, old=old, new=points, reason=score.self_explanation)
        audit_record(
            actor=actor,
            action="score.self",
            obj=score,
            unit=assessment.unit,
            changes=diff(before, snapshot(score, _SELF_FIELDS)),
        )
    return score


def assessment_submit(*, actor: Any, assessment: Assessment) -> Assessment:
    """Send the self-assessment to appraisal: every criterion must be self-scored or marked not applicable."""
    with transaction.atomic():
        assessment = (
            Assessment.objects.select_for_update(of=("self",)).select_related("round", "unit").get(pk=assessment.pk)
        )
        _require(
            actor is None or assessment_policy.user_can(actor, "self_score", assessment),
            _("Bạn không có quyền gửi bản này."),
        )
        _require_open(assessment.round)
        if assessment.status == AssessmentStatus.SUBMITTED:
            raise ApplicationError(_("Bản tự đánh giá đã được gửi."), code="scoring.already_submitted")
        missing = list(
            assessment.scores.filter(self_score__isnull=True, not_applicable=False)
            .order_by("criterion__tree_key")
            .values_list("criterion__code", flat=True)
        )
        if missing:
            shown = ", ".join(missing[:10]) + ("…" if len(missing) > 10 else "")
            raise ApplicationError(
                _("Còn %(n)d tiêu chí chưa tự chấm: %(codes)s.") % {"n": len(missing), "codes": shown},
                code="scoring.incomplete",
                extra={"missing": missing},
            )
        before = snapshot(assessment, ["status"])
        assessment.status = AssessmentStatus.SUBMITTED
        assessment.submitted_at = timezone.now()
        assessment.save(update_fields=["status", "submitted_at", "updated_at"])
        audit_record(
            actor=actor,
            action="assessment.submit",
            obj=assessment,
            unit=assessment.unit,
            changes=diff(before, snapshot(assessment, ["status"])),
        )
    return assessment


class AppraisalDecision:
    ACCEPT = "accept"
    CHANGE = "change"
    RETURN = "return"


_APPRAISAL_FIELDS = ["appraisal_status", "appraised_score", "appraisal_reason"]


def score_appraise(
    *, actor: Any, score: Score, decision: str, points: Decimal | None = None, reason: str = ""
) -> Score:
    """The appraising unit's decision on one criterion of a submitted assessment.

    * ``accept``: the appraised score is the self score (0 points' worth of "không phát
      sinh" follows the criterion's N/A policy in the index, not here);
    * ``change``: a different score, with a reason (required);
    * ``return``: back to the unit for clarification, with a reason (required).
    An auto-scored criterion may be overridden the same way (``change`` with a reason).
    """
    reason = reason.strip()
    with transaction.atomic():
        score = (
            Score.objects.select_for_update(of=("self",))
            .select_related("criterion", "assessment__round", "assessment__unit", "appraising_unit")
            .get(pk=score.pk)
        )
        _require(
            actor is None or score_policy.user_can(actor, "appraise", score),
            _("Bạn không có quyền thẩm định tiêu chí này."),
        )
        _require_open(score.assessment.round)
        if score.assessment.status != AssessmentStatus.SUBMITTED:
            raise ApplicationError(
                _("Đơn vị chưa gửi bản tự đánh giá; chưa thẩm định được."), code="scoring.not_submitted"
            )
        if score.appraisal_status == AppraisalStatus.RETURNED:
            raise ApplicationError(
                _("Tiêu chí %(code)s đang chờ đơn vị giải trình.") % {"code": score.criterion.code},
                code="scoring.awaiting_unit",
            )
        before = snapshot(score, _APPRAISAL_FIELDS)
        old = score.appraised_score
        if decision == AppraisalDecision.ACCEPT:
            new = score.self_score
            score.appraisal_status = AppraisalStatus.ACCEPTED
            kind = ScoreChangeKind.APPRAISAL
        elif decision == AppraisalDecision.CHANGE:
            if points is None:
                raise ApplicationError(_("Nhập điểm thẩm định."), code="scoring.points_missing")
            if not reason:
                raise ApplicationError(_("Điều chỉnh điểm phải ghi rõ lý do."), code="scoring.reason_missing")
            _check_points(points, score.criterion, _("Điểm thẩm định"))
            new = points
            score.appraisal_status = AppraisalStatus.CHANGED
            kind = ScoreChangeKind.APPRAISAL
        elif decision == AppraisalDecision.RETURN:
            if not reason:
                raise ApplicationError(_("Trả lại phải ghi rõ nội dung cần giải trình."), code="scoring.reason_missing")
            new = None
            score.appraisal_status = AppraisalStatus.RETURNED
            kind = ScoreChangeKind.RETURN
        else:
            raise ApplicationError(_("Quyết định thẩm định không hợp lệ."), code="scoring.decision")
        score.appraised_score = new
        score.appraisal_reason = reason
        score.appraised_at = timezone.now()
        score.save(update_fields=[*_APPRAISAL_FIELDS, "appraised_at"])
        _history(score, actor=actor, kind=kind, old=old, new=new, reason=reason)
        audit_record(
            actor=actor,
            action=f"score.appraise.{decision}",
            obj=score,
            unit=score.assessment.unit,
            changes=diff(before, snapshot(score, _APPRAISAL_FIELDS)),
        )
    return score


def survey_points_set(*, actor: Any, assessment: Assessment, points: Decimal | None) -> Assessment:
    """The sociological survey points of one unit (0 … the set's survey maximum), entered by the reform office."""
    with transaction.atomic():
        assessment = (
            Assessment.objects.select_for_update(of=("self",))
            .select_related("round__criteria_set", "unit")
            .get(pk=assessment.pk)
        )
        _require(
            actor is None or round_policy.user_can(actor, "manage", assessment.round),
            _("Bạn không có quyền nhập điểm điều tra."),
        )
        _require_open(assessment.round)
        maximum = assessment.round.criteria_set.survey_maximum
        if points is not None and not (0 <= points <= maximum):
            raise ApplicationError(
                _("Điểm điều tra của %(unit)s phải từ 0 đến %(max)s (nhận %(value)s).")
                % {"unit": assessment.unit.code, "max": calculations.fmt(maximum), "value": calculations.fmt(points)},
                code="scoring.survey_range",
            )
        before = snapshot(assessment, ["survey_points"])
        assessment.survey_points = points
        assessment.save(update_fields=["survey_points", "updated_at"])
        audit_record(
            actor=actor,
            action="assessment.survey_points",
            obj=assessment,
            unit=assessment.unit,
            changes=diff(before, snapshot(assessment, ["survey_points"])),
        )
    return assessment


@dataclass
class SurveyImportResult:
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def survey_points_import(
    *, actor: Any, assessment_round: AssessmentRound, rows: Iterable[tuple[int, str, str]], filename: str
) -> SurveyImportResult:
    """Survey points from ``(line, unit code, points)`` rows (a CSV), all or nothing.

    Every bad row is reported with file and line (unknown unit, not a number, out of
    range, a unit twice); when there is any, nothing is written.
    """
    _require(
        actor is None or round_policy.user_can(actor, "manage", assessment_round),
        _("Bạn không có quyền nhập điểm điều tra."),
    )
    by_unit = {a.unit.code: a for a in assessment_round.assessments.select_related("unit")}
    maximum = assessment_round.criteria_set.survey_maximum
    result = SurveyImportResult()
    parsed: list[tuple[Assessment, Decimal]] = []
    seen: dict[str, int] = {}
    for line, unit_code, text in rows:
        where = _("%(file)s, dòng %(line)d") % {"file": filename, "line": line}
        unit_code = unit_code.strip()
        assessment = by_unit.get(unit_code)
        if assessment is None:
            result.errors.append(
                _("%(where)s, cột unit_code: đơn vị '%(code)s' không thuộc đợt đánh giá")
                % {"where": where, "code": unit_code}
            )
            continue
        if unit_code in seen:
            result.errors.append(
                _("%(where)s, cột unit_code: đơn vị '%(code)s' đã có ở dòng %(first)d")
                % {"where": where, "code": unit_code, "first": seen[unit_code]}
            )
            continue
        seen[unit_code] = line
        try:
            points = parse_points(text, label=where)
        except ApplicationError as exc:
            result.errors.append(f"{exc.message}")
            continue
        if points is None or not (0 <= points <= maximum):
            result.errors.append(
                _("%(where)s, cột points: điểm phải từ 0 đến %(max)s")
                % {"where": where, "max": calculations.fmt(maximum)}
            )
            continue
        parsed.append((assessment, points))
    if result.errors:
        return result
    with transaction.atomic():
        for assessment, points in parsed:
            survey_points_set(actor=actor, assessment=assessment, points=points)
            result.updated += 1
    return result

"""PAR index workflow pages under ``/chi-so-cchc/`` (``scoring:``): rounds, self-assessment, appraisal.

* ``""`` (``home``): what the user has to do: the rounds they manage, their unit's
  assessments, the criteria waiting for their appraisal;
* ``dot/<id>/``: a round for its managers: status and transitions, progress per unit
  and per appraising unit, survey points from a CSV; ``dot/tao/`` creates a round;
* ``ban/<id>/``: a unit's assessment: the criteria tree with self and appraised
  scores side by side, evidence, history; the focal point self-scores each leaf in
  place (HTMX) and sends the whole for appraisal;
* ``tham-dinh/``: the appraiser's queue, filtered by round, unit and state (GET,
  HTMX), each score with an inline accept / change / return form.

Every object comes through a policy scope for the action at hand, so a round,
assessment, score or file outside it is a 404. Writes go through
``scoring.services`` (and ``scoring.evidence``): a domain error lands on the form
field it concerns, a refused permission is a 403. HTMX requests get the fragment they
swap (200, so that HTMX swaps it even when it carries an error); without HTMX the
same URLs redirect back with a message.
"""

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NoReturn
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import formats, timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

from cchc.core.errors import ApplicationError, PermissionDeniedError
from cchc.organizations.models import OrgUnit
from cchc.organizations.policies import user_grants
from cchc.scoring import selectors, services
from cchc.scoring.choices import AppraisalStatus, AssessmentStatus, RoundStatus
from cchc.scoring.evidence import (
    score_evidence_add,
    score_evidence_can_change,
    score_evidence_download,
    score_evidence_remove,
)
from cchc.scoring.forms import (
    AppraisalFilterForm,
    AppraisalForm,
    EvidenceUploadForm,
    RoundCreateForm,
    ScoreSelfForm,
    SurveyUploadForm,
)
from cchc.scoring.models import Assessment, AssessmentRound, CriteriaSet, Criterion, Score, ScoreChange, ScoreEvidence
from cchc.scoring.policies import assessment_policy, criteria_set_policy, round_policy, score_policy
from cchc.tasks.models import Task

QUEUE_PAGE_SIZE = 50
HOME_ASSESSMENTS = 100
_POINTS_CODES = {"scoring.points", "scoring.points_range", "scoring.points_precision", "scoring.points_missing"}


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


# -- rendering helpers -----------------------------------------------------------------


def _partial(request: HtmxHttpRequest) -> bool:
    """An HTMX request gets a fragment; a history restore needs the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def _render(request: HtmxHttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


def _redirect(request: HtmxHttpRequest, url: str) -> HttpResponse:
    """Redirect; an HTMX request is told to load the page instead of swapping it in."""
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _deny(exc: PermissionDeniedError) -> NoReturn:
    """A 403 for a user who sees the object but may not do this to it."""
    raise PermissionDenied(exc.message) from exc


def _form_messages(request: HttpRequest, form: forms.Form) -> None:
    """A form's errors as messages naming their field, for the page a POST without HTMX returns to."""
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = str(field.label) if field is not None else ""
        for error in errors:
            named = not label or str(error).startswith(label)  # the message names the field already
            messages.error(request, str(error) if named else f"{label}: {error}")


def typed_points(value: Decimal | None) -> str:
    """A points value as a person types it back (``"1,5"``, ``"2"``), in the active locale."""
    if value is None:
        return ""
    if value == value.to_integral_value():
        return str(int(value))
    return formats.number_format(value.normalize())


def auto_rate(score: Score) -> str:
    """The live-data rate of a score as a percentage (``"95,5 %"``), or ``""`` without one."""
    if score.auto_value is None:
        return ""
    return f"{typed_points((score.auto_value * 100).quantize(Decimal('0.01')))} %"


def _date(text: Any) -> str:
    try:
        return formats.date_format(dt.date.fromisoformat(str(text)), "d/m/Y")
    except ValueError:
        return str(text)


def auto_facts(score: Score) -> list[tuple[str, str]]:
    """What ``auto_detail`` says, labelled: the sentence, the counts, the period (``scoring.auto`` writes it)."""
    detail = score.auto_detail if isinstance(score.auto_detail, dict) else {}
    facts = []
    if detail.get("detail"):
        facts.append((_("Diễn giải"), str(detail["detail"])))
    if detail.get("denominator"):
        facts.append((_("Đạt / tổng số"), f"{detail.get('numerator', 0)} / {detail['denominator']}"))
    period = detail.get("period")
    if isinstance(period, dict) and period.get("from") and period.get("to"):
        facts.append((_("Kỳ số liệu"), f"{_date(period['from'])} – {_date(period['to'])}"))
    return facts


@dataclass(frozen=True)
class DrillLink:
    label: str
    url: str


def auto_links(score: Score) -> list[DrillLink]:
    """Where the auto-scored figure comes from, as links: the plan's tasks of the unit (and the ones
    not done on time), or the unit's Biểu 06 page for the months of the period."""
    detail = score.auto_detail if isinstance(score.auto_detail, dict) else {}
    drill = detail.get("drill_down")
    if not isinstance(drill, dict):
        return []
    unit_code = str(drill.get("unit_code", ""))
    links: list[DrillLink] = []
    if drill.get("kind") == "tasks":
        for plan_id in drill.get("plan_ids", [])[:3]:
            url = reverse("plans:plan_detail", args=[plan_id]) + "?" + urlencode({"don_vi": unit_code})
            links.append(DrillLink(_("Nhiệm vụ của đơn vị trong kế hoạch"), url))
        missed = Task.objects.filter(pk__in=drill.get("task_ids", [])[:20]).select_related("plan")
        for task in missed.order_by("plan_id", "position"):
            url = reverse("plans:plan_detail", args=[task.plan_id]) + f"#task-{task.code}"
            links.append(
                DrillLink(_("Chưa đúng hạn: %(code)s %(title)s") % {"code": task.code, "title": task.title}, url)
            )
    elif drill.get("kind") == "dossiers" and unit_code and drill.get("to"):
        last = dt.date.fromisoformat(str(drill["to"]))
        url = (
            reverse("dossiers:unit_detail", args=[unit_code]) + "?" + urlencode({"nam": last.year, "thang": last.month})
        )
        links.append(
            DrillLink(
                _("Biểu 06 của đơn vị (tháng %(month)d/%(year)d)") % {"month": last.month, "year": last.year}, url
            )
        )
    return links


# -- the start page --------------------------------------------------------------------


def _manageable_sets(user: Any) -> QuerySet[CriteriaSet]:
    return criteria_set_policy.scope(user, "change").select_related("cohort").order_by("cohort__code", "-year_from")


def _round_create_form(user: Any, data: Any = None, initial: dict[str, Any] | None = None) -> RoundCreateForm | None:
    sets = _manageable_sets(user)
    if not sets.exists():
        return None
    return RoundCreateForm(data, criteria_sets=sets, initial=initial or {"year": timezone.localdate().year})


@login_required
@require_safe
def home(request: HtmxHttpRequest) -> HttpResponse:
    """The user's PAR index work: rounds managed, the own unit's assessments, criteria to appraise."""
    user = request.user
    managed = selectors.rounds_for_user(user=user)
    rounds = managed.annotate(units=Count("assessments")).order_by("-year", "criteria_set__cohort__code")
    own_units = {grant.unit_id for grant in user_grants(user)}
    # The assessments of managed rounds are on the round pages; the user's own units' stay here.
    assessments = (
        selectors.assessments_for_user(user=user)
        .filter(Q(unit_id__in=own_units) | ~Q(round__in=managed.values("pk")))
        .order_by("-round__year", "unit__tree_key")[:HOME_ASSESSMENTS]
    )
    appraiser = score_policy.allows_any(user, "appraise")
    waiting = (
        selectors.scores_to_appraise(user=user)
        .filter(appraisal_status=AppraisalStatus.PENDING, assessment__round__status=RoundStatus.OPEN)
        .count()
        if appraiser
        else 0
    )
    context = {
        "rounds": rounds,
        "assessments": list(assessments),
        "appraiser": appraiser,
        "waiting": waiting,
        "create_form": _round_create_form(user),
    }
    return _render(request, "scoring/home.html", context)


# -- rounds ----------------------------------------------------------------------------


def _round_or_404(user: Any, round_id: int, action: str = "view") -> AssessmentRound:
    qs = AssessmentRound.objects.select_related("criteria_set__cohort", "criteria_set__unit")
    return round_policy.get_for_user(user, action, qs, pk=round_id)


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request: HtmxHttpRequest) -> HttpResponse:
    """A new round from a criteria set the user manages, for a year the set covers (a draft)."""
    form = _round_create_form(request.user, request.POST if request.method == "POST" else None)
    if form is None:
        raise PermissionDenied(_("Bạn không quản lý bộ tiêu chí nào nên không tạo được đợt đánh giá."))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.round_create(
                actor=request.user,
                criteria_set=data["criteria_set"],
                year=data["year"],
                self_deadline=data["self_deadline"],
            )
        except PermissionDeniedError as exc:
            _deny(exc)
        except ApplicationError as exc:
            form.add_error("year" if exc.code in {"scoring.set_year", "scoring.round_exists"} else None, exc.message)
        else:
            messages.success(request, _("Đã tạo đợt đánh giá %(round)s.") % {"round": created})
            return redirect("scoring:round_detail", created.pk)
    status = 400 if request.method == "POST" else 200
    return _render(request, "scoring/round_create.html", {"form": form}, status=status)


def _round_context(user: Any, assessment_round: AssessmentRound, **extra: Any) -> dict[str, Any]:
    units, appraisers = selectors.round_progress(assessment_round=assessment_round)
    context: dict[str, Any] = {
        "round": assessment_round,
        "units": units,
        "appraisers": appraisers,
        "submitted": sum(1 for row in units if row.assessment.status == AssessmentStatus.SUBMITTED),
        "can_manage": round_policy.user_can(user, "manage", assessment_round),
        "survey_form": SurveyUploadForm(),
        "survey_errors": [],
        "create_form": _round_create_form(
            user, initial={"criteria_set": assessment_round.criteria_set_id, "year": assessment_round.year + 1}
        ),
    }
    context.update(extra)
    return context


@login_required
@require_safe
def round_detail(request: HtmxHttpRequest, round_id: int) -> HttpResponse:
    """A round for its managers: status, transitions, progress, survey points, the link to results."""
    assessment_round = _round_or_404(request.user, round_id)
    return _render(request, "scoring/round_detail.html", _round_context(request.user, assessment_round))


_TRANSITIONS: dict[str, tuple[str | None, Callable[..., AssessmentRound], Any]] = {
    # action: (the status it starts from, the service, what to say when done)
    "open": (
        RoundStatus.DRAFT,
        services.round_open,
        gettext_lazy("Đã mở đợt đánh giá; các đơn vị bắt đầu tự chấm điểm."),
    ),
    "lock": (None, services.round_lock, gettext_lazy("Đã khóa đợt đánh giá; không còn sửa được điểm.")),
    "reopen": (RoundStatus.LOCKED, services.round_open, gettext_lazy("Đã mở lại đợt đánh giá.")),
    "publish": (None, services.round_publish, gettext_lazy("Đã công bố kết quả đợt đánh giá.")),
}


@login_required
@require_POST
def round_transition(request: HtmxHttpRequest, round_id: int, action: str) -> HttpResponse:
    """Open, lock, reopen or publish a round (``services``' transition table decides what is allowed)."""
    assessment_round = _round_or_404(request.user, round_id, "manage")
    source, service, done = _TRANSITIONS[action]
    if source is not None and assessment_round.status != source:
        messages.error(
            request,
            _("Đợt đánh giá đang ở trạng thái '%(status)s'; thao tác này không áp dụng.")
            % {"status": assessment_round.get_status_display()},
        )
    else:
        try:
            service(actor=request.user, assessment_round=assessment_round)
        except PermissionDeniedError as exc:
            _deny(exc)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, str(done))
    return _redirect(request, reverse("scoring:round_detail", args=[assessment_round.pk]))


@login_required
@require_POST
def survey_import(request: HtmxHttpRequest, round_id: int) -> HttpResponse:
    """Survey points of the round's units from a CSV, all or nothing, every bad row reported with its line."""
    assessment_round = _round_or_404(request.user, round_id, "manage")
    form = SurveyUploadForm(request.POST, request.FILES)
    errors: list[str] = []
    if form.is_valid():
        try:
            result = services.survey_points_import(
                actor=request.user,
                assessment_round=assessment_round,
                rows=form.cleaned_data["rows"],
                filename=form.cleaned_data["filename"],
            )
        except PermissionDeniedError as exc:
            _deny(exc)
        except ApplicationError as exc:
            errors = [exc.message]
        else:
            errors = result.errors
            if not errors:
                messages.success(
                    request,
                    ngettext(
                        "Đã cập nhật điểm điều tra xã hội học của %(n)d đơn vị.",
                        "Đã cập nhật điểm điều tra xã hội học của %(n)d đơn vị.",
                        result.updated,
                    )
                    % {"n": result.updated},
                )
                return _redirect(
                    request, reverse("scoring:round_detail", args=[assessment_round.pk]) + "#diem-dieu-tra"
                )
    else:
        errors = [str(error) for field_errors in form.errors.values() for error in field_errors]
    context = _round_context(request.user, assessment_round, survey_form=form, survey_errors=errors)
    if _partial(request):
        return _render(request, "scoring/partials/_survey_panel.html", context)
    return _render(request, "scoring/round_detail.html", context, status=400)


# -- the assessment page ---------------------------------------------------------------


@dataclass
class Leaf:
    """A scored criterion on the assessment page and what the viewing user may do to it now."""

    score: Score
    can_edit: bool
    form: ScoreSelfForm | None = None
    evidence_form: EvidenceUploadForm | None = None
    notice: str = ""
    error: str = ""

    @property
    def depth(self) -> int:
        return self.score.criterion.code.count(".")

    @property
    def auto_rate(self) -> str:
        return auto_rate(self.score)

    @property
    def auto_facts(self) -> list[tuple[str, str]]:
        return auto_facts(self.score)

    @property
    def auto_links(self) -> list[DrillLink]:
        return auto_links(self.score)


@dataclass
class TreeRow:
    criterion: Criterion
    depth: int
    leaf: Leaf | None


def _scores() -> QuerySet[Score]:
    return Score.objects.select_related(
        "criterion", "appraising_unit", "assessment__round__criteria_set", "assessment__unit"
    ).prefetch_related(
        Prefetch("evidence", queryset=ScoreEvidence.objects.order_by("created_at", "pk")),
        Prefetch("history", queryset=ScoreChange.objects.select_related("actor").order_by("at", "pk")),
    )


def _leaf(
    user: Any,
    score: Score,
    *,
    form: ScoreSelfForm | None = None,
    evidence_form: EvidenceUploadForm | None = None,
    notice: str = "",
    error: str = "",
) -> Leaf:
    can_edit = score_evidence_can_change(user=user, score=score)
    if can_edit and form is None:
        form = ScoreSelfForm(
            prefix=f"s{score.pk}",
            initial={
                "points": typed_points(score.self_score),
                "not_applicable": score.not_applicable,
                "explanation": score.self_explanation,
            },
        )
    if can_edit and evidence_form is None:
        evidence_form = EvidenceUploadForm(prefix=f"e{score.pk}")
    if not can_edit and not error:  # no form to show the refusal on: say it above the criterion
        refused = [form, evidence_form]
        error = " ".join(str(e) for f in refused if f is not None for errors in f.errors.values() for e in errors)
    return Leaf(score, can_edit, form if can_edit else None, evidence_form if can_edit else None, notice, error)


def _assessment_or_404(user: Any, assessment_id: int, action: str = "view") -> Assessment:
    qs = Assessment.objects.select_related("unit", "round__criteria_set__cohort", "round__criteria_set__unit")
    return assessment_policy.get_for_user(user, action, qs, pk=assessment_id)


def _assessment_context(user: Any, assessment: Assessment, **extra: Any) -> dict[str, Any]:
    scores = {score.criterion_id: score for score in _scores().filter(assessment=assessment)}
    rows = []
    for criterion in Criterion.objects.filter(criteria_set_id=assessment.round.criteria_set_id).order_by("tree_key"):
        score = scores.get(criterion.pk)
        rows.append(TreeRow(criterion, criterion.code.count("."), _leaf(user, score) if score else None))
    leaves = [row.leaf.score for row in rows if row.leaf]
    may_self_score = assessment_policy.user_can(user, "self_score", assessment)
    context: dict[str, Any] = {
        "assessment": assessment,
        "round": assessment.round,
        "rows": rows,
        "counts": {
            "criteria": len(leaves),
            "self_scored": sum(1 for s in leaves if s.self_score is not None or s.not_applicable),
            "appraised": sum(
                1 for s in leaves if s.appraisal_status in {AppraisalStatus.ACCEPTED, AppraisalStatus.CHANGED}
            ),
            "returned": sum(1 for s in leaves if s.appraisal_status == AppraisalStatus.RETURNED),
        },
        "can_submit": may_self_score
        and assessment.round.status == RoundStatus.OPEN
        and assessment.status == AssessmentStatus.DRAFT,
        "can_manage": round_policy.user_can(user, "view", assessment.round),
        "missing": [],
        "submit_error": "",
    }
    context.update(extra)
    return context


@login_required
@require_safe
def assessment_detail(request: HtmxHttpRequest, assessment_id: int) -> HttpResponse:
    """One unit's assessment: the criteria tree, self and appraised scores, evidence, history."""
    assessment = _assessment_or_404(request.user, assessment_id)
    return _render(request, "scoring/assessment_detail.html", _assessment_context(request.user, assessment))


@login_required
@require_POST
def assessment_submit(request: HtmxHttpRequest, assessment_id: int) -> HttpResponse:
    """Send the self-assessment to appraisal; on refusal, list every criterion still to score."""
    assessment = _assessment_or_404(request.user, assessment_id, "self_score")
    url = reverse("scoring:assessment_detail", args=[assessment.pk])
    try:
        services.assessment_submit(actor=request.user, assessment=assessment)
    except PermissionDeniedError as exc:
        _deny(exc)
    except ApplicationError as exc:
        if not _partial(request):
            messages.error(request, exc.message)
            return redirect(url)
        codes = exc.extra.get("missing", [])
        anchors = dict(
            Score.objects.filter(assessment=assessment, criterion__code__in=codes).values_list("criterion__code", "pk")
        )
        context = _assessment_context(
            request.user, assessment, submit_error=exc.message, missing=[(code, anchors.get(code)) for code in codes]
        )
        return _render(request, "scoring/partials/_submit_panel.html", context)
    messages.success(request, _("Đã gửi bản tự đánh giá để thẩm định."))
    return _redirect(request, url)


def _self_scored_score(user: Any, score_id: int) -> Score:
    """A score of an assessment ``user`` may self-score (its unit's focal point), else 404."""
    return get_object_or_404(_scores().filter(assessment__in=assessment_policy.scope(user, "self_score")), pk=score_id)


def _leaf_response(request: HtmxHttpRequest, score: Score, **kwargs: Any) -> HttpResponse:
    score = _scores().get(pk=score.pk)  # the values the service changed
    return _render(request, "scoring/partials/_leaf.html", {"leaf": _leaf(request.user, score, **kwargs)})


def _back_to_leaf(request: HtmxHttpRequest, score: Score, notice: str, form: forms.Form | None) -> HttpResponse:
    """Without HTMX: back to the assessment page at the criterion, the outcome said as a message."""
    if notice:
        messages.success(request, notice)
    elif form is not None:
        _form_messages(request, form)
    return redirect(reverse("scoring:assessment_detail", args=[score.assessment_id]) + f"#diem-{score.pk}")


@login_required
@require_POST
def score_self(request: HtmxHttpRequest, score_id: int) -> HttpResponse:
    """The focal point's self score on one criterion, answered with the criterion's block (HTMX)."""
    score = _self_scored_score(request.user, score_id)
    form = ScoreSelfForm(request.POST, prefix=f"s{score.pk}")
    shown: ScoreSelfForm | None = form  # a fresh form replaces it once saved
    notice = ""
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.score_self(
                actor=request.user,
                score=score,
                points=data["points"],
                explanation=data["explanation"],
                not_applicable=data["not_applicable"],
            )
        except PermissionDeniedError as exc:
            _deny(exc)
        except ApplicationError as exc:
            form.add_error("points" if exc.code in _POINTS_CODES else None, exc.message)
        else:
            notice = _("Đã lưu điểm tự chấm tiêu chí %(code)s.") % {"code": score.criterion.code}
            shown = None
    if not _partial(request):
        return _back_to_leaf(request, score, notice, form)
    return _leaf_response(request, score, form=shown, notice=notice)


@login_required
@require_POST
def evidence_add(request: HtmxHttpRequest, score_id: int) -> HttpResponse:
    """Attach one evidence file to a score (type checked by content, 10 MB at most)."""
    score = _self_scored_score(request.user, score_id)
    form = EvidenceUploadForm(request.POST, request.FILES, prefix=f"e{score.pk}")
    shown: EvidenceUploadForm | None = form
    notice = ""
    if form.is_valid():
        try:
            evidence = score_evidence_add(actor=request.user, score=score, uploaded_file=form.cleaned_data["file"])
        except PermissionDeniedError as exc:
            _deny(exc)
        except ApplicationError as exc:
            form.add_error("file", exc.message)
        else:
            notice = _("Đã tải lên “%(name)s”.") % {"name": evidence.name}
            shown = None
    if not _partial(request):
        return _back_to_leaf(request, score, notice, form)
    return _leaf_response(request, score, evidence_form=shown, notice=notice)


@login_required
@require_POST
def evidence_remove(request: HtmxHttpRequest, evidence_id: int) -> HttpResponse:
    """Remove one evidence file of a score."""
    visible = ScoreEvidence.objects.select_related("score").filter(
        score__assessment__in=assessment_policy.scope(request.user, "self_score")
    )
    evidence = get_object_or_404(visible, pk=evidence_id)
    score, notice, error = evidence.score, "", ""
    try:
        score_evidence_remove(actor=request.user, evidence=evidence)
    except PermissionDeniedError as exc:
        _deny(exc)
    except ApplicationError as exc:
        error = exc.message
    else:
        notice = _("Đã xóa “%(name)s”.") % {"name": evidence.name}
    if not _partial(request):
        if error:
            messages.error(request, error)
        return _back_to_leaf(request, score, notice, None)
    return _leaf_response(request, score, notice=notice, error=error)


# -- the appraisal queue ---------------------------------------------------------------


@dataclass
class QueueItem:
    """A score routed to the user for appraisal, with the form when it can be appraised now."""

    score: Score
    form: AppraisalForm | None
    notice: str = ""

    @property
    def auto_rate(self) -> str:
        return auto_rate(self.score)

    @property
    def auto_facts(self) -> list[tuple[str, str]]:
        return auto_facts(self.score)


def _queue_item(score: Score, *, form: AppraisalForm | None = None, notice: str = "") -> QueueItem:
    open_now = (
        score.assessment.round.status == RoundStatus.OPEN
        and score.assessment.status == AssessmentStatus.SUBMITTED
        and score.appraisal_status != AppraisalStatus.RETURNED
    )
    if open_now and form is None:
        form = AppraisalForm(
            prefix=f"a{score.pk}",
            initial={"points": typed_points(score.appraised_score), "reason": score.appraisal_reason},
        )
    return QueueItem(score, form if open_now else None, notice)


_STATE_FILTERS = {
    "pending": Q(appraisal_status=AppraisalStatus.PENDING),
    "done": Q(appraisal_status__in=[AppraisalStatus.ACCEPTED, AppraisalStatus.CHANGED]),
    "returned": Q(appraisal_status=AppraisalStatus.RETURNED),
}


def _with_evidence(qs: QuerySet[Score]) -> QuerySet[Score]:
    return qs.select_related("assessment__round__criteria_set__cohort").prefetch_related(
        Prefetch("evidence", queryset=ScoreEvidence.objects.order_by("created_at", "pk"))
    )


@login_required
@require_safe
def appraisal_queue(request: HtmxHttpRequest) -> HttpResponse:
    """Scores routed to the user's appraising units, of submitted assessments; filters by GET (HTMX)."""
    user = request.user
    routed = selectors.scores_to_appraise(user=user).order_by()
    rounds = list(
        AssessmentRound.objects.filter(pk__in=routed.values("assessment__round_id")).select_related(
            "criteria_set__cohort"
        )
    )
    units = list(OrgUnit.objects.filter(pk__in=routed.values("assessment__unit_id")).order_by("tree_key"))
    filter_form = AppraisalFilterForm(
        request.GET,
        rounds=[(r.pk, f"{r.criteria_set.cohort.name} {r.year}") for r in rounds],
        units=[(u.code, u.name) for u in units],
    )
    chosen = filter_form.values()
    chosen_round = next((r for r in rounds if r.pk == chosen["dot"]), None)
    qs = selectors.scores_to_appraise(user=user, assessment_round=chosen_round)
    if chosen["don_vi"]:
        qs = qs.filter(assessment__unit__code=chosen["don_vi"])
    if chosen["trang_thai"] in _STATE_FILTERS:
        qs = qs.filter(_STATE_FILTERS[chosen["trang_thai"]])
    page = Paginator(_with_evidence(qs), QUEUE_PAGE_SIZE).get_page(request.GET.get("trang"))
    query = request.GET.copy()
    query.pop("trang", None)
    context = {
        "filter_form": filter_form,
        "appraiser": score_policy.allows_any(user, "appraise"),
        "page": page,
        "items": [_queue_item(score) for score in page.object_list],
        "query": query.urlencode(),
    }
    template = "scoring/partials/_appraisal_list.html" if _partial(request) else "scoring/appraisal_queue.html"
    return _render(request, template, context)


@login_required
@require_POST
def score_appraise(request: HtmxHttpRequest, score_id: int) -> HttpResponse:
    """The appraiser's decision on one score (accept, change with a reason, return with a reason)."""
    routed = _with_evidence(selectors.scores_to_appraise(user=request.user))  # scoped by policy: 404 outside
    score = get_object_or_404(routed, pk=score_id)
    form = AppraisalForm(request.POST, prefix=f"a{score.pk}")
    shown: AppraisalForm | None = form
    notice = ""
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.score_appraise(
                actor=request.user,
                score=score,
                decision=data["decision"],
                points=data["points"],
                reason=data["reason"],
            )
        except PermissionDeniedError as exc:
            _deny(exc)
        except ApplicationError as exc:
            field = (
                "points" if exc.code in _POINTS_CODES else "reason" if exc.code == "scoring.reason_missing" else None
            )
            form.add_error(field, exc.message)
        else:
            notice = _("Đã lưu kết quả thẩm định tiêu chí %(code)s của %(unit)s.") % {
                "code": score.criterion.code,
                "unit": score.assessment.unit.name,
            }
            shown = None
    if not _partial(request):
        if notice:
            messages.success(request, notice)
        else:
            _form_messages(request, form)
        return redirect(reverse("scoring:appraisal_queue") + f"#tham-dinh-{score.pk}")
    score = routed.get(pk=score.pk)
    return _render(
        request, "scoring/partials/_appraisal_item.html", {"item": _queue_item(score, form=shown, notice=notice)}
    )


_ACTION_PATHS: Sequence[tuple[str, str]] = (
    ("open", "mo"),
    ("lock", "khoa"),
    ("reopen", "mo-lai"),
    ("publish", "cong-bo"),
)

urlpatterns: list[URLPattern] = [
    path("", home, name="home"),
    path("dot/tao/", round_create, name="round_create"),
    path("dot/<int:round_id>/", round_detail, name="round_detail"),
    *(
        path(f"dot/<int:round_id>/{slug}/", round_transition, {"action": action}, name=f"round_{action}")
        for action, slug in _ACTION_PATHS
    ),
    path("dot/<int:round_id>/diem-dieu-tra/", survey_import, name="survey_import"),
    path("ban/<int:assessment_id>/", assessment_detail, name="assessment_detail"),
    path("ban/<int:assessment_id>/gui/", assessment_submit, name="assessment_submit"),
    path("diem/<int:score_id>/tu-cham/", score_self, name="score_self"),
    path("diem/<int:score_id>/minh-chung/", evidence_add, name="evidence_add"),
    path("minh-chung/<int:evidence_id>/", score_evidence_download, name="evidence_download"),
    path("minh-chung/<int:evidence_id>/xoa/", evidence_remove, name="evidence_remove"),
    path("tham-dinh/", appraisal_queue, name="appraisal_queue"),
    path("tham-dinh/<int:score_id>/", score_appraise, name="score_appraise"),
]

"""Evidence files of PAR index scores (tài liệu kiểm chứng): checked in, kept private, served by permission.

The checks are those of the plan's evidence (``cchc.tasks.evidence``), reused rather
than copied: the extension must be one of ``ALLOWED_TYPES`` **and** the first bytes
that format's signature (an executable renamed ``.pdf`` is refused), at most
``MAX_BYTES`` (10 MB), not empty; the stored content type comes from the table,
never from the browser. A score takes at most ``MAX_FILES_PER_SCORE`` files.

Storage: the default storage under ``MEDIA_ROOT``, at ``scoring/evidence/<year>/<month>/<random hex>``
without extension; the original name lives in the row only. The only way out is
``score_evidence_download``: the unit's users (and the reform office over the round),
through the assessment's "view" policy, and the score's appraisers; anyone else gets
a 404. Adding, removing and downloading are audited.

Adding and removing follow the self score (``services.score_self``): only the
unit's focal point, while the round is open and the assessment not yet submitted, or
for a criterion the appraiser returned.
"""

import logging
import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.files import File
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cchc.audit.services import audit_record
from cchc.core.errors import ApplicationError, PermissionDeniedError
from cchc.scoring.choices import AppraisalStatus, AssessmentStatus, RoundStatus
from cchc.scoring.models import Score, ScoreEvidence
from cchc.scoring.policies import assessment_policy, score_policy
from cchc.tasks.evidence import MAX_BYTES, _check_content, _file_type, _measure, clean_file_name

logger = logging.getLogger(__name__)

MAX_FILES_PER_SCORE = 20

__all__ = [
    "MAX_BYTES",
    "MAX_FILES_PER_SCORE",
    "score_evidence_add",
    "score_evidence_can_change",
    "score_evidence_download",
    "score_evidence_open_for_user",
    "score_evidence_remove",
]


def score_evidence_can_change(*, user: Any, score: Score) -> bool:
    """Whether ``user`` may add or remove evidence of ``score`` now (the rules of the self score)."""
    assessment = score.assessment
    return (
        assessment_policy.user_can(user, "self_score", assessment)
        and assessment.round.status == RoundStatus.OPEN
        and (assessment.status == AssessmentStatus.DRAFT or score.appraisal_status == AppraisalStatus.RETURNED)
    )


def _lock(score: Score) -> Score:
    return (
        Score.objects.select_for_update(of=("self",))
        .select_related("criterion", "assessment__round", "assessment__unit")
        .get(pk=score.pk)
    )


def _require_changeable(actor: Any, score: Score) -> None:
    """``PermissionDeniedError`` for anyone but the unit's focal point; ``ApplicationError`` when it is too late."""
    assessment = score.assessment
    if not assessment_policy.user_can(actor, "self_score", assessment):
        raise PermissionDeniedError(
            _("Bạn không có quyền sửa tài liệu kiểm chứng của đơn vị này."), code="scoring.evidence_forbidden"
        )
    if assessment.round.status != RoundStatus.OPEN:
        raise ApplicationError(
            _("Đợt đánh giá năm %(year)d đang ở trạng thái '%(status)s', không sửa được tài liệu kiểm chứng.")
            % {"year": assessment.round.year, "status": RoundStatus(assessment.round.status).label},
            code="scoring.round_not_open",
        )
    if assessment.status == AssessmentStatus.SUBMITTED and score.appraisal_status != AppraisalStatus.RETURNED:
        raise ApplicationError(
            _("Bản tự đánh giá đã gửi thẩm định; chỉ bổ sung được tài liệu cho tiêu chí bị trả lại."),
            code="scoring.submitted",
        )


def score_evidence_add(*, actor: Any, score: Score, uploaded_file: File[Any]) -> ScoreEvidence:
    """Attach ``uploaded_file`` to ``score`` as evidence, stored privately under a random name.

    Checks, in order: the actor is the unit's focal point, the score may still change,
    fewer than ``MAX_FILES_PER_SCORE`` files, the type by extension, the size (not empty,
    at most ``MAX_BYTES``), the type by content. Raises ``PermissionDeniedError`` or
    ``ApplicationError`` (a refused file: ``extra["field"] == "file"``). If the row
    cannot be saved after the file was written, the file is deleted.
    """
    with transaction.atomic():
        score = _lock(score)
        _require_changeable(actor, score)
        name = clean_file_name(uploaded_file.name or "")
        if score.evidence.count() >= MAX_FILES_PER_SCORE:
            raise ApplicationError(
                _("Mỗi tiêu chí đính kèm tối đa %(limit)s tệp minh chứng.") % {"limit": MAX_FILES_PER_SCORE},
                code="scoring.evidence_count",
                extra={"field": "file"},
            )
        file_type = _file_type(name)
        size, sha256 = _measure(name, uploaded_file)
        _check_content(name, file_type, uploaded_file)
        evidence = ScoreEvidence(
            score=score, name=name, size=size, content_type=file_type.content_type, uploaded_by=actor
        )
        uploaded_file.seek(0)
        evidence.file.save(uuid.uuid4().hex, uploaded_file, save=False)
        try:
            evidence.save()
            audit_record(
                actor=actor,
                action="score_evidence.added",
                obj=evidence,
                unit=score.assessment.unit,
                changes={
                    "score": [None, score.pk],
                    "name": [None, name],
                    "content_type": [None, file_type.content_type],
                    "size": [None, size],
                    "sha256": [None, sha256],
                },
            )
        except BaseException:
            evidence.file.delete(save=False)
            raise
    return evidence


def score_evidence_remove(*, actor: Any, evidence: ScoreEvidence) -> None:
    """Detach ``evidence`` from its score (same rules as adding).

    The row goes now; the file is deleted once the transaction commits, so a rollback
    leaves the row pointing at a file that still exists.
    """
    with transaction.atomic():
        score = _lock(evidence.score)
        _require_changeable(actor, score)
        audit_record(
            actor=actor,
            action="score_evidence.removed",
            obj=evidence,
            unit=score.assessment.unit,
            changes={"score": [score.pk, None], "name": [evidence.name, None]},
        )
        storage, stored_name = evidence.file.storage, evidence.file.name
        evidence.delete()
        if stored_name:
            transaction.on_commit(lambda: storage.delete(stored_name))


def score_evidence_open_for_user(*, user: Any, evidence_id: int) -> tuple[ScoreEvidence, File[Any]]:
    """The evidence ``evidence_id`` and its file opened for reading, if ``user`` may see its score.

    Those are the unit's users and the reform office over the round (the assessment's
    "view") and the score's appraisers (``score_policy`` "appraise"). Raises ``Http404``
    for anyone else, for an unknown id (the same answer, so ids cannot be probed) and
    for a file missing from storage (logged). The caller closes the handle.
    """
    visible = ScoreEvidence.objects.select_related("score__assessment__unit").filter(
        score__in=score_policy.scope(user, "view").values("pk")
    )
    try:
        evidence = visible.get(pk=evidence_id)
    except ScoreEvidence.DoesNotExist as exc:
        raise Http404 from exc
    try:
        handle = evidence.file.storage.open(evidence.file.name, "rb")
    except FileNotFoundError as exc:
        logger.error("Score evidence %s: file %s is missing from storage.", evidence.pk, evidence.file.name)
        raise Http404 from exc
    return evidence, handle


@login_required
@require_safe
def score_evidence_download(request: HttpRequest, evidence_id: int) -> FileResponse:
    """Send an evidence file as an attachment under its original name; 404 outside the user's scope; audited.

    The type is the one recorded at upload; ``nosniff`` and a sandboxing CSP keep a
    browser from running anything in it, ``no-store`` keeps it out of shared caches.
    """
    evidence, handle = score_evidence_open_for_user(user=request.user, evidence_id=evidence_id)
    try:
        with transaction.atomic():
            audit_record(
                actor=request.user,
                action="score_evidence.downloaded",
                obj=evidence,
                unit=evidence.score.assessment.unit,
            )
    except BaseException:
        handle.close()
        raise
    response = FileResponse(handle, as_attachment=True, filename=evidence.name, content_type=evidence.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response

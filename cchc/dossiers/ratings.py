"""Citizens' ratings of a dossier's handling: 9 criteria × 0–2 points = 18 (issue #5).

``rating_submit`` is the only write: once per dossier, only once the dossier is
resolved or its result returned, no personal data kept. ``rating_summary`` reads the
aggregate of a unit (or of everything) for the public pages and the API.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.audit.services import audit_record
from cchc.core.errors import ApplicationError
from cchc.dossiers.choices import RATING_MAX_TOTAL, RatingCriterion, RatingScore
from cchc.dossiers.models import Dossier, Rating
from cchc.dossiers.throttle import RATING_LIMIT, rate_limit_hit

COMMENT_MAX_LENGTH = 2000


def _validated_scores(scores: Mapping[Any, Any]) -> dict[str, int]:
    wanted = set(RatingCriterion.values)
    given = {str(key) for key in scores}
    missing = [RatingCriterion(c).label for c in RatingCriterion.values if c not in given]
    unknown = sorted(given - wanted)
    if unknown:
        raise ApplicationError(
            _("Tiêu chí không có trong bộ 9 tiêu chí đánh giá: %(criteria)s.") % {"criteria": ", ".join(unknown)},
            code="dossiers.rating_unknown_criterion",
            extra={"criteria": unknown},
        )
    if missing:
        raise ApplicationError(
            _("Chưa chấm điểm tiêu chí: %(criteria)s.") % {"criteria": "; ".join(str(m) for m in missing)},
            code="dossiers.rating_missing_criterion",
        )
    clean: dict[str, int] = {}
    for key, value in scores.items():
        # bool is an int in Python; True must not pass as 1 point.
        if isinstance(value, bool) or not isinstance(value, int) or value not in RatingScore.values:
            raise ApplicationError(
                _("Điểm của tiêu chí “%(criterion)s” phải là 0, 1 hoặc 2 (nhận %(value)s).")
                % {"criterion": RatingCriterion(str(key)).label, "value": repr(value)},
                code="dossiers.rating_invalid_score",
                extra={"criterion": str(key)},
            )
        clean[str(key)] = value
    return clean


def rating_submit(
    *,
    dossier_code: str,
    scores: Mapping[Any, Any],
    comment: str = "",
    ip: str | None = None,
    submitted_at: dt.datetime | None = None,
) -> Rating:
    """Record a citizen's rating of the dossier ``dossier_code``: 9 criteria, each 0, 1 or 2.

    ``submitted_at`` is when the citizen rated (default: now): a rating taken from a
    one-stop system's export keeps its own time, which decides the month it counts in
    (Decision 766 satisfaction). It may not be in the future nor before the dossier had
    a result.

    ``scores`` maps every :class:`RatingCriterion` (or its value) to 0, 1 or 2.
    ``ip``, when given, only feeds the per-IP rate limit (``RATING_LIMIT`` a minute); it
    is not stored. Nothing identifying the citizen is stored: the comment is free text
    and the form says not to put personal data in it.

    Raises ``ApplicationError`` (Vietnamese) when the dossier does not exist
    (``dossiers.not_found``), is not yet resolved nor returned (``dossiers.rating_too_early``),
    was already rated (``dossiers.already_rated``), the scores are incomplete or out of
    range, or the comment is too long; ``RateLimitedError`` past the rate limit.
    """
    if ip is not None:
        rate_limit_hit(bucket="rating", ip=ip, limit=RATING_LIMIT)
    clean = _validated_scores(scores)
    now = timezone.now()
    when = now if submitted_at is None else submitted_at
    if timezone.is_naive(when):
        raise ValueError("submitted_at must be an aware datetime.")
    if when > now:
        raise ApplicationError(
            _("Thời điểm đánh giá %(at)s ở tương lai.") % {"at": timezone.localtime(when).strftime("%d/%m/%Y %H:%M")},
            code="dossiers.rating_in_future",
        )
    comment = comment.strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ApplicationError(
            _("Góp ý dài quá %(n)s ký tự.") % {"n": COMMENT_MAX_LENGTH}, code="dossiers.rating_comment_too_long"
        )
    code = dossier_code.strip()
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().select_related("unit").filter(code=code).first()
        if dossier is None:
            raise ApplicationError(_("Không tìm thấy hồ sơ mã “%(code)s”.") % {"code": code}, code="dossiers.not_found")
        if dossier.resolved_at is None and dossier.returned_at is None:
            raise ApplicationError(
                _("Hồ sơ %(code)s đang được giải quyết: chỉ đánh giá được sau khi đã có kết quả.") % {"code": code},
                code="dossiers.rating_too_early",
            )
        result_at = min(t for t in (dossier.resolved_at, dossier.returned_at) if t is not None)
        if when < result_at:
            raise ApplicationError(
                _("Thời điểm đánh giá %(at)s trước khi hồ sơ %(code)s có kết quả (%(result)s).")
                % {
                    "at": timezone.localtime(when).strftime("%d/%m/%Y %H:%M"),
                    "code": code,
                    "result": timezone.localtime(result_at).strftime("%d/%m/%Y %H:%M"),
                },
                code="dossiers.rating_before_result",
            )
        if Rating.objects.filter(dossier=dossier).exists():
            raise ApplicationError(
                _("Hồ sơ %(code)s đã được đánh giá. Mỗi hồ sơ chỉ được đánh giá một lần.") % {"code": code},
                code="dossiers.already_rated",
            )
        try:
            with transaction.atomic():
                rating = Rating.objects.create(
                    dossier=dossier,
                    submitted_at=when,
                    total=sum(clean.values()),
                    comment=comment,
                    **clean,
                )
        except IntegrityError as exc:  # a concurrent rating of the same dossier won the race
            raise ApplicationError(
                _("Hồ sơ %(code)s đã được đánh giá. Mỗi hồ sơ chỉ được đánh giá một lần.") % {"code": code},
                code="dossiers.already_rated",
            ) from exc
        audit_record(
            actor=None,
            action="dossier_rating.created",
            obj=rating,
            changes={"total": [None, rating.total]},
            unit=dossier.unit,
            object_repr=f"Đánh giá hồ sơ {code}",
        )
    return rating


@dataclass(frozen=True)
class RatingSummary:
    """The ratings of a unit (or all units): how many, the mean total /18, the mean per criterion /2."""

    count: int
    average_total: Decimal | None
    criteria: list[tuple[str, str, Decimal | None]]  # (criterion, label, mean)
    max_total: int = RATING_MAX_TOTAL


def _mean(value: Any) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def rating_summary(*, unit_code: str | None = None) -> RatingSummary:
    """Ratings aggregated over the dossiers of ``unit_code`` (all units when ``None``), in one query.

    Means are rounded half up to 2 decimals; ``None`` when there is no rating.
    """
    qs = Rating.objects.all()
    if unit_code is not None:
        qs = qs.filter(Q(dossier__unit__code=unit_code))
    aggregates = qs.aggregate(
        count=Count("pk"),
        total=Avg("total"),
        **{f"c_{c}": Avg(c) for c in RatingCriterion.values},
    )
    return RatingSummary(
        count=aggregates["count"],
        average_total=_mean(aggregates["total"]),
        criteria=[(c.value, str(c.label), _mean(aggregates[f"c_{c.value}"])) for c in RatingCriterion],
    )

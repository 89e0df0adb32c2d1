"""The live counts behind the indicators, per unit and period, from the maintained counters and the ratings.

Only two tables are read (never the dossiers themselves, whose indexes the import may
change): ``dossiers.DossierCount`` — Biểu 06 through ``aggregates.aggregate_stats``, and
the Decision 766 columns (``paid_online``, ``digitized`` on the day of receipt,
``electronic_result`` on the day of resolution) summed over the period with
``aggregates.counter_sums`` — and ``dossiers.Rating`` for the ratings submitted in the
period. Three queries for whole months, whatever the number of units or dossiers (one
more per counters' read when the period starts or ends inside a month).
"""

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count, Sum

from cchc.core.workdays import VN_TZ
from cchc.dossiers import aggregates
from cchc.dossiers.models import Rating
from cchc.indicators.calculations import Figures

_ONE_DAY = dt.timedelta(days=1)


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=VN_TZ)


def live_figures(*, date_from: dt.date, date_to: dt.date, unit_id: int | None = None) -> dict[int, Figures]:
    """``{unit id: Figures}`` for ``[date_from, date_to]`` (local dates, inclusive), all units or one.

    A unit appears when a dossier counts in its Biểu 06 row for the period (received in
    it or carried over into it) or a rating of one of its dossiers was submitted in it.
    The in-progress counts are as of the end of ``date_to``. Raises ``ValueError`` when
    ``date_from > date_to``.
    """
    if date_from > date_to:
        raise ValueError(f"Kỳ không hợp lệ: từ {date_from:%d/%m/%Y} đến {date_to:%d/%m/%Y}.")
    parts: dict[int, dict[str, int]] = defaultdict(dict)
    for pk, stats in aggregates.aggregate_stats(date_from=date_from, date_to=date_to, unit_id=unit_id).items():
        parts[pk].update(
            received=stats.received,
            received_online=stats.received_online,
            resolved=stats.resolved,
            resolved_early=stats.resolved_early,
            resolved_on_time=stats.resolved_on_time,
            in_progress=stats.in_progress,
            in_progress_within_time=stats.in_progress_within_time,
        )
    extra = aggregates.counter_sums(
        date_from=date_from,
        date_to=date_to,
        columns=("paid_online", "digitized", "electronic_result"),
        unit_ids=None if unit_id is None else [unit_id],
    )
    for pk, sums in extra.items():
        if any(sums.values()):
            parts[pk].update(sums)
    ratings = Rating.objects.filter(
        submitted_at__gte=_local_midnight(date_from), submitted_at__lt=_local_midnight(date_to + _ONE_DAY)
    )
    if unit_id is not None:
        ratings = ratings.filter(dossier__unit_id=unit_id)
    rated: Any = ratings.order_by().values("dossier__unit_id").annotate(n=Count("pk"), points=Sum("total"))
    for row in rated:
        parts[row["dossier__unit_id"]].update(ratings=int(row["n"]), rating_points=int(row["points"] or 0))
    return {pk: Figures(**values) for pk, values in parts.items()}

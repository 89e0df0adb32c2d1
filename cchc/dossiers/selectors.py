"""Reading dossiers for the statistics: only the columns the Biểu 06 rules need, streamed."""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Q

from cchc.core.workdays import VN_TZ
from cchc.dossiers import aggregates, sla
from cchc.dossiers.models import Dossier
from cchc.organizations.models import OrgUnit

_FACT_COLUMNS = (
    "code", "unit__code", "field", "level", "channel",
    "received_at", "resolved_at", "due_date", "apology_new_due_date",
)  # fmt: skip


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=VN_TZ)


def dossier_facts_for_period(
    *, date_from: dt.date, date_to: dt.date, unit_code: str | None = None, chunk_size: int = 5_000
) -> Iterator[sla.DossierFacts]:
    """The ``DossierFacts`` of every dossier that can count in ``[date_from, date_to]``.

    That is, received by the end of ``date_to`` and not resolved before ``date_from``
    (local days): the others add nothing to any Biểu 06 column, so the database filters
    them out. Rows are streamed (``.iterator()``) with only the needed columns, so memory
    does not grow with the number of dossiers. ``due`` is our due date, never the
    source system's.
    """
    qs = Dossier.objects.filter(received_at__lt=_local_midnight(date_to + dt.timedelta(days=1))).filter(
        Q(resolved_at__isnull=True) | Q(resolved_at__gte=_local_midnight(date_from))
    )
    if unit_code is not None:
        qs = qs.filter(unit__code=unit_code)
    rows = qs.order_by().values_list(*_FACT_COLUMNS).iterator(chunk_size=chunk_size)
    for code, unit, field, level, channel, received_at, resolved_at, due, apology in rows:
        yield sla.DossierFacts(
            code=code,
            unit_code=unit,
            field=field,
            level=level,
            channel=sla.Channel(channel),
            received_at=received_at,
            resolved_at=resolved_at,
            due=due,
            apology_due=apology,
        )


@dataclass(frozen=True)
class DossierStatsTable:
    """Biểu 06 for a period: the whole (``total``) and one row per unit code."""

    total: sla.Stats
    units: dict[str, sla.Stats]


def dossier_stats(*, date_from: dt.date, date_to: dt.date, unit_code: str | None = None) -> DossierStatsTable:
    """Biểu 06 for ``[date_from, date_to]`` per unit and in total, from the maintained counters.

    One indexed sum over the counters (``dossiers.aggregates``), so its cost does not
    grow with the history stored; :func:`dossier_stats_from_rows` computes the same
    table from the dossiers themselves (the tests hold the two equal). Units without a
    dossier counted in the period have no row; the rows add up to the total. Raises
    ``ValueError`` when ``date_from > date_to``.
    """
    unit_id: int | None = None
    if unit_code is not None:
        unit_id = OrgUnit.objects.filter(code=unit_code).values_list("pk", flat=True).first()
        if unit_id is None:
            if date_from > date_to:
                raise ValueError(f"Kỳ báo cáo không hợp lệ: từ {date_from:%d/%m/%Y} đến {date_to:%d/%m/%Y}.")
            return DossierStatsTable(total=sla.Stats(), units={})
    by_id = aggregates.aggregate_stats(date_from=date_from, date_to=date_to, unit_id=unit_id)
    codes = dict(OrgUnit.objects.filter(pk__in=list(by_id)).values_list("pk", "code"))
    units = {codes[pk]: stats for pk, stats in by_id.items()}
    total = sum(units.values(), start=sla.Stats())
    return DossierStatsTable(total=total, units=dict(sorted(units.items())))


def dossier_stats_from_rows(*, date_from: dt.date, date_to: dt.date, unit_code: str | None = None) -> DossierStatsTable:
    """:func:`dossier_stats` recomputed from the stored dossiers with ``sla.group_stats`` (the proof path).

    Scans every dossier that can count in the period, so its cost grows with the history.
    """
    facts = dossier_facts_for_period(date_from=date_from, date_to=date_to, unit_code=unit_code)
    units = sla.group_stats(facts, date_from, date_to, key=lambda d: d.unit_code)
    total = sum(units.values(), start=sla.Stats())
    return DossierStatsTable(total=total, units=dict(sorted(units.items())))

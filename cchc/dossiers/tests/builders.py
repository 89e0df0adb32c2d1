"""Hand-built dossiers for the public-page, rating and API tests (bulk_create, our computed clock)."""

import datetime as dt
from zoneinfo import ZoneInfo

from cchc.core.calendar import work_calendar
from cchc.dossiers import aggregates, sla
from cchc.dossiers.models import Dossier
from cchc.organizations.models import OrgUnit
from cchc.procedures.models import Procedure

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: str, hour: int = 9) -> dt.datetime:
    """``"2024-06-11"`` at ``hour``:00 local time."""
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=VN)


def build(
    code: str,
    procedure: str,
    unit: str,
    received_at: dt.datetime,
    resolved_at: dt.datetime | None = None,
    *,
    channel: str = "counter",
    returned_at: dt.datetime | None = None,
) -> Dossier:
    """An unsaved dossier with the start day and due date ``sla`` computes on the real calendar."""
    proc = Procedure.objects.get(code=procedure)
    calendar = work_calendar()
    return Dossier(
        code=code,
        procedure=proc,
        unit=OrgUnit.objects.get(code=unit),
        channel=channel,
        received_at=received_at,
        start_day=sla.start_day(received_at, calendar),
        due_date=sla.due_date(received_at, proc.time_limit_days, calendar),
        resolved_at=resolved_at,
        returned_at=returned_at,
        outcome="result_issued" if resolved_at else "",
        field=proc.field,
        level=proc.level,
    )


def save_all(dossiers: list[Dossier]) -> list[Dossier]:
    """Save with ``bulk_create``, then rebuild the statistics counters it bypasses."""
    saved = Dossier.objects.bulk_create(dossiers)
    aggregates.dossier_aggregates_recompute()
    return saved


def facts(dossiers: list[Dossier]) -> list[sla.DossierFacts]:
    """The ``DossierFacts`` of the built dossiers, for ``sla.period_stats`` as the oracle."""
    return [
        sla.DossierFacts(
            code=d.code,
            unit_code=d.unit.code,
            field=d.field,
            level=d.level,
            channel=sla.Channel(d.channel),
            received_at=d.received_at,
            resolved_at=d.resolved_at,
            due=d.due_date,
        )
        for d in dossiers
    ]


def june_2024() -> list[Dossier]:
    """A small mixed set around June 2024 over units U1–U3 (see the comments for each class).

    TT3 received Tue 11/6 09:00 is due Fri 14/6; TT2 received Mon 3/6 is due Wed 5/6.
    """
    return [
        # U1: early, on time, late in June; one carried over from May and resolved in June.
        build("A1", "TT3", "U1", at("2024-06-11"), at("2024-06-13", 10), channel="online"),
        build("A2", "TT3", "U1", at("2024-06-11"), at("2024-06-14", 16), returned_at=at("2024-06-15")),
        build("A3", "TT3", "U1", at("2024-06-11"), at("2024-06-17", 8)),
        build("A4", "TT5", "U1", at("2024-05-30"), at("2024-06-03", 10), channel="post"),
        # U2: open at the end of June, one within time, one overdue; one resolved in May (not counted).
        build("B1", "TT30", "U2", at("2024-06-25"), channel="online"),
        build("B2", "TT1", "U2", at("2024-06-03")),
        build("B3", "TT1", "U2", at("2024-05-06"), at("2024-05-07")),
        # U3: received in July only: no June row.
        build("C1", "TT2", "U3", at("2024-07-01"), at("2024-07-02")),
    ]

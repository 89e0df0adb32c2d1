"""Prefilling a report from live data: each form field may name a ``source`` whose figure CCHC already knows.

The registry ``SOURCES`` maps a source key (``"dossiers.received"``) to a function of
``(unit, date_from, date_to)``; ``prefill_values`` asks every field's source once and
returns the figures with their provenance (shown beside the field: "Tự động từ …").
"""

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from cchc.organizations.models import OrgUnit


@dataclass(frozen=True)
class Prefilled:
    """One live figure: its value, where it comes from (a Vietnamese phrase) and when it was taken."""

    value: Decimal | int | str | None
    source: str
    taken_at: dt.datetime

    def as_json(self) -> dict[str, Any]:
        value = str(self.value) if isinstance(self.value, Decimal) else self.value
        return {"value": value, "source": self.source, "taken_at": self.taken_at.isoformat(), "edited": False}


SourceFunction = Callable[[OrgUnit, dt.date, dt.date], tuple[Decimal | int | str | None, str]]
SOURCES: dict[str, SourceFunction] = {}


def prefill_values(
    *, form: Sequence[Mapping[str, Any]], unit: OrgUnit, date_from: dt.date, date_to: dt.date
) -> dict[str, Prefilled]:
    """The live figure of every field of ``form`` that names a known ``source``."""
    now = timezone.now()
    figures: dict[str, Prefilled] = {}
    for section in form:
        for field in section.get("fields", ()):
            function = SOURCES.get(field.get("source", ""))
            if function is None:
                continue
            value, source = function(unit, date_from, date_to)
            figures[field["code"]] = Prefilled(value=value, source=source, taken_at=now)
    return figures

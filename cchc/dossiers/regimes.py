"""The legal regimes of the one-stop rules as data: read them (selector) and change them (service).

``dossiers.sla`` takes a tuple of :class:`~cchc.dossiers.sla.Regime`; the rows of
:class:`~cchc.dossiers.models.SlaRegime` are where a province keeps them. Every
computation of a clock (the import, the look-up page) starts from
:func:`sla_regimes`, so a change made with :func:`sla_regime_update` applies to the
next import without a deployment.
"""

import datetime as dt
import itertools
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from cchc.audit.services import audit_record, diff, snapshot
from cchc.core.errors import ApplicationError
from cchc.dossiers import sla
from cchc.dossiers.models import SlaRegime

_EDITABLE = (
    "legal_basis", "effective_from", "effective_to", "receipt_cutoff",
    "cutoff_online_only", "start_day_counted", "apology_days_before",
)  # fmt: skip


def _regime(row: SlaRegime) -> sla.Regime:
    return sla.Regime(
        code=row.code,
        legal_basis=row.legal_basis,
        effective_from=row.effective_from,
        effective_to=row.effective_to,
        receipt_cutoff=row.receipt_cutoff,
        start_day_counted=row.start_day_counted,
        cutoff_online_only=row.cutoff_online_only,
        apology_days_before=row.apology_days_before,
    )


def sla_regimes() -> tuple[sla.Regime, ...]:
    """The stored regimes, oldest first; the shipped defaults when the table is empty."""
    # NULLs first on every database: the open-ended oldest regime comes first.
    ordering = (F("effective_from").asc(nulls_first=True), "code")
    rows = tuple(_regime(row) for row in SlaRegime.objects.order_by(*ordering))
    return rows or sla.DEFAULT_REGIMES


def _check_no_overlap(regimes: tuple[sla.Regime, ...]) -> None:
    """Raise ``ApplicationError`` when two regimes are in force on a same day (a data error)."""
    ordered = sorted(regimes, key=lambda r: r.effective_from or dt.date.min)
    for earlier, later in itertools.pairwise(ordered):
        end = earlier.effective_to or dt.date.max
        start = later.effective_from or dt.date.min
        if start <= end:
            raise ApplicationError(
                _("Chế độ %(a)s và %(b)s có hiệu lực chồng lên nhau; mỗi ngày chỉ được có một chế độ.")
                % {"a": earlier.code, "b": later.code},
                code="dossiers.regime_overlap",
            )


def sla_regime_update(*, regime: SlaRegime, actor: Any, **changes: Any) -> SlaRegime:
    """Change a regime's parameters (audited); the regimes must still not overlap.

    Only the fields in ``_EDITABLE`` may change. Raises ``ApplicationError`` for an
    unknown field, dates out of order or an overlap with another regime; nothing is
    written then. Dossiers already imported keep their computed dates.
    """
    unknown = sorted(set(changes) - set(_EDITABLE))
    if unknown:
        raise ApplicationError(
            _("Không sửa được trường: %(fields)s.") % {"fields": ", ".join(unknown)}, code="dossiers.regime_field"
        )
    with transaction.atomic():
        regime = SlaRegime.objects.select_for_update().get(pk=regime.pk)
        before = snapshot(regime, _EDITABLE)
        for name, value in changes.items():
            setattr(regime, name, value)
        try:
            candidate = _regime(regime)
        except ValueError as exc:
            raise ApplicationError(str(exc), code="dossiers.regime_dates") from exc
        others = tuple(_regime(row) for row in SlaRegime.objects.exclude(pk=regime.pk))
        _check_no_overlap((*others, candidate))
        regime.save()
        audit_record(
            actor=actor, action="sla_regime.update", obj=regime, changes=diff(before, snapshot(regime, _EDITABLE))
        )
    return regime

"""Every write of the Decision 766 index: the values the reform office enters by hand.

Indicator sets themselves are data shipped by a migration (and replaced by a new set
with its own dates, ``docs/indicators.md``); the only routine write is a unit's
monthly value of a ``manual`` indicator (công khai, minh bạch).
"""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.audit.services import audit_record
from cchc.core.errors import ApplicationError, ConflictError, PermissionDeniedError
from cchc.indicators.calculations import ONE, ZERO
from cchc.indicators.choices import IndicatorSource
from cchc.indicators.models import Indicator, IndicatorValue
from cchc.indicators.policies import indicator_value_policy
from cchc.indicators.selectors import indicator_sets, month_last_day, set_in_force
from cchc.organizations.models import OrgUnit

NOTE_MAX_LENGTH = 500
#: Four decimals of a rate: a percentage with two decimals (92,35 % = 0,9235).
_RATE_PLACES = Decimal("0.0001")


def _rate(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise ApplicationError(
            _("Tỷ lệ phải là một số từ 0 đến 1 (nhận %(value)s).") % {"value": repr(value)},
            code="indicators.invalid_value",
        )
    try:
        rate = Decimal(value)
    except InvalidOperation:
        raise ApplicationError(
            _("Tỷ lệ phải là một số từ 0 đến 1 (nhận “%(value)s”).") % {"value": value}, code="indicators.invalid_value"
        ) from None
    if not rate.is_finite() or not ZERO <= rate <= ONE:
        raise ApplicationError(
            _("Tỷ lệ phải từ 0 đến 1, tức 0–100 %% (nhận %(value)s).") % {"value": value},
            code="indicators.invalid_value",
        )
    if rate != rate.quantize(_RATE_PLACES):
        raise ApplicationError(
            _("Tỷ lệ có tối đa 4 chữ số thập phân, tức 2 chữ số khi tính theo %% (nhận %(value)s).") % {"value": value},
            code="indicators.invalid_value",
        )
    return rate.quantize(_RATE_PLACES)


def _check_period(*, indicator: Indicator, unit: OrgUnit, year: int, month: int) -> None:
    if not (isinstance(year, int) and isinstance(month, int) and 2000 <= year <= 2100 and 1 <= month <= 12):
        raise ApplicationError(
            _("Kỳ không hợp lệ: tháng %(month)s/%(year)s.") % {"month": month, "year": year},
            code="indicators.invalid_period",
        )
    first, last = dt.date(year, month, 1), month_last_day(year, month)
    if first > timezone.localdate():
        raise ApplicationError(
            _("Tháng %(month)s/%(year)s chưa bắt đầu: chỉ nhập số liệu cho tháng đã qua hoặc đang diễn ra.")
            % {"month": month, "year": year},
            code="indicators.future_period",
        )
    in_force = set_in_force(indicator_sets(), year=year, month=month)
    if in_force is None or in_force.code != indicator.indicator_set.code:
        params = {"indicator": indicator.code, "set": indicator.indicator_set.code, "month": month, "year": year}
        if in_force:
            message = _(
                "Chỉ số %(indicator)s thuộc bộ “%(set)s”, không phải bộ chỉ số áp dụng cho tháng %(month)s/%(year)s "
                "(“%(in_force)s”)."
            ) % {**params, "in_force": in_force.code}
        else:
            message = (
                _(
                    "Chỉ số %(indicator)s thuộc bộ “%(set)s”, không phải bộ chỉ số áp dụng cho tháng "
                    "%(month)s/%(year)s (chưa có bộ chỉ số nào)."
                )
                % params
            )
        raise ApplicationError(message, code="indicators.set_not_in_force")
    if unit.valid_from > last or (unit.valid_to is not None and unit.valid_to < first):
        raise ApplicationError(
            _("Đơn vị %(unit)s không tồn tại trong tháng %(month)s/%(year)s.")
            % {"unit": unit.code, "month": month, "year": year},
            code="indicators.unit_not_valid",
        )


@transaction.atomic
def indicator_value_set(
    *,
    indicator: Indicator,
    unit: OrgUnit,
    year: int,
    month: int,
    value: Decimal | int | str,
    note: str = "",
    actor: Any,
) -> IndicatorValue:
    """Enter (or correct) the rate ``value`` in [0, 1] of a manual ``indicator`` for ``unit`` in ``month``/``year``.

    ``actor`` must be the reform office on the unit's province or a system
    administrator (``None`` is the system: the demo loader). Saving the same value
    and note again writes nothing, not even an audit row; otherwise the row is
    created or updated and ``indicator_value.created`` / ``indicator_value.updated``
    is audited with the change.

    Raises ``PermissionDeniedError`` (``indicators.forbidden``), and
    ``ApplicationError`` when the indicator is computed from dossiers
    (``indicators.not_manual``), the month is invalid or not begun, its set in force
    is not the indicator's (``indicators.set_not_in_force``), the unit did not exist
    that month, the rate is outside [0, 1] or has more than 4 decimals
    (``indicators.invalid_value``), or the note is too long.
    """
    if actor is not None and not indicator_value_policy.can_enter_for(actor, unit):
        raise PermissionDeniedError(
            _("Chỉ Phòng CCHC cấp tỉnh hoặc quản trị hệ thống được nhập số liệu chỉ số 766."),
            code="indicators.forbidden",
        )
    if indicator.source != IndicatorSource.MANUAL:
        raise ApplicationError(
            _("Chỉ số %(indicator)s được tính từ số liệu hồ sơ, không nhập tay.") % {"indicator": indicator.code},
            code="indicators.not_manual",
        )
    _check_period(indicator=indicator, unit=unit, year=year, month=month)
    rate = _rate(value)
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ApplicationError(
            _("Ghi chú dài quá %(limit)s ký tự.") % {"limit": NOTE_MAX_LENGTH}, code="indicators.note_too_long"
        )
    current = (
        IndicatorValue.objects.select_for_update(of=("self",))
        .filter(indicator=indicator, unit=unit, year=year, month=month)
        .first()
    )
    label = f"{indicator.code} – {unit.code} – {month:02d}/{year}"
    if current is None:
        try:
            with transaction.atomic():
                current = IndicatorValue.objects.create(
                    indicator=indicator,
                    unit=unit,
                    year=year,
                    month=month,
                    value=rate,
                    note=note,
                    entered_by=actor if getattr(actor, "is_authenticated", False) else None,
                )
        except IntegrityError as exc:  # someone entered the same cell a moment earlier
            raise ConflictError(
                _("Số liệu %(label)s vừa được người khác nhập. Hãy tải lại trang rồi sửa.") % {"label": label},
                code="indicators.conflict",
            ) from exc
        audit_record(
            actor=actor,
            action="indicator_value.created",
            obj=current,
            changes={"value": [None, str(rate)], "note": [None, note]},
            unit=unit,
            object_repr=label,
        )
        return current
    changes: dict[str, list[Any]] = {}
    if current.value != rate:
        changes["value"] = [str(current.value), str(rate)]
    if current.note != note:
        changes["note"] = [current.note, note]
    if not changes:
        return current
    current.value = rate
    current.note = note
    current.entered_by = actor if getattr(actor, "is_authenticated", False) else None
    current.save(update_fields=["value", "note", "entered_by", "updated_at"])
    audit_record(
        actor=actor, action="indicator_value.updated", obj=current, changes=changes, unit=unit, object_repr=label
    )
    return current

"""Demo values of the manual indicator (công khai, minh bạch) for a few Hải Dương units in 2023.

Illustrative figures, not published ones: they only let the demo show a complete
score. Written through ``indicator_value_set``, which writes nothing when the value
is already there, so a second ``make run`` adds no audit row.
"""

from decimal import Decimal
from typing import Any

from cchc.indicators.choices import IndicatorSource
from cchc.indicators.models import Indicator
from cchc.indicators.selectors import indicator_set_for_month
from cchc.indicators.services import indicator_value_set
from cchc.organizations.models import OrgUnit

YEAR = 2023
#: Unit code → its publicity rate in January; later months rise by half a point a month.
DEMO_UNITS = {"HD.SYT": Decimal("0.9000"), "HD.STP": Decimal("0.9500"), "HD.H297": Decimal("0.8500")}
_STEP = Decimal("0.0050")
NOTE = "Số liệu minh họa của bản demo."


def indicators_load_demo(*, actor: Any = None) -> dict[str, int]:
    """Enter the demo publicity rates for 2023 (units missing from the database are skipped); idempotent."""
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=DEMO_UNITS)}
    entered = 0
    for month in range(1, 13):
        indicator_set = indicator_set_for_month(year=YEAR, month=month)
        if indicator_set is None:
            continue
        manual = Indicator.objects.filter(
            indicator_set__code=indicator_set.code, source=IndicatorSource.MANUAL
        ).select_related("indicator_set")
        for indicator in manual:
            for code, start in DEMO_UNITS.items():
                if code not in units:
                    continue
                value = min(start + _STEP * (month - 1), Decimal(1))
                indicator_value_set(
                    indicator=indicator, unit=units[code], year=YEAR, month=month, value=value, note=NOTE, actor=actor
                )
                entered += 1
    return {"indicator_values": entered}

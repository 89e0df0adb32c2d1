"""Building procedures for tests through the real service."""

import itertools
from typing import Any

from cchc.organizations.models import OrgUnit
from cchc.procedures.models import Procedure
from cchc.procedures.services import procedure_create

_seq = itertools.count(1)


def make_procedure(*, code: str | None = None, units: list[OrgUnit] | None = None, **values: Any) -> Procedure:
    code = code or f"TT.{next(_seq):04d}"
    base = {"code": code, "name": f"Thủ tục {code}", "field": "Hộ tịch", "level": "commune", "time_limit_days": 3}
    return procedure_create(actor=None, values={**base, **values}, units=units or [])

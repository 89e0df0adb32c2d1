"""Building org units for tests through the real service (paths and audit included)."""

import datetime as dt
import itertools
from typing import Any

from cchc.organizations.choices import UnitKind
from cchc.organizations.models import OrgUnit
from cchc.organizations.services import unit_create

_seq = itertools.count(1)


def make_unit(
    *, code: str | None = None, parent: OrgUnit | None = None, kind: str = UnitKind.DEPARTMENT, **extra: Any
) -> OrgUnit:
    number = next(_seq)
    code = code or f"U{number:04d}"
    return unit_create(
        actor=None,
        code=code,
        name=extra.pop("name", f"Đơn vị thử nghiệm {code}"),
        short_name=extra.pop("short_name", f"ĐV {code}"),
        kind=kind,
        parent=parent,
        valid_from=extra.pop("valid_from", dt.date(2020, 1, 1)),
        **extra,
    )

"""Shared fixtures: a small org tree that every permission test can reason about.

province (P)
├── dept_a (Sở A)          ← "own unit" for a grant on dept_a
│   └── dept_a_child       ← "descendant"
├── dept_b (Sở B)          ← "sibling"
└── district (Huyện)
    └── commune (Xã)
"""

from dataclasses import dataclass

import pytest

from cchc.organizations.choices import UnitKind
from cchc.organizations.models import OrgUnit
from cchc.organizations.tests.factories import make_unit


@dataclass
class Tree:
    province: OrgUnit
    dept_a: OrgUnit
    dept_a_child: OrgUnit
    dept_b: OrgUnit
    district: OrgUnit
    commune: OrgUnit


@pytest.fixture
def tree(db: None) -> Tree:
    province = make_unit(code="P", kind=UnitKind.PROVINCE, name="Tỉnh Thử Nghiệm")
    dept_a = make_unit(code="SA", parent=province, name="Sở A")
    dept_a_child = make_unit(code="SA-1", parent=dept_a, kind=UnitKind.AGENCY, name="Chi cục thuộc Sở A")
    dept_b = make_unit(code="SB", parent=province, name="Sở B")
    district = make_unit(code="H1", parent=province, kind=UnitKind.DISTRICT, name="Huyện Một")
    commune = make_unit(code="X1", parent=district, kind=UnitKind.COMMUNE, name="Xã Một")
    return Tree(province, dept_a, dept_a_child, dept_b, district, commune)


@pytest.fixture(autouse=True)
def _fresh_work_calendar() -> None:
    """The calendar is cached per process; a test's overrides must not leak into the next."""
    from cchc.core.calendar import work_calendar_clear

    work_calendar_clear()

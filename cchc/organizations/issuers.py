"""A unit as the issuer of a document: its name in the header block, in a sentence, and its place of issue.

Decree 30/2020 (Phụ lục I) prints the issuing body upper case in the header block, a
People's Committee on two lines ("ỦY BAN NHÂN DÂN / TỈNH HẢI DƯƠNG"), a department
under the short name of the committee above it ("UBND TỈNH HẢI DƯƠNG / SỞ NỘI VỤ"), and
the place of issue as the nearest administrative unit's name without its kind word
("Hải Dương, ngày …"). Every export that issues a document (plans, reports, PAR index
results) takes these from here.
"""

from cchc.core.decree30 import Issuer
from cchc.core.text import fold
from cchc.organizations.choices import UnitKind
from cchc.organizations.models import OrgUnit

PEOPLES_COMMITTEE = "Ủy ban nhân dân"
ADMINISTRATIVE_KINDS = frozenset({UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.COMMUNE})
# The words an administrative unit's name starts with, left out of the place line
# ("Tỉnh Hải Dương" → "Hải Dương, ngày …"); longest first.
_PLACE_PREFIXES = ("thanh pho", "thi tran", "thi xa", "tinh", "huyen", "quan", "phuong", "xa")


def is_administrative(unit: OrgUnit) -> bool:
    return unit.kind in ADMINISTRATIVE_KINDS


def _without_place(name: str, parent: OrgUnit | None) -> str:
    """ "Sở Nội vụ tỉnh Hải Dương" under "Tỉnh Hải Dương" → "Sở Nội vụ" (the upper line says it)."""
    if parent is not None and fold(name).endswith(" " + fold(parent.name)):
        return name[: len(name) - len(parent.name)].rstrip(" ,-")
    return name


def issuer_name(unit: OrgUnit, *, as_parent: bool = False) -> str:
    """The unit as the header block prints it, upper case.

    A People's Committee takes two lines ("ỦY BAN NHÂN DÂN / TỈNH HẢI DƯƠNG"), or the
    short "UBND TỈNH HẢI DƯƠNG" when it stands above a department's name.
    """
    if is_administrative(unit):
        return (f"UBND {unit.name}" if as_parent else f"{PEOPLES_COMMITTEE}\n{unit.name}").upper()
    return _without_place(unit.name, unit.parent).upper()


def issuer_for_unit(unit: OrgUnit) -> Issuer:
    """The issuing body and, for a body that is not a People's Committee, the one above it."""
    if is_administrative(unit) or unit.parent is None:
        return Issuer(issuer_name(unit))
    return Issuer(issuer_name(unit), parent=issuer_name(unit.parent, as_parent=True))


def issuer_in_text(unit: OrgUnit) -> str:
    """The unit as a sentence names it: "Ủy ban nhân dân tỉnh Hải Dương", "Sở Nội vụ"."""
    if is_administrative(unit):
        return f"{PEOPLES_COMMITTEE} {unit.name[:1].lower()}{unit.name[1:]}"
    return _without_place(unit.name, unit.parent)


def place_name(unit: OrgUnit) -> str:
    """The place of issue: the nearest administrative unit at or above ``unit``, without its kind word."""
    current: OrgUnit | None = unit
    while current is not None and not is_administrative(current):
        current = current.parent
    name = (current or unit).name
    key = fold(name)
    for prefix in _PLACE_PREFIXES:
        if key.startswith(prefix + " "):
            return name[len(prefix) + 1 :].strip()
    return name

"""Unit names as a sheet cell writes them, and cell text read back to units."""

import datetime as dt
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from cchc.documents.matching import UnitCandidate, match_units
from cchc.organizations.models import Cohort, OrgUnit
from cchc.plans.models import Plan
from cchc.plans.selectors import unit_candidates_for_year

UNIT_SEPARATOR = "; "


def clean(value: str) -> str:
    """NFC, non-breaking spaces as spaces, runs of spaces collapsed, ends stripped."""
    return " ".join(unicodedata.normalize("NFC", value).replace("\u00a0", " ").split())


def casefold_key(value: str) -> str:
    """``clean`` and case-folded: how exact names are compared."""
    return clean(value).casefold()


@dataclass(frozen=True)
class Resolved:
    units: tuple[OrgUnit, ...] = ()
    is_group: bool = False
    guessed_as: str = ""  # the name a tolerant match read, for the warning
    error: str = ""


class UnitDirectory:
    """Unit names as the sheet writes them, and names read back to units.

    Where a name fits several units (the short name "Sở Nội vụ" of Hải Dương's and
    Hải Phòng's departments), units that exist in the plan's year win, then units in
    the plan unit's own tree; a name still ambiguous is an error asking for the code,
    and the export writes such a unit by full name or code instead.
    """

    def __init__(self, *, units: Sequence[OrgUnit], cohorts: Sequence[Cohort], year: int, home: OrgUnit) -> None:
        self.year = year
        self._start, self._end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        self._root = "/" + home.path.strip("/").split("/")[0] + "/" if home.path else ""
        self._by_code = {unit.code.casefold(): unit for unit in units}
        self._by_name: dict[str, list[OrgUnit]] = {}
        self._by_short: dict[str, list[OrgUnit]] = {}
        for unit in units:
            self._by_name.setdefault(casefold_key(unit.name), []).append(unit)
            if unit.short_name:
                self._by_short.setdefault(casefold_key(unit.short_name), []).append(unit)
        self._cohorts: dict[str, Cohort] = {}
        self._cohort_by_code = {cohort.code: cohort for cohort in cohorts}
        for cohort in cohorts:
            for name in (cohort.name, *cohort.aliases):
                self._cohorts.setdefault(casefold_key(name), cohort)
        self._candidates: list[UnitCandidate] | None = None
        self._labels: dict[int, str] = {}

    @classmethod
    def for_plan(cls, plan: Plan) -> "UnitDirectory":
        return cls(
            units=list(OrgUnit.objects.order_by("tree_key")),
            cohorts=list(Cohort.objects.prefetch_related("members").order_by("code")),
            year=plan.year,
            home=plan.unit,
        )

    def _in_year(self, unit: OrgUnit) -> bool:
        return unit.valid_from <= self._end and (unit.valid_to is None or unit.valid_to >= self._start)

    def _narrow(self, units: Sequence[OrgUnit]) -> list[OrgUnit]:
        found = list(dict.fromkeys(units))
        for keep in (self._in_year, lambda u: bool(self._root) and u.path.startswith(self._root)):
            narrowed = [unit for unit in found if keep(unit)]
            if narrowed:
                found = narrowed
        return found

    def _members(self, cohort: Cohort) -> tuple[OrgUnit, ...]:
        members = sorted(cohort.members.all(), key=lambda unit: unit.tree_key)
        return tuple(unit for unit in members if self._in_year(unit))

    def _ambiguous(self, text: str, units: Sequence[OrgUnit]) -> Resolved:
        codes = ", ".join(unit.code for unit in units)
        return Resolved(
            error=_("“%(text)s” ứng với nhiều đơn vị (%(codes)s); hãy ghi mã đơn vị") % {"text": text, "codes": codes}
        )

    def _exact(self, text: str) -> Resolved | None:
        key = casefold_key(text)
        if key in self._by_code:
            return Resolved(units=(self._by_code[key],))
        for index in (self._by_name, self._by_short):
            if key in index:
                units = self._narrow(index[key])
                return Resolved(units=(units[0],)) if len(units) == 1 else self._ambiguous(text, units)
        if key in self._cohorts:
            return Resolved(units=self._members(self._cohorts[key]), is_group=True)
        return None

    def _tolerant(self, text: str) -> Resolved:
        if self._candidates is None:
            self._candidates = unit_candidates_for_year(year=self.year)
        mentions = [m for m in match_units(text, self._candidates) if m.code]
        not_found = Resolved(error=_("không tìm thấy đơn vị “%(text)s”") % {"text": text})
        if len(mentions) != 1:
            return not_found
        mention = mentions[0]
        rest = text[: mention.start] + text[mention.end :]
        if any(ch.isalnum() for ch in rest):
            return not_found
        if mention.is_group:
            cohort = self._cohort_by_code.get(mention.code or "")
            if cohort is None:
                return not_found
            return Resolved(units=self._members(cohort), is_group=True, guessed_as=cohort.name)
        codes = [mention.code, *mention.alternatives]
        units = self._narrow([self._by_code[c.casefold()] for c in codes if c and c.casefold() in self._by_code])
        if not units:
            return not_found
        if len(units) > 1:
            return self._ambiguous(text, units)
        return Resolved(units=(units[0],), guessed_as=units[0].name)

    def resolve(self, text: str) -> Resolved:
        """One cell part (a unit or a cohort) to units: exact first, then tolerant."""
        text = clean(text)
        return self._exact(text) or self._tolerant(text)

    def label(self, unit: OrgUnit) -> str:
        """The shortest name that reads back to ``unit`` alone: short name, name, or code."""
        if unit.pk not in self._labels:
            label = unit.code
            for text in (unit.short_name, unit.name):
                found = self._exact(text) if text else None
                if found and not found.is_group and found.units == (unit,):
                    label = clean(text)
                    break
            self._labels[unit.pk] = label
        return self._labels[unit.pk]

    def labels(self, units: Sequence[OrgUnit]) -> str:
        ordered = sorted(units, key=lambda unit: (unit.tree_key, unit.code))
        return UNIT_SEPARATOR.join(self.label(unit) for unit in ordered)

"""Reading org units, always through the user's scope."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from cchc.core.text import fold
from cchc.organizations.models import Cohort, OrgUnit
from cchc.organizations.policies import org_unit_policy


def unit_list_for_user(
    *,
    user: Any,
    kind: str | None = None,
    cohort: str | None = None,
    parent: str | None = None,
    on: dt.date | None = None,
    q: str | None = None,
) -> QuerySet[OrgUnit]:
    """Units ``user`` may view, in tree order, narrowed by the filters.

    ``on`` keeps units valid on that date; ``q`` matches code, name or short name,
    ignoring case and diacritics ("so y te" finds "Sở Y tế"). Units come in tree
    order: depth-first, siblings by ``sort_order``. Parents, cohorts and successor links are prefetched, so
    serialising a page costs a fixed number of queries.
    """
    base = OrgUnit.objects.valid_on(on) if on else OrgUnit.objects.all()
    qs = org_unit_policy.scope(user, "view", base).select_related("parent")
    if kind:
        qs = qs.filter(kind=kind)
    if cohort:
        qs = qs.filter(cohorts__code=cohort)
    if parent:
        qs = qs.filter(parent__code=parent)
    if q:
        qs = qs.filter(search_text__contains=fold(q.strip()))
    return qs.prefetch_related(
        Prefetch("cohorts", queryset=Cohort.objects.only("code", "name")),
        # Pages show the names of successors and predecessors: load them with the code,
        # or each name would be one more query.
        Prefetch("successors", queryset=OrgUnit.objects.only("code", "name")),
        Prefetch("predecessors", queryset=OrgUnit.objects.only("code", "name")),
    ).order_by("tree_key")


def unit_get_for_user(*, user: Any, code: str) -> OrgUnit:
    """One unit by code through the scope, relations prefetched.

    Raises ``Http404`` alike for a code that does not exist and for a unit outside
    the user's scope, so the answer never confirms that a unit exists.
    """
    return org_unit_policy.get_for_user(user, "view", unit_list_for_user(user=user), code=code)


@dataclass
class UnitNode:
    unit: OrgUnit
    children: list["UnitNode"] = field(default_factory=list)


def unit_tree_for_user(*, user: Any, on: dt.date | None = None) -> list[UnitNode]:
    """The units ``user`` may view as a forest, children ordered by ``sort_order``.

    A visible unit whose parent is out of scope becomes a root of the forest, so a
    district focal point sees their district with its communes at the top.
    """
    base = OrgUnit.objects.valid_on(on) if on else OrgUnit.objects.all()
    units = list(org_unit_policy.scope(user, "view", base).order_by("sort_order", "code"))
    nodes = {unit.pk: UnitNode(unit) for unit in units}
    roots: list[UnitNode] = []
    for unit in units:
        node = nodes[unit.pk]
        parent = nodes.get(unit.parent_id) if unit.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots

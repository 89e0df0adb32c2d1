"""Reading org units, always through the user's scope."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

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

    ``on`` keeps units valid on that date; ``q`` matches code, name or short name
    (case-insensitive). Parents, cohorts and successor links are prefetched, so
    serialising a page costs a fixed number of queries.
    """
    qs = org_unit_policy.scope(user, "view").select_related("parent")
    if kind:
        qs = qs.filter(kind=kind)
    if cohort:
        qs = qs.filter(cohorts__code=cohort)
    if parent:
        qs = qs.filter(parent__code=parent)
    if on:
        qs = qs.valid_on(on)
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(short_name__icontains=q))
    return qs.prefetch_related(
        Prefetch("cohorts", queryset=Cohort.objects.only("code", "name")),
        Prefetch("successors", queryset=OrgUnit.objects.only("code")),
        Prefetch("predecessors", queryset=OrgUnit.objects.only("code")),
    ).order_by("path", "sort_order")


def unit_get_for_user(*, user: Any, code: str) -> OrgUnit:
    """One unit by code through the scope; 404 when missing or out of scope."""
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
    qs = org_unit_policy.scope(user, "view")
    if on:
        qs = qs.valid_on(on)
    units = list(qs.order_by("sort_order", "code"))
    nodes = {unit.pk: UnitNode(unit) for unit in units}
    roots: list[UnitNode] = []
    for unit in units:
        node = nodes[unit.pk]
        parent = nodes.get(unit.parent_id) if unit.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots

"""Reading plans and imports through the user's scope; the unit names a plan may use."""

import datetime as dt
import re
from typing import Any

from django.db.models import Count, Q, QuerySet

from cchc.documents.matching import UnitCandidate
from cchc.organizations.models import Cohort, OrgUnit
from cchc.organizations.policies import GLOBAL_ROLES, user_grants
from cchc.plans.models import Plan, PlanImport, PlanNode
from cchc.plans.policies import plan_import_policy, plan_policy

# "Sở Nội vụ tỉnh Hải Dương" is written "Sở Nội vụ" inside the province's own plan.
_PLACE_SUFFIX = re.compile(r"\s+(?:tỉnh|thành phố)\s+[A-ZĐÂĂÊÔƠƯÁÀẢÃẠ][\wÀ-ỹ]*(?:\s+[A-ZĐÂĂÊÔƠƯ][\wÀ-ỹ]*)*$")


# "Cổng Thông tin điện tử tỉnh Hải Dương" is also "Cổng thông tin điện tử tỉnh".
_PROPER_NAME = r"\s+[A-ZĐÂĂÊÔƠƯÁÀẢÃẠ][\wÀ-ỹ]*(?:\s+[A-ZĐÂĂÊÔƠƯ][\wÀ-ỹ]*)*$"
_PLACE_NAME = re.compile(r"(?<=\stỉnh)" + _PROPER_NAME)
_CITY_NAME = re.compile(r"(?<=\sphố)" + _PROPER_NAME)


def unit_candidates_for_year(*, year: int) -> list[UnitCandidate]:
    """Units valid at some point in ``year``, and cohorts, as names a plan may use.

    Each unit offers its full name, the name without the province suffix, and its
    short name; each cohort its name and aliases (marked as a group).
    """
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    units = OrgUnit.objects.filter(valid_from__lte=end).exclude(valid_to__lt=start).order_by("tree_key")
    candidates = []
    for unit in units:
        names = [unit.name, unit.short_name]
        names += [pattern.sub("", unit.name) for pattern in (_PLACE_SUFFIX, _PLACE_NAME, _CITY_NAME)]
        candidates.append(UnitCandidate(unit.code, tuple(dict.fromkeys(n for n in names if n))))
    for cohort in Cohort.objects.order_by("code"):
        names = [cohort.name, *cohort.aliases]
        candidates.append(UnitCandidate(cohort.code, tuple(dict.fromkeys(names)), is_group=True))
    return candidates


def plan_list_for_user(*, user: Any, year: int | None = None, unit_code: str | None = None) -> QuerySet[Plan]:
    """Plans ``user`` may view, newest year first, with their node counts."""
    qs = plan_policy.scope(user, "view").select_related("unit").annotate(node_count=Count("nodes"))
    if year:
        qs = qs.filter(year=year)
    if unit_code:
        qs = qs.filter(unit__code=unit_code)
    return qs.order_by("-year", "unit__tree_key", "title")


def plan_get_for_user(*, user: Any, plan_id: int) -> Plan:
    """One plan through the scope (404 outside it)."""
    return plan_policy.get_for_user(user, "view", Plan.objects.select_related("unit", "created_by"), pk=plan_id)


def plan_nodes(*, plan: Plan) -> QuerySet[PlanNode]:
    """The plan's nodes in document order with their units and references."""
    return plan.nodes.select_related("parent").prefetch_related("unit_links__unit", "references__target")


def plan_import_get_for_user(*, user: Any, import_id: int, action: str = "view") -> PlanImport:
    """One plan import through the scope (404 outside it)."""
    return plan_import_policy.get_for_user(
        user, action, PlanImport.objects.select_related("unit", "plan"), pk=import_id
    )


def plan_import_list_for_user(*, user: Any) -> QuerySet[PlanImport]:
    return plan_import_policy.scope(user, "view").select_related("unit", "plan", "created_by")


def units_for_plan_import(*, user: Any) -> QuerySet[OrgUnit]:
    """Units ``user`` may import a plan for, in tree order.

    The rule of ``plan_import_policy`` for "create", over units: each grant of a role
    that allows it covers its unit and the units below. Ended units stay in the list:
    the 2023 plan of a province merged in 2025 is still imported for that province.
    """
    roles = plan_import_policy.roles_for("create")
    grants = [grant for grant in user_grants(user) if grant.role in roles]
    units = OrgUnit.objects.order_by("tree_key")
    if any(grant.role in GLOBAL_ROLES for grant in grants):
        return units
    if not grants:
        return units.none()
    condition = Q()
    for grant in grants:
        condition |= Q(path__startswith=grant.unit_path)
    return units.filter(condition)

"""Who may enter the manual Decision 766 values (công khai, minh bạch and any other ``manual`` indicator).

The index is published for everyone, so reading needs no policy. Entering a value is
the reform office's job on the province: a ``reform_office`` grant on a root unit (the
province), which covers every unit below it, or a system administrator. A reform
office grant on a department or a district is not enough — units do not score
themselves.
"""

from typing import Any, ClassVar

from django.db.models import Q, QuerySet

from cchc.accounts.choices import Role
from cchc.indicators.models import IndicatorValue
from cchc.organizations.models import OrgUnit
from cchc.organizations.policies import GLOBAL_ROLES, Grant, ScopedPolicy, user_grants


def _is_root(grant: Grant) -> bool:
    # A root unit's materialised path holds one id: "/7/".
    return grant.unit_path.count("/") == 2


class IndicatorValuePolicy(ScopedPolicy[IndicatorValue]):
    model = IndicatorValue
    unit_lookup = "unit"
    permissions: ClassVar[dict[str, frozenset[str]]] = {
        "change": frozenset({Role.SYSTEM_ADMIN, Role.REFORM_OFFICE}),
    }

    def _relevant(self, user: Any, action: str) -> list[Grant]:
        roles = self.roles_for(action)
        return [
            grant
            for grant in user_grants(user)
            if grant.role in roles and (grant.role in GLOBAL_ROLES or _is_root(grant))
        ]

    def can_enter_for(self, user: Any, unit: OrgUnit) -> bool:
        """Whether ``user`` may enter values for ``unit`` (its province's reform office, or an administrator)."""
        grants = self._relevant(user, "change")
        if self._is_global(grants):
            return True
        return bool(unit.path) and any(unit.path.startswith(grant.unit_path) for grant in grants)

    def units_for_entry(self, user: Any) -> QuerySet[OrgUnit]:
        """The units ``user`` may enter values for, in tree order (none for everybody else)."""
        grants = self._relevant(user, "change")
        units = OrgUnit.objects.order_by("tree_key", "code")
        if self._is_global(grants):
            return units
        if not grants:
            return units.none()
        condition = Q()
        for grant in grants:
            condition |= Q(path__startswith=grant.unit_path)
        return units.filter(condition)


indicator_value_policy = IndicatorValuePolicy()

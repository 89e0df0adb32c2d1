"""Who may see and change plans and plan imports: by the unit that owns them."""

from typing import ClassVar

from cchc.accounts.choices import Role
from cchc.organizations.policies import ALL_ROLES, ScopedPolicy
from cchc.plans.models import Plan, PlanImport

EDITORS = frozenset({Role.SYSTEM_ADMIN, Role.REFORM_OFFICE, Role.FOCAL_POINT})


class PlanPolicy(ScopedPolicy[Plan]):
    model = Plan
    unit_lookup = "unit"
    permissions: ClassVar[dict[str, frozenset[str]]] = {
        "view": ALL_ROLES,
        "create": EDITORS,
        "change": EDITORS,
    }


class PlanImportPolicy(ScopedPolicy[PlanImport]):
    model = PlanImport
    unit_lookup = "unit"
    permissions: ClassVar[dict[str, frozenset[str]]] = {
        "view": EDITORS,
        "create": EDITORS,
        "change": EDITORS,
    }


plan_policy = PlanPolicy()
plan_import_policy = PlanImportPolicy()

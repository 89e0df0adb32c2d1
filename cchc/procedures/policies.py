"""Who may read and change the procedure catalogue.

The catalogue is province data, not a unit's: every signed-in user may read it,
and only the reform office or a system administrator holding the role on a root
unit (the province) may change it. A grant on a department or a district is not
enough, because a procedure serves every unit of its level.
"""

from typing import Any, ClassVar

from django.db.models import QuerySet
from django.http import Http404

from cchc.accounts.choices import Role
from cchc.organizations.policies import GLOBAL_ROLES, user_grants
from cchc.procedures.models import Procedure


class ProcedurePolicy:
    permissions: ClassVar[dict[str, frozenset[str]]] = {
        "change": frozenset({Role.SYSTEM_ADMIN, Role.REFORM_OFFICE}),
    }

    def allows_any(self, user: Any, action: str) -> bool:
        """Whether ``user`` may do ``action`` to the catalogue at all."""
        if action == "view":
            return bool(getattr(user, "is_authenticated", False) and user.is_active)
        try:
            roles = self.permissions[action]
        except KeyError as exc:
            raise ValueError(f"Unknown action {action!r} for ProcedurePolicy") from exc
        for grant in user_grants(user):
            if grant.role in roles and (grant.role in GLOBAL_ROLES or grant.unit_path.count("/") == 2):
                return True
        return False

    def user_can(self, user: Any, action: str, obj: Procedure) -> bool:
        """Every procedure is province-wide, so the answer does not depend on ``obj``."""
        return self.allows_any(user, action)

    def scope(self, user: Any, action: str, qs: QuerySet[Procedure] | None = None) -> QuerySet[Procedure]:
        """All of ``qs`` when ``user`` may do ``action``, none otherwise."""
        qs = Procedure.objects.all() if qs is None else qs
        return qs if self.allows_any(user, action) else qs.none()

    def get_for_user(self, user: Any, action: str, qs: QuerySet[Procedure] | None = None, **lookup: Any) -> Procedure:
        """One procedure through the scope; anything outside it is a 404."""
        try:
            return self.scope(user, action, qs).get(**lookup)
        except Procedure.DoesNotExist as exc:
            raise Http404 from exc


procedure_policy = ProcedurePolicy()

"""Org-unit-scoped authorization: the policy base and the org unit policy.

A user holds roles on units (``accounts.Membership``); a role on a unit covers the
unit and all its descendants. A policy states, per action, which roles allow it,
and where the object's unit is. From that it answers both questions every read and
write asks:

* ``user_can(user, action, obj)``: may this user do this to this object?
* ``scope(user, action, qs)``: the rows of ``qs`` this user may do it to.

Views and endpoints never fetch by bare primary key: they go through ``scope`` (or
``get_for_user``), so a row outside the user's units is simply not found (404).
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from cchc.accounts.choices import Role
from cchc.accounts.models import Membership
from cchc.organizations.models import OrgUnit

M = TypeVar("M", bound=models.Model)

ALL_ROLES = frozenset(Role)
GLOBAL_ROLES = frozenset({Role.SYSTEM_ADMIN})


@dataclass(frozen=True)
class Grant:
    role: str
    unit_id: int
    unit_path: str


GRANTS_CACHE_ATTRIBUTE = "_cchc_grants"


def user_grants(user: Any, *, on: dt.date | None = None) -> tuple[Grant, ...]:
    """The active role grants of ``user``, cached on the user object per day.

    The user object lives for one request, so the cache does too; services that
    change memberships call ``user_grants_clear``. Anonymous and inactive users
    have none. A superuser is treated as holding the system administrator role on
    every unit. A membership whose unit has no materialised path yet (a row written
    around the services) is skipped: an empty path is a prefix of every path, so
    honouring it would open the whole tree.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ()
    day = on or timezone.localdate()
    cache: dict[dt.date, tuple[Grant, ...]] = getattr(user, GRANTS_CACHE_ATTRIBUTE, None) or {}
    if day in cache:
        return cache[day]
    rows = Membership.objects.active_on(day).filter(user=user).values_list("role", "unit_id", "unit__path")
    grants = tuple(Grant(role=role, unit_id=unit_id, unit_path=path) for role, unit_id, path in rows if path)
    if user.is_superuser:
        grants = (*grants, Grant(role=Role.SYSTEM_ADMIN, unit_id=0, unit_path="/"))
    setattr(user, GRANTS_CACHE_ATTRIBUTE, {**cache, day: grants})
    return grants


def user_grants_clear(user: Any) -> None:
    """Forget the grants cached on ``user`` (after its memberships changed)."""
    if hasattr(user, GRANTS_CACHE_ATTRIBUTE):
        delattr(user, GRANTS_CACHE_ATTRIBUTE)


def user_is_global_admin(user: Any) -> bool:
    """Whether ``user`` holds a global role (system administrator, or superuser) today."""
    return any(grant.role in GLOBAL_ROLES for grant in user_grants(user))


class ScopedPolicy(Generic[M]):
    """Base for one policy per model.

    Subclasses set ``model``, ``unit_lookup`` (the ORM path from the model to its
    ``OrgUnit``, "" when the model is ``OrgUnit``) and ``permissions`` (action →
    roles). ``unit_of`` finds the unit of one object for ``user_can``.
    """

    model: type[M]
    unit_lookup: ClassVar[str]
    permissions: ClassVar[dict[str, frozenset[str]]]

    def roles_for(self, action: str) -> frozenset[str]:
        """The roles that allow ``action``; an unknown action is a programming error (``ValueError``)."""
        try:
            return self.permissions[action]
        except KeyError as exc:
            raise ValueError(f"Unknown action {action!r} for {type(self).__name__}") from exc

    def _relevant(self, user: Any, action: str) -> list[Grant]:
        roles = self.roles_for(action)
        return [grant for grant in user_grants(user) if grant.role in roles]

    def allows_any(self, user: Any, action: str) -> bool:
        """Whether ``user`` holds any role that allows ``action`` somewhere."""
        return bool(self._relevant(user, action))

    def _is_global(self, grants: Iterable[Grant]) -> bool:
        return any(grant.role in GLOBAL_ROLES for grant in grants)

    def unit_of(self, obj: M) -> OrgUnit | None:
        """The unit ``obj`` belongs to, following ``unit_lookup``; ``None`` when it has none."""
        target: Any = obj
        for part in filter(None, self.unit_lookup.split("__")):
            target = getattr(target, part)
            if target is None:
                return None
        return target

    def user_can(self, user: Any, action: str, obj: M) -> bool:
        """Whether ``user`` may do ``action`` to ``obj``.

        True for a global role that allows the action, or for a role that allows it
        on the object's unit or an ancestor of it. An object without a unit is
        reachable through a global role only.
        """
        grants = self._relevant(user, action)
        if self._is_global(grants):
            return True
        unit = self.unit_of(obj)
        if unit is None:
            return False
        return any(unit.path.startswith(grant.unit_path) for grant in grants)

    def scope(self, user: Any, action: str, qs: models.QuerySet[M] | None = None) -> models.QuerySet[M]:
        """The rows of ``qs`` (default: all rows) ``user`` may do ``action`` to.

        The same rule as ``user_can``, as one SQL filter: a prefix match of the
        row's unit path against each granted unit's path.
        """
        qs = self.model._default_manager.all() if qs is None else qs
        grants = self._relevant(user, action)
        if self._is_global(grants):
            return qs
        if not grants:
            return qs.none()
        field = f"{self.unit_lookup}__path__startswith" if self.unit_lookup else "path__startswith"
        condition = Q()
        for grant in grants:
            condition |= Q(**{field: grant.unit_path})
        return qs.filter(condition)

    def get_for_user(self, user: Any, action: str, qs: models.QuerySet[M] | None = None, **lookup: Any) -> M:
        """Fetch one object through the scope; anything outside it is a 404."""
        try:
            return self.scope(user, action, qs).get(**lookup)
        except ObjectDoesNotExist as exc:
            raise Http404 from exc


class OrgUnitPolicy(ScopedPolicy[OrgUnit]):
    model = OrgUnit
    unit_lookup = ""
    permissions: ClassVar[dict[str, frozenset[str]]] = {
        "view": ALL_ROLES,
        "create": frozenset({Role.SYSTEM_ADMIN, Role.REFORM_OFFICE}),
        "change": frozenset({Role.SYSTEM_ADMIN, Role.REFORM_OFFICE}),
    }


org_unit_policy = OrgUnitPolicy()

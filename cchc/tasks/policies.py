"""Who may see and act on tasks, targets and progress updates.

A task concerns three places in the tree: the unit that owns its plan, its lead unit
and its coordinating units. Users see a task when any of these is in their scope.
Editing the task itself belongs to the plan's owners; reporting progress to the lead
and coordinating units' focal points; reviewing to the lead unit's leader and the
reform office over the plan.
"""

from typing import Any, ClassVar

from django.db.models import Q, QuerySet

from cchc.accounts.choices import Role
from cchc.organizations.policies import ALL_ROLES, Grant, ScopedPolicy, user_grants
from cchc.tasks.models import Target, Task, TaskUpdate

PLAN_EDITORS = frozenset({Role.SYSTEM_ADMIN, Role.REFORM_OFFICE, Role.FOCAL_POINT})
REPORTERS = frozenset({Role.SYSTEM_ADMIN, Role.REFORM_OFFICE, Role.FOCAL_POINT})
REVIEWERS = frozenset({Role.SYSTEM_ADMIN, Role.REFORM_OFFICE, Role.LEADER})


def _covers(grants: list[Grant], path: str | None) -> bool:
    return path is not None and any(grant.unit_path and path.startswith(grant.unit_path) for grant in grants)


class TaskPolicy(ScopedPolicy[Task]):
    """Actions: view, change (edit the task), report (post progress), review."""

    model = Task
    unit_lookup = "plan__unit"
    permissions: ClassVar[dict[str, frozenset[str]]] = {
        "view": ALL_ROLES,
        "change": PLAN_EDITORS,
        "report": REPORTERS,
        "review": REVIEWERS,
    }

    def _places(self, action: str) -> tuple[str, ...]:
        if action == "view":
            return ("plan__unit", "lead_unit", "coordinating_units")
        if action == "change":
            return ("plan__unit",)
        if action == "report":
            return ("lead_unit", "coordinating_units", "plan__unit")
        return ("lead_unit", "plan__unit")  # review

    def user_can(self, user: Any, action: str, obj: Task) -> bool:
        grants = self._relevant(user, action)
        if self._is_global(grants):
            return True
        if action == "review":
            # The lead unit's leader reviews; the reform office reviews over the plan's unit.
            leaders = [g for g in grants if g.role == Role.LEADER]
            office = [g for g in grants if g.role != Role.LEADER]
            return _covers(leaders, obj.lead_unit.path) or _covers(office, obj.plan.unit.path)
        paths: list[str] = []
        for place in self._places(action):
            if place == "coordinating_units":
                paths.extend(unit.path for unit in obj.coordinating_units.all())
            elif place == "lead_unit":
                paths.append(obj.lead_unit.path)
            else:
                paths.append(obj.plan.unit.path)
        return any(_covers(grants, path) for path in paths)

    def scope(self, user: Any, action: str, qs: QuerySet[Task] | None = None) -> QuerySet[Task]:
        qs = Task.objects.all() if qs is None else qs
        grants = [g for g in self._relevant(user, action) if g.unit_path]
        if self._is_global(self._relevant(user, action)):
            return qs
        if not grants:
            return qs.none()
        condition = Q()
        for grant in grants:
            for place in self._places(action):
                if action == "review" and place == "lead_unit" and grant.role != Role.LEADER:
                    continue
                if action == "review" and place == "plan__unit" and grant.role == Role.LEADER:
                    continue
                condition |= Q(**{f"{place}__path__startswith": grant.unit_path})
        return qs.filter(condition).distinct()


class TaskUpdatePolicy(ScopedPolicy[TaskUpdate]):
    """Updates are seen by whoever sees the task; edited only by their unit's reporters."""

    model = TaskUpdate
    unit_lookup = "unit"
    permissions: ClassVar[dict[str, frozenset[str]]] = {
        "view": ALL_ROLES,
        "change": REPORTERS,
    }

    def scope(self, user: Any, action: str, qs: QuerySet[TaskUpdate] | None = None) -> QuerySet[TaskUpdate]:
        qs = TaskUpdate.objects.all() if qs is None else qs
        if action == "view":
            return qs.filter(task__in=task_policy.scope(user, "view"))
        return super().scope(user, action, qs)


class TargetPolicy(ScopedPolicy[Target]):
    """Targets by the unit they are set for: that unit's reporters report the actual value.

    Setting, changing and deleting a target is changing its plan (``plan_policy``
    "change"); ``view`` here is the unit-side half of what ``targets.target_scope_for_user``
    combines with the plan's own scope. A plan-wide target (no unit) is reported by
    the plan's editors only.
    """

    model = Target
    unit_lookup = "unit"
    permissions: ClassVar[dict[str, frozenset[str]]] = {
        "view": ALL_ROLES,
        "report": REPORTERS,
    }


task_policy = TaskPolicy()
task_update_policy = TaskUpdatePolicy()
target_policy = TargetPolicy()

__all__ = ["target_policy", "task_policy", "task_update_policy", "user_grants"]

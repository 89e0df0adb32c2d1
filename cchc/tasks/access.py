"""Reads the plan pages and the API share, on top of ``selectors.py``: scoped, 404 outside.

* A plan is seen **whole** through ``plan_policy`` (its unit is in the user's scope),
  or **through its tasks**: a unit that leads or coordinates tasks of a plan above it
  (the province's) sees that plan's header, document and rolled-up numbers, and among
  its tasks only those ``task_policy`` lets it see. Without this, a department could
  not open the provincial plan that assigns it work.
* A progress update is seen by whoever sees its task; a **draft** only by those who
  may still edit it (it is the unit's working paper, not yet a report).
"""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from cchc.plans.models import Plan
from cchc.plans.policies import plan_policy
from cchc.plans.selectors import plan_get_for_user
from cchc.tasks import updates
from cchc.tasks.choices import UpdateState
from cchc.tasks.models import Task, TaskUpdate
from cchc.tasks.policies import task_policy, task_update_policy


def _through_tasks(user: Any) -> Exists:
    return Exists(task_policy.scope(user, "view").filter(plan=OuterRef("pk")))


def plan_for_user(*, user: Any, plan_id: int) -> tuple[Plan, bool]:
    """The plan and whether ``user`` sees it whole; ``Http404`` when the user sees neither it nor its tasks."""
    try:
        return plan_get_for_user(user=user, plan_id=plan_id), True
    except Http404:
        pass
    plan = Plan.objects.select_related("unit", "created_by").filter(pk=plan_id).filter(_through_tasks(user)).first()
    if plan is None:
        raise Http404
    return plan, False


def plan_get_whole_for_user(*, user: Any, plan_id: int) -> Plan:
    """A plan ``user`` sees whole (dashboard, exports, changes); ``Http404`` otherwise."""
    return plan_get_for_user(user=user, plan_id=plan_id)


def plans_for_user(*, user: Any, year: int | None = None, unit_code: str | None = None) -> QuerySet[Plan]:
    """Plans ``user`` sees whole or through its tasks, newest year first, in tree order."""
    whole = plan_policy.scope(user, "view").values("pk")
    qs = Plan.objects.filter(Q(pk__in=whole) | _through_tasks(user)).select_related("unit")
    if year:
        qs = qs.filter(year=year)
    if unit_code:
        qs = qs.filter(unit__code=unit_code)
    return qs.order_by("-year", "unit__tree_key", "title", "pk")


def plans_through_tasks_for_user(*, user: Any) -> QuerySet[Plan]:
    """Plans ``user`` sees only through tasks assigned to its units (not whole)."""
    whole = plan_policy.scope(user, "view").values("pk")
    return (
        Plan.objects.filter(_through_tasks(user))
        .exclude(pk__in=whole)
        .select_related("unit")
        .order_by("-year", "unit__tree_key", "title", "pk")
    )


def task_updates_for_user(*, user: Any, task: Task) -> list[TaskUpdate]:
    """The updates of ``task`` (seen by ``user``) that ``user`` may read, newest first.

    Each comes with its unit, author, reviewer and evidence; ``update.task`` is
    ``task`` itself, so the permission helpers reuse its prefetched units.
    """
    rows = (
        task_update_policy.scope(user, "view")
        .filter(task=task)
        .select_related("unit", "author", "reviewed_by")
        .prefetch_related("evidence")
        .order_by("-created_at", "-pk")
    )
    visible = []
    for update in rows:
        update.task = task
        if update.state == UpdateState.DRAFT and not updates.task_update_can_edit(user=user, update=update):
            continue
        visible.append(update)
    return visible


def update_get_for_user(*, user: Any, update_id: int) -> TaskUpdate:
    """One update through the view scope of its task (``Http404`` outside it).

    A draft the user may not edit is not found either, like in the lists.
    """
    update = task_update_policy.get_for_user(
        user,
        "view",
        TaskUpdate.objects.select_related("task__lead_unit", "task__plan__unit", "unit", "author", "reviewed_by"),
        pk=update_id,
    )
    if update.state == UpdateState.DRAFT and not updates.task_update_can_edit(user=user, update=update):
        raise Http404
    return update

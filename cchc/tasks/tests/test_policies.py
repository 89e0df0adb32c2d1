"""Who may view, change, report on and review a task: role × place × action.

The task lives in four disjoint places of the tree (all children of the province):

* the plan's unit   – Sở A owns the plan;
* the lead unit     – Sở B leads the task;
* a coordinating unit – Huyện Một coordinates it;
* an unrelated sibling – Sở C, mentioned nowhere.

A user holds one role on one of those places. The table states, for each pair,
exactly which actions are allowed; ``user_can`` and ``scope`` must both agree with it.
"""

from typing import Any

import pytest

from cchc.accounts.choices import Role
from cchc.accounts.tests.factories import make_user
from cchc.organizations.tests.factories import make_unit
from cchc.tasks.models import Task
from cchc.tasks.policies import task_policy, task_update_policy
from cchc.tasks.tests.factories import make_plan, make_task, make_update

ACTIONS = ("view", "change", "report", "review")
PLACES = ("plan_unit", "lead_unit", "coordinating_unit", "sibling")
ALL = frozenset(ACTIONS)
VIEW = frozenset({"view"})
NONE: frozenset[str] = frozenset()

# (role, place) → the actions allowed. Reading it row by row:
# – a system administrator may do everything, wherever the grant is;
# – every role sees a task of its plan, lead or coordinating unit, and nothing of a sibling's;
# – the plan's owners (reform office, focal point) change it; nobody else does;
# – focal points and the reform office report from any of the three places;
# – the lead unit's leader reviews, and the reform office over the plan's unit; a leader
#   of the plan's unit and the reform office of the lead unit do not.
EXPECTED: dict[tuple[str, str], frozenset[str]] = {
    (Role.SYSTEM_ADMIN, "plan_unit"): ALL,
    (Role.SYSTEM_ADMIN, "lead_unit"): ALL,
    (Role.SYSTEM_ADMIN, "coordinating_unit"): ALL,
    (Role.SYSTEM_ADMIN, "sibling"): ALL,
    (Role.REFORM_OFFICE, "plan_unit"): ALL,
    (Role.REFORM_OFFICE, "lead_unit"): frozenset({"view", "report"}),
    (Role.REFORM_OFFICE, "coordinating_unit"): frozenset({"view", "report"}),
    (Role.REFORM_OFFICE, "sibling"): NONE,
    (Role.FOCAL_POINT, "plan_unit"): frozenset({"view", "change", "report"}),
    (Role.FOCAL_POINT, "lead_unit"): frozenset({"view", "report"}),
    (Role.FOCAL_POINT, "coordinating_unit"): frozenset({"view", "report"}),
    (Role.FOCAL_POINT, "sibling"): NONE,
    (Role.LEADER, "plan_unit"): VIEW,
    (Role.LEADER, "lead_unit"): frozenset({"view", "review"}),
    (Role.LEADER, "coordinating_unit"): VIEW,
    (Role.LEADER, "sibling"): NONE,
    (Role.APPRAISER, "plan_unit"): VIEW,
    (Role.APPRAISER, "lead_unit"): VIEW,
    (Role.APPRAISER, "coordinating_unit"): VIEW,
    (Role.APPRAISER, "sibling"): NONE,
    (Role.VIEWER, "plan_unit"): VIEW,
    (Role.VIEWER, "lead_unit"): VIEW,
    (Role.VIEWER, "coordinating_unit"): VIEW,
    (Role.VIEWER, "sibling"): NONE,
}


def test_the_table_covers_every_role_and_place() -> None:
    assert set(EXPECTED) == {(role, place) for role in Role for place in PLACES}


@pytest.fixture
def scene(tree: Any) -> dict[str, Any]:
    sibling = make_unit(code="SC", parent=tree.province, name="Sở C")
    plan = make_plan(unit=tree.dept_a)
    task = make_task(plan=plan, lead_unit=tree.dept_b, coordinating_units=[tree.district])
    # A second task elsewhere, so that a scope returning everything is caught.
    make_task(plan=make_plan(unit=sibling), lead_unit=sibling)
    places = {"plan_unit": tree.dept_a, "lead_unit": tree.dept_b, "coordinating_unit": tree.district}
    return {"task": task, "places": {**places, "sibling": sibling}}


@pytest.mark.parametrize(("role", "place"), sorted(EXPECTED))
def test_policy_matrix(scene: dict[str, Any], role: str, place: str) -> None:
    user = make_user(role=role, unit=scene["places"][place])
    task = Task.objects.get(pk=scene["task"].pk)
    allowed = {action for action in ACTIONS if task_policy.user_can(user, action, task)}
    scoped = {action for action in ACTIONS if task_policy.scope(user, action).filter(pk=task.pk).exists()}
    assert allowed == EXPECTED[role, place], "user_can"
    assert scoped == EXPECTED[role, place], "scope"


def test_a_grant_covers_descendants_not_ancestors(tree: Any) -> None:
    """A focal point of Sở A reports on a task led by its Chi cục; the Chi cục's does not see Sở A's own."""
    plan = make_plan(unit=tree.province)
    child_task = make_task(plan=plan, lead_unit=tree.dept_a_child)
    parent_task = make_task(plan=plan, lead_unit=tree.dept_a)
    focal_a = make_user(role=Role.FOCAL_POINT, unit=tree.dept_a)
    focal_child = make_user(role=Role.FOCAL_POINT, unit=tree.dept_a_child)
    assert task_policy.user_can(focal_a, "report", child_task)
    assert not task_policy.user_can(focal_child, "view", parent_task)
    assert list(task_policy.scope(focal_child, "view")) == [child_task]


def test_scope_lists_a_task_once_even_when_the_user_sees_it_from_several_places(tree: Any) -> None:
    """Plan unit, lead and two coordinating units all under the province: one row, not four."""
    task = make_task(
        plan=make_plan(unit=tree.province), lead_unit=tree.dept_a, coordinating_units=[tree.dept_b, tree.district]
    )
    officer = make_user(role=Role.REFORM_OFFICE, unit=tree.province)
    assert list(task_policy.scope(officer, "view")) == [task]


def test_anonymous_and_unassigned_users_see_nothing(tree: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    make_task(plan=make_plan(unit=tree.province))
    for user in (AnonymousUser(), make_user()):
        assert not task_policy.scope(user, "view").exists()


def test_updates_are_seen_by_whoever_sees_the_task(scene: dict[str, Any]) -> None:
    update = make_update(task=scene["task"])
    coordinating_viewer = make_user(role=Role.VIEWER, unit=scene["places"]["coordinating_unit"])
    stranger = make_user(role=Role.FOCAL_POINT, unit=scene["places"]["sibling"])
    assert list(task_update_policy.scope(coordinating_viewer, "view")) == [update]
    assert not task_update_policy.scope(stranger, "view").exists()

"""The periodic report permission matrix: role × action × where the grant sits; scope() agrees with user_can().

The object is Sở A's (SA) report on a template of the province (P).
"""

import pytest

from cchc.accounts.choices import Role
from cchc.accounts.tests.factories import make_user
from cchc.reports.models import Report
from cchc.reports.policies import report_policy
from cchc.reports.tests.factories import make_scene

ROLES = [r.value for r in Role]
ADMIN = frozenset({Role.SYSTEM_ADMIN})
EXPECTED = {
    # action: (roles allowed with a grant on SA or P, roles allowed with a grant on P only)
    "view": (frozenset(ROLES), frozenset(ROLES)),
    "write": (frozenset({Role.SYSTEM_ADMIN, Role.FOCAL_POINT}), frozenset({Role.SYSTEM_ADMIN, Role.FOCAL_POINT})),
    "review": (ADMIN, frozenset({Role.SYSTEM_ADMIN, Role.REFORM_OFFICE})),
}


@pytest.mark.parametrize("action", sorted(EXPECTED))
@pytest.mark.parametrize("place", ["own", "parent", "sibling", "child"])
@pytest.mark.parametrize("role", ROLES)
def test_matrix(tree, role, place, action):
    scene = make_scene(tree)
    unit = {"own": tree.dept_a, "parent": tree.province, "sibling": tree.dept_b, "child": tree.dept_a_child}[place]
    user = make_user(role=role, unit=unit)
    report = Report.objects.create(template=scene.template, unit=tree.dept_a, year=2023, period_index=1)
    on_own, on_parent = EXPECTED[action]
    allowed = role in (on_own if place == "own" else on_parent if place == "parent" else ADMIN)
    assert report_policy.user_can(user, action, report) is allowed
    assert report_policy.scope(user, action).filter(pk=report.pk).exists() is allowed

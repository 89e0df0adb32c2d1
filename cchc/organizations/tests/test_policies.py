"""The policy matrix: every role × action × where the target sits relative to the grant.

Every user here holds exactly one role, on ``dept_a`` of the shared ``tree``
fixture. The targets are ``dept_a`` itself (own), ``dept_a_child`` (descendant),
``dept_b`` (sibling) and ``province`` (parent). The expectations are written out
by hand below, not read from the policies, so changing a policy's permissions
without changing this table fails.
"""

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils import timezone

from cchc.accounts.choices import Role
from cchc.accounts.models import User
from cchc.accounts.services import membership_grant, membership_revoke
from cchc.accounts.tests.factories import make_user
from cchc.audit.models import AuditEvent
from cchc.audit.policies import audit_event_policy
from cchc.organizations.models import OrgUnit
from cchc.organizations.policies import ScopedPolicy, org_unit_policy, user_grants
from cchc.organizations.tests.factories import make_unit

T, F = True, False
TARGETS = ("own", "descendant", "sibling", "parent")

# (role, "model.action") -> allowed on (own, descendant, sibling, parent)
EXPECTED: dict[tuple[Role, str], tuple[bool, bool, bool, bool]] = {
    # The system administrator role is global wherever it is granted.
    (Role.SYSTEM_ADMIN, "unit.view"): (T, T, T, T),
    (Role.SYSTEM_ADMIN, "unit.create"): (T, T, T, T),
    (Role.SYSTEM_ADMIN, "unit.change"): (T, T, T, T),
    (Role.SYSTEM_ADMIN, "audit.view"): (T, T, T, T),
    (Role.REFORM_OFFICE, "unit.view"): (T, T, F, F),
    (Role.REFORM_OFFICE, "unit.create"): (T, T, F, F),
    (Role.REFORM_OFFICE, "unit.change"): (T, T, F, F),
    (Role.REFORM_OFFICE, "audit.view"): (T, T, F, F),
    (Role.APPRAISER, "unit.view"): (T, T, F, F),
    (Role.APPRAISER, "unit.create"): (F, F, F, F),
    (Role.APPRAISER, "unit.change"): (F, F, F, F),
    (Role.APPRAISER, "audit.view"): (F, F, F, F),
    (Role.FOCAL_POINT, "unit.view"): (T, T, F, F),
    (Role.FOCAL_POINT, "unit.create"): (F, F, F, F),
    (Role.FOCAL_POINT, "unit.change"): (F, F, F, F),
    (Role.FOCAL_POINT, "audit.view"): (F, F, F, F),
    (Role.LEADER, "unit.view"): (T, T, F, F),
    (Role.LEADER, "unit.create"): (F, F, F, F),
    (Role.LEADER, "unit.change"): (F, F, F, F),
    (Role.LEADER, "audit.view"): (F, F, F, F),
    (Role.VIEWER, "unit.view"): (T, T, F, F),
    (Role.VIEWER, "unit.create"): (F, F, F, F),
    (Role.VIEWER, "unit.change"): (F, F, F, F),
    (Role.VIEWER, "audit.view"): (F, F, F, F),
}

CASES = [
    pytest.param(role, subject, target, allowed[i], id=f"{role.value}-{subject}-{target}")
    for (role, subject), allowed in EXPECTED.items()
    for i, target in enumerate(TARGETS)
]


def _unit(tree: Any, target: str) -> OrgUnit:
    return {
        "own": tree.dept_a,
        "descendant": tree.dept_a_child,
        "sibling": tree.dept_b,
        "parent": tree.province,
    }[target]


def _policy_and_object(subject: str, unit: OrgUnit) -> tuple[ScopedPolicy[Any], str, Any]:
    model, action = subject.split(".")
    if model == "unit":
        return org_unit_policy, action, unit
    # The tree fixture creates its units through the service, which audits each one.
    return audit_event_policy, action, AuditEvent.objects.get(action="org_unit.created", unit=unit)


def test_the_table_covers_every_role_and_action() -> None:
    assert {role for role, _ in EXPECTED} == set(Role)
    assert {subject for _, subject in EXPECTED} == {"unit.view", "unit.create", "unit.change", "audit.view"}
    assert set(org_unit_policy.permissions) == {"view", "create", "change"}
    assert set(audit_event_policy.permissions) == {"view"}


@pytest.mark.parametrize(("role", "subject", "target", "allowed"), CASES)
def test_user_can(tree: Any, role: Role, subject: str, target: str, allowed: bool) -> None:
    user = make_user(role=role, unit=tree.dept_a)
    policy, action, obj = _policy_and_object(subject, _unit(tree, target))

    assert policy.user_can(user, action, obj) is allowed


@pytest.mark.parametrize(("role", "subject", "target", "allowed"), CASES)
def test_scope(tree: Any, role: Role, subject: str, target: str, allowed: bool) -> None:
    user = make_user(role=role, unit=tree.dept_a)
    policy, action, obj = _policy_and_object(subject, _unit(tree, target))

    assert policy.scope(user, action).filter(pk=obj.pk).exists() is allowed


def _codes(user: Any, action: str = "view") -> set[str]:
    return set(org_unit_policy.scope(user, action).values_list("code", flat=True))


def test_a_grant_covers_the_whole_subtree_and_nothing_else(tree: Any) -> None:
    user = make_user(role=Role.FOCAL_POINT, unit=tree.district)

    assert _codes(user) == {"H1", "X1"}


def test_grants_on_two_units_add_up(tree: Any) -> None:
    user = make_user(role=Role.FOCAL_POINT, unit=tree.dept_a)
    membership_grant(actor=None, user=user, unit=tree.district, role=Role.VIEWER)
    fresh = User.objects.get(pk=user.pk)  # grants are cached on the user object

    assert _codes(fresh) == {"SA", "SA-1", "H1", "X1"}
    assert _codes(fresh, "change") == set()


def test_changing_memberships_refreshes_the_grants_cached_on_that_user(tree: Any) -> None:
    user = make_user(role=Role.FOCAL_POINT, unit=tree.dept_a)
    assert _codes(user) == {"SA", "SA-1"}

    membership = membership_grant(actor=None, user=user, unit=tree.dept_b, role=Role.VIEWER)
    assert _codes(user) == {"SA", "SA-1", "SB"}

    membership_revoke(actor=None, membership=membership)  # membership.user is this same object
    assert _codes(user) == {"SA", "SA-1"}


def test_expired_membership_grants_nothing(tree: Any) -> None:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    user = make_user()
    membership_grant(actor=None, user=user, unit=tree.province, role=Role.REFORM_OFFICE, valid_to=yesterday)

    assert user_grants(user) == ()
    assert _codes(user) == set()
    assert org_unit_policy.user_can(user, "view", tree.province) is False
    assert audit_event_policy.scope(user, "view").count() == 0


def test_membership_not_yet_valid_grants_nothing(tree: Any) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    user = make_user()
    membership_grant(actor=None, user=user, unit=tree.province, role=Role.VIEWER, valid_from=tomorrow)

    assert _codes(user) == set()


def test_membership_ending_today_still_counts(tree: Any) -> None:
    user = make_user()
    membership_grant(actor=None, user=user, unit=tree.dept_b, role=Role.VIEWER, valid_to=timezone.localdate())

    assert _codes(user) == {"SB"}


def test_inactive_user_gets_nothing(tree: Any) -> None:
    user = make_user(role=Role.SYSTEM_ADMIN, unit=tree.province)
    user.is_active = False
    user.save()
    user.is_superuser = True  # not even a superuser flag helps an inactive account

    assert _codes(user) == set()
    assert org_unit_policy.user_can(user, "view", tree.province) is False
    assert audit_event_policy.scope(user, "view").count() == 0


def test_anonymous_gets_nothing(tree: Any) -> None:
    anonymous = AnonymousUser()

    assert user_grants(anonymous) == ()
    assert org_unit_policy.scope(anonymous, "view").count() == 0
    assert org_unit_policy.user_can(anonymous, "view", tree.province) is False
    assert audit_event_policy.allows_any(anonymous, "view") is False
    with pytest.raises(Http404):
        org_unit_policy.get_for_user(anonymous, "view", code="P")


def test_superuser_without_memberships_sees_and_changes_everything(tree: Any) -> None:
    user = make_user()
    user.is_superuser = True
    user.save()

    assert _codes(user) == {"P", "SA", "SA-1", "SB", "H1", "X1"}
    assert _codes(user, "change") == {"P", "SA", "SA-1", "SB", "H1", "X1"}
    assert org_unit_policy.user_can(user, "create", tree.commune) is True
    assert audit_event_policy.scope(user, "view").count() == AuditEvent.objects.count()


def test_a_grant_does_not_cover_a_unit_whose_path_merely_starts_with_the_same_digits(tree: Any) -> None:
    # dept_a's path is e.g. "/1/2/"; a unit at "/1/20/" is not below it.
    lookalike = make_unit(code="LOOK", parent=tree.province)
    OrgUnit.objects.filter(pk=lookalike.pk).update(path=tree.dept_a.path[:-1] + "0/")
    lookalike.refresh_from_db()
    user = make_user(role=Role.REFORM_OFFICE, unit=tree.dept_a)

    assert "LOOK" not in _codes(user)
    assert org_unit_policy.user_can(user, "view", lookalike) is False


def test_a_grant_on_a_unit_without_path_opens_nothing(tree: Any) -> None:
    # An empty path is a prefix of every path; such a grant must fail closed.
    orphan = make_unit(code="ORPHAN")
    OrgUnit.objects.filter(pk=orphan.pk).update(path="")
    user = make_user(role=Role.REFORM_OFFICE, unit=orphan)

    assert _codes(user) == set()
    assert org_unit_policy.user_can(user, "view", tree.province) is False


def test_get_for_user_is_404_outside_scope_and_for_unknown_codes(tree: Any) -> None:
    user = make_user(role=Role.FOCAL_POINT, unit=tree.dept_a)

    assert org_unit_policy.get_for_user(user, "view", code="SA-1") == tree.dept_a_child
    with pytest.raises(Http404):
        org_unit_policy.get_for_user(user, "view", code="SB")
    with pytest.raises(Http404):
        org_unit_policy.get_for_user(user, "view", code="KHONG-CO")


def test_unknown_action_is_a_programming_error(tree: Any) -> None:
    user = make_user(role=Role.SYSTEM_ADMIN, unit=tree.province)

    with pytest.raises(ValueError, match="delete"):
        org_unit_policy.user_can(user, "delete", tree.province)


def test_audit_event_without_unit_is_for_global_roles_only(tree: Any) -> None:
    reform = make_user(role=Role.REFORM_OFFICE, unit=tree.province)
    admin = make_user(role=Role.SYSTEM_ADMIN, unit=tree.dept_b)
    # make_user audits "user.created" with no unit.
    event = AuditEvent.objects.filter(action="user.created", unit=None).first()
    assert event is not None

    assert audit_event_policy.user_can(reform, "view", event) is False
    assert audit_event_policy.scope(reform, "view").filter(pk=event.pk).exists() is False
    assert audit_event_policy.user_can(admin, "view", event) is True

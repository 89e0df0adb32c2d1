"""Account services: users, role grants and API tokens, each audited."""

import datetime as dt
import hashlib
from typing import Any

import pytest
from django.utils import timezone

from cchc.accounts.choices import Role
from cchc.accounts.models import ApiToken, Membership, User
from cchc.accounts.services import (
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
    membership_grant,
    membership_revoke,
    user_upsert,
)
from cchc.accounts.tests.factories import make_user
from cchc.audit.models import AuditEvent
from cchc.core.errors import ApplicationError, PermissionDeniedError
from cchc.organizations.policies import org_unit_policy


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


# -- user_upsert ------------------------------------------------------------------------


@pytest.mark.django_db
def test_user_upsert_creates_audits_and_never_records_the_password() -> None:
    user = user_upsert(actor=None, username="hoa.nt", full_name="Nguyễn Thị Hoa", password="bi-mat-khong-lo-2024")

    (event,) = _events("user.created")
    assert event.object_id == str(user.pk)
    assert event.actor is None
    assert event.actor_label == "hệ thống"
    assert event.changes == {
        "full_name": [None, "Nguyễn Thị Hoa"],
        "email": [None, ""],
        "position": [None, ""],
        "is_staff": [None, False],
        "is_superuser": [None, False],
        "password": ["***", "***"],
    }
    assert "bi-mat-khong-lo-2024" not in str(event.changes)
    assert user.check_password("bi-mat-khong-lo-2024")


@pytest.mark.django_db
def test_user_upsert_without_password_makes_an_unusable_one() -> None:
    user = user_upsert(actor=None, username="khong.mk", full_name="Không mật khẩu")

    assert user.has_usable_password() is False


@pytest.mark.django_db
def test_user_upsert_again_with_the_same_values_writes_nothing() -> None:
    user_upsert(actor=None, username="a", full_name="A", password="mat-khau-1-dai")
    before = AuditEvent.objects.count()

    user_upsert(actor=None, username="a", full_name="A", password="mat-khau-1-dai")

    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_user_upsert_records_what_changed(tree: Any) -> None:
    admin = make_user(role=Role.SYSTEM_ADMIN, unit=tree.province)
    user_upsert(actor=None, username="b", full_name="B", position="Chuyên viên")

    user_upsert(actor=admin, username="b", full_name="B", position="Phó phòng")

    (event,) = _events("user.updated")
    assert event.changes == {"position": ["Chuyên viên", "Phó phòng"]}
    assert event.actor == admin


def test_only_a_system_admin_may_create_or_reset_users(tree: Any) -> None:
    office = make_user(role=Role.REFORM_OFFICE, unit=tree.province)
    with pytest.raises(PermissionDeniedError):
        user_upsert(actor=office, username="quantri", full_name="X", password="mat-khau-moi-123", is_superuser=True)
    assert not User.objects.filter(username="quantri").exists()


# -- membership_grant / membership_revoke ------------------------------------------------


def test_membership_grant_is_idempotent_with_one_audit_row(tree: Any) -> None:
    user = make_user()

    first = membership_grant(actor=None, user=user, unit=tree.dept_a, role=Role.FOCAL_POINT)
    second = membership_grant(actor=None, user=user, unit=tree.dept_a, role=Role.FOCAL_POINT)

    assert first.pk == second.pk
    assert Membership.objects.filter(user=user).count() == 1
    (event,) = _events("membership.granted")
    assert event.unit == tree.dept_a
    assert event.object_id == str(first.pk)
    assert event.changes == {
        "user": [None, user.username],
        "role": [None, "focal_point"],
        "unit": [None, "SA"],
    }


def test_regranting_an_expired_role_renews_it(tree: Any) -> None:
    user = make_user()
    membership_grant(actor=None, user=user, unit=tree.dept_a, role=Role.VIEWER, valid_to=dt.date(2021, 12, 31))
    assert org_unit_policy.scope(User.objects.get(pk=user.pk), "view").count() == 0

    membership_grant(actor=None, user=user, unit=tree.dept_a, role=Role.VIEWER)

    (event,) = _events("membership.updated")
    assert event.changes == {"valid_to": ["2021-12-31", None]}
    assert org_unit_policy.scope(User.objects.get(pk=user.pk), "view").count() == 2


def test_membership_grant_refuses_an_unknown_role(tree: Any) -> None:
    with pytest.raises(ApplicationError) as exc:
        membership_grant(actor=None, user=make_user(), unit=tree.dept_a, role="owner")

    assert exc.value.code == "accounts.invalid_role"


def test_membership_grant_refuses_an_inverted_period(tree: Any) -> None:
    with pytest.raises(ApplicationError) as exc:
        membership_grant(
            actor=None,
            user=make_user(),
            unit=tree.dept_a,
            role=Role.VIEWER,
            valid_from=dt.date(2024, 2, 1),
            valid_to=dt.date(2024, 1, 31),
        )

    assert exc.value.code == "accounts.invalid_period"
    assert exc.value.message == "Ngày hết hiệu lực (31/01/2024) trước ngày bắt đầu (01/02/2024)."


@pytest.mark.parametrize(
    ("actor_role", "actor_unit", "target_unit", "role", "allowed"),
    [
        (Role.REFORM_OFFICE, "dept_a", "dept_a_child", Role.FOCAL_POINT, True),
        (Role.REFORM_OFFICE, "dept_a", "dept_a", Role.REFORM_OFFICE, True),
        (Role.REFORM_OFFICE, "dept_a", "dept_b", Role.FOCAL_POINT, False),
        (Role.REFORM_OFFICE, "province", "dept_b", Role.SYSTEM_ADMIN, False),
        (Role.FOCAL_POINT, "dept_a", "dept_a_child", Role.VIEWER, False),
        (Role.LEADER, "dept_a", "dept_a", Role.VIEWER, False),
        (Role.SYSTEM_ADMIN, "dept_b", "dept_a", Role.SYSTEM_ADMIN, True),
    ],
)
def test_who_may_grant_roles(
    tree: Any, actor_role: Role, actor_unit: str, target_unit: str, role: Role, allowed: bool
) -> None:
    actor = make_user(role=actor_role, unit=getattr(tree, actor_unit))
    grantee = make_user()

    if allowed:
        membership_grant(actor=actor, user=grantee, unit=getattr(tree, target_unit), role=role)
        assert Membership.objects.filter(user=grantee, role=role).count() == 1
    else:
        with pytest.raises(PermissionDeniedError):
            membership_grant(actor=actor, user=grantee, unit=getattr(tree, target_unit), role=role)
        assert Membership.objects.filter(user=grantee).count() == 0


def test_membership_revoke_ends_the_role_from_the_given_day(tree: Any) -> None:
    reform = make_user(role=Role.REFORM_OFFICE, unit=tree.province)
    user = make_user()
    membership = membership_grant(actor=None, user=user, unit=tree.dept_b, role=Role.FOCAL_POINT)

    membership_revoke(actor=reform, membership=membership, on=dt.date(2024, 3, 1))
    membership_revoke(actor=reform, membership=membership, on=dt.date(2024, 3, 5))  # already ended: no-op

    membership.refresh_from_db()
    assert membership.valid_to == dt.date(2024, 2, 29)
    (event,) = _events("membership.revoked")
    assert event.changes == {"valid_to": [None, "2024-02-29"]}
    assert event.actor == reform
    assert event.unit == tree.dept_b
    assert org_unit_policy.scope(User.objects.get(pk=user.pk), "view").count() == 0


def test_membership_revoke_today_removes_access_at_once(tree: Any) -> None:
    user = make_user()
    membership = membership_grant(actor=None, user=user, unit=tree.dept_b, role=Role.VIEWER)

    membership_revoke(actor=None, membership=membership)

    membership.refresh_from_db()
    assert membership.valid_to == timezone.localdate() - dt.timedelta(days=1)
    assert org_unit_policy.scope(User.objects.get(pk=user.pk), "view").count() == 0


# -- API tokens -------------------------------------------------------------------------


def test_api_token_create_stores_only_the_digest(tree: Any) -> None:
    user = make_user()

    token, raw = api_token_create(actor=user, user=user, name="Cổng dịch vụ công")

    stored = ApiToken.objects.get(pk=token.pk)
    assert raw.startswith("cchc_")
    assert len(raw) > 40
    assert stored.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert stored.prefix == raw[:8]
    assert raw not in {stored.digest, stored.prefix, stored.name}
    (event,) = _events("api_token.created")
    assert raw not in str(event.changes)
    assert event.changes == {"name": [None, "Cổng dịch vụ công"]}
    assert api_token_authenticate(raw) == user


def test_each_token_is_different(tree: Any) -> None:
    user = make_user()

    _, first = api_token_create(actor=None, user=user, name="1")
    _, second = api_token_create(actor=None, user=user, name="2")

    assert first != second


def test_only_the_owner_or_a_system_admin_manages_a_token(tree: Any) -> None:
    owner = make_user(role=Role.FOCAL_POINT, unit=tree.dept_a)
    reform = make_user(role=Role.REFORM_OFFICE, unit=tree.province)
    admin = make_user(role=Role.SYSTEM_ADMIN, unit=tree.province)

    with pytest.raises(PermissionDeniedError):
        api_token_create(actor=reform, user=owner, name="của người khác")
    token, _raw = api_token_create(actor=admin, user=owner, name="do quản trị cấp")
    with pytest.raises(PermissionDeniedError):
        api_token_revoke(actor=reform, token=token)
    api_token_revoke(actor=owner, token=token)

    token.refresh_from_db()
    assert token.revoked_at is not None


def test_revoking_twice_writes_one_audit_row(tree: Any) -> None:
    user = make_user()
    token, raw = api_token_create(actor=user, user=user, name="x")

    api_token_revoke(actor=user, token=token)
    api_token_revoke(actor=user, token=token)

    assert len(_events("api_token.revoked")) == 1
    assert api_token_authenticate(raw) is None

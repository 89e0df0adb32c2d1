"""Every write to users, role grants and API tokens.

A ``None`` actor is the system (the demo loader, a command run by an
administrator) and is not checked; a user actor is checked against the policy
inside the transaction.
"""

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.accounts.choices import Role
from cchc.accounts.models import ApiToken, Membership, User
from cchc.audit.services import audit_record, diff, snapshot
from cchc.core.errors import ApplicationError, PermissionDeniedError
from cchc.organizations.models import OrgUnit
from cchc.organizations.policies import org_unit_policy, user_grants_clear, user_is_global_admin

TOKEN_PREFIX_LENGTH = 8
MEMBERSHIP_FIELDS = ("valid_from", "valid_to")


def token_digest(raw: str) -> str:
    """The SHA-256 hex digest stored for a raw token (a token is random, so no salt is needed)."""
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def user_upsert(
    *,
    actor: Any,
    username: str,
    full_name: str,
    email: str = "",
    position: str = "",
    password: str | None = None,
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    """Create ``username`` or update its profile; a given password is (re)set.

    The password is hashed with the configured hasher (Argon2 in production) and
    never written to the audit row. Nothing changed, nothing written. Only a system
    administrator (or the system itself, ``actor=None``) may create users or reset
    their passwords; raises ``PermissionDeniedError`` otherwise.
    """
    if actor is not None and not user_is_global_admin(actor):
        raise PermissionDeniedError(
            _("Chỉ quản trị hệ thống được tạo, sửa tài khoản người dùng."), code="accounts.forbidden"
        )
    user = User.objects.filter(username=username).first()
    created = user is None
    if user is None:
        user = User(username=username)
    before = (
        {}
        if created
        else {
            "full_name": user.full_name,
            "email": user.email,
            "position": user.position,
            "is_staff": user.is_staff,
            "is_superuser": user.is_superuser,
        }
    )
    user.full_name, user.email, user.position = full_name, email, position
    user.is_staff, user.is_superuser = is_staff, is_superuser
    after = {
        "full_name": full_name,
        "email": email,
        "position": position,
        "is_staff": is_staff,
        "is_superuser": is_superuser,
    }
    changes = diff(before, after)
    if password is not None and (created or not user.check_password(password)):
        user.set_password(password)
        changes["password"] = ["***", "***"]
    if created and password is None:
        user.set_unusable_password()
    if not changes and not created:
        return user
    user.save()
    audit_record(actor=actor, action="user.created" if created else "user.updated", obj=user, changes=changes)
    return user


def _check_membership_change(actor: Any, unit: OrgUnit, role: str) -> None:
    """Who may give or end a role on ``unit``: whoever may change the unit (the
    reform office over it, a system administrator); the system administrator role
    itself only a system administrator, or a reform officer could crown anyone."""
    if actor is None:
        return
    if not org_unit_policy.user_can(actor, "change", unit) or (
        role == Role.SYSTEM_ADMIN and not user_is_global_admin(actor)
    ):
        raise PermissionDeniedError(
            _("Bạn không có quyền phân quyền trên đơn vị %(unit)s.") % {"unit": unit.code}, code="accounts.forbidden"
        )


@transaction.atomic
def membership_grant(
    *,
    actor: Any,
    user: User,
    unit: OrgUnit,
    role: str,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> Membership:
    """Give ``user`` the ``role`` on ``unit`` from ``valid_from`` to ``valid_to`` (inclusive, open when ``None``).

    Idempotent: granting the same triple with the same dates writes nothing. Granting
    it again with other dates sets those dates (so re-granting an expired role
    renews it) and writes a ``membership.updated`` row. Raises ``ApplicationError``
    for an unknown role or ``valid_to`` before ``valid_from``, ``PermissionDeniedError``
    when ``actor`` may not manage roles on ``unit``.
    """
    if role not in Role.values:
        raise ApplicationError(_("Vai trò không hợp lệ: %(role)s.") % {"role": role}, code="accounts.invalid_role")
    if valid_from and valid_to and valid_to < valid_from:
        raise ApplicationError(
            _("Ngày hết hiệu lực (%(valid_to)s) trước ngày bắt đầu (%(valid_from)s).")
            % {"valid_to": f"{valid_to:%d/%m/%Y}", "valid_from": f"{valid_from:%d/%m/%Y}"},
            code="accounts.invalid_period",
        )
    _check_membership_change(actor, unit, role)
    membership = Membership.objects.select_for_update().filter(user=user, unit=unit, role=role).first()
    if membership is None:
        membership = Membership.objects.create(
            user=user, unit=unit, role=role, valid_from=valid_from, valid_to=valid_to
        )
        user_grants_clear(user)
        audit_record(
            actor=actor,
            action="membership.granted",
            obj=membership,
            unit=unit,
            changes={
                "user": [None, user.username],
                "role": [None, role],
                "unit": [None, unit.code],
                **diff({}, snapshot(membership, MEMBERSHIP_FIELDS)),
            },
        )
        return membership
    before = snapshot(membership, MEMBERSHIP_FIELDS)
    membership.valid_from, membership.valid_to = valid_from, valid_to
    changes = diff(before, snapshot(membership, MEMBERSHIP_FIELDS))
    if changes:
        membership.save(update_fields=[*MEMBERSHIP_FIELDS, "updated_at"])
        user_grants_clear(user)
        audit_record(actor=actor, action="membership.updated", obj=membership, unit=unit, changes=changes)
    return membership


@transaction.atomic
def membership_revoke(*, actor: Any, membership: Membership, on: dt.date | None = None) -> Membership:
    """End ``membership`` so that it grants nothing from ``on`` (default: today).

    The row stays, dated, so the history of who held which role remains readable;
    a membership already ended before ``on`` is left alone.
    """
    _check_membership_change(actor, membership.unit, membership.role)
    last_day = (on or timezone.localdate()) - dt.timedelta(days=1)
    if membership.valid_to is not None and membership.valid_to <= last_day:
        return membership
    before = snapshot(membership, MEMBERSHIP_FIELDS)
    membership.valid_to = last_day
    membership.save(update_fields=["valid_to", "updated_at"])
    user_grants_clear(membership.user)
    audit_record(
        actor=actor,
        action="membership.revoked",
        obj=membership,
        unit=membership.unit,
        changes=diff(before, snapshot(membership, MEMBERSHIP_FIELDS)),
    )
    return membership


def _check_token_owner(actor: Any, user: User) -> None:
    """A user manages their own tokens; a system administrator manages anyone's."""
    if actor is None or actor.pk == user.pk or user_is_global_admin(actor):
        return
    raise PermissionDeniedError(_("Bạn chỉ được quản lý mã truy cập của chính mình."), code="accounts.forbidden")


@transaction.atomic
def api_token_create(*, actor: Any, user: User, name: str) -> tuple[ApiToken, str]:
    """Issue a token for ``user``; the raw key is returned once and never stored.

    Only the SHA-256 digest and an 8-character prefix (to recognise the token in
    lists) are kept. Raises ``PermissionDeniedError`` when ``actor`` is neither
    ``user`` nor a system administrator.
    """
    _check_token_owner(actor, user)
    raw = f"cchc_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[:TOKEN_PREFIX_LENGTH], digest=token_digest(raw))
    audit_record(actor=actor, action="api_token.created", obj=token, changes={"name": [None, name]})
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    """Revoke ``token`` from now on; revoking a revoked token changes nothing."""
    _check_token_owner(actor, token.user)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit_record(
            actor=actor,
            action="api_token.revoked",
            obj=token,
            changes={"revoked_at": [None, token.revoked_at.isoformat()]},
        )
    return token


def api_token_authenticate(raw: str) -> User | None:
    """The active user behind a raw bearer key, or ``None`` (unknown, revoked, inactive user)."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user

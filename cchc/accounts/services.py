"""Every write to users, role grants and API tokens."""

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from cchc.accounts.choices import Role
from cchc.accounts.models import ApiToken, Membership, User
from cchc.audit.services import audit_record, diff
from cchc.core.errors import ApplicationError
from cchc.organizations.models import OrgUnit

TOKEN_PREFIX_LENGTH = 8


def token_digest(raw: str) -> str:
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
) -> User:
    """Create ``username`` or update its profile; a given password is (re)set.

    The password is hashed with the configured hasher (Argon2 in production) and
    never written to the audit row.
    """
    user = User.objects.filter(username=username).first()
    created = user is None
    if user is None:
        user = User(username=username)
    before = {} if created else {"full_name": user.full_name, "email": user.email, "position": user.position, "is_staff": user.is_staff}
    user.full_name, user.email, user.position, user.is_staff = full_name, email, position, is_staff
    after = {"full_name": full_name, "email": email, "position": position, "is_staff": is_staff}
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
    """Give ``user`` the ``role`` on ``unit`` (idempotent for the same triple)."""
    if role not in Role.values:
        raise ApplicationError(f"Vai trò không hợp lệ: {role}.", code="accounts.invalid_role")
    membership, created = Membership.objects.get_or_create(
        user=user, unit=unit, role=role, defaults={"valid_from": valid_from, "valid_to": valid_to}
    )
    if created:
        audit_record(
            actor=actor,
            action="membership.granted",
            obj=membership,
            unit=unit,
            changes={"user": [None, user.username], "role": [None, role], "unit": [None, unit.code]},
        )
    return membership


@transaction.atomic
def api_token_create(*, actor: Any, user: User, name: str) -> tuple[ApiToken, str]:
    """Issue a token for ``user``; the raw key is returned once and never stored."""
    raw = f"cchc_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[:TOKEN_PREFIX_LENGTH], digest=token_digest(raw))
    audit_record(actor=actor, action="api_token.created", obj=token, changes={"name": [None, name]})
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit_record(actor=actor, action="api_token.revoked", obj=token, changes={"revoked_at": [None, token.revoked_at.isoformat()]})
    return token


def api_token_authenticate(raw: str) -> User | None:
    """The active user behind a raw bearer key, or ``None``."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user

"""Users with role grants, created through the services."""

import itertools

from cchc.accounts.models import User
from cchc.accounts.services import membership_grant, user_upsert
from cchc.organizations.models import OrgUnit

_seq = itertools.count(1)
TEST_PASSWORD = "mat-khau-thu-nghiem-2023"


def make_user(*, role: str | None = None, unit: OrgUnit | None = None, username: str | None = None) -> User:
    username = username or f"user{next(_seq)}"
    user = user_upsert(actor=None, username=username, full_name=f"Người dùng {username}", password=TEST_PASSWORD)
    if role and unit:
        membership_grant(actor=None, user=user, unit=unit, role=role)
    return user

"""Users on the shared ``tree`` and a way to call the API as them."""

from typing import Any

import pytest
from django.test import Client

from cchc.accounts.choices import Role
from cchc.accounts.models import User
from cchc.accounts.tests.factories import make_user


@pytest.fixture
def focal_a(tree: Any) -> User:
    """A focal point of dept_a: sees SA and SA-1 only."""
    return make_user(role=Role.FOCAL_POINT, unit=tree.dept_a, username="daumoi.sa")


@pytest.fixture
def reform(tree: Any) -> User:
    """The reform office on the province: sees the whole tree."""
    return make_user(role=Role.REFORM_OFFICE, unit=tree.province, username="cchc.snv")


@pytest.fixture
def as_focal_a(client: Client, focal_a: User) -> Client:
    client.force_login(focal_a)
    return client


@pytest.fixture
def as_reform(client: Client, reform: User) -> Client:
    client.force_login(reform)
    return client

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from cchc.accounts.choices import Role
from cchc.accounts.models import User
from cchc.accounts.tests.factories import make_user
from cchc.indicators.tests.factories import June, build_june


@pytest.fixture
def june(tree: Any) -> June:
    """The June 2024 dossiers, ratings and entered values of ``factories``."""
    return build_june(tree)


@pytest.fixture
def reform(tree: Any) -> User:
    """The reform office on the province."""
    return make_user(role=Role.REFORM_OFFICE, unit=tree.province, username="cchc.snv")


@pytest.fixture
def as_reform(client: Client, reform: User) -> Client:
    client.force_login(reform)
    return client


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()

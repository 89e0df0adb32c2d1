from typing import Any

import pytest

from cchc.accounts.choices import Role
from cchc.accounts.models import User
from cchc.accounts.tests.factories import make_user


@pytest.fixture
def focal(tree: Any) -> User:
    return make_user(role=Role.FOCAL_POINT, unit=tree.dept_a, username="daumoi")

"""The demo loader that `make run` calls is idempotent and gives every role a login."""

import pytest
from django.core.management import call_command

from cchc.accounts.choices import Role
from cchc.accounts.models import Membership, User
from cchc.audit.models import AuditEvent
from cchc.core.models import CalendarOverride
from cchc.organizations.models import Cohort, OrgUnit
from cchc.web.demo import DEMO_PASSWORD


def _counts() -> dict[str, int]:
    return {
        "units": OrgUnit.objects.count(),
        "cohorts": Cohort.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "overrides": CalendarOverride.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


@pytest.mark.django_db
def test_second_run_changes_nothing_and_writes_no_audit_rows() -> None:
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = _counts()
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _counts() == first
    # Hải Dương's 12 district-level units, as domain.md §2 lists them.
    assert OrgUnit.objects.filter(kind="district", statistical_code__in=[str(c) for c in range(288, 301)]).count() == 12
    assert first["overrides"] >= 3  # the working Saturdays 4/5/2024, 26/4/2025, 22/8/2026 at least


@pytest.mark.django_db
def test_every_role_has_a_demo_account_with_the_printed_password() -> None:
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    for user in User.objects.filter(memberships__isnull=False).distinct():
        assert user.check_password(DEMO_PASSWORD), user.username


@pytest.mark.django_db
def test_command_prints_the_accounts() -> None:
    import io

    out = io.StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    assert DEMO_PASSWORD in text
    assert "snv.cchc" in text
    assert "Đầu mối CCHC của đơn vị" in text

"""The demo loader that `make run` calls is idempotent and gives every role a login."""

import datetime as dt

import pytest
from django.core.management import call_command

from cchc.accounts.choices import Role
from cchc.accounts.models import Membership, User
from cchc.audit.models import AuditEvent
from cchc.core.models import CalendarOverride
from cchc.organizations.models import Cohort, OrgUnit
from cchc.plans.choices import PlanStatus
from cchc.plans.models import Plan
from cchc.tasks.choices import TaskStatus
from cchc.tasks.models import Target, Task, TaskOccurrence
from cchc.tasks.selectors import NO_PLAN, plan_coverage, plan_progress
from cchc.tasks.services import task_update
from cchc.web.demo import DEMO_PASSWORD, SEED_PLAN_NUMBER


def _counts() -> dict[str, int]:
    return {
        "units": OrgUnit.objects.count(),
        "cohorts": Cohort.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "overrides": CalendarOverride.objects.count(),
        "audit": AuditEvent.objects.count(),
        "plans": Plan.objects.count(),
        "tasks": Task.objects.count(),
        "occurrences": TaskOccurrence.objects.count(),
        "coordinating": Task.coordinating_units.through.objects.count(),
        "targets": Target.objects.count(),
    }


def _task_state() -> list[tuple[object, ...]]:
    return list(
        Task.objects.order_by("pk").values_list("pk", "status", "progress", "due_date", "completed_on", "is_public")
    )


@pytest.mark.django_db
def test_second_run_changes_nothing_and_writes_no_audit_rows() -> None:
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    # Someone clicks around the demo between two `make run`s: their change stays.
    edited = Task.objects.get(plan__parent=None, code="II.6.a")
    task_update(actor=None, task=edited, progress=90)
    first, tasks = _counts(), _task_state()
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _counts() == first
    assert _task_state() == tasks
    assert Task.objects.get(pk=edited.pk).progress == 90
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


@pytest.mark.django_db
def test_the_seed_plan_is_a_working_issued_plan_with_a_cascade() -> None:
    """89 tasks from the seed, issued; progress of every kind; four units at different points."""
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    plan = Plan.objects.get(parent=None, unit__code="HD", year=2023)
    assert (plan.status, plan.number, plan.issued_on) == (PlanStatus.ISSUED, SEED_PLAN_NUMBER, dt.date(2023, 1, 16))
    assert Task.objects.filter(plan=plan).count() == 89

    statuses = dict(Task.objects.filter(plan=plan).values_list("code", "status"))
    assert statuses["II.1.a"] == TaskStatus.DONE_ON_TIME
    assert statuses["IV.3.b"] == TaskStatus.DONE_ON_TIME  # due 2/9/2023, done 5/9: the holiday moved it
    assert statuses["II.8.a"] == TaskStatus.DONE_LATE
    assert statuses["II.6.a"] == TaskStatus.IN_PROGRESS
    assert list(statuses.values()).count(TaskStatus.CANCELLED) == 1
    assert Task.objects.filter(plan=plan, is_public=True).count() >= 3

    # On 1/7/2023 three open tasks are past their deadline; on 27/1/2023 IV.6.a (due in Tết) is not yet.
    progress = plan_progress(plan=plan, today=dt.date(2023, 7, 1))
    assert [task.code for task in progress.overdue] == ["IV.6.a", "II.4.b", "II.7.c.2"]
    assert "IV.6.a" not in [task.code for task in plan_progress(plan=plan, today=dt.date(2023, 1, 27)).overdue]
    assert progress.overall.cancelled == 1

    rows = {row.unit.code: row for row in plan_coverage(plan=plan)}
    assert (rows["HD.SYT"].unit_plan_status, rows["HD.SYT"].missing) == (PlanStatus.ISSUED, [])
    assert (rows["HD.H297"].unit_plan_status, rows["HD.H297"].missing) == (PlanStatus.DRAFT, [])
    assert rows["HD.STP"].unit_plan_status == PlanStatus.ISSUED
    assert [task.code for task in rows["HD.STP"].missing] == ["IV.2.b", "IV.6.a"]
    assert rows["HD.STC"].unit_plan_status == NO_PLAN
    assert Task.objects.filter(plan__unit__code="HD.SYT", code="SYT.1", source_task__isnull=True).exists()


@pytest.mark.django_db
def test_the_seed_plan_has_targets_on_its_items_and_two_units_report_figures() -> None:
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    targets = Target.objects.filter(plan__parent=None, plan__year=2023).select_related("node", "unit")

    by_key = {(t.indicator, t.unit.code if t.unit else None): t for t in targets}
    assert by_key[("Hoàn thành 100% nhiệm vụ cải cách hành chính năm 2023", None)].node.path == "I.1"
    assert by_key[("TTHC được công bố, công khai đúng quy định", None)].node.path == "II.3.b"
    assert by_key[("Tỷ lệ hồ sơ TTHC giải quyết đúng hạn", None)].target_value == 98
    reported = sorted({t.unit.code for t in targets if t.actual_value is not None})
    assert reported == ["HD.H297", "HD.SYT"]

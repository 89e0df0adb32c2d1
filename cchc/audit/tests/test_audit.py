"""The audit log: append-only rows, written by services inside their transaction."""

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from cchc.accounts.choices import Role
from cchc.accounts.tests.factories import make_user
from cchc.audit.models import AppendOnlyError, AuditEvent
from cchc.audit.selectors import audit_event_list_for_user
from cchc.audit.services import audit_record, diff, snapshot
from cchc.organizations.services import unit_update
from cchc.organizations.tests.factories import make_unit

# -- append-only ----------------------------------------------------------------------


@pytest.fixture
def event(tree: Any) -> AuditEvent:
    return AuditEvent.objects.get(action="org_unit.created", unit=tree.dept_a)


def test_saving_an_existing_row_raises(event: AuditEvent) -> None:
    event.action = "org_unit.deleted"

    with pytest.raises(AppendOnlyError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).action == "org_unit.created"


def test_queryset_update_raises(event: AuditEvent) -> None:
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(actor_label="kẻ gian")
    assert AuditEvent.objects.get(pk=event.pk).actor_label == "hệ thống"


def test_bulk_update_raises(event: AuditEvent) -> None:
    event.actor_label = "kẻ gian"

    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_update([event], ["actor_label"])


def test_queryset_delete_raises(tree: Any) -> None:
    count = AuditEvent.objects.count()

    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == count


def test_instance_delete_raises(event: AuditEvent) -> None:
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_audit_record_outside_a_transaction_raises() -> None:
    unit = make_unit(code="NGOAI")  # the service itself runs in its own transaction

    with pytest.raises(RuntimeError, match="transaction"):
        audit_record(actor=None, action="org_unit.touched", obj=unit)
    assert not AuditEvent.objects.filter(action="org_unit.touched").exists()


@pytest.mark.django_db(transaction=True)
def test_a_failed_change_leaves_no_audit_row() -> None:
    unit = make_unit(code="ROLLBACK", name="Tên cũ")

    @transaction.atomic
    def change_then_fail() -> None:
        unit_update(actor=None, unit=unit, name="Tên mới")
        raise ZeroDivisionError  # the caller fails after the service wrote

    with pytest.raises(ZeroDivisionError):
        change_then_fail()

    assert not AuditEvent.objects.filter(action="org_unit.updated").exists()
    unit.refresh_from_db()
    assert unit.name == "Tên cũ"


# -- what services write --------------------------------------------------------------


def test_unit_update_writes_who_when_what_and_before_after(tree: Any) -> None:
    reform = make_user(role=Role.REFORM_OFFICE, unit=tree.province, username="cchc.snv")
    started = timezone.now()

    unit_update(actor=reform, unit=tree.dept_b, name="Sở Nội vụ", valid_to=dt.date(2025, 6, 30), parent=tree.district)

    (event,) = AuditEvent.objects.filter(action="org_unit.updated")
    assert event.actor == reform
    assert event.actor_label == "Người dùng cchc.snv"
    assert started <= event.occurred_at <= timezone.now()
    assert (event.object_type, event.object_id, event.object_repr) == (
        "organizations.orgunit",
        str(tree.dept_b.pk),
        "Sở Nội vụ",
    )
    assert event.unit == tree.dept_b
    assert event.changes == {
        "name": ["Sở B", "Sở Nội vụ"],
        "parent": [tree.province.pk, tree.district.pk],
        "valid_to": [None, "2025-06-30"],
    }


def test_unit_update_without_change_writes_no_row(tree: Any) -> None:
    before = AuditEvent.objects.count()

    unit_update(actor=None, unit=tree.dept_b, name="Sở B", short_name="ĐV SB")

    assert AuditEvent.objects.count() == before


def test_diff_lists_only_changed_keys_in_order() -> None:
    assert diff({"a": 1, "b": 2, "c": None}, {"a": 1, "b": 3, "d": 4}) == {"b": [2, 3], "d": [None, 4]}


def test_snapshot_renders_plain_json_values(tree: Any) -> None:
    values = snapshot(tree.dept_a_child, ["code", "parent", "valid_from", "valid_to", "successors"])

    assert values == {
        "code": "SA-1",
        "parent": tree.dept_a.pk,
        "valid_from": "2020-01-01",
        "valid_to": None,
        "successors": [],
    }


# -- reading ----------------------------------------------------------------------------


def test_reform_office_on_a_department_reads_only_its_subtree(tree: Any) -> None:
    reader = make_user(role=Role.REFORM_OFFICE, unit=tree.dept_a)
    unit_update(actor=None, unit=tree.dept_a_child, name="Chi cục mới")
    unit_update(actor=None, unit=tree.dept_b, name="Sở B mới")

    rows = audit_event_list_for_user(user=reader)

    assert sorted((e.action, e.unit.code) for e in rows if e.unit) == [
        ("membership.granted", "SA"),
        ("org_unit.created", "SA"),
        ("org_unit.created", "SA-1"),
        ("org_unit.updated", "SA-1"),
    ]
    assert all(e.unit is not None for e in rows)


def test_rows_come_newest_first(tree: Any) -> None:
    reader = make_user(role=Role.SYSTEM_ADMIN, unit=tree.province)

    times = [e.occurred_at for e in audit_event_list_for_user(user=reader)]

    assert times == sorted(times, reverse=True)

"""Org unit services: materialised paths, cycle refusal, permissions and audit rows."""

import datetime as dt

import pytest

from cchc.accounts.choices import Role
from cchc.accounts.tests.factories import make_user
from cchc.audit.models import AuditEvent
from cchc.core.errors import ApplicationError, PermissionDeniedError
from cchc.organizations.choices import UnitKind
from cchc.organizations.models import Cohort, OrgUnit
from cchc.organizations.services import (
    cohort_upsert,
    unit_create,
    unit_set_cohorts,
    unit_set_successors,
    unit_update,
)
from conftest import Tree


def fresh(unit: OrgUnit) -> OrgUnit:
    return OrgUnit.objects.get(pk=unit.pk)


class TestPaths:
    def test_created_units_carry_their_ancestors_in_the_path(self, tree: Tree) -> None:
        assert tree.province.path == f"/{tree.province.pk}/"
        assert tree.commune.path == f"/{tree.province.pk}/{tree.district.pk}/{tree.commune.pk}/"
        assert tree.commune.depth == 2

    def test_moving_a_unit_moves_its_subtree(self, tree: Tree) -> None:
        unit_update(actor=None, unit=fresh(tree.dept_a), parent=tree.dept_b)
        dept_b, dept_a, child = fresh(tree.dept_b), fresh(tree.dept_a), fresh(tree.dept_a_child)
        assert dept_a.path == f"{dept_b.path}{dept_a.pk}/"
        assert child.path == f"{dept_a.path}{child.pk}/"
        assert set(OrgUnit.objects.subtree_of(dept_b).values_list("code", flat=True)) == {"SB", "SA", "SA-1"}

    def test_moving_to_the_root(self, tree: Tree) -> None:
        unit_update(actor=None, unit=fresh(tree.district), parent=None)
        assert fresh(tree.commune).path == f"/{tree.district.pk}/{tree.commune.pk}/"

    @pytest.mark.parametrize("target", ["dept_a", "dept_a_child"])
    def test_a_unit_cannot_move_into_its_own_subtree(self, tree: Tree, target: str) -> None:
        audit_rows = AuditEvent.objects.count()
        with pytest.raises(ApplicationError) as info:
            unit_update(actor=None, unit=fresh(tree.dept_a), parent=fresh(getattr(tree, target)))
        assert info.value.code == "organizations.cycle"
        assert fresh(tree.dept_a).parent == tree.province
        assert AuditEvent.objects.count() == audit_rows


class TestAudit:
    def test_create_records_every_field_as_after_values(self, tree: Tree) -> None:
        event = AuditEvent.objects.get(action="org_unit.created", object_id=str(tree.dept_a.pk))
        assert event.changes["code"] == [None, "SA"]
        assert event.changes["parent"] == [None, tree.province.pk]
        assert event.changes["valid_from"] == [None, "2020-01-01"]
        assert event.unit == tree.dept_a

    def test_update_records_before_and_after_of_changed_fields_only(self, tree: Tree) -> None:
        unit_update(actor=None, unit=fresh(tree.dept_a), name="Sở A mới", valid_to=dt.date(2025, 6, 30))
        event = AuditEvent.objects.get(action="org_unit.updated")
        assert event.changes == {"name": ["Sở A", "Sở A mới"], "valid_to": [None, "2025-06-30"]}

    def test_an_update_that_changes_nothing_writes_nothing(self, tree: Tree) -> None:
        audit_rows = AuditEvent.objects.count()
        unit_update(actor=None, unit=fresh(tree.dept_a), name="Sở A", parent=tree.province)
        assert AuditEvent.objects.count() == audit_rows

    def test_invalid_values_are_refused(self, tree: Tree) -> None:
        with pytest.raises(ApplicationError) as info:
            unit_update(actor=None, unit=fresh(tree.dept_a), kind="so")
        assert info.value.code == "organizations.invalid_unit"
        with pytest.raises(ApplicationError):
            unit_create(
                actor=None,
                code="SA",
                name="Trùng mã",
                short_name="T",
                kind=UnitKind.AGENCY,
                valid_from=dt.date(2021, 1, 1),
            )

    def test_successors_audited_once_and_never_the_unit_itself(self, tree: Tree) -> None:
        unit_set_successors(actor=None, unit=tree.dept_a, successors=[tree.dept_b])
        unit_set_successors(actor=None, unit=tree.dept_a, successors=[tree.dept_b])
        event = AuditEvent.objects.get(action="org_unit.successors_set")
        assert event.changes == {"successors": [[], [tree.dept_b.pk]]}
        with pytest.raises(ApplicationError) as info:
            unit_set_successors(actor=None, unit=tree.dept_a, successors=[tree.dept_a])
        assert info.value.code == "organizations.self_successor"

    def test_cohorts_upsert_and_membership(self, tree: Tree) -> None:
        cohort = cohort_upsert(actor=None, code="SBN", name="Sở, ban, ngành")
        cohort_upsert(actor=None, code="SBN", name="Sở, ban, ngành")
        cohort_upsert(actor=None, code="SBN", name="Sở, ban, ngành tỉnh")
        assert list(AuditEvent.objects.filter(object_type="organizations.cohort").values_list("action", flat=True)) == [
            "cohort.updated",
            "cohort.created",
        ]
        unit_set_cohorts(actor=None, unit=tree.dept_a, cohorts=[cohort])
        unit_set_cohorts(actor=None, unit=tree.dept_a, cohorts=Cohort.objects.filter(code="SBN"))
        event = AuditEvent.objects.get(action="org_unit.cohorts_set")
        assert event.changes == {"cohorts": [[], ["SBN"]]}


class TestPermissions:
    def test_reform_office_acts_within_its_grant_only(self, tree: Tree) -> None:
        officer = make_user(role=Role.REFORM_OFFICE, unit=tree.dept_a)
        unit_update(actor=officer, unit=fresh(tree.dept_a_child), name="Chi cục mới")
        assert AuditEvent.objects.get(action="org_unit.updated").actor == officer
        with pytest.raises(PermissionDeniedError):
            unit_update(actor=officer, unit=fresh(tree.dept_b), name="Không được")
        # Moving into a unit outside the grant is refused too.
        with pytest.raises(PermissionDeniedError):
            unit_update(actor=officer, unit=fresh(tree.dept_a_child), parent=tree.dept_b)

    def test_viewer_cannot_create(self, tree: Tree) -> None:
        viewer = make_user(role=Role.VIEWER, unit=tree.province)
        with pytest.raises(PermissionDeniedError):
            unit_create(
                actor=viewer,
                code="NEW",
                name="Mới",
                short_name="M",
                kind=UnitKind.AGENCY,
                parent=tree.province,
                valid_from=dt.date(2021, 1, 1),
            )

    def test_cohorts_need_a_grant_on_a_root(self, tree: Tree) -> None:
        officer = make_user(role=Role.REFORM_OFFICE, unit=tree.dept_a)
        with pytest.raises(PermissionDeniedError):
            cohort_upsert(actor=officer, code="G", name="Nhóm")
        head = make_user(role=Role.REFORM_OFFICE, unit=tree.province)
        assert cohort_upsert(actor=head, code="G", name="Nhóm").code == "G"

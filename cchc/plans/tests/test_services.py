"""Plan import services: upload → corrections → confirm, all or nothing, audited."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from cchc.accounts.choices import Role
from cchc.accounts.models import User
from cchc.accounts.tests.factories import make_user
from cchc.audit.models import AuditEvent
from cchc.core.errors import ApplicationError, PermissionDeniedError
from cchc.organizations.tests.factories import make_unit
from cchc.plans.choices import UnitRole
from cchc.plans.models import Plan, PlanImport, PlanNode, PlanNodeReference, PlanNodeUnit
from cchc.plans.selectors import units_for_plan_import
from cchc.plans.services import (
    plan_import_confirm,
    plan_import_create,
    plan_import_discard,
    plan_import_set_unit,
    plan_import_update_node,
)
from cchc.plans.tests.factories import PLAN_BYTES, PLAN_FILE_NAME, PLAN_PATHS, PlanUnits, make_plan_units


@pytest.fixture
def units(tree: Any) -> PlanUnits:
    return make_plan_units(tree)


@pytest.fixture
def officer(tree: Any) -> User:
    return make_user(role=Role.REFORM_OFFICE, unit=tree.province, username="phong.cchc")


@pytest.fixture
def draft(tree: Any, units: PlanUnits, officer: User) -> PlanImport:
    return plan_import_create(actor=officer, unit=tree.province, year=2023, file_name=PLAN_FILE_NAME, data=PLAN_BYTES)


def _links(plan: Plan) -> set[tuple[str, str, str]]:
    return set(PlanNodeUnit.objects.filter(node__plan=plan).values_list("node__path", "unit__code", "role"))


def _actions(obj: Any) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


# -- create ------------------------------------------------------------------------------


def test_create_keeps_the_analysis_for_review(draft: PlanImport, officer: User) -> None:
    """The import holds the outline, the unit matches and the references; no plan yet."""
    assert draft.status == PlanImport.Status.PREVIEW
    assert draft.created_by == officer
    assert draft.size == len(PLAN_BYTES)
    assert len(draft.sha256) == 64
    analysis = draft.analysis
    assert [node["path"] for node in analysis["outline"]] == PLAN_PATHS
    assert set(analysis) >= {"source", "preamble", "outline", "units", "references", "warnings"}
    letter = next(node for node in analysis["outline"] if node["path"] == "II.2.đ")
    assert letter["title"] == "Đánh giá chất lượng phục vụ theo điểm a khoản 2 mục II."
    assert letter["parent"] == "II.2"
    mentions = {(m["path"], m["role"], m["code"]) for m in analysis["units"]}
    assert mentions == {("IV.1", "lead", "SNV"), ("IV.2", "lead", "SBN"), ("IV.2", "coordinating", "SNV")}
    assert {(r["path"], r["target"]) for r in analysis["references"] if r["resolved"]} == {
        ("II.2.đ", "II.2.a"),
        ("IV.1", "II.2.đ"),
    }
    assert Plan.objects.count() == 0
    assert _actions(draft) == ["plan_import.created"]


def test_create_refuses_a_unit_outside_the_actors_scope(tree: Any, units: PlanUnits) -> None:
    focal_b = make_user(role=Role.FOCAL_POINT, unit=tree.dept_b)

    with pytest.raises(PermissionDeniedError) as excinfo:
        plan_import_create(actor=focal_b, unit=tree.dept_a, year=2023, file_name=PLAN_FILE_NAME, data=PLAN_BYTES)

    assert "Sở A" in excinfo.value.message
    assert PlanImport.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "make_data", "expected"),
    [
        ("trong.txt", lambda: b"", "trống"),
        ("trong.txt", lambda: b"   \n\n  ", "trống"),
        ("anh.bin", lambda: bytes(range(256)) * 64, "không phải văn bản"),
        ("thu-moi.txt", lambda: "Kính mời các đồng chí dự họp vào chiều thứ Sáu.\n".encode(), "cấu trúc"),
        ("qua-lon.txt", lambda: b"a" * (50 * 1024 * 1024), "quá lớn"),
    ],
    ids=["empty", "blank", "binary", "no-structure", "50-mb"],
)
def test_bad_input_is_refused_in_vietnamese_and_writes_nothing(
    tree: Any, units: PlanUnits, officer: User, name: str, make_data: Callable[[], bytes], expected: str
) -> None:
    data = make_data()
    imports, events = PlanImport.objects.count(), AuditEvent.objects.count()

    with pytest.raises(ApplicationError) as excinfo:
        plan_import_create(actor=officer, unit=tree.province, year=2023, file_name=name, data=data)

    assert expected in excinfo.value.message
    assert f"“{name}”" in excinfo.value.message
    assert excinfo.value.code.startswith("documents.")
    assert PlanImport.objects.count() == imports
    assert AuditEvent.objects.count() == events


def test_create_refuses_an_impossible_year(tree: Any, officer: User) -> None:
    with pytest.raises(ApplicationError) as excinfo:
        plan_import_create(actor=officer, unit=tree.province, year=1850, file_name=PLAN_FILE_NAME, data=PLAN_BYTES)

    assert excinfo.value.code == "plans.invalid_year"
    assert PlanImport.objects.count() == 0


# -- confirm ----------------------------------------------------------------------------


def test_confirm_creates_the_plan_its_tree_units_and_references(
    tree: Any, units: PlanUnits, draft: PlanImport, officer: User
) -> None:
    plan = plan_import_confirm(actor=officer, plan_import=draft, title="Kế hoạch CCHC năm 2023")

    assert plan.title == "Kế hoạch CCHC năm 2023"
    assert (plan.unit, plan.year, plan.created_by) == (tree.province, 2023, officer)
    assert (plan.source_name, plan.source_sha256) == (PLAN_FILE_NAME, draft.sha256)
    nodes = list(plan.nodes.order_by("position"))
    assert [node.path for node in nodes] == PLAN_PATHS
    assert [node.position for node in nodes] == list(range(1, len(PLAN_PATHS) + 1))
    by_path = {node.path: node for node in nodes}
    assert by_path["II.2.đ"].parent == by_path["II.2"]
    assert by_path["II.2"].parent == by_path["II"]
    assert by_path["II"].parent is None
    assert by_path["IV.1"].title == "Sở Nội vụ"
    assert "đôn đốc việc thực hiện Kế hoạch" in by_path["IV.1"].body
    assert by_path["II.2.đ"].line_start is not None

    # "Các sở, ban, ngành" stands for every member of the cohort that year.
    assert _links(plan) == {
        ("IV.1", "SNV", UnitRole.LEAD),
        ("IV.2", "SA", UnitRole.LEAD),
        ("IV.2", "SB", UnitRole.LEAD),
        ("IV.2", "SNV", UnitRole.LEAD),
        ("IV.2", "SNV", UnitRole.COORDINATING),
    }
    group = PlanNodeUnit.objects.filter(node__path="IV.2", role=UnitRole.LEAD)
    assert set(group.values_list("source_text", flat=True)) == {"Các sở, ban, ngành"}

    references = set(PlanNodeReference.objects.filter(node__plan=plan).values_list("node__path", "target__path"))
    assert references == {("II.2.đ", "II.2.a"), ("IV.1", "II.2.đ")}

    draft.refresh_from_db()
    assert draft.status == PlanImport.Status.CONFIRMED
    assert draft.plan == plan
    assert _actions(draft) == ["plan_import.created", "plan_import.confirmed"]
    assert _actions(plan) == ["plan.created"]
    created = AuditEvent.objects.get(action="plan.created")
    assert created.actor == officer
    assert created.unit == tree.province
    assert created.changes["nodes"] == [None, len(PLAN_PATHS)]


def test_confirm_without_a_title_uses_the_documents_first_line(draft: PlanImport, officer: User) -> None:
    plan = plan_import_confirm(actor=officer, plan_import=draft)

    assert plan.title == "Kế hoạch cải cách hành chính nhà nước tỉnh Thử Nghiệm năm 2023"


def test_cohort_expansion_leaves_out_members_that_had_ended(tree: Any, units: PlanUnits, officer: User) -> None:
    ended = make_unit(code="SCU", parent=tree.province, name="Sở đã giải thể", valid_to=dt.date(2022, 6, 30))
    units.departments.members.add(ended)
    draft = plan_import_create(actor=officer, unit=tree.province, year=2023, file_name=PLAN_FILE_NAME, data=PLAN_BYTES)

    plan = plan_import_confirm(actor=officer, plan_import=draft)

    assert ("IV.2", "SCU", UnitRole.LEAD) not in _links(plan)


def test_confirm_twice_is_refused(draft: PlanImport, officer: User) -> None:
    plan_import_confirm(actor=officer, plan_import=draft)

    with pytest.raises(ApplicationError) as excinfo:
        plan_import_confirm(actor=officer, plan_import=draft)

    assert excinfo.value.code == "plans.import_closed"
    assert PLAN_FILE_NAME in excinfo.value.message
    assert Plan.objects.count() == 1


def test_confirm_by_someone_outside_the_scope_is_refused(tree: Any, draft: PlanImport) -> None:
    with pytest.raises(PermissionDeniedError):
        plan_import_confirm(actor=make_user(role=Role.FOCAL_POINT, unit=tree.dept_a), plan_import=draft)

    assert Plan.objects.count() == 0
    assert PlanNode.objects.count() == 0


# -- corrections -------------------------------------------------------------------------


def test_update_node_corrects_title_and_body_and_is_audited(draft: PlanImport, officer: User) -> None:
    plan_import_update_node(
        actor=officer,
        plan_import=draft,
        path="II.2.đ",
        title="  Đánh giá   chất lượng phục vụ  ",
        body="Theo bộ chỉ số của tỉnh.\n",
    )

    draft.refresh_from_db()
    node = next(n for n in draft.analysis["outline"] if n["path"] == "II.2.đ")
    assert node["title"] == "Đánh giá chất lượng phục vụ"
    assert node["body"] == "Theo bộ chỉ số của tỉnh."
    assert node["flags"] == []
    event = AuditEvent.objects.filter(action="plan_import.node_corrected").get()
    assert set(event.changes) == {"II.2.đ.title", "II.2.đ.body"}

    plan = plan_import_confirm(actor=officer, plan_import=draft)
    assert plan.nodes.get(path="II.2.đ").title == "Đánh giá chất lượng phục vụ"


def test_update_node_refuses_an_empty_title_and_an_unknown_path(draft: PlanImport, officer: User) -> None:
    with pytest.raises(ApplicationError) as empty:
        plan_import_update_node(actor=officer, plan_import=draft, path="I.1", title="   ")
    with pytest.raises(ApplicationError) as unknown:
        plan_import_update_node(actor=officer, plan_import=draft, path="IX.9", title="Mục lạ")

    assert empty.value.code == "plans.empty_title"
    assert unknown.value.code == "plans.unknown_node"
    assert not AuditEvent.objects.filter(action="plan_import.node_corrected").exists()


def test_set_unit_changes_and_drops_links(tree: Any, draft: PlanImport, officer: User) -> None:
    mentions = draft.analysis["units"]
    lead_group = next(i for i, m in enumerate(mentions) if m["path"] == "IV.2" and m["role"] == "lead")
    coordinating = next(i for i, m in enumerate(mentions) if m["role"] == "coordinating")

    plan_import_set_unit(actor=officer, plan_import=draft, index=lead_group, code="SA")
    plan_import_set_unit(actor=officer, plan_import=draft, index=coordinating, code=None)
    with pytest.raises(ApplicationError) as unknown:
        plan_import_set_unit(actor=officer, plan_import=draft, index=0, code="KHONG-CO")

    assert unknown.value.code == "plans.unknown_unit"
    draft.refresh_from_db()
    chosen = draft.analysis["units"][lead_group]
    assert (chosen["code"], chosen["is_group"], chosen["confirmed"]) == ("SA", False, True)
    plan = plan_import_confirm(actor=officer, plan_import=draft)
    assert _links(plan) == {("IV.1", "SNV", UnitRole.LEAD), ("IV.2", "SA", UnitRole.LEAD)}
    assert AuditEvent.objects.filter(action="plan_import.unit_set").count() == 2


def test_discard_closes_the_import(draft: PlanImport, officer: User) -> None:
    plan_import_discard(actor=officer, plan_import=draft)

    draft.refresh_from_db()
    assert draft.status == PlanImport.Status.DISCARDED
    with pytest.raises(ApplicationError):
        plan_import_confirm(actor=officer, plan_import=draft)
    assert Plan.objects.count() == 0


# -- the units one may import for ---------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "unit_attr", "expected"),
    [
        (Role.FOCAL_POINT, "dept_a", ["SA", "SA-1"]),
        (Role.REFORM_OFFICE, "district", ["H1", "X1"]),
        (Role.VIEWER, "province", []),
        (Role.LEADER, "dept_a", []),
    ],
)
def test_units_for_plan_import_follow_the_import_policy(
    tree: Any, role: str, unit_attr: str, expected: list[str]
) -> None:
    user = make_user(role=role, unit=getattr(tree, unit_attr))

    assert list(units_for_plan_import(user=user).values_list("code", flat=True)) == expected


def test_units_for_plan_import_keep_ended_units(tree: Any) -> None:
    make_unit(code="SA-OLD", parent=tree.dept_a, name="Chi cục đã giải thể", valid_to=dt.date(2022, 12, 31))
    admin = make_user(role=Role.SYSTEM_ADMIN, unit=tree.province)

    codes = list(units_for_plan_import(user=admin).values_list("code", flat=True))

    assert "SA-OLD" in codes
    assert len(codes) == 7

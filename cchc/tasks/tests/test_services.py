"""Task services: tasks from the seed plan, the cascade to unit plans, plan states, edits.

The seed tests import the real Hải Dương 2023 plan (the file ``make run`` imports)
with the shipped units, and check the generated tasks against what section IV of
the document says, read by hand:

* IV.2 Sở Nội vụ is "cơ quan thường trực": it leads what no one else is given
  (II.1 direction, II.4 apparatus, II.5 civil service, II.8.a);
* IV.3 Sở Tư pháp: "cải cách thể chế" → II.2.*; IV.4 Văn phòng UBND: "cải cách TTHC" →
  II.3.*; IV.5 Sở Tài chính: "cải cách tài chính công" → II.6.*, and "điểm c khoản 8
  mục II" → II.8.c; IV.6 Sở TT&TT: "chính quyền điện tử" → II.7.*; IV.7 Sở KH&ĐT:
  "điểm b, d khoản 8 mục II" → II.8.b, II.8.d;
* IV.1 "Các sở, ban, ngành; UBND các huyện…" (30 units) coordinate every II task;
* each lettered duty of IV.2–IV.7 is a task of that item's unit; IV.8 (the media,
  no letters) is one task of its first unit.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Q

from cchc.accounts.choices import Role
from cchc.accounts.models import User
from cchc.accounts.tests.factories import make_user
from cchc.audit.models import AuditEvent
from cchc.core.errors import ApplicationError, PermissionDeniedError
from cchc.organizations.importing import cohorts_load_default, units_load_default
from cchc.organizations.models import OrgUnit
from cchc.plans.choices import PlanStatus, UnitRole
from cchc.plans.models import Plan, PlanNodeReference, PlanNodeUnit
from cchc.plans.services import plan_import_confirm, plan_import_create
from cchc.tasks.choices import Area, DeadlineKind, TaskStatus
from cchc.tasks.models import Task
from cchc.tasks.services import (
    plan_close,
    plan_issue,
    task_create,
    task_update,
    tasks_generate_from_plan,
    unit_plan_create,
)
from cchc.tasks.tests.factories import make_node, make_plan, make_task
from cchc.web.demo import SEED_PLAN, SEED_PLAN_TITLE

D = dt.date

# Section II as the seed has it: item → its lettered duties (II.7 has one more level).
SEED_II = {
    "II.1": ["a", "b", "c", "d", "đ", "e", "g"],
    "II.2": ["a", "b", "c", "d"],
    "II.3": ["a", "b", "c", "d", "đ", "e", "g", "h"],
    "II.4": ["a", "b", "c", "d"],
    "II.5": ["a", "b", "c", "d", "đ"],
    "II.6": ["a", "b", "c", "d", "đ", "e", "g"],
    "II.7": [
        *("a.1", "a.2"),
        *("b.1", "b.2", "b.3", "b.4"),
        *("c.1", "c.2", "c.3"),
        *("d.1", "d.2", "d.3", "d.4", "d.5", "d.6", "d.7"),
        *("đ.1", "đ.2", "đ.3"),
        *("e.1", "e.2"),
    ],
    "II.8": ["a", "b", "c", "d"],
}
SEED_IV = {
    "HD.SNV": ["IV.2.a", "IV.2.b", "IV.2.c", "IV.2.d", "IV.2.đ"],
    "HD.STP": ["IV.3.a", "IV.3.b", "IV.3.c", "IV.3.d", "IV.3.đ"],
    "HD.VP": ["IV.4.a", "IV.4.b", "IV.4.d", "IV.4.đ", "IV.4.e", "IV.4.h", "IV.4.g", "IV.4.i"],
    "HD.STC": ["IV.5.a", "IV.5.b", "IV.5.c"],
    "HD.STTTT": ["IV.6.a", "IV.6.b", "IV.6.c", "IV.6.d", "IV.6.đ"],
    "HD.SKHDT": ["IV.7.a", "IV.7.b"],
    "HD.DPTTH": ["IV.8"],
}
AREA_OF_ITEM = {
    "II.1": (Area.DIRECTION, "HD.SNV"),
    "II.2": (Area.INSTITUTIONS, "HD.STP"),
    "II.3": (Area.PROCEDURES, "HD.VP"),
    "II.4": (Area.APPARATUS, "HD.SNV"),
    "II.5": (Area.CIVIL_SERVICE, "HD.SNV"),
    "II.6": (Area.PUBLIC_FINANCE, "HD.STC"),
    "II.7": (Area.DIGITAL_GOVERNMENT, "HD.STTTT"),
    "II.8": (Area.IMPACT, "HD.SNV"),
}
II_8_LEADS = {"II.8.a": "HD.SNV", "II.8.b": "HD.SKHDT", "II.8.c": "HD.STC", "II.8.d": "HD.SKHDT"}


def _seed_codes_ii() -> list[str]:
    return [f"{item}.{letter}" for item, letters in SEED_II.items() for letter in letters]


@pytest.fixture
def seed_plan(db: None) -> Plan:
    cohorts_load_default()
    units_load_default()
    province = OrgUnit.objects.get(code="HD")
    draft = plan_import_create(
        actor=None, unit=province, year=2023, file_name=SEED_PLAN.name, data=SEED_PLAN.read_bytes()
    )
    return plan_import_confirm(actor=None, plan_import=draft, title=SEED_PLAN_TITLE)


def _created_audit_rows() -> int:
    return AuditEvent.objects.filter(action="task.created").count()


# -- tasks from the seed -----------------------------------------------------------------


def test_seed_tasks_follow_section_iv(seed_plan: Plan) -> None:
    created = tasks_generate_from_plan(actor=None, plan=seed_plan)
    ii_codes = _seed_codes_ii()
    iv_codes = [code for codes in SEED_IV.values() for code in codes]
    assert len(ii_codes) == 60
    assert len(iv_codes) == 29
    assert [task.code for task in created] == ii_codes + iv_codes  # document order, positions 1…89
    assert [task.position for task in created] == list(range(1, 90))
    assert _created_audit_rows() == 89

    tasks = {task.code: task for task in Task.objects.filter(plan=seed_plan).select_related("lead_unit", "node")}
    for code in ii_codes:
        item = ".".join(code.split(".")[:2])
        area, lead = AREA_OF_ITEM[item]
        lead = II_8_LEADS.get(code, lead)
        assert (tasks[code].area, tasks[code].lead_unit.code) == (area, lead), code
        node = tasks[code].node
        assert node is not None
        assert node.path == code
    for lead, codes in SEED_IV.items():
        for code in codes:
            assert (tasks[code].area, tasks[code].lead_unit.code) == ("", lead), code


def test_seed_coordinating_units(seed_plan: Plan) -> None:
    tasks_generate_from_plan(actor=None, plan=seed_plan)
    implementers = set(
        PlanNodeUnit.objects.filter(node__plan=seed_plan, node__path="IV.1", role=UnitRole.LEAD).values_list(
            "unit__code", flat=True
        )
    )
    assert len(implementers) == 30
    assert {"HD.SYT", "HD.H297", "HD.STP", "HD.SNV"} <= implementers

    def coordinating(code: str) -> set[str]:
        task = Task.objects.get(plan=seed_plan, code=code)
        return set(task.coordinating_units.values_list("code", flat=True))

    # Every II task: the 30 implementers except its own lead.
    assert coordinating("II.2.a") == implementers - {"HD.STP"}
    assert coordinating("II.8.c") == implementers - {"HD.STC"}
    # Duties that name a partner ("Phối hợp với Sở Nội vụ …", "Phối hợp Sở Tài chính …").
    assert coordinating("IV.3.d") == {"HD.SNV"}
    assert coordinating("IV.2.a") == {"HD.STC"}
    assert coordinating("IV.3.a") == set()
    # The media item: its first unit leads, the other named units coordinate.
    assert {"HD.BHD", "HD.CTTDT", "HD.H297", "HD.SNV"} <= coordinating("IV.8")


def test_seed_deadlines_and_products(seed_plan: Plan) -> None:
    tasks_generate_from_plan(actor=None, plan=seed_plan)
    tasks = {task.code: task for task in Task.objects.filter(plan=seed_plan).prefetch_related("occurrences")}
    # "hằng tháng": twelve occurrences, each 2 working days after the 14th; due at the last.
    monthly = tasks["II.3.b"]
    assert monthly.deadline_kind == DeadlineKind.MONTHLY
    occurrences = [o.due_date for o in monthly.occurrences.all()]
    assert len(occurrences) == 12
    assert occurrences[0] == D(2023, 1, 17)  # Saturday 14/1 → Monday 16/1 (1), Tuesday 17/1 (2)
    assert occurrences[1] == D(2023, 2, 16)  # Tuesday 14/2 → Wednesday 15/2 (1), Thursday 16/2 (2)
    assert monthly.due_date == D(2023, 12, 18)
    # "Định kỳ … báo cáo": quarterly.
    assert tasks["IV.2.d"].deadline_kind == DeadlineKind.QUARTERLY
    assert [o.label for o in tasks["IV.2.d"].occurrences.all()] == [
        "Quý I/2023",
        "Quý II/2023",
        "Quý III/2023",
        "Quý IV/2023",
    ]
    # "Thường xuyên": ongoing, due at the end of the year.
    assert tasks["II.5.a"].deadline_kind == DeadlineKind.ONGOING
    assert tasks["II.5.a"].due_date == D(2023, 12, 31)
    # Anything else: the plan's year.
    assert (tasks["II.2.c"].deadline_kind, tasks["II.2.c"].deadline_label) == (DeadlineKind.PERIOD, "Năm 2023")


def test_generating_twice_adds_nothing(seed_plan: Plan) -> None:
    tasks_generate_from_plan(actor=None, plan=seed_plan)
    before = (Task.objects.count(), AuditEvent.objects.count())
    assert tasks_generate_from_plan(actor=None, plan=seed_plan) == []
    assert (Task.objects.count(), AuditEvent.objects.count()) == before


def test_generating_resumes_after_a_task_was_removed(seed_plan: Plan) -> None:
    """Codes already present are skipped; a missing one comes back at the end."""
    tasks_generate_from_plan(actor=None, plan=seed_plan)
    Task.objects.filter(plan=seed_plan, code="II.6.e").delete()
    again = tasks_generate_from_plan(actor=None, plan=seed_plan)
    assert [task.code for task in again] == ["II.6.e"]
    assert again[0].lead_unit.code == "HD.STC"


# -- the cascade on the seed -------------------------------------------------------------


def test_unit_plans_copy_exactly_the_units_tasks(seed_plan: Plan) -> None:
    tasks_generate_from_plan(actor=None, plan=seed_plan)
    health = OrgUnit.objects.get(code="HD.SYT")
    justice = OrgUnit.objects.get(code="HD.STP")
    focal = make_user(role=Role.FOCAL_POINT, unit=health)

    health_plan = unit_plan_create(actor=focal, parent=seed_plan, unit=health)
    justice_plan = unit_plan_create(actor=None, parent=seed_plan, unit=justice)

    # Sở Y tế leads nothing and coordinates every II task; Sở Tư pháp leads II.2.* and IV.3.*.
    copies = list(Task.objects.filter(plan=health_plan).select_related("source_task", "lead_unit").order_by("position"))
    assert [task.code for task in copies] == _seed_codes_ii()
    assert set(Task.objects.filter(plan=justice_plan).values_list("code", flat=True)) == {
        *_seed_codes_ii(),
        *SEED_IV["HD.STP"],
    }
    for copy in copies:
        source = copy.source_task
        assert source is not None
        assert source.plan_id == seed_plan.pk
        assert (copy.code, copy.title, copy.due_date, copy.weight, copy.area) == (
            source.code,
            source.title,
            source.due_date,
            source.weight,
            source.area,
        )
        assert copy.lead_unit == health
        assert copy.status == TaskStatus.NOT_STARTED
    assert health_plan.parent == seed_plan
    assert health_plan.status == PlanStatus.DRAFT
    assert health_plan.title == "Kế hoạch cải cách hành chính năm 2023 của Sở Y tế tỉnh Hải Dương"
    # The copies are the focal point's work in the audit log, not the system's.
    copied = AuditEvent.objects.filter(action="task.created", object_id__in=[str(t.pk) for t in copies])
    assert set(copied.values_list("actor_id", flat=True)) == {focal.pk}

    with pytest.raises(ApplicationError) as excinfo:
        unit_plan_create(actor=None, parent=seed_plan, unit=health)
    assert excinfo.value.code == "plans.duplicate_unit_plan"
    with pytest.raises(PermissionDeniedError):
        unit_plan_create(actor=focal, parent=seed_plan, unit=OrgUnit.objects.get(code="HD.H297"))


# -- the cascade on a small plan ---------------------------------------------------------


def test_unit_plan_leaves_out_cancelled_and_other_units_tasks(tree: Any) -> None:
    plan = make_plan(unit=tree.province)
    led = make_task(plan=plan, lead_unit=tree.dept_a, code="1", position=1)
    coordinated = make_task(plan=plan, lead_unit=tree.dept_b, coordinating_units=[tree.dept_a], code="2", position=2)
    make_task(plan=plan, lead_unit=tree.dept_a, code="3", status=TaskStatus.CANCELLED, position=3)
    make_task(plan=plan, lead_unit=tree.dept_b, code="4", position=4)
    make_task(plan=plan, lead_unit=tree.dept_a_child, code="5", position=5)  # a descendant's, not Sở A's
    unit_plan = unit_plan_create(actor=None, parent=plan, unit=tree.dept_a, title="Kế hoạch CCHC 2023 của Sở A")
    assert list(Task.objects.filter(plan=unit_plan).order_by("position").values_list("code", "source_task")) == [
        ("1", led.pk),
        ("2", coordinated.pk),
    ]
    assert unit_plan.title == "Kế hoạch CCHC 2023 của Sở A"


# -- plan states -------------------------------------------------------------------------


@pytest.fixture
def officer(tree: Any) -> User:
    return make_user(role=Role.REFORM_OFFICE, unit=tree.province)


def test_plan_issue_and_close(tree: Any, officer: User) -> None:
    plan = make_plan(unit=tree.province)
    plan_issue(actor=officer, plan=plan, number="  45/KH-UBND ", issued_on=D(2023, 1, 16))
    plan.refresh_from_db()
    assert (plan.status, plan.number, plan.issued_on) == (PlanStatus.ISSUED, "45/KH-UBND", D(2023, 1, 16))
    issued = AuditEvent.objects.get(action="plan.issued", object_id=str(plan.pk))
    assert issued.actor == officer
    assert issued.changes == {
        "status": ["draft", "issued"],
        "number": ["", "45/KH-UBND"],
        "issued_on": [None, "2023-01-16"],
    }
    with pytest.raises(ApplicationError) as excinfo:
        plan_issue(actor=officer, plan=plan, number="46/KH-UBND", issued_on=D(2023, 1, 17))
    assert excinfo.value.code == "plans.invalid_transition"

    plan_close(actor=officer, plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CLOSED
    assert AuditEvent.objects.filter(action="plan.closed", object_id=str(plan.pk)).count() == 1
    with pytest.raises(ApplicationError) as excinfo:
        plan_close(actor=officer, plan=plan)
    assert excinfo.value.code == "plans.invalid_transition"


def test_plan_issue_errors(tree: Any, officer: User) -> None:
    plan = make_plan(unit=tree.province)
    with pytest.raises(ApplicationError) as excinfo:
        plan_issue(actor=officer, plan=plan, number="  ", issued_on=D(2023, 1, 16))
    assert excinfo.value.code == "plans.number_required"
    with pytest.raises(ApplicationError) as excinfo:
        plan_close(actor=officer, plan=plan)  # a draft cannot be closed
    assert excinfo.value.code == "plans.invalid_transition"
    viewer = make_user(role=Role.VIEWER, unit=tree.province)
    with pytest.raises(PermissionDeniedError):
        plan_issue(actor=viewer, plan=plan, number="45/KH-UBND", issued_on=D(2023, 1, 16))
    sibling_focal = make_user(role=Role.FOCAL_POINT, unit=tree.dept_b)
    with pytest.raises(PermissionDeniedError):
        plan_issue(actor=sibling_focal, plan=make_plan(unit=tree.dept_a), number="1/KH", issued_on=D(2023, 2, 1))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    assert not AuditEvent.objects.filter(action="plan.issued").exists()


# -- creating and editing tasks ----------------------------------------------------------


def test_task_create_rules(tree: Any, officer: User) -> None:
    plan = make_plan(unit=tree.province)
    task = task_create(
        actor=officer,
        plan=plan,
        code="II.1.a",
        title="Ban hành kế hoạch CCHC năm 2023",
        lead_unit=tree.dept_a,
        coordinating_units=[tree.dept_a, tree.dept_b],  # the lead is never its own coordinator
        deadline_kind=DeadlineKind.MONTHLY,
    )
    assert list(task.coordinating_units.values_list("code", flat=True)) == ["SB"]
    assert task.occurrences.count() == 12
    with pytest.raises(ApplicationError) as excinfo:
        task_create(actor=officer, plan=plan, code="II.1.a", title="Trùng mã", lead_unit=tree.dept_a)
    assert excinfo.value.code == "tasks.duplicate_code"
    with pytest.raises(ApplicationError) as excinfo:
        task_create(actor=officer, plan=plan, code="II.1.b", title="Sai", lead_unit=tree.dept_a, colour="đỏ")
    assert excinfo.value.code == "tasks.field"
    with pytest.raises(ApplicationError) as excinfo:
        task_create(actor=officer, plan=plan, code="II.1.c", title="Sai", lead_unit=tree.dept_a, progress=150)
    assert excinfo.value.code == "tasks.invalid"
    assert "II.1.c" in excinfo.value.message
    with pytest.raises(PermissionDeniedError):
        task_create(
            actor=make_user(role=Role.FOCAL_POINT, unit=tree.dept_a),
            plan=plan,
            code="II.1.d",
            title="Không có quyền",
            lead_unit=tree.dept_a,
        )
    assert list(Task.objects.filter(plan=plan).values_list("code", flat=True)) == ["II.1.a"]


def test_task_update_writes_only_changes_and_audits_them(tree: Any, officer: User) -> None:
    task = make_task(plan=make_plan(unit=tree.province), lead_unit=tree.dept_a, progress=10, weight=1)
    rows = AuditEvent.objects.count()
    task_update(actor=officer, task=task, progress=10, weight=Decimal("1"))
    assert AuditEvent.objects.count() == rows  # nothing changed, nothing written

    task_update(actor=officer, task=task, progress=40, weight=Decimal("2"), coordinating_units=[tree.dept_b])
    event = AuditEvent.objects.filter(action="task.updated").get()
    assert event.actor == officer
    assert event.changes["progress"] == [10, 40]
    assert event.changes["coordinating_units"] == [[], [tree.dept_b.pk]]
    assert set(event.changes) == {"progress", "weight", "coordinating_units"}
    task.refresh_from_db()
    assert (task.progress, task.weight) == (40, Decimal("2.00"))


@pytest.mark.parametrize(
    ("due", "completed", "status"),
    [
        (D(2023, 1, 21), D(2023, 1, 27), TaskStatus.DONE_ON_TIME),  # Tết: the deadline moved to 27/1
        (D(2023, 1, 21), D(2023, 1, 30), TaskStatus.DONE_LATE),
        (D(2023, 9, 2), D(2023, 9, 5), TaskStatus.DONE_ON_TIME),  # National Day + compensation 4/9
        (D(2023, 9, 2), D(2023, 9, 6), TaskStatus.DONE_LATE),
    ],
)
def test_completing_a_task_decides_on_time_or_late_by_the_calendar(
    tree: Any, officer: User, due: dt.date, completed: dt.date, status: str
) -> None:
    task = make_task(plan=make_plan(unit=tree.province), due_date=due, status=TaskStatus.IN_PROGRESS, progress=60)
    task_update(actor=officer, task=task, completed_on=completed)
    task.refresh_from_db()
    assert (task.status, task.progress, task.completed_on) == (status, 100, completed)


def test_an_explicit_status_beats_the_calendar(tree: Any, officer: User) -> None:
    task = make_task(plan=make_plan(unit=tree.province), due_date=D(2023, 1, 21))
    task_update(actor=officer, task=task, completed_on=D(2023, 3, 1), status=TaskStatus.DONE_ON_TIME)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE_ON_TIME


def test_task_update_refusals_change_nothing(tree: Any, officer: User) -> None:
    plan = make_plan(unit=tree.province)
    task = make_task(plan=plan, lead_unit=tree.dept_a, progress=10)
    lead_focal = make_user(role=Role.FOCAL_POINT, unit=tree.dept_a)
    with pytest.raises(PermissionDeniedError):
        task_update(actor=lead_focal, task=task, progress=90)  # reports progress, does not edit the task
    with pytest.raises(ApplicationError) as excinfo:
        task_update(actor=officer, task=task, progress=101)
    assert excinfo.value.code == "tasks.invalid"
    with pytest.raises(ApplicationError) as excinfo:
        task_update(actor=officer, task=task, plan=plan)
    assert excinfo.value.code == "tasks.field"
    assert Task.objects.get(pk=task.pk).progress == 10
    assert not AuditEvent.objects.filter(action="task.updated").exists()


# -- the generation rule on a synthetic plan ----------------------------------------------


def test_a_citation_of_an_item_covers_its_leaves_and_partners_coordinate(tree: Any) -> None:
    """IV.1 (Sở A) "chủ trì … khoản 1 mục II"; IV.2.a (Sở B) "Phối hợp với Sở A … khoản 1 mục II"."""
    plan = make_plan(unit=tree.province)
    make_node(plan=plan, path="II", title="Các chỉ tiêu, nhiệm vụ chủ yếu")
    item = make_node(plan=plan, path="II.1", title="Cải cách tài chính công")
    make_node(plan=plan, path="II.1.a", title="Giao dự toán ngân sách")
    make_node(plan=plan, path="II.1.b", title="Công khai ngân sách")
    make_node(plan=plan, path="II.2", title="Cải cách thể chế")
    make_node(plan=plan, path="II.2.a", title="Rà soát văn bản")
    make_node(plan=plan, path="IV", title="Tổ chức thực hiện")
    iv1 = make_node(plan=plan, path="IV.1", title="Sở A")
    iv1a = make_node(plan=plan, path="IV.1.a", title="Chủ trì thực hiện các nhiệm vụ tại khoản 1 mục II.")
    iv2 = make_node(plan=plan, path="IV.2", title="Sở B")
    iv2a = make_node(plan=plan, path="IV.2.a", title="Phối hợp với Sở A thực hiện nhiệm vụ tại khoản 1 mục II.")
    PlanNodeUnit.objects.create(node=iv1, unit=tree.dept_a, role=UnitRole.LEAD)
    PlanNodeUnit.objects.create(node=iv2, unit=tree.dept_b, role=UnitRole.LEAD)
    PlanNodeUnit.objects.create(node=iv2a, unit=tree.district, role=UnitRole.COORDINATING)
    PlanNodeReference.objects.create(node=iv1a, target=item, text="khoản 1 mục II")
    PlanNodeReference.objects.create(node=iv2a, target=item, text="khoản 1 mục II")

    tasks_generate_from_plan(actor=None, plan=plan)
    tasks = {t.code: t for t in Task.objects.filter(plan=plan).select_related("lead_unit")}
    assert sorted(tasks) == ["II.1.a", "II.1.b", "II.2.a", "IV.1.a", "IV.2.a"]
    for code in ("II.1.a", "II.1.b"):
        assert tasks[code].lead_unit == tree.dept_a
        assert tasks[code].area == Area.PUBLIC_FINANCE
        assert list(tasks[code].coordinating_units.all()) == [tree.dept_b]
    # No standing agency and no duty for institutions: the plan's own unit leads.
    assert tasks["II.2.a"].lead_unit == tree.province
    assert list(tasks["IV.2.a"].coordinating_units.all()) == [tree.district]
    assert not Task.objects.filter(
        Q(code="IV.1") | Q(code="IV.2"), plan=plan
    ).exists()  # items with duties are not tasks themselves


def test_a_plan_without_a_tasks_section_is_refused(tree: Any) -> None:
    plan = make_plan(unit=tree.province)
    make_node(plan=plan, path="I", title="Mục đích, yêu cầu")
    with pytest.raises(ApplicationError) as excinfo:
        tasks_generate_from_plan(actor=None, plan=plan)
    assert excinfo.value.code == "tasks.no_tasks_section"


def test_generating_needs_the_right_to_change_the_plan(tree: Any) -> None:
    plan = make_plan(unit=tree.province)
    make_node(plan=plan, path="II", title="Nhiệm vụ chủ yếu")
    make_node(plan=plan, path="II.1", title="Cải cách thể chế")
    with pytest.raises(PermissionDeniedError):
        tasks_generate_from_plan(actor=make_user(role=Role.LEADER, unit=tree.province), plan=plan)
    assert not Task.objects.exists()


def test_a_due_date_outside_the_known_calendar_is_refused(tree: Any) -> None:
    import datetime as dt

    from cchc.core.errors import ApplicationError
    from cchc.tasks.tests.factories import make_plan, make_task

    plan = make_plan(unit=tree.province)
    with pytest.raises(ApplicationError) as caught:
        make_task(plan=plan, lead_unit=tree.dept_a, due_date=dt.date(2099, 1, 1))
    assert caught.value.code == "tasks.date_out_of_calendar"
    assert "01/01/2099" in caught.value.message

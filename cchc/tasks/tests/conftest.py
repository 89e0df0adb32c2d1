"""Fixtures of the page and API tests: a province plan with four tasks and the users around it.

province plan (P, draft)
├── II.1.a  led by Sở A, overdue (due 31/3/2023), 40 %
├── II.1.b  led by Sở B, Sở A coordinates, due 2030
├── II.2.a  led by Sở B, done on time
└── IV.1    led by the district, overdue, public
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from cchc.accounts.choices import Role
from cchc.accounts.models import User
from cchc.accounts.tests.factories import make_user
from cchc.plans.models import Plan
from cchc.tasks.choices import Area, TaskStatus
from cchc.tasks.models import Task
from cchc.tasks.tests.factories import make_node, make_plan, make_task

PAST = dt.date(2023, 3, 31)
FUTURE = dt.date(2030, 12, 31)


@dataclass
class World:
    plan: Plan
    overdue: Task  # II.1.a, led by Sở A, overdue
    open: Task  # II.1.b, led by Sở B, Sở A coordinates, not due yet
    done: Task  # II.2.a, led by Sở B, done
    public: Task  # IV.1, led by the district, overdue, public


@dataclass
class Users:
    reform: User  # reform office on the province: edits, reports, reviews
    focal_a: User  # focal point of Sở A: sees the plan through its tasks
    leader_a: User  # leader of Sở A: reviews Sở A's tasks
    viewer: User  # viewer on the province: sees everything, changes nothing
    outsider: User  # focal point of a commune: sees none of it


@pytest.fixture
def world(tree: Any) -> World:
    plan = make_plan(unit=tree.province, title="Kế hoạch CCHC tỉnh năm 2023")
    make_node(plan=plan, path="II", title="Nhiệm vụ chủ yếu")
    make_node(plan=plan, path="II.1", title="Cải cách thể chế")
    a = make_node(plan=plan, path="II.1.a", title="Rà soát văn bản")
    b = make_node(plan=plan, path="II.1.b", title="Kiểm tra thi hành pháp luật")
    make_node(plan=plan, path="II.2", title="Cải cách thủ tục hành chính")
    c = make_node(plan=plan, path="II.2.a", title="Công bố thủ tục")
    make_node(plan=plan, path="IV", title="Tổ chức thực hiện")
    d = make_node(plan=plan, path="IV.1", title="Huyện Một")
    overdue = make_task(
        plan=plan,
        code="II.1.a",
        node=a,
        title="Rà soát văn bản quy phạm pháp luật",
        lead_unit=tree.dept_a,
        area=Area.INSTITUTIONS,
        due_date=PAST,
        deadline_label="Quý I/2023",
        status=TaskStatus.IN_PROGRESS,
        progress=40,
        position=1,
    )
    open_task = make_task(
        plan=plan,
        code="II.1.b",
        node=b,
        title="Kiểm tra việc thi hành pháp luật",
        lead_unit=tree.dept_b,
        coordinating_units=[tree.dept_a],
        area=Area.INSTITUTIONS,
        due_date=FUTURE,
        position=2,
    )
    done = make_task(
        plan=plan,
        code="II.2.a",
        node=c,
        title="Công bố thủ tục hành chính đúng hạn",
        lead_unit=tree.dept_b,
        area=Area.PROCEDURES,
        due_date=PAST,
        status=TaskStatus.DONE_ON_TIME,
        progress=100,
        completed_on=dt.date(2023, 3, 1),
        position=3,
    )
    public = make_task(
        plan=plan,
        code="IV.1",
        node=d,
        title="Số hóa hồ sơ thủ tục hành chính cấp huyện",
        lead_unit=tree.district,
        due_date=dt.date(2023, 6, 30),
        is_public=True,
        position=4,
    )
    return World(plan, overdue, open_task, done, public)


@pytest.fixture
def users(tree: Any) -> Users:
    return Users(
        reform=make_user(role=Role.REFORM_OFFICE, unit=tree.province, username="cchc.snv"),
        focal_a=make_user(role=Role.FOCAL_POINT, unit=tree.dept_a, username="daumoi.sa"),
        leader_a=make_user(role=Role.LEADER, unit=tree.dept_a, username="lanhdao.sa"),
        viewer=make_user(role=Role.VIEWER, unit=tree.province, username="xem.tinh"),
        outsider=make_user(role=Role.FOCAL_POINT, unit=tree.commune, username="daumoi.xa"),
    )


def as_user(client: Client, user: User) -> Client:
    client.force_login(user)
    return client

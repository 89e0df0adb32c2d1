"""Benchmark: the plan page of a plan with 500 tasks (issue #4: under 200 ms, bounded queries).

Run from the project root::

    .venv/bin/python -m bench.bench_plan_page [--tasks 500] [--runs 9]

Uses a throw-away in-memory SQLite database with the shipped units. It builds one
provincial plan with ``--tasks`` tasks spread over the eight areas of section II
(three levels of nodes), led by the 30 departments and districts in turn, each with
two coordinating units, with every status and due dates across 2023, plus three unit
plans for the coverage. The tasks are bulk-inserted (the services would take
seconds to set up and are not what is measured).

It then times, median of ``--runs`` after one warm-up run, with the queries of one run:

* ``plan_progress`` (roll-up over plan, areas, units, nodes; overdue);
* ``task_list_for_user`` (all tasks, then the overdue filter), iterated with the
  related rows a page shows;
* ``plan_coverage``;
* ``GET /ke-hoach/<id>/`` through Django's test ``Client`` (middleware, session,
  template) as a reform office user, the full page and the HTMX task-list partial.
"""

import argparse
import datetime as dt
import os
import statistics
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

os.environ["DATABASE_URL"] = "sqlite://:memory:"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from cchc.accounts.choices import Role  # noqa: E402
from cchc.accounts.services import membership_grant, user_upsert  # noqa: E402
from cchc.core.calendar import work_calendar  # noqa: E402
from cchc.organizations.importing import cohorts_load_default, units_load_default  # noqa: E402
from cchc.organizations.models import OrgUnit  # noqa: E402
from cchc.plans.choices import NodeKind, PlanStatus  # noqa: E402
from cchc.plans.models import Plan, PlanNode  # noqa: E402
from cchc.tasks.choices import Area, TaskStatus  # noqa: E402
from cchc.tasks.models import Task  # noqa: E402
from cchc.tasks.selectors import plan_coverage, plan_progress, task_list_for_user  # noqa: E402
from cchc.tasks.services import unit_plan_create  # noqa: E402

TODAY = dt.date(2023, 7, 3)  # mid-year: some tasks done, some overdue, most open
STATUSES = [
    TaskStatus.NOT_STARTED,
    TaskStatus.IN_PROGRESS,
    TaskStatus.IN_PROGRESS,
    TaskStatus.DONE_ON_TIME,
    TaskStatus.DONE_LATE,
    TaskStatus.NOT_STARTED,
    TaskStatus.IN_PROGRESS,
    TaskStatus.CANCELLED,
]
IMPLEMENTERS = [
    *("HD.VP", "HD.SNV", "HD.STP", "HD.SKHDT", "HD.STC", "HD.SCT", "HD.SNNPTNT", "HD.SGTVT", "HD.SXD"),
    *("HD.STNMT", "HD.STTTT", "HD.SLDTBXH", "HD.SVHTTDL", "HD.SKHCN", "HD.SGDDT", "HD.SYT", "HD.TT"),
    *("HD.BQLKCN", "HD.H288", "HD.H290", "HD.H291", "HD.H292", "HD.H293", "HD.H294", "HD.H295"),
    *("HD.H296", "HD.H297", "HD.H298", "HD.H299", "HD.H300"),
]
LETTERS = ["a", "b", "c", "d", "đ", "e", "g", "h", "i", "k"]


def build_plan(task_count: int) -> Plan:
    """One issued provincial plan with ``task_count`` tasks under II.<area>.<letter>.<n>."""
    province = OrgUnit.objects.get(code="HD")
    units = {unit.code: unit for unit in OrgUnit.objects.filter(code__in=IMPLEMENTERS)}
    leads = [units[code] for code in IMPLEMENTERS]
    plan = Plan.objects.create(
        unit=province, year=2023, title="Kế hoạch CCHC năm 2023 (đo hiệu năng)", status=PlanStatus.ISSUED
    )
    position = 0

    def node(path: str, parent: PlanNode | None, kind: str, title: str) -> PlanNode:
        nonlocal position
        position += 1
        label = path.rsplit(".", 1)[-1]
        return PlanNode.objects.create(
            plan=plan, parent=parent, position=position, path=path, kind=kind, label=label, title=title
        )

    root = node("II", None, NodeKind.ROMAN, "Các chỉ tiêu, nhiệm vụ chủ yếu")
    areas = list(Area)
    tasks: list[Task] = []
    for area_index, area in enumerate(areas):
        item = node(f"II.{area_index + 1}", root, NodeKind.ITEM, str(area.label))
        duties = [
            node(f"{item.path}.{letter}", item, NodeKind.LETTER, f"Nhiệm vụ {item.path}.{letter}") for letter in LETTERS
        ]
        # The tasks of this area: every len(areas)-th of the whole list, dealt over its duties.
        for number, index in enumerate(range(area_index, task_count, len(areas))):
            duty = duties[number % len(duties)]
            status = STATUSES[index % len(STATUSES)]
            due = dt.date(2023, 1, 1) + dt.timedelta(days=(index * 7) % 365)
            tasks.append(
                Task(
                    plan=plan,
                    node=duty,
                    code=f"{duty.path}.{number // len(duties) + 1}",
                    position=index + 1,
                    area=area,
                    title=f"Nhiệm vụ thử nghiệm số {index + 1} thuộc lĩnh vực {area.label}",
                    lead_unit=leads[index % len(leads)],
                    weight=Decimal(1 + index % 3),
                    status=status,
                    progress=100 if status in (TaskStatus.DONE_ON_TIME, TaskStatus.DONE_LATE) else index % 90,
                    due_date=due,
                    completed_on=due if status == TaskStatus.DONE_ON_TIME else None,
                    deadline_label=f"{due:%d/%m/%Y}",
                    is_public=index % 25 == 0,
                )
            )
    Task.objects.bulk_create(tasks)
    through = Task.coordinating_units.through
    links = []
    for index, task in enumerate(Task.objects.filter(plan=plan).order_by("position")):
        for step in (7, 13):
            partner = leads[(index + step) % len(leads)]
            if partner.pk != task.lead_unit_id:
                links.append(through(task_id=task.pk, orgunit_id=partner.pk))
    through.objects.bulk_create(links)
    for code in ("HD.SYT", "HD.STP", "HD.H297"):
        unit_plan_create(actor=None, parent=plan, unit=units[code])
    return plan


class QueryCounter:
    """Counts the statements run, across requests (``connection.queries`` is reset per request)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def measure(label: str, action: Callable[[], Any], runs: int) -> dict[str, Any]:
    action()  # warm-up: template loading, the calendar, the user's grants
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        result = action()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return {
        "label": label,
        "median_ms": statistics.median(times) * 1000,
        "max_ms": max(times) * 1000,
        "queries": counter.count,
        "result": result,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=500)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()

    setup_test_environment()  # lets the test Client through ALLOWED_HOSTS
    call_command("migrate", verbosity=0)
    cohorts_load_default()
    units_load_default()
    started = time.perf_counter()
    plan = build_plan(args.tasks)
    build_s = time.perf_counter() - started
    task_total = Task.objects.filter(plan=plan).count()
    user = user_upsert(actor=None, username="bench.cchc", full_name="Phòng CCHC (đo hiệu năng)")
    membership_grant(actor=None, user=user, unit=plan.unit, role=Role.REFORM_OFFICE)
    work_calendar()

    def listing(**filters: Any) -> Callable[[], int]:
        def run() -> int:
            rows = list(task_list_for_user(user=user, plan=plan, today=TODAY, **filters))
            for task in rows:
                _ = (task.lead_unit.name, task.plan.unit.name, task.node and task.node.path)
                _ = [unit.short_name for unit in task.coordinating_units.all()]
            return len(rows)

        return run

    client = Client()
    client.force_login(user)
    url = f"/ke-hoach/{plan.pk}/"

    def page(**headers: str) -> Callable[[], str]:
        def run() -> str:
            response = client.get(url, headers=headers)
            return f"HTTP {response.status_code}, {len(response.content) / 1024:,.0f} KiB"

        return run

    results = [
        measure("plan_progress", lambda: len(plan_progress(plan=plan, today=TODAY).overdue), args.runs),
        measure("task_list_for_user (all)", listing(), args.runs),
        measure("task_list_for_user (overdue)", listing(status="overdue"), args.runs),
        measure("plan_coverage", lambda: len(plan_coverage(plan=plan)), args.runs),
        measure(f"GET {url}", page(), args.runs),
        measure(f"GET {url} (HTMX task list)", page(HX_Request="true", HX_Target="task-list"), args.runs),
    ]

    print(f"plan: {task_total} tasks, {PlanNode.objects.filter(plan=plan).count()} nodes, 3 unit plans")
    print(f"setup (bulk insert + 3 unit plans): {build_s:.2f} s; today = {TODAY:%d/%m/%Y}; median of {args.runs}")
    print(f"{'step':<44} {'median':>9} {'max':>9} {'queries':>8}  result")
    for row in results:
        timing = f"{row['median_ms']:>6.1f} ms {row['max_ms']:>6.1f} ms"
        print(f"{row['label']:<44} {timing} {row['queries']:>8}  {row['result']}")


if __name__ == "__main__":
    main()

"""Every prefill source against a hand count on hand-built tasks, targets, dossiers, ratings and assessments.

The window is Q1 2023 of a template with cut-off 14: 15/12/2022 (Thu) – 14/03/2023 (Tue),
local time. Each fixture puts rows on both sides of both edges (the 14th and the 15th),
so a count that reads UTC days or the wrong side of an edge is off by one.
"""

import datetime as dt
import io
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cchc.accounts.choices import Role
from cchc.accounts.tests.factories import make_user
from cchc.dossiers.importing import import_dossiers
from cchc.dossiers.models import Dossier, Rating
from cchc.dossiers.sla import Stats
from cchc.organizations.models import Cohort
from cchc.plans.choices import PlanStatus
from cchc.procedures.tests.factories import make_procedure
from cchc.reports.models import ReportTemplate
from cchc.reports.prefill import SOURCES, prefill_values, unit_stats
from cchc.reports.services import report_open
from cchc.scoring.choices import AssessmentStatus
from cchc.scoring.models import Assessment
from cchc.scoring.tests.factories import make_scene as make_scoring_scene
from cchc.tasks.choices import DeadlineKind, TaskStatus
from cchc.tasks.models import Target
from cchc.tasks.tests.factories import make_plan, make_task

VN = ZoneInfo("Asia/Ho_Chi_Minh")
D = dt.date
START, END = D(2022, 12, 15), D(2023, 3, 14)
SPAN = "15/12/2022–14/03/2023"


def figure(key: str, unit: Any, date_from: dt.date = START, date_to: dt.date = END) -> Any:
    value, _source = SOURCES[key](unit, date_from, date_to)
    return value


# -- tasks ------------------------------------------------------------------------------------


@pytest.fixture
def sa_tasks(tree: Any) -> dict[str, Any]:
    """Sở A's tasks around Q1 2023 (see each line); the counted ones are marked ✓."""
    province = make_plan(unit=tree.province, status=PlanStatus.ISSUED)
    own = make_plan(unit=tree.dept_a, status=PlanStatus.ISSUED, parent=province)
    draft = make_plan(unit=tree.province, status=PlanStatus.DRAFT)
    last_year = make_plan(unit=tree.province, year=2022, status=PlanStatus.ISSUED)
    sa, sb = tree.dept_a, tree.dept_b
    done = TaskStatus.DONE_ON_TIME
    made = {
        # ✓ done on time, weight 2.
        "on_time": make_task(
            plan=province,
            lead_unit=sa,
            due_date=D(2023, 2, 28),
            status=done,
            completed_on=D(2023, 2, 20),
            progress=100,
            weight=2,
        ),
        # ✓ done late (due Tue 31/1, finished 10/2).
        "late": make_task(
            plan=province,
            lead_unit=sa,
            due_date=D(2023, 1, 31),
            status=TaskStatus.DONE_LATE,
            completed_on=D(2023, 2, 10),
            progress=100,
        ),
        # ✓ finished on the 15th, after the window: open at its end, and overdue (due Fri 10/3).
        "after": make_task(
            plan=province,
            lead_unit=sa,
            due_date=D(2023, 3, 10),
            status=TaskStatus.DONE_LATE,
            completed_on=D(2023, 3, 15),
            progress=100,
        ),
        # ✓ due Mon 13/3, open: overdue on the 14th; its copy in Sở A's own plan counts with it once (70 %).
        "overdue": make_task(
            plan=province, lead_unit=sa, due_date=D(2023, 3, 13), status=TaskStatus.IN_PROGRESS, progress=40
        ),
        # ✓ due on the 14th itself, not started: counted, not overdue yet.
        "edge": make_task(plan=province, lead_unit=sa, due_date=D(2023, 3, 14)),
        # ✓ due and finished on the 14th: done on time.
        "edge_done": make_task(
            plan=province, lead_unit=sa, due_date=D(2023, 3, 14), status=done, completed_on=D(2023, 3, 14), progress=100
        ),
        # ✗ due on the 15th, after the window.
        "next": make_task(plan=province, lead_unit=sa, due_date=D(2023, 3, 15)),
        # ✗ cancelled; ✗ led by Sở B (Sở A only coordinates); ✗ no due date.
        "cancelled": make_task(plan=province, lead_unit=sa, due_date=D(2023, 2, 1), status=TaskStatus.CANCELLED),
        "coordinated": make_task(plan=province, lead_unit=sb, coordinating_units=[sa], due_date=D(2023, 2, 1)),
        "ongoing": make_task(plan=province, lead_unit=sa, deadline_kind=DeadlineKind.ONGOING),
        # ✗ a draft plan assigns nothing; ✗ last year's plan is not the report's year.
        "draft": make_task(plan=draft, lead_unit=sa, due_date=D(2023, 2, 1)),
        "last_year": make_task(plan=last_year, lead_unit=sa, due_date=D(2022, 12, 20)),
    }
    made["copy"] = make_task(plan=own, lead_unit=sa, source_task=made["overdue"], due_date=D(2023, 3, 13),
                             status=TaskStatus.IN_PROGRESS, progress=70)  # fmt: skip
    return made


@pytest.mark.usefixtures("sa_tasks")
def test_task_counts_of_a_hand_built_quarter(tree: Any) -> None:
    """Counted: on_time, late, after, overdue (+ its copy, once), edge, edge_done = 6.

    Done at the window's end: on_time, late, edge_done = 3 (after finished on the 15th);
    on time: on_time, edge_done = 2; overdue on the 14th: after (10/3), overdue (13/3) = 2.
    """
    sa = tree.dept_a
    assert figure("tasks.total", sa) == 6
    assert figure("tasks.done", sa) == 3
    assert figure("tasks.done_on_time", sa) == 2
    assert figure("tasks.overdue", sa) == 2


@pytest.mark.usefixtures("sa_tasks")
def test_task_progress_is_the_weighted_rollup_at_the_windows_end(tree: Any) -> None:
    """(2 × 100 + 100 + 100 [after, as recorded] + 70 [the copy] + 0 + 100) / (2 + 5) = 570 / 7 = 81.4."""
    assert figure("tasks.progress_percent", tree.dept_a) == Decimal("81.4")


def test_task_figures_read_the_window_end_on_the_15th_differently(tree: Any, sa_tasks: dict[str, Any]) -> None:
    """One day later (a window ending on the 15th) the 15th's task and completion count."""
    sa = tree.dept_a
    assert figure("tasks.total", sa, date_to=D(2023, 3, 15)) == 7  # + "next"
    assert figure("tasks.done", sa, date_to=D(2023, 3, 15)) == 4  # + "after"
    assert figure("tasks.overdue", sa, date_to=D(2023, 3, 15)) == 2  # overdue (13/3) and the 14th's "edge"


def test_a_deadline_on_a_day_off_moves_to_the_next_working_day(tree: Any) -> None:
    """Window ending Mon 14/8/2023: due Sat 12/8 → effective Mon 14/8, not overdue; due Fri 11/8 → overdue.

    Finished Mon 14/8 on a task due Sat 12/8 is on time.
    """
    plan = make_plan(unit=tree.province, status=PlanStatus.ISSUED)
    make_task(plan=plan, lead_unit=tree.dept_b, due_date=D(2023, 8, 12))
    make_task(plan=plan, lead_unit=tree.dept_b, due_date=D(2023, 8, 11))
    make_task(plan=plan, lead_unit=tree.dept_b, due_date=D(2023, 8, 12), status=TaskStatus.DONE_LATE,
              completed_on=D(2023, 8, 14), progress=100)  # fmt: skip
    window = (D(2023, 7, 15), D(2023, 8, 14))
    assert figure("tasks.overdue", tree.dept_b, *window) == 1
    assert figure("tasks.done_on_time", tree.dept_b, *window) == 1


def test_a_unit_without_tasks_has_zero_tasks_and_no_progress(tree: Any) -> None:
    assert figure("tasks.total", tree.commune) == 0
    assert figure("tasks.progress_percent", tree.commune) is None


def test_task_provenance_names_the_plan_year_the_rule_and_the_window(tree: Any) -> None:
    _value, source = SOURCES["tasks.total"](tree.dept_a, START, END)
    assert source.startswith("Tự động từ kế hoạch CCHC 2023: nhiệm vụ do đơn vị chủ trì")
    assert source.endswith(SPAN)


# -- targets ----------------------------------------------------------------------------------


def test_targets_of_the_unit_in_the_years_issued_plans(tree: Any) -> None:
    """Sở A: 100/100 achieved, 97.5/98 not, no actual value not: 1 of 3; the others are not Sở A's 2023 ones."""
    plan = make_plan(unit=tree.province, status=PlanStatus.ISSUED)
    draft = make_plan(unit=tree.province, status=PlanStatus.DRAFT)
    old = make_plan(unit=tree.province, year=2022, status=PlanStatus.ISSUED)
    sa = tree.dept_a
    for target, actual in ((100, 100), (98, Decimal("97.5")), (10, None)):
        Target.objects.create(plan=plan, indicator="Chỉ tiêu", target_value=target, actual_value=actual, unit=sa)
    Target.objects.create(plan=plan, indicator="Của Sở B", target_value=1, actual_value=2, unit=tree.dept_b)
    Target.objects.create(plan=draft, indicator="Dự thảo", target_value=1, actual_value=2, unit=sa)
    Target.objects.create(plan=old, indicator="Năm trước", target_value=1, actual_value=2, unit=sa)
    assert (figure("targets.achieved", sa), figure("targets.total", sa)) == (1, 3)


# -- dossiers ---------------------------------------------------------------------------------

HEADER = "code,procedure_code,unit_code,channel,received_at,resolved_at\n"
# TT2: 2 working days. Day 0 is the day of receipt (the next working day from 15:00).
DOSSIERS = [
    # ✗ received on the 14th at 23:30 local (16:30 UTC), resolved the same evening: all before the window.
    ("D1", "SA", "online", "2022-12-14T23:30:00+07:00", "2022-12-14T23:50:00+07:00"),
    # ✓ received at 00:10 on the 15th (still the 14th in UTC), online; due Mon 19/12, resolved 16/12: early.
    ("D2", "SA", "online", "2022-12-15T00:10:00+07:00", "2022-12-16T10:00:00+07:00"),
    # ✓ received on the 14th of March at 23:30: in; starts Wed 15/3, due Fri 17/3; open.
    ("D3", "SA", "counter", "2023-03-14T23:30:00+07:00", ""),
    # ✗ received on the 15th of March.
    ("D4", "SA", "counter", "2023-03-15T08:00:00+07:00", ""),
    # ✓ due Fri 3/2, resolved 3/2 at 16:00: on time.
    ("D5", "SA", "online", "2023-02-01T09:00:00+07:00", "2023-02-03T16:00:00+07:00"),
    # ✓ due Wed 8/2, resolved 10/2: late.
    ("D6", "SA", "counter", "2023-02-06T09:00:00+07:00", "2023-02-10T09:00:00+07:00"),
    # ✓ due Fri 3/3, still open: overdue on the 14th.
    ("D7", "SA", "counter", "2023-03-01T09:00:00+07:00", ""),
    # ✓ due Mon 13/3, resolved on the 15th: overdue at the end of the 14th, not resolved in the window.
    ("D8", "SA", "counter", "2023-03-09T09:00:00+07:00", "2023-03-15T09:00:00+07:00"),
    # ✓ due Tue 14/3, resolved at 23:30 on the 14th (16:30 UTC): on time, in the window.
    ("D9", "SA", "counter", "2023-03-10T09:00:00+07:00", "2023-03-14T23:30:00+07:00"),
    # received before the window (due Thu 15/12), resolved on the 15th: resolved in the window, on time.
    ("D11", "SA", "counter", "2022-12-13T09:00:00+07:00", "2022-12-15T10:00:00+07:00"),
    # ✗ another unit's.
    ("D10", "SB", "online", "2023-02-01T09:00:00+07:00", "2023-02-02T09:00:00+07:00"),
]


@pytest.fixture
def dossiers(tree: Any) -> None:
    make_procedure(code="TT2", time_limit_days=2, field="Hộ tịch", level="commune")
    lines = "".join(f"{code},TT2,{unit},{channel},{received},{resolved}\n" for code, unit, channel, received, resolved
                    in DOSSIERS)  # fmt: skip
    summary = import_dossiers(stream=io.StringIO(HEADER + lines), filename="hoso.csv")
    assert summary.rejected == []


@pytest.mark.usefixtures("dossiers")
def test_the_hand_computed_due_dates() -> None:
    due = dict(Dossier.objects.values_list("code", "due_date"))
    assert [due[c] for c in ("D2", "D3", "D5", "D6", "D7", "D8", "D9", "D11")] == [
        D(2022, 12, 19), D(2023, 3, 17), D(2023, 2, 3), D(2023, 2, 8), D(2023, 3, 3), D(2023, 3, 13),
        D(2023, 3, 14), D(2022, 12, 15),
    ]  # fmt: skip


@pytest.mark.usefixtures("dossiers")
def test_dossier_figures_of_the_window(tree: Any) -> None:
    """Received D2 D3 D5 D6 D7 D8 D9 = 7 (online D2 D5 = 2); resolved D2 D5 D6 D9 D11 = 5, of which
    early or on time 4, late 1 (D6); overdue at the end of the 14th: D7, D8 = 2; rate 4/5 = 80.00 %."""
    sa = tree.dept_a
    assert figure("dossiers.received", sa) == 7
    assert figure("dossiers.received_online", sa) == 2
    assert figure("dossiers.resolved", sa) == 5
    assert figure("dossiers.resolved_on_time", sa) == 4
    assert figure("dossiers.resolved_late", sa) == 1
    assert figure("dossiers.in_progress_overdue", sa) == 2
    assert figure("dossiers.on_time_rate", sa) == Decimal("80.00")
    # Carried over: received before 15/12 and not resolved before it: D11 (D1 was resolved on the 14th).
    assert figure("dossiers.carried_over", sa) == 1
    assert figure("dossiers.to_handle", sa) == 1 + 7


@pytest.mark.usefixtures("dossiers")
def test_a_window_ending_on_the_15th_takes_the_15ths_dossiers(tree: Any) -> None:
    """Through 15/3: D4 received (8); D8 resolved late on the 15th (6 resolved, 2 late); D8 no longer open."""
    sa = tree.dept_a
    assert figure("dossiers.received", sa, date_to=D(2023, 3, 15)) == 8
    assert figure("dossiers.resolved", sa, date_to=D(2023, 3, 15)) == 6
    assert figure("dossiers.resolved_late", sa, date_to=D(2023, 3, 15)) == 2
    # D7 (due 3/3) and D3 (due 17/3 — not yet): only D7 is still overdue at the end of the 15th.
    assert figure("dossiers.in_progress_overdue", sa, date_to=D(2023, 3, 15)) == 1


def test_a_unit_without_dossiers_has_zero_counts_and_no_rate(tree: Any) -> None:
    assert unit_stats(tree.commune, START, END) == Stats()
    assert figure("dossiers.received", tree.commune) == 0
    assert figure("dossiers.on_time_rate", tree.commune) is None


# -- ratings ----------------------------------------------------------------------------------

_CRITERIA = ("total_time", "agency_time", "contacts", "agencies", "counter", "publicity", "attitude", "feedback",
             "online")  # fmt: skip


def rate(code: str, at: str, total: int) -> Rating:
    """A rating of ``total`` points submitted at ``at`` (local time written out)."""
    scores = [2] * (total // 2) + [total % 2] + [0] * 9
    return Rating.objects.create(
        dossier=Dossier.objects.get(code=code),
        submitted_at=dt.datetime.fromisoformat(at),
        total=total,
        **dict(zip(_CRITERIA, scores[:9], strict=True)),
    )


@pytest.mark.usefixtures("dossiers")
def test_ratings_submitted_within_the_window_on_the_units_dossiers(tree: Any) -> None:
    """In: 18 at 00:05 on the 15th of December, 11 at 23:59 on the 14th of March → 2 ratings, mean 14.50.

    Out: 23:55 on the 14th of December, 00:00 on the 15th of March, and Sở B's.
    """
    rate("D1", "2022-12-14T23:55:00+07:00", 5)
    rate("D2", "2022-12-15T00:05:00+07:00", 18)
    rate("D5", "2023-03-14T23:59:00+07:00", 11)
    rate("D6", "2023-03-15T00:00:00+07:00", 3)
    rate("D10", "2023-02-02T10:00:00+07:00", 18)
    assert figure("ratings.count", tree.dept_a) == 2
    assert figure("ratings.mean", tree.dept_a) == Decimal("14.50")


def test_no_rating_gives_zero_and_no_mean(tree: Any) -> None:
    assert figure("ratings.count", tree.dept_a) == 0
    assert figure("ratings.mean", tree.dept_a) is None


# -- PAR self-assessment ----------------------------------------------------------------------


def test_self_assessment_status_at_the_windows_end(tree: Any) -> None:
    """Sở A sent on the 14th (23:00 local): sent; Sở B sent at 00:30 on the 15th: still self-scoring on the 14th;
    the commune is in no 2023 round; no round at all in 2024."""
    scene = make_scoring_scene(tree, year=2023)
    Assessment.objects.filter(round=scene.round, unit=tree.dept_a).update(
        status=AssessmentStatus.SUBMITTED, submitted_at=dt.datetime(2023, 3, 14, 23, tzinfo=VN)
    )
    Assessment.objects.filter(round=scene.round, unit=tree.dept_b).update(
        status=AssessmentStatus.SUBMITTED, submitted_at=dt.datetime(2023, 3, 15, 0, 30, tzinfo=VN)
    )
    assert figure("par.self_status", tree.dept_a) == "đã gửi thẩm định ngày 14/03/2023"
    assert figure("par.self_status", tree.dept_b) == "đang tự chấm"
    assert figure("par.self_status", tree.district) == "đang tự chấm"
    assert figure("par.self_status", tree.commune) == "chưa có đợt đánh giá"
    assert figure("par.self_status", tree.dept_a, D(2023, 12, 15), D(2024, 3, 14)) == "chưa có đợt đánh giá"
    assert figure("par.self_status", tree.dept_b, date_to=D(2023, 3, 15)) == "đã gửi thẩm định ngày 15/03/2023"


# -- the registry and report_open -------------------------------------------------------------

KEYS = [
    "tasks.total", "tasks.done", "tasks.done_on_time", "tasks.overdue", "tasks.progress_percent",
    "targets.achieved", "targets.total",
    "dossiers.received", "dossiers.received_online", "dossiers.carried_over", "dossiers.to_handle",
    "dossiers.resolved", "dossiers.resolved_on_time", "dossiers.resolved_late", "dossiers.in_progress_overdue",
    "dossiers.on_time_rate",
    "ratings.count", "ratings.mean", "par.self_status",
]  # fmt: skip


def test_every_source_of_the_issue_is_registered_with_a_vietnamese_provenance(tree: Any) -> None:
    assert sorted(SOURCES) == sorted(KEYS)
    for key in KEYS:
        _value, source = SOURCES[key](tree.dept_a, START, END)
        assert source.startswith("Tự động từ "), key


def _typed(key: str) -> str:
    if key in ("tasks.progress_percent", "dossiers.on_time_rate"):
        return "percent"
    if key == "ratings.mean":
        return "number"
    return "text" if key == "par.self_status" else "integer"


@pytest.mark.usefixtures("sa_tasks", "dossiers")
def test_report_open_stores_the_prefilled_values_and_their_sources(tree: Any) -> None:
    form = [
        {
            "code": "II",
            "title": "Số liệu",
            "narrative": True,
            "fields": [
                {"code": key.replace(".", "_"), "label": key, "type": _typed(key), "source": key} for key in KEYS
            ],
        },
        {"code": "III", "title": "Khác", "fields": [{"code": "free", "label": "Tự nhập", "type": "integer"}]},
    ]
    template = ReportTemplate.objects.create(
        code="cchc-prefill", name="Báo cáo thử", unit=tree.province, period_type="quarter", year_from=2023, form=form
    )
    cohort = Cohort.objects.create(code="PF", name="Sở")
    cohort.members.set([tree.dept_a])
    template.cohorts.set([cohort])
    focal = make_user(role=Role.FOCAL_POINT, unit=tree.dept_a)

    report = report_open(actor=focal, template=template, unit=tree.dept_a, year=2023, period_index=1,
                         today=D(2023, 3, 15))  # fmt: skip

    assert report.values["tasks_total"] == 6
    assert report.values["tasks_progress_percent"] == "81.4"
    assert report.values["dossiers_received"] == 7
    assert report.values["dossiers_on_time_rate"] == "80.00"
    assert report.values["ratings_mean"] is None
    assert report.values["par_self_status"] == "chưa có đợt đánh giá"
    assert "free" not in report.values
    assert sorted(report.sources) == sorted(key.replace(".", "_") for key in KEYS)
    received = report.sources["dossiers_received"]
    assert received["value"] == 7
    assert received["edited"] is False
    assert received["source"] == f"Tự động từ Biểu 06, hồ sơ TTHC do đơn vị tiếp nhận: số hồ sơ tiếp nhận, {SPAN}"
    assert report.sources["tasks_progress_percent"]["value"] == "81.4"
    figures = prefill_values(form=form, unit=tree.dept_a, date_from=START, date_to=END)
    assert {code: f.value for code, f in figures.items()}["tasks_done"] == 3


@pytest.mark.usefixtures("sa_tasks", "dossiers")
def test_shared_reads_are_made_once_per_prefill(tree: Any) -> None:
    """Tasks, Biểu 06 and ratings are read once for all their sources; plus targets (2), the assessment (1)."""
    form = [{"code": "II", "title": "Số liệu", "fields": [{"code": k, "label": k, "source": k} for k in KEYS]}]
    prefill_values(form=form, unit=tree.dept_a, date_from=START, date_to=END)  # the calendar, cached per process
    with CaptureQueriesContext(connection) as queries:
        figures = prefill_values(form=form, unit=tree.dept_a, date_from=START, date_to=END)
    assert len(queries) == 6
    assert (figures["tasks.overdue"].value, figures["dossiers.resolved"].value) == (2, 5)

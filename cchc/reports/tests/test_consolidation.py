"""The consolidated report of Q1 2023 on a hand-built province: totals, lists, narratives and the save service.

The scene (``tree`` fixture): the quarterly template of ``factories.make_scene`` with the
form below; Sở A accepted on time, Sở B accepted late, the district sent but is not
accepted yet, the commune sent nothing.
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
from cchc.audit.models import AuditEvent
from cchc.core.errors import ApplicationError, PermissionDeniedError
from cchc.dossiers.importing import import_dossiers
from cchc.organizations.choices import UnitKind
from cchc.organizations.tests.factories import make_unit
from cchc.plans.choices import PlanStatus
from cchc.procedures.tests.factories import make_procedure
from cchc.reports.consolidation import (
    MEAN,
    SUM,
    WEIGHTED_MEAN,
    field_total,
    numeric_fields,
    numeric_value,
    province_report_data,
    province_report_save,
)
from cchc.reports.models import ProvinceReport, Report
from cchc.reports.prefill import unit_stats
from cchc.reports.services import report_accept, report_open, report_save, report_submit
from cchc.reports.tests.factories import Scene, make_scene
from cchc.tasks.choices import Area, TaskStatus
from cchc.tasks.selectors import plan_progress
from cchc.tasks.tests.factories import make_plan, make_task

VN = ZoneInfo("Asia/Ho_Chi_Minh")
D = dt.date
EARLY = D(2023, 3, 15)
FORM = [
    {"code": "I", "title": "Công tác chỉ đạo, điều hành", "area": "1", "narrative": True, "fields": []},
    {
        "code": "II.3",
        "title": "Cải cách thủ tục hành chính",
        "area": "3",
        "narrative": True,
        "fields": [
            {"code": "received", "label": "Số hồ sơ tiếp nhận", "type": "integer", "min": 0},
            {"code": "resolved", "label": "Số hồ sơ đã giải quyết", "type": "integer", "min": 0},
            {"code": "on_time_rate", "label": "Tỷ lệ đúng hạn (%)", "type": "percent", "denominator": "resolved"},
            {"code": "satisfaction", "label": "Mức độ hài lòng (%)", "type": "percent"},
            {"code": "cost", "label": "Kinh phí (triệu đồng)", "type": "number"},
            {"code": "note", "label": "Ghi chú", "type": "text"},
        ],
    },
    {"code": "III", "title": "Khác", "fields": [{"code": "meetings", "label": "Số cuộc họp", "type": "integer"}]},
]
ANSWERS = {
    "SA": {"received": "100", "resolved": "80", "on_time_rate": "90", "satisfaction": "80", "cost": "1,5",
           "note": "x", "meetings": "2"},
    "SB": {"received": "50", "resolved": "20", "on_time_rate": "50", "satisfaction": "91", "cost": "2,25"},
    "H1": {"received": "1000", "resolved": "1000", "on_time_rate": "10", "satisfaction": "10", "cost": "99"},
    "X1": {"received": "7", "resolved": "7"},
}  # fmt: skip


def _send(scene: Scene, unit: Any, user: Any, key: str, narratives: dict[str, str], sent_on: dt.date) -> Report:
    report = report_open(actor=user, template=scene.template, unit=unit, year=2023, period_index=1, today=EARLY)
    report_save(actor=user, report=report, answers=ANSWERS[key], narratives=narratives, today=EARLY)
    report = report_submit(actor=user, report=report, today=EARLY)
    Report.objects.filter(pk=report.pk).update(submitted_at=dt.datetime.combine(sent_on, dt.time(23, 59), tzinfo=VN))
    return report


def build_scene(tree: Any) -> Scene:
    """The scene of the module docstring (shared with the export and page tests)."""
    scene = make_scene(tree)
    scene.template.form = FORM
    scene.template.rules = []
    scene.template.legal_basis = "Kế hoạch số 36/KH-UBND"
    scene.template.save()
    a = _send(scene, tree.dept_a, scene.focal_a, "SA", {"I": "Sở A đã ban hành kế hoạch.", "II.3": "Sở A: TTHC."},
              D(2023, 3, 16))  # fmt: skip
    b = _send(scene, tree.dept_b, scene.focal_b, "SB", {"II.3": "Dòng một.\nDòng hai."}, D(2023, 3, 17))
    _send(scene, tree.district, scene.focal_h, "H1", {"I": "Huyện chưa được chấp nhận."}, D(2023, 3, 16))
    report_accept(actor=scene.office, report=a)
    report_accept(actor=scene.office, report=b)
    return scene


@pytest.fixture
def scene(tree: Any) -> Scene:
    return build_scene(tree)


def _data(scene: Scene) -> Any:
    return province_report_data(template=scene.template, year=2023, period_index=1)


# -- totals -----------------------------------------------------------------------------------


def test_totals_over_the_accepted_reports_only(scene: Scene) -> None:
    """Sums: received 100 + 50, resolved 80 + 20, cost 1.5 + 2.25, meetings 2 (Sở B gave none).

    on_time_rate weighted by resolved: (90 × 80 + 50 × 20) / 100 = 82.00; satisfaction has no
    denominator: (80 + 91) / 2 = 85.50. The district (submitted, not accepted) is left out.
    """
    totals = {t.code: t for t in _data(scene).fields}
    assert list(totals) == ["received", "resolved", "on_time_rate", "satisfaction", "cost", "meetings"]
    assert (totals["received"].value, totals["resolved"].value, totals["meetings"].value) == (150, 100, 2)
    assert totals["cost"].value == Decimal("3.75")
    assert totals["on_time_rate"].value == Decimal("82.00")
    assert totals["satisfaction"].value == Decimal("85.50")
    assert [totals[c].method for c in ("received", "on_time_rate", "satisfaction")] == [SUM, WEIGHTED_MEAN, MEAN]
    assert totals["on_time_rate"].method_label == "Bình quân gia quyền theo “Số hồ sơ đã giải quyết”"
    assert totals["satisfaction"].method_label.startswith("Bình quân cộng")
    assert (totals["received"].reported, totals["meetings"].reported) == (2, 1)


def test_unit_rows_carry_status_timeliness_and_only_accepted_figures(scene: Scene) -> None:
    rows = {row.unit_code: row for row in _data(scene).units}
    assert sorted(rows) == ["H1", "SA", "SB", "X1"]
    assert (rows["SA"].accepted, rows["SA"].on_time, rows["SA"].values["received"]) == (True, True, 100)
    assert (rows["SB"].accepted, rows["SB"].on_time, rows["SB"].values["cost"]) == (True, False, Decimal("2.25"))
    assert (rows["H1"].status, rows["H1"].received, rows["H1"].values) == ("submitted", True, {})
    assert (rows["X1"].status, rows["X1"].status_label) == (None, "Chưa lập báo cáo")
    assert sum(row.values.get("received") or 0 for row in rows.values()) == 150


def test_late_and_missing_units(scene: Scene) -> None:
    data = _data(scene)
    assert [row.unit_code for row in data.late_units] == ["SB"]
    assert [row.unit_code for row in data.missing_units] == ["X1"]
    assert (data.completeness.expected, data.completeness.received, data.completeness.on_time) == (4, 3, 2)
    assert data.accepted == 2


# -- the rules of a total, one by one ---------------------------------------------------------


def test_numeric_values_as_stored() -> None:
    assert numeric_value("integer", 5) == 5
    assert numeric_value("integer", "5") == 5
    assert numeric_value("number", "1.50") == Decimal("1.50")
    assert [numeric_value("integer", raw) for raw in (None, "", " ", "x", "NaN", True)] == [None] * 6


def test_a_denominator_is_inferred_from_the_sources_and_means_are_not_summed() -> None:
    form = [
        {
            "code": "II",
            "title": "Số liệu",
            "fields": [
                {"code": "res", "label": "Đã giải quyết", "type": "integer", "source": "dossiers.resolved"},
                {"code": "rate", "label": "Đúng hạn (%)", "type": "percent", "source": "dossiers.on_time_rate"},
                {"code": "n", "label": "Lượt đánh giá", "type": "integer", "source": "ratings.count"},
                {"code": "mean", "label": "Điểm hài lòng", "type": "number", "source": "ratings.mean"},
                {"code": "avg", "label": "Điểm bình quân", "type": "number", "total": "mean"},
                {"code": "bad", "label": "Mẫu số sai", "type": "percent", "denominator": "avg_missing"},
            ],
        }
    ]
    specs = {spec.code: spec for spec in numeric_fields(form)}
    assert (specs["rate"].denominator, specs["mean"].denominator, specs["avg"].denominator) == ("res", "n", "")
    assert specs["bad"].denominator == ""  # not a field of the form: a plain mean
    rows = [
        {"res": 3, "rate": Decimal("100"), "n": 1, "mean": Decimal("18"), "avg": Decimal("2")},
        {"res": 1, "rate": Decimal("0"), "n": 3, "mean": Decimal("10"), "avg": Decimal("3")},
        {"res": None, "rate": Decimal("50"), "n": 0, "mean": None, "avg": None},  # no weight: left out
    ]
    labels = {spec.code: spec.label for spec in specs.values()}
    assert field_total(specs["rate"], rows, labels).value == Decimal("75.00")  # 300 / 4
    assert field_total(specs["mean"], rows, labels).value == Decimal("12.00")  # (18 + 30) / 4
    assert field_total(specs["avg"], rows, labels).value == Decimal("2.50")
    assert field_total(specs["res"], rows, labels).value == 4
    assert field_total(specs["bad"], rows, labels).value is None
    zero = [{"res": 0, "rate": Decimal("0")}]
    assert field_total(specs["rate"], zero, labels).value is None  # Σ weights = 0: no rate


# -- plan progress and overdue tasks ----------------------------------------------------------


def build_plans(tree: Any) -> dict[str, Any]:
    """An issued province plan, Sở A's copy of a task, a district plan, and plans that must not count."""
    province = make_plan(unit=tree.province, status=PlanStatus.ISSUED, title="Kế hoạch CCHC tỉnh năm 2023")
    t1 = make_task(plan=province, code="II.2.a", lead_unit=tree.dept_a, area=Area.INSTITUTIONS,
                   due_date=D(2023, 3, 10), status=TaskStatus.IN_PROGRESS, progress=40)  # fmt: skip
    make_task(plan=province, code="II.2.b", lead_unit=tree.dept_b, area=Area.INSTITUTIONS, due_date=D(2023, 3, 14))
    t3 = make_task(plan=province, code="II.3.a", lead_unit=tree.dept_b, area=Area.PROCEDURES, due_date=D(2023, 2, 1),
                   status=TaskStatus.DONE_LATE, completed_on=D(2023, 3, 20), progress=100)  # fmt: skip
    make_task(plan=province, code="IV.1", lead_unit=tree.district, due_date=D(2023, 1, 16),
              status=TaskStatus.CANCELLED)  # fmt: skip
    own = make_plan(unit=tree.dept_a, status=PlanStatus.ISSUED, parent=province)
    make_task(plan=own, code="II.2.a", lead_unit=tree.dept_a, source_task=t1, due_date=D(2023, 3, 10))
    district = make_plan(unit=tree.district, status=PlanStatus.ISSUED)
    x1 = make_task(plan=district, code="1", lead_unit=tree.commune, due_date=D(2023, 3, 1))
    draft = make_plan(unit=tree.province, status=PlanStatus.DRAFT)
    make_task(plan=draft, lead_unit=tree.dept_a, due_date=D(2023, 1, 5))
    other_province = make_unit(code="Q", kind=UnitKind.PROVINCE, name="Tỉnh Khác")
    make_task(plan=make_plan(unit=other_province, status=PlanStatus.ISSUED), lead_unit=other_province,
              due_date=D(2023, 1, 5))  # fmt: skip
    return {"province": province, "t1": t1, "t3": t3, "x1": x1}


@pytest.fixture
def plans(tree: Any) -> dict[str, Any]:
    return build_plans(tree)


def test_area_progress_is_plan_progress_of_the_provinces_issued_plan(scene: Scene, plans: dict[str, Any]) -> None:
    """Institutions: (40 + 0) / 2 = 20.0 %; procedures: done late counts 100 %."""
    data = _data(scene)
    assert data.plan == plans["province"]
    expected = plan_progress(plan=plans["province"], today=D(2023, 3, 14))
    assert data.area_progress == expected.by_area
    areas = {row.area: row.rollup.progress for row in data.area_progress}
    assert (areas[Area.INSTITUTIONS], areas[Area.PROCEDURES]) == (Decimal("20.0"), Decimal("100.0"))
    assert data.plan_overall == expected.overall


def test_overdue_tasks_province_wide_at_the_windows_end(scene: Scene, plans: dict[str, Any]) -> None:
    """II.3.a (due 1/2, finished only on 20/3), the commune's (1/3), II.2.a (10/3; Sở A's copy left out).

    Not: II.2.b (due on the 14th), the cancelled one, a draft plan's, another province's.
    """
    rows = _data(scene).overdue_tasks
    assert [row.task_id for row in rows] == [plans["t3"].pk, plans["x1"].pk, plans["t1"].pk]
    first = rows[0]
    assert (first.lead_unit, first.deadline, first.days_late, first.status_label) == (
        "Sở B", D(2023, 2, 1), 41, "Đang thực hiện",
    )  # fmt: skip


def test_without_an_issued_plan_there_is_no_area_progress(scene: Scene) -> None:
    data = _data(scene)
    assert (data.plan, data.area_progress, data.plan_overall, data.overdue_tasks) == (None, [], None, [])


# -- Biểu 06 ----------------------------------------------------------------------------------


def test_bieu06_totals_are_the_province_units_sum(scene: Scene, tree: Any) -> None:
    make_procedure(code="TT2", time_limit_days=2, field="Hộ tịch", level="commune")
    make_unit(code="QX", name="Đơn vị ngoài tỉnh")
    text = (
        "code,procedure_code,unit_code,channel,received_at,resolved_at\n"
        "A1,TT2,SA,online,2023-02-01T09:00:00+07:00,2023-02-02T09:00:00+07:00\n"
        "B1,TT2,SB,counter,2023-03-14T23:00:00+07:00,\n"
        "X1,TT2,X1,counter,2023-02-06T09:00:00+07:00,2023-02-10T09:00:00+07:00\n"
        "Q1,TT2,QX,counter,2023-02-06T09:00:00+07:00,\n"
        "L1,TT2,SA,counter,2023-03-15T08:00:00+07:00,\n"
    )
    assert import_dossiers(stream=io.StringIO(text), filename="hoso.csv").rejected == []
    totals = _data(scene).dossier_totals
    window = (D(2022, 12, 15), D(2023, 3, 14))
    assert totals == unit_stats(tree.dept_a, *window) + unit_stats(tree.dept_b, *window) + unit_stats(
        tree.commune, *window
    )
    assert (totals.received, totals.resolved, totals.resolved_late, totals.on_time_rate) == (3, 2, 1, Decimal("50.00"))


# -- narratives -------------------------------------------------------------------------------


def test_narratives_are_gathered_by_section_with_unit_names(scene: Scene) -> None:
    sections = {s.code: s for s in _data(scene).narratives}
    assert list(sections) == ["I", "II.3"]
    assert sections["I"].area_label == "Công tác chỉ đạo, điều hành"
    assert sections["II.3"].area_label == "Cải cách thủ tục hành chính"
    assert [(e.unit_name, e.text) for e in sections["I"].entries] == [("Sở A", "Sở A đã ban hành kế hoạch.")]
    assert sections["II.3"].gathered == "Sở A: Sở A: TTHC.\n\nSở B: Dòng một.\nDòng hai."
    assert sections["II.3"].text == sections["II.3"].gathered
    assert sections["II.3"].edited is None


def test_saved_edits_replace_the_gathered_text_and_an_empty_one_restores_it(scene: Scene) -> None:
    edit = {"I": "  Tỉnh đã ban hành kế hoạch.\r\nĐoạn hai.  "}
    province_report_save(
        actor=scene.office, template=scene.template, year=2023, period_index=1, narratives=edit, number="15/BC-SNV"
    )
    data = _data(scene)
    sections = {s.code: s for s in data.narratives}
    assert sections["I"].text == "Tỉnh đã ban hành kế hoạch.\nĐoạn hai."
    assert data.number == "15/BC-SNV"
    report = province_report_save(actor=scene.office, template=scene.template, year=2023, period_index=1,
                                  narratives={"II.3": "Biên tập."})  # fmt: skip
    assert report.narratives == {"I": "Tỉnh đã ban hành kế hoạch.\nĐoạn hai.", "II.3": "Biên tập."}
    assert report.number == "15/BC-SNV"  # None keeps it
    report = province_report_save(actor=scene.office, template=scene.template, year=2023, period_index=1,
                                  narratives={"I": "   "})  # fmt: skip
    assert report.narratives == {"II.3": "Biên tập."}
    assert {s.code: s.edited for s in _data(scene).narratives} == {"I": None, "II.3": "Biên tập."}
    assert ProvinceReport.objects.count() == 1
    events = AuditEvent.objects.filter(action="province_report.save", object_id=str(report.pk))
    assert events.count() == 3
    assert events.order_by("occurred_at").first().changes["number"] == ["", "15/BC-SNV"]


def test_only_the_reform_office_saves(scene: Scene, tree: Any) -> None:
    leader = make_user(role=Role.LEADER, unit=tree.province)
    for actor in (scene.focal_a, leader, make_user(role=Role.REFORM_OFFICE, unit=tree.dept_a)):
        with pytest.raises(PermissionDeniedError):
            province_report_save(actor=actor, template=scene.template, year=2023, period_index=1, number="1")
    assert not ProvinceReport.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"narratives": {"III": "x"}}, "Mục III không phải là mục nội dung"),
        ({"narratives": {"ZZ": "x"}}, "Mục ZZ"),
        ({"number": "x" * 65}, "dài quá 64 ký tự"),
        ({"year": 2022}, "không áp dụng cho năm 2022"),
        ({"period_index": 5}, "Kỳ 5 không hợp lệ"),
    ],
)
def test_invalid_saves_say_what_is_wrong(scene: Scene, kwargs: dict[str, Any], words: str) -> None:
    arguments = {"actor": scene.office, "template": scene.template, "year": 2023, "period_index": 1, **kwargs}
    with pytest.raises(ApplicationError, match=words):
        province_report_save(**arguments)


def test_queries_do_not_grow_with_units(scene: Scene, plans: dict[str, Any], tree: Any) -> None:
    """Twelve statements for two accepted reports, and for three."""
    _data(scene)  # the calendar, cached per process

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            _data(scene)
        return len(queries)

    before = count()
    focal_x = make_user(role=Role.FOCAL_POINT, unit=tree.commune)
    report_accept(actor=scene.office, report=_send(scene, tree.commune, focal_x, "X1", {"I": "Xã."}, D(2023, 3, 16)))
    assert count() == before <= 12

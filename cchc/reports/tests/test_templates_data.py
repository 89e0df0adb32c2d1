"""The bundled report templates: a valid file, loaded once per version, with the province's calendar.

Worked dates on the real calendar (``docs/reports.md``): quarter I 2023 runs 15/12/2022
→ Tue 14/03/2023, due Thu 16/03, locked after Thu 30/03; the first half runs
15/12/2022 → Wed 14/06/2023, due Fri 16/06, locked after Fri 30/06; the year runs
15/12/2022 → Thu 14/12/2023, due Mon 18/12, locked after Tue 02/01/2024 (01/01 is a
holiday).
"""

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cchc.accounts.choices import Role
from cchc.accounts.tests.factories import make_user
from cchc.audit.models import AuditEvent
from cchc.core.errors import ApplicationError, PermissionDeniedError
from cchc.organizations.choices import UnitKind
from cchc.organizations.models import Cohort, OrgUnit
from cchc.organizations.tests.factories import make_unit
from cchc.reports import forms_schema
from cchc.reports.models import Report, ReportTemplate
from cchc.reports.selectors import period_info
from cchc.reports.templates_data import DEFAULT_FILE, report_templates_load, report_templates_read

D = dt.date
#: The live-data sources the bundled form prefills from (issue #7).
SOURCES = {
    "tasks.total", "tasks.done", "tasks.done_on_time", "tasks.overdue", "tasks.progress_percent",
    "targets.achieved", "targets.total",
    "dossiers.received", "dossiers.received_online", "dossiers.carried_over", "dossiers.to_handle",
    "dossiers.resolved", "dossiers.resolved_on_time", "dossiers.resolved_late", "dossiers.in_progress_overdue",
    "dossiers.on_time_rate", "ratings.count", "ratings.mean", "par.self_status",
}  # fmt: skip


@pytest.fixture
def province(db: None) -> OrgUnit:
    """Hải Dương and the two cohorts the bundled templates are assigned to."""
    unit = make_unit(code="HD", kind=UnitKind.PROVINCE, name="Tỉnh Hải Dương")
    Cohort.objects.create(code="SBN", name="Sở, ban, ngành tỉnh")
    Cohort.objects.create(code="HUYEN", name="UBND cấp huyện")
    return unit


def _write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "mau.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _bundled() -> dict[str, Any]:
    return json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))


def test_the_bundled_file_is_valid_and_follows_the_plans_eight_areas() -> None:
    rows = report_templates_read()
    assert [(r.code, r.fields["period_type"], r.cohorts) for r in rows] == [
        ("cchc-quy", "quarter", ("SBN", "HUYEN")),
        ("cchc-6-thang", "half_year", ("SBN", "HUYEN")),
        ("cchc-nam", "year", ("SBN", "HUYEN")),
    ]
    form = rows[0].fields["form"]
    assert [s["code"] for s in form] == ["I", *(f"II.{n}" for n in range(1, 9)), "III", "IV"]
    assert [s.get("area") for s in form[1:9]] == [str(n) for n in range(1, 9)]
    assert all(section["narrative"] for section in form)
    assert forms_schema.form_errors(form, rows[0].fields["rules"]) == []
    assert {f["source"] for s in form for f in s["fields"] if "source" in f} == SOURCES
    rules = {(r["left"], r["op"], r["right"]) for r in rows[0].fields["rules"]}
    assert {
        ("dossiers_resolved", "<=", "dossiers_to_handle"),
        ("dossiers_received", "<=", "dossiers_to_handle"),
        ("dossiers_resolved_on_time", "<=", "dossiers_resolved"),
        ("tasks_done", "<=", "tasks_total"),
    } <= rules


def test_loading_creates_each_version_once(province: OrgUnit) -> None:
    summary = report_templates_load()
    assert summary.created == ["cchc-quy v1", "cchc-6-thang v1", "cchc-nam v1"]
    template = ReportTemplate.objects.get(code="cchc-quy", version=1)
    assert (template.unit, template.cutoff_day, template.deadline_value, template.lock_working_days) == (
        province, 14, 2, 10,
    )  # fmt: skip
    assert sorted(template.cohorts.values_list("code", flat=True)) == ["HUYEN", "SBN"]
    assert AuditEvent.objects.filter(action="report_template.create").count() == 3

    audit = AuditEvent.objects.count()
    again = report_templates_load()
    assert (again.created, again.updated, len(again.unchanged)) == ([], [], 3)
    assert AuditEvent.objects.count() == audit


@pytest.mark.parametrize(
    ("code", "index", "dates"),
    [
        ("cchc-quy", 1, (D(2022, 12, 15), D(2023, 3, 14), D(2023, 3, 16), D(2023, 3, 30))),
        ("cchc-quy", 3, (D(2023, 6, 15), D(2023, 9, 14), D(2023, 9, 18), D(2023, 10, 2))),
        ("cchc-6-thang", 1, (D(2022, 12, 15), D(2023, 6, 14), D(2023, 6, 16), D(2023, 6, 30))),
        ("cchc-nam", 1, (D(2022, 12, 15), D(2023, 12, 14), D(2023, 12, 18), D(2024, 1, 2))),
    ],
)
def test_the_bundled_calendar_in_2023(province: OrgUnit, code: str, index: int, dates: tuple[dt.date, ...]) -> None:
    report_templates_load()
    info = period_info(ReportTemplate.objects.get(code=code), 2023, index)
    assert (info.window_from, info.window_to, info.deadline, info.lock_date) == dates


def test_a_changed_version_is_updated_until_a_report_uses_it(province: OrgUnit, tmp_path: Path) -> None:
    report_templates_load()
    data = _bundled()
    data["templates"][0]["deadline_value"] = 3
    path = _write(tmp_path, data)
    assert report_templates_load(path=path).updated == ["cchc-quy v1"]
    template = ReportTemplate.objects.get(code="cchc-quy")
    assert template.deadline_value == 3
    event = AuditEvent.objects.get(action="report_template.update")
    assert event.changes == {"deadline_value": [2, 3]}

    unit = make_unit(code="HD.SYT", parent=province, name="Sở Y tế")
    Report.objects.create(template=template, unit=unit, year=2023, period_index=1)
    data["templates"][0]["deadline_value"] = 4
    with pytest.raises(ApplicationError, match="hãy nạp nội dung mới thành phiên bản 2"):
        report_templates_load(path=_write(tmp_path, data))
    data["templates"][0]["version"] = 2
    assert report_templates_load(path=_write(tmp_path, data)).created == ["cchc-quy v2"]


def test_every_problem_of_a_file_is_listed(tmp_path: Path) -> None:
    data = _bundled()
    data["templates"][0]["period_type"] = "week"
    data["templates"][1]["form"] = "khong-co"
    data["templates"][2]["version"] = 1
    data["templates"][2]["code"] = "cchc-quy"
    data["forms"]["cchc-ket-qua"]["rules"].append({"left": "x", "op": "<=", "right": "tasks_total"})
    with pytest.raises(ApplicationError) as caught:
        report_templates_read(_write(tmp_path, data))
    errors = caught.value.extra["errors"]
    assert "mau.json: mẫu thứ 1 (cchc-quy): loại kỳ 'week' không hợp lệ" in errors[0]
    assert any("mẫu thứ 2 (cchc-6-thang): không có biểu mẫu 'khong-co'" in e for e in errors)
    assert any("biểu mẫu 'cchc-ket-qua': Quy tắc thứ 11: không có trường 'x' trong biểu mẫu." in e for e in errors)
    assert caught.value.code == "reports.templates_invalid"

    broken = tmp_path / "hong.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(ApplicationError, match=r"Không đọc được tệp mẫu báo cáo hong\.json"):
        report_templates_read(broken)


def test_unknown_units_and_cohorts_are_refused_before_writing(db: None) -> None:
    make_unit(code="HD", kind=UnitKind.PROVINCE, name="Tỉnh Hải Dương")
    with pytest.raises(ApplicationError) as caught:
        report_templates_load()
    assert "mẫu cchc-quy: không có nhóm đơn vị mã 'SBN'." in caught.value.extra["errors"]
    assert not ReportTemplate.objects.exists()


def test_a_user_must_manage_the_units_templates(province: OrgUnit) -> None:
    focal = make_user(role=Role.FOCAL_POINT, unit=province)
    with pytest.raises(PermissionDeniedError):
        report_templates_load(actor=focal)
    office = make_user(role=Role.REFORM_OFFICE, unit=province)
    assert len(report_templates_load(actor=office).created) == 3


def test_the_command_loads_for_the_named_unit(province: OrgUnit) -> None:
    other = make_unit(code="HP", kind=UnitKind.PROVINCE, name="Thành phố Hải Phòng")
    out = io.StringIO()
    call_command("load_report_templates", "--unit", "HP", stdout=out)
    assert "Mẫu báo cáo: tạo mới 3, cập nhật 0, giữ nguyên 0." in out.getvalue()
    assert set(ReportTemplate.objects.values_list("unit", flat=True)) == {other.pk}
    with pytest.raises(CommandError, match="Không đọc được tệp mẫu báo cáo"):
        call_command("load_report_templates", "/khong/co/tep.json")

"""Benchmark: the province's consolidated report of a quarter for 300 units (issue #7: ≤ 2 s).

Run from the project root::

    .venv/bin/python -m bench.reports [--units 300] [--tasks 500] [--runs 7] [--save DIR]

Uses a throw-away in-memory SQLite database with the shipped units. It adds ``--units``
communes under the twelve districts and a quarterly template assigned to them through a
cohort, whose form has 8 narrative sections (one per reform area) and 20 numeric fields
(14 counts, 4 percents weighted by a denominator field, 1 plain percent, 1 decimal);
then one report per unit for Q1 2023, bulk-inserted: about 96 % accepted (some sent
late), the rest sent but not accepted or missing, each with every field answered and a
two- to three-sentence text per section (one in four over two lines). The province's
issued 2023 plan gets ``--tasks`` tasks over the eight areas, led by the departments and
districts (a third of them overdue at the window's end), and every unit twenty dossiers
in the Biểu 06 counters. The reform office has edited two of the eight sections.

It times, median of ``--runs`` after one warm-up run, with the queries of one run:

* ``province_report_data`` (totals, completeness, plan progress, overdue tasks, Biểu 06,
  narratives);
* ``province_report_docx`` of that data (the Decree 30 document with its appendix);
* both together — what the download costs (the goal);
* ``province_report_xlsx`` of that data, for information.

``--save DIR`` writes the DOCX and XLSX there to look at.
"""

import argparse
import datetime as dt
import os
import statistics
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

os.environ["DATABASE_URL"] = "sqlite://:memory:"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from cchc.core.calendar import work_calendar  # noqa: E402
from cchc.dossiers.aggregates import CountDeltas  # noqa: E402
from cchc.organizations.choices import UnitKind  # noqa: E402
from cchc.organizations.importing import cohorts_load_default, units_load_default  # noqa: E402
from cchc.organizations.models import Cohort, OrgUnit  # noqa: E402
from cchc.organizations.services import unit_create  # noqa: E402
from cchc.plans.choices import PlanStatus  # noqa: E402
from cchc.plans.models import Plan  # noqa: E402
from cchc.reports.consolidation import province_report_data  # noqa: E402
from cchc.reports.exports import province_report_docx, province_report_xlsx  # noqa: E402
from cchc.reports.models import ProvinceReport, Report, ReportStatus, ReportTemplate  # noqa: E402
from cchc.tasks.choices import Area, TaskStatus  # noqa: E402
from cchc.tasks.models import Task  # noqa: E402

YEAR, QUARTER = 2023, 1
WINDOW_FROM, WINDOW_TO = dt.date(2022, 12, 15), dt.date(2023, 3, 14)
DEADLINE = dt.date(2023, 3, 16)
DISTRICTS = [f"HD.H{code}" for code in range(288, 301) if code != 289]
LEADS = [
    *("HD.VP", "HD.SNV", "HD.STP", "HD.SKHDT", "HD.STC", "HD.SCT", "HD.SNNPTNT", "HD.SGTVT", "HD.SXD"),
    *("HD.STNMT", "HD.STTTT", "HD.SLDTBXH", "HD.SVHTTDL", "HD.SKHCN", "HD.SGDDT", "HD.SYT", "HD.TT"),
    *DISTRICTS,
]
SENTENCES = (
    "Đơn vị đã ban hành kế hoạch triển khai và phân công nhiệm vụ cụ thể cho từng bộ phận.",
    "Việc tiếp nhận, giải quyết thủ tục hành chính được thực hiện đúng quy trình, công khai, minh bạch.",
    "Tỷ lệ hồ sơ trực tuyến tăng so với cùng kỳ năm trước; công tác số hóa kết quả được chú trọng.",
    "Còn một số khó khăn về hạ tầng công nghệ thông tin và nhân lực làm công tác cải cách hành chính.",
)


def build_form() -> list[dict[str, Any]]:
    """8 narrative sections (areas 1–8) and 20 numeric fields spread over them."""
    fields: list[dict[str, Any]] = []
    for number in range(1, 15):
        fields.append({"code": f"count_{number}", "label": f"Số liệu đếm {number}", "type": "integer", "min": 0})
    for number in range(1, 5):  # weighted by the count before it
        fields.append(
            {"code": f"rate_{number}", "label": f"Tỷ lệ {number} (%)", "type": "percent",
             "denominator": f"count_{number}"}
        )  # fmt: skip
    fields.append({"code": "satisfaction", "label": "Mức độ hài lòng (%)", "type": "percent"})
    fields.append({"code": "budget", "label": "Kinh phí (triệu đồng)", "type": "number"})
    sections = []
    for area, label in enumerate(Area.labels, start=1):
        sections.append(
            {
                "code": f"II.{area}",
                "title": str(label),
                "area": str(area),
                "narrative": True,
                "fields": fields[(area - 1) * 20 // 8 : area * 20 // 8],
            }
        )
    return sections


def build(unit_count: int, task_count: int) -> ReportTemplate:
    province = OrgUnit.objects.get(code="HD")
    districts = [OrgUnit.objects.get(code=code) for code in DISTRICTS]
    units = []
    with transaction.atomic():
        for number in range(unit_count):
            units.append(
                unit_create(
                    actor=None,
                    code=f"BENCH.X{number:03d}",
                    name=f"Xã Thử Nghiệm {number + 1}",
                    short_name=f"Xã TN {number + 1}",
                    kind=UnitKind.COMMUNE,
                    parent=districts[number % len(districts)],
                    valid_from=dt.date(2020, 1, 1),
                )
            )
    cohort = Cohort.objects.create(code="BENCH", name="UBND cấp xã (đo hiệu năng)")
    cohort.members.set(units)
    form = build_form()
    template = ReportTemplate.objects.create(
        code="bench-quy", name="Báo cáo kết quả CCHC (đo hiệu năng)", unit=province, period_type="quarter",
        year_from=YEAR, form=form, legal_basis="Kế hoạch số 36/KH-UBND",
    )  # fmt: skip
    template.cohorts.set([cohort])

    numeric = [field for section in form for field in section["fields"]]
    reports = []
    for index, unit in enumerate(units):
        if index % 50 == 49:
            continue  # missing
        status = ReportStatus.SUBMITTED if index % 50 == 48 else ReportStatus.ACCEPTED
        values: dict[str, Any] = {}
        for position, field in enumerate(numeric):
            if field["type"] == "integer":
                values[field["code"]] = (index * 7 + position * 13) % 400
            elif field["type"] == "percent":
                values[field["code"]] = str(Decimal(50 + (index + position) % 50) + Decimal("0.25"))
            else:
                values[field["code"]] = str(Decimal(index % 90) / 4)
        narratives = {}
        for area, section in enumerate(form):
            text = " ".join(SENTENCES[(index + area + k) % len(SENTENCES)] for k in range(2 + index % 2))
            narratives[section["code"]] = text if index % 4 else text.replace(". ", ".\n", 1)
        sent = DEADLINE + dt.timedelta(days=1 if index % 10 == 0 else -1)
        reports.append(
            Report(
                template=template, unit=unit, year=YEAR, period_index=QUARTER, status=status, values=values,
                narratives=narratives, submitted_at=dt.datetime.combine(sent, dt.time(10), tzinfo=dt.UTC),
            )
        )  # fmt: skip
    Report.objects.bulk_create(reports)
    ProvinceReport.objects.create(
        template=template, year=YEAR, period_index=QUARTER, narratives={
            "II.1": "Ủy ban nhân dân tỉnh đã ban hành Kế hoạch cải cách hành chính năm 2023.\nĐoạn hai.",
            "II.3": "Toàn tỉnh đã công bố, công khai đầy đủ thủ tục hành chính.",
        },
    )  # fmt: skip

    plan = Plan.objects.create(unit=province, year=YEAR, title="Kế hoạch CCHC năm 2023", status=PlanStatus.ISSUED)
    leads = [OrgUnit.objects.get(code=code) for code in LEADS]
    statuses = [TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS, TaskStatus.DONE_ON_TIME, TaskStatus.IN_PROGRESS]
    tasks = []
    for index in range(task_count):
        status = statuses[index % len(statuses)]
        due = dt.date(2023, 1, 2) + dt.timedelta(days=(index * 5) % 360)
        tasks.append(
            Task(
                plan=plan, code=f"T{index + 1:04d}", position=index + 1, area=list(Area)[index % 8],
                title=f"Nhiệm vụ thử nghiệm số {index + 1}", lead_unit=leads[index % len(leads)],
                weight=Decimal(1 + index % 3), status=status,
                progress=100 if status == TaskStatus.DONE_ON_TIME else index % 90, due_date=due,
                completed_on=due if status == TaskStatus.DONE_ON_TIME else None,
            )
        )  # fmt: skip
    Task.objects.bulk_create(tasks)

    deltas = CountDeltas()
    for index, unit in enumerate(units):
        for number in range(20):
            received = dt.datetime(2023, 1, 3, 9, tzinfo=dt.UTC) + dt.timedelta(days=(index + number * 3) % 70)
            resolved = received + dt.timedelta(days=number % 6) if number % 5 else None
            deltas.add(
                unit_id=unit.pk, field="Hộ tịch", level="commune", channel="online" if number % 2 else "counter",
                received_at=received, resolved_at=resolved, due=(received + dt.timedelta(days=3)).date(),
            )  # fmt: skip
    with transaction.atomic():
        deltas.write()
    return template


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def measure(label: str, action: Callable[[], Any], runs: int) -> dict[str, Any]:
    action()  # warm-up
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
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--tasks", type=int, default=500)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--save", type=Path, default=None)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    cohorts_load_default()
    units_load_default()
    started = time.perf_counter()
    template = build(args.units, args.tasks)
    build_s = time.perf_counter() - started
    work_calendar()

    def data() -> Any:
        return province_report_data(template=template, year=YEAR, period_index=QUARTER)

    sample = data()

    def docx_only() -> str:
        return f"{len(province_report_docx(sample, sample.province_report)) / 1024:,.0f} KiB"

    def both() -> str:
        consolidated = data()
        return f"{len(province_report_docx(consolidated, consolidated.province_report)) / 1024:,.0f} KiB"

    def xlsx_only() -> str:
        return f"{len(province_report_xlsx(sample)) / 1024:,.0f} KiB"

    results = [
        measure(
            "province_report_data",
            lambda: f"{data().accepted} accepted, {len(sample.fields)} fields, {len(sample.overdue_tasks)} overdue",
            args.runs,
        ),
        measure("province_report_docx", docx_only, args.runs),
        measure("data + DOCX (the goal: ≤ 2 s)", both, args.runs),
        measure("province_report_xlsx", xlsx_only, args.runs),
    ]
    reports = Report.objects.filter(template=template).count()
    sections = sum(len(s.entries) for s in sample.narratives)
    print(f"units: {args.units} expected, {reports} reports ({sample.accepted} accepted); tasks: {args.tasks}")
    print(f"form: 8 narrative sections ({sections} unit texts), {len(sample.fields)} numeric fields")
    print(f"setup: {build_s:.2f} s; median of {args.runs}")
    print(f"{'step':<36} {'median':>10} {'max':>10} {'queries':>8}  result")
    for row in results:
        timing = f"{row['median_ms']:>7.1f} ms {row['max_ms']:>7.1f} ms"
        print(f"{row['label']:<36} {timing} {row['queries']:>8}  {row['result']}")
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
        (args.save / "bao-cao-tong-hop.docx").write_bytes(province_report_docx(sample, sample.province_report))
        (args.save / "so-lieu-tong-hop.xlsx").write_bytes(province_report_xlsx(sample))
        print(f"saved to {args.save}")


if __name__ == "__main__":
    main()

"""Demo periodic reports: Hải Dương 2023, quarters I–III and the first half, from the departments and districts.

The bundled templates are loaded first (``templates_data``). Then, for every unit of
the SBN and HUYEN cohorts expected in each period, a story decides what happened:
accepted (most, a few sent late), sent and awaiting review, returned with a reason,
still a draft, or nothing at all. Every report goes through the services, as the
people would have: the unit's focal point opens it (live figures prefilled), fills in
the rest and sends it; the reform office (``snv.cchc``) returns or accepts it. Units
without a demo focal point are written by the system administrator account
(``quantri``), which holds the role everywhere.

Dates: the services stamp the sending and the review with the time they run; the
demo then moves those stamps to the working days the story says (a few days around
each deadline in 2023), so completeness and timeliness read as they would have then.
Illustrative figures and texts, not the units' real reports.

Two stories are fixed because the tour and the browser test rely on them: Sở Y tế's
quarter I report is a draft (its focal point finishes and sends it) and UBND huyện
Gia Lộc's was returned with a reason.

The reform office's consolidated report of the first half (number 158/BC-SNV) is
edited from the units' narratives (``_consolidate``).

Idempotent: a period that already has a report of the unit is left alone, so a second
load writes nothing (and no audit row); it takes about a second.
"""

import datetime as dt
import random
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cchc.accounts.models import User
from cchc.core.calendar import work_calendar
from cchc.core.workdays import VN_TZ, WorkCalendar
from cchc.organizations.models import OrgUnit
from cchc.reports import forms_schema
from cchc.reports.consolidation import province_narratives, province_report_save
from cchc.reports.models import ProvinceReport, Report, ReportTemplate
from cchc.reports.selectors import PeriodInfo, expected_units, period_info
from cchc.reports.services import report_accept, report_open, report_return, report_save, report_submit
from cchc.reports.templates_data import report_templates_load_default

YEAR = 2023
#: (template code, period index) of the demo periods.
PERIODS = (("cchc-quy", 1), ("cchc-quy", 2), ("cchc-quy", 3), ("cchc-6-thang", 1))
COHORTS = ("SBN", "HUYEN")
OFFICE = "snv.cchc"
ADMIN = "quantri"
FOCAL_POINTS = {"HD.SYT": "syt.daumoi", "HD.H297": "gialoc.daumoi"}

MISSING, DRAFT, RETURNED, SUBMITTED, LATE, ACCEPTED = "missing", "draft", "returned", "submitted", "late", "accepted"
#: Stories the tour and the browser test rely on: (unit, template, index) → story.
FIXED = {
    ("HD.SYT", "cchc-quy", 1): DRAFT,
    ("HD.H297", "cchc-quy", 1): RETURNED,
    ("HD.H297", "cchc-quy", 2): ACCEPTED,
}
RETURN_REASONS = (
    "Đề nghị bổ sung số cơ quan, đơn vị được kiểm tra CCHC và làm rõ nguyên nhân các hồ sơ giải quyết quá hạn.",
    "Mục II.7 chưa nêu tỷ lệ văn bản điện tử có ký số; đề nghị bổ sung số liệu và gửi lại.",
    "Phần tồn tại, hạn chế còn chung chung; đề nghị nêu cụ thể nguyên nhân và giải pháp khắc phục.",
)

NARRATIVES = {
    "I": (
        "{unit} đã ban hành Kế hoạch CCHC năm 2023, phân công cụ thể nhiệm vụ, thời hạn và sản phẩm cho từng phòng, "
        "đơn vị trực thuộc; người đứng đầu trực tiếp chỉ đạo, đôn đốc thực hiện. Trong {period}, các nhiệm vụ "
        "trọng tâm được triển khai theo đúng tiến độ kế hoạch."
    ),
    "II.1": (
        "Tổ chức kiểm tra công tác CCHC tại các phòng, đơn vị trực thuộc; đăng tải tin, bài tuyên truyền về CCHC "
        "trên trang thông tin điện tử của đơn vị; triển khai tự đánh giá, chấm điểm Chỉ số CCHC theo hướng dẫn của "
        "Sở Nội vụ."
    ),
    "II.2": (
        "Rà soát, hệ thống hóa các văn bản quy phạm pháp luật thuộc lĩnh vực quản lý; kịp thời kiến nghị sửa đổi, "
        "bổ sung những quy định không còn phù hợp với thực tiễn."
    ),
    "II.3": (
        "Công khai đầy đủ TTHC tại bộ phận một cửa và trên Cổng dịch vụ công; tiếp nhận, giải quyết hồ sơ đúng quy "
        "trình; đối với hồ sơ quá hạn đã gửi văn bản xin lỗi tổ chức, công dân và hẹn lại thời gian trả kết quả."
    ),
    "II.4": (
        "Tiếp tục rà soát chức năng, nhiệm vụ và cơ cấu tổ chức của các phòng chuyên môn; quản lý chặt chẽ số lượng "
        "biên chế được giao."
    ),
    "II.5": (
        "Thực hiện tuyển dụng, đánh giá, xếp loại cán bộ, công chức, viên chức theo vị trí việc làm; cử cán bộ tham "
        "gia các lớp bồi dưỡng chuyên môn, kỹ năng; tăng cường kỷ luật, kỷ cương hành chính."
    ),
    "II.6": (
        "Quản lý, sử dụng ngân sách tiết kiệm, hiệu quả; công khai dự toán, quyết toán theo quy định; đẩy nhanh "
        "tiến độ giải ngân vốn đầu tư công được giao."
    ),
    "II.7": (
        "Duy trì hệ thống quản lý văn bản và điều hành; văn bản đi được ký số (trừ văn bản mật); tiếp tục số hóa "
        "hồ sơ, kết quả giải quyết TTHC và hướng dẫn người dân nộp hồ sơ trực tuyến."
    ),
    "II.8": (
        "Tổ chức lấy ý kiến đánh giá của người dân, tổ chức về việc giải quyết TTHC; phần lớn ý kiến hài lòng với "
        "thái độ phục vụ và thời gian giải quyết hồ sơ."
    ),
    "III": (
        "Một số hồ sơ còn giải quyết quá hạn do phải xác minh, lấy ý kiến cơ quan liên quan; tỷ lệ hồ sơ trực tuyến "
        "toàn trình chưa cao; việc số hóa kết quả giải quyết TTHC còn chậm so với yêu cầu."
    ),
    "IV": (
        "Tập trung hoàn thành các nhiệm vụ còn lại của Kế hoạch CCHC năm 2023; nâng cao tỷ lệ hồ sơ trực tuyến và "
        "tỷ lệ giải quyết đúng hạn. Đề nghị Sở Nội vụ tiếp tục tổ chức tập huấn nghiệp vụ cho công chức làm công tác "
        "CCHC."
    ),
}


@dataclass(frozen=True)
class _Actors:
    office: User
    admin: User
    focal: Mapping[str, User]

    def writer(self, unit: OrgUnit) -> User:
        return self.focal.get(unit.code, self.admin)


def _story(unit: OrgUnit, number: int, template_code: str, index: int, position: int) -> str:
    fixed = FIXED.get((unit.code, template_code, index))
    if fixed:
        return fixed
    roll = (number * 7 + position * 5) % 23
    if roll == 0:
        return MISSING
    if roll == 1:
        return DRAFT
    if roll == 2:
        return RETURNED
    if roll in (3, 4) or (position == 2 and roll % 3 == 0):  # the latest quarter still has reports under review
        return SUBMITTED
    if roll in (5, 6):
        return LATE
    return ACCEPTED


def _unit_label(unit: OrgUnit) -> str:
    """How a report names its author: "Sở Y tế", "UBND huyện Gia Lộc"."""
    if unit.kind == "district":
        return f"UBND {unit.name[:1].lower()}{unit.name[1:]}"
    return unit.name


def _answers(report: Report, rng: random.Random, position: int) -> dict[str, Any]:
    """The prefilled figures, plausible figures for the rest, made to satisfy the template's rules."""
    values: dict[str, Any] = {k: v for k, v in report.values.items() if v not in (None, "")}
    done_share = Decimal(15 + 25 * position)  # the year's investment disbursed, rising quarter by quarter
    made_up: dict[str, Any] = {
        "tasks_total": 0,
        "tasks_done": 0,
        "inspected_units": rng.randint(1, 6),
        "propaganda_items": rng.randint(5, 40),
        "par_self_status": "đang tự chấm",
        "legal_docs_issued": rng.randint(0, 3),
        "legal_docs_reviewed": rng.randint(2, 15),
        "legal_docs_flagged": rng.randint(0, 2),
        "dossiers_received": 0,
        "dossiers_resolved": 0,
        "feedback_received": rng.randint(0, 5),
        "feedback_resolved": 0,
        "bodies_reorganized": rng.randint(0, 2),
        "staff_reduced": rng.randint(0, 5),
        "staff_trained": rng.randint(20, 200),
        "staff_disciplined": rng.choice((0, 0, 0, 1)),
        "public_investment_rate": str(done_share + Decimal(rng.randint(0, 90)) / 10),
        "autonomous_units": rng.randint(0, 8),
        "online_services": rng.randint(5, 60),
        "digital_documents_rate": str(Decimal(rng.randint(920, 995)) / 10),
        "digitized_results_rate": str(Decimal(rng.randint(400, 900)) / 10),
    }
    made_up["feedback_resolved"] = rng.randint(0, made_up["feedback_received"])
    known = forms_schema.fields_of(report.template.form)
    for code, value in made_up.items():
        if code in known and code not in values:
            values[code] = value
    typed, _errors = forms_schema.validate(report.template.form, (), values)
    for rule in report.template.rules:  # a live figure may break a rule (resolved includes carried-over dossiers)
        left, right = typed.get(rule["left"]), typed.get(rule["right"])
        is_number = isinstance(left, int | Decimal) and isinstance(right, int | Decimal)
        if is_number and not forms_schema.OPERATORS[rule["op"]](left, right) and rule["op"] in ("<=", "=="):
            typed[rule["left"]] = right
            values[rule["left"]] = right
    _typed, errors = forms_schema.validate(report.template.form, report.template.rules, values)
    for error in errors:  # a required figure no live data gave: none to report
        values.setdefault(error.field, 0)
    return values


def _narratives(report: Report, sections: tuple[str, ...] | None = None) -> dict[str, str]:
    label = _unit_label(report.unit)
    period = period_info(report.template, report.year, report.period_index).label
    return {
        code: text.format(unit=label, period=period)
        for code, text in NARRATIVES.items()
        if sections is None or code in sections
    }


def _stamp(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 30), tzinfo=VN_TZ)


def _tell(
    story: str,
    *,
    actors: _Actors,
    template: ReportTemplate,
    info: PeriodInfo,
    unit: OrgUnit,
    rng: random.Random,
    position: int,
    calendar: WorkCalendar,
) -> None:
    writer = actors.writer(unit)
    if story == LATE:
        sent_on = calendar.add_working_days(info.deadline, rng.randint(1, 4))
    else:
        sent_on = calendar.add_working_days(info.window_to, rng.randint(1, template.deadline_value or 1))
        sent_on = min(sent_on, info.deadline)
    report = report_open(
        actor=writer, template=template, unit=unit, year=info.year, period_index=info.index, today=info.window_to
    )
    if story == DRAFT:
        report_save(
            actor=writer, report=report, answers=report.values, narratives=_narratives(report, ("I", "II.3")),
            today=info.window_to,
        )  # fmt: skip
        return
    report = report_save(
        actor=writer, report=report, answers=_answers(report, rng, position), narratives=_narratives(report),
        today=sent_on,
    )  # fmt: skip
    report = report_submit(actor=writer, report=report, today=sent_on)
    reviewed_on = None
    if story == RETURNED:
        reason = RETURN_REASONS[0] if unit.code == "HD.H297" else rng.choice(RETURN_REASONS)
        report = report_return(actor=actors.office, report=report, reason=reason)
        reviewed_on = calendar.add_working_days(sent_on, rng.randint(1, 3))
    elif story in (ACCEPTED, LATE):
        report = report_accept(actor=actors.office, report=report)
        reviewed_on = calendar.add_working_days(sent_on, rng.randint(1, 4))
    Report.objects.filter(pk=report.pk).update(
        submitted_at=_stamp(sent_on, 9 + rng.randint(0, 7)),
        reviewed_at=_stamp(reviewed_on, 14) if reviewed_on else None,
    )


def reports_load_demo(*, actor: Any = None) -> dict[str, Any]:
    """Load the bundled templates and the demo reports of 2023 (see the module); idempotent."""
    loaded = report_templates_load_default(actor=actor)
    users = {u.username: u for u in User.objects.filter(username__in=[OFFICE, ADMIN, *FOCAL_POINTS.values()])}
    if OFFICE not in users or ADMIN not in users:
        return {"templates": len(loaded.created), "reports": 0}
    actors = _Actors(
        office=users[OFFICE],
        admin=users[ADMIN],
        focal={code: users[name] for code, name in FOCAL_POINTS.items() if name in users},
    )
    templates = {t.code: t for t in ReportTemplate.objects.filter(code__in={code for code, _ in PERIODS})}
    existing = set(
        Report.objects.filter(template__in=templates.values(), year=YEAR).values_list(
            "template_id", "unit_id", "period_index"
        )
    )
    calendar = work_calendar()
    counts: dict[str, int] = {}
    for position, (code, index) in enumerate(PERIODS):
        template = templates.get(code)
        if template is None or not template.covers(YEAR):
            continue
        info = period_info(template, YEAR, index, calendar=calendar)
        units = expected_units(template, info).filter(cohorts__code__in=COHORTS).distinct()
        for number, unit in enumerate(units):
            if (template.pk, unit.pk, index) in existing:
                continue
            story = _story(unit, number, code, index, position)
            if story != MISSING:
                rng = random.Random(f"{unit.code}-{code}-{index}")  # noqa: S311 (illustrative figures)
                _tell(
                    story, actors=actors, template=template, info=info, unit=unit, rng=rng, position=position,
                    calendar=calendar,
                )  # fmt: skip
            counts[story] = counts.get(story, 0) + 1
    consolidated = _consolidate(templates.get(CONSOLIDATED[0]), actors.office)
    return {"templates": len(loaded.created), "reports": counts, "consolidated": consolidated}


#: The period whose province report the demo consolidates: the first half of 2023.
CONSOLIDATED = ("cchc-6-thang", 1)
CONSOLIDATED_NUMBER = "158/BC-SNV"


def _consolidate(template: ReportTemplate | None, office: User) -> int:
    """The reform office's consolidated 6-month report: a number and the narrative sections edited from the units'.

    Each edited section opens with a provincial summary and keeps the first units'
    texts under it, as an officer would draft it. Written once (idempotent).
    """
    if template is None or ProvinceReport.objects.filter(template=template, year=YEAR, period_index=1).exists():
        return 0
    sections = province_narratives(template=template, year=YEAR, period_index=CONSOLIDATED[1])
    edited: dict[str, str] = {}
    for section in sections:
        if not section.entries:
            continue
        lead = (
            f"Trong 6 tháng đầu năm {YEAR}, {len(section.entries)} cơ quan, đơn vị báo cáo nội dung "
            f"“{section.title}”. Kết quả nổi bật:"
        )
        lines = [f"- {entry.unit_name}: {entry.text}" for entry in section.entries[:3]]
        edited[section.code] = "\n".join([lead, *lines])
    province_report_save(
        actor=office, template=template, year=YEAR, period_index=CONSOLIDATED[1], narratives=edited,
        number=CONSOLIDATED_NUMBER,
    )  # fmt: skip
    return len(edited)

"""API schemas for periodic reports: ``…In`` to write, ``…Out`` to read.

Dates are local (Asia/Ho_Chi_Minh) ISO dates. A report's ``values`` are the typed
answers as stored (integers as numbers, decimals as strings, to stay exact);
``sources`` says, for each prefilled field, where the figure came from, its value
then, when it was taken and whether the unit typed over it.
"""

import datetime as dt
from typing import Any

from ninja import Field, Schema

from cchc.reports.models import ReportStatus
from cchc.reports.periods import period_label


class TemplateOut(Schema):
    id: int
    code: str
    version: int
    name: str
    unit_code: str = Field(description="Mã cơ quan yêu cầu báo cáo.")
    period_type: str = Field(description="month, quarter, half_year, nine_months hoặc year.")
    cutoff_day: int | None = Field(description="Ngày chốt số liệu trong tháng; null: theo tháng dương lịch.")
    deadline_rule: str = Field(description="working_days (N ngày làm việc sau ngày chốt) hoặc day_of_month.")
    deadline_value: int
    lock_working_days: int = Field(description="Khóa sổ sau hạn nộp bao nhiêu ngày làm việc.")
    year_from: int
    year_to: int | None
    legal_basis: str
    cohorts: list[str] = Field(description="Mã các nhóm đơn vị phải báo cáo.")
    units: list[str] = Field(description="Mã các đơn vị được giao riêng.")
    form: list[dict[str, Any]] = Field(description="Các mục của biểu mẫu: nội dung, trường số liệu, nguồn tự động.")
    rules: list[dict[str, Any]] = Field(description="Ràng buộc giữa các trường (left op right).")

    @staticmethod
    def resolve_unit_code(obj: Any) -> str:
        return str(obj.unit.code)

    @staticmethod
    def resolve_cohorts(obj: Any) -> list[str]:
        return sorted(c.code for c in obj.cohorts.all())

    @staticmethod
    def resolve_units(obj: Any) -> list[str]:
        return sorted(u.code for u in obj.units.all())


class PeriodOut(Schema):
    year: int
    index: int = Field(description="Kỳ trong năm (quý 1–4; 1 cho 6 tháng, 9 tháng, năm).")
    label: str = Field(description="Tên kỳ: quý I/2023, 6 tháng đầu năm 2023…")
    window_from: dt.date = Field(description="Số liệu tính từ ngày.")
    window_to: dt.date = Field(description="Số liệu tính đến hết ngày (ngày chốt).")
    deadline: dt.date = Field(description="Hạn nộp.")
    lock_date: dt.date = Field(description="Ngày cuối cùng còn ghi được; sau ngày này kỳ báo cáo khóa sổ.")


class PeriodFilter(Schema):
    year: int | None = Field(None, ge=2000, le=2100, description="Năm; mặc định năm hiện tại.")


class ReportFilter(Schema):
    template: int | None = Field(None, description="Mã số (id) mẫu báo cáo.")
    year: int | None = Field(None, description="Năm.")
    period: int | None = Field(None, ge=1, le=12, description="Kỳ trong năm.")
    unit: str | None = Field(None, description="Mã đơn vị.")
    status: ReportStatus | None = Field(None, description="draft, submitted, returned hoặc accepted.")


class ReportOut(Schema):
    id: int
    template_id: int
    template_code: str
    template_name: str
    unit_code: str
    unit_name: str
    year: int
    period_index: int
    period_label: str
    status: str = Field(description="draft, submitted, returned hoặc accepted.")
    status_label: str
    submitted_at: dt.datetime | None = Field(description="Lần gửi đầu tiên (quyết định đúng hạn hay không).")
    reviewed_at: dt.datetime | None
    return_reason: str

    @staticmethod
    def resolve_template_code(obj: Any) -> str:
        return str(obj.template.code)

    @staticmethod
    def resolve_template_name(obj: Any) -> str:
        return str(obj.template.name)

    @staticmethod
    def resolve_unit_code(obj: Any) -> str:
        return str(obj.unit.code)

    @staticmethod
    def resolve_unit_name(obj: Any) -> str:
        return str(obj.unit.name)

    @staticmethod
    def resolve_period_label(obj: Any) -> str:
        return period_label(obj.template.period_type, obj.period_index, obj.year)

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())


class LockOut(Schema):
    locked: bool
    reason: str = Field(description="Vì sao khóa hoặc còn mở đến khi nào (một câu).")


class ReportDetailOut(ReportOut):
    period: PeriodOut
    lock: LockOut
    values: dict[str, Any] = Field(description="Số liệu theo mã trường.")
    narratives: dict[str, str] = Field(description="Nội dung theo mã mục.")
    sources: dict[str, Any] = Field(
        description="Theo mã trường: {value, source, taken_at, edited} của số liệu điền tự động."
    )


class ReportOpenIn(Schema):
    template: int = Field(description="Mã số (id) mẫu báo cáo.")
    unit: str = Field(description="Mã đơn vị báo cáo.")
    year: int = Field(ge=2000, le=2100)
    period_index: int = Field(ge=1, le=12)


class ReportPatchIn(Schema):
    """Answers and narratives to change; those not sent keep their value (null or "" clears an answer)."""

    answers: dict[str, Any] | None = Field(None, description="Mã trường → giá trị (số hoặc chuỗi).")
    narratives: dict[str, str] | None = Field(None, description="Mã mục → nội dung.")


class ReturnIn(Schema):
    reason: str = Field(min_length=1, max_length=2000, description="Lý do trả lại, để đơn vị biết cần sửa gì.")


class CompletenessFilter(Schema):
    template: int = Field(description="Mã số (id) mẫu báo cáo.")
    year: int = Field(ge=2000, le=2100)
    period: int = Field(ge=1, le=12, description="Kỳ trong năm.")


class CohortCompletenessOut(Schema):
    cohort: str
    expected: int
    received: int
    on_time: int
    missing: int


class UnitCompletenessOut(Schema):
    unit_code: str
    unit_name: str
    cohorts: list[str]
    status: str | None = Field(description="Trạng thái báo cáo; null khi đơn vị chưa lập.")
    submitted_on: dt.date | None
    received: bool = Field(description="Đã gửi (kể cả bị trả lại để sửa).")
    on_time: bool = Field(description="Lần gửi đầu không muộn hơn hạn nộp.")


class CompletenessOut(Schema):
    template_id: int
    period: PeriodOut
    expected: int
    received: int
    on_time: int
    missing: int
    cohorts: list[CohortCompletenessOut]
    units: list[UnitCompletenessOut]

"""API schemas of the public one-stop figures and the dossier lookup."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class StatsPeriodIn(Schema):
    date_from: dt.date = Field(alias="from", description="Ngày đầu kỳ (YYYY-MM-DD), tính cả ngày này.")
    date_to: dt.date = Field(alias="to", description="Ngày cuối kỳ (YYYY-MM-DD), tính cả ngày này; kỳ tối đa 366 ngày.")
    unit: str | None = Field(default=None, max_length=32, description="Chỉ tính một đơn vị (mã đơn vị).")


class MonthlyIn(Schema):
    year: int = Field(ge=2000, le=2100, description="Năm.")
    unit: str | None = Field(default=None, max_length=32, description="Chỉ tính một đơn vị (mã đơn vị).")


class StatsOut(Schema):
    """One Biểu 06 row; the keys are those of ``selectors.dossier_stats``."""

    received: int = Field(description="Hồ sơ tiếp nhận mới trong kỳ.")
    received_online: int
    received_counter_post: int
    carried_over: int = Field(description="Kỳ trước chuyển qua.")
    resolved: int
    resolved_early: int
    resolved_on_time: int
    resolved_late: int
    in_progress: int
    in_progress_within_time: int
    in_progress_overdue: int
    on_time_rate: Decimal | None = Field(
        description="(trước hạn + đúng hạn) / đã giải quyết, %, 2 chữ số; null khi chưa giải quyết hồ sơ nào."
    )


class StatsTableOut(Schema):
    date_from: dt.date = Field(serialization_alias="from")
    date_to: dt.date = Field(serialization_alias="to")
    total: StatsOut
    units: dict[str, StatsOut] = Field(description="Theo mã đơn vị; đơn vị không có hồ sơ trong kỳ không có dòng.")


class MonthOut(Schema):
    month: int
    date_from: dt.date = Field(serialization_alias="from")
    date_to: dt.date = Field(serialization_alias="to")
    stats: StatsOut | None = Field(description="null khi tháng chưa bắt đầu.")


class MonthlyOut(Schema):
    year: int
    unit: str | None
    months: list[MonthOut]


class DossierLookupOut(Schema):
    """What anyone who knows a dossier's code may see: no applicant, no content."""

    code: str
    procedure_name: str
    unit_name: str
    received_on: dt.date
    due_date: dt.date
    resolved: bool
    returned: bool
    status_label: str
    timeliness: str = Field(description="early | on_time | late (đã giải quyết) hoặc within_time | overdue.")
    timeliness_label: str

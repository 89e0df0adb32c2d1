"""API schemas for plans, tasks, targets and progress updates: ``…In`` to write, ``…Out`` to read.

Percentages and weights are numbers; a rolled-up progress with nothing counted is
``null``, never 0. ``display_status`` is the stored status or ``"overdue"``, which the
working-day calendar decides on the day of the request.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema
from pydantic import field_validator

from cchc.core.calendar import FIRST_YEAR, LAST_YEAR
from cchc.tasks.calculations import ACHIEVEMENT_RULE, OVERDUE, ROLLUP_RULE, target_achievement
from cchc.tasks.choices import OVERDUE_LABEL, Area, DeadlineKind, ProductKind, TaskStatus

STATUS_FILTER_DESCRIPTION = (
    "Trạng thái lưu (not_started, in_progress, done_on_time, done_late, cancelled) hoặc overdue "
    "(quá hạn theo lịch ngày làm việc)."
)


def _calendar_date(value: dt.date | None) -> dt.date | None:
    if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"phải trong các năm {FIRST_YEAR}–{LAST_YEAR} (phạm vi của lịch ngày làm việc)")
    return value


# -- plans -------------------------------------------------------------------------------------


class PlanFilter(Schema):
    year: int | None = Field(None, description="Năm kế hoạch.")
    unit: str | None = Field(None, description="Mã đơn vị ban hành.")


class PlanOut(Schema):
    id: int
    title: str
    year: int
    unit_code: str = Field(description="Mã đơn vị ban hành.")
    unit_name: str
    status: str = Field(description="draft, issued hoặc closed.")
    status_label: str
    number: str = Field(description="Số, ký hiệu văn bản ban hành (khi đã ban hành).")
    issued_on: dt.date | None
    parent_id: int | None = Field(description="Kế hoạch cấp trên mà kế hoạch này triển khai.")

    @staticmethod
    def resolve_unit_code(obj: Any) -> str:
        return str(obj.unit.code)

    @staticmethod
    def resolve_unit_name(obj: Any) -> str:
        return str(obj.unit.name)

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())


class RollupOut(Schema):
    progress: Decimal | None = Field(
        description="Tiến độ bình quân gia quyền (%), null khi không có nhiệm vụ được tính."
    )
    completion_rate: Decimal | None = Field(description="Tỷ lệ nhiệm vụ hoàn thành trên số nhiệm vụ được tính (%).")
    counted: int
    done: int
    cancelled: int
    total: int


class AreaProgressOut(Schema):
    area: str = Field(description="Mã lĩnh vực; chuỗi rỗng cho nhiệm vụ không thuộc lĩnh vực nào.")
    label: str
    rollup: RollupOut


class UnitProgressOut(Schema):
    unit_code: str
    unit_name: str
    rollup: RollupOut
    overdue: int = Field(description="Số nhiệm vụ chủ trì đang quá hạn.")


class PlanDetailOut(PlanOut):
    rule: str = Field(ROLLUP_RULE, description="Quy tắc tính tiến độ tổng hợp.")
    as_of: dt.date = Field(description="Ngày tính tiến độ và quá hạn.")
    progress: RollupOut
    by_area: list[AreaProgressOut]
    by_unit: list[UnitProgressOut]
    overdue_count: int


# -- tasks -------------------------------------------------------------------------------------


class TaskFilter(Schema):
    area: Area | None = Field(None, description="Lĩnh vực.")
    unit: str | None = Field(None, description="Mã đơn vị chủ trì hoặc phối hợp.")
    status: str | None = Field(None, description=STATUS_FILTER_DESCRIPTION)
    overdue: bool | None = Field(None, description="true: chỉ nhiệm vụ quá hạn; false: bỏ nhiệm vụ quá hạn.")

    @field_validator("status")
    @classmethod
    def _known_status(cls, value: str | None) -> str | None:
        if value and value != OVERDUE and value not in TaskStatus.values:
            raise ValueError(f"phải là một trong các giá trị {', '.join([*TaskStatus.values, OVERDUE])}")
        return value or None


class TaskOut(Schema):
    id: int
    plan_id: int
    code: str = Field(description="Mã nhiệm vụ trong kế hoạch (vị trí trong văn bản, ví dụ II.3.a).")
    title: str
    description: str
    area: str
    area_label: str
    lead_unit: str = Field(description="Mã cơ quan chủ trì.")
    lead_unit_name: str
    coordinating_units: list[str] = Field(description="Mã các cơ quan phối hợp.")
    product_kind: str
    product: str
    deadline_kind: str
    deadline_label: str = Field(description="Thời gian hoàn thành như văn bản ghi.")
    due_date: dt.date | None
    weight: Decimal
    budget: Decimal | None = Field(description="Kinh phí (đồng).")
    status: str = Field(description="Trạng thái lưu.")
    display_status: str = Field(description="Trạng thái lưu, hoặc overdue khi quá hạn theo lịch ngày làm việc.")
    display_status_label: str
    progress: int
    completed_on: dt.date | None
    is_public: bool
    node_path: str | None = Field(description="Mục của văn bản kế hoạch mà nhiệm vụ lấy từ đó.")
    source_task_id: int | None = Field(description="Nhiệm vụ của kế hoạch cấp trên mà nhiệm vụ này triển khai.")

    # The view sets ``display_status`` on each task before serialising (it needs today
    # and the calendar); resolvers read relations the selectors fetched.
    @staticmethod
    def resolve_area_label(obj: Any) -> str:
        return str(obj.get_area_display()) if obj.area else ""

    @staticmethod
    def resolve_lead_unit(obj: Any) -> str:
        return str(obj.lead_unit.code)

    @staticmethod
    def resolve_lead_unit_name(obj: Any) -> str:
        return str(obj.lead_unit.name)

    @staticmethod
    def resolve_coordinating_units(obj: Any) -> list[str]:
        return sorted(unit.code for unit in obj.coordinating_units.all())

    @staticmethod
    def resolve_display_status_label(obj: Any) -> str:
        status = obj.display_status
        return str(OVERDUE_LABEL if status == OVERDUE else TaskStatus(status).label)

    @staticmethod
    def resolve_node_path(obj: Any) -> str | None:
        return obj.node.path if obj.node_id else None


class TaskPatchIn(Schema):
    """The fields an editor of the plan changes; progress and status come from accepted updates."""

    title: str | None = Field(None, min_length=1, max_length=500)
    description: str | None = None
    area: Area | None = None
    lead_unit: str | None = Field(None, description="Mã cơ quan chủ trì.")
    coordinating_units: list[str] | None = Field(None, description="Mã các cơ quan phối hợp (thay toàn bộ).")
    product_kind: ProductKind | None = None
    product: str | None = Field(None, max_length=500)
    deadline_kind: DeadlineKind | None = None
    due_date: dt.date | None = None
    deadline_label: str | None = Field(None, max_length=64)
    weight: Decimal | None = Field(None, ge=0, max_digits=6, decimal_places=2)
    budget: Decimal | None = Field(None, ge=0, max_digits=16, decimal_places=0)
    is_public: bool | None = None

    _due_in_calendar = field_validator("due_date")(_calendar_date)


# -- targets -----------------------------------------------------------------------------------


class TargetOut(Schema):
    id: int
    indicator: str = Field(description="Chỉ tiêu.")
    measure_unit: str = Field(description="Đơn vị tính.")
    target_value: Decimal
    actual_value: Decimal | None
    unit_code: str | None = Field(description="Đơn vị thực hiện chỉ tiêu; null: toàn kế hoạch.")
    period: str
    node_path: str | None
    achievement: Decimal | None = Field(description=f"Mức đạt (%). {ACHIEVEMENT_RULE}")

    @staticmethod
    def resolve_unit_code(obj: Any) -> str | None:
        return obj.unit.code if obj.unit_id else None

    @staticmethod
    def resolve_node_path(obj: Any) -> str | None:
        return obj.node.path if obj.node_id else None

    @staticmethod
    def resolve_achievement(obj: Any) -> Decimal | None:
        return target_achievement(target_value=obj.target_value, actual_value=obj.actual_value)


_TARGET_RULES = "Giá trị ≥ 0; đơn vị tính % thì không quá 100."


class TargetIn(Schema):
    """A new target; the rules (values, node, unit) are checked by the service (400 problem)."""

    indicator: str = Field(description="Chỉ tiêu, ví dụ “Tỷ lệ TTHC được công bố, công khai đúng quy định”.")
    measure_unit: str = Field("%", description="Đơn vị tính.")
    target_value: Decimal = Field(description=f"Giá trị mục tiêu. {_TARGET_RULES}")
    actual_value: Decimal | None = Field(None, description="Giá trị đạt được, nếu đã có.")
    node: str | None = Field(None, description="Số hiệu mục của kế hoạch (ví dụ II.3.b); null: toàn kế hoạch.")
    unit: str | None = Field(None, description="Mã đơn vị thực hiện; null: toàn kế hoạch.")
    period: str = Field("", description="Kỳ, ví dụ “Năm 2023”, “6 tháng đầu năm 2023”.")


class TargetPatchIn(Schema):
    """Fields to change; a unit's reporter may send ``actual_value`` only."""

    indicator: str | None = None
    measure_unit: str | None = None
    target_value: Decimal | None = None
    actual_value: Decimal | None = Field(None, description=f"Giá trị đạt được; null: chưa có. {_TARGET_RULES}")
    node: str | None = Field(None, description="Số hiệu mục; null: toàn kế hoạch.")
    unit: str | None = Field(None, description="Mã đơn vị; null: toàn kế hoạch.")
    period: str | None = None


# -- progress updates --------------------------------------------------------------------------


class EvidenceOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    download_url: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.original_name)

    @staticmethod
    def resolve_download_url(obj: Any) -> str:
        from django.urls import reverse

        return reverse("tasks:evidence_download", args=[obj.pk])


class UpdateOut(Schema):
    id: int
    task_id: int
    unit_code: str = Field(description="Đơn vị báo cáo.")
    unit_name: str
    author: str
    state: str = Field(description="draft, submitted, returned hoặc accepted.")
    state_label: str
    progress: int
    reported_status: str
    completed_on: dt.date | None
    narrative: str
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    reviewed_at: dt.datetime | None
    reviewed_by: str | None
    return_reason: str
    evidence: list[EvidenceOut]

    @staticmethod
    def resolve_unit_code(obj: Any) -> str:
        return str(obj.unit.code)

    @staticmethod
    def resolve_unit_name(obj: Any) -> str:
        return str(obj.unit.name)

    @staticmethod
    def resolve_author(obj: Any) -> str:
        return str(obj.author)

    @staticmethod
    def resolve_state_label(obj: Any) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_reviewed_by(obj: Any) -> str | None:
        return str(obj.reviewed_by) if obj.reviewed_by_id else None

    @staticmethod
    def resolve_evidence(obj: Any) -> list[Any]:
        return list(obj.evidence.all())


class UpdateIn(Schema):
    """A new progress update, saved as a draft; ``POST /updates/{id}/submit`` sends it."""

    unit: str | None = Field(
        None, description="Mã đơn vị báo cáo (chủ trì hoặc phối hợp); mặc định: đơn vị đầu tiên bạn báo cáo thay."
    )
    progress: int = Field(ge=0, le=100, description="Tiến độ (%).")
    reported_status: TaskStatus
    narrative: str = ""
    completed_on: dt.date | None = Field(None, description="Ngày hoàn thành, khi báo cáo đã hoàn thành.")

    _completed_in_calendar = field_validator("completed_on")(_calendar_date)


class ReturnIn(Schema):
    reason: str = Field(min_length=1, description="Lý do trả lại, để đơn vị biết cần sửa gì.")

"""API schemas for the procedure catalogue."""

from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from cchc.procedures.choices import Level, OnlineLevel


class UnitRefOut(Schema):
    code: str
    name: str


class StageCostOut(Schema):
    total_hours: Decimal = Field(description="Tổng số giờ của các hoạt động.")
    time_cost: Decimal = Field(description="Chi phí thời gian = số giờ × chi phí giờ công (đồng, làm tròn).")
    fees: Decimal
    other_costs: Decimal
    per_dossier: Decimal = Field(description="Chi phí tuân thủ cho một hồ sơ (đồng).")
    per_year: Decimal | None = Field(description="Chi phí một năm = chi phí/hồ sơ × số hồ sơ/năm.")


class CostOut(Schema):
    hourly_cost: Decimal
    dossiers_per_year: int | None
    before: StageCostOut
    after: StageCostOut | None = Field(description="Sau đơn giản hóa; null nếu chưa có phương án.")
    saving_per_dossier: Decimal | None
    saving_per_year: Decimal | None
    reduction_percent: Decimal | None = Field(description="(trước − sau) / trước × 100, làm tròn 2 chữ số.")


class ProcedureOut(Schema):
    code: str
    name: str
    field: str
    level: str
    level_label: str
    competent_authority: str
    units: list[UnitRefOut]
    time_limit_days: int
    fee: Decimal | None
    fee_note: str
    online_level: str
    online_level_label: str
    legal_basis: str

    @staticmethod
    def resolve_level_label(obj: Any) -> str:
        return str(obj.get_level_display())

    @staticmethod
    def resolve_online_level_label(obj: Any) -> str:
        return str(obj.get_online_level_display())

    @staticmethod
    def resolve_units(obj: Any) -> list[Any]:
        return list(obj.units.all())


class ProcedureDetailOut(ProcedureOut):
    cost: CostOut

    @staticmethod
    def resolve_cost(obj: Any) -> dict[str, Any]:
        comparison = obj.cost()
        return {
            "hourly_cost": obj.hourly_cost,
            "dossiers_per_year": obj.dossiers_per_year,
            "before": comparison.before,
            "after": comparison.after,
            "saving_per_dossier": comparison.saving_per_dossier,
            "saving_per_year": comparison.saving_per_year,
            "reduction_percent": comparison.reduction_percent,
        }


class ProcedureFilter(Schema):
    field: str | None = Field(None, description="Lĩnh vực (đúng tên).")
    level: Level | None = Field(None, description="Cấp thực hiện.")
    unit: str | None = Field(None, description="Mã đơn vị thực hiện.")
    online_level: OnlineLevel | None = Field(None, description="Mức độ trực tuyến.")
    q: str | None = Field(None, description="Tìm theo mã, tên, lĩnh vực, cơ quan (không phân biệt dấu).")

"""API schemas of the Decision 766 index."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class IndicatorTableIn(Schema):
    year: int = Field(ge=2000, le=2100, description="Năm.")
    month: int = Field(ge=1, le=12, description="Tháng (1–12).")
    unit: str | None = Field(default=None, max_length=32, description="Chỉ một đơn vị (mã đơn vị).")


class IndicatorOut(Schema):
    code: str
    group: str = Field(description="publicity | progress | online | payment | digitisation | satisfaction.")
    group_label: str
    name: str
    max_points: Decimal = Field(description="Điểm tối đa (trọng số).")
    target: Decimal | None = Field(description="Chỉ tiêu, tỷ lệ từ 0 đến 1; null: điểm = tỷ lệ × điểm tối đa.")
    source: str = Field(
        description="Nguồn số liệu: progress | online | payment | digitisation | satisfaction | manual (nhập tay)."
    )
    formula: str = Field(description="Cách tính tỷ lệ.")
    rule: str = Field(description="Cách quy tỷ lệ ra điểm.")
    order: int


class IndicatorSetOut(Schema):
    code: str
    name: str
    legal_basis: str
    effective_from: dt.date
    effective_to: dt.date | None
    note: str
    max_points: Decimal
    indicators: list[IndicatorOut]


class IndicatorCellOut(Schema):
    indicator: str = Field(description="Mã chỉ số.")
    numerator: int | None = Field(description="Tử số; null với chỉ số nhập tay.")
    denominator: int | None = Field(description="Mẫu số; null với chỉ số nhập tay.")
    rate_percent: Decimal | None = Field(description="Tỷ lệ, %, 2 chữ số; null khi không phát sinh hoặc chưa nhập.")
    points: Decimal | None = Field(description="Điểm, 2 chữ số (làm tròn nửa lên); null khi không có số liệu.")
    status: str = Field(description="ok | not_applicable (không phát sinh) | not_entered (chưa nhập).")
    note: str


class ElectronicResultOut(Schema):
    numerator: int
    denominator: int
    rate_percent: Decimal | None


class IndicatorRowOut(Schema):
    unit: str | None = Field(description="Mã đơn vị; null ở dòng tổng.")
    unit_name: str
    cells: list[IndicatorCellOut]
    points: Decimal | None = Field(description="Tổng điểm các chỉ số có số liệu, 2 chữ số; null khi không có.")
    max_points: Decimal = Field(description="Điểm tối đa của các chỉ số có số liệu.")
    missing: list[str] = Field(description="Mã các chỉ số chưa có số liệu (không tính vào tổng).")
    electronic_result: ElectronicResultOut = Field(
        description="Hồ sơ có kết quả điện tử / đã giải quyết; không tính điểm."
    )


class IndicatorTableOut(Schema):
    year: int
    month: int
    date_from: dt.date = Field(serialization_alias="from")
    date_to: dt.date = Field(serialization_alias="to", description="Ngày cuối tháng, hoặc hôm nay nếu tháng chưa hết.")
    provisional: bool = Field(description="Tháng chưa kết thúc: số liệu tạm tính.")
    indicator_set: IndicatorSetOut | None = Field(description="Bộ chỉ số áp dụng; null khi tháng chưa có bộ nào.")
    rows: list[IndicatorRowOut]
    total: IndicatorRowOut | None = Field(
        description="Toàn tỉnh (cùng công thức trên tổng số hồ sơ), hoặc đơn vị được chọn."
    )

"""Public API of the Decision 766 index; no authentication needed (the figures are published)."""

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router

from cchc.indicators import calculations as calc
from cchc.indicators.schemas import IndicatorSetOut, IndicatorTableIn, IndicatorTableOut
from cchc.indicators.selectors import Row, SetInfo, indicator_sets, indicator_table
from cchc.organizations.models import OrgUnit

router = Router(tags=["Chỉ số 766"])


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def set_out(indicator_set: SetInfo) -> dict[str, Any]:
    return {
        "code": indicator_set.code,
        "name": indicator_set.name,
        "legal_basis": indicator_set.legal_basis,
        "effective_from": indicator_set.effective_from,
        "effective_to": indicator_set.effective_to,
        "note": indicator_set.note,
        "max_points": indicator_set.max_points,
        "indicators": [
            {
                "code": i.code,
                "group": i.group,
                "group_label": i.group_label,
                "name": i.name,
                "max_points": i.max_points,
                "target": i.target,
                "source": i.source,
                "formula": i.formula,
                "rule": i.rule,
                "order": i.order,
            }
            for i in indicator_set.indicators
        ],
    }


def row_out(row: Row) -> dict[str, Any]:
    return {
        "unit": row.unit_code,
        "unit_name": row.unit_name,
        "cells": [
            {
                "indicator": c.indicator.code,
                "numerator": c.numerator,
                "denominator": c.denominator,
                "rate_percent": c.rate_percent,
                "points": c.points_rounded,
                "status": c.status.value,
                "note": c.note,
            }
            for c in row.cells
        ],
        "points": row.points_rounded,
        "max_points": calc.round2(row.total.max_points),
        "missing": list(row.total.missing),
        "electronic_result": {
            "numerator": row.electronic_result.numerator,
            "denominator": row.electronic_result.denominator,
            "rate_percent": row.electronic_result.rate_percent,
        },
    }


@router.get(
    "/indicators/766",
    response=IndicatorTableOut,
    auth=None,
    by_alias=True,
    operation_id="indicators_766_table",
    summary="Chỉ số 766 của một tháng",
    description=(
        "Chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg) của tháng: từng đơn vị (hoặc một đơn vị) "
        "với tử số, mẫu số, tỷ lệ, điểm từng chỉ số và tổng điểm; dòng tổng tính cùng công thức trên tổng số hồ sơ. "
        "Công khai, không cần xác thực. Mã đơn vị không tồn tại: 404. "
        "Hai bộ chỉ số cùng hiệu lực trong tháng (lỗi dữ liệu): 400 với code indicators.set_overlap."
    ),
    openapi_extra={
        "responses": {
            400: _problem("Lỗi dữ liệu bộ chỉ số (indicators.set_overlap)."),
            404: _problem("Không có đơn vị với mã đã cho."),
        }
    },
)
def indicators_766_table(request: HttpRequest, params: Query[IndicatorTableIn]) -> dict[str, Any]:
    """The month's table; an unknown unit code is a 404."""
    unit = params.unit or None
    if unit is not None and not OrgUnit.objects.filter(code=unit).exists():
        raise Http404
    table = indicator_table(year=params.year, month=params.month, unit_code=unit)
    return {
        "year": table.year,
        "month": table.month,
        "date_from": table.date_from,
        "date_to": table.date_to,
        "provisional": table.provisional,
        "indicator_set": set_out(table.indicator_set) if table.indicator_set else None,
        "rows": [row_out(r) for r in table.rows],
        "total": row_out(table.total) if table.total is not None else None,
    }


@router.get(
    "/indicators/766/sets",
    response=list[IndicatorSetOut],
    auth=None,
    operation_id="indicators_766_sets",
    summary="Các bộ chỉ số 766 và thời gian hiệu lực",
    description=(
        "Mọi bộ chỉ số (cũ nhất trước) với chỉ số, điểm tối đa, chỉ tiêu, nguồn số liệu và cách tính. Công khai."
    ),
)
def indicators_766_sets(request: HttpRequest) -> list[dict[str, Any]]:
    """Every set with its indicators, oldest first."""
    return [set_out(s) for s in indicator_sets()]

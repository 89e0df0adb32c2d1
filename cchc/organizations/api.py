"""API for org units: list with filters, the tree, one unit."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from cchc.core.pagination import Pagination
from cchc.organizations.models import OrgUnit
from cchc.organizations.schemas import OrgUnitFilter, OrgUnitNode, OrgUnitOut, OrgUnitTreeFilter
from cchc.organizations.selectors import UnitNode, unit_get_for_user, unit_list_for_user, unit_tree_for_user

router = Router(tags=["Đơn vị"])


def _node_out(node: UnitNode) -> dict[str, Any]:
    unit = node.unit
    return {
        "code": unit.code,
        "name": unit.name,
        "short_name": unit.short_name,
        "kind": unit.kind,
        "children": [_node_out(child) for child in node.children],
    }


@router.get(
    "/units",
    response=list[OrgUnitOut],
    operation_id="units_list",
    summary="Danh sách đơn vị",
    description=(
        "Các đơn vị trong phạm vi của bạn, theo thứ tự cây, lọc theo loại, nhóm, cấp trên, ngày hiệu lực, từ khóa."
    ),
)
@paginate(Pagination)
def units_list(request: HttpRequest, filters: Query[OrgUnitFilter]) -> QuerySet[OrgUnit]:
    """Units in the caller's scope, in tree order, narrowed by the filters."""
    return unit_list_for_user(user=request.user, **filters.model_dump())


@router.get(
    "/units/tree",
    response=list[OrgUnitNode],
    operation_id="units_tree",
    summary="Cây đơn vị",
    description="Phạm vi của bạn dưới dạng cây; đơn vị có cấp trên ngoài phạm vi là gốc.",
)
def units_tree(request: HttpRequest, filters: Query[OrgUnitTreeFilter]) -> list[dict[str, Any]]:
    """The caller's scope as a forest: a unit whose parent is out of scope is a root."""
    return [_node_out(node) for node in unit_tree_for_user(user=request.user, on=filters.on)]


@router.get(
    "/units/{code}",
    response=OrgUnitOut,
    operation_id="units_detail",
    summary="Chi tiết đơn vị",
    description="Một đơn vị theo mã. Đơn vị ngoài phạm vi của bạn trả về 404 như mã không tồn tại.",
)
def units_detail(request: HttpRequest, code: str) -> OrgUnit:
    """One unit; a unit outside the caller's scope is a 404, like a code that does not exist."""
    return unit_get_for_user(user=request.user, code=code)

"""API for org units: list with filters, the tree, one unit."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from cchc.core.pagination import Pagination
from cchc.organizations.models import OrgUnit
from cchc.organizations.schemas import OrgUnitFilter, OrgUnitNode, OrgUnitOut
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


@router.get("/units", response=list[OrgUnitOut], operation_id="units_list", summary="Danh sách đơn vị")
@paginate(Pagination)
def units_list(request: HttpRequest, filters: Query[OrgUnitFilter]) -> QuerySet[OrgUnit]:
    return unit_list_for_user(user=request.user, **filters.model_dump())


@router.get("/units/tree", response=list[OrgUnitNode], operation_id="units_tree", summary="Cây đơn vị")
def units_tree(request: HttpRequest, filters: Query[OrgUnitFilter]) -> list[dict[str, Any]]:
    return [_node_out(node) for node in unit_tree_for_user(user=request.user, on=filters.on)]


@router.get("/units/{code}", response=OrgUnitOut, operation_id="units_detail", summary="Chi tiết đơn vị")
def units_detail(request: HttpRequest, code: str) -> OrgUnit:
    return unit_get_for_user(user=request.user, code=code)

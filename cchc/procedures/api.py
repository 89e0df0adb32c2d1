"""API for the procedure catalogue: the list with filters and one procedure with its cost."""

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from cchc.core.pagination import Pagination
from cchc.procedures.models import Procedure
from cchc.procedures.schemas import ProcedureDetailOut, ProcedureFilter, ProcedureOut
from cchc.procedures.selectors import procedure_get_for_user, procedure_list_for_user

router = Router(tags=["Thủ tục hành chính"])


@router.get(
    "/procedures",
    response=list[ProcedureOut],
    operation_id="procedures_list",
    summary="Danh mục thủ tục hành chính",
    description="Thủ tục theo lĩnh vực, cấp, mã thủ tục; lọc theo lĩnh vực, cấp, đơn vị thực hiện, từ khóa.",
)
@paginate(Pagination)
def procedures_list(request: HttpRequest, filters: Query[ProcedureFilter]) -> QuerySet[Procedure]:
    """The catalogue narrowed by the filters, ordered by field, level and code."""
    return procedure_list_for_user(user=request.user, **filters.model_dump())


@router.get(
    "/procedures/{code}",
    response=ProcedureDetailOut,
    operation_id="procedures_detail",
    summary="Chi tiết thủ tục",
    description="Một thủ tục theo mã, với chi phí tuân thủ trước và sau đơn giản hóa (Thông tư 02/2017/TT-VPCP).",
)
def procedures_detail(request: HttpRequest, code: str) -> Procedure:
    """One procedure and its compliance cost; an unknown code is a 404."""
    return procedure_get_for_user(user=request.user, code=code)

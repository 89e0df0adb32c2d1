"""The one paginator every API list uses: page numbers, a total, a page size cap."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

MAX_PAGE_SIZE = 500


class Pagination(PaginationBase):
    """``?page=&page_size=`` in, ``{items, count, page, page_size}`` out.

    A page size above ``MAX_PAGE_SIZE`` is refused (422) rather than silently
    capped, so a client never believes it holds a whole list when it does not. A
    page past the end is an empty ``items`` with the true ``count``.
    """

    class Input(Schema):
        page: int = Field(1, ge=1, description="Số trang, bắt đầu từ 1.")
        page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE, description="Số dòng mỗi trang (tối đa 500).")

    class Output(Schema):
        items: list[Any]
        count: int
        page: int
        page_size: int

    items_attribute: str = "items"

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        offset = (pagination.page - 1) * pagination.page_size
        return {
            "items": queryset[offset : offset + pagination.page_size],
            "count": self._items_count(queryset),
            "page": pagination.page,
            "page_size": pagination.page_size,
        }

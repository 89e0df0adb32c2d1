"""The one NinjaAPI instance: authentication, problem errors, every app's router."""

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from cchc.accounts.auth import session_auth, token_auth
from cchc.api import errors
from cchc.dossiers.api import router as dossiers_router
from cchc.dossiers.api_upsert import router as dossiers_upsert_router
from cchc.indicators.api import router as indicators_router
from cchc.organizations.api import router as units_router
from cchc.procedures.api import router as procedures_router
from cchc.reports.api import router as reports_router
from cchc.scoring.api import router as scoring_router
from cchc.tasks.api import router as plans_router

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "Lỗi theo RFC 7807 (application/problem+json).",
    "type": "object",
    "properties": {
        "type": {"type": "string", "description": "URI định danh loại lỗi (urn:cchc:problem:<code>)."},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string", "description": "Đường dẫn của yêu cầu gây lỗi."},
        "code": {"type": "string", "description": "Mã lỗi ổn định, dạng <app>.<reason>."},
        "errors": {
            "type": "array",
            "description": "Với lỗi 422: từng trường không hợp lệ.",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                "required": ["field", "message"],
            },
        },
    },
    "required": ["type", "title", "status", "detail", "instance", "code"],
}


WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})


def _problem_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {errors.PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


class CchcAPI(NinjaAPI):
    """NinjaAPI that documents its problem responses and insists on operation ids.

    The error handlers in ``cchc.api.errors`` answer 401/404/422 for every
    operation; ninja cannot see that from the views, so the schema adds them here,
    once, instead of each router repeating them.
    """

    def get_openapi_operation_id(self, operation: Operation) -> str:
        # Generated ids change when a function is renamed; the house rule is an
        # explicit, stable operation_id on every operation.
        raise ImproperlyConfigured(
            f"API operation {operation.view_func.__module__}.{operation.view_func.__name__} has no operation_id."
        )

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        for path_item in schema["paths"].values():
            for method, operation in path_item.items():
                parameters = operation.get("parameters", [])
                # ninja keys responses by int status; keep one key type so the schema sorts.
                responses = operation.setdefault("responses", {})
                if operation.get("security"):
                    responses.setdefault(401, _problem_response("Chưa xác thực."))
                if any(p.get("in") == "path" for p in parameters):
                    responses.setdefault(404, _problem_response("Không tìm thấy, hoặc ngoài phạm vi của bạn."))
                # Path parameters are matched by URL converters: a bad one is a 404, not a 422.
                if any(p.get("in") != "path" for p in parameters) or "requestBody" in operation:
                    responses.setdefault(422, _problem_response("Dữ liệu không hợp lệ."))
                if method in WRITE_METHODS:
                    # Writes run through services: a broken rule is a 400, and an action the
                    # caller may not take on an object it can see is a 403.
                    responses.setdefault(400, _problem_response("Vi phạm quy tắc nghiệp vụ (xem code)."))
                    responses.setdefault(403, _problem_response("Không có quyền thực hiện thao tác này."))
        return schema


api = CchcAPI(
    title="CCHC API",
    version="1",
    description="API của nền tảng quản lý cải cách hành chính (CCHC).",
    auth=[token_auth, session_auth],
    urls_namespace="api",
    docs_url="/docs",
)
errors.install(api)
api.add_router("/", units_router)
api.add_router("/", plans_router)
api.add_router("/", procedures_router)
api.add_router("/", dossiers_router)
api.add_router("/", dossiers_upsert_router)
api.add_router("/", indicators_router)
api.add_router("/", scoring_router)
api.add_router("/", reports_router)

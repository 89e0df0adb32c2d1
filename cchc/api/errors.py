"""RFC 7807 problem responses for every API error.

Every error the API answers is ``application/problem+json`` with ``type``,
``title``, ``status``, ``detail`` and ``instance``, plus a stable ``code``
(``<app>.<reason>``) that clients branch on. Titles and details are Vietnamese,
like the rest of the user-facing text.
"""

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from cchc.core.errors import ApplicationError

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"

TITLES = {
    400: "Yêu cầu không hợp lệ",
    401: "Chưa xác thực",
    403: "Không có quyền",
    404: "Không tìm thấy",
    405: "Phương thức không được hỗ trợ",
    409: "Xung đột dữ liệu",
    422: "Dữ liệu không hợp lệ",
    429: "Quá nhiều yêu cầu",
    500: "Lỗi máy chủ",
}

# ninja raises HttpError with English text for the failures it detects itself.
NINJA_MESSAGES = {
    "CSRF check Failed": "Thiếu hoặc sai mã CSRF: yêu cầu dùng phiên đăng nhập phải gửi kèm mã CSRF.",
}


# pydantic's messages are English; the ones a query string can trigger are said again in Vietnamese.
VALIDATION_MESSAGES = {
    "missing": "bắt buộc phải có",
    "int_parsing": "phải là số nguyên",
    "int_type": "phải là số nguyên",
    "bool_parsing": "phải là true hoặc false",
    "date_parsing": "phải là ngày dạng YYYY-MM-DD",
    "date_from_datetime_parsing": "phải là ngày dạng YYYY-MM-DD",
    "date_from_datetime_inexact": "phải là ngày dạng YYYY-MM-DD",
    "greater_than_equal": "phải lớn hơn hoặc bằng {ge}",
    "less_than_equal": "phải nhỏ hơn hoặc bằng {le}",
    "enum": "phải là một trong các giá trị {expected}",
    "string_too_long": "dài quá {max_length} ký tự",
    "string_too_short": "phải có ít nhất {min_length} ký tự",
    "string_type": "phải là chuỗi ký tự",
    "decimal_parsing": "phải là số, dùng dấu chấm thập phân (ví dụ 8.5)",
    "decimal_type": "phải là số, dùng dấu chấm thập phân (ví dụ 8.5)",
    "float_parsing": "phải là số, dùng dấu chấm thập phân (ví dụ 8.5)",
    "float_type": "phải là số",
    "decimal_max_digits": "có quá {max_digits} chữ số",
    "decimal_max_places": "có quá {decimal_places} chữ số thập phân",
    "greater_than": "phải lớn hơn {gt}",
    "less_than": "phải nhỏ hơn {lt}",
    "bool_type": "phải là true hoặc false",
    "date_type": "phải là ngày dạng YYYY-MM-DD",
    "datetime_parsing": "phải là thời điểm ISO 8601, ví dụ 2024-02-06T09:00:00+07:00",
    "datetime_type": "phải là thời điểm ISO 8601, ví dụ 2024-02-06T09:00:00+07:00",
    "literal_error": "phải là một trong các giá trị {expected}",
    "list_type": "phải là một danh sách",
    "dict_type": "phải là một đối tượng JSON",
    "model_type": "phải là một đối tượng JSON",
    "json_invalid": "không phải JSON hợp lệ",
    "too_short": "phải có ít nhất {min_length} phần tử",
    "too_long": "có nhiều nhất {max_length} phần tử",
    "extra_forbidden": "không phải là trường được hỗ trợ",
}


def validation_message(error: Mapping[str, Any]) -> str:
    """A Vietnamese message for one pydantic error, or pydantic's own when unknown."""
    template = VALIDATION_MESSAGES.get(error.get("type", ""))
    if template is None:
        return str(error.get("msg", ""))
    try:
        return template.format(**error.get("ctx", {}))
    except (KeyError, IndexError):
        return str(error.get("msg", ""))


def problem_title(status: int) -> str:
    return TITLES.get(status) or HTTPStatus(status).phrase


def problem(
    api: NinjaAPI,
    request: HttpRequest,
    *,
    status: int,
    detail: str,
    code: str,
    title: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """A problem JSON response. ``extra`` adds members but never replaces the standard ones."""
    body = {
        **(extra or {}),
        "type": f"urn:cchc:problem:{code}",
        "title": title or problem_title(status),
        "status": status,
        "detail": detail,
        "instance": request.path,
        "code": code,
    }
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = PROBLEM_CONTENT_TYPE
    return response


def install(api: NinjaAPI) -> None:
    """Register the handlers that turn exceptions into problem JSON."""

    @api.exception_handler(ApplicationError)
    def on_application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
        return problem(api, request, status=exc.status, detail=exc.message, code=exc.code, extra=exc.extra)

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem(api, request, status=404, detail="Không tìm thấy đối tượng yêu cầu.", code="not_found")

    @api.exception_handler(ValidationError)
    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [
            {"field": ".".join(str(p) for p in err.get("loc", [])), "message": validation_message(err)}
            for err in exc.errors
        ]
        return problem(
            api,
            request,
            status=422,
            detail="; ".join(f"{e['field']}: {e['message']}" for e in errors),
            code="validation_error",
            extra={"errors": errors},
        )

    @api.exception_handler(AuthenticationError)
    def on_auth(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = problem(
            api,
            request,
            status=401,
            detail="Cần đăng nhập hoặc gửi mã truy cập (Authorization: Bearer …).",
            code="unauthenticated",
        )
        # RFC 9110: a 401 names the scheme the client should use.
        response["WWW-Authenticate"] = 'Bearer realm="cchc"'
        return response

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        message = str(exc)
        return problem(
            api, request, status=exc.status_code, detail=NINJA_MESSAGES.get(message, message), code="http_error"
        )

    @api.exception_handler(Exception)
    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        # With DEBUG the developer wants Django's traceback page; otherwise log the
        # traceback and give the client a problem without internals.
        if settings.DEBUG:
            raise exc
        logger.exception("Unhandled API error at %s", request.path)
        return problem(
            api, request, status=500, detail="Đã xảy ra lỗi ngoài dự kiến; lỗi đã được ghi lại.", code="server_error"
        )

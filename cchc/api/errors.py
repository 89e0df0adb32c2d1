"""RFC 7807 problem responses for every API error."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from cchc.core.errors import ApplicationError

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem(
    api: NinjaAPI, request: HttpRequest, *, status: int, title: str, detail: str, code: str, **extra: Any
) -> HttpResponse:
    body = {
        "type": f"urn:cchc:problem:{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.path,
        "code": code,
        **extra,
    }
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = PROBLEM_CONTENT_TYPE
    return response


def install(api: NinjaAPI) -> None:
    """Register the handlers that turn exceptions into problem JSON."""

    @api.exception_handler(ApplicationError)
    def on_application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
        return problem(
            api, request, status=exc.status, title="Yêu cầu không hợp lệ", detail=exc.message, code=exc.code, **exc.extra
        )

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem(
            api, request, status=404, title="Không tìm thấy", detail="Không tìm thấy đối tượng yêu cầu.", code="not_found"
        )

    @api.exception_handler(ValidationError)
    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [
            {"field": ".".join(str(p) for p in err.get("loc", [])), "message": err.get("msg", "")}
            for err in exc.errors
        ]
        return problem(
            api,
            request,
            status=422,
            title="Dữ liệu không hợp lệ",
            detail="; ".join(f"{e['field']}: {e['message']}" for e in errors),
            code="validation_error",
            errors=errors,
        )

    @api.exception_handler(AuthenticationError)
    def on_auth(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return problem(
            api,
            request,
            status=401,
            title="Chưa xác thực",
            detail="Cần đăng nhập hoặc gửi mã truy cập (Authorization: Bearer …).",
            code="unauthenticated",
        )

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return problem(api, request, status=exc.status_code, title="Lỗi", detail=str(exc), code="http_error")

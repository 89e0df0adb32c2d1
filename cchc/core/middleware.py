"""The interface language: Vietnamese, unless the user chose English in the language menu."""

from contextlib import suppress

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers

#: Paths whose clients are other systems: they ask for a language with ``Accept-Language``.
API_PREFIX = "/api/"


class LanguageMiddleware(LocaleMiddleware):
    """Vietnamese by default; English only when chosen in the menu (Django's language cookie).

    Django's ``LocaleMiddleware`` follows the browser's ``Accept-Language``, and most
    officers' browsers say English (Chrome's default): they would get an interface they
    never asked for. The platform is Vietnamese first, so a page asks only the cookie
    that the language menu (``set_language``) stores. The API keeps the header
    negotiation: its clients are other systems, which send no cookie.
    """

    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith(API_PREFIX):
            super().process_request(request)
            return
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = settings.LANGUAGE_CODE
        if chosen:
            with suppress(LookupError):  # a language we do not ship: Vietnamese
                language = translation.get_supported_language_variant(chosen)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if request.path.startswith(API_PREFIX):
            return super().process_response(request, response)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response

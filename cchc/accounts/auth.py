"""API authentication: the browser session (with CSRF) or a bearer token."""

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, django_auth

from cchc.accounts.services import api_token_authenticate


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


token_auth = TokenAuth()
session_auth = django_auth

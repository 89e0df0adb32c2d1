"""The one domain error type.

Services raise ``ApplicationError`` with a Vietnamese message that says what was
wrong and where; the API turns it into RFC 7807 problem JSON and views into form
errors or messages. ``code`` is stable (``<app>.<reason>``) so clients can branch
on it without parsing text.
"""

from typing import Any


class ApplicationError(Exception):
    """A rule was broken: the request cannot be carried out as given."""

    status = 400

    def __init__(self, message: str, *, code: str = "core.error", extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.extra = extra or {}


class PermissionDeniedError(ApplicationError):
    """The actor may see the object but may not do this to it."""

    status = 403


class ConflictError(ApplicationError):
    """The request clashes with the current state (a duplicate, a stale edit)."""

    status = 409

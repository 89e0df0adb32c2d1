"""A fixed-window rate limit per client IP, on Django's cache, for the public dossier pages.

The public lookup and rating take no login, so a counter per IP and minute is what
keeps a script from enumerating dossier codes or flooding ratings. The IP lives only
in the cache key, for the window's length: it is never stored with a dossier or rating.
"""

import hashlib
import time

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _

from cchc.core.errors import ApplicationError

LOOKUP_LIMIT = 10
RATING_LIMIT = 5
WINDOW_SECONDS = 60


class RateLimitedError(ApplicationError):
    """Too many requests from one client in the current window (HTTP 429)."""

    status = 429


def _now() -> float:
    """The current time (seconds); a seam so tests can pin a window."""
    return time.time()


def client_ip(request: HttpRequest) -> str:
    """The client address as the server saw it (a proxy in front must set REMOTE_ADDR right)."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def rate_limit_hit(*, bucket: str, ip: str, limit: int, window: int = WINDOW_SECONDS) -> None:
    """Count one request of ``ip`` in ``bucket``; raise :class:`RateLimitedError` past ``limit`` per window.

    The key holds a hash of the IP, not the IP itself. A cache that loses the counter
    (restart, eviction) only lets a few more requests through.
    """
    window_no = int(_now()) // window
    digest = hashlib.sha256(ip.encode()).hexdigest()[:16]
    key = f"dossiers:rl:{bucket}:{digest}:{window_no}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 1)
        count = 1
    if count > limit:
        raise RateLimitedError(
            _("Bạn đã gửi quá %(limit)s yêu cầu trong %(window)s giây. Vui lòng thử lại sau ít phút.")
            % {"limit": limit, "window": window},
            code="dossiers.rate_limited",
            extra={"limit": limit, "window_seconds": window},
        )

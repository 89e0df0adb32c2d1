"""The public forms' rate limit on the shared (database) cache that production uses."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.test import override_settings

from cchc.dossiers.throttle import RateLimitedError, rate_limit_hit

DATABASE_CACHE = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "cchc_cache_test"}}


def test_production_settings_share_one_database_cache():
    """Every worker process reads the same counters: the production cache lives in the database."""
    code = "import json, config.settings.production as s; print(json.dumps(s.CACHES['default']))"
    env = {**os.environ, "DJANGO_SECRET_KEY": "x" * 50, "DJANGO_ALLOWED_HOSTS": "example.org"}
    out = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", code], env=env, cwd=Path(__file__).resolve().parents[3], capture_output=True, check=True
    )
    cache = json.loads(out.stdout)
    assert cache["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"


@pytest.mark.django_db(transaction=True)
def test_the_limit_counts_through_the_database_cache():
    """Two cache handles (as two worker processes would hold) see one counter; the 4th hit is refused."""
    with override_settings(CACHES=DATABASE_CACHE):
        call_command("createcachetable", verbosity=0)
        try:
            for _ in range(3):
                rate_limit_hit(bucket="test", ip="203.0.113.9", limit=3)
            # A fresh handle, as another process would have, reads the same stored count.
            caches["default"].close()
            with pytest.raises(RateLimitedError):
                rate_limit_hit(bucket="test", ip="203.0.113.9", limit=3)
            rate_limit_hit(bucket="test", ip="203.0.113.10", limit=3)  # another client is not affected
        finally:
            caches["default"].clear()

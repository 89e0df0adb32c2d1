"""Settings for the test suite: fast hashing, in-memory mail, same database choice."""

from config.env import env_str
from config.settings.base import *  # noqa: F403
from config.settings.base import DATABASES, PASSWORD_HASHERS

# Argon2 stays first in production; tests hash with MD5 for speed, but one test
# checks that the production setting stores Argon2 hashes.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests never run collectstatic; look files up per request instead of warning
# that var/staticfiles/ is missing.
WHITENOISE_AUTOREFRESH = True
# Two runs against one PostgreSQL server (two CI runs on one machine) must not share the
# test database Django creates and drops: ``.ci/run`` names one per run.
if env_str("CCHC_TEST_DB_NAME", ""):
    DATABASES["default"]["TEST"] = {"NAME": env_str("CCHC_TEST_DB_NAME", "")}

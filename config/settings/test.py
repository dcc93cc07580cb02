"""Settings for `make test`: the real PostgreSQL and Redis, fast hashing, mail kept in memory."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-key-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LANGUAGE_CODE = "en"
CACHES["default"]["KEY_PREFIX"] = env.str("CACHE_KEY_PREFIX", default="rd-test")  # noqa: F405
# Several test runs may share one server (the embedded one is shared by every process that
# starts it): `scripts/stack.py test` then gives each run a database of its own.
DATABASES["default"]["TEST"] = {  # noqa: F405
    "NAME": env.str("TEST_DATABASE_NAME", default=f"test_{DATABASES['default']['NAME']}")  # noqa: F405
}
CELERY_BEAT_SCHEDULE_FILENAME = "/tmp/retention-desk-test-celerybeat-schedule"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Demo data, demo history and benchmarks: for development and tests, never in production.
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]  # noqa: F405

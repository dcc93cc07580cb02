"""Settings for `make test`: the real PostgreSQL and Redis, fast hashing, mail kept in memory."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-key-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LANGUAGE_CODE = "en"
CACHES["default"]["KEY_PREFIX"] = env.str("CACHE_KEY_PREFIX", default="rd-test")  # noqa: F405
CELERY_BEAT_SCHEDULE_FILENAME = "/tmp/retention-desk-test-celerybeat-schedule"

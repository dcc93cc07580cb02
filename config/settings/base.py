"""Settings shared by every environment, read from the environment (django-environ).

Nothing secret and no production default lives here: `local`, `test` and `production`
add what each needs. DATABASE_URL and REDIS_URL are required everywhere; `make run` and
`make test` set them (to the machine's servers, or to embedded ones under `.data/`).
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "csp",
    "django_htmx",
    "template_partials",
    "django_fsm",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # The desk's apps, from the bottom up (docs/architecture.md: imports go only downward).
    "core",
    "accounts",
    "webhooks",
    "customers",
    "catalog",
    "calls",
    "cancellations",
    "claims",
    "winback",
    "desk",
    "reporting",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the request (the session cookie is a query): see its docstring.
    "core.middleware.InputGuardMiddleware",
    # A poll whose update check holds is answered here, before the session or the database.
    "core.updates.UpdateCheckMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    # django-axes must be last: it turns a lockout raised by the backend into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
                "calls.context_processors.phone_pop",
            ],
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL")}
# No JIT: it compiles each large dashboard aggregate anew (over 100 ms) to save less than that.
_db_options = DATABASES["default"].setdefault("OPTIONS", {})
_db_options["options"] = (_db_options.get("options", "") + " -c jit=off").strip()
# Connections are bounded by design: with DB_POOL_MAX_SIZE set (gunicorn sets it to its
# threads; Celery processes to 1), each process borrows from a pool of at most that many
# connections and a request that cannot get one within DB_POOL_TIMEOUT seconds is answered
# 503 (config/errors.py), so a burst can never exhaust the server's max_connections. The
# README's "Connections" gives the sum. Without a pool (tests, manage.py), one connection per
# thread, closed at the end of each request.
DB_POOL_MAX_SIZE = env.int("DB_POOL_MAX_SIZE", default=0)
if DB_POOL_MAX_SIZE:
    _db_options["pool"] = {
        "min_size": min(env.int("DB_POOL_MIN_SIZE", default=1), DB_POOL_MAX_SIZE),
        "max_size": DB_POOL_MAX_SIZE,
        "timeout": env.float("DB_POOL_TIMEOUT", default=3.0),
        "max_idle": 120,
        "reconnect_timeout": 5,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
# A connection the server dropped (restart, pg_terminate_backend) is replaced before it is
# used (with a pool: before the pool hands it out), so the app recovers by itself when the
# database is back.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="rd"),
        "TIMEOUT": 300,
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out username+IP before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's model backend, with each person's permissions kept per roles' version.
    "accounts.backends.KeptModelBackend",
    "rules.permissions.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling. A whole floor sits behind one NAT address, so lock the pair
# (username, IP) and never the IP alone: one agent's typos must not lock out the rest.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_USERNAME_CALLABLE = "accounts.services.login_attempt_username"

LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Retention Desk <desk@localhost>")

# Security headers on every response. No inline script or style anywhere: scripts and
# styles come from our own static files, htmx is told not to inject its indicator style
# nor to evaluate code (templates/base.html, meta htmx-config), and charts read their data
# from a JSON block, which a browser does not execute.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# The input guard (core.middleware): the longest value accepted in a query string and
# in a submitted field. Forms and models set tighter limits where a field has one.
INPUT_MAX_QUERY_LENGTH = 1_000
INPUT_MAX_FIELD_LENGTH = 20_000
CSRF_FAILURE_VIEW = "core.views.errors.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"

# Celery: Redis is the broker; the database, never the broker, holds anything due later.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 2}
CELERY_BEAT_SCHEDULE_FILENAME = env.str(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(BASE_DIR / ".data" / "celerybeat-schedule")
)
CELERY_BEAT_MAX_LOOP_INTERVAL = 10

# /healthz: beat writes a heartbeat this often; older than the limit means beat is down.
BEAT_HEARTBEAT_KEY = "health:beat-heartbeat"
BEAT_HEARTBEAT_RECORDER = "core.health.beat_heartbeat_record"
BEAT_HEARTBEAT_MAX_AGE_SECONDS = env.int("BEAT_HEARTBEAT_MAX_AGE_SECONDS", default=60)
HEALTH_WORKER_PING_TIMEOUT = env.float("HEALTH_WORKER_PING_TIMEOUT", default=1.0)

# Dashboards: a save is credited with at most this many months of the fees it kept.
RETENTION_KEPT_HORIZON_MONTHS = env.int("RETENTION_KEPT_HORIZON_MONTHS", default=12)

# The cancellation logic tree.
RETENTION_MAX_OFFERS_PER_REQUEST = env.int("RETENTION_MAX_OFFERS_PER_REQUEST", default=3)
RETENTION_APPROVAL_TIMEOUT_SECONDS = env.int("RETENTION_APPROVAL_TIMEOUT_SECONDS", default=120)
RETENTION_SAVE_FOLLOW_UP_DAYS = env.int("RETENTION_SAVE_FOLLOW_UP_DAYS", default=7)
RETENTION_SURVEY_CALL_DELAY_DAYS = env.int("RETENTION_SURVEY_CALL_DELAY_DAYS", default=1)
RETENTION_FEE_ADJUSTMENT_INTERVAL_DAYS = 365
# The floor: an open call with nothing done on it for this long counts as left open.
RETENTION_FLOOR_IDLE_MINUTES = env.int("RETENTION_FLOOR_IDLE_MINUTES", default=120)

# Claims (post-handling): interim contacts while open, the after-service greeting after
# closing, compensation above the threshold needs a supervisor, idle limits per step.
CLAIMS_INTERIM_CONTACT_DAYS = env.int("CLAIMS_INTERIM_CONTACT_DAYS", default=2)
CLAIMS_AFTER_SERVICE_DAYS = env.int("CLAIMS_AFTER_SERVICE_DAYS", default=3)
CLAIMS_SURVEY_DELAY_DAYS = env.int("CLAIMS_SURVEY_DELAY_DAYS", default=1)
CLAIMS_COMPENSATION_APPROVAL_THRESHOLD = env.int(
    "CLAIMS_COMPENSATION_APPROVAL_THRESHOLD", default=50_000
)
CLAIMS_COMPENSATION_MAX = 10_000_000
CLAIMS_IDLE_HOURS = {
    "received": 1,
    "apologized": 2,
    "listened": 4,
    "cause_identified": 24,
    "countermeasure_planned": 24,
    "escalated": 2,
    "solution_presented": 24,
    "executed": 72,
}

# Scheduled calls: retries with growing waits, then unreachable.
CALLS_MAX_ATTEMPTS = env.int("CALLS_MAX_ATTEMPTS", default=3)
CALLS_RETRY_MINUTES = [60, 240, 1440]
CALLS_REDISPATCH_MINUTES = 5

# Win-back: departed at least this long ago; value tiers (KRW, fee x tenure + lifetime).
WIN_BACK_MIN_DAYS = env.int("WIN_BACK_MIN_DAYS", default=30)
WIN_BACK_TOP_VALUE = env.int("WIN_BACK_TOP_VALUE", default=3_000_000)
WIN_BACK_MIDDLE_VALUE = env.int("WIN_BACK_MIDDLE_VALUE", default=1_000_000)
WIN_BACK_CARE_MONTHS = [1, 3, 5]
WIN_BACK_REVIEW_MONTHS = 6

# Surveys: link lifetime, requests per IP per minute on the public page.
SURVEY_LINK_DAYS = env.int("SURVEY_LINK_DAYS", default=14)
SURVEY_RATE_PER_MINUTE = env.int("SURVEY_RATE_PER_MINUTE", default=30)
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Webhooks out (webhooks.services): the Standard Webhooks specification, sent by Celery from
# the outbox. Retries follow WEBHOOKS_RETRY_SECONDS (the wait after the n-th failed attempt,
# the last one repeated) for up to WEBHOOKS_MAX_AGE_HOURS after the first attempt; an
# endpoint with no delivery that long while failing is disabled. After a rotation the old
# secret still signs for WEBHOOKS_SECRET_GRACE_HOURS. A claimed delivery whose worker died is
# attempted again after WEBHOOKS_LEASE_SECONDS; the sweep sends at most WEBHOOKS_SWEEP_LIMIT
# messages a run and sends one again that was enqueued WEBHOOKS_REQUEUE_MINUTES ago.
WEBHOOKS_SECRET_GRACE_HOURS = env.int("WEBHOOKS_SECRET_GRACE_HOURS", default=24)
WEBHOOKS_MAX_AGE_HOURS = env.int("WEBHOOKS_MAX_AGE_HOURS", default=72)
WEBHOOKS_TIMEOUT_SECONDS = env.float("WEBHOOKS_TIMEOUT_SECONDS", default=10.0)
WEBHOOKS_LEASE_SECONDS = env.float("WEBHOOKS_LEASE_SECONDS", default=WEBHOOKS_TIMEOUT_SECONDS + 20)
WEBHOOKS_SWEEP_LIMIT = env.int("WEBHOOKS_SWEEP_LIMIT", default=1000)
WEBHOOKS_REQUEUE_MINUTES = env.int("WEBHOOKS_REQUEUE_MINUTES", default=5)
WEBHOOKS_RETRY_SECONDS = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600]

CELERY_BEAT_SCHEDULE = {
    "claims-sweep": {"task": "claims.tasks.claims_sweep_task", "schedule": 60.0},
    "calls-dispatch": {"task": "calls.tasks.call_tasks_dispatch_task", "schedule": 60.0},
    # Dashboards read facts, copied from closed requests and claims (reporting.services.facts).
    "facts-refresh": {"task": "reporting.tasks.facts_refresh_task", "schedule": 120.0},
    "facts-nightly": {
        "task": "reporting.tasks.facts_refresh_task",
        "schedule": crontab(hour=3, minute=30),
        "kwargs": {"full": True},
    },
    # Product changes take effect from their date (catalog.services).
    "catalog-changes": {
        "task": "catalog.tasks.scheduled_changes_apply_task",
        "schedule": 60.0,
    },
    "submissions-purge": {
        "task": "core.tasks.submissions_purge_task",
        "schedule": crontab(hour=4, minute=10),
    },
    # Webhooks: deliveries due (retries, and messages the broker lost).
    "webhooks-sweep": {"task": "webhooks.tasks.deliveries_sweep_task", "schedule": 60.0},
    "win-back-daily": {
        "task": "winback.tasks.win_back_daily_task",
        "schedule": crontab(hour=6, minute=0),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # httpx logs every webhook POST at INFO; the delivery log keeps them.
    "loggers": {"axes": {"level": "WARNING"}, "httpx": {"level": "WARNING"}},
}

# The REST API (/api/v1/, docs/api.md): integrations' keys and scopes, a limit per key per
# minute (Redis), problem details for every error, keyset pages by updated time.
API_PATH_PREFIX = "/api/"
API_RATE_LIMIT_PER_MINUTE = env.int("API_RATE_LIMIT_PER_MINUTE", default=600)
API_RATE_LIMIT_MAX = 100_000
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=5 * 1024 * 1024)
API_BULK_MAX_ROWS = 1_000
API_IDEMPOTENCY_KEEP_DAYS = 2
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.rest.auth.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.rest.auth.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.rest.throttling.KeyRateThrottle"],
    "DEFAULT_PARSER_CLASSES": ["api.rest.parsers.GuardedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "api.rest.pagination.UpdatedCursorPagination",
    "EXCEPTION_HANDLER": "api.rest.errors.problem_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Retention Desk API",
    "DESCRIPTION": (
        "The desk's API for the company's systems: the book synced in (customers, products, "
        "contracts, billing events), telephony events, outcomes read back, webhook endpoints "
        "managed. Outcomes are also pushed as signed webhooks. See docs/api.md."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {},
}

"""Settings, read from the environment.

Embedded default: SQLite, in-process tasks, local-memory cache. ``DATABASE_URL`` switches to
PostgreSQL and ``REDIS_URL`` to a Redis cache and Celery broker. ``DEBUG`` is off unless asked,
and then ``SECRET_KEY`` must come from the environment.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str = "False") -> bool:
    """true/false (also 1/0, yes/no, on/off); anything else stops the start, naming ``name``."""
    value = os.environ.get(name, "").strip().lower() or default.lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(
        f"{name}={os.environ.get(name)!r} is not understood: give true or false "
        "(or 1/0, yes/no, on/off)."
    )


def envint(name: str, default: str) -> int:
    return int(os.environ.get(name, default))


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set SECRET_KEY in the environment (or DEBUG=true for development)."
        )
    SECRET_KEY = "development-only-insecure-key"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "modeltranslation",  # must come before django.contrib.admin
    "accounts.apps.StaffAdminConfig",  # django.contrib.admin with our admin site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "reversion",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "accounts",
    "services",
    "mapping",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Permissions-Policy everywhere; staff responses never stored (perhekeskus/headers.py).
    "perhekeskus.headers.ResponseHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: answers a locked-out login with our page (accounts.views).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "perhekeskus.urls"
WSGI_APPLICATION = "perhekeskus.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "services.context_processors.support_list",
                "accounts.context_processors.staff",
            ],
        },
    },
    {
        # Fragments rendered many times on a page (perhekeskus/templating.py).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "perhekeskus.templating.environment",
            "context_processors": ["perhekeskus.templating.translations"],
        },
    },
]

# Database: SQLite by default, anything dj-database-url understands via DATABASE_URL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", "60"),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL;"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Staff log in on the staff side (accounts.views.login), the admin included.
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "services:staff_home"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out user and address before the password is read.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Staff sessions last a working day; only staff have sessions (visitors get no cookies).
SESSION_COOKIE_AGE = envint("STAFF_SESSION_HOURS", "9") * 60 * 60
# Login throttling (django-axes): after this many failures for one user name from one address
# the login is refused for AXES_COOLOFF_TIME; a successful login resets the count.
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = dt.timedelta(minutes=envint("LOGIN_LOCKOUT_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_USERNAME_FORM_FIELD = "username"
# The client address as the throttles see it (REST_FRAMEWORK["NUM_PROXIES"] trusted proxies).
AXES_CLIENT_IP_CALLABLE = "services.form_protection.client_address"
AXES_VERBOSE = False
# Two-factor login (django-otp): the issuer shown in authenticator apps.
OTP_TOTP_ISSUER = os.environ.get("OTP_ISSUER", "Perhekeskus")
# An invitation to become an editor expires after this many days.
INVITATION_DAYS = envint("INVITATION_DAYS", "7")
# History of the catalogue (django-reversion): a service's versions hold its whole document.
SERIALIZATION_MODULES = {"catalogue": "services.catalogue.serializer"}

# Cache and tasks: Redis when REDIS_URL is set, otherwise in-process.
REDIS_URL = os.environ.get("REDIS_URL", "")
# --- Redis under faults (issue 13: a Redis that refuses or never answers) -----------------
# Seconds to wait for Redis to accept a connection and to answer a command. The cache, the
# broker and the result backend all give up after this; a refused connection fails at once.
REDIS_CACHE_TIMEOUT = float(os.environ.get("REDIS_CACHE_TIMEOUT", "0.25"))
REDIS_TASK_TIMEOUT = float(os.environ.get("REDIS_TASK_TIMEOUT", "1"))
# After the cache's Redis fails to answer, each process leaves it alone for this long (cache
# misses at once, not a timeout per cache call; perhekeskus/redis_cache.py). 0: never.
REDIS_CACHE_PAUSE_SECONDS = float(os.environ.get("REDIS_CACHE_PAUSE_SECONDS", "5"))
# --- end of Redis under faults --------------------------------------------------------------
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                # A Redis outage must not take the public site down: cache misses instead.
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": REDIS_CACHE_TIMEOUT,
                "SOCKET_TIMEOUT": REDIS_CACHE_TIMEOUT,
                "CONNECTION_POOL_CLASS": "perhekeskus.redis_cache.PausingConnectionPool",
            },
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://localhost/"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Europe/Helsinki"
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE: dict[str, dict] = {}
CELERY_BEAT_SCHEDULE["delete-expired-shared-lists"] = {
    "task": "services.tasks.delete_expired_lists_task",
    "schedule": 6 * 60 * 60,
}
# Coverage mapping: a monthly snapshot for the trend (1st of the month, 03:00), and a nightly
# full recomputation that catches up on changes whose task could not be queued.
CELERY_BEAT_SCHEDULE["snapshot-coverage"] = {
    "task": "mapping.tasks.snapshot_coverage_task",
    "schedule": crontab(minute=0, hour=3, day_of_month=1),
}
# Freshness: editors hear of their stale listings every morning, coordinators get a digest on
# Mondays (services/reminders.py, mapping/digest.py).
CELERY_BEAT_SCHEDULE["stale-reminders"] = {
    "task": "services.tasks.send_stale_reminders_task",
    "schedule": crontab(minute=0, hour=7),
}
CELERY_BEAT_SCHEDULE["weekly-digest"] = {
    "task": "mapping.tasks.send_weekly_digest_task",
    "schedule": crontab(minute=30, hour=6, day_of_week=1),
}
CELERY_BEAT_SCHEDULE["recompute-coverage"] = {
    "task": "mapping.tasks.recompute_coverage_task",
    "schedule": crontab(minute=30, hour=2),
}
# Search demand: counts gather in each web process (and in Redis) and reach the database this
# often (services/demand.py); at most this much is lost if a process or Redis crashes.
SEARCH_DEMAND_FLUSH_SECONDS = envint("SEARCH_DEMAND_FLUSH_SECONDS", "300")
# With Redis, each web process adds its counts to Redis this often.
SEARCH_DEMAND_PUSH_SECONDS = envint("SEARCH_DEMAND_PUSH_SECONDS", "10")
# Each web process keeps this many rendered home and search pages for visitors without cookies
# (0: none), in at most this many bytes; any catalogue change makes them obsolete at once
# (services/views/search.py, services/page_cache.py).
SEARCH_PAGE_CACHE_ENTRIES = envint("SEARCH_PAGE_CACHE_ENTRIES", "500")
SEARCH_PAGE_CACHE_BYTES = envint("SEARCH_PAGE_CACHE_BYTES", str(32 * 1024 * 1024))
CELERY_BEAT_SCHEDULE["flush-search-demand"] = {
    "task": "services.tasks.flush_search_demand_task",
    "schedule": SEARCH_DEMAND_FLUSH_SECONDS,
}

# --- Background work under faults (issue 13) -------------------------------------------------
# A task is acknowledged only when it has finished, and a task whose worker process died is
# handed out again (every task is safe to run twice; a redelivered import fails its run with
# the reason instead of running again, services/tasks.py).
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# "STARTED" in the result backend while a task runs (what the stack test waits for).
CELERY_TASK_TRACK_STARTED = True
# Every task is stopped after this long: soft (an exception the task reports), then hard (the
# worker process is killed). Imports have their own limit (IMPORT_TIME_LIMIT_SECONDS).
TASK_TIME_LIMIT_SECONDS = envint("TASK_TIME_LIMIT_SECONDS", "900")
CELERY_TASK_SOFT_TIME_LIMIT = TASK_TIME_LIMIT_SECONDS
CELERY_TASK_TIME_LIMIT = TASK_TIME_LIMIT_SECONDS + 60
IMPORT_TIME_LIMIT_SECONDS = envint("IMPORT_TIME_LIMIT_SECONDS", str(20 * 60))
# Redis gives a message that was taken but not acknowledged to another worker after this
# long (a worker that vanished); it must exceed the longest task, or a task still running
# would be handed out twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": REDIS_TASK_TIMEOUT,
    "socket_connect_timeout": REDIS_TASK_TIMEOUT,
    "visibility_timeout": max(IMPORT_TIME_LIMIT_SECONDS, TASK_TIME_LIMIT_SECONDS) + 600,
}
CELERY_REDIS_SOCKET_TIMEOUT = REDIS_TASK_TIMEOUT
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_TASK_TIMEOUT
# Storing a result retries a few times, not twenty (Celery's default) while Redis is away.
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"max_retries": 2}}
CELERY_RESULT_EXPIRES = dt.timedelta(days=1)
# Queue and cache key prefix of this deployment: two deployments (or two test stacks) can share
# one Redis database.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "celery")
if REDIS_URL and os.environ.get("CACHE_KEY_PREFIX"):
    CACHES["default"]["KEY_PREFIX"] = os.environ["CACHE_KEY_PREFIX"]
# Coverage catch-up: this often, the services changed since the last full recomputation are
# recomputed, so that a change whose task could not be queued (Redis away) shows within this
# long (mapping/catch_up.py).
COVERAGE_CATCH_UP_SECONDS = envint("COVERAGE_CATCH_UP_SECONDS", "900")
CELERY_BEAT_SCHEDULE["catch-up-coverage"] = {
    "task": "mapping.tasks.catch_up_coverage_task",
    "schedule": COVERAGE_CATCH_UP_SECONDS,
}
# Imports whose worker vanished are failed with the reason, never left running (this often).
IMPORT_WATCH_SECONDS = envint("IMPORT_WATCH_SECONDS", "300")
CELERY_BEAT_SCHEDULE["fail-stalled-imports"] = {
    "task": "services.tasks.fail_stalled_imports_task",
    "schedule": IMPORT_WATCH_SECONDS,
}
CELERY_BEAT_SCHEDULE["delete-old-import-files"] = {
    "task": "services.tasks.delete_old_import_files_task",
    "schedule": crontab(minute=15, hour=4),
}
# --- end of background work under faults ----------------------------------------------------

# Languages: Finnish first; content falls back fi -> sv -> en.
LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Helsinki"
USE_TZ = True
MODELTRANSLATION_DEFAULT_LANGUAGE = "fi"
MODELTRANSLATION_LANGUAGES = ("fi", "sv", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("fi", "sv", "en")

# Static files, served by WhiteNoise from the web process; no CDN, no third parties.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Hashed, compressed names after collectstatic; STATIC_MANIFEST=false (the tests) serves the
# files in place without collecting them first.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if envbool("STATIC_MANIFEST", "true")
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True

# Security. Production sits behind TLS; local runs and tests over plain HTTP.
SECURE_SSL = envbool("SECURE_SSL")
SESSION_COOKIE_SECURE = SECURE_SSL
CSRF_COOKIE_SECURE = SECURE_SSL
SECURE_SSL_REDIRECT = SECURE_SSL
SECURE_HSTS_SECONDS = 31536000 if SECURE_SSL else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_SSL
SECURE_HSTS_PRELOAD = SECURE_SSL
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_SSL else None
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Response headers and the container health check (perhekeskus/headers.py, docker-compose.yml).
# Browser features no page uses are denied; geolocation only for our own pages ("use my
# location" in the search). Sent on every response.
PERMISSIONS_POLICY = {
    "accelerometer": "()",
    "autoplay": "()",
    "camera": "()",
    "display-capture": "()",
    "encrypted-media": "()",
    "fullscreen": "()",
    "geolocation": "(self)",
    "gyroscope": "()",
    "magnetometer": "()",
    "microphone": "()",
    "midi": "()",
    "payment": "()",
    "picture-in-picture": "()",
    "publickey-credentials-get": "()",
    "screen-wake-lock": "()",
    "serial": "()",
    "usb": "()",
    "xr-spatial-tracking": "()",
}
# Pages and API answers for signed-in staff, and every page under these paths, are marked
# "Cache-Control: private, no-store" (the language prefix of /fi/staff/ is matched too).
STAFF_PATH_PREFIXES = ("/admin/", "/staff/", "/mapping/")
# The health check asks http://127.0.0.1:8000/healthz inside the web container: that address
# is an allowed host, and /healthz answers over plain HTTP even behind SECURE_SSL.
HEALTHCHECK_HOST = "127.0.0.1"
if HEALTHCHECK_HOST not in ALLOWED_HOSTS:
    ALLOWED_HOSTS.append(HEALTHCHECK_HOST)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Content-Security-Policy (django-csp): our own origin only, no inline scripts or styles.
# The admin and the API's browsable documentation keep Django's and the libraries' defaults.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/api/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# The API (/api/): reads for anyone, anonymous clients throttled (per IP, in the cache),
# changes for staff only; JSON only (the browsable documentation is /api/docs/).
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # DRF's negotiation, with a short way for clients accepting anything.
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "services.negotiation.Negotiation",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_ANON_RATE", "120/minute")},
    # Trusted proxies in front of the site. 0: the client is REMOTE_ADDR and X-Forwarded-For,
    # which anyone can send, is ignored (DRF's own default, None, would trust it).
    "NUM_PROXIES": envint("NUM_PROXIES", "0"),
}
# Each web process keeps this many answers of the busiest API lists (/api/v1/services/,
# /api/hsds/services) for clients without cookies (0: none), keyed by the address and the
# catalogue's version as the search pages are: a catalogue change makes them obsolete at once,
# and none is kept longer than API_PAGE_CACHE_SECONDS (services/api.py, ``kept_page``).
API_PAGE_CACHE_ENTRIES = envint("API_PAGE_CACHE_ENTRIES", "200")
# … in at most this many bytes (an answer larger than a quarter of it is not kept).
API_PAGE_CACHE_BYTES = envint("API_PAGE_CACHE_BYTES", str(64 * 1024 * 1024))
API_PAGE_CACHE_SECONDS = envint("API_PAGE_CACHE_SECONDS", "60")
# Each web process keeps the written documents of this many published services with the search
# index, per list and language (/api/v1/services/, /api/hsds/services), so that a page made
# afresh joins them instead of reading and writing each service again (0: none); carried over
# catalogue changes for the services they did not touch (services/api.py, ``page_from_index``).
# A document is about 3 KB in /api/v1/ and 1 KB in HSDS: 2,000 hold 6 MB and 2 MB a language.
API_DOCUMENTS_KEPT = envint("API_DOCUMENTS_KEPT", "2000")
SPECTACULAR_SETTINGS = {
    "TITLE": "Perhekeskus API",
    "DESCRIPTION": (
        "Read API of the Perhekeskus catalogue of support for parenthood and couple "
        "relationships: services, providers, service points, group sessions, methods, "
        "taxonomies and geography. Texts are given in Finnish, Swedish and English at once; "
        "error messages follow Accept-Language. Open Referral HSDS 3.0: /api/hsds/."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "OrganisationKindEnum": "services.models.catalogue.Organisation.Kind",
        "ContactPointKindEnum": "services.models.catalogue.ContactPoint.Kind",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No calls to the public validator service: the page loads from our own origin only.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "REDOC_DIST": "SIDECAR",
}

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "perhekeskus@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Tasks run in-process (no REDIS_URL) would log every success into commands' output.
    "loggers": {
        "celery.app.trace": {"level": "INFO" if REDIS_URL else "WARNING"},
        # django-axes logs every login at INFO; failures and lockouts are warnings.
        "axes": {"level": "WARNING"},
    },
}

# Catalogue rules.
# Called after every committed catalogue change with the ids of the services it touched
# (services/changes.py).
CATALOGUE_CHANGE_HANDLERS: list[str] = [
    "services.search_index.catalogue_changed",
    "mapping.tasks.catalogue_changed",
]
# A listing not confirmed as accurate for this many days is flagged as stale, and its editors
# are reminded (services/reminders.py).
STALE_AFTER_DAYS = envint("STALE_AFTER_DAYS", "365")
# Past this (18 months) since its last check, the public page says details may have changed.
CHECKED_LONG_AGO_DAYS = envint("CHECKED_LONG_AGO_DAYS", "548")
# The largest file staff can upload on the import page; larger imports run from the command line.
IMPORT_MAX_UPLOAD_BYTES = envint("IMPORT_MAX_UPLOAD_BYTES", str(50 * 1024 * 1024))
# --- Import limits (issue 13; services/importers/limits.py) -----------------------------
# The most records (rows of a CSV or a sheet, records of a JSON file, rows of one table of a
# data package) one file may hold.
IMPORT_MAX_RECORDS = envint("IMPORT_MAX_RECORDS", "100000")
# The most a zip file (an XLSX workbook, an HSDS data package) may unpack to, checked before
# anything is unpacked.
IMPORT_MAX_UNPACKED_BYTES = envint("IMPORT_MAX_UNPACKED_BYTES", str(100 * 1024 * 1024))
# Uploaded files are deleted this many days after their import finished (the report stays).
IMPORT_FILE_RETENTION_DAYS = envint("IMPORT_FILE_RETENTION_DAYS", "30")
# A queued import no worker has taken after this long is failed with the reason.
IMPORT_QUEUE_TIMEOUT_SECONDS = envint("IMPORT_QUEUE_TIMEOUT_SECONDS", "3600")
# --- end of import limits -------------------------------------------------------------------

# Coverage mapping (PRODUCT.md "Mapping"; mapping/coverage.py).
# How far (km, great-circle) a service point reaches families, per tier.
COVERAGE_REACH_KM = {
    "DIGITAL": 25,
    "UNIVERSAL_INDIVIDUAL": 25,
    "UNIVERSAL_GROUP": 25,
    "SPECIALIST": 60,
}
# A municipality × tier × target group is a gap below this coverage (1.0: any uncovered child).
COVERAGE_GAP_THRESHOLD = 1.0
# Accessibility (E2SFCA): width of the Gaussian distance decay as a share of the reach distance.
COVERAGE_GAUSSIAN_SIGMA_SHARE = 0.5

# Processes that write the services of an HSDS export (export_hsds); empty: one per CPU, up
# to four.
HSDS_EXPORT_WORKERS = envint("HSDS_EXPORT_WORKERS", "0") or None

# Public site.
# Forms anonymous visitors send are refused when sent sooner than this after loading (robots).
FORM_MIN_SECONDS = envint("FORM_MIN_SECONDS", "2")
# The evidence-based method whose services hold Lapset puheeksi discussions.
LAPSET_PUHEEKSI_METHOD = os.environ.get("LAPSET_PUHEEKSI_METHOD", "lapset-puheeksi")
# Contact for accessibility feedback and the privacy notice (the organisation running the site).
SITE_OPERATOR = os.environ.get("SITE_OPERATOR", "")
FEEDBACK_EMAIL = os.environ.get("FEEDBACK_EMAIL", "saavutettavuus@example.fi")

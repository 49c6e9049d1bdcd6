"""Settings, read from the environment.

Embedded default: SQLite, in-process tasks, local-memory cache. ``DATABASE_URL`` switches to
PostgreSQL and ``REDIS_URL`` to a Redis cache and Celery broker. ``DEBUG`` is off unless asked,
and then ``SECRET_KEY`` must come from the environment.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str = "False") -> bool:
    return os.environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


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
    "django.contrib.admin",
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
    "accounts",
    "services",
    "mapping",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
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
                "services.context_processors.language_links",
                "services.context_processors.support_list",
            ],
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
LOGIN_URL = "admin:login"

# Cache and tasks: Redis when REDIS_URL is set, otherwise in-process.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                # A Redis outage must not take the public site down: cache misses instead.
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
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
# (0: none); any catalogue change makes them obsolete at once (services/views/search.py).
SEARCH_PAGE_CACHE_ENTRIES = envint("SEARCH_PAGE_CACHE_ENTRIES", "500")
CELERY_BEAT_SCHEDULE["flush-search-demand"] = {
    "task": "services.tasks.flush_search_demand_task",
    "schedule": SEARCH_DEMAND_FLUSH_SECONDS,
}

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
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_ANON_RATE", "120/minute")},
    # Trusted proxies in front of the site. 0: the client is REMOTE_ADDR and X-Forwarded-For,
    # which anyone can send, is ignored (DRF's own default, None, would trust it).
    "NUM_PROXIES": envint("NUM_PROXIES", "0"),
}
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
    "loggers": {"celery.app.trace": {"level": "INFO" if REDIS_URL else "WARNING"}},
}

# Catalogue rules.
# Called after every committed catalogue change with the ids of the services it touched
# (services/changes.py).
CATALOGUE_CHANGE_HANDLERS: list[str] = [
    "services.search_index.catalogue_changed",
    "mapping.tasks.catalogue_changed",
]
# A listing not confirmed as accurate for this many days is flagged as stale.
STALE_AFTER_DAYS = envint("STALE_AFTER_DAYS", "365")
# The largest file staff can upload on the import page; larger imports run from the command line.
IMPORT_MAX_UPLOAD_BYTES = envint("IMPORT_MAX_UPLOAD_BYTES", str(50 * 1024 * 1024))

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

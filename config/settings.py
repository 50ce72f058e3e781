"""Settings for Partnership Monitor.

This is the one place that reads the environment. Every setting has a default that
suits the embedded demo (SQLite and a filesystem broker under ``var/``); with
``DEBUG`` off the process refuses to start without ``SECRET_KEY``.
"""

from __future__ import annotations

import os
import re
from datetime import date
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django_guid.integrations import CeleryIntegration

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment, or set DEBUG=true for local use."
        )
    # Only ever used with DEBUG on, on a developer's machine.
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_htmx",
    "csp",
    "django_guid",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "ops",
    "accounts",
    "partnership",
    "funding",
    "reviews",
    "consultations",
    "iati",
    "attention",
    "people",
    "portfolio",
]

MIDDLEWARE = [
    "django_guid.middleware.guid_middleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ops.sessions.SessionRefreshMiddleware",
    "config.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "config.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ops.sessions.SessionLifetimeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "config.middleware.MethodNotAllowedPageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "people.oidc.sign_in_options",
                "core.i18n.languages",
                # After Django's csrf processor: a page drawn for the cache gets a
                # placeholder, replaced by each response's own token (core.caching).
                "core.caching.page_csrf_token",
            ],
            # Every template translates and uses the project's own tags: they need no
            # {% load %} line of their own.
            "builtins": ["django.templatetags.i18n", "core.templatetags.core_tags"],
        },
    },
]

# --- Cache: pages and lists kept until the next write (core.caching) -----------
# Per process: the key of every entry is the data version read from the database, so a
# cache of its own in each web and worker process is never stale.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 2000)},
    },
    # Whole pages (core.caching.cached_page): larger than the lists, bounded on their own.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "OPTIONS": {"MAX_ENTRIES": env_int("PAGE_CACHE_MAX_ENTRIES", 500)},
    },
}
# A page longer than this is drawn on every read rather than kept (the consultation page
# at the benchmark's scale 100 is about 150 kB).
PAGE_CACHE_MAX_BYTES = env_int("PAGE_CACHE_MAX_BYTES", 512 * 1024)

# The API's rate limits are counted here (core.throttling), and must be shared by every
# web process: Redis when there is one, else files under var/ (the demo's one machine).
if env_str("REDIS_URL"):
    CACHES["throttle"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env_str("REDIS_URL"),
        "KEY_PREFIX": "throttle",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
else:
    CACHES["throttle"] = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str((VAR_DIR / "cache" / "throttle").resolve()),
    }

# --- Database -------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web process and the Celery worker share the file;
    # IMMEDIATE transactions take the write lock up front instead of failing mid-way.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The pages' queries are short, and PostgreSQL compiles (JIT) a plan it estimates
    # costly: the Annex IV reconciliation's two queries took 59 s at the benchmark's scale
    # 100 with it, most of it compiling, and 0.7 s without.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# --- Single sign-on: OpenID Connect with the ministry's identity provider ---------------
# mozilla-django-oidc, configured when OIDC_CLIENT_ID is set (people/oidc.py): the person is
# linked to their account here by e-mail at their first sign-in (nobody gets an account by
# signing in). LOCAL_PASSWORDS decides whether user names and passwords still work.
OIDC_RP_CLIENT_ID = env_str("OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET")
OIDC_ISSUER = env_str("OIDC_ISSUER")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_USERINFO_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_JWKS_ENDPOINT")
OIDC_OP_LOGOUT_ENDPOINT = env_str("OIDC_END_SESSION_ENDPOINT")
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME", "the ministry's account")
OIDC_RP_SIGN_ALGO = env_str("OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_STORE_ID_TOKEN = True  # for the log-out at the provider
OIDC_CREATE_USER = False
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT", 10)
LOCAL_PASSWORDS = env_bool("LOCAL_PASSWORDS", default=True)
if OIDC_RP_CLIENT_ID:
    _missing = [
        name
        for name, value in {
            "OIDC_CLIENT_SECRET": OIDC_RP_CLIENT_SECRET,
            "OIDC_ISSUER": OIDC_ISSUER,
            "OIDC_AUTHORIZATION_ENDPOINT": OIDC_OP_AUTHORIZATION_ENDPOINT,
            "OIDC_TOKEN_ENDPOINT": OIDC_OP_TOKEN_ENDPOINT,
            "OIDC_USERINFO_ENDPOINT": OIDC_OP_USER_ENDPOINT,
            "OIDC_JWKS_ENDPOINT": OIDC_OP_JWKS_ENDPOINT,
        }.items()
        if not value
    ]
    if _missing:
        raise ImproperlyConfigured(f"With OIDC_CLIENT_ID set, also set {', '.join(_missing)}.")
elif not LOCAL_PASSWORDS:
    raise ImproperlyConfigured("LOCAL_PASSWORDS=false needs single sign-on (OIDC_CLIENT_ID).")
AUTHENTICATION_BACKENDS = [
    *(["people.oidc.MinistryOIDCBackend"] if OIDC_RP_CLIENT_ID else []),
    # django-axes first: it refuses a locked-out login before the password is checked.
    *(
        ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
        if LOCAL_PASSWORDS
        else []
    ),
]
# Login rate limit: after AXES_FAILURE_LIMIT failed attempts for one user name from one
# address, that pair is locked out for LOGIN_LOCKOUT_MINUTES (a success resets the count).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "ops.views.locked_out"
# Invitations (people/): the link to set a password works once, for this many days after
# it was sent. A password reset link works for PASSWORD_RESET_TIMEOUT (Django's: 3 days).
INVITATION_MAX_AGE_DAYS = env_int("INVITATION_MAX_AGE_DAYS", 7)
if INVITATION_MAX_AGE_DAYS < 1:
    raise ImproperlyConfigured("INVITATION_MAX_AGE_DAYS must be one day or more.")
# Log-in codes are not kept with the attempt (the password never is).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]

# Multi-factor sign-in (accounts/): a password and a code from an authenticator app
# (TOTP), or a one-time recovery code. With MFA_REQUIRED, desk officers, auditors and
# administrators (staff and superusers) must sign in with it and set it up at their first
# log-in; with MFA_ALL_ROLES too, every user (mission staff included). Anyone may set it up,
# and is then always asked for a code. API tokens are created only in such a session.
MFA_REQUIRED = env_bool("MFA_REQUIRED", default=not DEBUG)
MFA_ALL_ROLES = env_bool("MFA_ALL_ROLES", default=False)
OTP_TOTP_ISSUER = "Partnership Monitor"
# Administrators remove a lost authenticator (its owner sets up a new one at the next
# log-in) but never see its key, nor recovery codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Internationalisation: English and Danish; stored in UTC, shown in Copenhagen -------
# The language is the one the person chose (their profile, kept in the session from the
# sign-in on), else the one the browser asks for (Accept-Language), else English.
# URLs are the same in both (no language prefix). config.formats sets the dates and
# amounts each writes (15 May 2019 / 15. maj 2019).
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English"), ("da", "Dansk")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True
# Amounts are grouped by core.formatting (25.000.000 / 25,000,000); other numbers (years,
# counts, ids in addresses) are not, and form inputs take numbers as core.forms reads them.
USE_THOUSAND_SEPARATOR = False

# --- Static and media files ---------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing root
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploads (evidence documents) are limited to this size; see core/uploads.py.
UPLOAD_MAX_BYTES = 25 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
# The age counts from the last request (inactivity expiry), but the session is written
# at most once per SESSION_REFRESH_SECONDS, not on every request:
# see ops.sessions.SessionRefreshMiddleware.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = env_int("SESSION_REFRESH_SECONDS", 60)
# However active, a session ends this long after its log-in (ASVS 7.3.2):
# see ops.sessions.SessionLifetimeMiddleware.
SESSION_MAX_LIFETIME = env_int("SESSION_MAX_LIFETIME", 12 * 60 * 60)
if SESSION_MAX_LIFETIME <= 0:
    raise ImproperlyConfigured("SESSION_MAX_LIFETIME must be a number of seconds above zero.")
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # probes inside the container speak plain HTTP
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

_sso_origins = (
    ["{0.scheme}://{0.netloc}".format(urlsplit(OIDC_OP_LOGOUT_ENDPOINT))]
    if OIDC_RP_CLIENT_ID and OIDC_OP_LOGOUT_ENDPOINT
    else []
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        # A log-out after a single sign-on goes on to the provider's end of session.
        "form-action": ["'self'", *_sso_origins],
    }
}

# --- REST API ---------------------------------------------------------------------------
REST_FRAMEWORK = {
    # The token scheme comes first: its WWW-Authenticate header makes a request without
    # credentials a 401 rather than a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",
    "DEFAULT_FILTER_BACKENDS": [
        "core.filters.FilterBackend",
        "core.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "config.schema.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # Per personal token and per user, on the shared cache: 429 with Retry-After.
    "DEFAULT_THROTTLE_CLASSES": [
        "core.throttling.TokenRateThrottle",
        "core.throttling.UserRateThrottle",
    ],
    "COERCE_DECIMAL_TO_STRING": True,
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DATE_FORMAT": "iso-8601",
    "DATETIME_FORMAT": "iso-8601",
}
# Requests a personal token, and a user through all their tokens and their session, may
# send to the API ("N/second|minute|hour|day"; empty: no limit).
API_RATE_PER_TOKEN = env_str("API_RATE_PER_TOKEN", "120/minute")
API_RATE_PER_USER = env_str("API_RATE_PER_USER", "300/minute")
for _name in ("API_RATE_PER_TOKEN", "API_RATE_PER_USER"):
    if not re.fullmatch(r"([1-9][0-9]*/(second|minute|hour|day))?", globals()[_name]):
        raise ImproperlyConfigured(
            f"{_name} must be a number of requests per second, minute, hour or day "
            f"(e.g. 120/minute), or empty for no limit, not {globals()[_name]!r}"
        )
SPECTACULAR_SETTINGS = {
    "TITLE": "Partnership Monitor API",
    "DESCRIPTION": "A donor ministry's strategic partnerships with multilateral organisations.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Swagger UI (/api/docs/try/) opens on the list of resources, each opened where needed:
    # drawing every operation and model of the whole schema took the browser most of 2.5 s.
    "SWAGGER_UI_SETTINGS": {
        "docExpansion": "none",
        "defaultModelsExpandDepth": -1,
        "deepLinking": True,
    },
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "ENUM_NAME_OVERRIDES": {
        "GoalStatusEnum": "partnership.models.GoalStatus",
        "PartnershipStatusEnum": "partnership.models.Partnership.Status",
        "CurrencyEnum": "partnership.models.Currency",
        "DocumentKindEnum": "partnership.models.Document.Kind",
        "ForeignCurrencyEnum": "funding.models.FOREIGN_CURRENCIES",
        "DisbursementKindEnum": "funding.models.Disbursement.Kind",
        "StaffKindEnum": "funding.models.StaffPosition.Kind",
        "ReviewKindEnum": "reviews.models.Review.Kind",
        "ReviewStatusEnum": "reviews.models.Review.Status",
        "ReportVersionStatusEnum": "reviews.models.ReportVersion.Status",
        "DossierStatusEnum": "reviews.models.Dossier.Status",
        "RatingEnum": "reviews.models.Rating",
        "ConsultationStatusEnum": "consultations.models.Consultation.Status",
        "AgendaItemKindEnum": "consultations.models.AgendaItem.Kind",
        "StandardAgendaItemKindEnum": "consultations.models.StandardAgendaItem.Kind",
        "NoteStatusEnum": "consultations.models.Note.Status",
        "ActionPointStatusEnum": "consultations.models.ActionPoint.Status",
    },
}

# --- Celery -----------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
CELERY_FILESYSTEM_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": 60 * 60}
else:
    # The embedded broker: messages are files under var/celery, no server needed.
    for sub in ("out", "processed", "control"):
        (CELERY_FILESYSTEM_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_FILESYSTEM_DIR / "out"),
        "data_folder_out": str(CELERY_FILESYSTEM_DIR / "out"),
        "processed_folder": str(CELERY_FILESYSTEM_DIR / "processed"),
        # Its exchange tables too, or kombu writes them to ./control in the working directory.
        "control_folder": str(CELERY_FILESYSTEM_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# PDF rendering gets a queue of its own, so a slow report never holds up other tasks.
REPORT_QUEUE = env_str("REPORT_QUEUE", "pdf")
CELERY_TASK_ROUTES = {"reviews.*": {"queue": REPORT_QUEUE}}
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "celery")

# Review reports and dossiers (reviews/): a render or a dossier's build not finished this
# long after it was sent or started is re-sent by the beat task, and failed after
# REPORT_RENDER_MAX_ATTEMPTS sends. The default waits past the task's hard time limit, so
# a live render or build is never doubled.
REPORT_RENDER_SOFT_TIME_LIMIT = env_int("REPORT_RENDER_SOFT_TIME_LIMIT", 4 * 60)
REPORT_RENDER_TIME_LIMIT = env_int("REPORT_RENDER_TIME_LIMIT", 5 * 60)
REPORT_RENDER_STALE_AFTER = env_int("REPORT_RENDER_STALE_AFTER", REPORT_RENDER_TIME_LIMIT + 60)
REPORT_RENDER_MAX_ATTEMPTS = env_int("REPORT_RENDER_MAX_ATTEMPTS", 3)
REPORT_RESEND_INTERVAL = env_int("REPORT_RESEND_INTERVAL", 60)
# Digests of what needs attention (attention/): the beat task looks every
# DIGEST_CHECK_INTERVAL seconds for people whose chosen time has come; a send that fails
# is retried DIGEST_MAX_RETRIES times, DIGEST_RETRY_DELAY seconds apart, then marked failed.
DIGEST_CHECK_INTERVAL = env_int("DIGEST_CHECK_INTERVAL", 5 * 60)
DIGEST_MAX_RETRIES = env_int("DIGEST_MAX_RETRIES", 5)
DIGEST_RETRY_DELAY = env_int("DIGEST_RETRY_DELAY", 5 * 60)
CELERY_BEAT_SCHEDULE = {
    "reviews-resend-stuck-report-versions": {
        "task": "reviews.tasks.resend_stuck_report_versions",
        "schedule": REPORT_RESEND_INTERVAL,
    },
    "reviews-resend-stuck-dossiers": {
        "task": "reviews.tasks.resend_stuck_dossiers",
        "schedule": REPORT_RESEND_INTERVAL,
    },
    "attention-send-digests": {
        "task": "attention.tasks.send_digests",
        "schedule": DIGEST_CHECK_INTERVAL,
    },
}

# Payments (funding/): a payment in USD or CHF converted with a rate dated more than this
# many days before its value date is flagged where it is entered and must be confirmed.
EXCHANGE_RATE_MAX_AGE_DAYS = env_int("EXCHANGE_RATE_MAX_AGE_DAYS", 7)
if EXCHANGE_RATE_MAX_AGE_DAYS < 0:
    raise ImproperlyConfigured("EXCHANGE_RATE_MAX_AGE_DAYS must be zero or more days.")

# IATI (iati/): the identifier and name of the organisation that publishes the files (the
# ministry: DAC donor code 3, agency code 1), and the largest activity file an import reads.
IATI_REPORTING_ORG = env_str("IATI_REPORTING_ORG", "XM-DAC-3-1")
IATI_REPORTING_ORG_NAME = env_str(
    "IATI_REPORTING_ORG_NAME", "Ministry of Foreign Affairs of Denmark"
)
# Provider identifiers, besides IATI_REPORTING_ORG, that name Denmark in the organisation's
# data: Denmark as a DAC donor.
IATI_DANISH_PROVIDERS = env_list("IATI_DANISH_PROVIDERS", ["XM-DAC-3"])
IATI_IMPORT_MAX_BYTES = env_int("IATI_IMPORT_MAX_MB", 25) * 1024 * 1024
IATI_IMPORT_MAX_SECONDS = env_int("IATI_IMPORT_MAX_SECONDS", 60)
if IATI_IMPORT_MAX_BYTES <= 0 or IATI_IMPORT_MAX_SECONDS <= 0:
    raise ImproperlyConfigured("IATI_IMPORT_MAX_MB and IATI_IMPORT_MAX_SECONDS must be positive.")

# --- What needs attention (attention/rules.py) -------------------------------------------
# Each N of a rule, with a default a desk officer would choose.
ATTENTION_ACTION_POINT_DAYS = env_int("ATTENTION_ACTION_POINT_DAYS", 14)
ATTENTION_REVIEW_DAYS = env_int("ATTENTION_REVIEW_DAYS", 60)
ATTENTION_CONSULTATION_DAYS = env_int("ATTENTION_CONSULTATION_DAYS", 30)
ATTENTION_NOTE_CLEARING_DAYS = env_int("ATTENTION_NOTE_CLEARING_DAYS", 14)
ATTENTION_GOAL_UPDATE_MONTHS = env_int("ATTENTION_GOAL_UPDATE_MONTHS", 6)
# Days of the year as MM-DD: the Finance Act for a year has passed by this day of the year
# before (Folketinget adopts it in December); a committed line of a year should have had a
# payment by this day of its year.
ATTENTION_FINANCE_ACT_PASSED = env_str("ATTENTION_FINANCE_ACT_PASSED", "12-31")
ATTENTION_PAYMENT_DUE = env_str("ATTENTION_PAYMENT_DUE", "06-30")
# The day the rules take as today: empty for the calendar's (a demo may pin it, ISO 8601).
ATTENTION_TODAY = env_str("ATTENTION_TODAY") or None
for _name in (
    "ATTENTION_ACTION_POINT_DAYS",
    "ATTENTION_REVIEW_DAYS",
    "ATTENTION_CONSULTATION_DAYS",
    "ATTENTION_NOTE_CLEARING_DAYS",
    "ATTENTION_GOAL_UPDATE_MONTHS",
):
    if globals()[_name] < 0:
        raise ImproperlyConfigured(f"{_name} must be zero or more.")
for _name in ("ATTENTION_FINANCE_ACT_PASSED", "ATTENTION_PAYMENT_DUE"):
    try:
        date.fromisoformat(f"2001-{globals()[_name]}")
    except ValueError as exc:
        raise ImproperlyConfigured(f"{_name} must be a day of the year as MM-DD.") from exc
if ATTENTION_TODAY:
    try:
        date.fromisoformat(ATTENTION_TODAY)
    except ValueError as exc:
        raise ImproperlyConfigured("ATTENTION_TODAY must be a date as YYYY-MM-DD.") from exc

# --- E-mail: digests go through Django's mail framework ---------------------------------
# With EMAIL_HOST set, mail goes out by SMTP; otherwise (the demo) each message is written
# as a file under var/mail, to be read there. EMAIL_BACKEND overrides either.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=not env_bool("EMAIL_USE_SSL"))
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set EMAIL_USE_TLS or EMAIL_USE_SSL, not both.")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL") or "Partnership Monitor <monitor@localhost>"
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_SUBJECT_PREFIX = "[Partnership Monitor] "
# Where the site is reached: the links in e-mails start with it.
SITE_URL = (
    env_str("SITE_URL")
    or ("http://127.0.0.1:8000" if DEBUG or not ALLOWED_HOSTS else f"https://{ALLOWED_HOSTS[0]}")
).rstrip("/")

# --- Logging ------------------------------------------------------------------------------
# One line per record on stdout, each with the id of the request (or task) it belongs to.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "ops.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {
            "class": "ops.logs.UTCFormatter",
            "format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s %(message)s",
        }
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["stdout"], "level": env_str("LOG_LEVEL", "INFO")},
    # django-guid says at INFO level, for every request, where the id came from; axes
    # logs failed log-ins and lockouts at WARNING (successes go to its AccessLog table).
    # WeasyPrint narrates every step at INFO; its warnings (a refused fetch) still show.
    "loggers": {
        "django_guid": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
    },
}
# Request ids: a UUID in X-Request-ID is kept, anything else is replaced by a new one;
# the id goes back in the response and, through task headers, into the worker's log lines.
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": True,
    "EXPOSE_HEADER": False,
    "INTEGRATIONS": [CeleryIntegration(use_django_logging=True)],
}

# --- Demo ---------------------------------------------------------------------------------
# Password of the demo users that `manage.py setup_demo` creates; with DEBUG off it must be set.
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "partnership-demo" if DEBUG else "")

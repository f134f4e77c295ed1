"""Settings read from the environment with safe defaults (SPEC: Configuration)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("IMR_VAR_DIR", BASE_DIR / "var"))

DEBUG = os.environ.get("DJANGO_DEBUG", "0") == "1"


def _secret_key() -> str:
    """DJANGO_SECRET_KEY, else a random key kept in var/ so sessions survive restarts."""
    if os.environ.get("DJANGO_SECRET_KEY"):
        return os.environ["DJANGO_SECRET_KEY"]
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = ["127.0.0.1", "localhost"] + [
    host.strip() for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if host.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "csp",
    "axes",
    "determinations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "imrsite.middleware.SiteCSPMiddleware",
    "imrsite.middleware.ReadOnlyOutsideAdminMiddleware",  # inside those: its 405s get headers
    "axes.middleware.AxesMiddleware",  # last: it answers locked-out login attempts
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses logins while locked out
    "django.contrib.auth.backends.ModelBackend",
]
# Five failed logins for a username from one address lock that username out from that
# address for an hour, and twenty from one address lock the address, whatever the usernames
# (imrsite/lockout.py). Nobody can lock the admin out from elsewhere.
AXES_FAILURE_LIMIT = 5
IMR_LOGIN_FAILURES_PER_ADDRESS = 20
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # what a successful login forgives
AXES_HANDLER = "imrsite.lockout.PairAndAddressHandler"
AXES_CLIENT_IP_CALLABLE = "imrsite.lockout.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# The reverse proxies in front of the site (docs/deploy.md): with N, a client's address is the
# one the outermost proxy appended to X-Forwarded-For; with 0, the header is ignored.
IMR_TRUSTED_PROXY_COUNT = int(os.environ.get("IMR_TRUSTED_PROXY_COUNT", "0"))

ROOT_URLCONF = "imrsite.urls"
WSGI_APPLICATION = "imrsite.wsgi.application"

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
            ],
        },
    },
]


# Every SQLite database, however it is named: WAL lets the site read while an ingest writes;
# IMMEDIATE transactions avoid lock upgrades; a writer waits up to 30 s for another.
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 30,
}


def _database() -> dict:
    """DATABASE_URL, else the embedded SQLite file under var/."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return _server_database(url)
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "imr.sqlite3",
        "OPTIONS": dict(SQLITE_OPTIONS),
    }


def _server_database(url: str) -> dict:
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    options = config.setdefault("OPTIONS", {})
    if config["ENGINE"] == "django.db.backends.postgresql":
        # No JIT: its compile time (seconds, measured on ingest's record formatting) far
        # exceeds what it saves on queries of this size. docs/postgresql.md.
        options.setdefault("options", "-c jit=off")
    elif config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {**SQLITE_OPTIONS, **options}
    return config


def _replicas(primary: dict) -> dict[str, dict]:
    """DATABASE_REPLICA_URLS: PostgreSQL read replicas of the primary, comma-separated."""
    urls = [u.strip() for u in os.environ.get("DATABASE_REPLICA_URLS", "").split(",")]
    urls = [url for url in urls if url]
    if urls and primary["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URLS needs a PostgreSQL DATABASE_URL")
    return {f"replica_{n}": _server_database(url) for n, url in enumerate(urls, start=1)}


DATABASES = {"default": _database()}
DATABASES |= _replicas(DATABASES["default"])
# The public pages read the corpus from these; writes and the admin use the primary.
IMR_READ_REPLICAS = [alias for alias in DATABASES if alias != "default"]
DATABASE_ROUTERS = ["determinations.routing.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/Los_Angeles"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# The JSON API (`/api/v1/`, docs/api.md): read-only, JSON first, its schema from the code.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # first: a bad token is a 401 naming the scheme (`WWW-Authenticate: Token`)
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": [
        "determinations.api.throttles.AnonymousRate",
        "determinations.api.throttles.StaffRate",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
# Requests the API answers per client (docs/api.md); beyond them a 429 with Retry-After.
IMR_API_ANON_RATE = os.environ.get("IMR_API_ANON_RATE", "60/minute")
IMR_API_STAFF_RATE = os.environ.get("IMR_API_STAFF_RATE", "600/minute")
SPECTACULAR_SETTINGS = {
    "TITLE": "IMR Determinations Explorer API",
    "DESCRIPTION": "Read-only JSON over the disputed items the search page finds.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
}
# Web exports by anyone but staff stop at this many rows (0: no limit).
IMR_EXPORT_MAX_ROWS_ANONYMOUS = int(os.environ.get("IMR_EXPORT_MAX_ROWS_ANONYMOUS", "100000"))
# Insights show no rate for a group of fewer items than this (small groups mislead).
IMR_INSIGHTS_MIN_GROUP = int(os.environ.get("IMR_INSIGHTS_MIN_GROUP", "10"))
# The original PDF of each letter ingested from one, as <root>/<hash[:2]>/<hash>.pdf: on
# disk, not in the database, so backups, vacuum and replicas stay lean (docs/ingest.md).
IMR_PDF_ROOT = Path(os.environ.get("IMR_PDF_ROOT", VAR_DIR / "pdfs"))

# No script or style but our own files, nothing from another origin; the admin's pages alone
# also allow inline styles, which its templates use (imrsite/middleware.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# A request refused for its size (too many parameters or files, too large a body) is the
# client's doing: one line each, no traceback.
_REFUSED_FOR_SIZE = ["TooManyFieldsSent", "TooManyFilesSent", "RequestDataTooBig"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"without_traceback": {"()": "imrsite.logs.WithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        f"django.security.{name}": {"filters": ["without_traceback"]} for name in _REFUSED_FOR_SIZE
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

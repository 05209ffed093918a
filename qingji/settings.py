"""qingji settings: everything comes from the environment (see README, "Configuration")."""

import datetime as dt
import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from qingji.lib.env import envbool, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(envstr("QINGJI_DATA_DIR", str(Path.cwd() / "var"))).resolve()
TESTING = "pytest" in sys.modules or envbool("QINGJI_TESTING")

DEBUG = envbool("QINGJI_DEBUG", False)
SECRET_KEY = envstr("QINGJI_SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105
    else:
        # A generated key kept in the data directory, so that a demo or a single
        # server works without configuration and sessions survive restarts.
        from qingji.lib.secret import load_or_create_secret_key

        SECRET_KEY = load_or_create_secret_key(DATA_DIR)

ALLOWED_HOSTS = envlist("QINGJI_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = envlist("QINGJI_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "qingji.organisations",
    "qingji.rules",
    "qingji.accounts",
    "qingji.audit",
    "qingji.ledger",
    "qingji.reviews",
    "qingji.lifecycle",
    "qingji.campaigns",
    "qingji.supervision",
    "qingji.reports",
    "qingji.exchange",
    "qingji.api",
    "qingji.web",
    "qingji.security",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "qingji.security.middleware.SecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qingji.urls"
WSGI_APPLICATION = "qingji.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "qingji.web.context_processors.navigation",
            ],
        },
    },
]

# Database: DATABASE_URL, or a SQLite file under ./var/ of the current directory.
DATABASE_URL = envstr("DATABASE_URL")
if not DATABASE_URL:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASE_URL = f"sqlite:///{DATA_DIR / 'qingji.sqlite3'}"
# Tests close every connection at once, so that PostgreSQL can drop the test database afterwards.
DATABASES = {"default": dj_database_url.parse(DATABASE_URL,
                                              conn_max_age=0 if TESTING else envint("QINGJI_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    # The tests' database: QINGJI_TEST_DB, or else a file in pytest's temporary directory, set by
    # tests/conftest.py (a file, not memory, so that the tests run on WAL and IMMEDIATE transactions too).
    DATABASES["default"]["TEST"] = {"NAME": envstr("QINGJI_TEST_DB", "") or None}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # No JIT compilation: the reports' grouped queries are estimated expensive enough to be compiled, which
    # took 0.8 s of a 0.9 s query at 1,000,000 cases and never paid back (docs/performance.md).
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
    # Each test process gets its own PostgreSQL test database, so that runs in parallel
    # (several developers' or CI jobs on one server) never drop each other's database.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
else:
    raise ImproperlyConfigured("DATABASE_URL must point to SQLite or PostgreSQL")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "web:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "qingji.accounts.validators.CharacterClassValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "qingji.accounts.validators.PasswordHistoryValidator"},
]
QINGJI_PASSWORD_HISTORY = 5
QINGJI_PASSWORD_MAX_AGE_DAYS = envint("QINGJI_PASSWORD_MAX_AGE_DAYS", 90)  # 0 = passwords never expire

# Lockout (django-axes): 5 failures on one username lock it for 30 minutes; the security administrator
# can unlock. The first backend only refuses locked-out sign-ins; ModelBackend checks the password.
AUTHENTICATION_BACKENDS = [
    "qingji.security.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("QINGJI_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=envint("QINGJI_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "security/locked_out.html"
AXES_VERBOSE = False
# The baseline locks the account (username), whatever address the attempts come from: W006 asks for
# address-based locking, which on a government intranet behind NAT would lock out whole offices.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Two-factor sign-in (django-otp): required for the three administrator roles.
OTP_TOTP_ISSUER = "Qingji"
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = envstr("QINGJI_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = DATA_DIR / "files"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Sessions and cookies: secure by default, relaxed only for plain-HTTP local use.
SECURE_COOKIES = envbool("QINGJI_SECURE_COOKIES", False)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = envint("QINGJI_SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
QINGJI_SESSION_ABSOLUTE_HOURS = envint("QINGJI_SESSION_ABSOLUTE_HOURS", 12)
QINGJI_SINGLE_SESSION = envbool("QINGJI_SINGLE_SESSION", True)
CSRF_FAILURE_VIEW = "qingji.security.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp) on every response: scripts only from qingji's own static files (no inline
# script, no event-handler attributes); inline styles are allowed because ECharts and Bootstrap set style attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
if SECURE_COOKIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = envint("QINGJI_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("QINGJI_HSTS_SUBDOMAINS", True)
    # The browsers' preload list is for public internet sites; government intranet hosts cannot be listed.
    SECURE_HSTS_PRELOAD = envbool("QINGJI_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS.append("security.W021")
    SECURE_SSL_REDIRECT = envbool("QINGJI_SSL_REDIRECT", False)

WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING

# Personal data: AES-GCM key for encryption at rest (base64 of 32 bytes; empty = off) and the HMAC key
# of the digest columns (falls back to SECRET_KEY). See docs/security.md.
QINGJI_PII_KEY = envstr("QINGJI_PII_KEY")
QINGJI_PII_HMAC_KEY = envstr("QINGJI_PII_HMAC_KEY")
QINGJI_AUDIT_RETENTION_DAYS = max(envint("QINGJI_AUDIT_RETENTION_DAYS", 180), 180)

# The case lifecycle's rules (closure steps, termination chains, follow-up months …) are local rules, kept as data
# and edited by the bodies themselves: `qingji rules` and the 地方规则设置 page (qingji/rules), not settings.

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("QINGJI_LOG_LEVEL", "WARNING")},
}

# Background jobs: django-tasks with its database backend, no extra server needed: `qingji db-worker` runs
# them. Tests run each task at once, inside the request that enqueues it.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend" if TESTING
                     else envstr("QINGJI_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# Ledger exports of more rows than this run in the background; their files are kept this many hours.
QINGJI_EXPORT_SYNC_ROWS = envint("QINGJI_EXPORT_SYNC_ROWS", 5000)
QINGJI_EXPORT_RETENTION_HOURS = envint("QINGJI_EXPORT_RETENTION_HOURS", 24)
# SQLite page cache (MB) while an import writes (lib/bulk.large_page_cache); SQLite's own default is 2 MB.
QINGJI_BULK_CACHE_MB = envint("QINGJI_BULK_CACHE_MB", 256)
# Ledger workbooks of at least this many bytes (≈ 5,000 rows) are read and checked by a child process while
# the import writes (exchange/parsing.py); smaller ones, where starting it would cost more, in-process.
QINGJI_IMPORT_CHILD_BYTES = envint("QINGJI_IMPORT_CHILD_BYTES", 1_000_000)

"""Settings for HLD Assess, read from the environment (DESIGN §7).

Development defaults: SQLite file beside manage.py, DEBUG off unless
DJANGO_DEBUG=1 (``make run`` sets it). In production set DJANGO_SECRET_KEY,
DJANGO_ALLOWED_HOSTS and DATABASE_URL; with them ``manage.py check --deploy``
is clean. The security controls are at the end of this file and in SECURITY.md.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from .cache_settings import caches_for
from .logconfig import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string in production, "
            "or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "development-only-insecure-key"  # noqa: S105 - only ever used with DEBUG on

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

# The admin lives under a configurable prefix, e.g. DJANGO_ADMIN_URL=staff-7f3a/
ADMIN_URL = os.environ.get("DJANGO_ADMIN_URL", "admin/").strip("/") + "/"

INSTALLED_APPS = [
    "modeltranslation",  # before the admin, so that the admin edits each language side by side
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "assessments",
]

MIDDLEWARE = [
    "assessments.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "assessments.middleware.RequestSizeLimitMiddleware",  # 413 for a body over MAX_REQUEST_BYTES, unread
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the person's choice (profile, kept in the session), else the cookie set by the
    # switcher, else the browser's Accept-Language (assessments/languages.py).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "assessments.languages.PersonLanguageMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): signed in with a second factor
    "assessments.middleware.PrivateWhenSignedInMiddleware",  # Cache-Control: private, no-store when signed in
    "django.contrib.messages.middleware.MessageMiddleware",
    "assessments.two_factor.TwoFactorMiddleware",  # unverified users go to the code page (or to enrol)
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: turns a lockout into the "too many attempts" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hldassess.urls"
WSGI_APPLICATION = "hldassess.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Take the write lock when a transaction starts, so concurrent saves queue instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
# The interface, the framework's content and the documents (issue 15). Each language is named in itself
# in the switcher. English is the original: a French or Spanish text that is missing falls back to it.
LANGUAGES = [("en", "English"), ("fr", "Français"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
# django-modeltranslation: the framework's texts in every language, in the same table (no join per page).
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "fr", "es")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
# A framework version is published only when its texts are complete in these languages (comma-separated codes).
HLD_FRAMEWORK_LANGUAGES = env_list("HLD_FRAMEWORK_LANGUAGES", "en,fr,es")
# English dates as "1 December 2026" (hldassess/formats/en); French and Spanish use Django's own formats.
FORMAT_MODULE_PATH = ["hldassess.formats"]
USE_TZ = True

# A questionnaire page posts ten fields per criterion (assessments.forms.ResponseForm); Django's default
# of 1,000 fields would refuse a round table of more than 99 criteria. The largest round table of
# HLD 2013 has 20; HLD_MAX_CRITERIA_PER_PAGE (default 250) leaves room for much larger frameworks.
QUESTIONNAIRE_FIELDS_PER_CRITERION = 10
HLD_MAX_CRITERIA_PER_PAGE = env_int("HLD_MAX_CRITERIA_PER_PAGE", 250)
DATA_UPLOAD_MAX_NUMBER_FIELDS = QUESTIONNAIRE_FIELDS_PER_CRITERION * HLD_MAX_CRITERIA_PER_PAGE + 100

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Dates that Python writes into documents and messages go through date_format(value, "DATE_FORMAT"):
# English says "1 December 2026" as the pages do; French and Spanish use Django's formats.
FORMAT_MODULE_PATH = ["hldassess.formats"]

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"
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

# Stored documents (PDF, Word) hold a government's data: readable by the application's user only, and
# never served from MEDIA_ROOT directly (README "Production"). Names carry a random token (documents.py).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# Documents render in a worker through Django's tasks API (django-tasks backport; DESIGN §4): the
# database backend queues them in the application's database and `manage.py db_worker` runs them
# (`make run` starts one next to the development server). DJANGO_TASKS_BACKEND=immediate renders
# inside the request instead (the tests do; no worker needed, but a first download waits for it).
TASKS_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS = {"default": {"BACKEND": TASKS_BACKENDS[os.environ.get("DJANGO_TASKS_BACKEND", "").strip() or "database"]}}
# While an assessment is a draft its revision changes on every save: its documents render at most once
# per this many seconds (a later request waits in the queue; documents.py "debounce").
DRAFT_RENDER_INTERVAL = env_int("HLD_DRAFT_RENDER_INTERVAL", 60)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "hld-assess@localhost")

# Workflow: the person who approves must not be the one who submitted (off only for a one-person trial).
HLD_FOUR_EYES = env_bool("HLD_FOUR_EYES", default=True)
# The address people open the application at, for the links in workflow mail (no trailing slash needed).
HLD_SITE_URL = os.environ.get("HLD_SITE_URL", "http://127.0.0.1:8000")

# The seeds folder holds the source documents that excerpts are checked against.
SEEDS_DIR = Path(os.environ.get("HLD_SEEDS_DIR", BASE_DIR.parent / "shared" / "seeds"))

# --- Logging: one JSON object a line on stdout, with the request id (hldassess/logconfig.py) ----------
LOGGING = logging_config(
    level=os.environ.get("DJANGO_LOG_LEVEL", "INFO").upper(),
    fmt=os.environ.get("DJANGO_LOG_FORMAT", "text" if DEBUG else "json"),
)

# --- Request sizes (README "Production"); the proxy in front refuses larger bodies first ---------------
# Django limits form fields (DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB) but not the file parts of a multipart
# body, so the whole body is limited by its Content-Length: over MAX_REQUEST_BYTES is a 413, unread. The
# default leaves room for a 5 MB workbook (a later upload feature) and its form.
MAX_REQUEST_BYTES = env_int("DJANGO_MAX_REQUEST_BYTES", 6 * 1024 * 1024)
# A file part is never larger than the body, so it stays in memory: no upload lands in a temporary file.
FILE_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES
# The questionnaire workbook (issue 16): the largest file accepted, and the most its zip parts may declare
# unpacked (checked before any XML is parsed: a zip bomb is refused unopened). A full workbook is 44 KB,
# 282 KB unpacked; openpyxl needs ~0.5 s and 10 MB of memory per unpacked MB, so the default bounds one upload.
HLD_WORKBOOK_MAX_BYTES = env_int("HLD_WORKBOOK_MAX_BYTES", 5 * 1024 * 1024)
HLD_WORKBOOK_MAX_UNPACKED_BYTES = env_int("HLD_WORKBOOK_MAX_UNPACKED_BYTES", 5 * 1024 * 1024)
# An upload waits for its confirmation this long (seconds) in MEDIA_ROOT/workbook-uploads/, then expires.
HLD_WORKBOOK_PENDING_SECONDS = env_int("HLD_WORKBOOK_PENDING_SECONDS", 3600)

# --- Security (SECURITY.md says what each control is for) ------------------------------------------
# Served over HTTPS unless DEBUG is on or DJANGO_HTTPS=0 (a plain-HTTP trial run on loopback).
HTTPS = env_bool("DJANGO_HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
if env_bool("DJANGO_BEHIND_PROXY"):
    # Only behind a proxy that sets this header itself and strips it from clients.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # no script reads it: there is no script
SESSION_COOKIE_SAMESITE = "Lax"
# A session lasts a working day at most, and ends when the browser closes.
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_SECONDS", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Content-Security-Policy (django-csp; Django 5.2 has none of its own): our own origin only,
# no inline script or style, no plugins, no framing, forms post only to us.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # Bootstrap draws checkboxes and select arrows as data: SVG
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Caches and sessions: Redis when REDIS_URL (or CACHE_URL) is set, else the embedded default (hldassess/cache_settings.py).
CACHES, SESSION_ENGINE = caches_for(os.environ)

# Password reset requests per window, from one address and for one e-mail address (assessments/throttling.py).
PASSWORD_RESET_LIMIT_PER_ADDRESS = env_int("DJANGO_PASSWORD_RESET_LIMIT_PER_ADDRESS", 10)
PASSWORD_RESET_LIMIT_PER_ACCOUNT = env_int("DJANGO_PASSWORD_RESET_LIMIT_PER_ACCOUNT", 3)
PASSWORD_RESET_WINDOW = timedelta(minutes=env_int("DJANGO_PASSWORD_RESET_WINDOW_MINUTES", 60))

# Login throttling (django-axes): AXES_FAILURE_LIMIT failed sign-ins for one user name from one
# address lock that pair out for AXES_COOLOFF_TIME; a success resets the count. Lockouts are listed
# in the admin under "Axes > Access attempts", where an administrator can also lift them.
AUTHENTICATION_BACKENDS = [
    "assessments.throttling.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("DJANGO_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "assessments.throttling.lockout_response"  # the sign-in page, with the reason
AXES_USERNAME_CALLABLE = "assessments.throttling.attempted_username"  # cut to axes' 255-character column
# Behind a proxy, axes must see the client's address, not the proxy's: name how many proxies append to
# X-Forwarded-For (DJANGO_PROXY_COUNT=1 behind one load balancer). The client is the PROXY_COUNT-th entry
# from the right (the entries on the left are whatever the client sent); without proxies, REMOTE_ADDR.
PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "assessments.throttling.client_ip"

# Two-factor sign-in (django-otp, assessments/two_factor.py): every user may enrol an authenticator app and
# recovery codes; HLD_REQUIRE_2FA makes it compulsory for focal points, the secretariat, secretariat
# administrators and editors (on in production, i.e. when DEBUG is off, unless set).
HLD_REQUIRE_2FA = env_bool("HLD_REQUIRE_2FA", default=not DEBUG)
OTP_TOTP_ISSUER = "HLD Assess"
# Invitations to a government (assessments/people.py) are valid for this many days.
HLD_INVITATION_DAYS = env_int("HLD_INVITATION_DAYS", 7)

# --- The read-only API (/api/v1/) and the secretariat's comparisons: hldassess/api_settings.py ------
from .api_settings import *  # noqa: E402,F403
from .api_settings import API_APPS  # noqa: E402

INSTALLED_APPS += API_APPS

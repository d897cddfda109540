"""Settings for the 双报到 volunteer platform.

Everything that differs between a trial, a developer's machine and production comes from the
environment (or a `.env` file beside manage.py). DEBUG is off unless set, and then the web
processes need SECRET_KEY. With DEBUG=true (as `make run` sets it) and nothing else, the platform
runs as a trial: SQLite under var/, local-memory cache, Celery tasks run eagerly, email on the
console.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

# A development key is allowed only while DEBUG is on; production must provide its own. Without
# one, reading settings.SECRET_KEY raises (Django refuses an empty key), and the web processes
# read it as they start (config/wsgi.py, config/asgi.py): they fail at once, while commands
# that sign nothing (migrate, makemigrations, check) still run.
if DEBUG:
    SECRET_KEY = env("SECRET_KEY", default="django-insecure-development-only-key-do-not-deploy")
else:
    SECRET_KEY = env("SECRET_KEY", default="")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# ---------------------------------------------------------------------------------------------
# Applications
# ---------------------------------------------------------------------------------------------
INSTALLED_APPS = [
    "config.apps.PlatformAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for FORM_RENDERER
    "allauth",
    "allauth.account",
    "axes",
    "csp",
    "django_filters",
    "django_celery_beat",
    "core",
    "notifications",
    "members",
    "records",
    "wishes",
    "projects",
    "orders",
    "checkins",
    "reports",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise: pages get the Content-Security-Policy, static files need none.
    "csp.middleware.CSPMiddleware",
    # Before anything reads the request: a NUL (which PostgreSQL refuses) is answered with 400.
    "core.middleware.RefuseNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, with the signed-in user's row read from the cache (members.middleware).
    "members.middleware.CachedUserAuthenticationMiddleware",
    "core.http.PrivatePagesMiddleware",
    # What a signed-in user sends starts a new generation of their own cached pages.
    "core.middleware.UserPagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A GET to a POST-only address: the 405 page in the site's layout, with a way back.
    "core.middleware.MethodNotAllowedPageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Must be last: turns a lockout raised during authentication into the lockout page.
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
                "django.template.context_processors.i18n",
                "members.context_processors.roles",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]
# Every form renders its fields with templates/partials/field.html (Bootstrap's markup).
FORM_RENDERER = "core.forms.FormRenderer"

# ---------------------------------------------------------------------------------------------
# Database, cache, sessions
# ---------------------------------------------------------------------------------------------
(BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a writer instead of failing at once; WAL lets readers run beside one writer.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="sbd"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# ---------------------------------------------------------------------------------------------
# Accounts
# ---------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out client is refused before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Then, where DEMO_ACCOUNTS is off, the demo accounts are refused like a wrong password.
    "members.backends.DemoAccountsBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:dashboard"

ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_PREVENT_ENUMERATION = True
# Opening the link in the browser that signed up logs the new member in (straight to the profile).
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_USER_DISPLAY = "members.models.user_display"
# django-axes locks a (name, client) pair after AXES_FAILURE_LIMIT failures; allauth's own limit
# per name across all clients is kept above it, so that one client's failures do not lock the
# account's owner out, while many clients guessing one name are still slowed down.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,20/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
ACCOUNT_ADAPTER = "members.adapters.AccountAdapter"
# The log-in form's first field says what it takes (not "Log in" like the heading and button).
ACCOUNT_FORMS = {"login": "members.forms.LoginForm"}
ACCOUNT_EMAIL_SUBJECT_PREFIX = format_lazy("[{}] ", _("Community Volunteer Service"))

# django-axes guards every login path (allauth's views and the Django admin alike). It locks the
# (username, client) pair after AXES_FAILURE_LIMIT failures, for existing and unknown usernames
# alike, so a lockout says nothing about whether an account exists.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "members.adapters.axes_username"
AXES_LOCKOUT_CALLABLE = "members.adapters.axes_lockout_response"
AXES_RESET_ON_SUCCESS = True
# The reverse proxies in front of the site: the client is the address the outermost trusted one
# saw (core.http.client_ip, for axes, allauth (members.adapters) and the rate limiter alike).
TRUSTED_PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "core.http.client_ip"
AXES_VERBOSE = False

# ---------------------------------------------------------------------------------------------
# Internationalization
# ---------------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# ---------------------------------------------------------------------------------------------
# Static and media files
# ---------------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "core.storage.StaticStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# ---------------------------------------------------------------------------------------------
# Email
# ---------------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="双报到志愿服务 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Notification emails: one still "sending" after the lease (seconds) has lost its worker and is
# taken up again by the sweep; a failed one is tried again after each delay in turn, then failed.
NOTIFICATION_EMAIL_LEASE = env.int("NOTIFICATION_EMAIL_LEASE", default=10 * 60)
NOTIFICATION_EMAIL_RETRY_DELAYS = env.list(
    "NOTIFICATION_EMAIL_RETRY_DELAYS", cast=int, default=[60, 5 * 60, 30 * 60, 2 * 60 * 60]
)

# ---------------------------------------------------------------------------------------------
# Security (production values whenever DEBUG is off)
# ---------------------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# The Content-Security-Policy of every page, the admin's included (django-csp). Scripts and
# styles come only from the site's own files: no inline <script> (a template that needs one
# gives it nonce="{{ request.csp_nonce }}", which then joins the header), no on* handlers
# (static/js/site.js binds data-* attributes), no style attributes or <style> blocks
# (static/css/), and htmx runs without eval or a style of its own (its meta config in
# base.html). Photos are served by the site itself; Bootstrap's icons are data: URLs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs each step of every PDF at INFO.
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# ---------------------------------------------------------------------------------------------
# Celery: Redis as broker where REDIS_URL is set, otherwise tasks run eagerly in-process.
# ---------------------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Every periodic job, in one place: when each "<app>.<job>" of the apps' jobs.py runs (through
# the one task core.run_job). The database scheduler owns the schedules: `manage.py
# sync_schedules` adds a job that is not there yet and never changes one an admin has edited.
# (Not CELERY_BEAT_SCHEDULE: celery beat would write that over the admin's edits at every start.)
PERIODIC_JOBS = {
    "orders-escalate": {
        "job": "orders.escalate_overdue_orders",
        "schedule": crontab(minute="*/5"),
    },
    "orders-expire-offers": {
        "job": "orders.expire_unanswered_offers",
        "schedule": crontab(minute="*/5"),
    },
    "records-award-stars": {
        "job": "records.award_stars",
        "schedule": crontab(minute=15, hour=3),
    },
    "wishes-remind-overdue-claims": {
        "job": "wishes.remind_overdue_claims",
        "schedule": crontab(minute=0, hour=9),
    },
    "wishes-release-overdue-claims": {
        "job": "wishes.release_overdue_claims",
        "schedule": crontab(minute=30, hour=1),
    },
    "wishes-expire-unclaimed": {
        "job": "wishes.expire_unclaimed_wishes",
        "schedule": crontab(minute=0, hour=1),
    },
    "wishes-daily-digest": {
        "job": "wishes.send_staff_digests",
        "schedule": crontab(minute=0, hour=8),
    },
    "projects-remind-overdue": {
        "job": "projects.remind_overdue_projects",
        "schedule": crontab(minute=15, hour=9),
    },
    "projects-expire-resources": {
        "job": "projects.expire_resources",
        "schedule": crontab(minute=15, hour=1),
    },
    "checkins-check-out-everyone-left": {
        "job": "checkins.check_out_everyone_left",
        "schedule": crontab(minute="*/10"),
    },
    "checkins-remind-to-finalize": {
        "job": "checkins.remind_to_finalize",
        "schedule": crontab(minute=30, hour=8),
    },
    "reports-prepare-drafts": {
        "job": "reports.prepare_due_drafts",
        "schedule": crontab(minute=0, hour=2),
    },
    "reports-remind-members": {
        "job": "reports.send_member_reminders",
        "schedule": crontab(minute=0, hour=9),
    },
    "reports-weekly-review-digest": {
        "job": "reports.send_review_digests",
        "schedule": crontab(minute=0, hour=8, day_of_week="mon"),
    },
    "reports-monthly-overdue-summary": {
        "job": "reports.send_overdue_summaries",
        "schedule": crontab(minute=0, hour=8, day_of_month="1"),
    },
    "notifications-sweep-emails": {
        "job": "notifications.sweep_emails",
        "schedule": crontab(),  # every minute
    },
}

# ---------------------------------------------------------------------------------------------
# The platform's own settings
# ---------------------------------------------------------------------------------------------
SITE_NAME = _("Community Volunteer Service")
# The address users reach the site at, for links in emails.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# Anonymous visitors' public pages (home, wall, stories, communities, a wish, a community) are
# served from the cache for this long (seconds; 0: never), each change starting afresh
# (core.pagecache). Shared by the web processes where REDIS_URL is set.
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=60)
# A signed-in user's pages are kept this long for them alone (core.pagecache.user_page); only
# where the web processes share the cache (REDIS_URL) unless set: with a cache of its own, one
# process would not hear of what the user just did through another.
USER_PAGE_CACHE_SECONDS = env.int("USER_PAGE_CACHE_SECONDS", default=60 if REDIS_URL else 0)
# A signed-in user's row is read from the cache this long instead of the database on each
# request (members.middleware); likewise only where the web processes share the cache: a new
# password or a deactivated account must reach every process at once.
USER_ROW_CACHE_SECONDS = env.int("USER_ROW_CACHE_SECONDS", default=300 if REDIS_URL else 0)
# Public forms (resident wish submissions): requests per client and window.
PUBLIC_FORM_RATE = env("PUBLIC_FORM_RATE", default="5/h")
# The public tracking page (a tracking code and four digits of a phone): tries per client.
TRACKING_RATE = env("TRACKING_RATE", default="10/15m")
# The most wishes a member may hold claimed and not yet completed at once.
# Open claims (active or awaiting confirmation) a claimant may hold at once, by kind.
WISH_MAX_OPEN_CLAIMS = {
    "member": env.int("WISH_MAX_OPEN_CLAIMS", default=3),
    "team": env.int("WISH_MAX_OPEN_CLAIMS_TEAM", default=5),
    "organization": env.int("WISH_MAX_OPEN_CLAIMS_ORGANIZATION", default=10),
}
# Days an overdue claim is kept (after a reminder) before it is released automatically.
WISH_OVERDUE_GRACE_DAYS = env.int("WISH_OVERDUE_GRACE_DAYS", default=3)
# Service orders: how many taken orders a member holds at once; lookups of the public tracking
# page per client address.
ORDERS_MAX_OPEN_PER_MEMBER = env.int("ORDERS_MAX_OPEN_PER_MEMBER", default=3)
ORDERS_TRACK_RATE = env("ORDERS_TRACK_RATE", default="10/h")
# Uploaded images: limits applied before and after decoding.
IMAGE_MAX_BYTES = env.int("IMAGE_MAX_BYTES", default=8 * 1024 * 1024)
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=40_000_000)
IMAGE_DISPLAY_SIZE = 1600
IMAGE_THUMB_SIZE = 400
# Half-year reports: due this many days after the period ends; reminders on these days before.
REPORT_DUE_DAYS = env.int("REPORT_DUE_DAYS", default=15)
REPORT_REMINDER_DAYS_BEFORE = env.list("REPORT_REMINDER_DAYS_BEFORE", cast=int, default=[7, 1])
# Demo accounts with known passwords exist only where this is true (never in production).
DEMO_ACCOUNTS = DEBUG

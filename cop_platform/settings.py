"""
One settings module, read from the environment (see .env.example for every variable).

With no environment at all the platform runs on embedded defaults: DEBUG on, SQLite in var/,
Celery on kombu's filesystem transport (no server), email written to files in var/mail/.
Production sets DEBUG=false, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL and EMAIL_URL.
"""

import os
import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent


class _SetVariables(Mapping):
    """The environment without its empty variables: `KEY=` (a line of a copied .env.example, which
    docker-compose passes on) reads as unset, so the default applies. Read as "", CELERY_BROKER_URL made Celery
    look for RabbitMQ on localhost, MEDIA_ROOT wrote uploads to the working directory, SERVER_EMAIL sent error
    emails from nobody. A required variable set empty is missing, and says so."""

    def __getitem__(self, key):
        value = os.environ[key]
        if value == "":
            raise KeyError(key)
        return value

    def __iter__(self):
        return (key for key, value in os.environ.items() if value != "")

    def __len__(self):
        return sum(1 for _key in self)


env = environ.Env()
env.ENVIRON = _SetVariables()

# Everything the running platform writes (SQLite file, broker folders, mail, media, static) lives here.
VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var")))


def _ensure_dirs(*paths: Path) -> None:
    """The embedded defaults write here; make the folders so a fresh clone runs (read-only images skip)."""
    for path in paths:
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError:
            pass


_ensure_dirs(VAR_DIR, VAR_DIR / "static")

DEBUG = env.bool("DEBUG", default=True)

if DEBUG:
    SECRET_KEY = env("SECRET_KEY", default="django-insecure-dev-only-key-never-use-in-production-0123456789")
else:
    try:
        SECRET_KEY = env("SECRET_KEY")
    except ImproperlyConfigured as exc:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false.") from exc

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "cop_platform.admin_app.PlatformAdminConfig",  # django.contrib.admin, with the platform's site (admin_site.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "allauth",
    "allauth.account",
    "taggit",
    "django_filters",
    "django_countries",
    "cop_platform",
    "members",
    "communities",
    "experts",
    "events",
    "knowledge",
    "indicators",
    "digests",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "cop_platform.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses HTML and other text (a long discussion or the indicators dashboard shrinks 4-8x on slow
    # connections). Static files never reach it: WhiteNoise answers them above, already compressed.
    "cop_platform.compression.TextGZipMiddleware",
    # A NUL character fails every PostgreSQL query that meets it: dropped from cookies, refused in addresses.
    "cop_platform.security.NulCharacterGuard",
    # For a cached page (cop_platform.page_cache): reads the database's snapshot and notes the tables the request
    # reads before its view. First, before the session, the member and the permissions are read.
    "cop_platform.page_cache.PageReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "members.middleware.OnboardingMiddleware",
    "members.middleware.MemberTimeZoneMiddleware",
    # A form sent after the member's session ended is kept for them to sign in and send again.
    "cop_platform.kept_words.SignedOutWordsMiddleware",
    "cop_platform.views.MethodNotAllowedPage",
]

ROOT_URLCONF = "cop_platform.urls"
WSGI_APPLICATION = "cop_platform.wsgi.application"

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
                "cop_platform.context_processors.site",
                "cop_platform.context_processors.notifications",
                "cop_platform.security.csp_nonce",
                "cop_platform.kept_words.kept_words",
            ],
        },
    },
]
# Widgets render through the project's templates too, so templates/admin/widgets/ can fix the admin's markup
# (a <label> for each half of a date/time field); <select> is written in Python (cop_platform/form_renderer.py).
FORM_RENDERER = "cop_platform.form_renderer.Renderer"

# --- Database ---------------------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
# Connections are kept for a minute on PostgreSQL: opening one costs the database a new process, a few
# milliseconds of CPU on every page (in the scale benchmark a bare page went from 160 to 600 requests/s).
# Django checks a kept connection before reusing it, so a database restart costs no failed request. SQLite
# opens a file: nothing to keep.
_IS_POSTGRESQL = "postgresql" in DATABASES["default"]["ENGINE"] or "postgis" in DATABASES["default"]["ENGINE"]
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if _IS_POSTGRESQL else 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if _IS_POSTGRESQL and env.bool("DATABASE_JIT_OFF", default=True):
    # No JIT compilation: this is short web queries and monthly aggregates, for which PostgreSQL's JIT spends
    # more compiling than it saves (it added 1.8 s to a 0.5 s indicator statement at 100k members). Sent as a
    # connection option, which PgBouncer refuses: behind one, set DATABASE_JIT_OFF=false and
    # `ALTER ROLE … SET jit = off` instead.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the Celery worker read while the other writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# --- Redis, cache and Celery ------------------------------------------------------------------------------
def _redis_next_db(url: str) -> str:
    """The same Redis server as `url`, the next database number (cache flushes never touch the broker)."""
    parts = urlsplit(url)
    db = int(parts.path.strip("/") or 0)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db + 1}", parts.query, parts.fragment))


REDIS_URL = env("REDIS_URL", default="")

if REDIS_URL or env("CACHE_URL", default=""):
    CACHES = {
        "default": {
            "BACKEND": "cop_platform.cache.ResilientRedisCache",
            "LOCATION": env("CACHE_URL", default="") or _redis_next_db(REDIS_URL),
            "KEY_PREFIX": "cop",
            "TIMEOUT": 300,
            "OPTIONS": {"socket_timeout": 2, "socket_connect_timeout": 2},
        }
    }
else:
    # Per process. MAX_ENTRIES above Django's 300: a list page keeps 20–24 rendered cards (cop_platform/cards.py),
    # and past the limit every write culls a third of the entries.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "cop",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

# Whole pages kept for the viewer who saw them, while the database is unchanged (cop_platform/page_cache.py):
# PostgreSQL only; at most until the minute ends (the key holds the minute); 0 turns it off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=60)

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
# Short timeouts so a web request never hangs on a Redis broker that is down or stuck (tests use these too).
REDIS_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": 3,
    "socket_connect_timeout": 3,
    "max_retries": 1,
    "visibility_timeout": 3600,
}
CELERY_BROKER_FOLDER = VAR_DIR / "celery"
if CELERY_BROKER_URL.startswith("filesystem://"):
    # kombu's filesystem transport: a queue is a folder, so a laptop needs no broker server.
    _ensure_dirs(CELERY_BROKER_FOLDER / "queue", CELERY_BROKER_FOLDER / "control")
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_FOLDER / "queue"),
        "data_folder_out": str(CELERY_BROKER_FOLDER / "queue"),
        "control_folder": str(CELERY_BROKER_FOLDER / "control"),
    }
    CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
else:
    # Short timeouts so a web request never hangs on a broker that is down or stuck.
    CELERY_BROKER_TRANSPORT_OPTIONS = REDIS_BROKER_TRANSPORT_OPTIONS
    CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request publishes once, with the short socket timeouts above; if that fails the work waits in the
# database (the email outbox, report jobs) and beat hands it over when the broker is back.
CELERY_TASK_PUBLISH_RETRY = False
# No task result is ever read: without this, publishing also subscribes to the result in Redis.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
# Separate queues so a slow report render or a digest round never delays a password-reset email: email has a
# worker of its own (make run, docker-compose), and docker-compose gives reports another.
CELERY_TASK_QUEUES = [Queue("celery"), Queue("email"), Queue("digests"), Queue("reports")]
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {
    "cop_platform.tasks.send_email_task": {"queue": "email"},
    "digests.tasks.*": {"queue": "digests"},
    "indicators.tasks.render_report_task": {"queue": "reports"},
}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
# A task is acknowledged only after it ran, so a worker that dies mid-task leaves it for another worker;
# tasks are therefore written to be idempotent.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # Hourly is enough for "overdue by a day"; the task reminds each referral once however often it runs.
    "remind-overdue-referrals": {"task": "experts.tasks.remind_overdue_referrals_task", "schedule": 3600},
    # Every 10 minutes: each registration is reminded once, about 24 hours before its event starts.
    "send-event-reminders": {"task": "events.tasks.send_event_reminders_task", "schedule": 600},
    # Hourly: members whose next digest is due get it (each once per period, however often this runs).
    "plan-digests": {"task": "digests.tasks.plan_digests_task", "schedule": 3600},
    # Hourly at :20 (a no-op once the month is frozen): freeze last month early on the 1st, queue its progress
    # report once, and re-queue reports whose worker died. At set times of the clock, not every 24 hours from
    # beat's start: beat's schedule file may not survive a redeploy, and each restart would push a day's interval
    # back by a day.
    "freeze-previous-month": {"task": "indicators.tasks.freeze_previous_month_task", "schedule": crontab(minute=20)},
    # Hourly: personal-data exports older than their 7-day link are deleted.
    "purge-expired-exports": {"task": "members.tasks.purge_expired_exports_task", "schedule": 3600},
    # Every 10 minutes: account deletions whose task was lost (broker down when asked) are handed over again.
    "sweep-account-deletions": {"task": "members.tasks.sweep_account_deletions_task", "schedule": 600},
    # Every 10 minutes: products whose re-index after a tag change was lost are searched by their tags as they are.
    "sweep-stale-search": {"task": "knowledge.tasks.sweep_stale_search_task", "schedule": 600},
    # Every minute: emails written while the broker was down go out once it is back.
    "sweep-outbox": {"task": "cop_platform.tasks.sweep_outbox_task", "schedule": 60},
    # Every 10 minutes: the table write log (cop_platform.table_writes) forgets what no kept page can need.
    "prune-table-writes": {"task": "cop_platform.tasks.prune_table_writes_task", "schedule": 600},
}

# --- Email --------------------------------------------------------------------------------------------------
if env("EMAIL_URL", default=""):
    globals().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="CoP Platform <noreply@localhost>")
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

# --- Accounts -----------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "members.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_PREVENT_ENUMERATION = True
# Rate limits are kept in the cache (Redis in production, so every web process shares them).
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "confirm_email": "1/3m/key",
}
# Client IPs for every rate limit: REMOTE_ADDR, unless the site runs behind N proxies that append to
# X-Forwarded-For (then set TRUSTED_PROXY_COUNT=N; cop_platform/client_ip.py reads it). A forged
# X-Forwarded-For is ignored either way.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Members' writes: (per member, per IP). Generous for real use, tight for scripts. RATE_LIMIT_FACTOR
# multiplies them all, e.g. for a training room where a hundred civil servants share one NAT address.
_RATE_FACTOR = env.int("RATE_LIMIT_FACTOR", default=1)
WRITE_RATE_LIMITS = {
    action: tuple(f"{int(rate.split('/')[0]) * _RATE_FACTOR}/{rate.split('/')[1]}" for rate in rates)
    for action, rates in {
        "post": ("20/m", "60/m"),
        "report": ("10/m", "30/m"),
        "ask": ("10/m", "30/m"),
        "register": ("20/m", "60/m"),
        "survey": ("10/m", "30/m"),
        "join": ("20/m", "60/m"),
        # A leader adding members by email is told whether an address has an account, and whose: bounded, so
        # that it is no way to match a list of addresses to names.
        "add_member": ("10/m", "30/m"),
        "account": ("5/m", "20/m"),  # data export requests and account deletion (a password check)
    }.items()
}

CSRF_FAILURE_VIEW = "cop_platform.views.csrf_failure"  # a page that says what to do, not Django's bare one

# --- Site identity ------------------------------------------------------------------------------------------
SITE_NAME = env("SITE_NAME", default="CoP Platform")
# The public address, for links in emails (no trailing slash).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Unset: the platform's own tagline, in the reader's language (cop_platform.context_processors.site); a tagline
# set here shows as written in every language.
SITE_TAGLINE = env("SITE_TAGLINE", default="")
SITE_LOGO = env("SITE_LOGO", default="img/logo.svg")  # a path under static/ or an absolute URL
SITE_ACCENT_COLOR = env("SITE_ACCENT_COLOR", default="#0b5cad")
if not re.fullmatch(r"#[0-9a-fA-F]{6}", SITE_ACCENT_COLOR):
    raise ImproperlyConfigured("SITE_ACCENT_COLOR must be a colour like #0b5cad.")
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
DEMO_PASSWORD = env("DEMO_PASSWORD", default="cop-demo-2026")

# --- Internationalisation -----------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
# Each name is written in its own language and deliberately not translated: a reader looking for their
# language in the switcher recognises "Русский", not its name in the page's current language.
LANGUAGES = [("en", "English"), ("ru", "Русский"), ("my", "မြန်မာ")]
# locale_libraries/ holds Burmese for allauth and Django (which ship little or none); locale/ comes first.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_libraries"]
# Django ships no date/number formats for Burmese; ours are in cop_platform/formats/my/.
FORMAT_MODULE_PATH = ["cop_platform.formats"]
# The language cookie outlives the session, so a visitor keeps their language after signing out.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# ASEAN (with Timor-Leste) and Central Asia first in every country list; any country can still be chosen.
COUNTRIES_FIRST = [
    "BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "TL", "VN",
    "KZ", "KG", "TJ", "TM", "UZ",
]  # fmt: skip
COUNTRIES_FIRST_SORT = True
COUNTRIES_FIRST_BREAK = "──────────"
# django-countries' Russian catalog names Myanmar in the genitive ("Мьянмы"): the name comes from our catalog
# (locale/, which takes precedence over the library's) where it reads "Мьянма".
COUNTRIES_OVERRIDE = {"MM": gettext_lazy("Myanmar")}

# --- Static and media files ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
# Knowledge product files are served only through the download view (permission-checked), never from MEDIA_URL.
KNOWLEDGE_MAX_UPLOAD_MB = env.int("KNOWLEDGE_MAX_UPLOAD_MB", default=25)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, pre-compressed names in production (collectstatic); plain files while developing.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Security -----------------------------------------------------------------------------------------------
# HTTPS defaults to on in production. A trial behind no TLS (docker-compose on a laptop) sets HTTPS=false.
HTTPS = env.bool("HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# --- Logging ------------------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs every rendering step at INFO; its warnings (a refused URL, a missing glyph) still show.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

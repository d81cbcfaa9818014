"""Django settings for binhdan. Every value comes from the environment (see .env.example)."""

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from binhdan.env import (
    cache_from_url,
    data_key,
    database_from_url,
    env_bool,
    env_float,
    env_int,
    env_list,
    env_str,
    load_dotenv,
    secret_key,
)

BASE_DIR = Path(__file__).resolve().parent.parent
load_dotenv(Path.cwd() / ".env")
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = secret_key(VAR_DIR)
# Keys for personal data: ID numbers are stored as keyed hashes, phones encrypted.
PII_HASH_KEY = data_key(VAR_DIR, "PII_HASH_KEY")
PII_ENCRYPTION_KEY = data_key(VAR_DIR, "PII_ENCRYPTION_KEY")

DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "binhdan.core",
    "binhdan.geo",
    "binhdan.accounts",
    "binhdan.people",
    "binhdan.learning",
    "binhdan.outreach",
    "binhdan.kpi",
    "binhdan.campaigns",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "binhdan.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "binhdan.core.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "binhdan.urls"
WSGI_APPLICATION = "binhdan.wsgi.application"

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
                "binhdan.core.context.site",
            ],
        },
    },
]

DATABASES = {"default": database_from_url(env_str("DATABASE_URL", "sqlite:///var/binhdan.sqlite3"), BASE_DIR)}
if env_str("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": cache_from_url(env_str("CACHE_URL", "locmem://"))}
SESSION_ENGINE = env_str("SESSION_ENGINE", "django.contrib.sessions.backends.db")

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "console:index"
LOGOUT_REDIRECT_URL = "home"

# Sign-in throttling: failures counted per account+address, per account and per address.
LOGIN_THROTTLE = {
    "pair_limit": env_int("LOGIN_PAIR_LIMIT", 5),  # same account from the same address
    "account_limit": env_int("LOGIN_ACCOUNT_LIMIT", 20),  # same account from any address
    "address_limit": env_int("LOGIN_ADDRESS_LIMIT", 50),  # any account from one address
    "window_s": env_int("LOGIN_WINDOW_S", 900),
    "pair_lock_s": env_int("LOGIN_PAIR_LOCK_S", 300),
    "account_lock_s": env_int("LOGIN_ACCOUNT_LOCK_S", 120),  # short: an attacker cannot lock a user out for long
    "address_lock_s": env_int("LOGIN_ADDRESS_LOCK_S", 900),
}

# Vietnamese first.
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "vi")
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["binhdan.formats"]
LOCALE_PATHS: list = []  # each app keeps its own catalog under <app>/locale

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 50 * 1024 * 1024)

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 24 * 14)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "binhdan API",
    "DESCRIPTION": "Bình dân học vụ số: units, organisations, people, learning, indicators and reports.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"),
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"pii": {"()": "binhdan.core.logging.RedactPII"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["pii"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

SITE_NAME = env_str("SITE_NAME", "Bình dân học vụ số")

# Level assessments (learning).
LEARNING_ASSESSMENT = {
    "questions": env_int("LEARNING_TEST_QUESTIONS", 20),
    "minutes": env_int("LEARNING_TEST_MINUTES", 30),
    "pass_percent": env_int("LEARNING_PASS_PERCENT", 80),
    "cooldown_minutes": env_int("LEARNING_RETAKE_COOLDOWN_MINUTES", 24 * 60),
}

# Indicators: what counts as "basic digital skills" and as a "Gia đình số" household.
KPI_BASIC_LEVEL = env_int("KPI_BASIC_LEVEL", 3)  # levels 1..3 achieved
KPI_HOUSEHOLD_LEVEL = env_int("KPI_HOUSEHOLD_LEVEL", 2)  # a member at level 2 or above
KPI_LEVEL_SKILL_SHARE = env_float("KPI_LEVEL_SKILL_SHARE", 1.0)  # share of a level's skills needed to reach it
KPI_AMBER_POINTS = env_float("KPI_AMBER_POINTS", 10)  # amber when within this many points of the target

# Field work: what the commune's plausibility view flags.
OUTREACH_PLAUSIBILITY = {
    "max_observed_per_session": env_int("OUTREACH_MAX_OBSERVED_PER_SESSION", 6),
    "repeat_threshold": env_int("OUTREACH_REPEAT_THRESHOLD", 3),
    "inactive_days": env_int("OUTREACH_INACTIVE_DAYS", 14),
}

# The indicator tables use covering indexes (INCLUDE) on PostgreSQL; SQLite builds them
# as plain indexes, which is all it needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

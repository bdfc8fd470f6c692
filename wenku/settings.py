"""Django settings. Everything a site owner sets comes from the environment (see docs/settings.md)."""

from __future__ import annotations

from pathlib import Path

from wenku import config
from wenku.ops.logformat import logging_config

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = config.data_dir()

SECRET_KEY = config.secret_key(DATA_DIR)
DEBUG = config.env_bool("DEBUG", False)
# A real deployment (docs/settings.md): the canonical URL of every absolute link and mail,
# the host names answered (never any host by default: `wenku serve` refuses to start unconfigured, see web/hosts.py),
# the proxies whose X-Forwarded-For/-Proto are believed (web/proxies.py), and https-only cookies and HSTS.
WENKU_SITE_URL = config.env_site_url("WENKU_SITE_URL")
WENKU_ALLOWED_HOSTS = config.env_list("WENKU_ALLOWED_HOSTS")
ALLOWED_HOSTS = WENKU_ALLOWED_HOSTS or config.site_hosts(WENKU_SITE_URL)
CSRF_TRUSTED_ORIGINS = config.env_list("WENKU_CSRF_TRUSTED_ORIGINS") + ([WENKU_SITE_URL] if WENKU_SITE_URL else [])
WENKU_TRUSTED_PROXIES = config.env_networks("WENKU_TRUSTED_PROXIES")
WENKU_HSTS_SECONDS = config.env_int("WENKU_HSTS_SECONDS", 365 * 24 * 3600)
if WENKU_SITE_URL.startswith("https://"):
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = WENKU_HSTS_SECONDS  # sent on https responses only (SecurityMiddleware)

INSTALLED_APPS = [
    "wenku.web.admin_site.WenkuAdminConfig",  # django.contrib.admin, hardened (see the module)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "wenku.library",
    "wenku.accounts",
    "wenku.uploads",
    "wenku.downloads",
    "wenku.search",
    "wenku.checking",
    "wenku.jobs",
    "wenku.web",
    "wenku.cli",
    "ninja",  # /api/docs: Swagger UI from ninja's own static files, not a CDN (works offline)
]

MIDDLEWARE = [
    "wenku.web.proxies.TrustedProxyMiddleware",  # first: everything after it sees the client's address and scheme
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "wenku.web.params.QueryStringGuard",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "wenku.accounts.middleware.BearerTokenMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "wenku.urls"
WSGI_APPLICATION = "wenku.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wenku.web.context.site",
            ],
        },
    }
]

DATABASES = {"default": config.database_settings(config.env_str("DATABASE_URL", ""), DATA_DIR)}
config.protect_database_files(DATABASES["default"])  # 0600, also those of an older data dir
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# "default": a per-process memory cache that only speeds pages up (rendered reading pages, related-document ids).
# "shared": the store every process shares, for throttles (wenku/lib/ratelimit.py): a database table (made by
# accounts' migration 0002) by default, Redis when WENKU_REDIS_URL is set.
WENKU_REDIS_URL = config.env_str("WENKU_REDIS_URL", "")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
    "shared": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": WENKU_REDIS_URL,
            "KEY_PREFIX": config.env_str("WENKU_REDIS_PREFIX", "wenku"),
        }
        if WENKU_REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "wenku_shared_cache",
            # Past this many rows expired ones are deleted, then (only then) a third of the live ones: throttle
            # counts would be forgotten. Each write counts the rows, so not much higher.
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        }
    ),
}

# Accounts (wenku/accounts). New passwords are hashed with Argon2; the other hashers verify older hashes.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["wenku.accounts.backends.ThrottledModelBackend"]  # ModelBackend + failed-login limit
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:me"
LOGOUT_REDIRECT_URL = "web:home"
EMAIL_BACKEND = config.env_str("WENKU_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = config.env_str("WENKU_EMAIL_HOST", "localhost")
EMAIL_PORT = config.env_int("WENKU_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = config.env_str("WENKU_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = config.env_str("WENKU_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = config.env_bool("WENKU_EMAIL_TLS", False)
EMAIL_USE_SSL = config.env_bool("WENKU_EMAIL_SSL", False)
DEFAULT_FROM_EMAIL = config.env_str("WENKU_EMAIL_FROM", "webmaster@localhost")

# One language for the site, the CLI and the API (messages are written in English and translated with gettext).
# Not negotiated per request: the pages' own text is Chinese, and a browser asking for English would get a page
# of two languages (English form messages and upload reasons inside Chinese pages).
LANGUAGE_CODE = config.env_choice("WENKU_LANGUAGE", "zh-hans", ("zh-hans", "en"))
LANGUAGES = [(LANGUAGE_CODE, {"zh-hans": "简体中文", "en": "English"}[LANGUAGE_CODE])]
LOCALE_PATHS = [BASE_DIR / "locale"]  # messages outside the apps' own catalogs (importer reasons, CLI, API)
TIME_ZONE = config.env_str("WENKU_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # filled by collectstatic (wenku serve); whitenoise wants it to exist
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

# Wenku's own settings.
WENKU_SITE_NAME = config.env_str("WENKU_SITE_NAME", "文库")
WENKU_PAGE_CHARS = config.env_int("WENKU_PAGE_CHARS", 3000, minimum=100)
# A run of Latin letters is one 字: pages are bounded in code points too (text/pagination.py).
WENKU_PAGE_MAX_CODEPOINTS = config.env_int("WENKU_PAGE_MAX_CODEPOINTS", 3 * WENKU_PAGE_CHARS, minimum=100)
WENKU_READING_CHARS_PER_MINUTE = config.env_int("WENKU_READING_CHARS_PER_MINUTE", 300, minimum=1)
WENKU_MAX_FILE_MB = config.env_int("WENKU_MAX_FILE_MB", 100, minimum=1)
WENKU_MAX_TEXT_CHARS = config.env_int("WENKU_MAX_TEXT_CHARS", 20_000_000, minimum=1000)
# What a converter may read out of one file (wenku/ingest/limits.py) and the sandbox it reads in (ingest/sandbox.py).
WENKU_MAX_PARAGRAPHS = config.env_int("WENKU_MAX_PARAGRAPHS", 200_000, minimum=100)
WENKU_MAX_LINES = config.env_int("WENKU_MAX_LINES", 2_000_000, minimum=100)
WENKU_MAX_PAGES = config.env_int("WENKU_MAX_PAGES", 10_000, minimum=1)
WENKU_PARSE_TIMEOUT = config.env_int("WENKU_PARSE_TIMEOUT", 20, minimum=1)
WENKU_PARSE_MEMORY_MB = config.env_int("WENKU_PARSE_MEMORY_MB", 1024, minimum=128)
WENKU_MAX_UPLOAD_FILES = config.env_int("WENKU_MAX_UPLOAD_FILES", 20, minimum=1)
DATA_UPLOAD_MAX_NUMBER_FILES = WENKU_MAX_UPLOAD_FILES  # Django refuses the request at the next file part
WENKU_ORIGINALS_DIR = DATA_DIR / "originals"
WENKU_LIST_PAGE_SIZE = 20
WENKU_SEARCH_BACKEND = config.env_str("WENKU_SEARCH_BACKEND", "auto")  # auto | tantivy | postgres
# Background work (wenku/jobs): a job's lease is extended by its worker's heartbeat; a job whose worker died is
# taken again when it runs out, at most WENKU_JOB_ATTEMPTS times. An upload waits up to WENKU_UPLOAD_WAIT seconds
# for its job to finish before answering "queued" (the page then polls).
WENKU_JOB_LEASE = config.env_int("WENKU_JOB_LEASE", 60, minimum=2)
WENKU_JOB_ATTEMPTS = config.env_int("WENKU_JOB_ATTEMPTS", 3, minimum=1)
WENKU_UPLOAD_WAIT = config.env_int("WENKU_UPLOAD_WAIT", 10, minimum=0)
# Tests and debugging only: run an upload's import job inside the request instead of in `wenku worker`.
WENKU_RUN_JOBS_IN_REQUEST = config.env_bool("WENKU_RUN_JOBS_IN_REQUEST", False)
# `wenku import` starts a second process that indexes and reviews what it stored (jobs/settler.py) once it has
# imported this many characters and more files follow; 0: never (index and review after the whole import).
WENKU_IMPORT_SETTLE_AHEAD = config.env_int("WENKU_IMPORT_SETTLE_AHEAD", 1_000_000, minimum=0)
WENKU_IMPORT_SETTLE_CHUNK = config.env_int("WENKU_IMPORT_SETTLE_CHUNK", 1500, minimum=1)
# /healthz says "behind" (503) when work has waited longer than this many seconds for a worker.
WENKU_WORKER_MAX_LAG = config.env_int("WENKU_WORKER_MAX_LAG", 300, minimum=1)
# One process writes the indexes at a time (search/writer_lock.py); the others wait this long, then leave the
# work to the one writing (the outbox keeps it).
WENKU_INDEX_WRITER_WAIT = config.env_int("WENKU_INDEX_WRITER_WAIT", 600, minimum=0)
# Office formats (.doc .wps .rtf .odt .ppt .pptx) are converted by headless LibreOffice, fenced in (ingest/office.py).
WENKU_SOFFICE = config.env_str("WENKU_SOFFICE", "soffice")
WENKU_OFFICE_TIMEOUT = config.env_int("WENKU_OFFICE_TIMEOUT", 120, minimum=1)
WENKU_OFFICE_MEMORY_MB = config.env_int("WENKU_OFFICE_MEMORY_MB", 2048, minimum=256)
# Downloads (wenku/downloads): per document by its download_policy; this turns them off for anonymous visitors.
WENKU_ANONYMOUS_DOWNLOADS = config.env_bool("WENKU_ANONYMOUS_DOWNLOADS", True)
# Anonymous visitors counted per document per day per address (0: no limit); see wenku/library/view_counter.py.
WENKU_VIEWS_PER_ADDRESS = config.env_int("WENKU_VIEWS_PER_ADDRESS", 50)
# Indexes kept in step with the library alongside the search index (each has upsert/delete/commit/clear).
WENKU_INDEX_FOLLOWERS = ["wenku.checking.follower.FingerprintFollower"]
WENKU_CHECK_MIN_RUN = config.env_int("WENKU_CHECK_MIN_RUN", 13, minimum=8)
WENKU_CHECK_COMMON_DOCS = config.env_int("WENKU_CHECK_COMMON_DOCS", 20, minimum=1)
WENKU_CHECK_MAX_CHARS = config.env_int("WENKU_CHECK_MAX_CHARS", 200_000, minimum=1000)
WENKU_CHECK_PARSE_TIMEOUT = config.env_int("WENKU_CHECK_PARSE_TIMEOUT", 5, minimum=1)
WENKU_DUPLICATE_SHARE = config.env_int("WENKU_DUPLICATE_SHARE", 80, minimum=1)
WENKU_DUPLICATE_POLICY = config.env_choice("WENKU_DUPLICATE_POLICY", "accept", ("accept", "flag", "reject"))

# Throttles (counted in the shared store or, for logins, in the database) and per-user upload quotas; 0: no limit.
WENKU_LOGIN_FAILURES_PER_USERNAME = config.env_int("WENKU_LOGIN_FAILURES_PER_USERNAME", 5, minimum=1)
WENKU_LOGIN_FAILURES_PER_ADDRESS = config.env_int("WENKU_LOGIN_FAILURES_PER_ADDRESS", 20)
WENKU_LOGIN_WINDOW_MINUTES = config.env_int("WENKU_LOGIN_WINDOW_MINUTES", 15, minimum=1)
WENKU_CHECK_ANONYMOUS_LIMIT = config.env_int("WENKU_CHECK_ANONYMOUS_LIMIT", 10)
WENKU_CHECK_USER_LIMIT = config.env_int("WENKU_CHECK_USER_LIMIT", 60)
WENKU_CHECK_WINDOW_MINUTES = config.env_int("WENKU_CHECK_WINDOW_MINUTES", 10, minimum=1)
WENKU_REGISTRATIONS_PER_ADDRESS_HOUR = config.env_int("WENKU_REGISTRATIONS_PER_ADDRESS_HOUR", 5)
WENKU_PASSWORD_RESETS_PER_ADDRESS_HOUR = config.env_int("WENKU_PASSWORD_RESETS_PER_ADDRESS_HOUR", 10)
WENKU_PASSWORD_RESETS_PER_EMAIL_HOUR = config.env_int("WENKU_PASSWORD_RESETS_PER_EMAIL_HOUR", 3)
WENKU_UPLOAD_FILES_PER_DAY = config.env_int("WENKU_UPLOAD_FILES_PER_DAY", 100)
WENKU_UPLOAD_MB_PER_DAY = config.env_int("WENKU_UPLOAD_MB_PER_DAY", 500)
WENKU_UPLOAD_DOCUMENTS_PER_DAY = config.env_int("WENKU_UPLOAD_DOCUMENTS_PER_DAY", 500)

# Logs to stderr; WENKU_LOG_FORMAT=json: one JSON object per line. Imports, failures and moderation actions are
# logged as events of logger "wenku.events" (wenku/ops/events.py) whatever the level.
WENKU_LOG_FORMAT = config.env_choice("WENKU_LOG_FORMAT", "text", ("text", "json"))
LOGGING = logging_config(level=config.env_str("WENKU_LOG_LEVEL", "WARNING"), fmt=WENKU_LOG_FORMAT)

"""Django settings. Everything a site owner sets comes from the environment (see docs/settings.md)."""

from __future__ import annotations

from pathlib import Path

from wenku import config

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = config.data_dir()

SECRET_KEY = config.secret_key(DATA_DIR)
DEBUG = config.env_bool("DEBUG", False)
ALLOWED_HOSTS = [h.strip() for h in config.env_str("WENKU_ALLOWED_HOSTS", "*").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in config.env_str("WENKU_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

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
    "wenku.web",
    "wenku.cli",
]

MIDDLEWARE = [
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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Per-process memory cache: rendered reading pages for anonymous readers, related-document ids.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
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

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": config.env_str("WENKU_LOG_LEVEL", "WARNING")},
}

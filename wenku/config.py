"""Settings read from the environment through small typed helpers that fail loudly.

Kept free of Django imports so that the CLI and settings share it without start-up cost.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import unquote, urlsplit


class ConfigError(ValueError):
    """A setting from the environment has a value we cannot use."""


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


def env_int(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not an integer") from None
    if value < minimum:
        raise ConfigError(f"{name}={value} is below the minimum {minimum}")
    return value


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value not in choices:
        raise ConfigError(f"{name}={raw!r} is not one of {', '.join(choices)}")
    return value


def data_dir() -> Path:
    """WENKU_DATA_DIR (default ./wenku-data), created if missing."""
    path = Path(env_str("WENKU_DATA_DIR", "wenku-data")).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(directory: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the data dir."""
    given = os.environ.get("SECRET_KEY")
    if given:
        return given
    key_file = directory / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="ascii").strip()
    key = secrets.token_urlsafe(50)
    temp = key_file.with_suffix(".tmp")
    temp.write_text(key, encoding="ascii")
    temp.chmod(0o600)
    try:
        # link() fails if another process won the race; then its key is the one to keep.
        os.link(temp, key_file)
    except FileExistsError:
        pass
    finally:
        temp.unlink(missing_ok=True)
    return key_file.read_text(encoding="ascii").strip()


def database_settings(url: str | None, directory: Path) -> dict:
    """Django DATABASES['default'] for DATABASE_URL: sqlite:///path or postgres://user:pass@host:port/name."""
    if not url:
        return _sqlite(directory / "wenku.sqlite3")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        # sqlite:///name.db is relative to the data dir, sqlite:////abs/name.db is absolute.
        path = Path(unquote(parts.path)[1:])
        return _sqlite(path if path.is_absolute() else directory / path)
    if scheme in ("postgres", "postgresql", "pgsql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")) or "wenku",
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    raise ConfigError(f"DATABASE_URL scheme {scheme!r} is not supported (use sqlite:/// or postgres://)")


def _sqlite(path: Path) -> dict:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        # Tests use a real file too (not shared-cache memory), so WAL, busy timeouts and locking behave as in use.
        "TEST": {"NAME": str(path.with_name(f"test_{path.name}"))},
        # Keep each thread's connection: opening one runs the PRAGMAs below, which costs more than a page view.
        "CONN_MAX_AGE": None,
        "OPTIONS": {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        },
    }

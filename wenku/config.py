"""Settings read from the environment through small typed helpers that fail loudly.

Kept free of Django imports so that the CLI and settings share it without start-up cost.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import secrets
import tempfile
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


PRIVATE_UMASK = 0o077  # files 0600, folders 0700


def data_dir_choice() -> tuple[Path, str]:
    """The data dir and why it is the one: ``WENKU_DATA_DIR`` when set; else ``wenku-data`` beside the source
    checkout this code runs from (``run.py demo`` and ``.venv/bin/wenku`` share it, whatever the current folder);
    else, for an installed wheel, the user's data folder (``$XDG_DATA_HOME/wenku``, ``~/.local/share/wenku``).
    Never the current folder by surprise."""
    given = os.environ.get("WENKU_DATA_DIR")
    if given:
        return Path(given).expanduser().resolve(), "WENKU_DATA_DIR"
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "run.py").is_file():
        return checkout / "wenku-data", "checkout"
    home = os.environ.get("XDG_DATA_HOME") or str(Path("~/.local/share").expanduser())
    return Path(home).expanduser().resolve() / "wenku", "user"


def data_dir() -> Path:
    """The data dir (see data_dir_choice), created if missing, for this user only (0700).

    It holds password hashes, session keys, private documents and the secret key, so the process umask becomes
    077 too: everything Wenku writes afterwards (the SQLite database with its -wal and -shm files, originals,
    indexes, downloads, backups) is 0600/0700. A data dir made by an older version is tightened here."""
    os.umask(PRIVATE_UMASK)
    path, _why = data_dir_choice()
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    make_private(path)
    return path


def make_private(path: Path) -> None:
    """Take group and other permissions off a file or folder of ours (one we do not own is left alone)."""
    try:
        mode = path.stat().st_mode
        if mode & 0o077:
            path.chmod(mode & 0o700)
    except (FileNotFoundError, PermissionError):
        pass


def protect_database_files(database: dict) -> None:
    """The SQLite database and its -wal/-shm files of an existing data dir, 0600 (new ones are, by the umask)."""
    if database.get("ENGINE") != "django.db.backends.sqlite3":
        return
    name = Path(database["NAME"])
    for path in (name, name.with_name(name.name + "-wal"), name.with_name(name.name + "-shm")):
        make_private(path)


def secret_key(directory: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the data dir."""
    given = os.environ.get("SECRET_KEY")
    if given:
        return given
    key_file = directory / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="ascii").strip()
    # Several processes may start at once on a new data dir: each writes its key to a temp file of its own (0600
    # from mkstemp, complete before it is linked), and link() makes the first one the key; the others fail with
    # FileExistsError and read that one.
    fd, temp = tempfile.mkstemp(dir=directory, prefix=".secret_key.")
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(50))
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(temp, key_file)
    finally:
        Path(temp).unlink(missing_ok=True)
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


def env_list(name: str) -> list[str]:
    """A comma-separated list, blanks dropped; empty when unset."""
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def env_site_url(name: str) -> str:
    """The site's canonical origin, ``scheme://host[:port]`` (host in IDNA, no trailing slash), or "" when unset.

    No path: Wenku's URLs start at the root of the origin (behind a proxy that mounts it under a prefix, the
    prefix comes from SCRIPT_NAME as usual)."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return ""
    problem = f"{name}={raw!r} is not a site URL such as https://wenku.example.org (http or https, a host, no path)"
    parts = urlsplit(raw)
    try:
        port = parts.port
        host = (parts.hostname or "").encode("idna").decode("ascii")
    except (ValueError, UnicodeError):
        raise ConfigError(problem) from None
    if parts.scheme.lower() not in ("http", "https") or not host or parts.path not in ("", "/"):
        raise ConfigError(problem)
    if parts.query or parts.fragment or parts.username is not None:
        raise ConfigError(problem)
    host = f"[{host}]" if ":" in host else host
    return f"{parts.scheme.lower()}://{host}{f':{port}' if port is not None else ''}"


def site_hosts(site_url: str) -> list[str]:
    """The host names to answer to by default: the site URL's host (if any) and the loopback names."""
    netloc = urlsplit(site_url).netloc
    host = netloc if netloc.endswith("]") else netloc.rsplit(":", 1)[0]  # without the port; [IPv6] kept bracketed
    return [*([host] if host else []), "localhost", "127.0.0.1", "[::1]"]


def env_networks(name: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """A comma-separated list of IP addresses and networks (CIDR), e.g. ``127.0.0.1, 10.0.0.0/8, ::1``."""
    networks = []
    for item in env_list(name):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ConfigError(f"{name}: {item!r} is not an IP address or network (like 10.0.0.0/8)") from None
    return networks

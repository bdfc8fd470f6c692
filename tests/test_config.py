"""Settings from the environment: database URLs, the kept secret key, loud failures on bad values."""

from __future__ import annotations

import subprocess
import sys

import pytest

from wenku import config


def test_database_urls(tmp_path):
    assert config.database_settings("", tmp_path)["NAME"] == str(tmp_path / "wenku.sqlite3")
    assert config.database_settings("sqlite:///site.db", tmp_path)["NAME"] == str(tmp_path / "site.db")
    assert config.database_settings("sqlite:////srv/w/site.db", tmp_path)["NAME"] == "/srv/w/site.db"
    pg = config.database_settings("postgres://wenku:p%40ss@db.example:5433/library", tmp_path)
    assert (pg["ENGINE"], pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"], pg["NAME"]) == (
        "django.db.backends.postgresql",
        "wenku",
        "p@ss",
        "db.example",
        "5433",
        "library",
    )
    with pytest.raises(config.ConfigError, match="mysql"):
        config.database_settings("mysql://x", tmp_path)


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    options = config.database_settings("", tmp_path)["OPTIONS"]
    assert "journal_mode=WAL" in options["init_command"] and options["timeout"] >= 5


def test_the_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = config.secret_key(tmp_path)
    assert len(first) > 40 and config.secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    monkeypatch.setenv("SECRET_KEY", "given")
    assert config.secret_key(tmp_path) == "given"


@pytest.mark.parametrize(("raw", "value"), [("1", True), ("off", False), ("", True)])
def test_booleans(monkeypatch, raw, value):
    monkeypatch.setenv("X_FLAG", raw)
    assert config.env_bool("X_FLAG", True) is value


def test_a_bad_value_fails_loudly(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(config.ConfigError, match="X_FLAG='maybe'"):
        config.env_bool("X_FLAG", False)
    monkeypatch.setenv("X_NUM", "12a")
    with pytest.raises(config.ConfigError, match="not an integer"):
        config.env_int("X_NUM", 1)


def test_wenku_creates_and_migrates_a_new_data_dir(tmp_path, reports_dir):
    data = tmp_path / "fresh" / "data"
    env = {"WENKU_DATA_DIR": str(data), "PATH": "/usr/bin:/bin", "DATABASE_URL": ""}
    report = reports_dir / "1975.txt"
    wenku = [sys.executable, "-c", "from wenku.cli.main import main; main()"]
    done = subprocess.run([*wenku, "import", "--json", str(report)], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert '"status": "imported"' in done.stdout
    assert (data / "wenku.sqlite3").exists() and (data / "secret_key").exists()
    assert any((data / "originals").rglob("*.txt"))

"""A whole Wenku site in a temporary data dir, driven through real `wenku` processes: its own SQLite database, or
its own PostgreSQL database when the tests run on PostgreSQL (dropped afterwards)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

WENKU = [sys.executable, "-c", "from wenku.cli.main import main; main()"]


class Site:
    def __init__(self, directory: Path, database_url: str = "") -> None:
        self.directory = directory
        self.database_url = database_url
        self.env = {
            **os.environ,
            "WENKU_DATA_DIR": str(directory),
            "DATABASE_URL": database_url,
            "WENKU_JOB_LEASE": "2",
            "WENKU_LOG_LEVEL": "WARNING",
        }

    def run(self, *args: str, timeout: float = 300, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run([*WENKU, *args], env=self.env, capture_output=True, text=True, timeout=timeout)
        if check and done.returncode != 0:
            raise AssertionError(f"wenku {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
        return done

    def start(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(
            [*WENKU, *args], env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    def python(self, code: str, timeout: float = 300) -> str:
        """Run Python with the site's settings loaded (as `wenku shell -c` does)."""
        return self.run("shell", "-c", code, timeout=timeout).stdout

    def query(self, sql: str) -> list[tuple]:
        """Read the site's database directly (no Django in between)."""
        if not self.database_url:
            with sqlite3.connect(self.directory / "wenku.sqlite3", timeout=30) as connection:
                return connection.execute(sql).fetchall()
        import psycopg

        with psycopg.connect(self.database_url) as connection:
            return connection.execute(sql).fetchall()

    def search(self, query: str) -> dict:
        return json.loads(self.run("search", "--json", query).stdout)


def new_site(tmp_path: Path, engine: str) -> tuple[Site, callable]:
    """A site on ``engine`` (sqlite or postgresql), and the function that removes its database."""
    directory = tmp_path / "site"
    directory.mkdir()
    if engine != "postgresql":
        return Site(directory), lambda: None
    import psycopg

    base = os.environ["DATABASE_URL"]
    name = f"wenku_site_{uuid.uuid4().hex[:10]}"
    parts = urlsplit(base)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return Site(directory, urlunsplit(parts._replace(path=f"/{name}"))), drop

"""Consistent database snapshots: SQLite through the online backup API, PostgreSQL through pg_dump/pg_restore.

A snapshot is taken while the site runs. SQLite's backup API copies the database as of one read transaction (the
WAL's committed frames included); pg_dump reads one MVCC snapshot, and the row counts written into the manifest are
read in that same snapshot (``pg_export_snapshot``), so they describe exactly what the dump holds.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, connections, transaction
from django.utils.translation import gettext as _

SQLITE_FILE = "database.sqlite3"
PGDUMP_FILE = "database.pgdump"


class SnapshotError(RuntimeError):
    """The database could not be saved or loaded; the message says why and what to do."""


# What a manifest counts: the rows a restore must bring back, by model.
COUNTED = {
    "documents": "library.Document",
    "pages": "library.Page",
    "articles": "library.Article",
    "categories": "library.Category",
    "users": settings.AUTH_USER_MODEL,
}


def engine() -> str:
    """``sqlite`` or ``postgresql``: the engine of the default database."""
    return connection.vendor


def file_name(vendor: str) -> str:
    return SQLITE_FILE if vendor == "sqlite" else PGDUMP_FILE


def _tables() -> dict[str, str]:
    return {name: apps.get_model(label)._meta.db_table for name, label in COUNTED.items()}


def _count(execute: Callable[[str], int]) -> dict[str, int]:
    return {name: execute(f'SELECT COUNT(*) FROM "{table}"') for name, table in _tables().items()}


def _originals_query() -> str:
    return f'SELECT DISTINCT original_file FROM "{apps.get_model("library.Document")._meta.db_table}"'


def save(target: Path) -> tuple[dict[str, int], set[str]]:
    """Write a snapshot of the default database to ``target``; returns its row counts and the original files
    its documents name (relative to the data dir), both read from the snapshot itself."""
    if engine() == "sqlite":
        return _save_sqlite(target)
    if engine() == "postgresql":
        return _save_postgres(target)
    raise SnapshotError(f"cannot back up a {engine()} database")


def _save_sqlite(target: Path) -> tuple[dict[str, int], set[str]]:
    source = sqlite3.connect(f"file:{connection.settings_dict['NAME']}?mode=ro", uri=True, timeout=60)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # all pages in one step: one read transaction, so one consistent state
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        counts = _count(lambda sql: copy.execute(sql).fetchone()[0])
        originals = {row[0] for row in copy.execute(_originals_query())}
    finally:
        copy.close()
        source.close()
    target.chmod(0o600)
    return counts, originals


def _save_postgres(target: Path) -> tuple[dict[str, int], set[str]]:
    pg_dump = _program("pg_dump")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot_id = cursor.fetchone()[0]

        def count(sql: str) -> int:
            cursor.execute(sql)
            return cursor.fetchone()[0]

        counts = _count(count)
        cursor.execute(_originals_query())
        originals = {row[0] for row in cursor.fetchall()}
        # pg_dump reads the snapshot this transaction exported; it must stay open until pg_dump has started.
        _run(
            [
                pg_dump,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot_id}",
                f"--file={target}",
            ]
        )
    target.chmod(0o600)
    return counts, originals


# -- restore ----------------------------------------------------------------------------------------------------
def user_tables() -> list[str]:
    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


def holds_data() -> bool:
    """Whether the default database holds anything a restore would destroy: documents, users or categories.
    A new database, or one only migrated (e.g. by a first `wenku serve`), holds nothing."""
    tables = set(user_tables())
    if not tables:
        return False
    counted = _tables()
    if not set(counted.values()) <= tables:
        return True  # tables of something else: not ours to overwrite
    with connection.cursor() as cursor:

        def count(sql: str) -> int:
            cursor.execute(sql)
            return cursor.fetchone()[0]

        return any(count(f'SELECT COUNT(*) FROM "{counted[name]}"') for name in ("documents", "users", "categories"))


def check_engine(vendor: str) -> None:
    """A snapshot loads into the engine it was made on only (a SQLite file is no pg_restore input, and back)."""
    if vendor != engine():
        message = _(
            "this backup holds a %(theirs)s database and this site uses %(ours)s: restoring across database engines "
            "is not supported. Restore it with the same engine (DATABASE_URL), or move the documents with `wenku "
            "export` and `wenku import`."
        )
        raise SnapshotError(message % {"theirs": vendor, "ours": engine()})


def load(source: Path, vendor: str) -> None:
    """Replace the default database with the snapshot at ``source`` (made on ``vendor``)."""
    check_engine(vendor)
    if vendor == "sqlite":
        _load_sqlite(source)
    else:
        _load_postgres(source)


def _load_sqlite(source: Path) -> None:
    target = Path(connection.settings_dict["NAME"])
    connections.close_all()
    target.parent.mkdir(parents=True, exist_ok=True)
    snapshot = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    database = sqlite3.connect(target, timeout=60)
    try:
        snapshot.backup(database)  # page by page under SQLite's own locks, whatever WAL the old file had
    finally:
        database.close()
        snapshot.close()
    for path in (target, target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
        if path.exists():
            path.chmod(0o600)


def _load_postgres(source: Path) -> None:
    pg_restore = _program("pg_restore")
    tables = user_tables()
    if tables:  # the caller has made sure these may go (only migrated, or --force)
        with connection.cursor() as cursor:
            cursor.execute(
                "DROP TABLE IF EXISTS " + ", ".join(connection.ops.quote_name(t) for t in tables) + " CASCADE"
            )
    connections.close_all()
    _run(
        [
            pg_restore,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={connection.settings_dict['NAME']}",
            str(source),
        ]
    )


# -- helpers ----------------------------------------------------------------------------------------------------
def _program(name: str) -> str:
    found = shutil.which(name)
    if not found:
        message = _(
            "%(program)s was not found on PATH: it is needed to back up and restore a PostgreSQL database. Install "
            "the PostgreSQL client of the server's major version or newer (Debian: apt-get install postgresql-client)."
        )
        raise SnapshotError(message % {"program": name})
    return found


def _pg_environment() -> dict[str, str]:
    """libpq's variables for the default database: the password never appears on a command line."""
    database = connection.settings_dict
    env = dict(os.environ)
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if database.get(key):
            env[variable] = str(database[key])
    env["PGDATABASE"] = database["NAME"]
    return env


def _run(command: list[str]) -> None:
    done = subprocess.run(command, env=_pg_environment(), capture_output=True, text=True)
    if done.returncode:
        program = Path(command[0]).name
        output = done.stderr.strip() or done.stdout.strip()
        raise SnapshotError(
            _("%(program)s failed (%(code)d): %(output)s")
            % {"program": program, "code": done.returncode, "output": output}
        )

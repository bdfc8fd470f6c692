"""One index writer at a time, across every process of a site.

tantivy refuses a second IndexWriter (``LockBusy``) and the PostgreSQL index tables would interleave two
writers' batches, so every write to the indexes (applying the outbox, a rebuild) holds this lock: a lock file in
the data dir where the index lives on this machine (SQLite sites), a PostgreSQL advisory lock where several
machines share the database. Both are released by the operating system or the server when their process dies,
so a ``kill -9`` never leaves the indexes locked.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import connection

# pg_advisory_lock takes one bigint: a fixed number for "the Wenku index writer" (the bytes of "wenkuidx").
_ADVISORY_KEY = int.from_bytes(b"wenkuidx", "big") & 0x7FFF_FFFF_FFFF_FFFF
_POLL_SECONDS = 0.05
_held = threading.local()  # re-entrant within a thread: a rebuild inside an apply keeps the lock it holds


class IndexBusy(Exception):
    """Another process kept the index writer for longer than this one was willing to wait."""


@contextlib.contextmanager
def index_writer(wait: float) -> Iterator[None]:
    """Hold the site's index writer lock, waiting up to ``wait`` seconds for it; IndexBusy if it stays taken."""
    depth = getattr(_held, "depth", 0)
    if depth:
        _held.depth = depth + 1
        try:
            yield
        finally:
            _held.depth = depth
        return
    lock = _advisory_lock(wait) if connection.vendor == "postgresql" else _file_lock(_lock_file(), wait)
    with lock:
        _held.depth = 1
        try:
            yield
        finally:
            _held.depth = 0


def _lock_file() -> Path:
    return Path(settings.DATA_DIR) / "index-writer.lock"


@contextlib.contextmanager
def _file_lock(path: Path, wait: float) -> Iterator[None]:
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        _acquire(lambda: _try_flock(descriptor), wait)
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


def _try_flock(descriptor: int) -> bool:
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


@contextlib.contextmanager
def _advisory_lock(wait: float) -> Iterator[None]:
    def attempt() -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [_ADVISORY_KEY])
            return bool(cursor.fetchone()[0])

    _acquire(attempt, wait)
    try:
        yield
    finally:
        with contextlib.suppress(Exception), connection.cursor() as cursor:  # a broken connection has unlocked
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_ADVISORY_KEY])


def _acquire(attempt, wait: float) -> None:
    deadline = time.monotonic() + max(0.0, wait)
    while not attempt():
        if time.monotonic() >= deadline:
            raise IndexBusy(f"another process is writing the search index (waited {wait:g} s)")
        time.sleep(_POLL_SECONDS)


def holds_index_writer(function):
    """Run ``function`` holding the index writer lock, waiting up to WENKU_INDEX_WRITER_WAIT seconds for it."""

    @functools.wraps(function)
    def locked(*args, **kwargs):
        with index_writer(settings.WENKU_INDEX_WRITER_WAIT):
            return function(*args, **kwargs)

    return locked

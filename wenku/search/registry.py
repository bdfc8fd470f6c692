"""Which backend this site searches with: tantivy in the data dir, or PostgreSQL when the database is."""

from __future__ import annotations

import threading
from pathlib import Path

from django.conf import settings
from django.db import connection

from wenku.search.backends.base import SearchBackend

_local = threading.local()


def backend_name() -> str:
    configured = getattr(settings, "WENKU_SEARCH_BACKEND", "auto")
    if configured == "auto":
        return "postgres" if connection.vendor == "postgresql" else "tantivy"
    return configured


def get_backend() -> SearchBackend:
    """The backend for this thread (tantivy objects are opened once per thread and index directory)."""
    name = backend_name()
    key = (name, str(index_dir()))
    cached = getattr(_local, "backend", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    if name == "postgres":
        from wenku.search.backends.postgres_backend import PostgresBackend

        backend: SearchBackend = PostgresBackend()
    else:
        from wenku.search.backends.tantivy_backend import TantivyBackend

        backend = TantivyBackend(index_dir())
    _local.backend = (key, backend)
    return backend


def index_dir() -> Path:
    return Path(settings.DATA_DIR) / "search-index"


def forget_backend() -> None:
    _local.backend = None

"""Which fingerprint index this site uses: files beside the search index, or PostgreSQL in server mode."""

from __future__ import annotations

import threading
from pathlib import Path

from django.conf import settings
from django.db import connection

from wenku.checking.fingerprints import window_for
from wenku.checking.index.base import FingerprintIndex, current_version

_local = threading.local()


def window() -> int:
    return window_for(settings.WENKU_CHECK_MIN_RUN)


def index_dir() -> Path:
    return Path(settings.DATA_DIR) / "check-index"


def get_index() -> FingerprintIndex:
    """The index for this thread (opened segments are reused until another commit replaces them)."""
    name = "postgres" if connection.vendor == "postgresql" else "files"
    version = current_version(window())
    key = (name, str(index_dir()), tuple(sorted(version.items())))
    cached = getattr(_local, "index", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    if name == "postgres":
        from wenku.checking.index.postgres import PostgresFingerprintIndex

        index: FingerprintIndex = PostgresFingerprintIndex(version)
    else:
        from wenku.checking.index.files import FileFingerprintIndex

        index = FileFingerprintIndex(index_dir(), version)
    _local.index = (key, index)
    return index

"""Keep each imported original file in the data dir, addressed by the hash of its bytes."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings


def original_path(sha256: str, fmt: str) -> Path:
    return Path(settings.WENKU_ORIGINALS_DIR) / sha256[:2] / f"{sha256}.{fmt}"


def relative_to_data_dir(path: Path) -> str:
    return str(path.relative_to(settings.DATA_DIR))


def store_original(data: bytes, sha256: str, fmt: str) -> tuple[Path, bool]:
    """Write the file once (atomically: temp file, then rename); returns (path, newly written)."""
    path = original_path(sha256, fmt)
    if path.exists():
        return path, False
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # and the file 0600 (mkstemp): for us only
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path, True


def store_stream(chunks: Iterable[bytes], fmt: str) -> tuple[Path, str, int]:
    """Write a file arriving in chunks (an upload) without holding it in memory: hashed while written, then
    renamed to its content address. Returns (path, sha256, size)."""
    directory = Path(settings.WENKU_ORIGINALS_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    fd, temp = tempfile.mkstemp(dir=directory, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                digest.update(chunk)
                size += len(chunk)
                handle.write(chunk)
        sha256 = digest.hexdigest()
        path = original_path(sha256, fmt)
        path.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temp, path)  # the same bytes already there: replaced by identical bytes
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path, sha256, size

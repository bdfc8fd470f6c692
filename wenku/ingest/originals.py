"""Keep each imported original file in the data dir, addressed by the hash of its bytes."""

from __future__ import annotations

import os
import tempfile
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
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path, True

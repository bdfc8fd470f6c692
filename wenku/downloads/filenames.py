"""Download file names from document titles: Content-Disposition with an RFC 5987 UTF-8 name and an ASCII fallback."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

_UNSAFE = re.compile(r'[\x00-\x1f\x7f-\x9f/\\:*?"<>|]+')  # what Windows, macOS or Linux refuse in a file name
_NOT_TOKEN = re.compile(r"[^A-Za-z0-9._-]+")
MAX_STEM = 100


def file_stem(title: str, fallback: str) -> str:
    """The title as a file name without extension: characters file systems refuse replaced, length bounded."""
    stem = " ".join(_UNSAFE.sub(" ", title).split()).strip(". ")
    return stem[:MAX_STEM].rstrip(". ") or fallback


def ascii_stem(title: str, fallback: str) -> str:
    """The ASCII letters and digits of the title for old clients; ``fallback`` when the title has too few."""
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    stem = _NOT_TOKEN.sub("-", folded).strip("-._")[:MAX_STEM]
    return stem if sum(c.isalpha() for c in stem) >= 3 else fallback


def content_disposition(title: str, extension: str, fallback: str) -> str:
    """``attachment; filename="ascii.ext"; filename*=UTF-8''%E6%96%87….ext`` (RFC 6266 with RFC 5987)."""
    name = file_stem(title, fallback) + extension
    plain = ascii_stem(title, fallback) + extension
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"

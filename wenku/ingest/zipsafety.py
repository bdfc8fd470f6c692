"""Refuse zip containers (.docx, .epub) that are damaged or would expand far beyond their size."""

from __future__ import annotations

import io
import zipfile

from wenku.ingest.errors import ImportRefused

MAX_ENTRIES = 10_000
MAX_EXPANDED_BYTES = 256 * 1024 * 1024
MAX_RATIO = 200  # deflate reaches ~1000:1 only on degenerate data; real XML stays far below 200:1


def open_checked_zip(data: bytes, kind: str) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise ImportRefused(f"not a valid {kind} file (damaged, or not a zip container)") from None
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise ImportRefused(f"refused: {len(entries)} entries in the {kind} container (limit {MAX_ENTRIES})")
    expanded = sum(e.file_size for e in entries)
    compressed = max(1, sum(e.compress_size for e in entries))
    if expanded > MAX_EXPANDED_BYTES or (expanded > 10 * 1024 * 1024 and expanded / compressed > MAX_RATIO):
        raise ImportRefused(
            f"refused: the {kind} would expand to {expanded // (1024 * 1024)} MB "
            f"from {len(data) // 1024} KB (a zip bomb?)"
        )
    if any(e.flag_bits & 0x1 for e in entries):
        raise ImportRefused(f"the {kind} file is encrypted")
    return archive

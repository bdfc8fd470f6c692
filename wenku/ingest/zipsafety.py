"""Refuse zip containers (.docx, .epub) that are damaged or would expand far beyond their size.

The sizes in a zip's headers are only claims. Python's zipfile stops returning data at the claimed size, but to
read an entry whole it first inflates all of it in memory: an entry claiming 4 KB that inflates to 300 GB would
take the server down inside python-docx or ebooklib. So every entry is inflated here first, a chunk at a time,
and the file is refused as soon as an entry grows past its claimed size or the total past the limit.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from wenku.ingest.errors import ImportRefused

MAX_ENTRIES = 10_000
MAX_EXPANDED_BYTES = 256 * 1024 * 1024
MAX_RATIO = 200  # deflate reaches ~1000:1 only on degenerate data; real XML stays far below 200:1
_CHUNK_IN, _CHUNK_OUT = 64 * 1024, 1024 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE compound file: old Office formats, encrypted OOXML


def open_checked_zip(data: bytes, kind: str) -> zipfile.ZipFile:
    if data.startswith(_OLE_MAGIC):
        old = {".docx": " or an old Word .doc renamed", ".epub": ""}.get(kind, "")
        raise ImportRefused(
            f"not a valid {kind} file: an OLE compound file, not a zip container "
            f"(a document protected with a password{old}); remove the password or save it as {kind}"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError, OSError):
        raise ImportRefused(f"not a valid {kind} file (damaged, or not a zip container)") from None
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise ImportRefused(f"refused: {len(entries)} entries in the {kind} container (limit {MAX_ENTRIES})")
    expanded = sum(e.file_size for e in entries)
    compressed = max(1, sum(e.compress_size for e in entries))
    if expanded > MAX_EXPANDED_BYTES or (expanded > 10 * 1024 * 1024 and expanded / compressed > MAX_RATIO):
        raise _bomb(kind, expanded, data)
    if any(e.flag_bits & 0x1 for e in entries):
        raise ImportRefused(f"the {kind} file is encrypted")
    for entry in entries:
        _check_entry(data, entry, kind)
    return archive


def _bomb(kind: str, expanded: int, data: bytes) -> ImportRefused:
    return ImportRefused(
        f"refused: the {kind} would expand to {expanded // (1024 * 1024)} MB from {len(data) // 1024} KB (a zip bomb?)"
    )


def _check_entry(data: bytes, entry: zipfile.ZipInfo, kind: str) -> None:
    """Inflate ``entry`` a chunk at a time; refuse it when it holds more than its header claims."""
    if entry.compress_type == zipfile.ZIP_STORED:
        return  # stored data is as long as it is: nothing to expand
    if entry.compress_type != zipfile.ZIP_DEFLATED:  # bzip2 and LZMA readers inflate without any bound
        raise ImportRefused(
            f"not a valid {kind} file: {entry.filename!r} uses compression method {entry.compress_type}, "
            f"which {kind} files never use"
        )
    start = _data_offset(data, entry)
    if start is None:
        raise ImportRefused(f"not a valid {kind} file (damaged: {entry.filename!r} cannot be found)")
    compressed = memoryview(data)[start : start + entry.compress_size]
    inflater = zlib.decompressobj(-15)
    produced = 0
    try:
        for offset in range(0, len(compressed), _CHUNK_IN):
            pending = compressed[offset : offset + _CHUNK_IN]
            while pending and not inflater.eof:
                produced += len(inflater.decompress(pending, _CHUNK_OUT))  # never more than a chunk at once
                if produced > entry.file_size:
                    raise ImportRefused(
                        f"refused: {entry.filename!r} in the {kind} expands beyond the {entry.file_size} bytes "
                        "its header claims (a zip bomb?)"
                    )
                pending = inflater.unconsumed_tail
            if inflater.eof:
                break
    except zlib.error as exc:
        raise ImportRefused(f"not a valid {kind} file (damaged: {entry.filename!r}: {exc})") from None


def _data_offset(data: bytes, entry: zipfile.ZipInfo) -> int | None:
    """Where the entry's compressed bytes start: after its local header, whose lengths may differ from the
    central directory's."""
    header = data[entry.header_offset : entry.header_offset + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        return None
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    return entry.header_offset + 30 + name_length + extra_length

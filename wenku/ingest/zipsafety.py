"""Refuse zip containers (.docx, .epub) that are damaged or would expand far beyond their size.

The sizes in a zip's headers are only claims. Python's zipfile stops returning data at the claimed size, but to
read an entry whole it first inflates all of it in memory: an entry claiming 4 KB that inflates to 300 GB would
take the server down inside python-docx or the EPUB reader. So every entry is inflated here first, a chunk at a time,
and the file is refused as soon as an entry grows past its claimed size or the total past the limit.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from django.utils.translation import gettext_noop

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
            gettext_noop(
                "not a valid %(kind)s file: an OLE compound file, not a zip container (a document "
                "protected with a password%(old)s); remove the password or save it as %(kind)s"
            ),
            kind=kind,
            old=old,
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError, OSError):
        raise ImportRefused(
            gettext_noop("not a valid %(kind)s file (damaged, or not a zip container)"), kind=kind
        ) from None
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise ImportRefused(
            gettext_noop("refused: %(count)s entries in the %(kind)s container (limit %(limit)s)"),
            count=len(entries),
            kind=kind,
            limit=MAX_ENTRIES,
        )
    expanded = sum(e.file_size for e in entries)
    compressed = max(1, sum(e.compress_size for e in entries))
    if expanded > MAX_EXPANDED_BYTES or (expanded > 10 * 1024 * 1024 and expanded / compressed > MAX_RATIO):
        raise _bomb(kind, expanded, data)
    if any(e.flag_bits & 0x1 for e in entries):
        raise ImportRefused(gettext_noop("the %(kind)s file is encrypted"), kind=kind)
    for entry in entries:
        _check_entry(data, entry, kind)
    return archive


def _bomb(kind: str, expanded: int, data: bytes) -> ImportRefused:
    return ImportRefused(
        gettext_noop("refused: the %(kind)s would expand to %(expanded_mb)s MB from %(size_kb)s KB (a zip bomb?)"),
        kind=kind,
        expanded_mb=expanded // (1024 * 1024),
        size_kb=len(data) // 1024,
    )


def _check_entry(data: bytes, entry: zipfile.ZipInfo, kind: str) -> None:
    """Inflate ``entry`` a chunk at a time; refuse it when it holds more than its header claims."""
    if entry.compress_type == zipfile.ZIP_STORED:
        return  # stored data is as long as it is: nothing to expand
    if entry.compress_type != zipfile.ZIP_DEFLATED:  # bzip2 and LZMA readers inflate without any bound
        raise ImportRefused(
            gettext_noop(
                "not a valid %(kind)s file: %(filename)s uses compression method "
                "%(compress_type)s, which %(kind)s files never use"
            ),
            kind=kind,
            filename=f"{entry.filename!r}",
            compress_type=entry.compress_type,
        )
    start = _data_offset(data, entry)
    if start is None:
        raise ImportRefused(
            gettext_noop("not a valid %(kind)s file (damaged: %(filename)s cannot be found)"),
            kind=kind,
            filename=f"{entry.filename!r}",
        )
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
                        gettext_noop(
                            "refused: %(filename)s in the %(kind)s expands beyond the %(file_size)s bytes its "
                            "header claims (a zip bomb?)"
                        ),
                        filename=f"{entry.filename!r}",
                        kind=kind,
                        file_size=entry.file_size,
                    )
                pending = inflater.unconsumed_tail
            if inflater.eof:
                break
    except zlib.error as exc:
        raise ImportRefused(
            gettext_noop("not a valid %(kind)s file (damaged: %(filename)s: %(exc)s)"),
            kind=kind,
            filename=f"{entry.filename!r}",
            exc=exc,
        ) from None


def _data_offset(data: bytes, entry: zipfile.ZipInfo) -> int | None:
    """Where the entry's compressed bytes start: after its local header, whose lengths may differ from the
    central directory's."""
    header = data[entry.header_offset : entry.header_offset + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        return None
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    return entry.header_offset + 30 + name_length + extra_length

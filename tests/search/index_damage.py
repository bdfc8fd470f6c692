"""Ways a tantivy index directory gets damaged in real life (a full disk, a bad copy, a cleanup script, a crash
mid-write), applied to the files themselves. Files are replaced by rename, as a copy or restore would do: a
process that has the old file mapped keeps reading the old bytes instead of faulting."""

from __future__ import annotations

import json
import random
import shutil
import struct
import zlib
from pathlib import Path

SEGMENT_SUFFIXES = (".idx", ".pos", ".term", ".store", ".fast", ".fieldnorm")


def _replace(path: Path, data: bytes) -> None:
    fresh = path.with_name(path.name + ".damaged")
    fresh.write_bytes(data)
    fresh.replace(path)


def segment_files(directory: Path, suffix: str | None = None) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.suffix in ((suffix,) if suffix else SEGMENT_SUFFIXES))


def truncate_segments(directory: Path) -> None:
    """Every segment file cut short (a full disk while copying)."""
    for path in segment_files(directory):
        _replace(path, path.read_bytes()[: max(1, path.stat().st_size // 3)])


def scramble_segments(directory: Path, suffix: str, matching_checksum: bool = False) -> None:
    """The first half of each ``suffix`` file overwritten with noise, the footer intact: tantivy opens it and then
    panics reading it (a pyo3 PanicException, a BaseException) for .idx and .pos. With ``matching_checksum`` the
    footer gets the noise's checksum (garbage written as if it were right: a bad writer, memory bit flips), so that
    only tantivy itself can find out."""
    noise = random.Random(1)
    for path in segment_files(directory, suffix):
        data = bytearray(path.read_bytes())
        for i in range(len(data) // 2):
            data[i] = noise.randrange(256)
        if matching_checksum:
            length = struct.unpack("<I", data[-8:-4])[0]
            footer = json.loads(bytes(data[-8 - length : -8]))
            footer["crc"] = zlib.crc32(bytes(data[: -8 - length]))
            encoded = json.dumps(footer, separators=(",", ":")).encode()
            data = data[: -8 - length] + encoded + struct.pack("<II", len(encoded), 1337)
        _replace(path, bytes(data))


def delete_meta(directory: Path) -> None:
    (directory / "meta.json").unlink()


def delete_directory(directory: Path) -> None:
    shutil.rmtree(directory)


DAMAGE = {
    "truncated segments": truncate_segments,
    "scrambled postings (panics)": lambda d: scramble_segments(d, ".idx"),
    "scrambled positions (panics)": lambda d: scramble_segments(d, ".pos"),
    "scrambled postings, checksums matching (panics)": lambda d: scramble_segments(d, ".idx", matching_checksum=True),
    "scrambled positions, checksums matching (panics)": lambda d: scramble_segments(d, ".pos", matching_checksum=True),
    "scrambled terms": lambda d: scramble_segments(d, ".term"),
    "scrambled stored fields": lambda d: scramble_segments(d, ".store"),
    "meta.json deleted": delete_meta,
}

"""Checksums of a tantivy index's files, checked before tantivy touches them.

tantivy turns some damage into errors, panics on other damage (caught: see tantivy_backend._reading) and aborts
the whole process on the rest: a commit that merges a damaged segment, or a length read from garbage that asks
for gigabytes. Nothing in Python survives an abort, so damage must be found before. Every file tantivy writes for
a segment ends with a footer: a JSON object holding the CRC-32 of the file's body, its length (u32 LE) and the
magic number 1337 (u32 LE) (tantivy's directory/footer.rs). Those checksums are verified here, for every file of
every segment meta.json lists. Segment files never change once written (a commit writes new ones), so a file is
verified once per process, keyed by its inode, size and mtime; later checks cost a stat per file.
"""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

FOOTER_MAGIC = 1337
SEGMENT_FILES = (".idx", ".pos", ".term", ".store", ".fast", ".fieldnorm")  # what this schema's segments hold
_CHUNK = 4 * 1024 * 1024
_verified: set[tuple] = set()


class _Vanished(Exception):
    """A listed file is gone: another process may have committed and removed old segments meanwhile."""


def verify(directory: Path) -> str | None:
    """None when meta.json and every file of every segment it lists are whole; else what is wrong (in Chinese,
    for the operator)."""
    problem = None
    for _ in range(3):
        try:
            meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            return "索引文件 meta.json 缺失"
        except (OSError, ValueError) as exc:
            return f"索引文件 meta.json 无法读取（{exc}）"
        try:
            return _verify_segments(directory, meta)
        except _Vanished as exc:
            problem = f"索引文件 {exc} 缺失"
    return problem


def _verify_segments(directory: Path, meta: dict) -> str | None:
    try:
        segments = [(s["segment_id"].replace("-", ""), s.get("deletes")) for s in meta["segments"]]
    except (KeyError, TypeError, AttributeError):
        return "索引文件 meta.json 内容不完整"
    for segment_id, deletes in segments:
        names = [segment_id + suffix for suffix in SEGMENT_FILES]
        if deletes:
            names.append(f"{segment_id}.{deletes['opstamp']}.del")
        for name in names:
            problem = _verify_file(directory / name)
            if problem:
                return problem
    return None


def _verify_file(path: Path) -> str | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise _Vanished(path.name) from None
    key = (str(path), stat.st_ino, stat.st_size, stat.st_mtime_ns)
    if key in _verified:
        return None
    try:
        problem = _footer_problem(path, stat.st_size)
    except FileNotFoundError:
        raise _Vanished(path.name) from None
    except OSError as exc:
        return f"索引文件 {path.name} 无法读取（{exc}）"
    if problem:
        return f"索引文件 {path.name} 已损坏（{problem}）"
    _verified.add(key)
    return None


def _footer_problem(path: Path, size: int) -> str | None:
    with open(path, "rb") as file:
        if size < 8:
            return "文件不完整"
        file.seek(size - 8)
        length, magic = struct.unpack("<II", file.read(8))
        if magic != FOOTER_MAGIC or length + 8 > size:
            return "文件结尾不完整"
        file.seek(size - 8 - length)
        try:
            expected = json.loads(file.read(length))["crc"]
        except (ValueError, KeyError, TypeError):
            return "文件结尾不完整"
        file.seek(0)
        crc, remaining = 0, size - 8 - length
        while remaining:
            chunk = file.read(min(_CHUNK, remaining))
            if not chunk:
                return "文件不完整"
            crc = zlib.crc32(chunk, crc)
            remaining -= len(chunk)
    return None if crc == expected else "校验和不符"


def forget_verified() -> None:
    """Verify every file again next time (tests that damage files in place)."""
    _verified.clear()


__all__ = ["forget_verified", "verify"]

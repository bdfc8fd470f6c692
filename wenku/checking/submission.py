"""The text of a submission read from a file, with the importer's converters and decoding; nothing is stored.

A .txt file is decoded as is (any common Chinese encoding), so that the offsets of the report refer to the file's
own text; the other formats give the converter's paragraphs, one per line. Either way the file is read in the parse
sandbox (wenku/ingest/sandbox.py) within WENKU_CHECK_PARSE_TIMEOUT, and reading stops at WENKU_CHECK_MAX_CHARS: a
check never needs more text than it can check.
"""

from __future__ import annotations

from pathlib import PurePath

from django.conf import settings

from wenku.ingest import converters, formats, limits, sandbox
from wenku.ingest.decoding import decoded_within_limits
from wenku.ingest.errors import ImportRefused
from wenku.ingest.extracted import Extracted

CHECKABLE_EXTENSIONS = formats.CHECKABLE_EXTENSIONS  # the table in wenku/ingest/formats.py


class SubmissionError(ValueError):
    """A file that gives no text to check; the message says why, in Chinese, for the user, with the HTTP status."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def check_file(data_size: int, name: str) -> None:
    """Refuse a file by its name and size, before anything reads it (and before the check is counted)."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in CHECKABLE_EXTENSIONS:
        shown = suffix or "（没有扩展名）"
        raise SubmissionError(f"不支持 {shown} 格式的文件，可以上传 {' '.join(CHECKABLE_EXTENSIONS)}")
    if data_size == 0:
        raise SubmissionError("文件是空的")


def text_of_file(data: bytes, name: str) -> str:
    """The text of the file ``name`` holding ``data``; raises SubmissionError."""
    check_file(len(data), name)
    if not data.strip():
        raise SubmissionError("文件是空的")
    fmt = converters.format_of(name)
    most = settings.WENKU_CHECK_MAX_CHARS
    timeout = settings.WENKU_CHECK_PARSE_TIMEOUT
    try:
        if fmt == "txt":
            return sandbox.run(decoded_within_limits, data, parse_limits=limits.active().capped(most), timeout=timeout)
        entries = converters.extract(fmt, data, name, max_chars=most, timeout=timeout)
    except ImportRefused as exc:
        raise _refused(exc, most) from None
    paragraphs = [p for entry in entries if isinstance(entry, Extracted) for p in entry.paragraphs]
    if not paragraphs:
        raise SubmissionError("文件里没有找到文字")
    return "\n".join(paragraphs)


def _refused(exc: ImportRefused, most: int) -> SubmissionError:
    if exc.message == limits.too_long(most).message and exc.params.get("limit") == most:
        return SubmissionError(f"文本过长：超过 {most} 个字符，查重上限为 {most} 个字符。", 413)
    if exc.message.startswith("cannot decode the text"):
        return SubmissionError("无法识别文件的文字编码：这不是文本文件，或者文件已损坏")
    return SubmissionError(str(exc))

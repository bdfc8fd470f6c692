"""The text of a submission read from a file, with the importer's converters and decoding; nothing is stored.

A .txt file is decoded as is (any common Chinese encoding), so that the offsets of the report refer to the file's
own text; the other formats give the converter's paragraphs, one per line.
"""

from __future__ import annotations

from pathlib import PurePath

from wenku.ingest import converters
from wenku.ingest.decoding import UndecodableText, decode_text
from wenku.ingest.errors import ImportRefused
from wenku.ingest.extracted import Extracted
from wenku.uploads.reasons import in_chinese

CHECKABLE_EXTENSIONS = (".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml", ".docx", ".pdf", ".epub")


class SubmissionError(ValueError):
    """A file that gives no text to check; the message says why, in Chinese, for the user."""


def text_of_file(data: bytes, name: str) -> str:
    """The text of the file ``name`` holding ``data``; raises SubmissionError."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in CHECKABLE_EXTENSIONS:
        shown = suffix or "（没有扩展名）"
        raise SubmissionError(f"不支持 {shown} 格式的文件，可以上传 {' '.join(CHECKABLE_EXTENSIONS)}")
    if not data.strip():
        raise SubmissionError("文件是空的")
    fmt = converters.format_of(name)
    if fmt == "txt":
        try:
            text, _encoding = decode_text(data)
        except UndecodableText:
            raise SubmissionError("无法识别文件的文字编码：这不是文本文件，或者文件已损坏") from None
        return text
    try:
        entries = converters.extract(fmt, data, name)
    except ImportRefused as exc:
        raise SubmissionError(in_chinese(str(exc))) from None
    paragraphs = [p for entry in entries if isinstance(entry, Extracted) for p in entry.paragraphs]
    if not paragraphs:
        raise SubmissionError("文件里没有找到文字")
    return "\n".join(paragraphs)

"""Plain text in any common Chinese encoding: one paragraph per non-empty line, title from the first line."""

from __future__ import annotations

from pathlib import PurePath

from wenku.ingest import limits
from wenku.ingest.decoding import UndecodableText, decode_text
from wenku.ingest.errors import ImportRefused
from wenku.ingest.extracted import Extracted, paragraphs_from_plain_text, title_from_first_paragraph


def extract(data: bytes, name: str) -> list[Extracted]:
    try:
        text, _encoding = decode_text(data)
    except UndecodableText as exc:
        raise ImportRefused(f"cannot decode the text: {exc}") from None
    limits.check_text(text)
    builder = paragraphs_from_plain_text(text)
    title = title_from_first_paragraph(builder.paragraphs)
    if title is not None:
        builder.headings.add(0)
    return [builder.build(title or PurePath(name).stem)]

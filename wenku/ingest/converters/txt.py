"""Plain text in any common Chinese encoding: one paragraph per non-empty line, title from the first line."""

from __future__ import annotations

from pathlib import PurePath

from wenku.ingest.decoding import decoded_within_limits
from wenku.ingest.extracted import Extracted, paragraphs_from_plain_text, title_from_first_paragraph


def extract(data: bytes, name: str) -> list[Extracted]:
    text = decoded_within_limits(data)
    builder = paragraphs_from_plain_text(text)
    title = title_from_first_paragraph(builder.paragraphs)
    if title is not None:
        builder.headings.add(0)
    return [builder.build(title or PurePath(name).stem)]

"""Plain text in any common Chinese encoding: one paragraph per non-empty line, title from the first line.

Hard-wrapped text (lines cut at one width) and stray breaks inside paragraphs are joined back into paragraphs
first (wenku/text/unwrap.py): only line breaks are removed, never a character changed.
"""

from __future__ import annotations

from pathlib import PurePath

from wenku.ingest.decoding import decoded_within_limits
from wenku.ingest.extracted import Extracted, ParagraphBuilder, title_from_first_paragraph
from wenku.text.unwrap import unwrap_text


def extract(data: bytes, name: str) -> list[Extracted]:
    text = decoded_within_limits(data)
    builder = ParagraphBuilder()
    for paragraph in unwrap_text(text):
        builder.add(paragraph)
    title = title_from_first_paragraph(builder.paragraphs)
    if title is not None:
        builder.headings.add(0)
    return [builder.build(title or PurePath(name).stem)]

"""Markdown: ATX headings (#) kept as headings, lines of one block joined into one paragraph."""

from __future__ import annotations

import re
from pathlib import PurePath

from wenku.ingest.decoding import UndecodableText, decode_text
from wenku.ingest.errors import ImportRefused
from wenku.ingest.extracted import Extracted, ParagraphBuilder

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


def extract(data: bytes, name: str) -> list[Extracted]:
    try:
        text, _ = decode_text(data)
    except UndecodableText as exc:
        raise ImportRefused(f"cannot decode the text: {exc}") from None
    builder = ParagraphBuilder()
    title: str | None = None
    block: list[str] = []
    in_fence = False

    def flush() -> None:
        if block:
            builder.add(_join_lines(block))
            block.clear()

    for line in text.splitlines():
        if _FENCE.match(line):
            flush()
            in_fence = not in_fence
            continue
        if in_fence:
            builder.add(line)
            continue
        heading = _HEADING.match(line)
        if heading:
            flush()
            builder.add(heading.group(1), heading=True)
            title = title or heading.group(1).strip() or None
        elif line.strip():
            block.append(line.strip())
        else:
            flush()
    flush()
    if title is None and builder.paragraphs and len(builder.paragraphs[0]) <= 80:
        title = builder.paragraphs[0]
    return [builder.build(title or PurePath(name).stem)]


def _join_lines(lines: list[str]) -> str:
    """Soft-wrapped lines join without a space between Chinese, with one between Latin words."""
    out = lines[0]
    for line in lines[1:]:
        sep = " " if out[-1:].isascii() and out[-1:].isalnum() and line[:1].isascii() else ""
        out += sep + line
    return out

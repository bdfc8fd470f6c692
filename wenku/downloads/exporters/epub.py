"""EPUB 3: one chapter file per article (compilations), else per heading, else per ~60,000 characters.

Each chapter is in the table of contents; the title is the book's first heading and its metadata title.
"""

from __future__ import annotations

import hashlib
from html import escape

from wenku.downloads.epub_package import Chapter, write_epub
from wenku.downloads.outline import Block, Outline, xml_safe

CHUNK_CHARS = 60_000  # e-readers open one chapter file at a time: keep the files small enough
_TAG = {"title": "h1", "chapter": "h2", "heading": "h3", "text": "p"}


def export(outline: Outline) -> bytes:
    chapters = [
        Chapter(
            title=xml_safe(name),
            body="".join(f"<{_TAG[b.kind]}>{escape(xml_safe(b.text))}</{_TAG[b.kind]}>" for b in blocks),
            file_name=f"chapter-{number:04d}.xhtml",
        )
        for number, (name, blocks) in enumerate(_sections(outline), start=1)
    ]
    identifier = "urn:wenku:" + hashlib.sha256(outline.title.encode()).hexdigest()[:16]
    return write_epub(chapters, title=xml_safe(outline.title), identifier=identifier, language="zh")


def _sections(outline: Outline) -> list[tuple[str, list[Block]]]:
    """(table of contents entry, blocks) per chapter file."""
    breaks = {"chapter"} if outline.has_chapters else {"heading", "chapter"}
    sections: list[tuple[str, list[Block]]] = []
    name, current, size = outline.title, [], 0
    for block in outline.blocks:
        starts_section = block.kind in breaks or (size >= CHUNK_CHARS and block.kind == "text")
        if current and starts_section:
            sections.append((name, current))
            name = block.text if block.kind in breaks else f"{outline.title}（{len(sections) + 1}）"
            current, size = [], 0
        current.append(block)
        size += len(block.text)
    if current:
        sections.append((name, current))
    return sections

"""A document's text as the blocks of an exported file: its title, chapters (articles), headings, paragraphs.

The text is exactly the imported text, one block per paragraph. The title is the first block: the first paragraph
itself when it is the title (as in most imports), else added before it. A document with Article rows (a
compilation) starts a chapter at each article; an article whose first paragraph is not its title gets the title
added as the chapter heading.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Literal

from wenku.library.models import Document
from wenku.text.pagination import paragraph_offsets

Kind = Literal["title", "chapter", "heading", "text"]
_NOT_XML = re.compile("[\ufffe\uffff\ud800-\udfff]")  # the rest was removed on import (ingest/extracted.py)


@dataclass(frozen=True)
class Block:
    text: str
    kind: Kind


@dataclass(frozen=True)
class Outline:
    title: str
    blocks: list[Block]
    has_chapters: bool


def outline_of(document: Document) -> Outline:
    text = document.full_text()
    paragraphs = text.split("\n")
    starts = paragraph_offsets(text)
    headings = set(document.heading_offsets)
    chapters: dict[int, str] = {}
    for title, start in document.articles.order_by("start").values_list("title", "start"):
        index = max(0, bisect.bisect_right(starts, start) - 1)  # the paragraph the article starts in
        chapters.setdefault(index, title)
    blocks: list[Block] = []
    for index, (paragraph, start) in enumerate(zip(paragraphs, starts, strict=True)):
        chapter = chapters.get(index)
        if index == 0:
            blocks.append(Block(document.title, "title"))
            if paragraph == document.title:  # the title line itself, maybe also the first article's
                if chapter is not None and chapter != paragraph:
                    blocks.append(Block(chapter, "chapter"))
                continue
        if chapter is not None and paragraph == chapter:
            blocks.append(Block(paragraph, "chapter"))
            continue
        if chapter is not None:
            blocks.append(Block(chapter, "chapter"))
        blocks.append(Block(paragraph, "heading" if start in headings else "text"))
    if not paragraphs or paragraphs == [""]:
        blocks = [Block(document.title, "title")]
    return Outline(document.title, [b for b in blocks if b.text], has_chapters=bool(chapters))


def xml_safe(text: str) -> str:
    """Text that XML can hold (the formats .docx and .epub are made of)."""
    return _NOT_XML.sub("\ufffd", text)

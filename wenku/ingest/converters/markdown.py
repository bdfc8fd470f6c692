"""Markdown (CommonMark, with GFM tables): the text without its markup, headings kept as headings.

Parsed with markdown-it-py, so that emphasis stars, link targets, image references, list bullets and table rules
are markup and never text. Each paragraph, heading, list item, table cell and code line becomes one paragraph;
soft-wrapped lines join without a space between Chinese characters and with one between Latin words. A YAML front
matter block is not text; its ``title:`` is the title. Blocks nested more than 50 deep (quotes in quotes...)
are dropped: real documents never nest so deep, and the parser must not recurse without end.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from django.utils.translation import gettext_noop

from wenku.ingest import limits
from wenku.ingest.decoding import UndecodableText, decode_text
from wenku.ingest.errors import ImportRefused
from wenku.ingest.extracted import Extracted, ParagraphBuilder, clean_title

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_FRONT_TITLE = re.compile(r"^title:[ \t]*(.+?)[ \t]*$", re.M)


def extract(data: bytes, name: str) -> list[Extracted]:
    try:
        text, _ = decode_text(data)
    except UndecodableText as exc:
        raise ImportRefused(gettext_noop("cannot decode the text: %(exc)s"), exc=exc) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    limits.check_text(text, markup=3)  # before markdown-it builds its tokens: a list as long as the text
    title = None
    front = _FRONT_MATTER.match(text)
    if front:
        found = _FRONT_TITLE.search(front.group(1))
        title = clean_title(found.group(1).strip("'\"")) if found else None
        text = text[front.end() :]
    builder = ParagraphBuilder()
    first_heading, first_h1 = _collect(text, builder)
    title = title or first_h1 or first_heading
    if title is None and builder.paragraphs and len(builder.paragraphs[0]) <= 80:
        title = builder.paragraphs[0]
    return [builder.build(title or PurePath(name).stem)]


def _collect(text: str, builder: ParagraphBuilder) -> tuple[str | None, str | None]:
    """Add the document's paragraphs to ``builder``; returns (first heading, first level-1 heading)."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"maxNesting": 50}).enable(["table", "strikethrough"])
    first_heading = first_h1 = None
    heading_level = 0
    list_numbers: list[str | None] = []  # for each open list: None (bullets), or the ordered-list marker
    item_prefix = ""
    for token in parser.parse(text):
        kind = token.type
        if kind == "heading_open":
            heading_level = int(token.tag[1:])
        elif kind == "heading_close":
            heading_level = 0
        elif kind == "bullet_list_open":
            list_numbers.append(None)
        elif kind == "ordered_list_open":
            list_numbers.append(token.markup or ".")
        elif kind in ("bullet_list_close", "ordered_list_close"):
            list_numbers.pop()
        elif kind == "list_item_open":
            marker = list_numbers[-1] if list_numbers else None
            item_prefix = f"{token.info}{marker} " if marker and token.info else ""
        elif kind == "inline":
            for index, paragraph in enumerate(_inline_paragraphs(token.children or [])):
                if index == 0 and item_prefix:
                    paragraph, item_prefix = item_prefix + paragraph, ""
                before = len(builder.paragraphs)
                builder.add(paragraph, heading=heading_level > 0)
                if heading_level and len(builder.paragraphs) > before:
                    first_heading = first_heading or builder.paragraphs[before]
                    if heading_level == 1:
                        first_h1 = first_h1 or builder.paragraphs[before]
        elif kind in ("fence", "code_block"):
            builder.add(token.content)
        elif kind == "html_block":
            _add_html(token.content, builder)
    return first_heading, first_h1


def _inline_paragraphs(children) -> list[str]:
    """The text of an inline run, split at hard line breaks; markup, images and inline HTML dropped."""
    paragraphs: list[str] = []
    current: list[str] = []  # pieces, joined once: a paragraph of many lines must not be copied at each line
    pending_break = False
    for child in children:
        kind = child.type
        if kind in ("text", "code_inline"):
            piece = child.content
            if pending_break and piece and any(current):
                _join(current, piece)
            else:
                current.append(piece)
            pending_break = False
        elif kind == "softbreak":
            pending_break = True
        elif kind == "hardbreak":
            paragraphs.append("".join(current))
            current, pending_break = [], False
    paragraphs.append("".join(current))
    return paragraphs


def _join(pieces: list[str], line: str) -> None:
    """Soft-wrapped lines join without a space between Chinese, with one between Latin words."""
    while pieces and not pieces[-1].rstrip():
        pieces.pop()
    if pieces:
        pieces[-1] = pieces[-1].rstrip()
    line = line.lstrip()
    if pieces and line:
        last, first = pieces[-1][-1], line[0]
        if last.isascii() and last != "-" and first.isascii() and first.isalnum():
            pieces.append(" ")
    pieces.append(line)


def _add_html(fragment: str, builder: ParagraphBuilder) -> None:
    from lxml import etree, html

    from wenku.ingest.converters._html_text import collect_blocks

    if not fragment.strip() or fragment.lstrip().startswith("<!--"):
        return
    try:
        root = html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return
    collect_blocks(root, builder)

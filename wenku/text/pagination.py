"""Cut a document's text into reading pages.

A document's text is its paragraphs joined by "\\n". Pages are exact slices of that text: a page that ends at a
paragraph end is followed by the "\\n" separator and the next page starts after it; a page that ends inside a
paragraph (only when the paragraph is longer than a page) is followed directly by the next page. So the pages,
placed at their offsets, give back the whole text.

Cuts come at paragraph ends; a paragraph longer than a page is cut at sentence ends (。！？；… and their closing
quotes), and only a sentence longer than a page is cut elsewhere, never inside a character sequence that
renders as one (combining marks, variation selectors, ZWJ sequences).

A page is bounded in code points too (by default CODEPOINTS_PER_CHAR × the 字 limit): a run of Latin letters or
digits counts as one 字 however long it is, and a page of millions of characters would make every page view,
snippet and highlight slow. Cutting works in windows of at most that many code points, so it is linear in the text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from wenku.text.counting import count_chars

DEFAULT_PAGE_CHARS = 3000
CODEPOINTS_PER_CHAR = 3  # the default code point bound of a page, per 字 of its 字 bound

_SENTENCE_END = re.compile(r"[。！？；…!?;．]+[”’」』）)\]】》〉\"']*")
_ZWJ = "\u200d"


@dataclass(frozen=True)
class PageSlice:
    """One reading page: ``text == document_text[start:start + len(text)]``."""

    number: int
    start: int
    text: str
    chars: int
    starts_mid_paragraph: bool

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass(frozen=True)
class _Piece:
    start: int
    end: int
    chars: int
    paragraph_start: bool


def join_paragraphs(paragraphs: list[str]) -> str:
    return "\n".join(paragraphs)


def paragraph_offsets(text: str) -> list[int]:
    """Where each "\n"-separated paragraph of ``text`` starts."""
    offsets, position = [], 0
    for paragraph in text.split("\n"):
        offsets.append(position)
        position += len(paragraph) + 1
    return offsets


def join_pages(pages) -> str:
    """A document's text from its pages (anything with ``start`` and ``text``), each placed at its offset with
    "\n" filling the gaps between them: the inverse of ``paginate``."""
    parts, end = [], 0
    for page in sorted(pages, key=lambda p: p.start):
        parts.append("\n" * (page.start - end))
        parts.append(page.text)
        end = page.start + len(page.text)
    return "".join(parts)


def paginate(
    paragraphs: list[str], max_chars: int = DEFAULT_PAGE_CHARS, max_codepoints: int | None = None
) -> list[PageSlice]:
    """Pages of at most ``max_chars`` 字 and ``max_codepoints`` code points (default CODEPOINTS_PER_CHAR ×
    ``max_chars``) over ``join_paragraphs(paragraphs)``; at least one page."""
    if max_chars < 1:
        raise ValueError("max_chars must be positive")
    max_codepoints = max_codepoints or CODEPOINTS_PER_CHAR * max_chars
    if max_codepoints < 1:
        raise ValueError("max_codepoints must be positive")
    text = join_paragraphs(paragraphs)
    pieces = list(_pieces(paragraphs, max_chars, max_codepoints))
    pages: list[PageSlice] = []
    group: list[_Piece] = []
    group_chars = 0
    for piece in pieces:
        if group and (group_chars + piece.chars > max_chars or piece.end - group[0].start > max_codepoints):
            pages.append(_make_page(text, group, len(pages) + 1))
            group, group_chars = [], 0
        group.append(piece)
        group_chars += piece.chars
    if group or not pages:
        pages.append(_make_page(text, group, len(pages) + 1))
    return pages


def _make_page(text: str, group: list[_Piece], number: int) -> PageSlice:
    if not group:
        return PageSlice(number=number, start=0, text="", chars=0, starts_mid_paragraph=False)
    start, end = group[0].start, group[-1].end
    body = text[start:end]
    return PageSlice(
        number=number,
        start=start,
        text=body,
        chars=count_chars(body),
        starts_mid_paragraph=not group[0].paragraph_start,
    )


def _pieces(paragraphs: list[str], max_chars: int, max_codepoints: int):
    offset = 0
    for paragraph in paragraphs:
        chars = count_chars(paragraph)
        if chars <= max_chars and len(paragraph) <= max_codepoints:
            yield _Piece(offset, offset + len(paragraph), chars, True)
        else:
            first = True
            for a, b in _split_long(paragraph, max_chars, max_codepoints):
                yield _Piece(offset + a, offset + b, count_chars(paragraph[a:b]), first)
                first = False
        offset += len(paragraph) + 1


def _split_long(paragraph: str, max_chars: int, max_codepoints: int) -> list[tuple[int, int]]:
    """(start, end) spans of sentences, each within both bounds (over-long sentences hard-cut)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(paragraph):
        spans.extend(_hard_cut(paragraph, start, match.end(), max_chars, max_codepoints))
        start = match.end()
    if start < len(paragraph):
        spans.extend(_hard_cut(paragraph, start, len(paragraph), max_chars, max_codepoints))
    return spans


def _hard_cut(paragraph: str, start: int, end: int, max_chars: int, max_codepoints: int) -> list[tuple[int, int]]:
    """Cuts of [start, end) within both bounds; each cut looks at most max_codepoints ahead, never at the rest."""
    spans = []
    while start < end:
        limit = min(end, start + max_codepoints)
        if limit == end and count_chars(paragraph[start:end]) <= max_chars:
            spans.append((start, end))
            break
        if limit < end and count_chars(paragraph[start:limit]) <= max_chars:  # the code point bound cuts here
            cut = _off_joins(paragraph, start, limit)
        else:
            cut = _longest_prefix_within(paragraph, start, limit if limit < end else end - 1, max_chars)
        spans.append((start, cut))
        start = cut
    return spans


def _longest_prefix_within(paragraph: str, start: int, last: int, max_chars: int) -> int:
    """The largest cut in (start, last] with at most max_chars 字 before it, moved off a grapheme join."""
    lo, hi = start + 1, last
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if count_chars(paragraph[start:mid]) <= max_chars:
            lo = mid
        else:
            hi = mid - 1
    return _off_joins(paragraph, start, lo)


def _off_joins(paragraph: str, start: int, cut: int) -> int:
    """``cut`` moved back until it does not split what renders as one character (but past start)."""
    while cut > start + 1 and _joins_previous(paragraph, cut):
        cut -= 1
    return cut


def _joins_previous(text: str, index: int) -> bool:
    """True when cutting before text[index] would split what renders as one character."""
    char, prev = text[index], text[index - 1]
    if prev == _ZWJ or char == _ZWJ:
        return True
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Mc"):
        return True
    cp = ord(char)
    return 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF or 0x1F3FB <= cp <= 0x1F3FF

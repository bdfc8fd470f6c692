"""PDF: the text layer, page by page, with layout lines joined back into paragraphs.

A PDF without a text layer (a scan) is refused: we do not run OCR, and an empty document helps no one.

Lines are joined by their geometry, not by counting characters: a line continues into the next one when the next
line's first word (or character, with the punctuation that may not start a line) would not have fitted in the
space left at the end of it, unless the next line is indented further (a first-line indent) or set in another
size (a heading). A last line that happens to be nearly full therefore still ends its paragraph, and narrow
digits and Latin letters do not make a line look longer than it is. Page numbers alone at the top or bottom of a
page are dropped, so that a paragraph running over a page break stays one paragraph.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass
from pathlib import PurePath

from django.utils.translation import gettext_noop

from wenku.ingest import limits
from wenku.ingest.converters._titles import useful_title
from wenku.ingest.errors import ImportRefused
from wenku.ingest.extracted import Extracted, ParagraphBuilder

# Characters that may not begin a line (禁则): a line break before them was pulled back by one character.
_NO_LINE_START = frozenset("，。、；：？！）》」』】〕〉”’．,.;:?!)]}%～")
_MAY_HANG = frozenset("，。、；：？！）》」』】〕〉”’．,.;:?!)]}\"'")
_LATIN_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9.,:;%'’\-_/]*")
_PAGE_NUMBER = re.compile(
    r"^(?:[-–—\s]*\d{1,5}[-–—\s]*|第\s*\d{1,5}\s*页(?:\s*[/，,]?\s*共\s*\d{1,5}\s*页)?"
    r"|(?:page\s*)?\d{1,5}\s*(?:/|of)\s*\d{1,5}|page\s*\d{1,5})$",
    re.I,
)


@dataclass
class _Line:
    text: str
    left: float
    right: float
    top: float
    bottom: float
    size: float  # font size of the first character, in points
    lead: float  # width of what would have had to fit at the end of the line before: first word or character


def extract(data: bytes, name: str) -> list[Extracted]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise ImportRefused(gettext_noop("cannot open the PDF: the PDF is encrypted with a password")) from None
        if "format" in message.lower():
            detail = message.rstrip(".")
            raise ImportRefused(
                gettext_noop("cannot open the PDF: the file is damaged or not a PDF (%(detail)s)"), detail=detail
            ) from None
        raise ImportRefused(gettext_noop("cannot open the PDF: %(reason)s"), reason=message) from None
    budget = limits.active()
    lines_read = limits.lines_counter(budget)
    chars_read = 0
    try:
        if len(pdf) > budget.pages:
            raise ImportRefused(
                gettext_noop("the PDF has %(count)s pages (limit %(pages)s)"), count=len(pdf), pages=budget.pages
            )
        pages: list[list[_Line]] = []
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            try:
                # pages can share one content stream: a small file, and the same long text on every page
                chars_read += textpage.count_chars()
                if chars_read > 2 * budget.chars:  # spaces and line breaks count here, not in the text kept
                    raise limits.too_long(budget.chars)
                pages.append(_page_lines(textpage))
                lines_read.add(len(pages[-1]))
            finally:
                textpage.close()
                page.close()
        title = useful_title(pdf.get_metadata_dict().get("Title"))
    finally:
        pdf.close()
    paragraphs = _paragraphs(pages)
    body_size = _body_size(paragraphs)
    builder = ParagraphBuilder()
    for text, size in paragraphs:
        builder.add(text, heading=size > 1.15 * body_size and len(text) <= 80)
    if not builder.paragraphs:
        raise ImportRefused(gettext_noop("the PDF has no text layer (a scanned image?); OCR is not supported"))
    if title is None and len(builder.paragraphs[0]) <= 80:
        title = builder.paragraphs[0]
    return [builder.build(title or PurePath(name).stem)]


def _page_lines(textpage) -> list[_Line]:
    """The text lines of one page in reading order, with their positions."""
    import pypdfium2.raw as raw

    text = textpage.get_text_range()
    lines: list[_Line] = []
    # pdfium counts text positions in UTF-16 code units: a character outside the BMP takes two.
    wide = [i for i, c in enumerate(text) if ord(c) > 0xFFFF]

    def char_index_of(text_index: int) -> int:
        units = text_index + bisect.bisect_left(wide, text_index) if wide else text_index
        return raw.FPDFText_GetCharIndexFromTextIndex(textpage, units)

    def box(text_index: int) -> tuple[float, float, float, float] | None:
        char_index = char_index_of(text_index)
        if char_index < 0:
            return None
        return textpage.get_charbox(char_index, loose=True)

    def size(text_index: int) -> float:
        char_index = char_index_of(text_index)
        return raw.FPDFText_GetFontSize(textpage, char_index) if char_index >= 0 else 0.0

    for match in re.finditer(r"[^\r\n]+", text):
        segment = match.group()
        stripped = segment.strip()
        if not stripped:
            continue
        first = match.start() + (len(segment) - len(segment.lstrip()))
        last = match.start() + len(segment.rstrip()) - 1
        first_box, last_box = box(first), box(last)
        if first_box is None or last_box is None:  # no position known: keep the text, as a line of its own
            first_box = last_box = (0.0, 0.0, 0.0, 0.0)
        word = _LATIN_WORD.match(stripped)
        lead_end = first + (len(word.group()) if word else 1) - 1
        while lead_end + 1 <= last and text[lead_end + 1] in _NO_LINE_START:
            lead_end += 1
        lead_box = box(lead_end) if lead_end != first else first_box
        lead = (lead_box[2] - first_box[0]) if lead_box else (first_box[2] - first_box[0])
        font_size = size(first)
        height = first_box[3] - first_box[1]
        lines.append(
            _Line(
                text=stripped,
                left=first_box[0],
                right=last_box[2],
                top=max(first_box[3], last_box[3]),
                bottom=min(first_box[1], last_box[1]),
                size=font_size if font_size > 0 else height,
                lead=max(lead, 0.0),
            )
        )
    return lines


def _paragraphs(pages: list[list[_Line]]) -> list[tuple[str, float]]:
    """(text, font size of its first line) for each paragraph."""
    pages = [_without_page_numbers(page) for page in pages]
    lines = [line for page in pages for line in page]
    if not lines:
        return []
    measure_end = _measure_end(pages)
    paragraphs: list[tuple[str, float]] = []
    current, size = [lines[0].text], lines[0].size  # the pieces of a paragraph, joined once it ends (a paragraph
    for line, following in itertools.pairwise(lines):  # of many lines, grown line by line, would be copied each time)
        if _continues(line, following, measure_end):
            if _latin_gap(current[-1], following.text):
                current.append(" ")
            current.append(following.text)
        else:
            paragraphs.append(("".join(current), size))
            current, size = [following.text], following.size
    paragraphs.append(("".join(current), size))
    return paragraphs


def _body_size(paragraphs: list[tuple[str, float]]) -> float:
    """The font size most of the text is set in."""
    chars: dict[float, int] = {}
    for text, size in paragraphs:
        chars[round(size, 1)] = chars.get(round(size, 1), 0) + len(text)
    return max(chars, key=chars.__getitem__) if chars else 0.0


def _measure_end(pages: list[list[_Line]]) -> float:
    """Where full lines end: the right edge of the text block.

    Lines ending in punctuation may hang into the margin, and the top and bottom line of a page may be a running
    header or footer set wider, so neither counts; a few outliers (a wide table row) are ignored too.
    """
    rights = []
    for page in pages:
        inner = page
        if len(page) >= 3:
            top = max(page, key=lambda line: line.top)
            bottom = min(page, key=lambda line: line.bottom)
            inner = [line for line in page if line is not top and line is not bottom]
        rights.extend(line.right for line in inner if line.text[-1] not in _MAY_HANG)
    if not rights:
        rights = [line.right for page in pages for line in page]
    rights.sort()
    return rights[int(0.98 * (len(rights) - 1))]


def _continues(line: _Line, following: _Line, measure_end: float) -> bool:
    """Whether ``following`` carries on the paragraph that ``line`` is in.

    It does when its first word would not have fitted at the end of ``line``: that is why the line was broken.
    """
    if following.text[0] in _NO_LINE_START:
        return True
    em = line.size or 10.0
    if abs(following.size - line.size) > 0.15 * max(line.size, following.size):
        return False  # a change of size: a heading starts or ends
    if following.left > line.left + 0.8 * em:
        return False  # the first-line indent of a new paragraph (or a centred line)
    return line.right + following.lead > measure_end + 0.1 * em


def _without_page_numbers(lines: list[_Line]) -> list[_Line]:
    """Drop a page number standing alone as the top or bottom line of the page."""
    if len(lines) < 2:
        return [line for line in lines if not _PAGE_NUMBER.match(line.text)] if lines else lines
    top = max(lines, key=lambda line: line.top)
    bottom = min(lines, key=lambda line: line.bottom)
    return [line for line in lines if not ((line is top or line is bottom) and _PAGE_NUMBER.match(line.text))]


def _latin_gap(text: str, line: str) -> bool:
    """Lines of one paragraph join without a space between Chinese, with one between Latin words."""
    last, first = text[-1], line[0]
    return last.isascii() and not last.isspace() and last != "-" and first.isascii() and first.isalnum()

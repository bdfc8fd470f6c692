"""Word .docx: body paragraphs and table cells in document order; heading styles kept as headings."""

from __future__ import annotations

import io
import re
from pathlib import PurePath

from django.utils.translation import gettext_noop

from wenku.ingest.converters._titles import useful_title
from wenku.ingest.errors import ImportRefused
from wenku.ingest.extracted import Extracted, ParagraphBuilder
from wenku.ingest.zipsafety import open_checked_zip

_HEADING_STYLE = re.compile(r"^(heading|标题|title)\s*\d*$", re.I)


def extract(data: bytes, name: str) -> list[Extracted]:
    open_checked_zip(data, ".docx")
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise ImportRefused(gettext_noop("not a valid .docx file (%(exc)s)"), exc=exc) from None
    builder = ParagraphBuilder()
    first_heading: str | None = None
    for block in _blocks(document, document.element.body, {}):
        text, heading = block
        builder.add(text, heading=heading)
        if heading and first_heading is None and text.strip():
            first_heading = text.strip()
    title = useful_title(document.core_properties.title) or first_heading
    if title is None and builder.paragraphs and len(builder.paragraphs[0]) <= 80:
        title = builder.paragraphs[0]
    return [builder.build(title or PurePath(name).stem)]


def _blocks(container, element, headings: dict, depth: int = 0):
    """(text, is_heading) for paragraphs and table cells, in body order, tables nested in cells included.

    A merged cell is one cell: python-docx returns it once per grid column or row it spans, we take it once.
    Content controls (w:sdt, as in cover pages and forms) are read through, except Word's table of contents.
    """
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in _content_elements(element):
        if child.tag == _P:
            paragraph = Paragraph(child, container)
            text = paragraph.text
            # the style only for paragraphs with text: looking it up costs more than reading an empty paragraph
            yield text, bool(text) and not text.isspace() and _is_heading(paragraph, headings)
        elif depth < _MAX_TABLE_DEPTH:
            seen = set()
            for row in Table(child, container).rows:
                for cell in row.cells:
                    if cell._tc in seen:
                        continue
                    seen.add(cell._tc)  # the element itself: kept alive, so the same proxy object
                    yield from _blocks(cell, cell._tc, headings, depth + 1)


def _content_elements(parent):
    """The w:p and w:tbl children of a body or cell, looking inside content controls."""
    for child in parent.iterchildren():
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag == _SDT and not _is_table_of_contents(child):
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _content_elements(content)


def _is_table_of_contents(sdt) -> bool:
    gallery = sdt.find(f"{_W}sdtPr/{_W}docPartObj/{_W}docPartGallery")
    return gallery is not None and "contents" in (gallery.get(f"{_W}val") or "").lower()


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _TBL, _SDT, _SDT_CONTENT = f"{_W}p", f"{_W}tbl", f"{_W}sdt", f"{_W}sdtContent"
_MAX_TABLE_DEPTH = 20


def _is_heading(paragraph, headings: dict[str | None, bool]) -> bool:
    """Whether the paragraph's style is a heading style, looked up once per style (``headings`` remembers)."""
    style_id = paragraph._p.style
    if style_id not in headings:
        headings[style_id] = _is_heading_style(paragraph)
    return headings[style_id]


def _is_heading_style(paragraph) -> bool:
    style = paragraph.style
    while style is not None:
        if _HEADING_STYLE.match(style.name or ""):
            return True
        style = style.base_style
    return False

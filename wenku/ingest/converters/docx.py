"""Word .docx: body paragraphs and table cells in document order; heading styles kept as headings."""

from __future__ import annotations

import io
import re
from pathlib import PurePath

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
        raise ImportRefused(f"not a valid .docx file ({exc})") from None
    builder = ParagraphBuilder()
    first_heading: str | None = None
    for block in _blocks(document):
        text, heading = block
        builder.add(text, heading=heading)
        if heading and first_heading is None and text.strip():
            first_heading = text.strip()
    title = useful_title(document.core_properties.title) or first_heading
    if title is None and builder.paragraphs and len(builder.paragraphs[0]) <= 80:
        title = builder.paragraphs[0]
    return [builder.build(title or PurePath(name).stem)]


def _blocks(container, depth: int = 0):
    """(text, is_heading) for paragraphs and table cells, in body order, tables nested in cells included.

    A merged cell is one cell: python-docx returns it once per grid column or row it spans, we take it once.
    """
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for item in container.iter_inner_content():
        if isinstance(item, Paragraph):
            yield item.text, _is_heading(item)
        elif isinstance(item, Table) and depth < _MAX_TABLE_DEPTH:
            seen = set()
            for row in item.rows:
                for cell in row.cells:
                    if cell._tc in seen:
                        continue
                    seen.add(cell._tc)  # the element itself: kept alive, so the same proxy object
                    yield from _blocks(cell, depth + 1)


_MAX_TABLE_DEPTH = 20


def _is_heading(paragraph) -> bool:
    style = paragraph.style
    while style is not None:
        if _HEADING_STYLE.match(style.name or ""):
            return True
        style = style.base_style
    return False

"""EPUB: the chapters in reading (spine) order, headings kept; title from the book's metadata."""

from __future__ import annotations

import io
import warnings
from pathlib import PurePath

from wenku.ingest.converters._html_text import collect_blocks, parse_html
from wenku.ingest.converters._titles import useful_title
from wenku.ingest.errors import ImportRefused
from wenku.ingest.extracted import Extracted, ParagraphBuilder
from wenku.ingest.zipsafety import open_checked_zip


def extract(data: bytes, name: str) -> list[Extracted]:
    open_checked_zip(data, ".epub")
    from ebooklib import ITEM_DOCUMENT, epub

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = epub.read_epub(io.BytesIO(data), options={"ignore_ncx": True})
    except Exception as exc:  # ebooklib raises bare KeyError/EpubException/lxml errors on damaged books
        raise ImportRefused(f"not a valid .epub file ({type(exc).__name__}: {exc})") from None
    builder = ParagraphBuilder()
    for item_id, _linear in book.spine:
        item = book.get_item_with_id(item_id)
        if item is None or item.get_type() != ITEM_DOCUMENT or isinstance(item, epub.EpubNav):
            continue  # the EPUB 3 navigation document is the table of contents, not text of the book
        content = item.get_content()
        if content.strip():
            body = parse_html(content).find("body")
            if body is not None:
                collect_blocks(body, builder)
    titles = book.get_metadata("DC", "title")
    title = useful_title(titles[0][0]) if titles else None
    return [builder.build(title or PurePath(name).stem)]

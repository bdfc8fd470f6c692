"""Write an EPUB 3 book: the zip container, its package document (OPF), navigation document and chapter files.

The layout is the one EPUB 3.3 asks for: ``mimetype`` first and stored uncompressed (readers sniff it at a fixed
offset), ``META-INF/container.xml`` naming ``EPUB/content.opf``, an XHTML navigation document, and an NCX table of
contents as well for EPUB 2 readers. Chapter bodies are given as XHTML fragments; everything else is escaped here.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape

MIMETYPE = b"application/epub+zip"
FOLDER = "EPUB"
_CONTAINER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">\n'
    f'  <rootfiles><rootfile full-path="{FOLDER}/content.opf" media-type="application/oebps-package+xml"/>'
    "</rootfiles>\n"
    "</container>\n"
)


@dataclass(frozen=True)
class Chapter:
    title: str  # its table of contents entry and the XHTML file's <title>
    body: str  # XHTML inside <body>, already escaped
    file_name: str  # inside the EPUB folder, e.g. "chapter-0001.xhtml"


def write_epub(
    chapters: list[Chapter],
    *,
    title: str,
    identifier: str,
    language: str = "zh",
    creator: str | None = None,
    modified: datetime | None = None,
    nav_in_spine: bool = False,
) -> bytes:
    """The bytes of an EPUB 3 file holding ``chapters`` in this reading order, each in the table of contents."""
    stamp = (modified or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    files = [
        ("META-INF/container.xml", _CONTAINER),
        (f"{FOLDER}/content.opf", _opf(chapters, title, identifier, language, creator, stamp, nav_in_spine)),
        (f"{FOLDER}/nav.xhtml", _nav(chapters, title, language)),
        (f"{FOLDER}/toc.ncx", _ncx(chapters, title, identifier)),
        *((f"{FOLDER}/{c.file_name}", _xhtml(c.title, c.body, language)) for c in chapters),
    ]
    when = stamp.timetuple()[:6] if stamp.year >= 1980 else (1980, 1, 1, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        first = zipfile.ZipInfo("mimetype", date_time=when)
        first.compress_type = zipfile.ZIP_STORED
        archive.writestr(first, MIMETYPE)
        for name, text in files:
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return out.getvalue()


def _opf(
    chapters: list[Chapter],
    title: str,
    identifier: str,
    language: str,
    creator: str | None,
    stamp: datetime,
    nav_in_spine: bool,
) -> str:
    items = [
        '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>',
        '<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>',
        *(
            f'<item id="c{n}" href="{_attr(c.file_name)}" media-type="application/xhtml+xml"/>'
            for n, c in enumerate(chapters, start=1)
        ),
    ]
    spine = ['<itemref idref="nav"/>'] if nav_in_spine else []
    spine += [f'<itemref idref="c{n}"/>' for n in range(1, len(chapters) + 1)]
    author = f"<dc:creator>{escape(creator)}</dc:creator>" if creator else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="book-id" '
        f'xml:lang="{_attr(language)}">\n'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<dc:identifier id="book-id">{escape(identifier)}</dc:identifier>'
        f"<dc:title>{escape(title)}</dc:title><dc:language>{escape(language)}</dc:language>{author}"
        f'<meta property="dcterms:modified">{stamp.strftime("%Y-%m-%dT%H:%M:%SZ")}</meta></metadata>\n'
        f"<manifest>{''.join(items)}</manifest>\n"
        f'<spine toc="ncx">{"".join(spine)}</spine>\n'
        "</package>\n"
    )


def _nav(chapters: list[Chapter], title: str, language: str) -> str:
    entries = "".join(f'<li><a href="{_attr(c.file_name)}">{escape(c.title)}</a></li>' for c in chapters)
    body = f'<nav epub:type="toc" id="toc"><h1>{escape(title)}</h1><ol>{entries}</ol></nav>'
    return _xhtml(title, body, language)


def _ncx(chapters: list[Chapter], title: str, identifier: str) -> str:
    points = "".join(
        f'<navPoint id="p{n}" playOrder="{n}"><navLabel><text>{escape(c.title)}</text></navLabel>'
        f'<content src="{_attr(c.file_name)}"/></navPoint>'
        for n, c in enumerate(chapters, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">'
        f'<head><meta name="dtb:uid" content="{_attr(identifier)}"/></head>'
        f"<docTitle><text>{escape(title)}</text></docTitle><navMap>{points}</navMap></ncx>\n"
    )


def _xhtml(title: str, body: str, language: str) -> str:
    lang = _attr(language)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="{lang}" '
        f'xml:lang="{lang}">\n<head><meta charset="utf-8"/><title>{escape(title)}</title></head>\n'
        f"<body>{body}</body>\n</html>\n"
    )


def _attr(value: str) -> str:
    return escape(value, quote=True)

"""Word processing files that LibreOffice reads: .doc, .wps, .rtf, .odt.

LibreOffice converts them to .docx, which our .docx converter reads: headings (by paragraph style), tables and
the title from the document's properties come through the same way as from a file saved by Word. A web page saved
under .doc or .wps is read by our HTML converter instead: LibreOffice would fetch the images it links.
"""

from __future__ import annotations

from pathlib import PurePath

from wenku.ingest import office
from wenku.ingest.converters import docx, html
from wenku.ingest.converters._office_files import check_word_processing, is_html
from wenku.ingest.extracted import Extracted


def prepare(data: bytes, name: str) -> tuple[str, bytes]:
    """(format, bytes) to parse: the file converted to .docx by LibreOffice, or a web page saved as .doc as is.
    Runs outside the parse sandbox: LibreOffice is fenced in by wenku/ingest/office.py, with its own limits."""
    ext = PurePath(name).suffix.lower()
    check_word_processing(data, ext)
    if ext in (".doc", ".wps") and is_html(data):
        return "html", data
    return "docx", office.convert(data, ext, "docx:MS Word 2007 XML", office.WRITER_PACKAGE)


def extract(data: bytes, name: str) -> list[Extracted]:
    fmt, data = prepare(data, name)
    return (html if fmt == "html" else docx).extract(data, name)

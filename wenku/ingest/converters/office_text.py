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


def extract(data: bytes, name: str) -> list[Extracted]:
    ext = PurePath(name).suffix.lower()
    check_word_processing(data, ext)
    if ext in (".doc", ".wps") and is_html(data):
        return html.extract(data, name)
    converted = office.convert(data, ext, "docx:MS Word 2007 XML", office.WRITER_PACKAGE)
    return docx.extract(converted, name)

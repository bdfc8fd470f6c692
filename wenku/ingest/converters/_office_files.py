"""Check an Office file before LibreOffice sees it: LibreOffice opens anything, random bytes as plain text.

So a file must look like its format (an OLE compound file, RTF, a zip container of the right kind), zip
containers pass the same bomb checks as .docx and .epub, and an ODF file protected with a password is named as
such (its manifest says so), with no LibreOffice run at all.
"""

from __future__ import annotations

import re
import zipfile

from django.utils.translation import gettext_noop

from wenku.ingest.errors import ImportRefused
from wenku.ingest.zipsafety import open_checked_zip

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_RTF = re.compile(rb"^(?:\xef\xbb\xbf)?\s*\{\\rtf", re.S)
# Word saves "web pages" (HTML, MHTML) and Word 2003 XML under .doc too. HTML is read by our own HTML converter;
# LibreOffice reads the others (without network access, see wenku/ingest/office.py).
_MARKUP = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml|<html|<!doctype html|mime-version:)", re.I | re.S)
_HTML = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]{0,200}\?>\s*)?(?:<!--.{0,2000}?-->\s*)*(?:<html[\s>]|<!doctype\s+html)",
    re.I | re.S,
)
_ODF_MIMETYPES = {
    ".odt": "application/vnd.oasis.opendocument.text",
    ".odp": "application/vnd.oasis.opendocument.presentation",
}


def check_word_processing(data: bytes, ext: str) -> None:
    """.doc and .wps (OLE, or RTF/HTML/.docx saved under the name), .rtf, .odt."""
    if ext == ".rtf":
        if not _RTF.match(data[:64]):
            raise ImportRefused(gettext_noop("not a valid .rtf file (it does not start with {\\rtf)"))
    elif ext == ".odt":
        check_odf(data, ext)
    elif data.startswith(b"PK\x03\x04"):
        open_checked_zip(data, ext)  # a .docx renamed to .doc: LibreOffice reads it, once it is known to be safe
    elif not (data.startswith(OLE_MAGIC) or _RTF.match(data[:64]) or _MARKUP.match(data[:256])):
        raise ImportRefused(
            gettext_noop(
                "not a valid %(ext)s file (neither a Word/WPS document nor RTF or HTML saved as "
                "%(ext)s); if it is plain text, rename it to .txt"
            ),
            ext=ext,
        )


def is_html(data: bytes) -> bool:
    """Whether a .doc or .wps file is really a web page (HTML or XHTML, as Word's "save as web page" writes)."""
    return bool(_HTML.match(data[:4096]))


def check_presentation(data: bytes, ext: str) -> None:
    """.ppt (OLE), .pptx (zip), .odp (zip)."""
    if ext == ".ppt":
        if not data.startswith(OLE_MAGIC):
            raise ImportRefused(gettext_noop("not a valid .ppt file (not a PowerPoint 97-2003 presentation)"))
    elif ext == ".odp":
        check_odf(data, ext)
    else:
        archive = open_checked_zip(data, ext)
        if "ppt/presentation.xml" not in archive.namelist():
            raise ImportRefused(gettext_noop("not a valid %(ext)s file (no ppt/presentation.xml inside)"), ext=ext)


def check_odf(data: bytes, ext: str) -> zipfile.ZipFile:
    archive = open_checked_zip(data, ext)
    names = set(archive.namelist())
    expected = _ODF_MIMETYPES[ext]
    mimetype = archive.read("mimetype").decode("ascii", "replace").strip() if "mimetype" in names else ""
    if "content.xml" not in names or (mimetype and mimetype != expected):
        raise ImportRefused(
            gettext_noop("not a valid %(ext)s file (not an OpenDocument %(kind)s)"),
            ext=ext,
            kind=expected.rsplit(".", 1)[-1],
        )
    if "META-INF/manifest.xml" in names and b"encryption-data" in archive.read("META-INF/manifest.xml"):
        raise ImportRefused(
            gettext_noop("the %(ext)s file is protected with a password; remove the password and upload it again"),
            ext=ext,
        )
    return archive

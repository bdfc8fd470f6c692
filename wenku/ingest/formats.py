"""The one table of the file formats Wenku imports; everything else derives from it.

Derived from it: the converters' choice by extension (wenku/ingest/converters), the upload page's ``accept`` list and
its error messages, the formats 查重 accepts, the search filter's choices (site and API), the original file's
Content-Type on download, the generated downloads' Content-Types, and the help of ``wenku import``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath


@dataclass(frozen=True)
class Format:
    key: str  # stored in Document.source_format and used by the search filter (?format=…)
    extensions: tuple[str, ...]  # the first is the usual one
    label: str  # shown in the search filter
    module: str  # the converter: wenku.ingest.converters.<module>
    mime_type: str  # Content-Type of the original file on download
    office: bool = False  # converted by LibreOffice first (wenku/ingest/office.py); imports fail without it
    checkable: bool = False  # 查重 accepts it (one document per file, read without LibreOffice)


FORMATS: tuple[Format, ...] = (
    Format("txt", (".txt", ".text"), "TXT", "txt", "text/plain", checkable=True),
    Format("markdown", (".md", ".markdown"), "Markdown", "markdown", "text/markdown", checkable=True),
    Format("html", (".html", ".htm", ".xhtml"), "HTML", "html", "text/html", checkable=True),
    Format(
        "docx",
        (".docx",),
        "Word",
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        checkable=True,
    ),
    Format("pdf", (".pdf",), "PDF", "pdf", "application/pdf", checkable=True),
    Format("epub", (".epub",), "EPUB", "epub", "application/epub+zip", checkable=True),
    Format("jsonl", (".jsonl",), "JSONL", "jsonl", "application/jsonl"),
    Format("doc", (".doc",), "Word 97–2003", "office_text", "application/msword", office=True),
    Format("wps", (".wps",), "WPS 文字", "office_text", "application/vnd.ms-works", office=True),
    Format("rtf", (".rtf",), "RTF", "office_text", "application/rtf", office=True),
    Format("odt", (".odt",), "ODT", "office_text", "application/vnd.oasis.opendocument.text", office=True),
    Format(
        "pptx",
        (".pptx",),
        "PowerPoint",
        "presentation",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        office=True,
    ),
    Format("ppt", (".ppt",), "PowerPoint 97–2003", "presentation", "application/vnd.ms-powerpoint", office=True),
    Format("odp", (".odp",), "ODP", "presentation", "application/vnd.oasis.opendocument.presentation"),
)

BY_KEY: dict[str, Format] = {f.key: f for f in FORMATS}
BY_EXTENSION: dict[str, Format] = {ext: f for f in FORMATS for ext in f.extensions}
SUPPORTED_EXTENSIONS: tuple[str, ...] = tuple(sorted(BY_EXTENSION))
CHECKABLE_EXTENSIONS: tuple[str, ...] = tuple(ext for f in FORMATS if f.checkable for ext in f.extensions)
USUAL_EXTENSIONS: tuple[str, ...] = tuple(f.extensions[0] for f in FORMATS)  # for help texts: .txt .md .html …
FILTER_CHOICES: dict[str, str] = {f.key: f.label for f in FORMATS}  # search filter: format key → label


def of_name(name: str) -> Format | None:
    """The format of a file name by its extension (any case), or None when it is not one we import."""
    return BY_EXTENSION.get(PurePath(name).suffix.lower())


def filter_key(value: str) -> str | None:
    """A search filter's format key for what a URL says: a key ("markdown"), or an extension ("md", ".md")."""
    value = value.strip().lower()
    if value in BY_KEY:
        return value
    found = BY_EXTENSION.get(value if value.startswith(".") else f".{value}")
    return found.key if found else None


def mime_type_of(extension: str) -> str:
    """Content-Type of an original file with this extension."""
    found = BY_EXTENSION.get(extension.lower())
    return found.mime_type if found else "application/octet-stream"

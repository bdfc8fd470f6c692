"""Files generated from a document's text, one module per format with ``export(outline) -> bytes``."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from wenku.downloads.outline import outline_of
from wenku.ingest import formats
from wenku.library.models import Document


@dataclass(frozen=True)
class Format:
    extension: str
    content_type: str
    label: str


def _generated(key: str, content_type_suffix: str = "") -> Format:
    """A generated download of an import format: its extension, Content-Type and label from the format table."""
    spec = formats.BY_KEY[key]
    return Format(spec.extensions[0], spec.mime_type + content_type_suffix, spec.label)


FORMATS = {
    "txt": _generated("txt", "; charset=utf-8"),  # we write UTF-8 (an original .txt may be in GB18030)
    "docx": _generated("docx"),
    "epub": _generated("epub"),
}


def export(fmt: str, document: Document) -> bytes:
    module = import_module(f"wenku.downloads.exporters.{fmt}")
    if fmt == "txt":
        return module.export_text(document)
    return module.export(outline_of(document))

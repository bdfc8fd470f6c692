"""Files generated from a document's text, one module per format with ``export(outline) -> bytes``."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from wenku.downloads.outline import outline_of
from wenku.library.models import Document


@dataclass(frozen=True)
class Format:
    extension: str
    content_type: str
    label: str


FORMATS = {
    "txt": Format(".txt", "text/plain; charset=utf-8", "TXT"),
    "docx": Format(".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word"),
    "epub": Format(".epub", "application/epub+zip", "EPUB"),
}


def export(fmt: str, document: Document) -> bytes:
    module = import_module(f"wenku.downloads.exporters.{fmt}")
    if fmt == "txt":
        return module.export_text(document)
    return module.export(outline_of(document))

"""Plain text: the document's text exactly as imported, UTF-8, one paragraph per line."""

from __future__ import annotations

from wenku.library.models import Document


def export_text(document: Document) -> bytes:
    return document.full_text().encode("utf-8")

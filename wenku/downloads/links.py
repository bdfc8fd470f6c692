"""The downloads a user may take of a document, as (label, url) pairs: for the reading page and the API."""

from __future__ import annotations

from pathlib import PurePath

from wenku.downloads.exporters import FORMATS
from wenku.downloads.permissions import decide, has_original
from wenku.ingest import formats
from wenku.library.models import Document


def original_extension(document: Document) -> str:
    """The uploaded file's extension (".doc", ".TXT" → ".txt"), as the original is offered under."""
    suffix = PurePath(document.original_name).suffix.lower()
    if 1 < len(suffix) <= 10 and suffix[1:].isalnum():
        return suffix
    spec = formats.BY_KEY.get(document.source_format)
    return spec.extensions[0] if spec else f".{document.source_format}"


def download_links(user, document: Document) -> list[tuple[str, str, str]]:
    """(format, label, url) for each download ``user`` may take; empty when downloads are not allowed."""
    if not decide(user, document).allowed:
        return []
    links = []
    if has_original(document):
        label = f"原文件({original_extension(document)})"
        links.append(("original", label, document.route("downloads:download", "original")))
    for fmt, spec in FORMATS.items():
        links.append((fmt, spec.label, document.route("downloads:download", fmt)))
    return links

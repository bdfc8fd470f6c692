"""A document as the API shows it, shared by GET /api/documents/{id} and POST /api/documents (uploads)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ninja import Path, Schema

from wenku.downloads.links import download_links
from wenku.library.models import Document
from wenku.web.absolute import absolute_url

# A document's id, or (unlisted documents, whose ids answer 404 to all but their owner and staff) its access key.
DocumentRef = Annotated[
    str,
    Path(
        pattern=r"^(?:[1-9][0-9]{0,14}|[A-Za-z0-9_-]{16,32})$",
        description="the document's id, or an unlisted document's access key (the key in its /u/<key>/ URL)",
    ),
]


class ArticleOut(Schema):
    title: str
    page: int
    chars: int


class DocumentOut(Schema):
    id: int
    title: str
    chars: int
    reading_minutes: int
    pages: int
    views: int
    uploader: str | None
    created: datetime
    url: str
    articles: list[ArticleOut]  # the articles of a compilation, in order; empty for a single document
    downloads: dict[str, str]  # format ("original", "txt", "docx", "epub") → URL; empty when not allowed


def document_out(request, document: Document) -> dict:
    """The DocumentOut fields of ``document`` for this request's user (download links depend on who asks)."""
    return {
        "id": document.pk,
        "title": document.title,
        "chars": document.chars,
        "reading_minutes": document.reading_minutes,
        "pages": document.page_count,
        "views": document.views,
        "uploader": document.uploader.get_username() if document.uploader else None,
        "created": document.created,
        "url": absolute_url(request, document.get_absolute_url()),
        "articles": list(document.articles.values("title", "page", "chars")),
        "downloads": {fmt: absolute_url(request, url) for fmt, _, url in download_links(request.user, document)},
    }

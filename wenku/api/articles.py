"""The "articles" field of a document in the API: a compilation's 篇目, shared by GET /documents/{id} and uploads."""

from __future__ import annotations

from ninja import Schema

from wenku.library.models import Document


class ArticleOut(Schema):
    title: str
    page: int
    chars: int


def articles_of(document: Document) -> list[dict]:
    """Title, page and 字数 of each article, in order; [] for a single document."""
    return list(document.articles.values("title", "page", "chars"))

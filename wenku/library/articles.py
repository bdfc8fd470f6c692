"""The articles (篇目) of a compilation as rows: found on import, and kept right after staff edit them."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from wenku.library.models import Article, Document
from wenku.text.articles import detect_articles
from wenku.text.counting import count_chars
from wenku.text.pagination import join_pages, paragraph_offsets


def detected_articles(document: Document, pages: Sequence) -> list[Article]:
    """Unsaved Article rows for a document about to be stored; [] for a single document."""
    text = join_pages(pages)
    paragraphs = text.split("\n")
    offsets = paragraph_offsets(text)
    heading_at = {offset: index for index, offset in enumerate(offsets)}
    headings = {heading_at[o] for o in document.heading_offsets if o in heading_at}
    found = detect_articles(paragraphs, headings)
    articles = [Article(document=document, title=title[:300], start=offsets[index]) for index, title in found]
    _place(articles, pages, text)
    return articles


def recompute_articles(document: Document) -> None:
    """Page and 字数 of each article from the stored pages; marks the document changed so cached pages go."""
    pages = list(document.pages.only("number", "start", "text"))
    articles = list(document.articles.all())
    _place(articles, pages, join_pages(pages))
    with transaction.atomic():
        Article.objects.bulk_update(articles, ["page", "chars"])
        Document.objects.filter(pk=document.pk).update(updated=timezone.now())


def paragraph_start(text: str, offset: int) -> int:
    """The start of the paragraph holding ``offset`` (articles begin at a paragraph)."""
    offset = min(max(offset, 0), len(text))
    return text.rfind("\n", 0, offset) + 1


def _place(articles: list[Article], pages: Sequence, text: str) -> None:
    """Set ``page`` (the page holding the start) and ``chars`` (字数 up to the next article) in start order."""
    ordered = sorted(pages, key=lambda p: p.start)
    starts = [p.start for p in ordered]
    articles.sort(key=lambda a: a.start)
    for position, article in enumerate(articles):
        end = articles[position + 1].start if position + 1 < len(articles) else len(text)
        article.chars = count_chars(text[article.start : end])
        at = max(bisect.bisect_right(starts, article.start) - 1, 0)
        article.page = ordered[at].number if ordered else 1

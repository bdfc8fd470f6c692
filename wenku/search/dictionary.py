"""The site dictionary: extra words for segmentation, shared by every process through the database."""

from __future__ import annotations

from django.db import transaction

from wenku.search import indexing
from wenku.search.backends.base import Filters
from wenku.search.models import SiteWord
from wenku.search.query import parse_query
from wenku.search.registry import get_backend
from wenku.text.analysis import add_words, normalize

_loaded: set[str] = set()


def load_site_words() -> None:
    """Teach the segmenter the site's words (once per process, and again after a change)."""
    words = set(SiteWord.objects.values_list("word", flat=True))
    new = words - _loaded
    if new:
        add_words(sorted(new))
        _loaded.update(new)


def add_site_word(word: str) -> int:
    """Add a word and queue the documents that contain it for re-indexing (the worker, or the command that
    called this, applies the queue); returns how many."""
    word = normalize(word.strip())
    if not word or len(word) > 50 or any(c.isspace() for c in word):
        raise ValueError("a word is 1–50 characters without spaces")
    with transaction.atomic():
        SiteWord.objects.get_or_create(word=word)
    load_site_words()
    affected = documents_containing(word)
    indexing.reindex_documents(affected)
    return len(affected)


def documents_containing(word: str) -> list[int]:
    query = parse_query(f'"{word}"')
    backend = get_backend()
    total = backend.search(query, Filters(), "relevance", 0, 1).total
    if total == 0:
        return []
    return [hit.document_id for hit in backend.search(query, Filters(), "relevance", 0, total).hits]

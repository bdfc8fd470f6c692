"""相关文档: documents that share the most distinctive words of a document's title."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.cache import cache

from wenku.library.models import Document
from wenku.library.reading_state import listed_titles
from wenku.search.backends.base import Filters, SearchUnavailable
from wenku.search.query import ParsedQuery, Term
from wenku.search.registry import forget_backend, get_backend
from wenku.text.analysis import grams_of, normalize, words_of

log = logging.getLogger(__name__)
_STOP = {"中华人民共和国", "关于", "我们", "工作", "报告", "的", "和", "在"}


def related_documents(document_id: int, user, limit: int = 5) -> list[Related]:
    """Up to ``limit`` documents related to a document that ``user`` may see, best first; empty if search is
    unavailable. The candidate ids are cached for a while (they change slowly); who may see them is decided on
    every call, so a hidden document leaves these lists at once."""
    key = f"wenku:related:{document_id}"
    ids = cache.get(key)
    if ids is None:
        document = Document.objects.filter(pk=document_id).only("id", "title").first()
        ids = _related_ids(document, limit * 3) if document else []
        if ids is None:  # the index cannot be read now: show the page without them, and ask again next time
            return []
        cache.set(key, ids, 600)
    if not ids:
        return []
    found = listed_titles(ids, user)
    return [Related(i, *found[i]) for i in ids if i in found][:limit]


@dataclass(frozen=True)
class Related:
    id: int
    title: str
    chars: int


def _related_ids(document: Document, limit: int) -> list[int] | None:
    words = [w for w in dict.fromkeys(words_of(normalize(document.title))) if len(w) >= 2 and w not in _STOP][:8]
    if not words:
        return []
    query = ParsedQuery(groups=[[Term(text=w, grams=tuple(grams_of(w)), runs=(w,)) for w in words]])
    try:
        hits = get_backend().search(query, Filters(), "relevance", 0, limit).hits
    except SearchUnavailable as exc:  # a damaged or missing index (tantivy's panics included, see its backend)
        forget_backend()
        log.warning("related documents unavailable: %s", exc)
        return None
    except Exception as exc:  # the reading page must never fail because of the index
        log.warning("related documents unavailable: %s", exc)
        return None
    return [h.document_id for h in hits if h.document_id != document.pk]

"""Search as the site offers it: parse, apply pending index changes, search, keep only what the user may see,
find the best page of each hit, cut snippets, suggest something when nothing matched, keep statistics."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from wenku.library.models import Document, Page
from wenku.search import indexing
from wenku.search.backends.base import Filters, SearchUnavailable
from wenku.search.models import QueryStat
from wenku.search.query import ParsedQuery, QueryError, parse_query
from wenku.search.registry import forget_backend, get_backend
from wenku.search.snippets import snippet

log = logging.getLogger(__name__)
SORTS = {"relevance": "相关度", "newest": "最新", "views": "最多阅读"}
MAX_SIZE = 50
# Results are served this deep at most (as big search engines do): a page number past it shows the last page
# there is, so no request makes the index collect a huge top-k (tantivy allocates offset+limit slots up front).
MAX_DEPTH = 1000
MAX_VIEWS_SORTED = 5000  # "most read" orders the best matches by views in the database


@dataclass
class ResultHit:
    document: Document
    page: int
    pages: list[int]
    snippet: str
    score: float


@dataclass
class Results:
    query: ParsedQuery
    total: int
    hits: list[ResultHit]
    page: int
    size: int
    suggestions: list[dict] = field(default_factory=list)

    @property
    def page_count(self) -> int:
        return last_page(self.total, self.size)


def last_page(total: int, size: int) -> int:
    """The last results page that can be shown: all of them, or as many as MAX_DEPTH results fill."""
    return max(1, min(-(-total // size), MAX_DEPTH // size))


def search(raw: str, user=None, filters: Filters | None = None, sort: str = "relevance", page: int = 1, size: int = 10):
    """Results for ``raw``; raises QueryError with a message for the user, SearchUnavailable (answered 503) when
    the index cannot be read. ``page`` is clamped: past the last page (or MAX_DEPTH) it is the last page."""
    query = parse_query(raw)
    filters = filters or Filters()
    sort = sort if sort in SORTS else "relevance"
    size = min(max(size, 1), MAX_SIZE)
    page = min(max(page, 1), last_page(MAX_DEPTH, size))
    try:
        results = _search(query, user, filters, sort, page, size)
        if not results.hits and results.total and page > results.page_count:
            results = _search(query, user, filters, sort, results.page_count, size)
        if results.total == 0:
            results.suggestions = suggestions(query, filters)
    except SearchUnavailable:
        forget_backend()  # the next request opens the index afresh (it may have been rebuilt meanwhile)
        raise
    return results


def _search(query: ParsedQuery, user, filters: Filters, sort: str, page: int, size: int) -> Results:
    _require_usable_index()
    backend = get_backend()
    offset = (page - 1) * size
    if sort == "views":
        found = backend.search(query, filters, "relevance", 0, MAX_VIEWS_SORTED)
        ranked_ids = list(
            Document.objects.filter(pk__in=[h.document_id for h in found.hits])
            .order_by("-views", "-id")
            .values_list("id", flat=True)
        )
        scores = {h.document_id: h.score for h in found.hits}
        window = [(i, scores[i]) for i in ranked_ids[offset : offset + size]]
        total = found.total
    else:
        found = backend.search(query, filters, sort, offset, size)
        window = [(h.document_id, h.score) for h in found.hits]
        total = found.total
    hits = _results(query, window, user)
    return Results(query=query, total=total, hits=hits, page=page, size=size)


def _require_usable_index() -> None:
    """Before a search: refuse (503, saying what to do) an index that cannot answer. A search writes nothing:
    documents waiting in the outbox are indexed by `wenku worker` (or `wenku import`), never inside a request."""
    backend = get_backend()
    if backend.needs_rebuild():
        state, detail = backend.state()
        if state == "missing" and not indexing.searchable_documents().exists():
            return  # a new site with nothing to find yet: an empty answer, not an error
        raise SearchUnavailable(detail)


def _results(query: ParsedQuery, window: list[tuple[int, float]], user) -> list[ResultHit]:
    ids = [document_id for document_id, _ in window]
    # The index may lag a hide or delete by a moment; the database decides what is shown, at once.
    visible = {
        d.pk: d for d in Document.objects.listed_for(user).filter(pk__in=ids).select_related("category", "uploader")
    }
    pages = get_backend().matching_pages(query, [i for i in ids if i in visible])
    best = {document_id: (pages.get(document_id) or [1])[0] for document_id in visible}
    rows = Page.objects.filter(document_id__in=list(visible), number__in=set(best.values()))
    texts = {(d, n): t for d, n, t in rows.values_list("document_id", "number", "text")}
    runs = query.highlight_runs()
    hits = []
    for document_id, score in window:
        document = visible.get(document_id)
        if document is None:
            continue
        number = best[document_id]
        text = texts.get((document_id, number), "")
        hits.append(
            ResultHit(
                document=document,
                page=number,
                pages=sorted(pages.get(document_id) or [1]),
                snippet=snippet(text, runs),
                score=score,
            )
        )
    return hits


def suggestions(query: ParsedQuery, filters: Filters) -> list[dict]:
    """When nothing matched: smaller queries that would find something (one word dropped, or only the words
    that occur at all), most results first."""
    if len(query.groups) < 2:
        return []
    backend = get_backend()

    def total(groups: list[int]) -> int:
        smaller = ParsedQuery([query.groups[i] for i in groups], list(query.excluded))
        return backend.search(smaller, filters, "relevance", 0, 1).total

    every = list(range(len(query.groups)))
    candidates = [[i for i in every if i != dropped] for dropped in every]
    occurring = [i for i in every if total([i])]
    candidates += [occurring, *([i] for i in occurring)]
    found, seen = [], set()
    for groups in candidates:
        key = tuple(groups)
        if not groups or key in seen or len(groups) == len(every):
            continue
        seen.add(key)
        count = total(groups)
        if count:
            dropped = [query.describe_group(i) for i in every if i not in groups]
            kept = " ".join(query.describe_group(i) for i in groups)
            found.append({"drop": "、".join(dropped), "query": kept, "total": count})
    return sorted(found, key=lambda s: (-len(s["query"]), -s["total"]))[:3]


def record_query(raw: str, total: int) -> None:
    """Count the query for staff statistics (top queries, zero-result queries)."""
    # NUL and lone surrogates cannot be stored by PostgreSQL (or encoded at all): never part of a statistic.
    text = " ".join(raw.encode("utf-8", "replace").decode().replace("\x00", " ").split())[:200]
    if not text:
        return
    day = timezone.localdate()
    updated = QueryStat.objects.filter(query=text, day=day).update(count=F("count") + 1, results=total)
    if not updated:
        try:
            with transaction.atomic():
                QueryStat.objects.create(query=text, day=day, count=1, results=total)
        except IntegrityError:
            QueryStat.objects.filter(query=text, day=day).update(count=F("count") + 1, results=total)


__all__ = ["SORTS", "QueryError", "Results", "record_query", "search"]

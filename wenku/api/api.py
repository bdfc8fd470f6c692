"""The JSON API (django-ninja); OpenAPI at /api/docs."""

from __future__ import annotations

from typing import Annotated, Literal

from django.core.exceptions import RequestDataTooBig
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Path, Query, Schema, Status
from ninja.renderers import JSONRenderer

from wenku.accounts.api import router as accounts_router
from wenku.api import errors
from wenku.api.documents import DocumentOut, DocumentRef, document_out
from wenku.checking.api import router as checking_router
from wenku.ingest import formats
from wenku.library.models import Document, Page
from wenku.search.backends.base import Filters, SearchUnavailable
from wenku.search.service import QueryError, record_query, search
from wenku.uploads.api import router as uploads_router
from wenku.web.absolute import absolute_url
from wenku.web.params import MAX_PAGE_NUMBER, MAX_SEARCH_PAGE_SIZE, SEARCH_PAGE_SIZE


class _UnicodeJSON(JSONRenderer):
    """Chinese text stays readable in responses (UTF-8, not \\u escapes)."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="Wenku API",
    version="1",
    urls_namespace="api",
    description="文库 documents and pages.",
    renderer=_UnicodeJSON(),
)
errors.install(api)


FormatKey = Literal[tuple(formats.BY_KEY)]  # the search filter's formats (wenku/ingest/formats.py)
MAX_ID = 2**62  # beyond any real id; larger numbers would overflow the database's integer
PageNumber = Annotated[int, Path(ge=1, le=MAX_ID)]


api.add_router("/", accounts_router)
api.add_router("/", uploads_router)
api.add_router("/", checking_router)


@api.exception_handler(RequestDataTooBig)
def _body_too_large(request, exc):
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE (a very long text for /api/check): 413 with a reason, not a bare 400."""
    return api.create_response(request, {"detail": _("request body too large")}, status=413)


class PageOut(Schema):
    number: int
    pages: int
    text: str
    url: str


def _document(request, document_id: str) -> Document:
    return get_object_or_404(Document.objects.openable_at(request.user, document_id).select_related("uploader"))


@api.get("/documents/{document_id}", response=DocumentOut, summary="A document's metadata")
def get_document(request, document_id: DocumentRef):
    document = _document(request, document_id)
    return document_out(request, document)


@api.get("/documents/{document_id}/pages/{number}", response=PageOut, summary="One page's text as displayed")
def get_page(request, document_id: DocumentRef, number: PageNumber):
    document = _document(request, document_id)
    page = get_object_or_404(Page, document=document, number=number)
    return PageOut(
        number=page.number,
        pages=document.page_count,
        text=page.text,
        url=absolute_url(request, document.page_url(page.number)),
    )


class SearchHitOut(Schema):
    id: int
    title: str
    page: int
    pages: list[int]
    snippet: str
    score: float


class SearchOut(Schema):
    total: int
    page: int
    pages: int
    hits: list[SearchHitOut]


class ErrorOut(Schema):
    detail: str


@api.get(
    "/search",
    response={200: SearchOut, 400: ErrorOut, 503: ErrorOut},
    summary="Full-text search, one hit per document",
)
def search_documents(
    request,
    q: Annotated[str, Query(max_length=10_000)] = "",
    page: Annotated[int, Query(ge=1, le=MAX_PAGE_NUMBER)] = 1,
    size: Annotated[int, Query(ge=1, le=MAX_SEARCH_PAGE_SIZE)] = SEARCH_PAGE_SIZE,
    format: FormatKey | None = None,
):
    """Words are AND-ed, "exact phrase", -exclude, OR; `format` keeps the documents imported from files of
    that format. `page` of each hit is its best page, `pages` all matching pages; `snippet` is HTML with the
    matched terms in <mark>. Results go 1000 deep at most: a `page` past the last one answers the last one (the
    body's `page` says which; `pages` is how many there are).
    503 when the search index cannot be read (run `wenku reindex`)."""
    try:
        results = search(q, request.user, Filters(source_format=format), page=page, size=size)
    except QueryError as exc:
        return Status(400, {"detail": str(exc)})
    except SearchUnavailable as exc:
        return Status(503, {"detail": str(exc)})
    if results.page == 1:
        record_query(q, results.total)
    body = {
        "total": results.total,
        "page": results.page,
        "pages": results.page_count,
        "hits": [
            {
                "id": hit.document.pk,
                "title": hit.document.title,
                "page": hit.page,
                "pages": hit.pages,
                "snippet": str(hit.snippet),
                "score": hit.score,
            }
            for hit in results.hits
        ],
    }
    return Status(200, body)

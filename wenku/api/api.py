"""The JSON API (django-ninja); OpenAPI at /api/docs."""

from __future__ import annotations

from typing import Annotated

from django.core.exceptions import RequestDataTooBig
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Path, Query, Schema, Status
from ninja.renderers import JSONRenderer

from wenku.accounts.api import router as accounts_router
from wenku.api.documents import DocumentOut, document_out
from wenku.checking.api import router as checking_router
from wenku.library.models import Document, Page
from wenku.search.service import QueryError, record_query, search
from wenku.uploads.api import router as uploads_router


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


MAX_ID = 2**62  # beyond any real id; larger numbers would overflow the database's integer
DocumentId = Annotated[int, Path(ge=1, le=MAX_ID)]
PageNumber = Annotated[int, Path(ge=1, le=MAX_ID)]


api.add_router("/", accounts_router)
api.add_router("/", uploads_router)
api.add_router("/", checking_router)


@api.exception_handler(RequestDataTooBig)
def _body_too_large(request, exc):
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE (a very long text for /api/check): 413 with a reason, not a bare 400."""
    return api.create_response(request, {"detail": "request body too large"}, status=413)


class PageOut(Schema):
    number: int
    pages: int
    text: str
    url: str


def _document(request, document_id: int) -> Document:
    queryset = Document.objects.openable_by(request.user).select_related("uploader")
    return get_object_or_404(queryset, pk=document_id)


@api.get("/documents/{document_id}", response=DocumentOut, summary="A document's metadata")
def get_document(request, document_id: DocumentId):
    document = _document(request, document_id)
    return document_out(request, document)


@api.get("/documents/{document_id}/pages/{number}", response=PageOut, summary="One page's text as displayed")
def get_page(request, document_id: DocumentId, number: PageNumber):
    document = _document(request, document_id)
    page = get_object_or_404(Page, document=document, number=number)
    return PageOut(
        number=page.number,
        pages=document.page_count,
        text=page.text,
        url=request.build_absolute_uri(document.page_url(page.number)),
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
    hits: list[SearchHitOut]


class ErrorOut(Schema):
    detail: str


@api.get("/search", response={200: SearchOut, 400: ErrorOut}, summary="Full-text search, one hit per document")
def search_documents(
    request,
    q: Annotated[str, Query(max_length=10_000)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    size: Annotated[int, Query(ge=1, le=50)] = 10,
):
    """Words are AND-ed, "exact phrase", -exclude, OR. `page` of each hit is its best page, `pages` all
    matching pages; `snippet` is HTML with the matched terms in <mark>."""
    try:
        results = search(q, request.user, page=page, size=size)
    except QueryError as exc:
        return Status(400, {"detail": str(exc)})
    if page == 1:
        record_query(q, results.total)
    body = {
        "total": results.total,
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

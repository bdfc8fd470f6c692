"""The accounts part of the JSON API (favorites, the current user's lists), mounted under /api/.

Every endpoint here needs a user: ``Authorization: Bearer <token>``, or the browser's session plus a CSRF token
for writes (see auth.py). A document the user may not open answers 404, as if it did not exist.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from wenku.accounts import favorites
from wenku.accounts.auth import api_auth
from wenku.accounts.reading import history_of
from wenku.api.documents import DocumentRef
from wenku.library.models import Document
from wenku.web.absolute import absolute_url

router = Router(tags=["me"], auth=api_auth)

Limit = Annotated[int, Query(ge=1, le=1000)]


class FavoriteStateOut(Schema):
    favorited: bool
    count: int


class FavoriteOut(Schema):
    id: int
    title: str
    url: str
    favorited_at: datetime


class HistoryOut(Schema):
    id: int
    title: str
    page: int
    url: str
    read_at: datetime


def _openable(request, document_id: str) -> Document:
    return get_object_or_404(Document.objects.openable_at(request.auth, document_id))


@router.post(
    "/documents/{document_id}/favorite",
    response=FavoriteStateOut,
    url_name="document_favorite",
    summary="Add a document to my favorites",
)
def add_favorite(request, document_id: DocumentRef):
    return favorites.add(request.auth, _openable(request, document_id))


@router.delete(
    "/documents/{document_id}/favorite",
    response=FavoriteStateOut,
    url_name="document_favorite",
    summary="Remove a document from my favorites",
)
def remove_favorite(request, document_id: DocumentRef):
    return favorites.remove(request.auth, _openable(request, document_id))


@router.get("/me/favorites", response=list[FavoriteOut], summary="My favorites, newest first")
def my_favorites(request, limit: Limit = 100):
    return [
        FavoriteOut(
            id=favorite.document.pk,
            title=favorite.document.title,
            url=absolute_url(request, favorite.document.get_absolute_url()),
            favorited_at=favorite.created,
        )
        for favorite in favorites.favorites_of(request.auth)[:limit]
    ]


@router.get("/me/history", response=list[HistoryOut], summary="My reading history: the last page read, newest first")
def my_history(request, limit: Limit = 100):
    return [
        HistoryOut(
            id=position.document.pk,
            title=position.document.title,
            page=position.shown_page,
            url=absolute_url(request, position.url),
            read_at=position.updated,
        )
        for position in history_of(request.auth)[:limit]
    ]

"""Favorites (加入收藏): adding, removing, counting, and a reader's list of the documents they may still open."""

from __future__ import annotations

from dataclasses import dataclass

from wenku.accounts.models import Favorite
from wenku.library.models import Document


@dataclass(frozen=True)
class FavoriteState:
    favorited: bool
    count: int


def add(user, document: Document) -> FavoriteState:
    Favorite.objects.get_or_create(user=user, document=document)
    return FavoriteState(True, count(document))


def remove(user, document: Document) -> FavoriteState:
    Favorite.objects.filter(user=user, document=document).delete()
    return FavoriteState(False, count(document))


def count(document: Document) -> int:
    return Favorite.objects.filter(document=document).count()


def state(user, document: Document) -> FavoriteState:
    favorited = user.is_authenticated and Favorite.objects.filter(user=user, document=document).exists()
    return FavoriteState(favorited, count(document))


def favorites_of(user):
    """The user's favorites, newest first, leaving out documents they can no longer open."""
    openable = Document.objects.remembered_for(user).values("pk")
    return Favorite.objects.filter(user=user, document__in=openable).select_related("document")

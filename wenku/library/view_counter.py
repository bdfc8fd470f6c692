"""Count a document view once per visitor per document per day, atomically under concurrent requests.

The unique ViewMark row is the arbiter: only the request that inserts it increments the counter, in the same
transaction, with an UPDATE ... SET views = views + 1. A small in-process memory of recent marks spares the
database a write attempt for the repeat visits that make up most traffic.

An anonymous visitor's key (made by wenku.web.visitor) is ANONYMOUS + a hash of the address it was first issued to
(ADDRESS_CHARS long) + more. At most WENKU_VIEWS_PER_ADDRESS such visitors count per document and day per address,
so that a script cannot fill the counter by making up new visitors. The limit is checked only when a new visitor
would be counted, and is approximate under concurrent requests.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from threading import Lock

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from wenku.library.models import Document, ViewMark

ANONYMOUS = "v:"
ADDRESS_CHARS = 12
_RECENT_LIMIT = 100_000
_recent: OrderedDict[tuple[int, str, dt.date], None] = OrderedDict()
_lock = Lock()
_last_prune: dt.date | None = None


def count_view(document_id: int, visitor: str, day: dt.date) -> bool:
    """Record a view; True if it counted (first time this visitor saw this document today)."""
    key = (document_id, visitor, day)
    if _seen(key):
        return False
    marks = ViewMark.objects.filter(document_id=document_id, visitor=visitor, day=day)
    if marks.exists() or _address_is_full(document_id, visitor, day):
        _remember(key)
        return False
    try:
        with transaction.atomic():
            ViewMark.objects.create(document_id=document_id, visitor=visitor, day=day)
            Document.objects.filter(pk=document_id).update(views=F("views") + 1)
    except IntegrityError:
        _remember(key)
        return False
    _remember(key)
    _prune_old_marks(day)
    return True


def address_part(visitor: str) -> str | None:
    """The start of an anonymous visitor's key that names the address it was issued to; None for a user."""
    return visitor[: len(ANONYMOUS) + ADDRESS_CHARS] if visitor.startswith(ANONYMOUS) else None


def _address_is_full(document_id: int, visitor: str, day: dt.date) -> bool:
    limit = settings.WENKU_VIEWS_PER_ADDRESS
    address = address_part(visitor)
    if not limit or address is None:
        return False
    counted = ViewMark.objects.filter(document_id=document_id, day=day, visitor__startswith=address)
    return counted.count() >= limit


def _seen(key: tuple[int, str, dt.date]) -> bool:
    with _lock:
        if key in _recent:
            _recent.move_to_end(key)
            return True
    return False


def _remember(key: tuple[int, str, dt.date]) -> None:
    with _lock:
        _recent[key] = None
        if len(_recent) > _RECENT_LIMIT:
            _recent.popitem(last=False)


def _prune_old_marks(today: dt.date) -> None:
    """Marks older than yesterday can no longer decide anything; drop them once a day per process."""
    global _last_prune
    if _last_prune == today:
        return
    _last_prune = today
    ViewMark.objects.filter(day__lt=today - dt.timedelta(days=1)).delete()


def forget_recent() -> None:
    """Clear the in-process memory (tests simulate separate processes with it)."""
    with _lock:
        _recent.clear()

"""What the reading page needs from accounts: remembering where a reader is, and their favorite state."""

from __future__ import annotations

from urllib.parse import quote

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from wenku.accounts import favorites
from wenku.accounts.models import ReadingPosition
from wenku.library.models import Document

_BEFORE = "wenku_reading_before"  # request attribute: (page remembered before this view, page of this view)


def on_page_read(request, document, page_number: int) -> None:
    """Called on every reading-page view; remembers the page for logged-in readers.

    Opening a document at its first page does not forget a later page: that is how readers come back (from a
    list, a search, a bookmark of the document), and the page shows them "继续阅读 第N页" to get there. Reading on
    from page 1, or any other page, is remembered as usual.
    """
    if not request.user.is_authenticated:
        return
    rows = ReadingPosition.objects.filter(user=request.user, document=document)
    before = rows.values_list("page", flat=True).first()
    setattr(request, _BEFORE, (before, page_number))
    now = timezone.now()
    if before is not None:
        keep_later_page = page_number == 1 and before > 1
        rows.update(page=before if keep_later_page else page_number, updated=now)
        return
    try:
        with transaction.atomic():
            ReadingPosition.objects.create(user=request.user, document=document, page=page_number, updated=now)
    except IntegrityError:  # the same reader's other tab got there first
        rows.update(page=page_number, updated=now)


def reading_context(request, document) -> dict:
    """Template context for accounts/includes/reading_actions.html.

    "继续阅读 第N页" links to the page remembered before this view when it lies ahead of this page: a reader who
    comes back to the document, or turns back a page, can return to where they were; one reading on page after
    page is not offered the page they just left.

    For anonymous readers this must be the same for everyone: their reading pages are rendered once and cached.
    """
    state = favorites.state(request.user, document)
    context = {"favorite": state, "login_url": _login_url(request.path)}
    before, current = getattr(request, _BEFORE, (None, None))
    if before is not None and current < before <= document.page_count:
        context["resume_page"] = before
        context["resume_url"] = document.page_url(before)
    return {"account_actions": context}


def history_of(user):
    """The reader's reading positions, newest first, leaving out documents they can no longer open."""
    openable = Document.objects.remembered_for(user).values("pk")
    return ReadingPosition.objects.filter(user=user, document__in=openable).select_related("document")


def _login_url(next_path: str) -> str:
    return f"{reverse('accounts:login')}?next={quote(next_path)}"

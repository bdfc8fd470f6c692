"""What the reading page needs from accounts: remembering where a reader is, and their favorite state."""

from __future__ import annotations


def on_page_read(request, document, page_number: int) -> None:
    """Called on every reading-page view; remembers the page for logged-in readers."""


def reading_context(request, document) -> dict:
    """Template context for accounts/includes/reading_actions.html."""
    return {}

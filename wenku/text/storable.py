"""Whether a user's text can be stored at all: PostgreSQL refuses NUL in any text column, and a lone surrogate
(from a %ED%A0%80 in a URL, or a JSON "\\ud800") cannot be encoded by any database driver."""

from __future__ import annotations


def storable(text: str) -> bool:
    """False when ``text`` holds NUL or a lone surrogate."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True

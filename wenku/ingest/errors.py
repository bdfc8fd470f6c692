"""Why a file cannot be imported, written once in English and shown in the reader's language (gettext).

A reason is a message id marked where it is written (``gettext_noop``, aliased ``_`` there, so that makemessages
finds it) with ``%(name)s`` fields filled from ``params``. It is translated only when shown (``str()``): the parse
sandbox's children run without Django settings, so they pass ``(message, params)`` back as plain data and the
parent, which knows the active language, says it.
"""

from __future__ import annotations

Plain = tuple[str, dict]


class ImportRefused(Exception):
    """A file (or record) that cannot become a document; ``str()`` is the reason shown to the user."""

    def __init__(self, message: str, **params: str | int | float) -> None:
        super().__init__(message)
        self.message = message
        self.params = params

    def __str__(self) -> str:
        return translated(self.message, self.params)

    def as_plain(self) -> Plain:
        """Marshal-able data for crossing a process boundary (a field that is itself a reason stays one)."""
        return self.message, {k: _plain_value(v) for k, v in self.params.items()}

    @classmethod
    def from_plain(cls, plain: Plain | str) -> ImportRefused:
        if isinstance(plain, str):
            return cls(plain)
        message, params = plain
        return cls(message, **params)


def translated(message: str, params: dict) -> str:
    """``message`` in the active language (as is where Django is not set up), its fields filled."""
    text = message
    try:
        from django.utils.translation import gettext

        text = gettext(message)
    except Exception:  # no settings or apps (a sandbox child, a bare script): the English source
        text = message
    return text % {k: _said(v) for k, v in params.items()} if params else text


def _plain_value(value):
    if hasattr(value, "message") and hasattr(value, "params"):  # a reason inside a reason (UndecodableText)
        return value.message, {k: _plain_value(v) for k, v in value.params.items()}
    return value if isinstance(value, (str, int, float)) else str(value)


def _said(value):
    """A field's value as shown: a reason inside a reason is translated too."""
    if hasattr(value, "message") and hasattr(value, "params"):
        return translated(value.message, value.params)
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], dict):
        return translated(*value)
    return value

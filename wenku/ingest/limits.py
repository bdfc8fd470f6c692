"""How much text a converter may take out of one file, counted while it reads, and the refusal when it is too much.

A small file can describe a huge document (300,000 empty paragraphs in a 30 KB .docx, 1,000 PDF pages that share
one content stream), so the size check on the file is not enough: each converter counts the paragraphs it reads
(empty ones too), the lines and pages, and the characters it keeps, and stops at the first limit it reaches.
The limits come from the settings (WENKU_MAX_TEXT_CHARS, WENKU_MAX_PARAGRAPHS, WENKU_MAX_LINES, WENKU_MAX_PAGES);
inside the parse sandbox, where Django is not set up, the parent's values are installed with ``use``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.utils.translation import gettext_noop

from wenku.ingest.errors import ImportRefused

DEFAULT_CHARS = 20_000_000
DEFAULT_PARAGRAPHS = 200_000
DEFAULT_LINES = 2_000_000
DEFAULT_PAGES = 10_000


@dataclass(frozen=True)
class ParseLimits:
    chars: int = DEFAULT_CHARS
    paragraphs: int = DEFAULT_PARAGRAPHS  # source paragraphs and blocks read, empty ones included
    lines: int = DEFAULT_LINES  # text lines (plain text, Markdown, JSONL, PDF layout lines)
    pages: int = DEFAULT_PAGES  # PDF pages, slides

    @property
    def elements(self) -> int:
        """HTML/XML elements a converter may walk: markup around each paragraph (spans, links, table cells)."""
        return 10 * self.paragraphs

    def capped(self, chars: int | None) -> ParseLimits:
        """These limits with at most ``chars`` characters (the 查重 reader needs no more than it can check)."""
        return self if chars is None or chars >= self.chars else replace(self, chars=chars)


_installed: ParseLimits | None = None


def from_settings() -> ParseLimits:
    from django.conf import settings

    if not settings.configured:
        return ParseLimits()
    return ParseLimits(
        chars=settings.WENKU_MAX_TEXT_CHARS,
        paragraphs=getattr(settings, "WENKU_MAX_PARAGRAPHS", DEFAULT_PARAGRAPHS),
        lines=getattr(settings, "WENKU_MAX_LINES", DEFAULT_LINES),
        pages=getattr(settings, "WENKU_MAX_PAGES", DEFAULT_PAGES),
    )


def use(limits: ParseLimits | None) -> None:
    """Install the limits for this process (the parse sandbox's child); None goes back to the settings."""
    global _installed
    _installed = limits


def active() -> ParseLimits:
    return _installed if _installed is not None else from_settings()


_TOO_MANY = {  # one message per unit (with its setting), so that each is translated whole
    "lines": gettext_noop("too many lines: more than %(limit)s (limit %(limit)s, WENKU_MAX_LINES)"),
    "pages": gettext_noop("too many pages: more than %(limit)s (limit %(limit)s, WENKU_MAX_PAGES)"),
    "elements": gettext_noop("too many elements: more than %(limit)s (limit %(limit)s, WENKU_MAX_PARAGRAPHS × 10)"),
    "paragraphs": gettext_noop("too many paragraphs: more than %(limit)s (limit %(limit)s, WENKU_MAX_PARAGRAPHS)"),
}


def too_many(what: str, limit: int, setting: str) -> ImportRefused:
    return ImportRefused(
        _TOO_MANY.get(what, gettext_noop("too many %(what)s: more than %(limit)s (limit %(limit)s, %(setting)s)")),
        what=what,
        limit=limit,
        setting=setting,
    )


def too_long(limit: int) -> ImportRefused:
    return ImportRefused(gettext_noop("text too long: more than %(limit)s characters (limit %(limit)s)"), limit=limit)


class Counter:
    """Counts one kind of unit against its limit; ``add`` refuses the file as soon as the count passes it."""

    def __init__(self, what: str, limit: int, setting: str) -> None:
        self.what, self.limit, self.setting, self.count = what, limit, setting, 0

    def add(self, n: int = 1) -> None:
        self.count += n
        if self.count > self.limit:
            raise too_many(self.what, self.limit, self.setting)


def lines_counter(limits: ParseLimits | None = None) -> Counter:
    return Counter("lines", (limits or active()).lines, "WENKU_MAX_LINES")


def pages_counter(limits: ParseLimits | None = None) -> Counter:
    return Counter("pages", (limits or active()).pages, "WENKU_MAX_PAGES")


def elements_counter(limits: ParseLimits | None = None) -> Counter:
    return Counter("elements", (limits or active()).elements, "WENKU_MAX_PARAGRAPHS × 10")


def check_text(text: str, limits: ParseLimits | None = None, markup: int = 1) -> None:
    """Refuse decoded text that is longer, or has more lines, than any document may: before parsing it.
    ``markup``: how many times the text limit the source may be (Markdown's markup is not text)."""
    limits = limits or active()
    if len(text) > markup * limits.chars:
        raise too_long(limits.chars)
    lines_counter(limits).add(text.count("\n") + 1)

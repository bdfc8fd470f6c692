"""What a converter hands to the importer: the text of one document, as paragraphs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from wenku.ingest.limits import Counter, ParseLimits, too_long
from wenku.ingest.limits import active as active_limits

# C0/C1 control characters other than tab cannot be shown and PostgreSQL rejects NUL; they are never text.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_LINE_BREAK = re.compile("\r\n|[\r\n\x0b\x0c\u2028\u2029]")  # a form feed (page break) ends a paragraph too
TITLE_MAX = 300


@dataclass
class Extracted:
    """One document from a file: its paragraphs (no "\\n" inside), which of them are headings, and a title."""

    paragraphs: list[str]
    title: str | None = None
    headings: set[int] = field(default_factory=set)
    record: str = ""  # which record of a multi-document file (JSONL), for messages and provenance
    raw: bytes | None = None  # the record's own bytes when a file holds several documents


class ParagraphBuilder:
    """Collects paragraphs, dropping empty ones and control characters, and remembers the headings.

    Every paragraph offered counts against the paragraph limit, empty ones too (reading them is what costs), and
    the text kept against the character limit (wenku/ingest/limits.py): the file is refused at the first one passed.
    """

    def __init__(self, limits: ParseLimits | None = None) -> None:
        self.paragraphs: list[str] = []
        self.headings: set[int] = set()
        self.limits = limits or active_limits()
        self.offered = Counter("paragraphs", self.limits.paragraphs, "WENKU_MAX_PARAGRAPHS")
        self.chars = 0

    def add(self, text: str, heading: bool = False) -> None:
        self.offered.add()
        if not text or text.isspace():
            return
        kept = 0
        for line in _LINE_BREAK.split(_CONTROL.sub("", text)):
            line = line.strip()
            if line:
                kept += 1
                if kept > 1:  # each line of a multi-line text is a paragraph of its own
                    self.offered.add()
                self.chars += len(line) + (1 if self.paragraphs else 0)
                if self.chars > self.limits.chars:
                    raise too_long(self.limits.chars)
                if heading:
                    self.headings.add(len(self.paragraphs))
                self.paragraphs.append(line)

    def build(self, title: str | None, **kwargs) -> Extracted:
        return Extracted(paragraphs=self.paragraphs, title=title, headings=self.headings, **kwargs)


def clean_title(title: str | None) -> str | None:
    if not title:
        return None
    title = " ".join(_CONTROL.sub("", title).split())
    if not title:
        return None
    return title if len(title) <= TITLE_MAX else title[: TITLE_MAX - 1] + "…"


def paragraphs_from_plain_text(text: str) -> ParagraphBuilder:
    builder = ParagraphBuilder()
    builder.add(text)
    return builder


def title_from_first_paragraph(paragraphs: list[str], max_len: int = 80) -> str | None:
    """The first line as title when it is short enough to be one."""
    if paragraphs and len(paragraphs[0]) <= max_len:
        return paragraphs[0]
    return None

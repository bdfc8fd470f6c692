"""Which parts of a submission are quotations: text inside “…” 「…」 『…』 (and their half-width or corner
variants), and lines marked as quoted (starting with ">" or "＞", as e-mail and Markdown do)."""

from __future__ import annotations

import re

from wenku.checking.spans import union

_PAIRS = re.compile(r"“[^“”\n]*”|「[^「」\n]*」|『[^『』\n]*』|\"[^\"\n]*\"")
_QUOTED_LINE = re.compile(r"^[ \t\u3000]*[>＞].*$", re.MULTILINE)


def quotation_spans(text: str) -> list[tuple[int, int]]:
    """Sorted, non-overlapping (start, end) spans of quoted text, marks included."""
    spans = [m.span() for m in _PAIRS.finditer(text)] + [m.span() for m in _QUOTED_LINE.finditer(text)]
    return union(spans)

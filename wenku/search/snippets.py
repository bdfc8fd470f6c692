"""Snippets of the original text around the matched terms, and highlighting of a whole page."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from wenku.text.analysis import find_runs

SNIPPET_CHARS = 120


def highlight(text: str, runs: list[str]) -> SafeString:
    """``text`` HTML-escaped, with every occurrence of the runs (matched normalised) in <mark>."""
    return _marked(text, find_runs(text, runs), 0, len(text))


def snippet(text: str, runs: list[str], width: int = SNIPPET_CHARS) -> SafeString:
    """A window of ``text`` holding the densest cluster of matches, marked; the text's start when none match."""
    spans = find_runs(text, runs)
    if not spans:
        end = min(len(text), width)
        return mark_safe(escape(text[:end].replace("\n", " ")) + ("…" if end < len(text) else ""))
    # Spans are merged, so both their starts and their ends increase: one forward pointer finds, for each span,
    # how many spans from it on end inside its window (linear; a page may hold tens of thousands of matches).
    best_start, best_count, last = spans[0][0], 0, 0
    for index, (start, _) in enumerate(spans):
        last = max(last, index)
        while last < len(spans) and spans[last][1] <= start + width:
            last += 1
        if last - index > best_count:
            best_start, best_count = start, last - index
    window_start = max(0, best_start - width // 4)
    window_end = min(len(text), window_start + width)
    window_start = max(0, min(window_start, window_end - width))
    inside = [(max(s, window_start), min(e, window_end)) for s, e in spans if e > window_start and s < window_end]
    body = _marked(text, inside, window_start, window_end)
    prefix = "…" if window_start > 0 else ""
    suffix = "…" if window_end < len(text) else ""
    return mark_safe(prefix + body.replace("\n", " ") + suffix)


def _marked(text: str, spans: list[tuple[int, int]], start: int, end: int) -> SafeString:
    parts, cursor = [], start
    for span_start, span_end in spans:
        parts.append(escape(text[cursor:span_start]))
        parts.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        cursor = span_end
    parts.append(escape(text[cursor:end]))
    return mark_safe("".join(parts))

"""Small arithmetic on (start, end) spans of a text."""

from __future__ import annotations

from wenku.text.counting import count_chars

Span = tuple[int, int]


def union(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        elif end > start:
            merged.append((start, end))
    return merged


def subtract(spans: list[Span], removed: list[Span]) -> list[Span]:
    """Parts of ``spans`` outside ``removed`` (both sorted and non-overlapping)."""
    result: list[Span] = []
    j = 0
    for start, end in spans:
        while j < len(removed) and removed[j][1] <= start:
            j += 1
        k = j
        while start < end:
            if k < len(removed) and removed[k][0] < end:
                if removed[k][0] > start:
                    result.append((start, removed[k][0]))
                start = max(start, removed[k][1])
                k += 1
            else:
                result.append((start, end))
                break
    return result


def chars_in(text: str, spans: list[Span]) -> int:
    """字数 of the text inside the spans, counted as the library counts a document's 字数."""
    return sum(count_chars(text[start:end]) for start, end in spans)

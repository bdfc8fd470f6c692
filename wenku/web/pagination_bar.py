"""Which page numbers a pagination bar shows."""

from __future__ import annotations


def page_window(current: int, total: int, radius: int = 3) -> list[int]:
    """Page numbers around ``current``: always ``2 * radius + 1`` of them when there are that many."""
    size = 2 * radius + 1
    if total <= size:
        return list(range(1, total + 1))
    start = min(max(1, current - radius), total - size + 1)
    return list(range(start, start + size))

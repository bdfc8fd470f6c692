"""Growing a seed (one shared fingerprint) into the exact maximal passage both streams share.

Streams are compared as bytes (4 per character), so each comparison is one memcmp; the run is found by galloping
then bisecting, O(log n) comparisons for a run of n characters.
"""

from __future__ import annotations


def _common_forward(a: bytes, i: int, b: bytes, j: int) -> int:
    """How many characters a[i:] and b[j:] share from the start."""
    limit = min(len(a) // 4 - i, len(b) // 4 - j)
    step, good = 16, 0
    while good < limit:
        n = min(good + step, limit)
        if a[4 * (i + good) : 4 * (i + n)] == b[4 * (j + good) : 4 * (j + n)]:
            good, step = n, step * 2
        else:
            low, high = good, n - 1  # the answer is in [good, n)
            while low < high:
                middle = (low + high + 1) // 2
                if a[4 * (i + good) : 4 * (i + middle)] == b[4 * (j + good) : 4 * (j + middle)]:
                    low = middle
                else:
                    high = middle - 1
            return low
    return good


def _common_backward(a: bytes, i: int, b: bytes, j: int) -> int:
    """How many characters a[:i] and b[:j] share at their ends."""
    limit = min(i, j)
    step, good = 16, 0
    while good < limit:
        n = min(good + step, limit)
        if a[4 * (i - n) : 4 * (i - good)] == b[4 * (j - n) : 4 * (j - good)]:
            good, step = n, step * 2
        else:
            low, high = good, n - 1
            while low < high:
                middle = (low + high + 1) // 2
                if a[4 * (i - middle) : 4 * (i - good)] == b[4 * (j - middle) : 4 * (j - good)]:
                    low = middle
                else:
                    high = middle - 1
            return low
    return good


def extend(query: bytes, q: int, source: bytes, s: int, k: int) -> tuple[int, int, int] | None:
    """The maximal shared run through the k-gram at query[q], source[s]: (query start, source start, length),
    or None when the k-grams differ (a hash collision)."""
    if query[4 * q : 4 * (q + k)] != source[4 * s : 4 * (s + k)]:
        return None
    before = _common_backward(query, q, source, s)
    after = _common_forward(query, q + k, source, s + k)
    return q - before, s - before, before + k + after

"""Growing a seed (one shared fingerprint) into the exact maximal passage both streams share.

Streams are compared as bytes (4 per character), so each comparison is one memcmp; the run is found by galloping
then bisecting, O(log n) comparisons for a run of n characters.
"""

from __future__ import annotations

from collections.abc import Callable


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


# Marks that end what comes before them (a passage's 。 or ”), and marks that open what follows them (“ 《).
CLOSING = frozenset("。，、；：？！…）》」』】〕〉”’.,;:?!)]}%\"'")
OPENING = frozenset("“‘（《「『【〔〈([{\"'")


def widen(
    query_text: str,
    query_span: tuple[int, int],
    query_room: tuple[int, int],
    source_text: str,
    source_span: tuple[int, int],
    source_room: tuple[int, int],
    same: Callable[[str, str], bool],
) -> tuple[int, int, int, int]:
    """A passage found on the streams (letters and digits only) widened over the punctuation around it that the
    two texts share: an exact copy of a page ends with its 。 or ” and must count it too.

    ``*_span`` is the passage in each text, ``*_room`` how far it may grow (to the stream characters before and
    after it, which did not match). Forward it grows over closing marks (。 ” ）), backward over opening ones (“ 《),
    never over the 。 that ends the sentence before a copied one. Whitespace is skipped on either side, marks are
    compared with ``same``. Returns (query start, query end, source start, source end)."""
    q_start, q_end = query_span
    s_start, s_end = source_span
    q, s = q_end, s_end
    while True:
        while q < query_room[1] and query_text[q].isspace():
            q += 1
        while s < source_room[1] and source_text[s].isspace():
            s += 1
        if q >= query_room[1] or s >= source_room[1] or query_text[q] not in CLOSING:
            break
        if not same(query_text[q], source_text[s]):
            break
        q, s = q + 1, s + 1
        q_end, s_end = q, s
    q, s = q_start, s_start
    while True:
        while q > query_room[0] and query_text[q - 1].isspace():
            q -= 1
        while s > source_room[0] and source_text[s - 1].isspace():
            s -= 1
        if q <= query_room[0] or s <= source_room[0] or query_text[q - 1] not in OPENING:
            break
        if not same(query_text[q - 1], source_text[s - 1]):
            break
        q, s = q - 1, s - 1
        q_start, s_start = q, s
    return q_start, q_end, s_start, s_end

"""Vectorised forms of the analyzer's hot path (indexing whole documents): the same results as
wenku.text.analysis.normalize, grams_of and the Han characters, computed with numpy over the text's code points
instead of a Python loop over runs and tokens.

A text is turned into an array of code points (UTF-32), folded through a lookup table (the same fold as
``normalize``), classified (Han, other letter/digit, gap) through a second table, and the grams stream is written
straight into an output array: each position emits its bigram (after its lone character where a word precedes
the Han run), its lone character (a one-character run, or the end of a run a word follows), its word character,
or the ``|`` of an interior gap, followed by a space. Short texts (titles, queries) go the plain way, where
numpy's set-up would cost more.
tests/test_analysis.py holds both ways to the same output.
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np

_GAP, _HAN, _WORD = 0, 1, 2
_SPACE, _BAR = ord(" "), ord("|")
_UNICODE = 0x110000
SHORT = 200  # below this many code points the plain functions are faster
_GAP_CHAR = re.compile(r"[\W_]")  # neither Han nor another letter or digit, for short texts


@cache
def _tables() -> tuple[np.ndarray, np.ndarray]:
    """(fold, class): code point -> folded code point, and folded code point -> _GAP | _HAN | _WORD."""
    from wenku.text.analysis import HAN, fold_table

    fold_codes = np.arange(_UNICODE, dtype=np.uint32)
    for code_point, folded in fold_table().items():
        fold_codes[code_point] = ord(folded)
    classes = np.zeros(_UNICODE, dtype=np.uint8)
    every = "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, _UNICODE)))
    for pattern, value in ((r"[^\W_]+", _WORD), (f"[{HAN}]+", _HAN)):  # Han last: it wins over "word"
        for match in re.finditer(pattern, every):
            start, end = match.span()
            offset = 0 if start < 0xD800 else 0x800  # the surrogates were left out of ``every``
            classes[start + offset : end + offset] = value
    return fold_codes, classes


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _text(code_points: np.ndarray) -> str:
    return code_points.tobytes().decode("utf-32-le", "surrogatepass")


def _shifted(mask: np.ndarray, by: int) -> np.ndarray:
    """mask[i + by] at i (False past either end)."""
    out = np.zeros(len(mask), dtype=bool)
    if by > 0:
        out[:-by] = mask[by:]
    else:
        out[-by:] = mask[:by]
    return out


def analyse(text: str, with_chars: bool = False) -> tuple[str, str, str]:
    """(normalised text, grams stream joined by spaces, Han characters joined by spaces or "" unless
    ``with_chars``) of a text of any length."""
    from wenku.text.analysis import HAN_CHAR, grams_of, normalize

    if len(text) < SHORT:
        normalized = normalize(text)
        chars = " ".join(HAN_CHAR.findall(normalized)) if with_chars else ""
        return normalized, " ".join(grams_of(normalized)), chars
    fold_codes, classes = _tables()
    folded = fold_codes[_code_points(text)]
    kind = classes[folded]
    han, word, gap = kind == _HAN, kind == _WORD, kind == _GAP
    han_next, han_previous = _shifted(han, 1), _shifted(han, -1)
    pair = han & han_next  # emits the bigram of this and the next character, and a space
    single = han & ~han_next & ~han_previous  # a one-character Han run: the character, and a space
    # A Han run of several characters next to a word: its character at that end alone too (before the first
    # bigram when a word precedes, as its own token at the end when a word follows).
    lead = pair & ~han_previous & _shifted(word, -1)
    tail = han & ~han_next & han_previous & _shifted(word, 1)
    word_end = word & ~_shifted(word, 1)  # a word character emits itself; the last of a run a space too
    gap_starts = np.flatnonzero(gap & ~_shifted(gap, -1))
    gap_ends = np.flatnonzero(gap & ~_shifted(gap, 1))
    run = ~gap
    interior = _shifted(run, -1)[gap_starts] & _shifted(run, 1)[gap_ends]
    bar = np.zeros(len(folded), dtype=bool)
    bar[gap_starts[interior]] = True  # a gap between two runs emits "|" and a space
    width = pair * 3 + single * 2 + lead * 2 + tail * 2 + word + word_end + bar * 2
    ends = np.cumsum(width, dtype=np.int64)
    starts = ends - width
    out = np.full(int(ends[-1]) if len(ends) else 0, _SPACE, dtype=np.uint32)
    first = pair | single | tail | word
    out[starts[first]] = folded[first]
    pairs = np.flatnonzero(pair)
    pair_starts = starts[pairs] + 2 * lead[pairs]  # after the lone first character of a lead
    out[pair_starts] = folded[pairs]
    out[pair_starts + 1] = folded[pairs + 1]
    out[starts[bar]] = _BAR
    chars = ""
    if with_chars:
        spaced = np.full(2 * int(np.count_nonzero(han)), _SPACE, dtype=np.uint32)
        spaced[0::2] = folded[han]
        chars = _text(spaced[:-1])
    return _text(folded), _text(out[:-1]), chars


def gaps_to_spaces(normalized: str) -> str:
    """Already-normalised text with every gap character (neither Han nor another letter or digit) made a space,
    one for one."""
    if len(normalized) < SHORT:
        return _GAP_CHAR.sub(" ", normalized)
    _, classes = _tables()
    code_points = _code_points(normalized)
    return _text(np.where(classes[code_points] == _GAP, np.uint32(_SPACE), code_points))


def fold(text: str) -> str:
    """normalize() of a long text."""
    fold_codes, _ = _tables()
    return _text(fold_codes[_code_points(text)])

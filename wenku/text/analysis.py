"""The one analyzer for indexing and querying: matching normalisation and the tokens both sides use.

Normalisation is for matching only and keeps every character's position (one character in, one out), so offsets
found in normalised text are offsets in the displayed text too: full-width ASCII folded to half width, ASCII
lowercased, the ideographic space made a space, traditional characters made simplified (character by character,
so that a substring folds the same way alone as inside its document).

Tokens, as space-joined strings for a whitespace tokenizer:
- ``grams``: for each run of Han characters its character bigrams (a one-character run gives the character), and
  each run of other letters/digits as one word; a ``|`` marks a gap between runs. Any run of ≥ 2 Han characters
  that occurs in a text is a phrase of consecutive bigrams in its stream, so a phrase query never misses.
  Where a Han run touches a word (连续3周, 5G网络, 二０一０年), the Han character at that end is also given on its
  own, between the run's bigrams and the word (连续 续 3 周 周下 for 连续3周下): a phrase that starts or ends
  inside the Han run (续3周, 3周) is then a phrase of consecutive grams too, since the phrase's own edge run
  (one character, or bigrams) is a run of the text's grams. A gap (punctuation, space) adds no such character.
- ``chars``: every Han character, for one-character queries.
- ``words``: rjieba search-mode words, for relevance.

Indexing whole documents takes the vectorised path of wenku.text.fast_analysis (same output; tests compare them).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from wenku.text import fast_analysis

ANALYZER_VERSION = 2  # 2: the Han character next to a word (连续3周) is a gram of its own too
NORMALIZE_VERSION = 1  # normalize() alone (the 查重 index depends on it, not on the tokens)
SEPARATOR = "|"

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef\U00030000-\U000323af"
_RUN = re.compile(f"(?P<han>[{HAN}]+)|(?P<word>[^\\W_{HAN}]+)")
HAN_CHAR = re.compile(f"[{HAN}]")
_WORD_CHAR = re.compile(f"[^\\W_{HAN}]")


@cache
def fold_table() -> dict[int, str]:
    table: dict[int, str] = {cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)}
    table[0x3000] = " "
    for cp in range(ord("A"), ord("Z") + 1):
        table[cp] = chr(cp + 32)
        table[cp + 0xFEE0] = chr(cp + 32)
    t2s = json.loads((Path(__file__).with_name("_t2s_chars.json")).read_text(encoding="utf-8"))
    table.update({ord(t): s for t, s in t2s.items()})
    return table


def normalize(text: str) -> str:
    """Fold ``text`` for matching; ``len(normalize(t)) == len(t)`` always."""
    if len(text) >= fast_analysis.SHORT:
        return fast_analysis.fold(text)
    return text.translate(fold_table())


@dataclass(frozen=True)
class Tokens:
    grams: str
    chars: str
    words: str


def grams_of(normalized: str) -> list[str]:
    """The grams stream of already-normalised text."""
    grams: list[str] = []
    matches = list(_RUN.finditer(normalized))
    for index, match in enumerate(matches):
        run = match.group()
        joined_before = index > 0 and matches[index - 1].end() == match.start()
        if grams and not joined_before:
            grams.append(SEPARATOR)
        if match.lastgroup == "han" and len(run) > 1:
            if joined_before:  # a word just before: the first character too (see the module docstring)
                grams.append(run[0])
            grams.extend([run[i : i + 2] for i in range(len(run) - 1)])
            if index + 1 < len(matches) and matches[index + 1].start() == match.end():
                grams.append(run[-1])
        else:
            grams.append(run)
    return grams


def index_tokens(text: str, with_words: bool = True) -> Tokens:
    normalized, grams, chars = fast_analysis.analyse(text, with_chars=True)
    return Tokens(grams=grams, chars=chars, words=words_text(normalized) if with_words else "")


def words_of(normalized: str) -> list[str]:
    import rjieba

    return [w for w in rjieba.cut_for_search(normalized) if _RUN.fullmatch(w)]


def words_text(normalized: str) -> str:
    """rjieba's search-mode words of already-normalised text, joined by spaces (for a whitespace tokenizer). The
    gaps (punctuation, spaces) are made spaces before the cut, so rjieba gives no token but a word or a space and
    nothing is checked per token in Python (7 M tokens on the development corpus: a check cost 1.2 s). rjieba
    releases the GIL, so this can run in a thread beside the rest of the indexing."""
    import rjieba

    return " ".join(rjieba.cut_for_search(fast_analysis.gaps_to_spaces(normalized)))


def add_words(words: list[str]) -> None:
    """Extra words for segmentation (the site dictionary), in this process."""
    import rjieba

    for word in words:
        rjieba.add_word(normalize(word), None, None)


def runs_of(text: str) -> list[str]:
    """The normalised runs (Han, or other letters/digits) of a piece of text."""
    return [m.group() for m in _RUN.finditer(normalize(text))]


def pieces_of(text: str) -> list[str]:
    """The normalised pieces of a piece of text: its runs with no gap between them joined (连续3周, 5g网络), the way
    a phrase matches them in a row."""
    pieces: list[str] = []
    previous_end = -1
    for match in _RUN.finditer(normalize(text)):
        if pieces and match.start() == previous_end:
            pieces[-1] += match.group()
        else:
            pieces.append(match.group())
        previous_end = match.end()
    return pieces


def is_single_han(token: str) -> bool:
    return len(token) == 1 and bool(HAN_CHAR.match(token))


def find_runs(text: str, runs: list[str]) -> list[tuple[int, int]]:
    """Spans of every occurrence of the given normalised runs (or pieces) in ``text`` (merged, in order). A run
    that begins or ends with a letter or digit is not found inside a longer word (3 in 13, covid in covidien),
    as search does not find it there."""
    normalized = normalize(text)
    spans = []
    word_char = _WORD_CHAR.match
    for run in {r for r in runs if r}:
        at_start, at_end = bool(word_char(run[0])), bool(word_char(run[-1]))  # a word at either end of the run
        start = normalized.find(run)
        while start != -1:
            end = start + len(run)
            if (at_start and start and word_char(normalized, start - 1)) or (at_end and word_char(normalized, end)):
                start = normalized.find(run, start + 1)  # inside a longer word
                continue
            spans.append((start, end))
            start = normalized.find(run, end)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged

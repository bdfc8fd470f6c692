"""The query language any user can type, parsed into normalised terms. Never raises on odd input except
QueryError, whose message is for the user.

    words are AND-ed        经济 发展
    "exact phrase"          "高质量发展"
    -exclude                改革 -农村
    OR between two terms    农业 OR 农村
Punctuation inside a bare word separates words (经济，发展 = 经济 发展); inside quotes it is part of the phrase.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from wenku.text.analysis import SEPARATOR, grams_of, is_single_han, normalize, pieces_of, runs_of

MAX_QUERY_CHARS = 200
MAX_TERMS = 16
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
_PIECE = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_QUOTES = str.maketrans({"“": '"', "”": '"', "＂": '"'})


class QueryError(ValueError):
    """The query cannot be searched; the message says why, in words for the user."""


@dataclass(frozen=True)
class Term:
    """One thing to find: a phrase of grams (or a single Han character), with the normalised runs (for a quoted
    phrase: pieces of runs in a row) that highlighting marks."""

    text: str
    grams: tuple[str, ...]
    runs: tuple[str, ...]

    @property
    def single_char(self) -> str | None:
        return self.grams[0] if len(self.grams) == 1 and is_single_han(self.grams[0]) else None


@dataclass
class ParsedQuery:
    """All groups must match (a group matches when any of its terms does); no excluded term may match."""

    groups: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)

    @property
    def terms(self) -> list[Term]:
        return [term for group in self.groups for term in group]

    def highlight_runs(self) -> list[str]:
        return sorted({run for term in self.terms for run in term.runs}, key=len, reverse=True)

    def without_group(self, index: int) -> ParsedQuery:
        return ParsedQuery([g for i, g in enumerate(self.groups) if i != index], list(self.excluded))

    def describe_group(self, index: int) -> str:
        return " OR ".join(term.text for term in self.groups[index])


def parse_query(raw: str) -> ParsedQuery:
    if raw is None or not raw.strip():
        raise QueryError("请输入要搜索的内容")
    if len(raw) > MAX_QUERY_CHARS:
        raise QueryError(f"搜索词太长了：最多 {MAX_QUERY_CHARS} 个字符，现在是 {len(raw)} 个")
    text = _CONTROL.sub(" ", raw).translate(_QUOTES)
    query = ParsedQuery()
    pending_or = False
    for match in _PIECE.finditer(text):
        negated, quoted, bare = match.group(1), match.group(2), match.group(3)
        if bare == "OR":
            pending_or = bool(query.groups)
            continue
        if quoted is not None:
            terms = _phrase_terms(quoted)
        else:
            negated = "-" if bare.startswith("-") and len(bare) > 1 else ""
            terms = [_term(piece, phrase=False) for piece in runs_of(bare.lstrip("-") if negated else bare)]
        terms = [t for t in terms if t is not None]
        if not terms:
            continue
        if negated:
            query.excluded.extend(terms)
        elif pending_or and len(terms) == 1:
            query.groups[-1].append(terms[0])
        else:
            query.groups.extend([t] for t in terms)
        pending_or = False
    if len(query.terms) + len(query.excluded) > MAX_TERMS:
        raise QueryError(f"搜索词太多了：最多 {MAX_TERMS} 个")
    if not query.groups:
        raise QueryError("请输入要搜索的文字（只有排除词或标点时无法搜索）")
    return query


def _phrase_terms(text: str) -> list[Term | None]:
    """A quoted phrase. A one-character Han run at either end of a phrase of several runs may begin or end a
    longer run in the text (“发展，是” in 发展，是我们), which no bigram holds: it becomes a term of its own."""
    phrase = _term(text, phrase=True)
    if phrase is None:
        return []
    grams = list(phrase.grams)
    edges: list[Term | None] = []
    if len(grams) > 2 and is_single_han(grams[0]) and grams[1] == SEPARATOR:
        edges.append(_term(grams[0], phrase=True))
        grams = grams[2:]
    if len(grams) > 2 and is_single_han(grams[-1]) and grams[-2] == SEPARATOR:
        edges.append(_term(grams[-1], phrase=True))
        grams = grams[:-2]
    return [Term(text=phrase.text, grams=tuple(grams), runs=phrase.runs), *edges]


def _term(text: str, phrase: bool) -> Term | None:
    normalized = normalize(text)
    grams = grams_of(normalized)
    while grams and grams[0] == SEPARATOR:
        grams.pop(0)
    if not grams:
        return None
    display = text.strip() if phrase else text
    # A phrase is highlighted where its runs stand in a row (连续3周 as one), not each run wherever it occurs.
    return Term(text=display, grams=tuple(grams), runs=tuple(pieces_of(text) if phrase else runs_of(text)))

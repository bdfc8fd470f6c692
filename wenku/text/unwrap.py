"""Plain-text lines back into paragraphs: hard wraps undone, true paragraph ends kept.

Two kinds of broken text are repaired; only line breaks are removed, never a character changed:

1. **Hard-wrapped text** (every paragraph cut into lines of one width, as many Chinese .txt files are). The text is
   taken as wrapped when its lines cluster at one width (in characters or in display columns, a Chinese character
   being two) and the lines at that width mostly end mid-sentence. Poems, lists and one-paragraph-per-line texts
   have their lines end with punctuation, or spread over many lengths, and are left alone. In a wrapped text a line
   carries on into the next when the next line's first character (or Latin word) would not have fitted after it:
   that is why the line was broken. A blank line, an indented next line (when the text indents its paragraphs),
   a heading or list item after a sentence end, a line ending short of the width, and a line longer than the
   width (a title: no wrapped line is; past the text's first line it must be longer in display columns too, as a
   text cut at columns may be measured in characters) all end a paragraph.
2. **Stray breaks in a one-paragraph-per-line text** (the bundled government work reports: "交出一份人" / "民满意",
   cut by a scrape). A break is *certain* when the next line starts with a mark no paragraph starts with (，。、”…)
   or the line ends with one no paragraph ends with (“《（…); *sure* when a long line runs into the next with Chinese
   text and the segmenter reads a word across the break (人|民满意) or the next line is only the sentence's short
   tail; *possible* when Chinese text simply goes on without a sentence end, or after a comma. Certain breaks are
   always joined, sure ones when the text has two of them (one may be a heading running into a word), possible ones
   when it has three (a text broken at random points). Titles, headings (一、…), names and indented lines, which
   have no punctuation or start a new block, are never joined, nor is the text's first line (its title or
   kicker: 两万多人的苏州镇湖，拥有四百绣庄、八千绣娘) unless the break is certain.

Chinese lines join without a space; Latin words across a break join with one.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from itertools import pairwise

from wenku.text._wide_ranges import WIDE_RANGES

_WIDE = re.compile("[" + "".join(f"\\U{a:08X}-\\U{b:08X}" for a, b in WIDE_RANGES) + "]")
HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef\U00030000-\U000323af]")
_LINE_BREAK = re.compile("\r\n|[\r\n\x0b\u2028\u2029]")

# Characters that may not begin a line (禁则): the wrapper pulled the character before them onto the next line.
_NO_LINE_START = frozenset("，。、；：？！）》」』】〕〉”’．,.;:?!)]}%～")
_CLOSERS = "”’」』）)》〉】〕\"'"
_SENTENCE_END = frozenset("。！？…!?；;：:")
_PUNCTUATION_END = frozenset("。！？…!?；;：:，,、")
_CLAUSE_END = frozenset("，、")
_HAS_PUNCTUATION = re.compile("[，。、；：！？,;]")
_NEVER_STARTS = frozenset("，、。；：？！）》」』】〕〉”’%")  # no paragraph begins with these ...
_NEVER_ENDS = frozenset("“‘（《「『【〔〈")  # ... nor ends with these
_INDENT = re.compile(r"^(?:\u3000|[ \t]{2,}|\t)")
# A heading or list item: 第一章 / 一、 / （一） / 1. / 1、 / ① / • - *
_ITEM_START = re.compile(
    r"^[\s\u3000]*(?:第[一二三四五六七八九十百千零〇两\d]+[章节條条篇部编卷回款项讲]"
    r"|[一二三四五六七八九十]{1,3}[、．.]|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,3}[、．](?!\d)|\d{1,3}\.\s"
    r"|[①-⑳]|[•·●○■□◆▪*\-](?:\s|$))"
)
_TABULAR = re.compile(r"\S(?:[ \xa0]{2,}|\t)\S")  # cells padded with spaces (not 　　, an inlined indent)
_LATIN_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9.,:;%'’\-_/]*")

MIN_LINES = 3  # fewer lines than this are never taken as hard-wrapped
MIN_WIDTH = 15  # characters: narrower "wraps" are the lines of a poem or the cells of a table
FULL_SHARE = 0.3  # at least this share of the lines fill the width ...
MID_SENTENCE_SHARE = 0.5  # ... and at least this share of those end mid-sentence
OVER_SHARE = 0.05  # at most this share of the lines are longer than the width
SAMPLE_CHARS = 5000  # characters read to tell Latin text from Chinese
TABULAR_SHARE = 0.2  # at most this share of the lines have cells padded with spaces
TAIL_MAX = 12  # a line this short ending a sentence may be the tail of the line before (a stray break)
STRAY_MIN = 20  # a line shorter than this (a heading) is never continued by a stray-break join
STRAY_LONG = 30  # a line shorter than this is not surely broken (a long heading may run into a word)
STRAY_SURE = 2  # a sure stray break is joined only in a text with at least this many (one may be a heading)
STRAY_EVIDENCE = 3  # sure stray breaks in a text that make it a text broken at random points


def columns(line: str) -> int:
    """Display width: East Asian wide characters two columns, others one."""
    return len(line) + len(_WIDE.findall(line))


@cache
def _wide_table():
    import numpy as np

    table = np.zeros(0x110000, dtype=np.uint8)
    for start, end in WIDE_RANGES:
        table[start : end + 1] = 1
    return table


def column_widths(lines: list[str]) -> list[int]:
    """``columns`` of many lines at once (numpy: a long text has hundreds of thousands of lines)."""
    import numpy as np

    if not lines:
        return []
    codes = np.frombuffer("".join(lines).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    wide = np.concatenate([[0], np.cumsum(_wide_table()[codes], dtype=np.int64)])
    ends = np.cumsum([len(line) for line in lines])
    starts = ends - np.array([len(line) for line in lines])
    return (ends - starts + wide[ends] - wide[starts]).tolist()


@dataclass(frozen=True)
class Layout:
    """How a text's lines are laid out."""

    wrapped: bool
    width: int = 0  # the wrap width, in the measure's units
    measure: str = "chars"  # "chars" or "columns"
    full_share: float = 0.0
    mid_sentence_share: float = 0.0
    indented: bool = False  # paragraphs start with an indent (several lines do)
    latin: bool = False  # mostly Latin letters: words wrap at spaces

    def width_of(self, line: str) -> int:
        return columns(line) if self.measure == "columns" else len(line)


def _ends_mid_sentence(line: str) -> bool:
    return line.rstrip(_CLOSERS)[-1:] not in _PUNCTUATION_END


_LETTERS = bytes(range(65, 91)) + bytes(range(97, 123))


def _mostly_latin(sample: str) -> bool:
    """More ASCII letters than twice the other characters (a word is several letters, a Chinese word one or two)."""
    ascii_only = sample.encode("ascii", "ignore")
    letters = len(ascii_only) - len(ascii_only.translate(None, _LETTERS))
    return letters > 2 * (len(sample) - len(ascii_only))


def _tabular(body: list[str]) -> int:
    """How many lines have cells padded with spaces: a table, not prose."""
    return sum(1 for line in body if ("  " in line or "\t" in line or "\xa0" in line) and _TABULAR.search(line))


def analyse(lines: list[str]) -> Layout:
    """Whether the lines are a hard-wrapped text, and at what width."""
    body = [line.rstrip() for line in lines if line.strip()]
    indented = sum(1 for line in body if _INDENT.match(line)) >= max(2, len(body) // 20)
    latin = _mostly_latin("".join(body[:200])[:SAMPLE_CHARS])
    best = Layout(False, indented=indented, latin=latin)
    # Wrapped lines end mid-sentence: a text whose lines nearly all end a sentence is not wrapped (and most texts
    # are told at this point, without measuring a line).
    if len(body) < MIN_LINES or sum(map(_ends_mid_sentence, body)) < FULL_SHARE * MID_SENTENCE_SHARE * len(body):
        return best
    for measure, unit in (("chars", 1), ("columns", 2)):
        widths = column_widths(body) if measure == "columns" else [len(line) for line in body]
        counts = Counter(w for w in widths if w >= MIN_WIDTH * unit)
        if not counts:
            continue
        width = max(counts, key=lambda w: (counts[w], w))
        # Chinese wraps fill lines to the character (a column short before a wide character, one over for a
        # hanging mark); Latin ones end up to a word short.
        low, high = (width - 8 * unit, width + unit) if latin else (width - unit + 1, width + unit)
        full = [line for line, w in zip(body, widths, strict=True) if low <= w <= high]
        over = sum(1 for w in widths if w > width + 2 * unit)
        mid = sum(1 for line in full if _ends_mid_sentence(line))
        share, mid_share = len(full) / len(body), (mid / len(full) if full else 0.0)
        wrapped = (
            len(full) >= MIN_LINES
            and share >= FULL_SHARE
            and mid_share >= MID_SENTENCE_SHARE
            and over <= max(1, OVER_SHARE * len(body))  # a title line may be longer
            and _tabular(body) <= TABULAR_SHARE * len(body)
        )
        candidate = Layout(wrapped, width, measure, share, mid_share, indented, latin)
        if (candidate.wrapped, share) > (best.wrapped, best.full_share):
            best = candidate
    return best


def _lead(layout: Layout, line: str, following: str) -> int:
    """Width of what would have had to fit at the end of ``line`` for ``following`` not to begin a new line."""
    first = following[0]
    if layout.latin and first.isascii() and first.isalnum():
        word = _LATIN_WORD.match(following)
        return layout.width_of(word.group() if word else first) + 1  # and the space before it
    if first.isascii() and first.isalpha():  # an English word in Chinese text moves down whole (numbers do not:
        return layout.width_of(re.match("[A-Za-z]+", following).group())  # a wrap cuts 1200 anywhere)
    lead = layout.width_of(first)
    if following[1:2] and following[1] in _NO_LINE_START:
        lead += layout.width_of(following[1])  # 禁则: the wrapper took the character down with the mark after it
    return lead


def _continues_wrapped(layout: Layout, line: str, following: str, first: bool = False) -> bool:
    """Whether ``following`` carries on the paragraph of ``line`` (``first``: the text's first line)."""
    if layout.indented and _INDENT.match(following):
        return False
    stripped, rest = line.rstrip(), following.lstrip()
    if not rest:
        return False
    if _ITEM_START.match(following) and not _ends_mid_sentence(stripped):
        return False
    width = layout.width_of(stripped)
    if _over_width(layout, stripped, width, first):
        return False  # longer than any wrapped line: a title or a line that was never wrapped
    return width + _lead(layout, stripped, rest) > layout.width


def _over_width(layout: Layout, line: str, width: int, first: bool) -> bool:
    """Whether a line is longer than the wrap allows (a mark may hang one over): not a wrapped line. A text cut at
    columns may be measured in characters (most of its lines are Chinese), and then a line with digits or Latin
    letters holds more characters: past the first line (the text's title, if any) such a line must be over in
    columns too."""
    if width <= layout.width + (1 if layout.measure == "chars" else 2):
        return False
    return first or layout.measure == "columns" or columns(line) > 2 * layout.width + 2


@cache
def _segmenter() -> Callable[[str], list[str]]:
    import rjieba

    from wenku.text.analysis import normalize

    return lambda text: rjieba.cut(normalize(text))


def load_segmenter() -> None:
    """Load the segmenter's dictionary now (the parse sandbox's server does, so that its forked children share it
    instead of each loading it again: 0.1 s a file)."""
    _segmenter()("预热")


def _splits_a_word(before: str, after: str) -> bool:
    """Whether the segmenter reads a word across the break between ``before`` and ``after``."""
    left, right = before[-6:], after[:6]
    position = 0
    for word in _segmenter()(left + right):
        if position < len(left) < position + len(word):
            return True
        position += len(word)
    return False


CERTAIN, SURE, POSSIBLE, END = 3, 2, 1, 0


def _stray_break(line: str, following: str) -> int:
    """How surely the break after ``line`` is a stray one inside a paragraph (see the module's docstring):
    CERTAIN (a mark no paragraph starts with begins the next line, or one no paragraph ends with ends this one),
    SURE (it cuts a word, or leaves a short tail), POSSIBLE (Chinese text goes on without a sentence end, or after
    a comma), or END."""
    stripped, rest = line.strip(), following.strip()
    if not stripped or not rest:
        return END
    last, first = stripped[-1], rest[0]
    if first in _NEVER_STARTS or last in _NEVER_ENDS:
        return END if _INDENT.match(following) else CERTAIN
    # Cheap tests first: nearly every line of a paragraphed text ends a sentence.
    clause = last in _CLAUSE_END
    if not (clause or HAN.match(last) or last.isdigit()) or not (HAN.match(first) or first.isdigit()):
        return END
    if len(stripped) < STRAY_MIN or _INDENT.match(following) or _ITEM_START.match(following):
        return END
    if _ITEM_START.match(stripped) and not any(c in _SENTENCE_END for c in stripped):
        return END  # a heading
    if not _HAS_PUNCTUATION.search(stripped) or (len(rest) < STRAY_MIN and not _HAS_PUNCTUATION.search(rest)):
        return END  # a title, a heading, a name: running text has punctuation
    if clause:
        return POSSIBLE  # a comma may end a paragraph of a preamble or a salutation: only in a text broken elsewhere
    tail = len(rest) <= TAIL_MAX and rest[-1] in "。！？" and not any(c in _PUNCTUATION_END for c in rest[:-1])
    if len(stripped) >= STRAY_LONG and (
        tail or (HAN.match(last) and HAN.match(first) and _splits_a_word(stripped, rest))
    ):
        return SURE
    return POSSIBLE


def joins(lines: list[str], layout: Layout | None = None) -> list[bool]:
    """For each line but the last: whether the next line carries on its paragraph."""
    layout = layout or analyse(lines)
    pairs = pairwise(lines)
    first = next((index for index, line in enumerate(lines[:-1]) if line.strip()), None)
    if layout.wrapped:
        return [
            bool(a.strip() and b.strip()) and _continues_wrapped(layout, a, b, index == first)
            for index, (a, b) in enumerate(pairs)
        ]
    sureness = [_stray_break(a, b) for a, b in pairs]
    # Certain breaks are always joined; sure ones in a text that has two of them (one may be a heading that happens
    # to run into a word); a text with several was broken at random points (a scrape): there possible ones are too.
    if first is not None and sureness[first] < CERTAIN:
        sureness[first] = END  # the first line of a text without a mark that must go on is its title
    sure = sureness.count(SURE)
    evidence = sure + sureness.count(CERTAIN)
    needed = POSSIBLE if evidence >= STRAY_EVIDENCE else SURE if sure >= STRAY_SURE else CERTAIN
    return [s >= needed for s in sureness]


def _glue(layout: Layout, line: str, following: str) -> str:
    """What goes between two joined lines: a space between Latin words, nothing in Chinese text."""
    before, after = line.rstrip(), following.lstrip()
    last, first = before[-1], after[0]
    if layout.latin:
        return " " if last.isascii() and last.isalnum() and first.isascii() and first.isalnum() else ""
    if not (last.isascii() and last.isalpha() and first.isascii() and first.isalpha()):
        return ""  # Chinese, and numbers: a wrap cuts "1200" anywhere
    # An English word in Chinese text: a line filled to the width was cut inside the word, a shorter one before it.
    return " " if layout.wrapped and layout.width_of(before) < layout.width else ""


def paragraphs(lines: list[str], layout: Layout | None = None) -> list[str]:
    """The paragraphs of a text given as lines (blank lines dropped)."""
    layout = layout or analyse(lines)
    decisions = joins(lines, layout)
    result: list[str] = []
    pieces: list[str] = []
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        if pieces:
            pieces.append(_glue(layout, lines[index - 1], line) + line.strip())
        else:
            pieces.append(line.strip())
        if index >= len(decisions) or not decisions[index]:
            result.append("".join(pieces))
            pieces = []
    if pieces:
        result.append("".join(pieces))
    return result


def split_lines(text: str) -> list[str]:
    """The lines of a text, at every kind of line break; a form feed (page break) stays as its own empty line."""
    return _LINE_BREAK.split(text.replace("\x0c", "\n\n"))


def unwrap_text(text: str) -> list[str]:
    """The paragraphs of a plain text, hard wraps and stray breaks undone."""
    return paragraphs(split_lines(text))

"""Find the articles of a compilation (汇编): which paragraphs are the titles of the articles it collects.

Pure text in, (paragraph index, title) out. A paragraph is a candidate when it reads like a title (short, no
sentence-ending punctuation, not an in-text section heading such as "一、…", "（一）…", "1. …" or "第一，") and
body text follows it, possibly after a subtitle ("——在…上的讲话"), a date or an author line. In-text headings are
never candidates, so they never start an article.

Whether a candidate starts an article is decided by a small trained model (article_model.json, next to this file:
logistic regression or boosted trees of depth 3-4, in pure Python) over the candidate's line features: a title
pattern ("…在…上的讲话", "第三篇"…), a heading in the file's structure (.docx/.html/.epub/markdown), a newspaper
column ("（人民论坛）"), a subtitle or date line, an opening that starts a piece ("同志们：", "新华社北京…电"), the end
of a piece above it, a series of parallel subheads it belongs to, its length and punctuation, the text around it,
and what the whole file looks like (marked headings, a news layout). bench/train_articles.py trains it on
compilations built from the development corpus. Fewer than two articles means a single document: nothing is
returned. A count in the compilation's title ("…-12篇") is met by adding or dropping the least certain candidates.
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_right
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import accumulate
from pathlib import Path

_NUM = "一二三四五六七八九十百零〇○两"
_SENTENCE_END = "。！？；，、：:…!?;,"
_CLOSERS = "”’」』）)》〉】]\"'"

# In-text structure of one piece: never the start of a new article by themselves.
_SECTION = re.compile(
    rf"^(?:[{_NUM}]+\s*[、．.]"
    rf"|[（(]\s*[{_NUM}\d]+\s*[）)]"
    rf"|\d{{1,3}}(?:\.\d{{1,3}})*\s*[、.．)）]"
    rf"|第[{_NUM}\d]+\s*[、，,：:章节条部分点项个是]"
    rf"|[{_NUM}]是"
    rf"|其[{_NUM}]"
    r"|[①-⑳⑴-⒇❶-❿]"
    r"|[A-Za-z]\s*[.、)）])"
)
# How compilations number their pieces: 第三篇, 篇三, 【篇三】, 范文三, 材料3 …
_PIECE_NUMBER = re.compile(
    rf"^[【\[（(]?(?:第[{_NUM}\d]+篇|篇[{_NUM}\d]+|范文[{_NUM}\d]+|材料[{_NUM}\d]+)[】\]）)]?\s*[：:、.．]?\s*"
)
_LEADING_NUMBER = re.compile(rf"^(?:[{_NUM}]+\s*[、．.]|\d{{1,3}}\s*[、.．]|[（(]\s*[{_NUM}\d]+\s*[）)])\s*")
_KIND = re.compile(
    r"(?:讲话|发言|发言稿|发言提纲|发言材料|交流材料|研讨材料|汇报材料|对照检查材料|剖析材料|心得体会|学习体会|体会文章|心得|"
    r"感悟|读后感|观后感|报告|致辞|贺词|贺信|回信|讲稿|党课|演讲稿|演讲|主持词|工作总结|个人总结|提纲|方案|实施意见|通知|决定|决议|公报|"
    r"评论员文章|社论|讲话精神|表态发言|动员讲话)"
    r"(?:[（(][^（）()]{1,20}[）)][\u4e00-\u9fff·]{0,4})?(?:范文|精选|全文|稿)?$"
)
_COLUMN_TAG = re.compile(r"[（(][^（）()\d]{2,12}[）)]$")
# A newspaper column or series after a headline: "（人民论坛）", "（人民论坛·70华诞·倾听历史的回声）",
# "(连线·委员通道)".
# A photo or layout credit ("王 正摄（人民视觉）", "制图：…（新华社发）") is not one.
_NEWS_COLUMN = re.compile(
    r"[\u4e00-\u9fff”\"》]\s*[（(](?![^（）()]*(?:摄|记者|作者|电|供图|制图|整理|来源|新华社发))[^（）()]{2,24}[）)]$"
)
_SUBTITLE = re.compile(r"^[—–－-]{1,2}\s*\S")
_DATE_LINE = re.compile(
    rf"^[（(]?\s*(?:\d{{4}}|[{_NUM}]{{4}})\s*年\s*[\d{_NUM}]{{1,3}}\s*月(?:\s*[\d{_NUM}]{{1,3}}\s*日)?\s*[）)]?$"
)
_OPENER = re.compile(
    r"^(?:(?:同志们|各位代表|各位委员|各位领导|各位同事|同事们|朋友们|女士们|尊敬的|亲爱的)[^。！？]{0,60}[：:]$"
    r"|(?:新华社|本报|人民日报|中新社|央视网)[^。]{0,40}电"
    r"|(?:本报记者|编者按|编者的话)"
    r"|[（(]\s*(?:记者|本报记者)[^）)]{0,20}[）)])"
)
_DATELINE = re.compile(r"^(?:(?:据)?(?:新华社|本报|人民日报|中新社|央视网)[^。，]{0,30}电|(?:据)?新华社电)")
_SOURCE_LINE = re.compile(r"^[（(]?\s*(?:新华社|本报|《\s*人民日报\s*》)[^。]{0,40}[）)]?$")

# How a piece may end: a source, an author's note, a layout credit.
_ENDING = re.compile(
    r"^(?:[（(](?:[^（）()]|[（(][^（）()]{0,20}[）)]){0,40}(?:电|记者|作者|来源|责编|编辑|整理)"
    r"(?:[^（）()]|[（(][^（）()]{0,20}[）)]){0,40}[）)]"
    r"|《\s*人民日报\s*》.{0,30}版[）)]?"
    r"|(?:版式设计|数据来源|栏目投稿邮箱|电子信箱|本期统筹|责任编辑|责编|来源|图片来源|(?:本版)?(?:制图|摄影|绘图|漫画|设计))[：:].{0,60}"
    r"|谢谢(?:大家|各位)?[！!。.]"
    r"|.{0,24}(?:摄|摄影报道|供图)(?:[（(][^（）()]{0,12}[）)])?"  # a photo credit: "王 正摄（人民视觉）"
    # a reader's signature: "河北唐山市  许贵元"
    r"|[\u4e00-\u9fff]{1,10}[省市县区镇乡村][ \u3000\xa0]+[\u4e00-\u9fff](?:[ \u3000\xa0]*[\u4e00-\u9fff]){1,2})$"
)
_PARENTHESIZED = re.compile(r"^[（(](?:[^（）()]|[（(][^（）()]*[）)])*[）)]$")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_DATED = re.compile(r"^[（(].{0,10}\d{4}\s*年.{0,30}[）)]$")

TITLE_MIN, TITLE_MAX = 4, 64
_BLOCK_MAX = 4

MODEL_PATH = Path(__file__).with_name("article_model.json")


@dataclass(frozen=True)
class Candidate:
    index: int
    title: str
    end: int = 0  # the first body paragraph after the title block
    strong: bool = False  # evidence beyond layout: a title pattern, a heading, a column, a subtitle or date line
    separated: bool = False  # a dateline below it ("本报北京5月11日电") or the end of a piece above it
    shape: tuple[int, ...] = ()  # the lengths of the title block's lines


def detect_articles(
    paragraphs: list[str], headings: Collection[int] = (), model: Model | None = None
) -> list[tuple[int, str]]:
    """(paragraph index, title) of each article, in order; [] for a single document.

    Paragraph 0 counts as a heading only through its text: plain-text import marks every first line a heading.
    ``model`` is the shipped one unless given (the trainer tries others).
    """
    marks = set(headings) - {0}
    candidates = _candidates(paragraphs, marks)
    if len(candidates) < 2:
        return []  # a single document: most files end here, before any feature is computed
    rows = _features(paragraphs, candidates, marks)
    model = model or load_model()
    return decide(paragraphs, candidates, chances(model, paragraphs, candidates, rows), model.threshold)


def decide(
    paragraphs: Sequence[str], candidates: list[Candidate], likelihoods: list[float], threshold: float
) -> list[tuple[int, str]]:
    """The articles, from how likely each candidate starts one: the likely ones, less table-of-contents entries,
    as many as the compilation's title announces; none if fewer than two."""
    chance = dict(zip((c.index for c in candidates), likelihoods, strict=True))
    chosen = [c for c in candidates if chance[c.index] >= threshold]
    chosen = _drop_table_of_contents(chosen)
    wanted = _count_hint(paragraphs[0]) if paragraphs else None
    if wanted:
        chosen = _fit_count(candidates, chosen, chance, wanted)
    if len(chosen) < 2:
        return []
    return [(c.index, c.title) for c in chosen]


def candidate_features(
    paragraphs: Sequence[str], headings: Collection[int] = ()
) -> tuple[list[Candidate], list[dict[str, float]]]:
    """The candidates of a file and, for each, the features the model reads (also what the trainer learns from)."""
    marks = set(headings) - {0}
    candidates = _candidates(paragraphs, marks)
    return candidates, _features(paragraphs, candidates, marks)


def is_section_heading(text: str) -> bool:
    """An in-text heading of one piece ("一、…", "（一）…", "1. …", "第一，…")."""
    return bool(_SECTION.match(text.strip()))


def title_like(text: str) -> bool:
    """Short, no sentence-ending punctuation, not a heading inside a piece nor a date, opener or source line."""
    text = text.strip()
    if not TITLE_MIN <= len(text) <= TITLE_MAX or "。" in text:
        return False
    if text.rstrip(_CLOSERS)[-1:] in _SENTENCE_END or text[-1] in _SENTENCE_END:
        return False
    if _SUBTITLE.match(text) or _DATE_LINE.match(text) or _OPENER.match(text) or _SOURCE_LINE.match(text):
        return False
    if _PARENTHESIZED.match(text) or _ENDING.match(text) or not _HAN.search(text):
        return False  # a Chinese title has Chinese in it ("Public domainfalse" is a scrap of markup)
    return not is_section_heading(text) or _numbered_piece(text)


def _lead_line(text: str) -> bool:
    """ "沈浩：", "财政部、医保局要求：": a short line that opens a two-line headline with a colon."""
    text = text.strip()
    if not 2 <= len(text) <= 24 or text[-1] not in "：:" or "。" in text or _OPENER.match(text):
        return False
    return not is_section_heading(text) or _numbered_piece(text)


def _numbered_piece(text: str) -> bool:
    """ "第三篇 …", or a numbered line whose rest is a piece's title ("1.在…上的讲话")."""
    if _PIECE_NUMBER.match(text):
        return True
    rest = _LEADING_NUMBER.sub("", text, count=1)
    return rest != text and _has_kind(rest)


def _has_kind(text: str) -> bool:
    return bool(_KIND.search(text))


def _candidates(paragraphs: Sequence[str], headings: set[int]) -> list[Candidate]:
    found: list[Candidate] = []
    count = len(paragraphs)
    index = 0
    while index < count:
        lead = _lead_line(paragraphs[index]) and index + 1 < count and title_like(paragraphs[index + 1])
        if not lead and not title_like(paragraphs[index]):
            index += 1
            continue
        end = _block_end(paragraphs, index + lead)
        if end >= count:
            break  # no body follows
        if _ENDING.match(paragraphs[end].strip()):
            index = end  # a signature and date above "（新华社北京5月18日电）": the end of a piece, not a title
            continue
        start = index if lead else _block_start(paragraphs, index, end, headings)
        title = paragraphs[start].strip()
        block = [p.strip() for p in paragraphs[start + 1 : end]]
        strong = (
            _numbered_piece(title)
            or _has_kind(title)
            or any(_NEWS_COLUMN.search(line) for line in [title, *block])
            or start in headings
            or any(_SUBTITLE.match(line) or _DATED.match(line) for line in block)
            or start == 1
        )
        shape = tuple(len(p.strip()) for p in paragraphs[start:end])
        separated = bool(_DATELINE.match(paragraphs[end].strip())) or (
            start > 0 and bool(_ENDING.match(paragraphs[start - 1].strip()))
        )
        found.append(Candidate(start, title, end, strong, separated, shape))
        index = end
    return found


def _block_end(paragraphs: list[str], index: int) -> int:
    """The index after a title line and what may follow it: subtitle, date, author or other title lines."""
    end = index + 1
    while end < len(paragraphs) and end - index < _BLOCK_MAX:
        line = paragraphs[end].strip()
        if (_SUBTITLE.match(line) and len(line) <= TITLE_MAX + 10) or _DATE_LINE.match(line) or title_like(line):
            end += 1
        else:
            break
    while end < len(paragraphs) and title_like(paragraphs[end]):
        end += 1  # a longer run of title lines is a list (a table of contents): the last one is the title
    return end


def _block_start(paragraphs: list[str], index: int, end: int, headings: set[int]) -> int:
    """The title line of a block: its first line, but after a collection title or a list of titles."""
    mains = [i for i in range(index, end) if title_like(paragraphs[i])]
    marked = [i for i in mains if i in headings]
    if marked:
        return marked[0]  # the file's markup says which line is the title
    named = [i for i in mains if _numbered_piece(paragraphs[i]) or _has_kind(paragraphs[i])]
    if end - index > _BLOCK_MAX:  # a list of titles, or the tail of the previous piece, above the title
        if not named:
            return _above_marker(paragraphs, index, end) or mains[-1]
        first = named[-1]
        while first - 1 in named:
            first -= 1
        return first
    if index == 0 and len(mains) > 1:
        mains = mains[1:]  # paragraph 0 above another title: the compilation's own title
        named = [i for i in named if i > 0]
    if named and _stray(paragraphs[mains[0]]):
        return named[0]  # a signature or a stray line of the previous piece above a real title
    if not named and len(mains) > 1 and _signed(paragraphs, mains[0], end):
        return next((i for i in mains if i > mains[0] + 1), mains[0])
    return mains[0]


_GUIDE = ("核心阅读", "编者按", "阅读提示")
_BULLETS = "●■◆▲"


def _above_marker(paragraphs: Sequence[str], index: int, end: int) -> int | None:
    """In a long block, the headline above what only follows one: a subtitle ("——…之二"), a reading guide ("核心阅读")
    or the bullets of a lead ("●…"), so that the bold summary lines after it are not taken for the title; a kicker
    ending in "——" or "：" above the headline starts it."""
    for marker in range(index + 1, end):
        line = paragraphs[marker].strip()
        if not (_SUBTITLE.match(line) or line.startswith(_GUIDE) or line[:1] in _BULLETS):
            continue
        title = marker - 1
        if not title_like(paragraphs[title]) or paragraphs[title].strip()[:1] in _BULLETS:
            return None
        if title > index and _kicker(paragraphs[title - 1]):
            title -= 1
        return title
    return None


def _kicker(text: str) -> bool:
    """The first line of a two-line headline: not a signature, a credit or a scrap."""
    text = text.strip()
    if _lead_in(text) or _lead_line(text):
        return True
    return title_like(text) and text[:1] not in _BULLETS and not _stray(text) and not _ENDING.match(text)


def _signed(paragraphs: Sequence[str], first: int, end: int) -> bool:
    """ "全国人民代表大会常务委员会" over "2019年10月26日" over a title: the signature and date ending a piece."""
    line = paragraphs[first + 1].strip() if first + 1 < end else ""
    return bool(_DATE_LINE.match(line)) and line[:1] not in "（(" and first + 2 < end


def _stray(text: str) -> bool:
    """A line above a title that is no part of it: a signature ("习近平"), a scrap of markup or Latin text. A longer
    Chinese line is a kicker ("十三届全国人大三次会议举行第二次全体会议" above "习近平…出席…报告")."""
    text = text.strip()
    return not _lead_in(text) and (len(text) <= 8 or not re.search(r"[\u4e00-\u9fff]", text))


def _lead_in(text: str) -> bool:
    """ "“人民艺术家”王蒙——": the first line of a two-line title."""
    return text.strip().endswith(("——", "—"))


def _features(paragraphs: Sequence[str], candidates: list[Candidate], headings: set[int]) -> list[dict[str, float]]:
    """One row of named features per candidate: the evidence of its title block, its layout against the other
    candidates (a subhead has siblings of its shape and follows its headline closely) and the file's own layout."""
    if not candidates:
        return []
    series = _series(candidates)
    marked = sum(c.index in headings for c in candidates)
    news = sum(c.separated or bool(_NEWS_COLUMN.search(c.title)) for c in candidates)
    lengths = sorted(len(c.title) for c in candidates)
    typical_length = lengths[len(lengths) // 2]
    sizes = _prefix(paragraphs)
    total = sizes[-1] or 1
    gaps = [
        _chars(sizes, c.end, candidates[i + 1].index if i + 1 < len(candidates) else len(paragraphs))
        for i, c in enumerate(candidates)
    ]
    typical_gap = sorted(gaps)[len(gaps) // 2] or 1
    hint = _count_hint(paragraphs[0]) if paragraphs else None
    last_anchor, next_anchor = _nearest(candidates, [_anchor(c) for c in candidates])
    count = len(candidates)
    following_paragraphs = [
        (candidates[i + 1].index if i + 1 < count else len(paragraphs)) - c.end for i, c in enumerate(candidates)
    ]
    last_position, seen = [], -1
    for position, c in enumerate(candidates):
        last_position.append(seen)
        seen = position if _anchor(c) else seen
    rows = []
    for position, c in enumerate(candidates):
        start, end, title = c.index, c.end, c.title
        block = [p.strip() for p in paragraphs[start + 1 : end]]
        before = candidates[position - 1].end if position else 1
        gap_before = _chars(sizes, before, start)
        column = any(_NEWS_COLUMN.search(line) for line in [title, *block])
        subtitle = any(_SUBTITLE.match(line) or _DATED.match(line) for line in block)
        previous = paragraphs[start - 1].strip() if start > 0 else ""
        following = paragraphs[end].strip()
        shape_neighbours = sum(
            _same_shape(c.shape, other.shape)
            for other in candidates[max(0, position - 2) : position] + candidates[position + 1 : position + 3]
        )
        last, upcoming = last_anchor[position], next_anchor[position]
        rows.append(
            {
                "numbered_piece": float(_numbered_piece(title)),
                "kind": float(_has_kind(title)),
                "news_column": float(column),
                "column_tag": float(not column and bool(_COLUMN_TAG.search(title))),
                "heading": float(start in headings),
                "unmarked_in_marked_file": float(marked >= 2 and start not in headings),
                "file_has_headings": float(bool(headings)),
                "subtitle_or_date": float(subtitle),
                "kicker_or_author": float(bool(block) and not subtitle),
                "block_lines": float(len(block)),
                "opener_after": float(bool(_OPENER.match(following))),
                "dateline_after": float(bool(_DATELINE.match(following))),
                "ending_before": float(start > 0 and bool(_ENDING.match(previous))),
                "under_file_title": float(start == 1),
                "in_series": float(start in series),
                "shape_neighbours": float(shape_neighbours),
                "strong": float(c.strong),
                "comma": float("，" in title or "," in title),
                "colon": float("：" in title or ":" in title),
                "space": float(bool(_INNER_SPACE.search(title))),
                "quote": float(not _QUOTES.isdisjoint(title)),
                "digit": float(any(map(str.isdigit, title))),
                "title_length": len(title) / 10,
                "title_length_ratio": math.log(len(title) / typical_length),
                "gap_before": math.log1p(gap_before),
                "gap_after": math.log1p(gaps[position]),
                "gap_after_ratio": math.log((gaps[position] + 1) / typical_gap),
                "paragraphs_before": math.log1p(max(0, start - before)),
                "previous_length": math.log1p(len(previous)),
                "previous_ends_sentence": float(previous[-1:] in _PIECE_END if previous else 1),
                "next_length": math.log1p(len(following)),
                "since_anchor": math.log1p(_chars(sizes, last.end if last else 1, start)),
                "until_anchor": math.log1p(_chars(sizes, end, upcoming.index if upcoming else len(paragraphs))),
                "lead_in": float(_lead_in(title) or title[-1:] in "：:"),
                "reading_guide_after": float(following.startswith(("核心阅读", "编者按", "阅读提示"))),
                "news_file": float(news >= 2),
                "candidate_share": len(candidates) / max(1, len(paragraphs)),
                "articles_per_10k_chars": len(candidates) * 10000 / total,
                "count_hint": float(hint is not None),
                "bullet_after": float(following[:1] in _BULLETS),
                "quote_after": float(following[:1] in '“"「'),
                "previous_title_like": float(start > 0 and title_like(previous)),
                "since_anchor_candidates": float(min(5, position - last_position[position])),
                "previous_gap_after": math.log1p(gaps[position - 1]) if position else -1.0,
                "previous_strong": float(candidates[position - 1].strong) if position else 1.0,
                "next_strong": float(candidates[position + 1].strong) if position + 1 < count else 1.0,
                "length_vs_previous": math.log(len(title) / len(candidates[position - 1].title)) if position else 0.0,
                "length_vs_next": (
                    math.log(len(title) / len(candidates[position + 1].title)) if position + 1 < count else 0.0
                ),
                "body_paragraphs": math.log1p(following_paragraphs[position]),
                "body_paragraph_length": math.log1p(gaps[position] / max(1, following_paragraphs[position])),
            }
        )
    return rows


_INNER_SPACE = re.compile(r"\S[ \u3000\xa0]+\S")
_PIECE_END = "。！？”’」』）)!?…"
_QUOTES = frozenset('“”《》"')


def _prefix(paragraphs: Sequence[str]) -> list[int]:
    """Running character counts: the text of paragraphs [a, b) has _chars(prefix, a, b) characters."""
    return list(accumulate((len(p) for p in paragraphs), initial=0))


def _chars(prefix: list[int], start: int, end: int) -> int:
    return max(0, prefix[end] - prefix[start]) if start < len(prefix) else 0


def _nearest(candidates: list[Candidate], marked: list[bool]) -> tuple[list[Candidate | None], list[Candidate | None]]:
    """For each candidate, the closest marked candidate before it and after it."""
    before: list[Candidate | None] = []
    last = None
    for c, flag in zip(candidates, marked, strict=True):
        before.append(last)
        last = c if flag else last
    after: list[Candidate | None] = []
    upcoming = None
    for c, flag in zip(reversed(candidates), reversed(marked), strict=True):
        after.append(upcoming)
        upcoming = c if flag else upcoming
    return before, after[::-1]


def _drop_table_of_contents(chosen: list[Candidate]) -> list[Candidate]:
    """A title that appears again later is a table-of-contents entry, not the article."""
    last = {c.title: i for i, c in enumerate(chosen)}
    return [c for i, c in enumerate(chosen) if last[c.title] == i]


def _series(candidates: list[Candidate], reach: int = 3) -> set[int]:
    """Candidates with a sibling of the same shape among the next few candidates of the same article: between
    two confident article starts (a title pattern, a column, a dateline, the end of a piece), nothing else.
    About 60% of People's Daily subheads have such a sibling, a headline one of its own subheads in about 2%."""
    found: set[int] = set()
    for position, first in enumerate(candidates):
        if _anchor(first):
            continue
        for second in candidates[position + 1 : position + 1 + reach]:
            if _anchor(second):
                break
            if _same_shape(first.shape, second.shape):
                found.update((first.index, second.index))
    return found


def _anchor(candidate: Candidate) -> bool:
    return candidate.strong or candidate.separated


def _same_shape(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    """As many lines, the first ones of about the same length (within a fifth, at least one character)."""
    x, y = a[0], b[0]
    return len(a) == len(b) and abs(x - y) <= max(1, max(x, y) // 5)


# "…汇编-9篇", "…精选（12篇）", "十二篇": how many pieces the compilation says it holds (not "第三篇").
_COUNT = re.compile(rf"(?<![第篇\d{_NUM}])(\d{{1,3}}|[{_NUM}]{{1,3}})\s*篇")
_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "○": 0, "两": 2}


def _count_hint(title: str) -> int | None:
    """The number of pieces the compilation's title announces, if any."""
    found = _COUNT.findall(title.strip())
    if len(found) != 1:
        return None
    number = found[0]
    if number.isdigit():
        value = int(number)
    elif "百" in number or "零" in number[1:]:
        return None
    elif "十" in number:
        tens, _, ones = number.partition("十")
        value = _DIGITS.get(tens, 1 if not tens else -100) * 10 + (_DIGITS.get(ones, -100) if ones else 0)
    elif len(number) == 1:
        value = _DIGITS.get(number, -1)
    else:
        return None
    return value if 2 <= value <= 500 else None


def _fit_count(
    candidates: list[Candidate], chosen: list[Candidate], chance: dict[int, float], wanted: int
) -> list[Candidate]:
    """Add or drop candidates until the count the title announces is met, as far as the candidates allow: the
    least likely go first, the most likely come in first."""
    chosen = list(chosen)
    while len(chosen) > wanted:
        chosen.remove(min(chosen, key=lambda c: chance[c.index]))
    taken = {c.index for c in chosen}
    rest = sorted((c for c in candidates if c.index not in taken), key=lambda c: -chance[c.index])
    chosen.extend(rest[: max(0, wanted - len(chosen))])
    return sorted(chosen, key=lambda c: c.index)


# ---- the model: its coefficients or trees come from article_model.json --------------------------------------------


@dataclass(frozen=True)
class Model:
    """A logistic regression (``weights``, ``bias``) or boosted trees (``trees``, ``bias``) over named features."""

    features: tuple[str, ...]
    threshold: float
    bias: float
    weights: tuple[float, ...] = ()
    trees: tuple[tuple[tuple, ...], ...] = ()  # per tree, per node: (feature, threshold, left, right, value)
    context: Model | None = None  # a second model that also reads how likely the neighbours are (see chances)

    def probability(self, row: dict[str, float]) -> float:
        values = [row[name] for name in self.features]
        score = self.bias + self._trees_score(values)
        if self.weights:
            score += sum(w * x for w, x in zip(self.weights, values, strict=True))
        return 1 / (1 + math.exp(-max(-60.0, min(60.0, score))))

    @cached_property
    def _trees_score(self) -> Callable[[list[float]], float]:
        """The trees as one Python function of nested ifs: several times faster than walking the nodes."""
        lines = ["def score(v):", "    s = 0.0"]

        def emit(tree: tuple[tuple, ...], node: int, depth: int) -> None:
            feature, threshold, left, right, value = tree[node]
            pad = "    " * depth
            if int(feature) < 0:
                lines.append(f"{pad}s += {float(value)!r}")
                return
            lines.append(f"{pad}if v[{int(feature)}] <= {float(threshold)!r}:")
            emit(tree, int(left), depth + 1)
            lines.append(f"{pad}else:")
            emit(tree, int(right), depth + 1)

        for tree in self.trees:
            emit(tree, 0, 1)
        lines.append("    return s")
        namespace: dict = {}
        exec(compile("\n".join(lines), "<article model>", "exec"), namespace)  # only numbers from the model file
        return namespace["score"]


def model_from_json(data: dict) -> Model:
    return Model(
        features=tuple(data["features"]),
        threshold=float(data["threshold"]),
        bias=float(data["bias"]),
        weights=tuple(float(w) for w in data.get("weights", ())),
        trees=tuple(tuple(tuple(node) for node in tree) for tree in data.get("trees", ())),
        context=model_from_json(data["context"]) if data.get("context") else None,
    )


def chances(model: Model, paragraphs: Sequence[str], candidates: list[Candidate], rows: list[dict]) -> list[float]:
    """How likely each candidate starts an article: the model's first answer, then, with a context model, a second
    one that also knows how likely the candidates around it are (a subhead follows a likely headline closely)."""
    first = [model.probability(row) for row in rows]
    if model.context is None:
        return first
    around = context_features(paragraphs, candidates, first)
    return [model.context.probability(row | extra) for row, extra in zip(rows, around, strict=True)]


def context_features(
    paragraphs: Sequence[str], candidates: list[Candidate], first: list[float]
) -> list[dict[str, float]]:
    sizes = _prefix(paragraphs)
    likely = sum(p >= 0.5 for p in first)
    last_likely, next_likely = _nearest(candidates, [p >= 0.5 for p in first])
    ranked = sorted(first)
    count = len(candidates)
    out = []
    for position, (c, p) in enumerate(zip(candidates, first, strict=True)):
        last, upcoming = last_likely[position], next_likely[position]
        out.append(
            {
                "first_chance": p,
                "previous_chance": first[position - 1] if position else 1.0,
                "next_chance": first[position + 1] if position + 1 < count else 0.0,
                "since_likely": math.log1p(_chars(sizes, last.end if last else 1, c.index)),
                "until_likely": math.log1p(_chars(sizes, c.end, upcoming.index if upcoming else len(paragraphs))),
                "likely_in_file": math.log1p(likely),
                "chance_rank": (count - bisect_right(ranked, p)) / count,
            }
        )
    return out


@lru_cache(maxsize=1)
def load_model(path: Path = MODEL_PATH) -> Model:
    return model_from_json(json.loads(path.read_text(encoding="utf-8")))

"""Find the articles of a compilation (汇编): which paragraphs are the titles of the articles it collects.

Pure text in, (paragraph index, title) out. A paragraph is a candidate when it reads like a title (short, no
sentence-ending punctuation, not an in-text section heading such as "一、…", "（一）…", "1. …" or "第一，") and
body text follows it, possibly after a subtitle ("——在…上的讲话"), a date or an author line. A candidate becomes
an article when enough evidence says so: a title pattern ("…在…上的讲话", "…发言材料", "…心得体会", "…的报告",
"第三篇"…), a heading in the file's structure (.docx/.html/.epub/markdown), or an opening that starts a piece
("同志们：", "新华社北京…电", a date line). Fewer than two articles means a single document: nothing is returned.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

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
_SOURCE_LINE = re.compile(r"^[（(]?\s*(?:新华社|本报|《\s*人民日报\s*》)[^。]{0,40}[）)]?$")

# How a piece may end: a source, an author's note, a layout credit.
_ENDING = re.compile(
    r"^(?:[（(][^（）()]{0,40}(?:电|记者|作者|来源|责编|编辑|整理)[^（）()]{0,40}[）)]"
    r"|《\s*人民日报\s*》.{0,30}版[）)]?"
    r"|(?:版式设计|数据来源|栏目投稿邮箱|责任编辑|责编|来源|图片来源)[：:].{0,60}"
    r"|谢谢(?:大家|各位)?[！!。.])$"
)
_PARENTHESIZED = re.compile(r"^[（(][^（）()]*[）)]$")
_DATED = re.compile(r"^[（(].{0,10}\d{4}\s*年.{0,30}[）)]$")

TITLE_MIN, TITLE_MAX = 4, 64
_BLOCK_MAX = 4
THRESHOLD = 2


@dataclass(frozen=True)
class Candidate:
    index: int
    title: str
    score: float


def detect_articles(paragraphs: list[str], headings: Collection[int] = ()) -> list[tuple[int, str]]:
    """(paragraph index, title) of each article, in order; [] for a single document.

    Paragraph 0 counts as a heading only through its text: plain-text import marks every first line a heading.
    """
    candidates = _candidates(paragraphs, set(headings) - {0})
    chosen = [c for c in candidates if c.score >= THRESHOLD]
    chosen = _drop_table_of_contents(chosen)
    if len(chosen) < 2:
        return []
    return [(c.index, c.title) for c in chosen]


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
    if _PARENTHESIZED.match(text) or _ENDING.match(text):
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


def _candidates(paragraphs: list[str], headings: set[int]) -> list[Candidate]:
    found: list[Candidate] = []
    count = len(paragraphs)
    index = 0
    while index < count:
        if not title_like(paragraphs[index]):
            index += 1
            continue
        end = _block_end(paragraphs, index)
        if end >= count:
            break  # no body follows
        start = _block_start(paragraphs, index, end)
        found.append(Candidate(start, paragraphs[start].strip(), _score(paragraphs, start, end, headings)))
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


def _block_start(paragraphs: list[str], index: int, end: int) -> int:
    """The title line of a block: its first line, but after a collection title or a list of titles."""
    mains = [i for i in range(index, end) if title_like(paragraphs[i])]
    named = [i for i in mains if _numbered_piece(paragraphs[i]) or _has_kind(paragraphs[i])]
    if end - index > _BLOCK_MAX:  # a list of titles, or the tail of the previous piece, above the title
        if not named:
            return mains[-1]
        first = named[-1]
        while first - 1 in named:
            first -= 1
        return first
    if index == 0 and len(mains) > 1:
        mains = mains[1:]  # paragraph 0 above another title: the compilation's own title
        named = [i for i in named if i > 0]
    if named and not _lead_in(paragraphs[mains[0]]):
        return named[0]  # a signature or a stray line of the previous piece above a real title
    return mains[0]


def _lead_in(text: str) -> bool:
    """ "“人民艺术家”王蒙——": the first line of a two-line title."""
    return text.strip().endswith(("——", "—"))


def _score(paragraphs: list[str], start: int, end: int, headings: set[int]) -> float:
    title = paragraphs[start].strip()
    score = 0.0
    if _numbered_piece(title):
        score += 3
    elif _has_kind(title):
        score += 2
    if _COLUMN_TAG.search(title):
        score += 1
    if start in headings:
        score += 2
    block = [p.strip() for p in paragraphs[start + 1 : end]]
    if any(_SUBTITLE.match(line) or _DATED.match(line) for line in block):
        score += 2
    elif block or _lead_in(title):
        score += 1  # a kicker, an author line: more than a heading inside a piece has
    if _OPENER.match(paragraphs[end].strip()):
        score += 2
    if start > 0 and _ENDING.match(paragraphs[start - 1].strip()):
        score += 1
    if start == 1:
        score += 2  # right under the compilation's title
    return score


def _drop_table_of_contents(chosen: list[Candidate]) -> list[Candidate]:
    """A title that appears again later is a table-of-contents entry, not the article."""
    titles = [c.title for c in chosen]
    return [c for i, c in enumerate(chosen) if c.title not in titles[i + 1 :]]

"""The hand-tuned article detector of issue 6 (wenku/text/articles.py before issue 12), frozen as the baseline that
bench/train_articles.py measures side by side with the trained model. Not used by the product.

Pure text in, (paragraph index, title) out. A paragraph is a candidate when it reads like a title (short, no
sentence-ending punctuation, not an in-text section heading such as "一、…", "（一）…", "1. …" or "第一，") and
body text follows it, possibly after a subtitle ("——在…上的讲话"), a date or an author line. A candidate becomes
an article when enough evidence says so: a title pattern ("…在…上的讲话", "…发言材料", "…心得体会", "…的报告",
"第三篇"…), a heading in the file's structure (.docx/.html/.epub/markdown), or an opening that starts a piece
("同志们：", "新华社北京…电", a date line). Fewer than two articles means a single document: nothing is returned.

Plain text without markup (news concatenated as .txt) also uses the compilation's own layout: a newspaper column
after a headline ("（人民论坛）"), a dateline below or the end of a piece above ("（本报雅加达10月27日电）") anchor an
article; candidates shaped like a neighbour of the same article form a series of subheads ("历史背景 / 亲历者说 /
参观贴士"); in a news compilation every other candidate that does not read like a subhead (comma, colon) starts an
article; and a count in the compilation's title ("…-12篇") is met by adding or dropping the weakest candidates.
When the file marks its titles as headings, unmarked lines do not start articles.
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
    r"|(?:版式设计|数据来源|栏目投稿邮箱|责任编辑|责编|来源|图片来源)[：:].{0,60}"
    r"|谢谢(?:大家|各位)?[！!。.])$"
)
_PARENTHESIZED = re.compile(r"^[（(](?:[^（）()]|[（(][^（）()]*[）)])*[）)]$")
_DATED = re.compile(r"^[（(].{0,10}\d{4}\s*年.{0,30}[）)]$")

TITLE_MIN, TITLE_MAX = 4, 64
_BLOCK_MAX = 4
THRESHOLD = 2


@dataclass(frozen=True)
class Candidate:
    index: int
    title: str
    score: float
    end: int = 0  # the first body paragraph after the title block
    strong: bool = False  # evidence beyond layout: a title pattern, a heading, a column, a subtitle or date line
    separated: bool = False  # a dateline below it ("本报北京5月11日电") or the end of a piece above it
    shape: tuple[int, ...] = ()  # the lengths of the title block's lines


def detect_articles(paragraphs: list[str], headings: Collection[int] = ()) -> list[tuple[int, str]]:
    """(paragraph index, title) of each article, in order; [] for a single document.

    Paragraph 0 counts as a heading only through its text: plain-text import marks every first line a heading.
    """
    headings = set(headings) - {0}
    candidates = _candidates(paragraphs, headings)
    chosen = [c for c in candidates if c.score >= THRESHOLD]
    marked = [c for c in chosen if c.index in headings]
    if len(marked) >= 2:
        # the file marks its titles as headings: an unmarked line is a subhead or a signature, unless it names
        # itself a piece ("第三篇", "…的讲话") as a marked title never does here
        chosen = [c for c in chosen if c.index in headings or (_numbered_piece(c.title) or _has_kind(c.title))]
    if not headings:  # no markup: the compilation's own layout decides between headlines and subheads
        chosen = _by_layout(candidates, chosen)
    chosen = _drop_table_of_contents(chosen)
    wanted = _count_hint(paragraphs[0]) if paragraphs else None
    if wanted:
        chosen = _fit_count(paragraphs, candidates, chosen, wanted)
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
        if _ENDING.match(paragraphs[end].strip()):
            index = end  # a signature and date above "（新华社北京5月18日电）": the end of a piece, not a title
            continue
        start = _block_start(paragraphs, index, end, headings)
        score, strong = _score(paragraphs, start, end, headings)
        shape = tuple(len(p.strip()) for p in paragraphs[start:end])
        separated = bool(_DATELINE.match(paragraphs[end].strip())) or (
            start > 0 and bool(_ENDING.match(paragraphs[start - 1].strip()))
        )
        found.append(Candidate(start, paragraphs[start].strip(), score, end, strong, separated, shape))
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
            return mains[-1]
        first = named[-1]
        while first - 1 in named:
            first -= 1
        return first
    if index == 0 and len(mains) > 1:
        mains = mains[1:]  # paragraph 0 above another title: the compilation's own title
        named = [i for i in named if i > 0]
    if named and _stray(paragraphs[mains[0]]):
        return named[0]  # a signature or a stray line of the previous piece above a real title
    return mains[0]


def _stray(text: str) -> bool:
    """A line above a title that is no part of it: a signature ("习近平"), a scrap of markup or Latin text. A longer
    Chinese line is a kicker ("十三届全国人大三次会议举行第二次全体会议" above "习近平…出席…报告")."""
    text = text.strip()
    return not _lead_in(text) and (len(text) <= 8 or not re.search(r"[\u4e00-\u9fff]", text))


def _lead_in(text: str) -> bool:
    """ "“人民艺术家”王蒙——": the first line of a two-line title."""
    return text.strip().endswith(("——", "—"))


def _score(paragraphs: list[str], start: int, end: int, headings: set[int]) -> tuple[float, bool]:
    """How much says that the block [start, end) is an article's title block, and whether any of it is more than
    layout (a title pattern, a heading, a newspaper column, a subtitle or a date line)."""
    title = paragraphs[start].strip()
    block = [p.strip() for p in paragraphs[start + 1 : end]]
    score = 0.0
    strong = False
    if _numbered_piece(title):
        score += 3
        strong = True
    elif _has_kind(title):
        score += 2
        strong = True
    if any(_NEWS_COLUMN.search(line) for line in [title, *block]):
        score += 2  # a headline's column: about a third of newspaper headlines, about 1% of their subheads
        strong = True
    elif _COLUMN_TAG.search(title):
        score += 1
    if start in headings:
        score += 2
        strong = True
    if any(_SUBTITLE.match(line) or _DATED.match(line) for line in block):
        score += 2
        strong = True
    elif block:
        score += 1  # a kicker, an author line: more than a heading inside a piece has
    if _OPENER.match(paragraphs[end].strip()):
        score += 2
    if start > 0 and _ENDING.match(paragraphs[start - 1].strip()):
        score += 1
    if start == 1:
        score += 2  # right under the compilation's title
        strong = True
    return score, strong


def _drop_table_of_contents(chosen: list[Candidate]) -> list[Candidate]:
    """A title that appears again later is a table-of-contents entry, not the article."""
    titles = [c.title for c in chosen]
    return [c for i, c in enumerate(chosen) if c.title not in titles[i + 1 :]]


def _by_layout(candidates: list[Candidate], chosen: list[Candidate]) -> list[Candidate]:
    """Plain text: tell a compilation's headlines from the subheads inside its articles by their layout.

    The subheads of one article come in parallel series ("历史背景 / 亲历者说 / 参观贴士", "畅通道路销路 / 聚焦深度贫困
    / …"): about 60% of People's Daily subheads have a sibling of the same shape in their article, while a
    headline matches one of its own subheads in about 2% of articles. A candidate shaped like the candidate
    before or after it is a subhead unless something beyond layout says it is a title. Once the compilation has
    two articles, any other candidate with some evidence of a title block (a kicker or subtitle, an opener, the
    end of a piece above it) that is not part of such a series starts an article too: a news article rarely has a
    single, unparalleled subhead. In a news compilation (two articles with a dateline, the end of a piece above or
    a column), that holds even without such evidence, unless the line reads like a subhead (a comma, a colon).
    """
    series = _series(candidates)
    kept = [c for c in chosen if c.strong or c.separated or c.index not in series]
    if len(kept) < 2:
        return kept
    taken = {c.index for c in kept}
    news = sum(c.separated or bool(_NEWS_COLUMN.search(c.title)) for c in kept) >= 2
    least = 0 if news else 1
    promoted = [
        c
        for c in candidates
        if c.index not in taken and (c.separated or (c.index not in series and _plain_score(c) >= least))
    ]
    return sorted(kept + promoted, key=lambda c: c.index)


def _series(candidates: list[Candidate], reach: int = 3) -> set[int]:
    """Candidates with a sibling of the same shape among the next few candidates of the same article: between
    two confident article starts (a title pattern, a column, a dateline, the end of a piece), nothing else."""
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


def _plain_score(candidate: Candidate) -> float:
    """The score, less a point for a comma and for a colon in the title: in People's Daily, 31% of subheads and 10%
    of headlines have a comma ("科研像飞机起飞一样，跑道够长，…"), 7% and 3% a colon ("胡铁卿：82岁，…")."""
    return candidate.score - ("，" in candidate.title) - ("：" in candidate.title)


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
    paragraphs: list[str], candidates: list[Candidate], chosen: list[Candidate], wanted: int
) -> list[Candidate]:
    """Add or drop candidates until the count the title announces is met, as far as the candidates allow.

    Dropped first: the least evidence, then the shortest text above it back to the previous article (a subhead
    follows its title closely). Added first: the most evidence, then the longest text above it.
    """
    chosen = list(chosen)
    series = _series(candidates)

    def weight(candidate: Candidate, among: list[Candidate]) -> tuple:
        before = [c.index for c in among if c.index < candidate.index]
        start = before[-1] if before else 0
        gap = sum(len(p) for p in paragraphs[start : candidate.index])
        return (_anchor(candidate), candidate.index not in series, _plain_score(candidate), gap)

    while len(chosen) > wanted:
        chosen.remove(min(chosen, key=lambda c: weight(c, chosen)))
    rest = [c for c in candidates if c not in chosen]
    while len(chosen) < wanted and rest:
        best = max(rest, key=lambda c: weight(c, chosen))
        rest.remove(best)
        chosen = sorted([*chosen, best], key=lambda c: c.index)
    return chosen

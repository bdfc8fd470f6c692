"""A CheckReport as the result page and the downloadable report show it: numbered sources with a colour each, the
submission with every copied passage highlighted, and the 对照 list of submitted passage beside source passage.

Where passages of several sources overlap, the larger source (the lower number) is shown, as Turnitin does.
The submission is shown exactly as submitted: only marks are added around its characters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from urllib.parse import quote

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from wenku.checking.report import CheckReport, Match, Source
from wenku.checking.sources import page_url

COLOURS = 10  # .src-0 … .src-9 in the stylesheet, repeated for further sources
FRAGMENT_CHARS = 12  # the start of a source passage, as a text fragment (#:~:text=) for browsers that scroll to it


@dataclass
class ShownSource:
    number: int  # 1-based, largest first
    source: Source
    url: str
    pages: list[tuple[int, str]]  # the source pages holding its passages, with their URLs

    @property
    def colour(self) -> int:
        return (self.number - 1) % COLOURS

    @property
    def share(self) -> str:
        return percent(self.source.share)


@dataclass
class Pair:
    """One copied passage: the submitted text beside the source's text, with a link to the source page."""

    anchor: str
    shown: ShownSource
    match: Match
    submitted: str
    url: str


@dataclass
class ReportView:
    report: CheckReport
    sources: list[ShownSource]
    pairs: list[Pair]
    highlighted: SafeString

    @property
    def ratio(self) -> str:
        return percent(self.report.ratio)

    @property
    def ratio_excluding_quotes(self) -> str:
        return percent(self.report.ratio_excluding_quotes)

    @property
    def largest_share(self) -> str:
        return percent(self.report.largest_share)


def percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def view_of(report: CheckReport, link: Callable[[str], str] = str) -> ReportView:
    """``link`` turns a site path into the URL to show (absolute ones for the downloaded file)."""
    shown = [
        ShownSource(n, s, link(s.url), [(p, link(page_url(s.id, p))) for p in sorted({m.page for m in s.matches})])
        for n, s in enumerate(report.sources, 1)
    ]
    pairs = [
        Pair(_anchor(item.number, k), item, m, report.text[m.start : m.end], link(_page_link(item.source, m)))
        for item in shown
        for k, m in enumerate(item.source.matches, 1)
    ]
    return ReportView(report, shown, pairs, highlight(report, shown))


def _anchor(number: int, k: int) -> str:
    return f"m{number}-{k}"


def _page_link(source: Source, match: Match) -> str:
    start = match.source_text.strip().split("\n", 1)[0][:FRAGMENT_CHARS]
    url = page_url(source.id, match.page)
    return f"{url}#:~:text={quote(start, safe='')}" if start else url


def highlight(report: CheckReport, shown: list[ShownSource]) -> SafeString:
    """The submission as HTML: copied passages in <mark>, numbered by source; quotations and common phrases in
    spans of their own."""
    text = report.text
    owner = [0] * len(text)  # source number covering each character, 0 for none
    for item in reversed(shown):  # the larger sources last, so that they win where passages overlap
        for m in item.source.matches:
            owner[m.start : m.end] = [item.number] * (m.end - m.start)
    quoted = _flags(len(text), report.quotations)
    common = _flags(len(text), report.common_phrases)
    anchors: dict[int, str] = {}  # the numbered start of each passage shown in its source's colour
    hidden: dict[int, list[str]] = {}  # passages under a larger source's colour: an empty anchor for the 对照 link
    for item in shown:
        for k, m in enumerate(item.source.matches, 1):
            if m.start < len(text) and owner[m.start] == item.number and m.start not in anchors:
                anchors[m.start] = _anchor(item.number, k)
            else:
                hidden.setdefault(m.start, []).append(_anchor(item.number, k))
    cuts = {0, len(text), *anchors}
    matched = [(m.start, m.end) for s in report.sources for m in s.matches]
    for start, end in [*report.quotations, *report.common_phrases, *matched]:
        cuts.update((min(start, len(text)), min(end, len(text))))
    runs: list[list[int]] = []  # [start, end] of stretches shown alike, a new one at every numbered passage

    def kind(at: int) -> tuple:
        return owner[at], quoted[at], common[at] and not owner[at]

    for start, end in pairwise(sorted(cuts)):
        if runs and start not in anchors and kind(start) == kind(runs[-1][0]):
            runs[-1][1] = end
        else:
            runs.append([start, end])
    colour_of = {item.number: item.colour for item in shown}
    parts: list[str] = []
    for start, end in runs:
        piece = "".join(
            f'<span id="{a}" class="hit-anchor"></span>' if isinstance(a, str) else escape(text[a[0] : a[1]])
            for a in _with_anchors(start, end, hidden)
        )
        number = owner[start]
        if number:
            classes = f"hit src-{colour_of[number]}" + (" quoted" if quoted[start] else "")
            anchor = anchors.get(start)
            if anchor:
                label = f'<a class="hit-no" href="#pair-{anchor}" aria-label="来源 {number}">{number}</a>'
                parts.append(f'<mark id="{anchor}" class="{classes}" data-source="{number}">{label}{piece}</mark>')
            else:
                parts.append(f'<mark class="{classes}" data-source="{number}">{piece}</mark>')
        elif quoted[start]:
            parts.append(f'<span class="quote">{piece}</span>')
        elif common[start]:
            parts.append(f'<span class="common" title="常见表述，不计入复制">{piece}</span>')
        else:
            parts.append(piece)
    return mark_safe("".join(parts))  # every piece of text was escaped above


def _with_anchors(start: int, end: int, hidden: dict[int, list[str]]) -> list:
    """The text from ``start`` to ``end`` as (start, end) pieces, with the hidden anchors inside it between them."""
    inside = sorted(p for p in hidden if start <= p < end)
    pieces: list = []
    for point, following in pairwise([*inside, end]):
        pieces.extend(hidden[point])
        pieces.append((point, following))
    return [(start, inside[0] if inside else end), *pieces]


def _flags(length: int, spans: list[tuple[int, int]]) -> list[bool]:
    flags = [False] * length
    for start, end in spans:
        flags[start:end] = [True] * (max(0, min(end, length) - start))
    return flags

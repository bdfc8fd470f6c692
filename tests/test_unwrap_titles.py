"""A title line stays a line of its own when plain text is unwrapped (wenku/text/unwrap.py), on real articles.

Found with bench/eval_unwrap.py: a title longer than the wrap width (中办国办印发《…意见》, 42 characters, in a text
wrapped at 30–40) was taken for a full wrapped line and ran into the first paragraph; and in a text with stray
breaks, a kicker line (两万多人的苏州镇湖，拥有四百绣庄、八千绣娘) ran into the headline after it.
"""

from __future__ import annotations

from tests.test_unwrap import a_width_ending_no_paragraph_full, record, wrap, wrap_columns
from wenku.text import unwrap

NEWS_2019_10 = "news/peoples_daily_2019-10.jsonl"


def wrapped(paragraphs: list[str], width: int, cut=wrap) -> list[str]:
    """The title as one line, every paragraph cut at ``width``."""
    return [paragraphs[0], *(line for paragraph in paragraphs[1:] for line in cut(paragraph, width))]


def test_a_title_longer_than_the_wrap_width_stays_its_own_line(corpus):
    paragraphs = [p for p in record(corpus, NEWS_2019_10, "pd-20191024-01-02") if p]
    assert len(paragraphs[0]) == 42 and not any(c in "。！？，" for c in paragraphs[0])
    width = a_width_ending_no_paragraph_full(paragraphs)
    assert len(paragraphs[0]) > width + 2
    lines = wrapped(paragraphs, width)
    assert unwrap.analyse(lines).wrapped
    assert unwrap.paragraphs(lines) == paragraphs
    lines = wrapped(paragraphs, 2 * width, wrap_columns)
    assert unwrap.paragraphs(lines) == paragraphs


def test_a_long_line_inside_a_text_wrapped_at_columns_still_joins(reports_dir):
    """A text cut at display columns is mostly Chinese and may be measured in characters; its lines with digits
    hold more characters than the width and must still join (only the first line is taken for a title so)."""
    lines = (reports_dir / "2024.txt").read_text(encoding="utf-8").split("\n")
    paragraphs = [line for line in lines if line.strip()]
    width = 72
    cut = wrapped(paragraphs, width, wrap_columns)
    layout = unwrap.analyse(cut)
    assert layout.wrapped
    got = unwrap.paragraphs(cut, layout)
    assert "".join(got) == "".join(paragraphs)
    assert sum(1 for p in got if p not in paragraphs) <= 5  # as before: only ends on an exactly full line missed


def test_a_kicker_line_is_not_joined_in_a_text_with_stray_breaks(corpus):
    """Three certain stray breaks (before a ，) make the text one broken at random points, where Chinese text going
    on without a sentence end is joined too (as is a lead line inside the article: no one can tell it from a
    stray break); the first line, the article's kicker, is not."""
    paragraphs = [p for p in record(corpus, "news/peoples_daily_2019-10.jsonl", "pd-20191025-13-01") if p]
    assert paragraphs[0] == "两万多人的苏州镇湖，拥有四百绣庄、八千绣娘"
    lines: list[str] = []
    broken = 0
    for index, paragraph in enumerate(paragraphs):
        comma = paragraph.find("，", 25)
        if index > 2 and broken < 3 and comma > 0:
            lines += [paragraph[:comma], paragraph[comma:]]
            broken += 1
        else:
            lines.append(paragraph)
    assert broken == 3
    got = unwrap.paragraphs(lines)
    assert got[:2] == paragraphs[:2]  # the kicker, then the headline (一个“绣”出来的小镇…)
    assert "".join(got) == "".join(paragraphs)

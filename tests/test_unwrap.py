"""Hard-wrapped and stray-broken plain text joined back into paragraphs (wenku/text/unwrap.py), on real texts: the
bundled government work reports and articles and speeches of the development corpus, wrapped as .txt files are."""

from __future__ import annotations

import json

import pytest

from wenku.text import unwrap

NO_LINE_START = frozenset("，。、；：？！）》」』】〕〉”’．,.;:?!)]}%～")


def wrap(paragraph: str, width: int) -> list[str]:
    return [paragraph[i : i + width] for i in range(0, len(paragraph), width)]


def wrap_columns(paragraph: str, width: int) -> list[str]:
    """Cut at ``width`` display columns with 禁则: a closing mark never starts a line (the character before it
    goes down with it)."""
    lines: list[str] = []
    current: list[str] = []
    used = 0
    for char in paragraph:
        w = unwrap.columns(char)
        if used + w > width and current:
            carried = [current.pop()] if char in NO_LINE_START and len(current) > 1 else []
            lines.append("".join(current))
            current, used = carried, sum(map(unwrap.columns, carried))
        current.append(char)
        used += w
    lines.append("".join(current))
    return lines


def report(reports_dir, year: int) -> list[str]:
    return (reports_dir / f"{year}.txt").read_text(encoding="utf-8").split("\n")


def record(corpus, name: str, record_id: str) -> list[str]:
    for line in (corpus / name).open(encoding="utf-8"):
        item = json.loads(line)
        if item["id"] == record_id:
            return [item["title"], *item["text"].split("\n")]
    raise LookupError(record_id)


def ends(paragraphs: list[str]) -> set[int]:
    """Where paragraphs end, as offsets in their concatenation."""
    offsets, total = set(), 0
    for paragraph in paragraphs[:-1]:
        total += len(paragraph)
        offsets.add(total)
    return offsets


def a_width_ending_no_paragraph_full(paragraphs: list[str], widths=range(30, 41)) -> int:
    """A width at which no paragraph's last line is exactly full (there the end cannot be seen, by anyone)."""
    return next(w for w in widths if all(len(p) % w for p in paragraphs[1:]))


def test_the_2024_report_wrapped_at_a_fixed_width_comes_back_paragraph_for_paragraph(reports_dir):
    paragraphs = [p for p in report(reports_dir, 2024) if p]
    width = a_width_ending_no_paragraph_full(paragraphs)
    lines = [paragraphs[0]] + [line for p in paragraphs[1:] for line in wrap(p, width)]
    layout = unwrap.analyse(lines)
    assert layout.wrapped and layout.width == width
    assert unwrap.paragraphs(lines) == paragraphs


def test_indented_paragraphs_end_even_after_a_full_line(reports_dir):
    """With 　　 at each paragraph's start, a paragraph whose last line is full still ends there."""
    paragraphs = [p for p in report(reports_dir, 2023) if p]
    lines = [paragraphs[0]] + [line for p in paragraphs[1:] for line in wrap("\u3000\u3000" + p, 35)]
    assert unwrap.analyse(lines).indented
    assert unwrap.paragraphs(lines) == paragraphs


def test_blank_lines_always_end_a_paragraph(corpus):
    paragraphs = record(corpus, "speeches/xi_speeches_2020.jsonl", "xi2020-000")
    lines = [paragraphs[0]]
    for p in paragraphs[1:]:
        lines += ["", *wrap(p, 32)]
    assert unwrap.paragraphs(lines) == paragraphs


def test_a_text_wrapped_in_display_columns_with_line_breaking_rules(corpus):
    """Cut at 66 columns (a Chinese character two, digits and Latin letters one), with 禁则: lines are not all
    the same number of characters, and a line may end a character early to keep a 。 off the next line."""
    paragraphs = record(corpus, "news/peoples_daily_2020-05.jsonl", "pd-20200530-01-05")
    lines = [paragraphs[0]] + [line for p in paragraphs[1:] for line in wrap_columns(p, 66)]
    assert len({len(line) for line in lines}) > 3
    assert any(line[1] in NO_LINE_START for line in lines[1:] if len(line) > 1)
    layout = unwrap.analyse(lines)
    assert layout.wrapped and layout.measure == "columns"
    got = unwrap.paragraphs(lines)
    assert "".join(got) == "".join(paragraphs), "only line breaks are removed"
    true_ends, got_ends = ends(paragraphs), ends(got)
    assert got_ends <= true_ends, "no paragraph end made up"
    # A paragraph whose last line is filled to the width and ends with 。 cannot be told from a sentence ending
    # at a wrap, which is three times as common: those few ends are missed.
    assert len(true_ends - got_ends) <= 0.05 * len(true_ends)


def test_texts_with_one_paragraph_per_line_are_left_alone(reports_dir, corpus):
    for year in (1954, 1964, 1985, 1998, 2008, 2024):
        lines = report(reports_dir, year)
        assert not unwrap.analyse(lines).wrapped
        assert unwrap.paragraphs(lines) == [line.strip() for line in lines if line.strip()], year
    for line in (corpus / "speeches/xi_speeches_2020.jsonl").open(encoding="utf-8"):
        text = json.loads(line)["text"]
        assert unwrap.unwrap_text(text) == [p.strip() for p in text.split("\n") if p.strip()]


def test_a_poem_is_not_taken_for_wrapped_text(corpus):
    """Lines of a poem (of similar length, without punctuation) are not joined."""
    lines = record(corpus, "news/peoples_daily_2019-10.jsonl", "pd-20191004-08-02")
    assert not unwrap.analyse(lines).wrapped
    assert unwrap.paragraphs(lines) == [line.strip() for line in lines if line.strip()]


def test_stray_breaks_in_the_bundled_2021_report_are_joined(reports_dir):
    lines = report(reports_dir, 2021)
    got = unwrap.paragraphs(lines)
    assert sum(unwrap.joins(lines)) == 10
    assert any("交出一份人民满意、世界瞩目" in p for p in got)
    assert any("全员劳动生产率增长高于国内生产总值增长" in p for p in got)
    assert any("向关心和支持中国现代化建设的各国政府、国际组织和各国朋友" in p for p in got)
    assert "".join(got) == "".join(line.strip() for line in lines)
    assert got[:3] == [line for line in lines[:3]], "the title, subtitle and speaker stay lines of their own"


def test_paragraph_ends_without_a_full_stop_are_kept(reports_dir):
    """1964 ends lead sentences without 。 (…是不可避免的 / 毛主席告诉我们…): those are paragraph ends."""
    for year in (1964, 1980, 1984, 1985, 1988):
        assert not any(unwrap.joins(report(reports_dir, year))), year


def test_a_single_break_before_a_comma_is_joined_but_a_heading_running_into_a_word_is_not(corpus):
    """pd-20191008-05-03 has a heading (…思想政治理论的知识课) that the segmenter reads into the next paragraph
    (课|新中国…): one such break is not enough to join. A line starting with ，is always joined."""
    paragraphs = [p for p in record(corpus, "news/peoples_daily_2019-10.jsonl", "pd-20191008-05-03") if p]
    assert unwrap.paragraphs(paragraphs) == paragraphs
    broken = next(i for i, p in enumerate(paragraphs) if "，" in p[20:])
    cut = paragraphs[broken].index("，", 20)
    lines = [*paragraphs[:broken], paragraphs[broken][:cut], paragraphs[broken][cut:], *paragraphs[broken + 1 :]]
    assert unwrap.paragraphs(lines) == paragraphs


def test_latin_words_join_with_a_space_and_chinese_without():
    english = [
        "Plain text files are often wrapped at a fixed",
        "width by the editor that wrote them, and the",
        "reader has to join the lines again before it",
        "can show whole paragraphs.",
        "A second paragraph starts here after a short",
        "line.",
    ]
    assert unwrap.paragraphs(english) == [
        " ".join(english[:4]),
        " ".join(english[4:]),
    ]


def test_numbers_and_english_words_cut_by_a_chinese_wrap(reports_dir):
    """A number cut by the wrap joins without a space; an English word that did not fit is a word of its own."""
    paragraphs = [p for p in report(reports_dir, 2023) if p]
    target = next(p for p in paragraphs if "1200万" in p)
    cut = target.index("1200万") + 2  # "12" | "00万"
    text = target[:cut] + "\n" + target[cut:]
    width = cut
    lines = [paragraphs[0], *[line for p in paragraphs[1:40] for line in wrap(p, width)]]
    layout = unwrap.analyse(lines)
    assert layout.wrapped and layout.width == width
    assert unwrap.paragraphs(text.split("\n"), layout) == [target]
    word_lines = ["我们使用的检索引擎是", "Tantivy，分词用的是结巴。"]
    assert unwrap.paragraphs(word_lines, unwrap.Layout(True, 12)) == ["我们使用的检索引擎是Tantivy，分词用的是结巴。"]
    english = ["the engine is called", "Tantivy"]
    assert unwrap._glue(unwrap.Layout(True, 30), *english) == " "


def test_only_line_breaks_change(reports_dir):
    for year in (1957, 2017, 2021):
        lines = report(reports_dir, year)
        assert "".join(unwrap.paragraphs(lines)) == "".join(line.strip() for line in lines)


@pytest.mark.django_db
def test_an_imported_wrapped_report_is_found_by_a_phrase_across_its_former_breaks(reports_dir, tmp_path):
    """The bundled 2021 report, through the real importer and the real search: 全员劳动生产率 (cut by a stray
    break in the file) is found, and so is a phrase across a hard wrap of the 2024 report written as a wrapped file."""
    from wenku.ingest.importer import ImportOptions, import_paths
    from wenku.library.models import Document
    from wenku.search import indexing
    from wenku.search.service import search

    paragraphs = [p for p in report(reports_dir, 2024) if p]
    wrapped = tmp_path / "2024-wrapped.txt"
    width = a_width_ending_no_paragraph_full(paragraphs)
    wrapped.write_text(
        "\n".join([paragraphs[0]] + [line for p in paragraphs[1:] for line in wrap("\u3000\u3000" + p, width)]),
        encoding="gb18030",
    )
    results = import_paths([reports_dir / "2021.txt", wrapped], ImportOptions())
    assert [r.status for r in results] == ["imported", "imported"], results
    indexing.apply_pending()
    report_2021, report_2024 = (Document.objects.get(pk=r.id) for r in results)
    assert report_2024.title == paragraphs[0]
    hits = search("全员劳动生产率").hits
    assert report_2021.pk in [hit.document.pk for hit in hits]
    assert "全员劳动生产率" in report_2021.full_text()
    assert report_2024.full_text() == "\n".join(paragraphs[1:]) or report_2024.full_text() == "\n".join(paragraphs)
    line = wrap("\u3000\u3000" + paragraphs[5], width)[0]
    across = line[-4:] + paragraphs[5][len(line) - 2 : len(line) + 2]
    assert report_2024.pk in [hit.document.pk for hit in search(f'"{across}"').hits], across


def test_any_text_keeps_its_characters():
    """Whatever the lines, joining them only removes line breaks (and puts a space between Latin words)."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    alphabet = st.sampled_from(list("人民满意生产率改革开放abcXYZ 0123，。、；：！？“”（）《》　\t-•一二、"))
    line = st.text(alphabet, max_size=50)

    @settings(max_examples=300, deadline=None)
    @given(st.lists(line, max_size=30))
    def check(lines):
        got = unwrap.paragraphs(lines)
        assert "".join("".join(p.split()) for p in got) == "".join("".join(x.split()) for x in lines)
        assert all(p and p == p.strip() and "\n" not in p for p in got)

    check()

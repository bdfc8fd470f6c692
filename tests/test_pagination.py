"""Pagination properties: over the whole development corpus and over generated text."""

from __future__ import annotations

import json
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from wenku.text.counting import count_chars
from wenku.text.pagination import CODEPOINTS_PER_CHAR, join_paragraphs, paginate


def check_pages(paragraphs: list[str], max_chars: int, max_codepoints: int | None = None) -> None:
    """The invariants every pagination must satisfy."""
    text = join_paragraphs(paragraphs)
    pages = paginate(paragraphs, max_chars, max_codepoints)
    assert pages[0].start == 0 and pages[-1].end == len(text)
    paragraph_ends = set()
    offset = 0
    for p in paragraphs:
        offset += len(p)
        paragraph_ends.add(offset)
        offset += 1
    rebuilt = []
    for before, page in zip([None, *pages], pages, strict=False):
        assert page.text == text[page.start : page.end]
        assert page.chars == count_chars(page.text) <= max_chars
        assert len(page.text) <= (max_codepoints or CODEPOINTS_PER_CHAR * max_chars)
        assert page.text and not page.text.startswith("\n") and not page.text.endswith("\n")
        if before is not None:
            gap = text[before.end : page.start]
            assert gap in ("", "\n")
            assert page.starts_mid_paragraph == (gap == "")
            rebuilt.append(gap)
            if gap == "\n":
                assert before.end in paragraph_ends
        rebuilt.append(page.text)
    assert "".join(rebuilt) == text
    assert [p.number for p in pages] == list(range(1, len(pages) + 1))
    assert paginate(paragraphs, max_chars, max_codepoints) == pages  # deterministic


def corpus_documents(corpus):
    for path in sorted((corpus / "official/gov_work_reports").glob("*.txt")):
        yield [line for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]
    for path in sorted(corpus.glob("*/*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if isinstance(record.get("text"), str):
                paragraphs = [p.strip() for p in record["text"].split("\n") if p.strip()]
                if paragraphs:
                    yield paragraphs


def test_every_corpus_document_paginates_soundly(corpus):
    documents = 0
    for paragraphs in corpus_documents(corpus):
        check_pages(paragraphs, 3000)
        documents += 1
    assert documents > 6000


def test_long_paragraphs_are_cut_at_sentence_ends(corpus):
    # Every paragraph of the 2024 report at once, as one paragraph: cuts must fall after 。！？；…
    text = (corpus / "official/gov_work_reports/2024.txt").read_text(encoding="utf-8").replace("\n", "")
    pages = paginate([text], 3000)
    assert len(pages) > 3
    for page in pages[:-1]:
        assert page.text.rstrip("”’」』）)")[-1] in "。！？；…!?;．", page.text[-10:]
        assert page.chars > 2500  # the page is filled, not cut early


def test_a_paragraph_that_fits_is_never_split():
    paragraphs = ["甲" * 1800, "乙" * 1800, "丙" * 100]
    pages = paginate(paragraphs, 3000)
    assert [p.text for p in pages] == ["甲" * 1800, "乙" * 1800 + "\n" + "丙" * 100]


def test_a_sentence_longer_than_a_page_is_cut_without_splitting_a_character():
    emoji_family = "👨\u200d👩\u200d👧"
    combining = "e\u0301"
    paragraph = ("字" * 9 + emoji_family + combining) * 40
    for page in paginate([paragraph], 10):
        assert not page.text.startswith(("\u200d", "\u0301", "👩", "👧"))


def test_an_empty_document_has_one_empty_page():
    pages = paginate([], 3000)
    assert len(pages) == 1 and pages[0].text == ""


chinese = st.text(alphabet="中文字段落。，！？；…“”ab1 ", min_size=1, max_size=80)


@settings(max_examples=300, deadline=None)
@given(st.lists(chinese.map(str.strip).filter(bool), min_size=1, max_size=30), st.integers(5, 120))
def test_random_documents_paginate_soundly(paragraphs, max_chars):
    check_pages(paragraphs, max_chars)


latin = st.text(alphabet="abcdefg xyz。", min_size=1, max_size=300)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(chinese, latin).map(str.strip).filter(bool), min_size=1, max_size=20),
    st.integers(5, 60),
    st.integers(5, 200),
)
def test_pages_are_bounded_in_code_points_too(paragraphs, max_chars, max_codepoints):
    check_pages(paragraphs, max_chars, max_codepoints)


def test_a_run_of_latin_letters_cannot_make_a_huge_page():
    # One Latin run counts one 字: without a code point bound, all of it was one page.
    paragraph = "ab" * 400_000
    pages = paginate([paragraph], 3000)
    assert len(pages) == 89 and max(len(p.text) for p in pages) == 9000
    assert "".join(p.text for p in pages) == paragraph
    assert max(len(p.text) for p in paginate([paragraph], 3000, 1000)) == 1000


def test_cutting_a_huge_paragraph_without_sentence_ends_is_linear():
    # 2,000,000 字 and no 。: each cut used to count the whole rest of the paragraph again (quadratic: minutes).
    paragraph = "经济发展" * 500_000
    started = time.monotonic()
    pages = paginate([paragraph], 3000)
    assert time.monotonic() - started < 10
    assert len(pages) == 667 and all(p.chars == 3000 for p in pages[:-1])

"""An exact copy of a library page is 100% copied: the punctuation at the ends of a passage counts too (issue 12:
a copied page came out at 99.6%, its last 。 not counted)."""

from __future__ import annotations

import pytest

from wenku.checking.service import check_text
from wenku.library.models import Document, Page
from wenku.search import indexing
from wenku.text.counting import count_chars

YEARS = (2017, 2021, 2024)


@pytest.fixture
def library(reports_dir, db) -> list[Document]:
    from wenku.ingest.importer import ImportOptions, import_paths

    results = import_paths([reports_dir / f"{year}.txt" for year in YEARS], ImportOptions())
    assert [r.status for r in results] == ["imported"] * len(YEARS), results
    indexing.apply_pending()
    return [Document.objects.get(pk=r.id) for r in results]


def _pages(library: list[Document]) -> list[Page]:
    return list(Page.objects.filter(document__in=library).order_by("document_id", "number"))


def test_an_exact_copy_of_a_page_is_100_percent(library):
    page = _pages(library)[1]
    report = check_text(page.text)
    assert report.copied_chars == report.chars == count_chars(page.text)
    assert report.ratio == 1.0
    assert report.largest_share == 1.0
    assert report.sources[0].id == page.document_id


def test_a_copy_ending_with_a_full_stop_counts_the_full_stop(library):
    page = next(p for p in _pages(library) if p.number > 1 and p.text.rstrip().endswith("。"))
    text = page.text.rstrip()
    report = check_text(text)
    assert report.ratio == 1.0, (report.copied_chars, report.chars)
    last = max(report.sources[0].matches, key=lambda m: m.end)
    assert text[last.end - 1] == "。"


def test_a_copy_ending_with_a_closing_quote_counts_the_quote(library):
    """A page's text up to a closing ” (the passage a user selects ends there), and one starting at an opening “."""
    page = next(p for p in _pages(library) if p.number > 1 and "”" in p.text[200:])
    ending = page.text[: page.text.rindex("”") + 1]
    report = check_text(ending)
    assert report.ratio == 1.0, (report.copied_chars, report.chars, ending[-20:])
    assert max(m.end for m in report.sources[0].matches) == len(ending)
    starting = page.text[page.text.index("“") :]
    report = check_text(starting)
    assert report.ratio == 1.0, (report.copied_chars, report.chars, starting[:20])
    assert min(m.start for m in report.sources[0].matches) == 0


def test_punctuation_the_source_does_not_have_is_not_counted(library):
    """Only punctuation both texts share widens a passage: a ！ where the page has 。 stays uncounted."""
    page = next(p for p in _pages(library) if p.number > 1 and p.text.rstrip().endswith("。"))
    text = page.text.rstrip()[:-1] + "！"
    report = check_text(text)
    assert report.copied_chars == report.chars - 1
    assert max(m.end for m in report.sources[0].matches) == len(text) - 1

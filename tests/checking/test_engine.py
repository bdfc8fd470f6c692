"""The 查重 engine end to end on real reports: fingerprints in the index, copied passages found exactly."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from wenku.checking.registry import get_index
from wenku.checking.service import CheckError, CheckUnavailable, check_text
from wenku.library.models import Document
from wenku.search import indexing


@pytest.fixture
def library(reports_dir, db):
    from wenku.ingest.importer import ImportOptions, import_paths

    paths = [reports_dir / f"{year}.txt" for year in (1978, 1998, 2008, 2023, 2024)]
    results = import_paths(paths, ImportOptions(category="政府工作报告"))
    indexing.apply_pending()
    return {int(r.path[-8:-4]): Document.objects.get(pk=r.id) for r in results}


def passage(document: Document, page: int, length: int, paragraph: int = 1) -> str:
    text = document.pages.get(number=page).text.split("\n")[paragraph]
    return text[:length]


def letters(text: str) -> str:
    return re.sub(r"[\W_]", "", text)


HOST = (
    "今年春天，我们小组组织了三次集中学习，大家结合各自岗位谈了体会。老张说，过去总觉得文件离自己很远，"
    "这次逐段读下来，发现许多要求和日常工作紧密相关。小李提出，学习不能停留在抄笔记上，要把问题带进去。"
)


def test_a_copied_passage_is_found_with_its_source_page_and_offsets(library):
    copied = passage(library[2024], 3, 60)
    text = HOST + copied + HOST
    report = check_text(text)
    assert report.sources, "the copied passage was not found"
    source = report.sources[0]
    assert source.id == library[2024].pk
    match = source.matches[0]
    assert text[match.start : match.end] == copied
    assert copied in library[2024].pages.get(number=match.page).text
    assert library[2024].full_text()[match.source_start : match.source_end] == copied
    assert report.copied_chars == len(copied) and report.chars > len(copied)


def test_edits_that_do_not_change_the_words_still_match(library):
    copied = passage(library[2023], 2, 80)
    edited = copied.replace("，", ",").replace("。", "．")  # punctuation changed
    edited = edited.replace("国", "國").replace("发展", "發展")  # traditional characters
    edited = "".join(chr(ord(c) + 0xFEE0) if "0" <= c <= "9" else c for c in edited)  # full-width digits
    report = check_text(HOST + edited)
    assert [s.id for s in report.sources] == [library[2023].pk]
    match = report.sources[0].matches[0]
    found = (HOST + edited)[match.start : match.end]
    assert found in edited and letters(found) == letters(edited)  # punctuation at the edges is not a match


def test_runs_shorter_than_the_threshold_are_not_reported(library):
    copied = passage(library[2024], 3, 12)
    report = check_text(HOST + "。" + copied + "。" + HOST)
    assert report.copied_chars == 0 and not report.sources


def test_quotations_are_excluded_from_the_second_ratio(library):
    copied = passage(library[2024], 3, 40)
    report = check_text(HOST + "“" + copied + "”" + HOST)
    assert report.ratio > 0 and report.ratio_excluding_quotes == 0


def test_a_deleted_document_stops_being_a_source(library):
    copied = passage(library[1998], 2, 50)
    assert check_text(HOST + copied).sources
    library[1998].delete()
    indexing.apply_pending()
    assert not check_text(HOST + copied).sources


def test_reindex_rebuilds_the_fingerprint_index(library):
    copied = passage(library[2008], 2, 50)
    get_index().clear()
    with pytest.raises(CheckUnavailable, match="wenku reindex"):  # an empty index must not say "0% copied"
        check_text(HOST + copied)
    call_command("wenku_reindex")
    assert check_text(HOST + copied).sources[0].id == library[2008].pk


def test_bad_submissions_get_a_message(library, settings):
    with pytest.raises(CheckError, match="没有可查重的文字"):
        check_text("  。，\n")
    settings.WENKU_CHECK_MAX_CHARS = 1000
    with pytest.raises(CheckError, match="过长"):
        check_text("字" * 1001)

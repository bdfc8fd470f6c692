"""Query strings no request may take the site down with (issue 11): huge page numbers, dates at the end of the
calendar, digits int() refuses, NUL, and texts whose matches made snippets quadratic. On SQLite and PostgreSQL
(where the search runs inside PostgreSQL and NUL cannot be stored)."""

from __future__ import annotations

import time
from datetime import UTC

import pytest

from wenku.checking.models import NearDuplicate
from wenku.library.models import Document
from wenku.search import indexing
from wenku.search.service import MAX_DEPTH, search
from wenku.search.snippets import highlight, snippet
from wenku.web.params import clamped_int, date_param, jump_page, optional_id, page_number, unsafe_text

YEARS = (1978, 1998, 2008, 2023, 2024)


@pytest.fixture
def library(reports_dir, db):
    from wenku.ingest.importer import ImportOptions, import_paths

    results = import_paths([reports_dir / f"{year}.txt" for year in YEARS], ImportOptions(category="政府工作报告"))
    indexing.apply_pending()
    return {year: Document.objects.get(pk=r.id) for year, r in zip(YEARS, results, strict=True)}


# -- page numbers -------------------------------------------------------------------------------------------
def test_a_page_past_the_results_shows_the_last_page(library):
    everything = search("发展", size=1)
    assert everything.total == len(YEARS)
    for page in (len(YEARS), len(YEARS) + 1, 200_000_000, 10**18):
        results = search("发展", page=page, size=1)
        assert results.page == len(YEARS) and len(results.hits) == 1, page
    assert search("发展", page=200_000_000).page == 1


def test_results_go_max_depth_deep_at_most(library):
    results = search("发展", page=10**9, size=1)
    assert results.page <= MAX_DEPTH
    assert search("发展", size=1).page_count == len(YEARS)
    results.total = 10**9  # as if the library matched a billion documents: still MAX_DEPTH results at most
    assert results.page_count * results.size <= MAX_DEPTH


@pytest.mark.parametrize("page", ["200000000", "1" + "0" * 40, "-1", "1e9", "²", "١٢", "0", "", "abc"])
def test_the_search_page_takes_any_page_number(client, library, page):
    response = client.get("/search/", {"q": "发展", "page": page})
    assert response.status_code == 200 and "找到 <b>5</b>" in response.content.decode()


@pytest.mark.parametrize("raw", ["²", "١٢", "第 2 页", "9" * 40, "-1", ""])
def test_the_jump_form_lands_on_a_real_page(client, library, raw):
    report = library[2024]
    response = client.get(report.get_absolute_url(), {"page": raw})
    assert response.status_code == 302
    landed = response["Location"]
    assert landed in {report.get_absolute_url(), report.page_url(2), report.page_url(report.page_count)}, landed


def test_the_api_clamps_the_page_and_says_which_it_answered(client, library):
    body = client.get("/api/search", {"q": "发展", "page": 200_000_000, "size": 2}).json()
    assert body["total"] == 5 and body["page"] == body["pages"] == 3 and len(body["hits"]) == 1
    assert client.get("/api/search", {"q": "发展", "page": 10**30}).status_code == 422
    assert client.get("/api/search", {"q": "发展", "size": 51}).status_code == 422


def test_numbers_are_clamped_in_one_place():
    assert clamped_int("²", 7, 1, 10) == 7 and clamped_int("١٢", 7, 1, 10) == 7  # str.isdigit() says yes
    assert clamped_int(" 12 ", None, 1, 10) == 10 and clamped_int("0", None, 1, 10) == 1
    assert clamped_int("9" * 5000, None, 1, 10) == 10
    assert page_number("200000000", last=3) == 3 and page_number("-2") == 1 and page_number(None) == 1
    assert optional_id("12") == 12 and optional_id("0") is None and optional_id("9" * 40) is None
    assert jump_page("第 12 页", 5) == 5 and jump_page("²", 5) == 1 and jump_page("3", 5) == 3


# -- dates --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "dates",
    [
        {"to": "9999-12-31"},
        {"from": "9999-12-31", "to": "0001-01-01"},
        {"from": "0001-01-01"},
        {"from": "0000-00-00", "to": "2024-02-30"},
        {"from": "２０２４-01-01"},
    ],
)
def test_any_date_filter_answers(client, library, dates):
    response = client.get("/search/", {"q": "发展", **dates})
    assert response.status_code == 200


def test_the_last_day_of_the_calendar_means_no_end():
    assert date_param("9999-12-31", UTC, next_day=True) is None
    assert date_param("9999-12-31", UTC).year == 9999
    assert date_param("2024-02-29", UTC, next_day=True).day == 1
    assert date_param("2024-13-01", UTC) is None and date_param("\x001", UTC) is None


def test_an_end_date_of_9999_keeps_every_document(library):
    from django.utils import timezone

    from wenku.search.backends.base import Filters

    tz = timezone.get_current_timezone()
    filters = Filters(created_from=date_param("0001-01-01", tz), created_to=date_param("9999-12-31", tz, True))
    assert search("发展", filters=filters).total == len(YEARS)


# -- strings no database stores -----------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["q", "category", "format", "from", "to", "sort", "page"])
def test_nul_in_any_search_parameter_is_refused_with_a_message(client, library, name):
    params = {"q": "发展", name: ("发展" if name == "q" else "1") + "\x00"}
    response = client.get("/search/", params)
    assert response.status_code == 400 and "NUL" in response.content.decode()
    api = client.get("/api/search", params)
    assert api.status_code == 400 and "NUL" in api.json()["detail"]


def test_nul_on_a_reading_page_is_refused_with_a_message(client, library):
    report = library[2024]
    for params in ({"hl": "\x00发展"}, {"page": "2\x00"}, {"\x00": "1"}):
        response = client.get(f"/d/{report.pk}/", params)
        assert response.status_code == 400 and "NUL" in response.content.decode(), params


def test_bytes_that_are_not_utf8_are_shown_replaced_not_refused(client, library):
    # %ED%A0%80 would be a lone surrogate; Django decodes it as U+FFFD, which search treats as punctuation.
    assert client.get("/search/?q=%ED%A0%80%E5%8F%91%E5%B1%95").status_code == 200
    assert unsafe_text("a\ud800b") and unsafe_text("\x00") and not unsafe_text("发展\ufffd")


def test_a_query_with_control_characters_is_recorded_without_them(library):
    from wenku.search.models import QueryStat
    from wenku.search.service import record_query

    record_query("发展\x00改革\ud800", 3)  # the CLI and API callers may hand anything over
    assert QueryStat.objects.get().query == "发展 改革?"


# -- linear snippets ----------------------------------------------------------------------------------------
def test_snippets_of_pages_with_many_matches_are_fast():
    text = "a，" * 40_000  # 40,000 matches of "a" (the word a: not the a of "abab…", which search does not find)
    started = time.monotonic()
    marked = snippet(text, ["长串测试", "a"])
    assert time.monotonic() - started < 2.0  # it took 26 s when each match counted all later ones
    assert marked.startswith("<mark>a</mark>，") and marked.count("<mark>") == 60
    assert snippet("ab" * 40_000, ["a"]).count("<mark>") == 0
    text = "经济发展" * 50_000
    started = time.monotonic()
    whole = highlight(text, ["经济", "发展", "济发"])
    assert time.monotonic() - started < 2.0
    assert whole == "<mark>" + text + "</mark>"  # touching matches merge into one


def test_the_snippet_window_is_the_densest_cluster():
    text = "发展" + "。" * 500 + "改革，改革，改革" + "。" * 500
    marked = snippet(text, ["改革", "发展"], width=40)
    assert marked.count("<mark>改革</mark>") == 3 and "发展" not in marked and marked.startswith("…")


# -- near-duplicates in results -----------------------------------------------------------------------------
def test_a_copy_is_folded_only_under_an_original_that_is_shown(client, library):
    original, copy = library[2023], library[2024]
    NearDuplicate.objects.create(document=copy, original=original, share=0.9)
    only_in_copy = "新质生产力"  # the 2024 report's phrase, not in 2023's
    assert [h.document.pk for h in search(only_in_copy).hits] == [copy.pk]
    html = client.get("/search/", {"q": only_in_copy}).content.decode()
    assert copy.get_absolute_url() in html and "相似文档已合并" not in html
    html = client.get("/search/", {"q": "政府工作报告"}).content.decode()  # both match: the copy folds away
    assert "1 个相似文档" in html and "本页 1 篇相似文档已合并" in html


def test_a_copy_of_a_folded_copy_stays_a_result(library):
    from wenku.checking.duplicates import similar_counts

    a, b, c = library[2008], library[2023], library[2024]
    NearDuplicate.objects.create(document=b, original=a, share=0.9)
    NearDuplicate.objects.create(document=c, original=b, share=0.9)
    folded, copies = similar_counts([a.pk, b.pk, c.pk], None)
    assert folded == {b.pk} and [d.pk for d in copies[a.pk]] == [b.pk]
    assert similar_counts([b.pk, c.pk], None)[0] == {c.pk}
    assert similar_counts([c.pk], None)[0] == set()


@pytest.mark.parametrize("page", ["²", "9" * 5000, "200000000", "0", "-1"])
def test_document_lists_answer_404_for_a_page_that_is_not_there(client, library, page):
    for url in ("/documents/", "/popular/"):
        assert client.get(url, {"page": page}).status_code == 404
    assert client.get("/documents/", {"page": "1"}).status_code == 200

"""From a search result to the reading page in a real Chromium: the page opens scrolled to the first highlighted
match, and the bar's 下一处 / 上一处 (and the keys n / N) step through the matches of the page, on a desktop and on
a phone."""

from __future__ import annotations

import re

import pytest

from tests.test_browser import ARTIFACTS, DESKTOP, PHONE, REPORTS, chromium, no_horizontal_scroll
from wenku.library.models import Document

pytestmark = pytest.mark.browser

# Words of the 2024 report; the test takes one whose first match on the page a result opens is well below the top.
CANDIDATES = ("粮食", "就业", "消费", "养老", "生态", "医疗", "教育", "农村", "债务", "科技", "住房", "开放")
BELOW_THE_FOLD = 1500  # characters into the page: more than a desktop screen shows under the page's header


@pytest.fixture
def report(transactional_db) -> Document:
    from wenku.ingest.importer import ImportOptions, import_paths
    from wenku.search import indexing

    results = import_paths([REPORTS / "2024.txt"], ImportOptions())
    assert [r.status for r in results] == ["imported"], results
    indexing.apply_pending()
    return Document.objects.get(pk=results[0].id)


def a_word_matched_far_down(report: Document) -> tuple[str, int, int]:
    """(word, page the search result opens, matches on that page) for a word first matched far down its page."""
    from wenku.search.service import search

    for word in CANDIDATES:
        hit = next(h for h in search(word).hits if h.document.pk == report.pk)
        text = report.pages.get(number=hit.page).text
        if text.find(word) > BELOW_THE_FOLD and text.count(word) >= 3:
            return word, hit.page, text.count(word)
    raise AssertionError("no candidate word is matched far down its page")


def in_viewport(locator) -> bool:
    return locator.evaluate(
        "el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight; }"
    )


def test_a_search_result_opens_at_its_first_match_and_steps_through_the_others(live_server, report):
    from playwright.sync_api import expect

    word, number, count = a_word_matched_far_down(report)
    with chromium() as browser:
        for context_options in (DESKTOP, PHONE):
            context = browser.new_context(**context_options)
            page = context.new_page()
            page.goto(f"{live_server.url}/search/?q={word}")
            page.locator(".result", has_text=report.title).first.locator("a.doc-title").click()
            page.wait_for_url(re.compile(r"\?hl="))
            page.wait_for_load_state("networkidle")
            assert f"(第{number}/{report.page_count}页)" in page.inner_text("h1")
            marks = page.locator(".reader-body mark")
            assert marks.count() == count
            first = marks.nth(0)
            top = first.evaluate("el => el.getBoundingClientRect().top + window.scrollY")
            assert top > page.evaluate("window.innerHeight"), "the first match is below the first screen"

            # Opened at the first match: scrolled to it, marked as the current one, and counted in the bar.
            bar = page.locator("[data-hit-nav]")
            expect(bar).to_be_visible()
            expect(bar.locator("[data-hit-count]")).to_have_text(f"第 1 / {count} 处")
            expect(first).to_have_class(re.compile(r"\bcurrent\b"))
            assert page.evaluate("window.scrollY") > 0
            assert in_viewport(first)
            assert in_viewport(bar) and no_horizontal_scroll(page)
            ARTIFACTS.mkdir(exist_ok=True)
            name = "phone" if context_options is PHONE else "desktop"
            page.screenshot(path=str(ARTIFACTS / f"search-hit-nav-{name}.png"))

            # 下一处 moves to the second match.
            bar.get_by_role("button", name="下一处匹配").click()
            second = marks.nth(1)
            expect(second).to_have_class(re.compile(r"\bcurrent\b"))
            expect(first).not_to_have_class(re.compile(r"\bcurrent\b"))
            expect(bar.locator("[data-hit-count]")).to_have_text(f"第 2 / {count} 处")
            page.wait_for_function(
                "() => { const r = document.querySelectorAll('.reader-body mark')[1].getBoundingClientRect();"
                " return r.top >= 0 && r.bottom <= window.innerHeight; }"
            )

            # 上一处 from the first wraps round to the last; the keys n and N step too.
            bar.get_by_role("button", name="上一处匹配").click()
            expect(bar.locator("[data-hit-count]")).to_have_text(f"第 1 / {count} 处")
            bar.get_by_role("button", name="上一处匹配").click()
            expect(bar.locator("[data-hit-count]")).to_have_text(f"第 {count} / {count} 处")
            expect(marks.nth(count - 1)).to_have_class(re.compile(r"\bcurrent\b"))
            page.locator("body").press("n")
            expect(bar.locator("[data-hit-count]")).to_have_text(f"第 1 / {count} 处")
            page.locator("body").press("Shift+N")
            expect(bar.locator("[data-hit-count]")).to_have_text(f"第 {count} / {count} 处")

            # × leaves the marks: the same page without them, and without the bar.
            bar.get_by_role("link", name="取消高亮").click()
            page.wait_for_url(re.compile(rf"/d/{report.pk}/(\d+/)?$"))
            expect(page.locator(".reader-body mark")).to_have_count(0)
            expect(page.locator("[data-hit-nav]")).to_have_count(0)
            context.close()


def test_the_plain_reading_page_has_no_bar(live_server, report):
    from playwright.sync_api import expect

    with chromium() as browser:
        page = browser.new_page(**DESKTOP)
        page.goto(f"{live_server.url}/d/{report.pk}/")
        expect(page.locator(".reader-body p").first).to_be_visible()
        expect(page.locator("[data-hit-nav]")).to_have_count(0)
        assert page.evaluate("window.scrollY") == 0
        # A query matching nothing on the page: marks none, and the bar stays hidden.
        page.goto(f"{live_server.url}/d/{report.pk}/?hl=不存在的词语组合")
        expect(page.locator(".reader-body mark")).to_have_count(0)
        expect(page.locator("[data-hit-nav]")).to_be_hidden()

"""The website in a real Chromium: home → document → pages via the pagination bar and the jump form → styled 404.

Screenshots of the home and reading pages at desktop and phone sizes go to test-artifacts/ (gitignored) on every
run. With WENKU_UPDATE_SCREENSHOTS=1 the run also rewrites the README screenshots in docs/screenshots/; without
it the tracked files are left alone (the pages show today's date, so every run would change them).

Playwright's sync API keeps an asyncio loop running in this thread while the browser is open, and Django refuses
ORM calls from such a thread, so the database is read before the browser starts and checked after it closes.
"""

from __future__ import annotations

import math
import os
import re
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import REPO, require
from wenku.library.models import Document

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPORTS = REPO / "wenku" / "sample_library" / "gov_work_reports"
YEARS = (1954, 1978, 1998, 2008, 2018, 2023, 2025, 2024)  # imported in this order: 2024 is the newest document
SEEDED_VIEWS = {1954: 87, 1978: 152, 1998: 64, 2008: 210, 2018: 398, 2023: 1203, 2025: 2476, 2024: 1835}
ARTIFACTS = REPO / "test-artifacts"
SCREENSHOTS = REPO / "docs" / "screenshots"
UPDATE_SCREENSHOTS = os.environ.get("WENKU_UPDATE_SCREENSHOTS") == "1"
MAX_PNG_BYTES = 400 * 1024

DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    # Another agent: without a cookie yet, a reader is known by address and agent, and both are on 127.0.0.1.
    "user_agent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36",
}


@pytest.fixture
def library(transactional_db) -> dict[int, Document]:
    """Several real reports, with view counts so that 最多阅读 differs from 最新文档."""
    from wenku.ingest.importer import ImportOptions
    from wenku.jobs import pipeline

    files = [REPORTS / f"{year}.txt" for year in YEARS]
    results = pipeline.import_files(files, ImportOptions(category="政府工作报告")).results  # indexed, as `wenku import`
    assert [r.status for r in results] == ["imported"] * len(YEARS), results
    documents = {}
    for year, result in zip(YEARS, results, strict=True):
        Document.objects.filter(pk=result.id).update(views=SEEDED_VIEWS[year])
        documents[year] = Document.objects.get(pk=result.id)
    return documents


@contextmanager
def chromium():
    require(CHROMIUM.exists(), f"Chromium is not at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def settle(page) -> None:
    """Wait until the stylesheet and the CJK fonts are in, so screenshots show the real typography."""
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready.then(() => true)")


def shoot(page, name: str, *, readme: bool = False) -> None:
    """Save a viewport-sized screenshot into test-artifacts/ (and docs/screenshots/ when asked to update it)."""
    settle(page)
    ARTIFACTS.mkdir(exist_ok=True)
    targets = [ARTIFACTS / f"{name}.png"]
    if readme and UPDATE_SCREENSHOTS:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        targets.append(SCREENSHOTS / f"{name}.png")
    png = page.screenshot(full_page=False)
    assert len(png) < MAX_PNG_BYTES, f"{name}.png is {len(png)} bytes"
    for target in targets:
        target.write_bytes(png)


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_reading_a_document_in_chromium(live_server, library):
    from playwright.sync_api import expect

    document = library[2024]
    pages, chars, views = document.page_count, document.chars, document.views
    assert pages >= 4, "the walk below needs a document of several pages"
    minutes = math.ceil(chars / 300)
    read_url = f"{live_server.url}/d/{document.pk}/"
    titles = [d.title for d in library.values()]

    with chromium() as browser:
        desktop = browser.new_context(**DESKTOP)
        page = desktop.new_page()

        # Home: both lists and the category have content; the newest document comes first.
        response = page.goto(f"{live_server.url}/")
        assert response.status == 200
        newest = page.locator("section").nth(0)
        expect(newest.locator(".doc-title")).to_have_count(len(YEARS))
        expect(newest.locator(".doc-title").first).to_have_text(document.title)
        most_read = page.locator("section").nth(1)
        expect(most_read.locator(".doc-title").first).to_have_text(library[2025].title)
        expect(page.locator(".categories")).to_contain_text("政府工作报告")
        for title in titles:
            expect(newest.get_by_role("link", name=title, exact=True)).to_be_visible()
        shoot(page, "home-desktop", readme=True)

        # Open the document from the list.
        newest.get_by_role("link", name=document.title, exact=True).click()
        expect(page).to_have_url(read_url)
        expect(page).to_have_title(f"{document.title}(第1/{pages}页) - 文库")
        expect(page.locator("h1.doc-heading")).to_have_text(f"{document.title}(第1/{pages}页)")
        expect(page.locator(".doc-info .counts")).to_have_text(f"共计{chars}个字,预计阅读时长{minutes}分钟")
        expect(page.locator("[data-views]")).to_have_text(str(views + 1))  # this visit counted
        expect(page.locator(".page-bar .current")).to_have_text("1")
        expect(page.locator(".reader-body p").first).to_be_visible()
        assert no_horizontal_scroll(page)
        shoot(page, "reading-desktop", readme=True)
        bar = page.locator("nav.page-bar")
        bar.scroll_into_view_if_needed()
        shoot(page, "reading-desktop-bar")

        # Next page through the pagination bar.
        bar.get_by_role("link", name="下一页", exact=True).click()
        expect(page).to_have_url(f"{live_server.url}/d/{document.pk}/2/")
        expect(page.locator("h1.doc-heading")).to_have_text(f"{document.title}(第2/{pages}页)")
        expect(page).to_have_title(re.compile(re.escape(f"(第2/{pages}页)")))
        expect(page.locator(".page-bar .current")).to_have_text("2")
        expect(page.locator("[data-views]")).to_have_text(str(views + 1))  # same reader, same day: no recount

        # And back.
        bar.get_by_role("link", name="上一页", exact=True).click()
        expect(page).to_have_url(read_url)
        expect(page.locator("h1.doc-heading")).to_have_text(f"{document.title}(第1/{pages}页)")
        expect(bar.locator("span.disabled", has_text="上一页")).to_be_visible()

        # The jump-to-page form, by button and by Enter.
        jump = bar.locator("form.jump")
        jump.locator("input[name=page]").fill("3")
        jump.get_by_role("button", name="跳转").click()
        expect(page).to_have_url(f"{live_server.url}/d/{document.pk}/3/")
        expect(page.locator("h1.doc-heading")).to_have_text(f"{document.title}(第3/{pages}页)")
        number = jump.locator("input[name=page]")
        number.fill("999")  # past the end: the browser's own validation keeps the form (the server would clamp)
        number.press("Enter")
        assert number.evaluate("input => input.validity.rangeOverflow")
        expect(page).to_have_url(f"{live_server.url}/d/{document.pk}/3/")
        number.fill(str(pages))
        number.press("Enter")
        expect(page).to_have_url(f"{live_server.url}/d/{document.pk}/{pages}/")
        expect(page.locator("h1.doc-heading")).to_have_text(f"{document.title}(第{pages}/{pages}页)")
        expect(bar.locator("span.disabled", has_text="下一页")).to_be_visible()

        # A page number past the end is the site's own 404, with the site's stylesheet and header.
        response = page.goto(f"{read_url}{pages + 1}/")
        assert response.status == 404
        expect(page).to_have_title(re.compile("页面不存在"))
        expect(page.locator(".error-page")).to_contain_text("没有找到这个页面")
        expect(page.locator(".site-header .brand")).to_be_visible()
        accent = page.locator(".error-page h1").evaluate("h => getComputedStyle(h).color")
        assert accent == "rgb(180, 35, 42)", "the 404 page is not styled by site.css"
        page.get_by_role("link", name="返回首页").click()
        expect(page).to_have_url(f"{live_server.url}/")
        desktop.close()

        # The phone: same pages, nothing wider than the screen, a pagination bar that fits and can be tapped.
        phone = browser.new_context(**PHONE)
        page = phone.new_page()
        page.goto(f"{live_server.url}/")
        assert no_horizontal_scroll(page)
        shoot(page, "home-phone")
        page.goto(read_url)
        expect(page.locator("h1.doc-heading")).to_contain_text(f"(第1/{pages}页)")
        expect(page.locator("[data-views]")).to_have_text(str(views + 2))  # a second reader
        assert no_horizontal_scroll(page)
        shoot(page, "reading-phone", readme=True)
        bar = page.locator("nav.page-bar")
        bar.scroll_into_view_if_needed()
        shoot(page, "reading-phone-bar")
        width = page.viewport_size["width"]
        for target in bar.locator("a, button, input").all():
            if not target.is_visible():
                continue
            box = target.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, target.inner_text()
            assert box["height"] >= 40, f"{target.inner_text()!r} is a small tap target ({box['height']}px)"
        bar.get_by_role("link", name="下一页", exact=True).tap()
        expect(page).to_have_url(f"{live_server.url}/d/{document.pk}/2/")
        assert no_horizontal_scroll(page)
        phone.close()

    # Back in plain Django: two contexts are two visitors, each counted once.
    document.refresh_from_db()
    assert document.views == views + 2


def test_search_then_open_a_result_with_the_terms_marked(live_server, library):
    report = library[2024]
    phrase = "新质生产力"
    expected_page = next(p.number for p in report.pages.order_by("number") if phrase in p.text)
    with chromium() as browser:
        page = browser.new_page(**DESKTOP)
        page.goto(live_server.url + "/")
        page.fill(".header-search input[name=q]", phrase)
        page.press(".header-search input[name=q]", "Enter")
        page.wait_for_url(re.compile(r"/search/\?q="))
        assert "找到" in page.inner_text(".search-total")
        result = page.locator(".result", has_text=report.title).first
        assert result.locator("mark").first.inner_text() == phrase
        result.locator("a.doc-title").click()
        page.wait_for_load_state()
        assert f"(第{expected_page}/{report.page_count}页)" in page.inner_text("h1")
        marks = page.locator(".reader-body mark")
        assert marks.count() >= 1 and marks.first.inner_text() == phrase
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "search-result-page.png"))


def test_the_qr_code_on_a_page_decodes_to_its_url(live_server, library, tmp_path):
    import shutil
    import subprocess

    require(shutil.which("zbarimg") is not None, "zbarimg is missing (apt-get install zbar-tools)")
    report = library[2024]
    url = f"{live_server.url}/d/{report.pk}/3/"
    with chromium() as browser:
        page = browser.new_page(**DESKTOP)
        page.goto(url)
        qr = page.locator("img.share-qr")
        qr.scroll_into_view_if_needed()
        page.wait_for_function("document.querySelector('img.share-qr').naturalWidth > 0")
        qr.screenshot(path=str(tmp_path / "qr.png"))
    decoded = subprocess.run(
        ["zbarimg", "--raw", "-q", str(tmp_path / "qr.png")], capture_output=True, text=True, timeout=30
    )
    assert decoded.stdout.strip() == url

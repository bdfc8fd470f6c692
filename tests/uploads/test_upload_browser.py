"""The upload page in a real Chromium: with JavaScript (XMLHttpRequest, a progress bar, results put in place) and
without (a plain form POST and the whole page back). Screenshots go to test-artifacts/.

As in tests/test_browser.py, the database is prepared before the browser starts and checked after it closes.
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests import samples
from tests.conftest import REPO
from tests.test_browser import DESKTOP, PHONE, chromium, no_horizontal_scroll, settle
from wenku.library.models import Document, Status

pytestmark = pytest.mark.browser
ARTIFACTS = REPO / "test-artifacts"


def logged_in_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


@pytest.fixture
def session_cookie(transactional_db, django_user_model):
    return logged_in_cookie(django_user_model.objects.create_user("uploader", password="a-long-enough-password-1"))


@pytest.fixture
def staff_cookie(transactional_db, django_user_model):
    staff = django_user_model.objects.create_user("editor", password="a-long-enough-password-1", is_staff=True)
    return logged_in_cookie(staff)


@pytest.fixture
def files(reports_dir, tmp_path):
    r2024, r2023 = samples.report(reports_dir, 2024), samples.report(reports_dir, 2023)
    docx = samples.write_docx(tmp_path / "报告.docx", r2024, paragraphs=30)
    text = samples.write_text(tmp_path / "国标.txt", [r2023.title, *r2023.body(count=20)], "gb18030")
    big = tmp_path / "超大.txt"
    big.write_bytes("正文。\n".encode() * 150_000)  # over the 1 MB limit of these tests
    odd = tmp_path / "表格.xlsx"
    odd.write_bytes(b"PK\x03\x04not really")
    return {"docx": docx, "text": text, "big": big, "odd": odd}


def browser_context(browser, live_server, cookie, **options):
    context = browser.new_context(**options)
    context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])
    return context


def shoot(page, name: str) -> None:
    settle(page)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"{name}.png").write_bytes(page.screenshot(full_page=True))


def test_uploading_with_the_progress_bar(live_server, session_cookie, staff_cookie, files, settings):
    from playwright.sync_api import expect

    settings.WENKU_MAX_FILE_MB = 1
    with chromium() as browser:
        page = browser_context(browser, live_server, session_cookie, **DESKTOP).new_page()
        page.goto(f"{live_server.url}/upload/")
        expect(page.locator("h1")).to_contain_text("上传文档")
        shoot(page, "upload-desktop")
        # Remember the highest value the progress bar shows, and mark the page: a reload would lose the mark.
        page.evaluate(
            """() => {
              window.stayedOnPage = true; window.progressSeen = 0;
              const bar = document.getElementById("upload-progress");
              new MutationObserver(() => { window.progressSeen = Math.max(window.progressSeen, +bar.value || 0); })
                .observe(bar, {attributes: true});
            }"""
        )
        page.locator("input[type=file]").set_input_files(
            [str(files[k].path if hasattr(files[k], "path") else files[k]) for k in ("docx", "big", "text", "odd")]
        )
        page.get_by_label("私有").check()
        page.get_by_label("或新建分类").fill("浏览器上传")
        page.get_by_role("button", name="上传").click()
        lines = page.locator("#upload-results .result-line")
        expect(lines).to_have_count(4, timeout=30_000)
        expect(lines.nth(0)).to_contain_text("报告.docx 已导入")
        expect(lines.nth(0)).to_contain_text("待审核")
        expect(lines.nth(1)).to_contain_text("超大.txt 失败 文件太大（上限 1 MB）")
        expect(lines.nth(2)).to_contain_text("国标.txt 已导入")
        expect(lines.nth(3)).to_contain_text("表格.xlsx 失败 不支持 .xlsx 格式的文件")
        expect(page.locator("#upload-results")).to_contain_text("正在等待审核")
        assert page.evaluate("window.stayedOnPage") is True
        assert page.evaluate("window.progressSeen") == 100
        expect(page.locator("#upload-progress")).to_be_hidden()
        expect(page.get_by_role("button", name="上传")).to_be_enabled()
        assert no_horizontal_scroll(page)
        shoot(page, "upload-results-desktop")
        page.locator("#upload-results .result-line a").first.click()
        expect(page.locator(".doc-actions")).to_contain_text("待审核")
        expect(page.locator(".doc-actions")).to_contain_text("私有")
        shoot(page, "upload-reading-owner")

        staff = browser_context(browser, live_server, staff_cookie, **DESKTOP).new_page()
        staff.goto(f"{live_server.url}/moderation/")
        expect(staff.locator(".moderation-queue .doc-card")).to_have_count(2)
        shoot(staff, "moderation-desktop")

        phone = browser_context(browser, live_server, session_cookie, **PHONE).new_page()
        phone.goto(f"{live_server.url}/upload/")
        assert no_horizontal_scroll(phone)
        shoot(phone, "upload-phone")
        phone.goto(f"{live_server.url}/my/documents/")
        assert no_horizontal_scroll(phone)
        shoot(phone, "my-documents-phone")

    documents = {d.original_name: d for d in Document.objects.select_related("category")}
    assert set(documents) == {"报告.docx", "国标.txt"}
    assert {d.status for d in documents.values()} == {Status.PENDING}
    assert {d.category.name for d in documents.values()} == {"浏览器上传"}


def test_uploading_without_javascript(live_server, session_cookie, files):
    from playwright.sync_api import expect

    with chromium() as browser:
        context = browser_context(browser, live_server, session_cookie, java_script_enabled=False, **DESKTOP)
        page = context.new_page()
        page.goto(f"{live_server.url}/upload/")
        page.locator("input[type=file]").set_input_files([str(files["docx"].path), str(files["odd"])])
        page.get_by_label("标题").fill("无脚本上传")
        page.get_by_role("button", name="上传").click()
        lines = page.locator("#upload-results .result-line")
        expect(lines).to_have_count(2)
        expect(lines.nth(0)).to_contain_text("报告.docx 已导入")
        expect(lines.nth(1)).to_contain_text("表格.xlsx 失败")
        expect(page).to_have_url(f"{live_server.url}/upload/")
    assert list(Document.objects.values_list("title", flat=True)) == [samples_title(files)]


def samples_title(files) -> str:
    """Two files were sent, so the title field does not apply: the document keeps its own title."""
    return files["docx"].title

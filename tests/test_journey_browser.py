"""The people around the reference page, end to end in a real Chromium: register → log in with 记住我 → favorite
→ see it in 我的收藏 → read to page 3 → leave → come back to "继续阅读 第3页" → upload a document → staff approve it
→ it appears in the lists.

As in tests/test_browser.py, the database is written before the browser starts and read after it closes.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from tests.test_browser import DESKTOP, chromium
from wenku.library.models import Document, Status

pytestmark = pytest.mark.browser
PASSWORD = "学习心得-2023-long"
UPLOAD_TITLE = "镇党委书记参加主题教育座谈会发言材料"


@pytest.fixture
def site(transactional_db, reports_dir, tmp_path):
    from wenku.ingest.importer import ImportOptions, import_paths

    (result,) = import_paths([reports_dir / "2024.txt"], ImportOptions(category="政府工作报告"))
    get_user_model().objects.create_user("boss", password=PASSWORD, is_staff=True)
    upload = tmp_path / "发言材料.txt"
    body = "主题教育活动目的是让我们贯彻党的重要精神的举措，是激励我们共产党人不断前进的根本动力。\n一、原因分析"
    upload.write_bytes(f"{UPLOAD_TITLE}\n{body}\n".encode("gb18030"))
    return Document.objects.get(pk=result.id), upload


def log_in(page, base: str, username: str, remember: bool) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    if remember:
        page.check("input[name=remember_me]")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()


def test_a_reader_and_an_uploader_from_start_to_finish(live_server, site):
    from playwright.sync_api import expect

    document, upload = site
    base = live_server.url
    with chromium() as browser:
        reader = browser.new_context(**DESKTOP, locale="zh-CN").new_page()
        reader.goto(f"{base}/accounts/register/")
        reader.fill("input[name=username]", "xuexi")
        reader.fill("input[name=password1]", PASSWORD)
        reader.fill("input[name=password2]", PASSWORD)
        reader.locator("form button[type=submit]").last.click()
        expect(reader.locator(".user-nav")).to_contain_text("xuexi")
        reader.locator(".user-nav button", has_text="退出").click()
        expect(reader.locator(".user-nav")).to_contain_text("登录")

        log_in(reader, base, "xuexi", remember=True)
        session = next(c for c in reader.context.cookies() if c["name"] == "sessionid")
        assert session["expires"] > 0  # 记住我: the cookie outlives the browser

        reader.goto(f"{base}/d/{document.pk}/")
        reader.locator(".favorite-button").click()
        expect(reader.locator(".favorite-button")).to_contain_text("已收藏")
        reader.goto(f"{base}/accounts/favorites/")
        expect(reader.locator("main")).to_contain_text(document.title)

        reader.goto(f"{base}/d/{document.pk}/")
        for number in (2, 3):
            reader.locator(".page-bar a.next").click()
            expect(reader).to_have_url(f"{base}/d/{document.pk}/{number}/")
        reader.goto(f"{base}/")  # leave
        reader.goto(f"{base}/d/{document.pk}/")  # come back
        expect(reader.locator(".resume-link")).to_have_text("继续阅读 第3页")
        reader.locator(".resume-link").click()
        expect(reader).to_have_url(f"{base}/d/{document.pk}/3/")

        reader.goto(f"{base}/upload/")
        reader.set_input_files("input[name=files]", str(upload))
        reader.locator("input[name=visibility][value=public]").check()
        reader.locator("form button[type=submit]", has_text="上传").click()
        line = reader.locator(".upload-results li").first
        expect(line).to_contain_text("已导入", timeout=30_000)
        expect(line).to_contain_text("待审核")

        anonymous = browser.new_context(**DESKTOP).new_page()
        anonymous.goto(f"{base}/documents/")
        expect(anonymous.locator("main")).not_to_contain_text(UPLOAD_TITLE)

        staff = browser.new_context(**DESKTOP).new_page()
        log_in(staff, base, "boss", remember=False)
        staff.goto(f"{base}/moderation/")
        item = staff.locator("li, tr, article", has_text=UPLOAD_TITLE).last
        item.locator("button", has_text="通过").click()
        staff.wait_for_load_state()

        anonymous.goto(f"{base}/documents/")
        expect(anonymous.locator("main")).to_contain_text(UPLOAD_TITLE)
        anonymous.locator("a", has_text=re.compile(UPLOAD_TITLE)).first.click()
        expect(anonymous.locator("h1")).to_contain_text(UPLOAD_TITLE)
    uploaded = Document.objects.get(title=UPLOAD_TITLE)
    assert uploaded.status == Status.PUBLISHED and uploaded.uploader.username == "xuexi"

"""In a real Chromium: log in from a reading page's 加入收藏, come back, and (un)favorite without leaving the page.

Screenshots of the login page and of a reading page with its actions go to test-artifacts/. As in
tests/test_browser.py, the database is written before the browser starts and read after it closes.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from tests.accounts.conftest import PASSWORD
from tests.test_browser import DESKTOP, PHONE, chromium, no_horizontal_scroll, shoot
from wenku.accounts.models import Favorite, ReadingPosition
from wenku.library.models import Document

pytestmark = pytest.mark.browser


@pytest.fixture
def setup(transactional_db, reports_dir):
    from wenku.ingest.importer import ImportOptions, import_paths

    results = import_paths([reports_dir / "2024.txt"], ImportOptions(category="政府工作报告"))
    fan = get_user_model().objects.create_user("fan", password=PASSWORD)
    Favorite.objects.create(user=fan, document_id=results[0].id)
    get_user_model().objects.create_user("alice", password=PASSWORD)
    return Document.objects.get(pk=results[0].id)


def test_favoriting_in_chromium(live_server, setup):
    from playwright.sync_api import expect

    document = setup
    read_url = f"{live_server.url}/d/{document.pk}/"
    with chromium() as browser:
        page = browser.new_context(**DESKTOP, locale="zh-CN").new_page()
        page.goto(f"{read_url}3/")
        anonymous_button = page.locator("a.favorite-button")
        expect(anonymous_button).to_have_text("☆ 加入收藏 1")
        anonymous_button.click()
        expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/d/{document.pk}/3/")
        shoot(page, "login-desktop")
        page.get_by_label("用户名").fill("alice")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_label("记住我（30 天内免登录）").check()
        page.get_by_role("button", name="登录").click()
        expect(page).to_have_url(f"{read_url}3/")
        remember = next(c for c in page.context.cookies() if c["name"] == "sessionid")
        assert remember["expires"] > 0  # kept across browser restarts

        button = page.locator(".favorite-button")
        expect(button).to_have_text("☆ 加入收藏 1")
        page.evaluate("window.stillHere = true")  # gone if the click reloaded the page
        button.click()
        expect(button).to_have_text("★ 已收藏 2")
        expect(button).to_have_attribute("aria-pressed", "true")
        button.click()
        expect(button).to_have_text("☆ 加入收藏 1")
        button.click()
        expect(button).to_have_text("★ 已收藏 2")
        assert page.evaluate("window.stillHere === true")

        page.goto(read_url)
        expect(page.locator(".resume-link")).to_have_text("继续阅读 第3页")
        shoot(page, "reading-actions-desktop")

        phone = browser.new_context(**PHONE, locale="zh-CN").new_page()
        phone.goto(f"{live_server.url}/accounts/login/")
        assert no_horizontal_scroll(phone)
        shoot(phone, "login-phone")
        phone.get_by_label("用户名").fill("alice")
        phone.get_by_label("密码").fill(PASSWORD)
        phone.get_by_role("button", name="登录").click()
        expect(phone).to_have_url(f"{live_server.url}/accounts/me/")
        session = next(c for c in phone.context.cookies() if c["name"] == "sessionid")
        assert session["expires"] == -1  # without 记住我: a browser-session cookie
        expect(phone.locator("#favorites")).to_contain_text(document.title)
        expect(phone.locator("#history")).to_contain_text("继续阅读 第3页")
        assert no_horizontal_scroll(phone)
        shoot(phone, "account-phone")
        phone.goto(read_url)
        assert no_horizontal_scroll(phone)
        shoot(phone, "reading-actions-phone")

    assert Favorite.objects.filter(user__username="alice", document=document).exists()
    assert ReadingPosition.objects.get(user__username="alice").page == 3

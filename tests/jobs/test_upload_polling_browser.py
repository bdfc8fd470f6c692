"""The upload page in a real Chromium while the worker is behind: the file is queued (排队中), and the page fills
in its result by itself once the worker has imported it (it polls /upload/jobs/)."""

from __future__ import annotations

import threading

import pytest

from tests.test_browser import DESKTOP, chromium
from tests.uploads.test_upload_browser import browser_context, logged_in_cookie, shoot
from wenku.jobs.models import ImportJob
from wenku.jobs.worker import Worker

pytestmark = pytest.mark.browser


@pytest.fixture
def uploader_cookie(transactional_db, django_user_model):
    return logged_in_cookie(django_user_model.objects.create_user("uploader", password="a-long-enough-password-1"))


def test_a_queued_upload_shows_its_result_when_the_worker_is_done(live_server, uploader_cookie, settings, reports_dir):
    from playwright.sync_api import expect

    settings.WENKU_RUN_JOBS_IN_REQUEST = False
    settings.WENKU_UPLOAD_WAIT = 0  # the request answers at once: 排队中
    with chromium() as browser:
        page = browser_context(browser, live_server, uploader_cookie, **DESKTOP).new_page()
        page.goto(f"{live_server.url}/upload/")
        page.locator("input[type=file]").set_input_files(str(reports_dir / "2024.txt"))
        page.get_by_role("button", name="上传").click()
        line = page.locator("#upload-results .result-line").first
        expect(line).to_contain_text("排队中", timeout=30_000)
        shoot(page, "upload-queued")
        assert _in_a_thread(lambda: ImportJob.objects.get().state) == "queued"

        _in_a_thread(lambda: Worker(idle_sleep=0, heartbeat=False).run(once=True))  # the worker catches up

        expect(line).to_contain_text("2024.txt 已导入", timeout=15_000)
        expect(page.locator("#upload-results")).not_to_contain_text("排队中")
        shoot(page, "upload-done-after-queue")


def _in_a_thread(work):
    """Run database work outside Playwright's event loop (Django refuses it inside one), as a worker would."""
    from django.db import connection

    answer = []

    def run() -> None:
        try:
            answer.append(work())
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=120)
    assert answer, "the work did not finish"
    return answer[0]

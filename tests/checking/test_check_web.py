"""The /check page: paste or upload, the highlighted result, the downloadable report, and what is never stored."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests import samples
from tests.checking.check_helpers import ORIGINAL, core, load_library, make_submission, page_text
from wenku.checking.display import percent
from wenku.checking.service import check_text
from wenku.library.models import Document, Page, Status

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-enough-password-1"


@pytest.fixture
def member(django_user_model):
    return django_user_model.objects.create_user("member", password=PASSWORD)


@pytest.fixture
def member_client(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def files_under(directory: Path) -> set[Path]:
    return {p for p in directory.rglob("*") if p.is_file()}


def visible_text(fragment: str) -> str:
    """The characters a reader sees in an HTML fragment (the source number labels removed)."""
    fragment = re.sub(r'<a class="hit-no"[^>]*>.*?</a>', "", fragment)
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def marked(page: str, anchor: str) -> str:
    match = re.search(rf'<mark id="{anchor}"[^>]*>(.*?)</mark>', page, re.S)
    assert match, f"no passage {anchor} in the page"
    return visible_text(match.group(1))


def test_the_form_is_open_to_anonymous_visitors(client):
    response = client.get("/check/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="text"' in page and 'type="file" name="file"' in page and "csrfmiddlewaretoken" in page
    assert 'enctype="multipart/form-data"' in page
    assert "不会被保存" in page and 'name="add_to_library"' not in page  # only signed-in users may add
    assert 'href="/check/">查重</a>' in page  # in the site navigation


def test_the_result_page(client, library, submission):
    text = submission.text
    report = check_text(text)
    response = client.post("/check/", {"text": text.replace("\n", "\r\n")})  # as browsers send a textarea
    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(rf"data-ratio>{re.escape(percent(report.ratio))}<", page)
    assert re.search(rf"data-ratio-excluding-quotes>{re.escape(percent(report.ratio_excluding_quotes))}<", page)
    assert percent(report.largest_share) in page
    assert f"{report.chars} / {report.copied_chars}" in page
    assert f"连续 {report.min_run} 字相同计为复制" in page and f"超过 {report.common_docs} 篇文档" in page

    # Sources largest first, with the exact pages of their passages.
    r2024 = library[2024]
    first = report.sources[0]
    assert first.id == r2024.pk
    titles = re.findall(r'<a class="src-title" href="[^"]*">([^<]*)</a>', page)
    assert titles == [html.escape(s.title) for s in report.sources]
    page_number = first.matches[0].page
    assert f'href="/d/{r2024.pk}/{page_number}/#:~:text=' in page or page_number == 1

    # The copied passage is highlighted in the first source's colour and numbered 1; the quotation is marked.
    assert marked(page, "m1-1") == core(submission.copied)
    assert '<a class="hit-no" href="#pair-m1-1"' in page
    assert 'class="hit src-0"' in page
    assert re.search(r'<mark id="m\d-1" class="hit src-\d quoted"', page), "the copied quotation is marked as quoted"
    assert f'<div class="check-text">{html.escape(ORIGINAL)}\n<mark' in page  # the rest unmarked, as submitted

    # 对照: the submitted passage beside the source passage, which the linked page really holds.
    pair = re.search(r'<li class="pair" id="pair-m1-1">(.*?)</li>', page, re.S).group(1)
    mine, source = re.findall(r'<p class="passage">(.*?)</p>', pair, re.S)
    assert html.unescape(mine) == core(submission.copied)
    assert html.unescape(source) == first.matches[0].source_text
    assert html.unescape(source) in page_text(r2024.pk, page_number)
    assert "图例" in page and "常见表述" in page

    # The text comes back in the form, for the download button (nothing kept on the server).
    assert html.escape(text) in page
    assert 'formaction="/check/report/"' in page


def test_nothing_is_stored_after_a_check(client, member_client, library, submission, data_dir):
    documents, pages = Document.objects.count(), Page.objects.count()
    before = files_under(data_dir)
    assert client.post("/check/", {"text": submission.text}).status_code == 200
    upload = SimpleUploadedFile("论文.txt", submission.text.encode("gb18030"))
    assert member_client.post("/check/", {"file": upload}).status_code == 200
    assert client.post("/check/report/", {"text": submission.text}).status_code == 200
    assert Document.objects.count() == documents and Page.objects.count() == pages
    assert files_under(data_dir) == before


def test_adding_to_the_library_when_signed_in(member_client, member, library, submission, data_dir):
    response = member_client.post("/check/", {"text": submission.text, "add_to_library": "on"})
    assert response.status_code == 200
    added = Document.objects.get(uploader=member)
    assert added.status == Status.PENDING  # as any upload by a non-staff member
    assert added.source_format == "txt"
    stored = "\n".join(Page.objects.filter(document=added).order_by("number").values_list("text", flat=True))
    assert core(submission.copied) in stored
    page = response.content.decode()
    assert "已加入文库" in page and f'href="/d/{added.pk}/"' in page
    assert "data-ratio>" in page  # and the check itself


def test_anonymous_visitors_cannot_add_to_the_library(client, library, submission):
    documents = Document.objects.count()
    response = client.post("/check/", {"text": submission.text, "add_to_library": "on"})
    assert response.status_code == 400
    assert "登录后才能把文本加入文库" in response.content.decode()
    assert Document.objects.count() == documents


def test_the_downloaded_report_is_self_contained(client, library, submission):
    report = check_text(submission.text)
    response = client.post("/check/report/", {"text": submission.text})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=utf-8''" in disposition.lower()
    assert unquote(disposition.split("''", 1)[1]) == f"查重报告-{ORIGINAL[:12]}.html"
    document = response.content.decode("utf-8")
    assert document.startswith("<!doctype html>") and '<meta charset="utf-8">' in document
    assert "<style>" in document and ".hit-no" in document  # the stylesheet inline
    for external in ("<link", "<script", "src=", "url(", "@import"):
        assert external not in document, external
    hrefs = re.findall(r'href="([^"]*)"', document)
    assert hrefs and all(h.startswith(("#", "http://testserver/d/")) for h in hrefs), hrefs
    assert document.count("http://") == len([h for h in hrefs if h.startswith("http")]) + 1  # + the header's site
    assert "生成时间" in document and f"连续 {report.min_run} 字相同计为复制" in document
    assert percent(report.ratio) in document and report.sources[0].title in document
    assert marked(document, "m1-1") == core(submission.copied)


def test_a_gb18030_text_file(client, library, submission):
    upload = SimpleUploadedFile("论文.txt", submission.text.encode("gb18030"))
    response = client.post("/check/", {"file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert marked(page, "m1-1") == core(submission.copied)
    assert re.search(rf"data-ratio>{re.escape(percent(check_text(submission.text).ratio))}<", page)


def test_a_docx_file(client, library, reports_dir, tmp_path):
    sample = samples.write_docx(tmp_path / "报告.docx", samples.report(reports_dir, 2024), paragraphs=8)
    response = client.post("/check/", {"file": SimpleUploadedFile("报告.docx", sample.path.read_bytes())})
    assert response.status_code == 200
    page = response.content.decode()
    ratio = float(re.search(r"data-ratio>([\d.]+)%<", page).group(1))
    assert ratio > 80
    assert re.search(rf'<a class="src-title" href="/d/{library[2024].pk}/">', page)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": ""}, "请粘贴要查重的文字"),
        ({"text": " \n\u3000 "}, "请粘贴要查重的文字"),
        ({"text": "，。！？……——"}, "没有可查重的文字"),
        ({"file": ("garbage.txt", bytes(range(256)) * 40)}, "无法识别文件的文字编码"),
        ({"file": ("broken.docx", b"PK\x03\x04 not really a zip " * 50)}, "docx"),
        ({"file": ("broken.pdf", b"%PDF-1.4 nonsense " * 50)}, "PDF"),
        ({"file": ("empty.txt", b"")}, "文件是空的"),
        ({"file": ("program.exe", b"MZ\x90\x00" * 100)}, "不支持 .exe 格式的文件"),
    ],
)
def test_hostile_input_gets_a_clear_message(client, library, data, message):
    if "file" in data:
        data = {"file": SimpleUploadedFile(*data["file"])}
    response = client.post("/check/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'role="alert"' in page and 'name="text"' in page  # the message on the form, not an error page


def test_too_long_text(client, library, submission, settings):
    settings.WENKU_CHECK_MAX_CHARS = 1000
    response = client.post("/check/", {"text": submission.text * 10})
    assert response.status_code == 413
    assert "文本过长" in response.content.decode() and "1000" in response.content.decode()
    response = client.post("/check/report/", {"text": submission.text * 10})
    assert response.status_code == 413 and "Content-Disposition" not in response


def test_too_large_file(client, library, settings):
    settings.WENKU_MAX_FILE_MB = 1
    upload = SimpleUploadedFile("big.txt", ORIGINAL.encode() * 20_000)
    response = client.post("/check/", {"file": upload})
    assert response.status_code == 413
    assert "文件太大（上限 1 MB）" in response.content.decode()


def test_anonymous_checks_are_throttled(client, library, submission, settings):
    settings.WENKU_CHECK_ANONYMOUS_LIMIT = 2
    for _ in range(2):
        assert client.post("/check/", {"text": submission.text}).status_code == 200
    response = client.post("/check/", {"text": submission.text})
    assert response.status_code == 429
    assert "查重过于频繁" in response.content.decode()


def test_the_form_needs_its_csrf_token(library, submission):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/check/", {"text": submission.text}).status_code == 403
    assert client.post("/check/report/", {"text": submission.text}).status_code == 403


# --- In a real browser ----------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_checking_a_text_in_chromium(live_server, reports_dir):
    from playwright.sync_api import expect

    from tests.test_browser import DESKTOP, PHONE, chromium, no_horizontal_scroll, shoot

    load_library(reports_dir)
    submission = make_submission(reports_dir)
    ratio = percent(check_text(submission.text).ratio)  # the database is read before the browser starts

    with chromium() as browser:
        context = browser.new_context(**PHONE)
        page = context.new_page()
        page.goto(f"{live_server.url}/check/")
        page.locator("textarea[name=text]").fill(submission.text)
        page.get_by_role("button", name="开始查重").click()
        expect(page.locator("[data-ratio]")).to_have_text(ratio)
        first = page.locator("mark#m1-1")
        expect(first).to_be_visible()
        expect(first).to_contain_text(core(submission.copied)[:20])
        assert first.evaluate("m => getComputedStyle(m).backgroundColor") != "rgba(0, 0, 0, 0)"
        expect(page.locator(".check-pairs .pair")).not_to_have_count(0)
        assert no_horizontal_scroll(page)
        page.locator(".check-report").scroll_into_view_if_needed()
        shoot(page, "check-phone")
        with page.expect_download() as download:
            page.get_by_role("button", name="下载报告（HTML）").click()
        assert download.value.suggested_filename.startswith("查重报告-")
        context.close()

        desktop = browser.new_context(**DESKTOP)
        page = desktop.new_page()
        page.goto(f"{live_server.url}/check/")
        page.locator("textarea[name=text]").fill(submission.text)
        page.get_by_role("button", name="开始查重").click()
        expect(page.locator("[data-ratio]")).to_have_text(ratio)
        page.locator(".check-report").scroll_into_view_if_needed()
        shoot(page, "check-desktop")
        desktop.close()

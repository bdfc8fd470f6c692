"""Odd input and a damaged index: a clear answer, never a 500 and never a silent 0%."""

from __future__ import annotations

import shutil
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from tests import hostile
from wenku.checking.registry import index_dir
from wenku.checking.service import check_text
from wenku.ingest import sandbox
from wenku.library.models import Document
from wenku.search import indexing

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(reports_dir):
    from wenku.ingest.importer import import_paths

    import_paths([reports_dir / "2024.txt", reports_dir / "2019.txt"])
    indexing.apply_pending()
    return Document.objects.get(title__startswith="2024")


def passage(document: Document) -> str:
    return document.pages.get(number=2).text.split("\n")[1][:80]


def api_check(text: str):
    return Client().post("/api/check", {"text": text}, content_type="application/json")


def files_only() -> None:
    if connection.vendor == "postgresql":
        pytest.skip("the fingerprint index is a table on PostgreSQL (see the test below)")


def test_a_damaged_or_missing_index_is_refused_with_a_reason(library, settings):
    files_only()
    copied = passage(library)
    assert api_check(copied).json()["ratio"] > 0.9
    (index_dir() / "manifest.json").write_text('{"segm')  # truncated by a crash or a full disk
    answer = api_check(copied)
    assert answer.status_code == 503 and "wenku reindex" in answer.json()["detail"]
    shutil.rmtree(index_dir())
    answer = api_check(copied)
    assert answer.status_code == 503
    page = Client().post("/check/", {"text": copied})
    assert page.status_code == 503 and "wenku reindex" in page.content.decode()
    indexing.apply_pending()  # what `wenku serve` does at start (and `wenku reindex` does fully)
    assert api_check(copied).json()["ratio"] > 0.9


def test_an_unbuilt_table_index_is_refused_with_a_reason(library):
    if connection.vendor != "postgresql":
        pytest.skip("the table index is PostgreSQL's")
    from wenku.checking.models import IndexState

    copied = passage(library)
    IndexState.objects.all().delete()  # as after an upgrade that changed the fingerprint format
    answer = api_check(copied)
    assert answer.status_code == 503 and "wenku reindex" in answer.json()["detail"]
    indexing.apply_pending()
    assert api_check(copied).json()["ratio"] > 0.9


def test_a_web_request_does_not_rebuild_the_index(library):
    files_only()
    shutil.rmtree(index_dir())
    Client().get("/search/", {"q": "经济"})
    assert not (index_dir() / "manifest.json").exists()


def test_lone_surrogates_and_symbols_between_characters(library):
    copied = passage(library)
    answer = api_check("\ud800" + copied)
    assert answer.status_code == 200 and answer.json()["sources"]
    salted = "😀".join(copied[i : i + 4] for i in range(0, len(copied), 4))  # emoji every 4 characters
    report = check_text(salted)
    assert report.sources and report.sources[0].id == library.pk
    assert report.copied_chars >= 0.9 * report.chars


def test_one_document_repeating_a_passage_does_not_make_it_a_stock_phrase(tmp_path, settings):
    from wenku.ingest.importer import import_paths

    sentence = "各地区各部门坚持稳中求进工作总基调，扎实推进乡村全面振兴，持续巩固拓展脱贫攻坚成果。"
    path = tmp_path / "repeated.txt"
    path.write_text("一份反复强调的通知\n" + "\n".join(f"第{i}条。{sentence}" for i in range(30)), encoding="utf-8")
    import_paths([path])
    indexing.apply_pending()
    settings.WENKU_CHECK_COMMON_DOCS = 20
    report = check_text("我们认为，" + sentence)
    assert report.sources and report.copied_chars > 0


# --- uploaded files: the cheap refusals come first, and a hostile file costs a bounded parse ---------------------


def empty_paragraphs_docx() -> SimpleUploadedFile:
    """30 KB: 300,000 empty paragraphs, which took 32 s of CPU to read (even when the answer was 429)."""
    return SimpleUploadedFile("空段落.docx", hostile.zipped(hostile.docx_parts("<w:p/>" * 300_000)))


def test_a_throttled_visitor_s_file_is_never_read(library, settings):
    settings.WENKU_CHECK_ANONYMOUS_LIMIT = 1
    client = Client()
    assert client.post("/check/", {"text": passage(library)}).status_code == 200
    before = sandbox.last_stats()
    started = time.monotonic()
    response = client.post("/check/", {"file": empty_paragraphs_docx()})
    assert response.status_code == 429 and "查重过于频繁" in response.content.decode()
    assert time.monotonic() - started < 2
    assert sandbox.last_stats() is before  # no parse ran for it


def test_one_file_per_check(library):
    files = [SimpleUploadedFile(f"{i}.txt", passage(library).encode()) for i in range(3)]
    before = sandbox.last_stats()
    response = Client().post("/check/", {"file": files})
    assert response.status_code == 400 and "一次只能上传一个文件" in response.content.decode()
    assert sandbox.last_stats() is before
    response = Client().post("/check/report/", {"file": files[:2]})
    assert response.status_code == 400 and "Content-Disposition" not in response


def test_a_hostile_file_is_refused_with_a_reason_and_in_bounded_time(library, settings):
    client = Client()
    started = time.monotonic()
    response = client.post("/check/", {"file": empty_paragraphs_docx()})
    assert response.status_code == 400 and "段落过多（上限 200000 段）" in response.content.decode()
    pdf = SimpleUploadedFile("共享.pdf", hostile.pdf_sharing_one_stream(pages=1000, lines=400))
    response = client.post("/check/", {"file": pdf})  # reading stops at WENKU_CHECK_MAX_CHARS
    assert response.status_code == 413 and "文本过长" in response.content.decode()
    assert time.monotonic() - started < 10
    settings.WENKU_CHECK_PARSE_TIMEOUT = 1
    settings.WENKU_CHECK_MAX_CHARS = 50_000_000
    pdf.seek(0)
    started = time.monotonic()
    response = client.post("/check/", {"file": pdf})
    assert response.status_code == 400 and "解析超时（上限 1 秒）" in response.content.decode()
    assert time.monotonic() - started < 3

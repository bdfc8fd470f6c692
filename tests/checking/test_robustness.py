"""Odd input and a damaged index: a clear answer, never a 500 and never a silent 0%."""

from __future__ import annotations

import shutil

import pytest
from django.db import connection
from django.test import Client

from wenku.checking.registry import index_dir
from wenku.checking.service import check_text
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

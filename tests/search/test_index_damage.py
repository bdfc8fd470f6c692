"""A damaged or missing search index (issue 11): searches answer 503 with "wenku reindex", reading pages still
render (without 相关文档), /healthz says what is wrong, `wenku serve` says it at start, and nothing rebuilds the
index inside a request. Real index files damaged on disk; tantivy's panics included. The web server process
itself (a worker surviving all this) is tried in test_server_survives.py."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from tests.search.index_damage import DAMAGE, delete_directory, scramble_segments
from wenku.jobs import follow_ups
from wenku.library.models import Document
from wenku.search import indexing
from wenku.search.backends.base import Filters, SearchUnavailable
from wenku.search.backends.tantivy_files import verify
from wenku.search.query import parse_query
from wenku.search.registry import forget_backend, get_backend, index_dir

YEARS = (2008, 2023, 2024)


@pytest.fixture
def library(reports_dir, db, settings):
    from wenku.ingest.importer import ImportOptions, import_paths

    settings.WENKU_SEARCH_BACKEND = "tantivy"  # the embedded index, on either database
    forget_backend()
    results = import_paths([reports_dir / f"{year}.txt" for year in YEARS], ImportOptions(category="政府工作报告"))
    indexing.apply_pending()
    yield {year: Document.objects.get(pk=r.id) for year, r in zip(YEARS, results, strict=True)}
    forget_backend()


def damage(how) -> None:
    """Damage the index as a process that starts afterwards finds it."""
    how(index_dir())
    forget_backend()


@pytest.mark.parametrize("how", DAMAGE.values(), ids=DAMAGE.keys())
def test_a_damaged_index_answers_503_with_the_remedy(client, library, how):
    damage(how)
    for _ in range(2):  # and again: nothing was "repaired" into an empty index in between
        page = client.get("/search/", {"q": "发展"})
        assert page.status_code == 503 and "wenku reindex" in page.content.decode()
        api = client.get("/api/search", {"q": "发展"})
        assert api.status_code == 503 and "wenku reindex" in api.json()["detail"]
    health = client.get("/healthz")
    assert health.status_code == 503
    body = health.json()
    assert body["database"]["ok"] and not body["search_index"]["ok"] and "wenku reindex" in body["hint"]
    assert body["search_index"]["state"] == "damaged"


@pytest.mark.parametrize("how", DAMAGE.values(), ids=DAMAGE.keys())
def test_reading_pages_render_without_related_documents_when_the_index_is_damaged(client, library, how):
    report = library[2024]
    assert "相关文档" in client.get(report.get_absolute_url()).content.decode()  # while the index is sound
    from django.core.cache import cache

    cache.clear()
    damage(how)
    for url in (report.get_absolute_url(), report.page_url(2), library[2023].get_absolute_url() + "?hl=发展"):
        response = client.get(url)
        assert response.status_code == 200 and "相关文档" not in response.content.decode(), url


@pytest.mark.parametrize("how", ["truncated segments", "scrambled terms", "meta.json deleted"])
def test_damage_right_after_a_search_is_found_by_the_next_one(library, how):
    # The backend skips its checksum pass while meta.json and the directory are unchanged: files replaced by a
    # copy or a restore change the directory, so the next search checks again, in the same process.
    backend = get_backend()
    query = parse_query("发展")
    assert backend.search(query, Filters(), "relevance", 0, 10).total == 3
    DAMAGE[how](index_dir())
    with pytest.raises(SearchUnavailable, match="wenku reindex"):
        backend.search(query, Filters(), "relevance", 0, 10)


@pytest.mark.parametrize("suffix", [".idx", ".pos"])
def test_a_panic_in_tantivy_becomes_search_unavailable(library, suffix):
    # The checksums match, so only tantivy finds the damage: it panics (a BaseException), which must not escape.
    damage(lambda directory: scramble_segments(directory, suffix, matching_checksum=True))
    backend = get_backend()
    assert verify(index_dir()) is None
    with pytest.raises(SearchUnavailable, match=r"索引文件损坏.*wenku reindex"):
        backend.search(parse_query('"经济发展" 改革'), Filters(), "relevance", 0, 10)
    assert backend.state()[0] == "damaged"


@pytest.mark.parametrize("how", ["truncated segments", "scrambled terms", "scrambled stored fields"])
def test_checksums_find_damage_before_tantivy_reads_it(library, how):
    assert verify(index_dir()) is None
    damage(DAMAGE[how])
    problem = verify(index_dir())
    assert problem and "已损坏" in problem
    with pytest.raises(SearchUnavailable, match="wenku reindex"):
        get_backend().delete([1])  # no writer is opened on a damaged index: its commit would abort the process


def test_reindex_repairs_it_and_the_site_finds_out_without_a_restart(client, library):
    damage(DAMAGE["scrambled postings (panics)"])
    assert client.get("/search/", {"q": "发展"}).status_code == 503
    call_command("wenku_reindex", stdout=io.StringIO())  # another process, as an operator runs it
    assert client.get("/search/", {"q": "发展"}).status_code == 200
    assert client.get("/healthz").json()["search_index"]["ok"]


def test_a_deleted_index_is_never_rebuilt_in_a_request_and_the_worker_rebuilds_it(client, library):
    delete_directory(index_dir())  # while this process has it open
    response = client.get("/search/", {"q": "发展"})
    assert response.status_code == 503 and "wenku reindex" in response.content.decode()
    assert client.get("/search/", {"q": "发展"}).status_code == 503  # reopened: still missing, still not rebuilt
    assert client.get("/healthz").json()["search_index"]["state"] == "missing"
    assert client.get(library[2024].get_absolute_url()).status_code == 200
    follow_ups.run_due()  # what `wenku worker` does next
    response = client.get("/search/", {"q": "发展"})
    assert response.status_code == 200 and "找到 <b>3</b>" in response.content.decode()


def test_healthz_is_ok_on_a_sound_site(client, library):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200 and body["ok"], body
    assert body["search_index"]["detail"] == "3 篇文档" and body["check_index"]["ok"] and body["disk"]["free_mb"] > 0


def test_serve_says_run_wenku_reindex_at_start_when_the_index_is_damaged(library):
    from wenku.cli.management.commands.wenku_serve import Command

    damage(DAMAGE["meta.json deleted"])
    out, err = io.StringIO(), io.StringIO()
    Command(stdout=out, stderr=err).check_search_index()
    assert "损坏" in err.getvalue() and "wenku reindex" in err.getvalue()
    assert not (Path(index_dir()) / "meta.json").exists()  # left as found: the operator decides


def test_serve_builds_a_missing_index_at_start(library):
    from wenku.cli.management.commands.wenku_serve import Command

    damage(delete_directory)
    out = io.StringIO()
    Command(stdout=out, stderr=io.StringIO()).check_search_index()
    assert "missing" in out.getvalue() and get_backend().document_count() == 3


@pytest.mark.skipif(
    django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql", reason="needs PostgreSQL"
)
def test_postgres_search_tables_dropped_answer_503_not_500(client, reports_dir, db, settings):
    from django.db import connection

    from wenku.ingest.importer import ImportOptions, import_paths

    settings.WENKU_SEARCH_BACKEND = "postgres"
    forget_backend()
    (result,) = import_paths([reports_dir / "2024.txt"], ImportOptions())
    indexing.apply_pending()
    assert client.get("/search/", {"q": "发展"}).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE wenku_search_page")
    response = client.get("/search/", {"q": "发展"})
    assert response.status_code == 503 and "wenku reindex" in response.content.decode()
    assert client.get(f"/d/{result.id}/").status_code == 200
    call_command("wenku_reindex", stdout=io.StringIO())
    assert client.get("/search/", {"q": "发展"}).status_code == 200
    forget_backend()


@pytest.mark.parametrize("how", ["scrambled postings (panics)", "scrambled postings, checksums matching (panics)"])
def test_checking_a_text_goes_on_when_the_search_index_is_damaged(client, library, how):
    # Pending changes are applied before a check; committing them into a damaged index aborted the process.
    text = "\n".join(library[2024].pages.get(number=2).text.split("\n")[:3])
    damage(DAMAGE[how])
    from wenku.library.models import DocumentChange

    DocumentChange.objects.create(document_id=library[2023].pk)  # pending work for the catch-up before a check
    response = client.post("/api/check", {"text": text}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["sources"][0]["id"] == library[2024].pk  # the 查重 index has its own files


def test_an_import_rebuilds_a_damaged_index_where_a_request_would_not(library, reports_dir):
    damage(DAMAGE["scrambled terms"])
    assert get_backend().needs_rebuild()
    out = io.StringIO()
    call_command("wenku_import", str(reports_dir / "1998.txt"), stdout=out, stderr=io.StringIO())
    assert get_backend().state()[0] == "ok" and get_backend().document_count() == 4

"""Search through the whole stack: the outbox, the service, the search page, the API and the CLI."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.db import connection

from wenku.jobs import follow_ups
from wenku.library.models import Document, DocumentChange, Visibility
from wenku.search import indexing
from wenku.search.models import QueryStat
from wenku.search.registry import forget_backend, get_backend
from wenku.search.service import QueryError, search


@pytest.fixture
def library(reports_dir, db):
    """Six real reports imported, and the index brought up to date as `wenku import` does."""
    from wenku.ingest.importer import ImportOptions, import_paths

    paths = [reports_dir / f"{year}.txt" for year in (1954, 1978, 1998, 2008, 2023, 2024)]
    results = import_paths(paths, ImportOptions(category="政府工作报告"))
    indexing.apply_pending()
    return {int(r.path[-8:-4]): Document.objects.get(pk=r.id) for r in results}


def titles(results) -> list[str]:
    return [hit.document.title for hit in results.hits]


def test_a_substring_finds_its_document_and_names_the_page(library):
    report = library[2024]
    page = report.pages.get(number=4)
    phrase = page.text.split("\n")[1][5:13]
    results = search(phrase)
    hit = next(h for h in results.hits if h.document.pk == report.pk)
    assert 4 in hit.pages
    assert "<mark>" in hit.snippet and phrase in hit.snippet.replace("<mark>", "").replace("</mark>", "")


def test_traditional_and_simplified_find_each_other(library):
    # The 1954 report is in traditional characters.
    assert library[1954].title in titles(search("经济建设"))
    assert library[2024].title in titles(search("經濟"))


def test_an_exact_title_comes_first(library):
    for report in library.values():
        assert titles(search(report.title))[0] == report.title


def test_hostile_queries_get_a_message_or_results_never_an_error(library):
    for raw in ['"', '""', "-", "OR", "AND NOT (", "*?~^:", "\x00\x1f", "经济 OR", 'title:"x', "🙂" * 10, "\\"]:
        try:
            search(raw)
        except QueryError as exc:
            assert str(exc)
    with pytest.raises(QueryError, match="太长"):
        search("经济" * 5000)
    with pytest.raises(QueryError, match="请输入"):
        search("   ")


def test_hiding_a_document_removes_it_from_results_at_once(library):
    report = library[2023]
    assert report.title in titles(search(report.title))
    Document.objects.filter(pk=report.pk).update(visibility=Visibility.PRIVATE)  # no outbox entry at all
    assert report.title not in titles(search(report.title))


def test_deleting_goes_through_the_outbox(library):
    report = library[1998]
    deleted_id = report.pk
    report.delete()
    assert DocumentChange.objects.filter(document_id=deleted_id).exists()
    assert report.title not in titles(search(report.title))  # the database decides at once what is shown
    assert DocumentChange.objects.exists()  # a search writes nothing: the worker applies the outbox
    indexing.apply_pending()
    assert not DocumentChange.objects.exists()
    assert get_backend().document_count() == 5


def test_a_crash_between_the_database_and_the_index_commits_is_repaired(reports_dir, db):
    from wenku.ingest.importer import import_file

    (result,) = import_file(reports_dir / "1978.txt")  # committed to the database, not yet to the index
    assert DocumentChange.objects.filter(document_id=result.id).exists()
    forget_backend()  # a new process: the worker, which applies what the outbox holds
    follow_ups.run_due()
    assert "1978年中华人民共和国国务院政府工作报告" in titles(search("1978年中华人民共和国国务院政府工作报告"))
    assert not DocumentChange.objects.exists()
    # A crash after the index commit but before the outbox was emptied: applying again changes nothing.
    indexing.reindex_documents([result.id])
    assert indexing.apply_pending() == 1
    assert get_backend().document_count() == 1
    assert search("政府工作").total == 1


def test_a_new_analyzer_version_rebuilds_by_itself(library, monkeypatch):
    backend = get_backend()
    assert not backend.needs_rebuild()
    from wenku.search.backends import base

    monkeypatch.setattr(base, "INDEX_SCHEMA_VERSION", base.INDEX_SCHEMA_VERSION + 1)
    assert backend.needs_rebuild()
    indexing.reindex_documents([library[2024].pk])
    assert indexing.apply_pending() == len(library)  # a full rebuild, not just the one change
    assert not backend.needs_rebuild()


def test_filters_and_sorts(library):
    newest = search("政府工作报告", sort="newest", size=50)
    assert newest.total == len(library)
    from wenku.search.backends.base import Filters

    other = Filters(category_id=library[2024].category_id + 1000)
    assert search("政府", filters=other).total == 0
    assert search("政府", filters=Filters(source_format="pdf")).total == 0
    assert search("政府", filters=Filters(source_format="txt")).total == len(library)
    Document.objects.filter(pk=library[1978].pk).update(views=99)
    assert titles(search("政府工作报告", sort="views"))[0] == library[1978].title


def test_zero_results_suggest_dropping_a_word(library):
    results = search("政府工作 完全不存在的词")
    assert results.total == 0
    assert results.suggestions and results.suggestions[0]["query"] == "政府工作"


def test_the_search_page(client, library):
    response = client.get("/search/", {"q": "经济建设"})
    html = response.content.decode()
    assert response.status_code == 200 and "找到 <b>" in html and "<mark>经济建设</mark>" in html
    refused = client.get("/search/", {"q": "\x00" * 300})  # NUL: no database stores it (see web/params.py)
    assert refused.status_code == 400 and "NUL" in refused.content.decode()
    assert "太长" in client.get("/search/", {"q": "字" * 201}).content.decode()
    assert 'name="q"' in client.get("/").content.decode()  # the search box on every page


def test_result_links_open_the_page_with_the_terms_marked(client, library):
    report = library[2024]
    html = client.get(f"/d/{report.pk}/2/", {"hl": "经济"}).content.decode()
    body = html[html.index('<div class="reader-body">') :]
    assert "<mark>经济</mark>" in body
    assert "<mark>" not in client.get(f"/d/{report.pk}/2/", {"hl": '"'}).content.decode()


def test_related_documents_on_the_reading_page(client, library):
    html = client.get(f"/d/{library[2024].pk}/").content.decode()
    assert "相关文档" in html and library[2023].title in html


def test_the_search_api(client, library):
    data = client.get("/api/search", {"q": "经济建设", "size": 3}).json()
    assert data["total"] >= 1 and len(data["hits"]) <= 3
    assert set(data["hits"][0]) == {"id", "title", "page", "pages", "snippet", "score"}
    assert data["hits"][0]["page"] in data["hits"][0]["pages"]
    assert client.get("/api/search", {"q": ""}).status_code == 400
    assert client.get("/api/search", {"q": "x" * 10_001}).status_code in (400, 422)
    assert client.get("/api/search", {"q": "经济", "size": 500}).status_code == 422


def test_staff_see_top_and_zero_result_queries(client, library, django_user_model):
    client.get("/search/", {"q": "经济建设"})
    client.get("/search/", {"q": "完全不存在的词"})
    assert QueryStat.objects.get(query="完全不存在的词").results == 0
    assert client.get("/search/stats/").status_code == 302  # to the login page
    staff = django_user_model.objects.create_user("staff", password="x-long-password-1", is_staff=True)
    client.force_login(staff)
    html = client.get("/search/stats/").content.decode()
    assert "经济建设" in html and "完全不存在的词" in html


def test_the_cli(library, capsys):
    call_command("wenku_search", "经济建设", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["total"] >= 1 and data["hits"][0]["pages"]
    call_command("wenku_reindex")
    assert "已索引 6 篇文档" in capsys.readouterr().out


def test_the_site_dictionary_reindexes_affected_documents(library, capsys):
    call_command("wenku_dict", "add", "经济建设方针")
    assert "篇文档已重新索引" in capsys.readouterr().out
    call_command("wenku_dict", "list")
    assert "经济建设方针" in capsys.readouterr().out


def test_both_databases_use_their_own_backend(db):
    expected = "postgres" if connection.vendor == "postgresql" else "tantivy"
    assert get_backend().name == expected


def test_staff_add_a_dictionary_word_in_the_admin(client, library, django_user_model):
    admin = django_user_model.objects.create_superuser("boss", password="x-long-password-1")
    client.force_login(admin)
    response = client.post("/admin/search/siteword/add/", {"word": "两个维护"}, follow=True)
    assert response.status_code == 200
    from wenku.search.models import SiteWord

    assert SiteWord.objects.filter(word="两个维护").exists()
    assert "已加入词典" in response.content.decode()

"""仅链接可见: an unlisted document opens by its unguessable key URL (/u/<key>/…) only; its id answers 404 to all
but its owner and staff, and every link the site gives for it (pages, canonical, share card, QR code, downloads,
API) is a key URL."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from tests.uploads.conftest import client_for
from wenku.library.models import Article, Document, Status, Visibility
from wenku.web.views.share import qr_svg

PASSWORD = "a-long-enough-password-1"


@pytest.fixture
def people(db):
    users = get_user_model().objects
    owner = users.create_user("owner", password=PASSWORD)
    other = users.create_user("other", password=PASSWORD)
    staff = users.create_user("staff", password=PASSWORD, is_staff=True)
    return owner, other, staff


@pytest.fixture
def unlisted(reports_dir, import_one, people) -> Document:
    owner = people[0]
    document = Document.objects.get(pk=import_one(reports_dir / "2024.txt").id)
    document.visibility, document.uploader = Visibility.UNLISTED, owner
    document.save()
    Article.objects.create(document=document, title="第一篇", start=0, page=1, chars=100)
    Article.objects.create(document=document, title="第二篇", start=document.pages.get(number=2).start, page=2, chars=9)
    assert document.page_count >= 3
    return document


def id_paths(document: Document) -> list[str]:
    pk = document.pk
    return [
        f"/d/{pk}/",
        f"/d/{pk}/2/",
        f"/d/{pk}/?page=2",
        f"/d/{pk}/a/1/",
        f"/d/{pk}/2/qr.svg",
        f"/d/{pk}/download/txt/",
        f"/d/{pk}/report/",
        f"/api/documents/{pk}",
        f"/api/documents/{pk}/pages/2",
    ]


def test_keys_are_long_random_and_distinct(unlisted, reports_dir, import_one):
    other = Document.objects.get(pk=import_one(reports_dir / "2023.txt").id)
    assert len(unlisted.access_key) >= 22 and unlisted.access_key != other.access_key
    assert str(unlisted.pk) != unlisted.access_key


def test_the_id_of_an_unlisted_document_answers_404_to_others(unlisted, people):
    owner, other, staff = people
    for user in (None, other):
        client = client_for(user)
        for path in id_paths(unlisted):
            if user is None and path.endswith("/report/"):
                continue  # the report page asks a logged-out reader to log in first
            assert client.get(path).status_code == 404, (path, user)
    for user in (owner, staff):
        client = client_for(user)
        assert client.get(f"/d/{unlisted.pk}/2/").status_code == 200
        assert client.get(f"/api/documents/{unlisted.pk}").status_code == 200


def test_the_key_opens_it_for_anyone(unlisted, people):
    key, pk = unlisted.access_key, unlisted.pk
    for user in (None, people[1]):
        client = client_for(user)
        response = client.get(f"/u/{key}/2/")
        assert response.status_code == 200, user
        html = response.content.decode()
        assert unlisted.title in html
        url = f"http://testserver/u/{key}/2/"
        assert f'<link rel="canonical" href="{url}">' in html
        assert f'<meta property="og:url" content="{url}">' in html
        assert f'value="{url}" readonly' in html
        assert f'src="/u/{key}/2/qr.svg"' in html
        assert f'href="/u/{key}/"' in html and f'href="/u/{key}/3/"' in html
        assert f'href="/u/{key}/a/2/"' in html  # 目录
        assert f'href="/u/{key}/download/txt/"' in html
        assert f"/d/{pk}/" not in html  # no link gives the id away
        assert client.get(f"/u/{key}/").status_code == 200
    client = Client()
    assert client.get(f"/u/{key}/1/")["Location"] == f"/u/{key}/"
    assert client.get(f"/u/{key}/?page=3")["Location"] == f"/u/{key}/3/"
    assert client.get(f"/u/{key}/a/2/")["Location"] == f"/u/{key}/2/#a2"
    assert client.get(f"/u/{key}/{unlisted.page_count + 1}/").status_code == 404


def test_the_qr_code_and_downloads_by_key(unlisted):
    key, client = unlisted.access_key, Client()
    response = client.get(f"/u/{key}/2/qr.svg")
    assert response.status_code == 200
    assert response.content.decode() == qr_svg(f"http://testserver/u/{key}/2/")
    download = client.get(f"/u/{key}/download/txt/")
    assert download.status_code == 200
    assert unlisted.pages.get(number=2).text[:50] in b"".join(download.streaming_content).decode("utf-8-sig")


def test_the_api_takes_the_key_and_gives_key_urls(unlisted, people):
    key, client = unlisted.access_key, Client()
    data = client.get(f"/api/documents/{key}").json()
    assert data["title"] == unlisted.title and data["url"] == f"http://testserver/u/{key}/"
    assert data["downloads"]["txt"] == f"http://testserver/u/{key}/download/txt/"
    page = client.get(f"/api/documents/{key}/pages/2").json()
    assert page["url"] == f"http://testserver/u/{key}/2/"
    assert client.get(f"/api/documents/{key[:-1]}x").status_code == 404
    assert client.get("/api/documents/not-a-key!").status_code in (404, 422)
    schema = client.get("/api/openapi.json").json()
    parameter = schema["paths"]["/api/documents/{document_id}"]["get"]["parameters"][0]
    assert parameter["name"] == "document_id" and parameter["in"] == "path"


@pytest.mark.parametrize("change", [{"visibility": Visibility.PRIVATE}, {"status": Status.PENDING}])
def test_a_hidden_document_does_not_open_by_its_key_either(unlisted, people, change):
    Document.objects.filter(pk=unlisted.pk).update(**change)
    key = unlisted.access_key
    paths = (f"/u/{key}/", f"/u/{key}/2/", f"/u/{key}/2/qr.svg", f"/u/{key}/download/txt/", f"/api/documents/{key}")
    for path in paths:
        assert Client().get(path).status_code == 404, path
        assert client_for(people[1]).get(path).status_code == 404, path
    assert client_for(people[0]).get(f"/d/{unlisted.pk}/").status_code == 200


def test_made_public_its_key_links_lead_to_the_id_urls(unlisted):
    key = unlisted.access_key
    unlisted.visibility = Visibility.PUBLIC
    unlisted.save()
    client = Client()
    response = client.get(f"/u/{key}/2/?hl=经济")
    assert response.status_code == 302 and response["Location"] == f"/d/{unlisted.pk}/2/?hl=%E7%BB%8F%E6%B5%8E"
    assert client.get(f"/u/{key}/")["Location"] == f"/d/{unlisted.pk}/"
    html = client.get(f"/d/{unlisted.pk}/2/").content.decode()
    assert f'<link rel="canonical" href="http://testserver/d/{unlisted.pk}/2/">' in html and key not in html


def test_unlisted_documents_stay_out_of_lists_and_the_sitemap(unlisted, client):
    for path in ("/", "/documents/", "/sitemap-pages.xml"):
        html = client.get(path).content.decode()
        assert unlisted.title not in html and unlisted.access_key not in html, path


def test_the_owner_sees_the_key_link_in_my_documents(unlisted, people):
    html = client_for(people[0]).get("/my/documents/").content.decode()
    assert f'href="/u/{unlisted.access_key}/"' in html


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_documents_distinct_keys():
    executor = MigrationExecutor(connection)
    before, after = [("library", "0004_articles_downloads")], [("library", "0005_document_access_key")]
    executor.migrate(before)
    try:
        old = MigrationExecutor(connection).loader.project_state(before[0]).apps.get_model("library", "Document")
        fields = {"source_format": "txt", "original_name": "a.txt", "chars": 1, "text_length": 1, "page_count": 1}
        for n in range(3):
            old.objects.create(title=f"旧文档{n}", sha256=f"{n:064d}", **fields)
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)
        keys = list(Document.objects.values_list("access_key", flat=True))
    finally:  # every later migration too: the tests after this one need the whole schema
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert len(keys) == 3 and len(set(keys)) == 3 and all(len(k) >= 22 for k in keys)


def test_a_reader_with_the_link_can_favorite_it_by_its_key(unlisted, people):
    reader = people[1]
    key, client = unlisted.access_key, client_for(reader)
    html = client.get(f"/u/{key}/2/").content.decode()
    assert f'action="/accounts/favorites/{key}/"' in html and f'data-api="/api/documents/{key}/favorite"' in html
    response = client.post(f"/accounts/favorites/{key}/", {"action": "add"})
    assert response.status_code == 302 and response["Location"] == f"/u/{key}/"
    assert reader.favorites.filter(document=unlisted).exists()
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else None
    removed = client.delete(f"/api/documents/{key}/favorite", headers={"X-CSRFToken": token or ""})
    assert removed.status_code == 200 and removed.json()["favorited"] is False
    assert client.post(f"/accounts/favorites/{unlisted.pk}/", {"action": "add"}).status_code == 404
    assert client.post(f"/api/documents/{unlisted.pk}/favorite").status_code == 404


def test_a_favorited_and_read_unlisted_document_stays_in_the_readers_lists(unlisted, people):
    reader = people[1]
    key, client = unlisted.access_key, client_for(reader)
    client.get(f"/u/{key}/2/")
    client.post(f"/accounts/favorites/{key}/", {"action": "add"})
    for path in ("/accounts/favorites/", "/accounts/history/", "/accounts/me/"):
        html = client.get(path).content.decode()
        assert unlisted.title in html and f"/u/{key}/" in html, path
        assert f"/d/{unlisted.pk}/" not in html, path
    assert [f["url"] for f in client.get("/api/me/favorites").json()] == [f"http://testserver/u/{key}/"]
    assert [h["id"] for h in client.get("/api/me/history").json()] == [unlisted.pk]
    unlisted.visibility = Visibility.PRIVATE  # the owner hides it: gone from other readers' lists
    unlisted.save()
    assert unlisted.title not in client.get("/accounts/favorites/").content.decode()
    assert client.get("/api/me/history").json() == []


def test_unlisted_pages_ask_search_engines_not_to_index_them(unlisted, client):
    html = client.get(f"/u/{unlisted.access_key}/2/").content.decode()
    assert '<meta name="robots" content="noindex">' in html
    # not disallowed in robots.txt: a crawler that may not fetch the page never sees its noindex
    assert "Disallow: /u/" not in client.get("/robots.txt").content.decode()
    unlisted.visibility = Visibility.PUBLIC
    unlisted.save()
    assert 'content="noindex"' not in client.get(f"/d/{unlisted.pk}/2/").content.decode()

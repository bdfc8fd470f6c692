"""Who sees what: four kinds of visitor × a document in each state, over every page and endpoint that shows
documents.

The rules (wenku.library.models.DocumentQuerySet): private, pending and rejected documents never show to other
people, anywhere, and their URLs answer 404 (not 403: a hidden document and a missing one look the same);
unlisted documents open by their key link (/u/<key>/; their id answers 404 to others) but are never listed,
found, related or in the sitemap; staff see
everything; the uploader opens, and finds in lists, their own. Search and related documents come from the index,
which holds only the public documents: there nobody finds a document that is not public, not even its owner.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.test import Client

from tests.uploads.conftest import client_for
from wenku.ingest.importer import ImportOptions, import_file
from wenku.library.models import Category, Document, Status, Visibility
from wenku.search import indexing
from wenku.uploads import moderation

pytestmark = pytest.mark.django_db

WORDS = "乡村振兴示范报告"
STATES = {  # name: (status, visibility, title)
    "public": (Status.PUBLISHED, Visibility.PUBLIC, f"{WORDS}公开篇"),
    "unlisted": (Status.PUBLISHED, Visibility.UNLISTED, f"{WORDS}链接篇"),
    "private": (Status.PUBLISHED, Visibility.PRIVATE, f"{WORDS}私有篇"),
    "pending": (Status.PENDING, Visibility.PUBLIC, f"{WORDS}待审篇"),
    "rejected": (Status.REJECTED, Visibility.PUBLIC, f"{WORDS}拒绝篇"),
}
VIEWERS = ("anonymous", "owner", "other", "staff")
ANCHOR = f"{WORDS}总览"  # a public document by someone else, whose reading page shows related documents


def opens(viewer: str, state: str, by_key: bool = False) -> bool:
    """Whether the document's id URLs (or, ``by_key``, its key URLs) answer for ``viewer``."""
    return viewer in ("owner", "staff") or state == "public" or (by_key and state == "unlisted")


def listed(viewer: str, state: str) -> bool:
    return viewer in ("owner", "staff") or state == "public"


@pytest.fixture
def world(reports_dir, owner, other, staff):
    """The owner's five documents (one per state, all long enough for several pages, one category), an anchor
    document, and the index brought up to date."""
    documents = {}
    for year, (state, (status, visibility, title)) in zip((2018, 2019, 2021, 2022, 2023), STATES.items(), strict=True):
        options = ImportOptions(
            category="矩阵分类", uploader_id=owner.pk, status=status, visibility=visibility, title=title
        )
        [result] = import_file(reports_dir / f"{year}.txt", options)
        assert result.status == "imported", result
        documents[state] = Document.objects.get(pk=result.id)
        assert documents[state].page_count >= 2
    [anchor] = import_file(reports_dir / "2017.txt", ImportOptions(category="矩阵分类", title=ANCHOR))
    indexing.apply_pending()
    clients = {
        "anonymous": Client(),
        "owner": client_for(owner),
        "other": client_for(other),
        "staff": client_for(staff),
    }
    return {"documents": documents, "anchor": Document.objects.get(pk=anchor.id), "clients": clients}


def cases(world):
    for viewer in VIEWERS:
        for state, document in world["documents"].items():
            yield viewer, state, document, world["clients"][viewer]


def test_reading_pages_open_or_answer_404(world):
    for viewer, state, document, client in cases(world):
        expected = opens(viewer, state)
        where = (viewer, state)
        pk = document.pk
        for path in (f"/d/{pk}/", f"/d/{pk}/2/", f"/d/{pk}/{document.page_count}/", f"/d/{pk}/2/qr.svg"):
            response = client.get(path)
            assert response.status_code == (200 if expected else 404), (*where, path)
            if not expected:
                assert document.title not in response.content.decode(), (*where, path)
        assert client.get(f"/d/{pk}/1/").status_code == (301 if expected else 404), where
        assert client.get(f"/d/{pk}/", {"page": "2"}).status_code == (302 if expected else 404), where
        assert client.get(f"/d/{pk}/", {"hl": "乡村"}).status_code == (200 if expected else 404), where


def test_key_urls_open_or_answer_404(world):
    """Key URLs serve unlisted documents; other documents' keys lead to their id URLs (for those who may open
    them: a document made public keeps its old links working)."""
    for viewer, state, document, client in cases(world):
        where, key = (viewer, state), document.access_key
        opened = opens(viewer, state, by_key=True)
        shown = 200 if state == "unlisted" else 302
        for path in (f"/u/{key}/", f"/u/{key}/2/", f"/u/{key}/{document.page_count}/"):
            response = client.get(path)
            assert response.status_code == (shown if opened else 404), (*where, path)
            if not opened:
                assert document.title not in response.content.decode(), (*where, path)
        assert client.get(f"/u/{key}/2/qr.svg").status_code == (200 if opened else 404), where
        assert client.get(f"/u/{key}/1/").status_code == (301 if opened else 404), where
        assert client.get(f"/u/{key}/", {"page": "2"}).status_code == (302 if opened else 404), where
        assert client.get(f"/api/documents/{key}").status_code == (200 if opened else 404), where


def test_the_api_opens_or_answers_404(world):
    for viewer, state, document, client in cases(world):
        for ref, by_key in ((document.pk, False), (document.access_key, True)):
            expected = 200 if opens(viewer, state, by_key) else 404
            for path in (f"/api/documents/{ref}", f"/api/documents/{ref}/pages/2"):
                response = client.get(path)
                assert response.status_code == expected, (viewer, state, path)
                if expected == 404:
                    assert document.title not in response.content.decode()


def test_lists_show_only_what_the_viewer_may_find(world):
    slug = Category.objects.get(name="矩阵分类").slug
    for viewer in VIEWERS:
        client = world["clients"][viewer]
        pages = {path: client.get(path).content.decode() for path in ("/", "/documents/", "/popular/")}
        pages[f"/category/{slug}/"] = client.get(f"/category/{quote(slug)}/").content.decode()
        for path, html in pages.items():
            assert ANCHOR in html, (viewer, path)
            for state, (_, _, title) in STATES.items():
                assert (title in html) == listed(viewer, state), (viewer, state, path)


def test_category_counts_follow_the_same_rule(world):
    for viewer in VIEWERS:
        html = world["clients"][viewer].get("/").content.decode()
        count = 1 + sum(listed(viewer, state) for state in STATES)
        assert re.search(rf">矩阵分类</a> <span class=\"count\">{count}</span>", html), viewer


def test_search_finds_only_public_documents(world):
    for viewer in VIEWERS:
        client = world["clients"][viewer]
        html = client.get("/search/", {"q": WORDS}).content.decode()
        hits = client.get("/api/search", {"q": WORDS}).json()["hits"]
        found_ids = {hit["id"] for hit in hits}
        assert world["anchor"].pk in found_ids and ANCHOR in html, viewer
        for state, document in world["documents"].items():
            in_page, in_api = document.title in html, document.pk in found_ids
            assert in_page == in_api == (state == "public"), (viewer, state, in_page, in_api)


def test_the_sitemap_has_public_documents_only(world):
    for viewer in VIEWERS:
        client = world["clients"][viewer]
        index = client.get("/sitemap.xml").content.decode()
        sections = re.findall(r"<loc>http://testserver(/sitemap-[^<]+)</loc>", index)
        assert sections, index
        xml = "".join(client.get(section).content.decode() for section in sections)
        for state, document in world["documents"].items():
            urls = {f"http://testserver/d/{document.pk}/", f"http://testserver/d/{document.pk}/2/"}
            assert all((f"<loc>{url}</loc>" in xml) == (state == "public") for url in urls), (viewer, state)
        assert f"<loc>http://testserver/d/{world['anchor'].pk}/</loc>" in xml


def related_titles(client, document) -> list[str]:
    html = client.get(document.get_absolute_url()).content.decode()
    section = re.search(r'<aside class="related">(.*?)</aside>', html, re.S)
    return re.findall(r"<a href=\"/d/\d+/\">([^<]+)</a>", section.group(1)) if section else []


def test_related_documents_are_public_ones(world):
    for viewer in VIEWERS:
        client = world["clients"][viewer]
        for page_of in (world["anchor"], world["documents"]["public"]):
            titles = related_titles(client, page_of)
            assert titles, (viewer, page_of.title)
            for state, (_, _, title) in STATES.items():
                if page_of.title != title:
                    assert (title in titles) == (state == "public"), (viewer, state, page_of.title, titles)


def test_edit_delete_and_report_pages(world):
    for viewer, state, document, client in cases(world):
        edit = client.get(f"/d/{document.pk}/edit/").status_code
        delete = client.get(f"/d/{document.pk}/delete/").status_code
        report = client.get(f"/d/{document.pk}/report/").status_code
        report_by_key = client.get(f"/u/{document.access_key}/report/").status_code
        if viewer == "anonymous":
            assert (edit, delete, report, report_by_key) == (302, 302, 302, 302), state
        else:
            assert edit == delete == (200 if viewer in ("owner", "staff") else 404), (viewer, state)
            assert report == (200 if opens(viewer, state) else 404), (viewer, state)
            assert report_by_key == (200 if opens(viewer, state, by_key=True) else 404), (viewer, state)


def test_hiding_a_document_takes_it_off_every_list_at_once(world, staff):
    """Hidden after readers have seen it listed: gone from lists, search and the sitemap on the next request."""
    public = world["documents"]["public"]
    anonymous = world["clients"]["anonymous"]
    for path in ("/", "/documents/", f"/search/?q={WORDS}"):
        assert public.title in anonymous.get(path).content.decode()
    moderation.resolve_reports(public, staff, "hidden")
    for path in ("/", "/documents/", "/popular/", f"/search/?q={WORDS}", "/sitemap-pages.xml"):
        assert public.title not in anonymous.get(path).content.decode(), path
    assert public.pk not in {h["id"] for h in anonymous.get("/api/search", {"q": WORDS}).json()["hits"]}
    assert anonymous.get(public.get_absolute_url()).status_code == 404
    assert world["clients"]["owner"].get(public.get_absolute_url()).status_code == 200


def test_a_hidden_document_leaves_related_lists_at_once(world, staff):
    anonymous = world["clients"]["anonymous"]
    public = world["documents"]["public"]
    assert public.title in related_titles(anonymous, world["anchor"])  # the anchor's page is now cached
    moderation.reject(public, staff, "下架")
    assert public.title not in related_titles(anonymous, world["anchor"])


def test_a_category_of_private_documents_only_is_not_named_to_others(owner_client, client, tmp_path):
    from tests.uploads.conftest import upload

    path = tmp_path / "私人笔记.txt"
    path.write_text("私人笔记\n只给自己看的正文。\n", encoding="utf-8")
    upload(owner_client, path, new_category="某某的私人分类", visibility="private")
    assert "某某的私人分类" not in client.get("/").content.decode()
    assert "某某的私人分类" not in client.get("/search/", {"q": "正文"}).content.decode()

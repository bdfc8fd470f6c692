"""The website: home, lists, the reading page like the reference page, sitemap, robots, 404s, and the API."""

from __future__ import annotations

import math
import re

import pytest
from django.contrib.auth import get_user_model

from wenku.library.models import Document, Status, Visibility


@pytest.fixture
def reports(reports_dir, db):
    from wenku.ingest.importer import ImportOptions, import_paths

    paths = [reports_dir / f"{year}.txt" for year in (1975, 2023, 2024)]
    results = import_paths(paths, ImportOptions(category="政府工作报告"))
    return [Document.objects.get(pk=r.id) for r in results]


def text_of(response) -> str:
    return response.content.decode()


def test_the_reading_page_shows_what_the_reference_page_shows(client, reports):
    document = reports[2]
    response = client.get(f"/d/{document.pk}/2/")
    assert response.status_code == 200
    html = text_of(response)
    assert f'{document.title}<span class="page-of">(第2/{document.page_count}页)</span>' in html
    assert f"共计{document.chars}个字,预计阅读时长{math.ceil(document.chars / 300)}分钟" in html
    assert "管理员 分享" in html
    assert "时间: <time" in html
    assert re.search(r"阅读 <b data-views>1</b>", html)
    page_two = document.pages.get(number=2)
    first_paragraph = page_two.text.split("\n")[0]
    assert f">{first_paragraph}</p>" in html or f">{first_paragraph}</h2>" in html
    assert f'href="/d/{document.pk}/"' in html and f'href="/d/{document.pk}/3/"' in html  # previous, next
    assert 'name="page"' in html  # jump to page
    assert f'<link rel="canonical" href="http://testserver/d/{document.pk}/2/">' in html


def test_page_one_lives_at_the_document_url(client, reports):
    document = reports[0]
    assert client.get(f"/d/{document.pk}/").status_code == 200
    response = client.get(f"/d/{document.pk}/1/")
    assert response.status_code == 301 and response["Location"] == f"/d/{document.pk}/"


@pytest.mark.parametrize("number", ["0", "99", "999999999999999"])
def test_a_page_out_of_range_is_a_styled_404(client, reports, number):
    response = client.get(f"/d/{reports[0].pk}/{number}/")
    assert response.status_code == 404
    assert "没有找到这个页面" in text_of(response)


@pytest.mark.parametrize("path", ["/d/999999/", "/d/99999999999999999999999/", "/category/没有/", "/documents/?page=x"])
def test_unknown_things_are_404_never_500(client, reports, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(("asked", "lands"), [("2", 2), ("0", 1), ("-3", 3), ("abc", 1), ("9" * 40, "last")])
def test_the_jump_form_always_lands_on_a_real_page(client, reports, asked, lands):
    document = reports[2]
    response = client.get(f"/d/{document.pk}/", {"page": asked})
    number = document.page_count if lands == "last" else lands
    assert response.status_code == 302
    assert response["Location"] == document.page_url(number)


def test_home_lists_newest_most_read_and_categories(client, reports):
    client.get(f"/d/{reports[0].pk}/")
    html = text_of(client.get("/"))
    for document in reports:
        assert document.title in html
    assert "政府工作报告" in html and "最多阅读" in html
    html = text_of(client.get("/popular/"))
    assert html.index(reports[0].title) < html.index(reports[1].title)


def test_category_and_list_pages(client, reports):
    slug = reports[0].category.slug
    html = text_of(client.get(f"/category/{slug}/"))
    assert all(d.title in html for d in reports)
    assert "共 3 篇" in html
    assert client.get("/documents/?page=2").status_code == 404  # 3 documents fit on one list page


def test_the_sitemap_lists_every_public_reading_page(client, reports):
    hidden = reports[1]
    hidden.visibility = Visibility.PRIVATE
    hidden.save()
    index = text_of(client.get("/sitemap.xml"))
    section = re.search(r"<loc>http://testserver(/sitemap-[^<]+)</loc>", index).group(1)
    xml = text_of(client.get(section))
    listed = set(re.findall(r"<loc>http://testserver(/d/[^<]+)</loc>", xml))
    expected = {d.page_url(n) for d in (reports[0], reports[2]) for n in range(1, d.page_count + 1)}
    assert listed == expected


def test_robots_txt_names_the_sitemap(client, db):
    body = text_of(client.get("/robots.txt"))
    assert "Sitemap: http://testserver/sitemap.xml" in body and "Disallow: /admin/" in body


def test_hidden_documents_answer_404_to_others(client, reports):
    owner = get_user_model().objects.create_user("owner", password="x-long-password-1")
    private, pending = reports[0], reports[1]
    private.visibility, private.uploader = Visibility.PRIVATE, owner
    private.save()
    pending.status = Status.PENDING
    pending.save()
    for document in (private, pending):
        assert client.get(f"/d/{document.pk}/").status_code == 404
        assert client.get(f"/api/documents/{document.pk}").status_code == 404
        assert document.title not in text_of(client.get("/"))
    client.force_login(owner)
    assert client.get(f"/d/{private.pk}/").status_code == 200


def test_the_document_api(client, reports):
    document = reports[2]
    data = client.get(f"/api/documents/{document.pk}").json()
    base = f"http://testserver/d/{document.pk}"
    assert data == {
        "id": document.pk,
        "title": document.title,
        "chars": document.chars,
        "reading_minutes": math.ceil(document.chars / 300),
        "pages": document.page_count,
        "views": 0,
        "uploader": None,
        "created": data["created"],
        "url": f"http://testserver/d/{document.pk}/",
        "articles": [],
        "downloads": {f: f"{base}/download/{f}/" for f in ("original", "txt", "docx", "epub")},
    }
    page = client.get(f"/api/documents/{document.pk}/pages/2").json()
    assert page == {
        "number": 2,
        "pages": document.page_count,
        "text": document.pages.get(number=2).text,
        "url": f"http://testserver/d/{document.pk}/2/",
    }
    assert "\n" in page["text"]


@pytest.mark.parametrize(
    "path", ["/api/documents/999999", "/api/documents/1/pages/999", "/api/documents/99999999999999999999999"]
)
def test_the_api_refuses_unknown_ids_cleanly(client, reports, path):
    assert client.get(path).status_code in (404, 422)


def test_the_openapi_docs_exist(client, db):
    assert client.get("/api/docs").status_code == 200
    schema = client.get("/api/openapi.json").json()
    assert "/api/documents/{document_id}" in schema["paths"]


def test_about_names_the_sample_library_source(client, db):
    html = text_of(client.get("/about/"))
    assert "zh.wikisource.org" in html and "政府工作报告" in html


def test_a_first_line_that_is_the_title_is_not_shown_twice(client, reports):
    document = reports[2]
    html = text_of(client.get(f"/d/{document.pk}/"))
    body = html[html.index('<div class="reader-body">') :]
    assert document.title not in body
    assert f'<h1 class="doc-heading">{document.title}<span' in html
    assert "<p>政府工作报告</p>" in html  # the next line is there


def test_cached_pages_still_show_fresh_counts_and_changes(client, reports):
    from django.test import Client

    document = reports[2]
    first = client.get(f"/d/{document.pk}/2/").content.decode()
    assert "阅读 <b data-views>1</b>" in first
    second = Client(HTTP_USER_AGENT="another reader").get(f"/d/{document.pk}/2/").content.decode()
    assert "阅读 <b data-views>2</b>" in second  # same cached page, the count filled in per request
    document.title = "改过的标题"
    document.save()
    assert "改过的标题" in client.get(f"/d/{document.pk}/2/").content.decode()
    document.visibility = Visibility.PRIVATE
    document.save()
    assert client.get(f"/d/{document.pk}/2/").status_code == 404


def test_the_header_offers_uploads_to_people_who_are_logged_in(client, db, django_user_model):
    assert "上传" not in client.get("/about/").content.decode()
    client.force_login(django_user_model.objects.create_user("writer", password="x-long-password-1"))
    html = client.get("/about/").content.decode()
    assert 'href="/upload/"' in html and 'href="/my/documents/"' in html and "审核" not in html


@pytest.mark.parametrize("logged_in", [False, True])
def test_text_that_looks_like_the_page_cache_marks_is_shown_as_it_is(
    client, reports, import_one, tmp_path, reports_dir, django_user_model, logged_in
):
    """The reading page fills in the view count and 相关文档 after rendering: a title or text holding what looks
    like an insertion mark must come out as written, on the first rendering and from the cache."""
    from tests import samples

    marks = "WENKU-VIEWS-8e1f WENKU-RELATED-8e1f WENKU-MARK-0"
    body = samples.report(reports_dir, 2023).body(count=8)
    path = samples.write_text(tmp_path / "marks.txt", [f"标记{marks}", f"正文里的{marks}。", *body], "utf-8").path
    document = Document.objects.get(pk=import_one(path, title=f"标记{marks}").id)
    if logged_in:
        client.force_login(django_user_model.objects.create_user("reader", password="x-long-password-1"))
    for views in (1, 1):  # rendered, then (logged out) from the cache; one visitor counts once
        html = text_of(client.get(f"/d/{document.pk}/"))
        assert f'<h1 class="doc-heading">标记{marks}<span' in html
        assert f"<p>正文里的{marks}。</p>" in html
        for mark in marks.split():  # each one only where the document has it: nothing replaced, nothing left over
            assert html.count(mark) == html.count(marks) >= 4, mark
        assert f"阅读 <b data-views>{views}</b>" in html
        assert html.count('<aside class="related">') <= 1

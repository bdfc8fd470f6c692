"""WENKU_SITE_URL is the origin of every absolute link (issue 10), whatever host or scheme the request came with:
canonical and share links, QR codes, the API's url fields, robots.txt and the sitemap, the downloaded 查重 report.
Without it, links follow the request (and a cached page is never served with another origin's links)."""

from __future__ import annotations

import re

import pytest

from wenku.web.views.share import qr_svg

pytestmark = pytest.mark.django_db

SITE = "https://wenku.example.org"
OTHER = {"HTTP_HOST": "127.0.0.1:8000"}  # an allowed host that is not the site's (an internal health check, say)


@pytest.fixture
def report(reports_dir, import_one):
    from wenku.library.models import Document

    return Document.objects.get(pk=import_one(reports_dir / "2024.txt").id)


@pytest.fixture
def site(deploy):
    return deploy(WENKU_SITE_URL=SITE)


def test_reading_page_share_link_and_qr_code(client, report, site):
    page = f"/d/{report.pk}/2/"
    html = client.get(page, **OTHER).content.decode()
    assert f'<link rel="canonical" href="{SITE}{page}">' in html
    assert f'<meta property="og:url" content="{SITE}{page}">' in html
    assert f'value="{SITE}{page}" readonly' in html
    assert "127.0.0.1" not in html
    assert client.get(f"{page}qr.svg", **OTHER).content.decode() == qr_svg(f"{SITE}{page}")


def test_api_urls(client, report, site):
    document = client.get(f"/api/documents/{report.pk}", **OTHER).json()
    assert document["url"] == f"{SITE}/d/{report.pk}/"
    assert document["downloads"] and all(u.startswith(f"{SITE}/") for u in document["downloads"].values())
    page = client.get(f"/api/documents/{report.pk}/pages/2", **OTHER).json()
    assert page["url"] == f"{SITE}/d/{report.pk}/2/"


def test_robots_and_sitemap(client, report, site):
    robots = client.get("/robots.txt", **OTHER).content.decode()
    assert f"Sitemap: {SITE}/sitemap.xml" in robots
    index = client.get("/sitemap.xml", **OTHER).content.decode()
    sections = re.findall(r"<loc>([^<]+)</loc>", index)
    assert sections == [f"{SITE}/sitemap-pages.xml"], index
    pages = re.findall(r"<loc>([^<]+)</loc>", client.get("/sitemap-pages.xml", **OTHER).content.decode())
    assert f"{SITE}/d/{report.pk}/" in pages and f"{SITE}/d/{report.pk}/2/" in pages
    assert all(p.startswith(f"{SITE}/") for p in pages)


def test_the_downloaded_check_report(client, reports_dir, site):
    from tests.checking.check_helpers import load_library, make_submission

    load_library(reports_dir)
    response = client.post("/check/report/", {"text": make_submission(reports_dir).text}, **OTHER)
    assert response.status_code == 200
    document = response.content.decode()
    links = re.findall(r'href="(http[^"]*)"', document)
    assert links and all(link.startswith(f"{SITE}/d/") for link in links), links
    assert "127.0.0.1" not in document and SITE in document


def test_without_a_site_url_links_follow_the_request_and_the_cache_keeps_hosts_apart(client, report, deploy):
    deploy(WENKU_ALLOWED_HOSTS="a.example.org,b.example.org")
    page = f"/d/{report.pk}/2/"
    for host in ("a.example.org", "b.example.org", "a.example.org"):
        html = client.get(page, HTTP_HOST=host).content.decode()
        assert f'<link rel="canonical" href="http://{host}{page}">' in html
    assert (
        client.get(f"/api/documents/{report.pk}", HTTP_HOST="b.example.org")
        .json()["url"]
        .startswith("http://b.example.org/")
    )

"""微信扫码分享: share meta tags, and the QR code of each page's canonical URL."""

from __future__ import annotations

import pytest

from wenku.library.models import Document, Visibility


@pytest.fixture
def report(reports_dir, import_one):
    return Document.objects.get(pk=import_one(reports_dir / "2024.txt").id)


def test_the_reading_page_carries_share_meta_tags(client, report):
    html = client.get(f"/d/{report.pk}/2/").content.decode()
    url = f"http://testserver/d/{report.pk}/2/"
    assert f'<meta property="og:url" content="{url}">' in html
    assert f'<meta property="og:title" content="{report.title}(第2/{report.page_count}页)">' in html
    assert '<meta property="og:description" content="' in html
    assert f'value="{url}" readonly' in html and "复制链接" in html
    assert f'src="/d/{report.pk}/2/qr.svg"' in html and "微信扫码分享" in html


def test_the_qr_code_is_an_svg_of_the_page_url(client, report):
    response = client.get(f"/d/{report.pk}/2/qr.svg")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b'<svg xmlns="http://www.w3.org/2000/svg"')
    assert "max-age=86400" in response["Cache-Control"]


def test_no_qr_code_for_pages_or_documents_one_may_not_see(client, report):
    assert client.get(f"/d/{report.pk}/{report.page_count + 1}/qr.svg").status_code == 404
    report.visibility = Visibility.PRIVATE
    report.save()
    assert client.get(f"/d/{report.pk}/1/qr.svg").status_code == 404

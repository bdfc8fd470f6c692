"""sitemap.xml: every public reading page (each page of each public document has its own URL)."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.urls import reverse

from wenku.library.models import Document, Page
from wenku.web.absolute import absolute_url


class ReadingPageSitemap(Sitemap):
    limit = 20_000
    changefreq = "monthly"

    def items(self):
        public_documents = Document.objects.listed_for(None)
        return (
            Page.objects.filter(document__in=public_documents)
            .order_by("document_id", "number")
            .values_list("document_id", "number", "document__created")
        )

    def location(self, item) -> str:
        document_id, number, _created = item
        if number == 1:
            return reverse("web:document", args=[document_id])
        return reverse("web:document_page", args=[document_id, number])

    def lastmod(self, item):
        return item[2]

    # Django takes the scheme and host from the request; the site URL, when set, wins (web/absolute.py).
    def get_protocol(self, protocol=None):
        return urlsplit(settings.WENKU_SITE_URL).scheme or super().get_protocol(protocol)

    def get_domain(self, site=None):
        return urlsplit(settings.WENKU_SITE_URL).netloc or super().get_domain(site)


SITEMAPS = {"pages": ReadingPageSitemap}


def index(request, **kwargs):
    """Django's sitemap index, its links on the site URL (Django builds them from the request's host)."""
    response = sitemap_views.index(request, **kwargs)
    if settings.WENKU_SITE_URL:
        response.context_data["sitemaps"] = [
            replace(item, location=absolute_url(request, _path(item.location)))
            for item in response.context_data["sitemaps"]
        ]
    return response


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")

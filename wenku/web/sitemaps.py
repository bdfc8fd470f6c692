"""sitemap.xml: every public reading page (each page of each public document has its own URL)."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from wenku.library.models import Document, Page


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


SITEMAPS = {"pages": ReadingPageSitemap}

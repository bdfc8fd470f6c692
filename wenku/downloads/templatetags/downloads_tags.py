"""The reading page's download links (downloads/includes/links.html).

Anonymous readers get a cached reading page (web/views/read.py), so what the links show for them must depend on
nothing but the document (its download_policy; the cache key holds the document's last change) and settings
(fixed for the life of the process, as the page cache is per process).
"""

from __future__ import annotations

from django import template

from wenku.downloads.links import download_links

register = template.Library()


@register.simple_tag(takes_context=True)
def document_downloads(context, document) -> list[tuple[str, str, str]]:
    return download_links(context["request"].user, document)

"""微信扫码分享: the QR code of a reading page's canonical URL, as SVG.

Served as its own small, cacheable response (not inline) so that reading pages stay fast: drawing a QR code
takes milliseconds, and a browser fetches it once per page.
"""

from __future__ import annotations

import io
from functools import lru_cache

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import cache_control

from wenku.library.models import Document
from wenku.web.absolute import absolute_url


@cache_control(max_age=86400)
def page_qr(request, document_id: int | str, number: int):
    """``document_id`` is the document's id, or its access key (unlisted documents: /u/<key>/<n>/qr.svg)."""
    fields = ("id", "page_count", "visibility", "access_key")
    document = get_object_or_404(Document.objects.openable_at(request.user, document_id).only(*fields))
    if not 1 <= number <= document.page_count:
        raise Http404("no such page")
    url = absolute_url(request, document.page_url(number))
    return HttpResponse(qr_svg(url), content_type="image/svg+xml")


@lru_cache(maxsize=4096)
def qr_svg(url: str) -> str:
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=4, border=2, dark="#1f2328", light="#fff", xmldecl=False)
    return buffer.getvalue().decode("utf-8")

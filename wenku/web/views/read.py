"""The reading page: one page of a document per URL, like the reference page."""

from __future__ import annotations

import re
import secrets

from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from wenku.accounts.reading import on_page_read, reading_context
from wenku.library.models import Document, Page, is_key
from wenku.library.reading_state import reading_state
from wenku.library.view_counter import count_view
from wenku.search.query import QueryError, parse_query
from wenku.search.related import related_documents
from wenku.search.snippets import highlight
from wenku.web.absolute import absolute_url, site_origin
from wenku.web.articles import article_anchor, current_article, table_of_contents
from wenku.web.pagination_bar import page_window
from wenku.web.params import jump_page
from wenku.web.visitor import COOKIE, COOKIE_AGE, visitor_key


def document(request, document_id: int | str):
    """Page 1 of a document; ``document_id`` is its id, or its access key (/u/<key>/, unlisted documents)."""
    jump = request.GET.get("page")
    if jump is not None:
        return _jump(request, document_id, jump)
    return _render_page(request, document_id, 1)


def document_page(request, document_id: int | str, number: int):
    if number == 1:
        return HttpResponsePermanentRedirect(_openable(request, document_id).get_absolute_url())
    return _render_page(request, document_id, number)


def article(request, document_id: int | str, number: int):
    """The n-th article of a compilation: its page, scrolled to its title."""
    document = _openable(request, document_id)
    found = document.articles.values_list("page", flat=True)[number - 1 : number] if number >= 1 else []
    if not found:
        raise Http404("no such article")
    return HttpResponseRedirect(f"{document.page_url(found[0])}#{article_anchor(number)}")


def _openable(request, document_id: int | str) -> Document:
    queryset = Document.objects.openable_at(request.user, document_id).select_related("uploader", "category")
    return get_object_or_404(queryset)


def _jump(request, document_id: int | str, raw: str):
    """The jump-to-page form: any input lands on a real page (clamped), never an error."""
    document = _openable(request, document_id)
    number = jump_page(raw, document.page_count)  # "²" is a digit to isdigit() but not to int()
    return HttpResponseRedirect(document.page_url(number))


def _render_page(request, ref: int | str, number: int):
    state = reading_state(ref, request.user)  # decides visibility; all a cached page needs
    if state is None or not 1 <= number <= state.page_count:
        raise Http404("no such document or page")
    if is_key(ref) and not state.unlisted:
        # No longer unlisted (made public, say): the key's old links go on working, to the id URL. Not permanent:
        # the document may be unlisted again. An id-only instance is not unlisted, so its URLs are by id.
        query = request.GET.urlencode()
        return HttpResponseRedirect(Document(pk=state.id).page_url(number) + (f"?{query}" if query else ""))
    document_id = state.id
    updated, views = state.updated, state.views
    on_page_read(request, Document(pk=document_id), number)  # an id-only instance: enough to record it
    visitor, new_cookie = visitor_key(request)
    if count_view(document_id, visitor, timezone.localdate()):
        views += 1
    shared = _shareable(request)
    # Keyed by the origin of the absolute links in the page (canonical, share link): one per host and scheme.
    key = f"wenku:read:v3:{document_id}:{number}:{updated.timestamp()}:{site_origin(request)}"
    parts = cache.get(key) if shared else None
    if parts is None:
        document = _openable(request, ref)
        document.views = views
        marks = {_RELATED: _new_mark()}
        if shared:
            marks[_VIEWS] = _new_mark()
        html = _render_html(request, document, number, views=marks.get(_VIEWS, views), related_mark=marks[_RELATED])
        parts = _cut(html, marks)
        if shared and "csrfmiddlewaretoken" not in html:
            cache.set(key, parts, PAGE_CACHE_SECONDS)
    # 相关文档 change with other documents' visibility, so they are never part of a cached page.
    filling = {_VIEWS: str(views), _RELATED: _related_html(request, document_id)}
    response = HttpResponse(_fill(parts, filling))
    if new_cookie:
        response.set_cookie(COOKIE, new_cookie, max_age=COOKIE_AGE, samesite="Lax", httponly=True)
    return response


# Anonymous readers without a highlight all get the same page but for the view count, which is filled in per
# request; the rest is rendered once every five minutes at most (per process), keyed by the document's last change.
# A rendered page is kept cut into parts at its insertion points, so nothing in a document's title or text can be
# taken for one: the marks it is cut at are random, new for each rendering.
PAGE_CACHE_SECONDS = 300
_VIEWS = "views"
_RELATED = "related"


def _new_mark() -> str:
    return f"WENKU-MARK-{secrets.token_hex(16)}"


def _cut(html: str, marks: dict[str, str]) -> list[str]:
    """``html`` cut at ``marks`` (name → mark): even items are HTML, odd items the names of what goes between."""
    names = {mark: name for name, mark in marks.items()}
    pieces = re.split("(" + "|".join(re.escape(mark) for mark in names) + ")", html)
    return [names[piece] if i % 2 else piece for i, piece in enumerate(pieces)]


def _fill(parts: list[str], filling: dict[str, str]) -> str:
    return "".join(filling[part] if i % 2 else part for i, part in enumerate(parts))


def _related_html(request, document_id: int) -> str:
    related = related_documents(document_id, request.user)
    if not related:
        return ""
    home = reverse("web:home")  # document URLs are d/<id>/ under it (see web/urls.py)
    items = "".join(
        f'<li><a href="{home}d/{d.id}/">{escape(d.title)}</a> <span class="count">{d.chars}字</span></li>'
        for d in related
    )
    return f'<aside class="related"><h2 class="section-title">相关文档</h2><ul>{items}</ul></aside>'


def _shareable(request) -> bool:
    return not request.user.is_authenticated and "hl" not in request.GET


def _render_html(request, document: Document, number: int, views, related_mark: str) -> str:
    page = Page.objects.filter(document=document, number=number).first()
    if page is None:
        raise Http404("no such page")
    highlight_runs = _highlight_runs(request.GET.get("hl", ""))
    articles = table_of_contents(document)
    context = {
        "document": document,
        "views": views,
        "page": page,
        "paragraphs": _paragraphs(document, page, highlight_runs, articles),
        "articles": articles,
        "current_article": current_article(articles, page.start),
        "highlight": request.GET.get("hl", "") if highlight_runs else "",
        "related_mark": related_mark,
        **reading_context(request, document),
        "window": [(n, document.page_url(n)) for n in page_window(number, document.page_count)],
        "prev_url": document.page_url(number - 1) if number > 1 else None,
        "next_url": document.page_url(number + 1) if number < document.page_count else None,
        "canonical": absolute_url(request, document.page_url(number)),
        "qr_url": document.route("web:page_qr", number),
        "description": page.text[:120].replace("\n", " "),
    }
    return render_to_string("web/read.html", context, request)


def _highlight_runs(raw: str) -> list[str]:
    """The runs to mark when arriving from a search result (?hl=the query); bad queries mark nothing."""
    if not raw:
        return []
    try:
        return parse_query(raw).highlight_runs()
    except QueryError:
        return []


def _paragraphs(document: Document, page: Page, highlight_runs: list[str], articles: list[dict]) -> list[dict]:
    """The page's paragraphs with their kind: heading, or a continuation of the previous page's paragraph.

    A first line that is the title itself is not shown again under the page's title heading. An article's title
    is a heading with the anchor its URL scrolls to.
    """
    headings = set(document.heading_offsets)
    anchors = {a["start"]: a["anchor"] for a in articles}
    result = []
    offset = page.start
    for index, text in enumerate(page.text.split("\n")):
        continued = index == 0 and page.starts_mid_paragraph
        anchor = None if continued else anchors.get(offset)
        if anchor or not (offset == 0 and text == document.title):
            shown = highlight(text, highlight_runs) if highlight_runs else text
            heading = (offset in headings or anchor is not None) and not continued
            result.append({"text": shown, "heading": heading, "continued": continued, "anchor": anchor})
        offset += len(text) + 1
    return result

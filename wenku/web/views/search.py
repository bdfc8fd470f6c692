"""The search page, and the staff page of query statistics."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone

from wenku.checking.duplicates import similar_counts
from wenku.ingest import formats
from wenku.library.models import Category
from wenku.search.backends.base import Filters, SearchUnavailable
from wenku.search.models import QueryStat
from wenku.search.service import SORTS, QueryError, record_query, search
from wenku.web.params import date_param, optional_id, page_number

FORMATS = formats.FILTER_CHOICES  # format key (Document.source_format) → label, from wenku/ingest/formats.py


def search_page(request):
    raw = request.GET.get("q", "")
    filters, chosen = _filters(request)
    sort = request.GET.get("sort", "relevance")
    page = page_number(request.GET.get("page"))  # search() clamps it further, to the last page of results
    context = {
        "q": raw,
        "sorts": SORTS,
        "sort": sort if sort in SORTS else "relevance",
        "formats": FORMATS,
        "categories": Category.objects.with_documents_for(request.user),
        "chosen": chosen,
    }
    status = 200
    if raw.strip():
        try:
            results = search(raw, request.user, filters, sort, page)
        except QueryError as exc:
            context["error"] = str(exc)
        except SearchUnavailable as exc:
            context["error"] = f"搜索暂时不可用。{exc}"
            status = 503
        else:
            context["results"] = results
            context["hits"] = _fold_copies(results.hits, request.user)
            context["folded"] = len(results.hits) - len(context["hits"])
            if results.page == 1:
                record_query(raw, results.total)
    return render(request, "web/search.html", context, status=status)


def _fold_copies(hits: list, user) -> list:
    """Show one of a set of near-duplicate documents, with how many copies it has ("N 个相似文档"); a copy is
    folded only under an original shown on this page, so a copy whose original did not match stays a result."""
    folded, copies = similar_counts([hit.document.pk for hit in hits], user)
    shown = [hit for hit in hits if hit.document.pk not in folded]
    for hit in shown:
        hit.copies = copies.get(hit.document.pk, [])
    return shown


def _filters(request) -> tuple[Filters, dict]:
    get = request.GET
    chosen = {key: get.get(key, "") for key in ("category", "format", "from", "to")}
    chosen["format"] = formats.filter_key(chosen["format"]) or ""  # "md" in an old link means "markdown"
    tz = timezone.get_current_timezone()
    return (
        Filters(
            category_id=optional_id(chosen["category"]),
            source_format=chosen["format"] or None,
            created_from=date_param(chosen["from"], tz),
            created_to=date_param(chosen["to"], tz, next_day=True),
        ),
        chosen,
    )


@staff_member_required
def search_stats(request):
    since = timezone.localdate() - timedelta(days=30)
    recent = QueryStat.objects.filter(day__gte=since).values("query")
    top = recent.annotate(total=Sum("count")).order_by("-total")[:50]
    zero = recent.filter(results=0).annotate(total=Sum("count")).order_by("-total")[:50]
    return render(request, "web/search_stats.html", {"top": top, "zero": zero, "since": since})

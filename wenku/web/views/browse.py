"""Home, document lists, categories and the about page."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from wenku.library.models import Category, Document
from wenku.web.params import MAX_PAGE_NUMBER, clamped_int

CARD_FIELDS = ("id", "title", "chars", "page_count", "views", "created", "category__name", "category__slug")


def _listed(request):
    return Document.objects.listed_for(request.user)


def _categories(request):
    return Category.objects.with_documents_for(request.user)


def home(request):
    listed = _listed(request).select_related("category").only(*CARD_FIELDS)
    return render(
        request,
        "web/home.html",
        {
            "newest": listed.order_by("-created", "-id")[:10],
            "most_read": listed.order_by("-views", "-id")[:10],
            "categories": _categories(request),
        },
    )


def document_list(request):
    return _paged_list(request, _listed(request).order_by("-created", "-id"), "最新文档")


def popular(request):
    return _paged_list(request, _listed(request).order_by("-views", "-id"), "最多阅读")


def category(request, slug: str):
    if "\x00" in slug:  # no slug holds one, and PostgreSQL refuses it in a query
        raise Http404("no such category")
    category = get_object_or_404(_categories(request), slug=slug)  # no visible documents: not to be named
    documents = _listed(request).filter(category=category).order_by("-created", "-id")
    return _paged_list(request, documents, category.name, category=category)


def about(request):
    return render(request, "web/about.html")


def _paged_list(request, queryset, heading: str, **extra):
    paginator = Paginator(queryset.select_related("category").only(*CARD_FIELDS), settings.WENKU_LIST_PAGE_SIZE)
    number = clamped_int(request.GET.get("page", "1"), 0, 0, MAX_PAGE_NUMBER)  # "²" or 5000 digits: not int()
    if not 1 <= number <= max(1, paginator.num_pages):
        raise Http404("no such list page")
    page = paginator.page(number)
    context = {"heading": heading, "page_obj": page, "documents": page.object_list, **extra}
    return render(request, "web/document_list.html", context)

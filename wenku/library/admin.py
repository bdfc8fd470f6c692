"""Django admin for site owners: documents (metadata and moderation fields) and categories."""

from django.contrib import admin

from wenku.library.admin_articles import ArticleInline
from wenku.library.articles import recompute_articles
from wenku.library.models import Category, Document
from wenku.ops.events import log_moderation


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "category", "uploader", "chars", "page_count", "views", "visibility", "status", "created")
    list_filter = ("status", "visibility", "category", "source_format")
    search_fields = ("title", "original_name")
    date_hierarchy = "created"
    fields = (
        "title",
        "description",
        "category",
        "uploader",
        "visibility",
        "status",
        "download_policy",
        "views",
        "created",
    )
    readonly_fields = ("views",)
    raw_id_fields = ("uploader",)
    list_select_related = ("category", "uploader")
    inlines = (ArticleInline,)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        recompute_articles(form.instance)

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        moderated = {f: form.cleaned_data[f] for f in ("status", "visibility") if f in form.changed_data}
        if change and moderated:
            log_moderation("admin_change", obj, request.user, **moderated)

    def delete_model(self, request, obj) -> None:
        log_moderation("delete", obj, request.user, via="admin")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        for document_id, title in queryset.values_list("id", "title"):
            log_moderation("delete", document_id, request.user, title=title, via="admin")
        super().delete_queryset(request, queryset)

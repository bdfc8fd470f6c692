"""Django admin for site owners: documents (metadata and moderation fields) and categories."""

from django.contrib import admin

from wenku.library.admin_articles import ArticleInline
from wenku.library.articles import recompute_articles
from wenku.library.models import Category, Document


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

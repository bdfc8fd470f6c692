"""Staff edit the site dictionary here; saving a word re-indexes the documents that contain it."""

from django.contrib import admin, messages

from wenku.search.dictionary import add_site_word
from wenku.search.models import SiteWord


@admin.register(SiteWord)
class SiteWordAdmin(admin.ModelAdmin):
    list_display = ("word", "created")
    search_fields = ("word",)
    fields = ("word",)

    def save_model(self, request, obj, form, change):
        count = add_site_word(obj.word)
        messages.info(request, f"“{obj.word}”已加入词典，{count} 篇文档已重新索引。")

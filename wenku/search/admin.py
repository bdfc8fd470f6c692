"""Staff edit the site dictionary here; saving a word queues the documents that contain it for the worker to
re-index (never inside the admin request)."""

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
        messages.info(request, f"“{obj.word}”已加入词典，{count} 篇文档已排队重新索引（由后台任务完成）。")

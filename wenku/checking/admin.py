"""Moderators see every near-duplicate found, with both documents."""

from django.contrib import admin

from wenku.checking.models import NearDuplicate


@admin.register(NearDuplicate)
class NearDuplicateAdmin(admin.ModelAdmin):
    list_display = ("document", "original", "share_percent", "found")
    list_select_related = ("document", "original")
    search_fields = ("document__title", "original__title")
    raw_id_fields = ("document", "original")
    date_hierarchy = "found"

    @admin.display(description="重合比例", ordering="share")
    def share_percent(self, link: NearDuplicate) -> str:
        return f"{link.share:.0%}"

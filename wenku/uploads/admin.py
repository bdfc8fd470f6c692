"""Django admin for reports and moderation decisions (documents themselves: wenku/library/admin.py)."""

from django.contrib import admin
from django.utils import timezone

from wenku.ops.events import log_moderation
from wenku.uploads.models import Decision, Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("document", "reason", "reporter", "created", "resolved", "outcome")
    list_filter = ("reason", "outcome", ("resolved", admin.EmptyFieldListFilter))
    search_fields = ("document__title", "detail", "reporter__username")
    raw_id_fields = ("document", "reporter", "resolved_by")
    list_select_related = ("document", "reporter")
    date_hierarchy = "created"
    actions = ["dismiss"]

    @admin.action(description="标记为不予处理（关闭举报，不改动文档）")
    def dismiss(self, request, queryset):
        open_reports = queryset.filter(resolved__isnull=True)
        documents = sorted(set(open_reports.values_list("document_id", flat=True)))
        closed = open_reports.update(
            resolved=timezone.now(), resolved_by=request.user, outcome=Report.Outcome.DISMISSED
        )
        for document_id in documents:
            log_moderation("resolve_reports", document_id, request.user, outcome="dismissed", via="admin")
        self.message_user(request, f"已关闭 {closed} 条举报。")


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ("document", "action", "reason", "staff", "created")
    list_filter = ("action",)
    search_fields = ("document__title", "reason")
    raw_id_fields = ("document", "staff")
    list_select_related = ("document", "staff")
    date_hierarchy = "created"

"""What the reading page's action bar shows about uploads (uploads/includes/document_actions.html)."""

from __future__ import annotations

from django import template

from wenku.library.models import Status, Visibility
from wenku.uploads.models import Report
from wenku.uploads.moderation import rejection_reason

register = template.Library()


@register.simple_tag(takes_context=True)
def document_actions(context, document) -> dict:
    """Owner: edit and delete, and the document's state. Staff: the same for every document, plus its open
    reports. Other logged-in readers: 举报. Logged-out readers: nothing."""
    user = context["request"].user
    if not user.is_authenticated:
        return {}
    owner = document.uploader_id is not None and document.uploader_id == user.pk
    manage = owner or user.is_staff
    actions = {"owner": owner, "manage": manage, "report": not owner, "staff": user.is_staff}
    if not owner:
        actions["report_url"] = document.route("uploads:report")
    if manage:
        actions.update(
            pending=document.status == Status.PENDING,
            rejected=document.status == Status.REJECTED,
            status_label=document.get_status_display(),
            visibility_label=document.get_visibility_display() if document.visibility != Visibility.PUBLIC else "",
        )
        if document.status == Status.REJECTED:
            actions["reason"] = rejection_reason(document)
    if user.is_staff:
        actions["open_reports"] = Report.objects.filter(document=document, resolved__isnull=True).count()
    return actions

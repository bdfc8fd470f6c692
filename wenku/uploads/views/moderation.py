"""审核 (staff only): the queue of pending uploads, and the open reports grouped by document."""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from wenku.library.models import Document, Status
from wenku.uploads import moderation
from wenku.uploads.forms import RejectForm, ResolveForm
from wenku.uploads.models import Report
from wenku.uploads.views.access import safe_next, staff_required

QUEUE_LIMIT = 200


@staff_required
def queue(request):
    pending = (
        Document.objects.filter(status=Status.PENDING)
        .select_related("uploader", "category")
        .order_by("created", "id")[:QUEUE_LIMIT]
    )
    open_reports = (
        Report.objects.filter(resolved__isnull=True)
        .select_related("document", "document__uploader", "reporter")
        .order_by("document_id", "created")[:QUEUE_LIMIT]
    )
    reported = [
        {"document": reports[0].document, "reports": reports}
        for _, group in groupby(open_reports, key=lambda r: r.document_id)
        for reports in [list(group)]
    ]
    reported.sort(key=lambda item: (-len(item["reports"]), item["reports"][0].created))
    resolved = Report.objects.filter(resolved__isnull=False).select_related("document", "resolved_by")
    context = {
        "pending": pending,
        "pending_total": Document.objects.filter(status=Status.PENDING).count(),
        "reported": reported,
        "recently_resolved": resolved.order_by("-resolved", "-id")[:20],
        "outcomes": Report.Outcome.choices,
    }
    return render(request, "uploads/moderation.html", context)


@staff_required
@require_POST
def approve(request, document_id: int):
    document = get_object_or_404(Document, pk=document_id)
    moderation.approve(document, request.user)
    messages.success(request, f"已通过《{document.title}》，现已发布。")
    return HttpResponseRedirect(safe_next(request, "uploads:moderation"))


@staff_required
@require_POST
def reject(request, document_id: int):
    document = get_object_or_404(Document, pk=document_id)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, "拒绝理由太长（最多 2000 字）。")
        return redirect("uploads:moderation")
    moderation.reject(document, request.user, form.cleaned_data["reason"])
    messages.success(request, f"已拒绝《{document.title}》。")
    return HttpResponseRedirect(safe_next(request, "uploads:moderation"))


@staff_required
@require_POST
def resolve(request, document_id: int):
    document = get_object_or_404(Document, pk=document_id)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择处理方式。")
        return redirect("uploads:moderation")
    outcome = form.cleaned_data["outcome"]
    closed = moderation.resolve_reports(document, request.user, outcome, form.cleaned_data["note"])
    label = Report.Outcome(outcome).label
    messages.success(request, f"《{document.title}》的 {closed} 条举报已处理：{label}。")
    return redirect("uploads:moderation")

"""举报: a logged-in reader reports a document they can open."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from wenku.library.models import Document
from wenku.uploads.forms import ReportForm
from wenku.uploads.models import Report
from wenku.uploads.moderation import report


@login_required
@require_http_methods(["GET", "POST"])
def report_document(request, document_id: int | str):
    """``document_id`` is the document's id, or its access key (unlisted documents: /u/<key>/report/)."""
    document = get_object_or_404(Document.objects.openable_at(request.user, document_id))
    open_report = Report.objects.filter(document=document, reporter=request.user, resolved__isnull=True).first()
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            report(document, request.user, form.cleaned_data["reason"], form.cleaned_data["detail"])
            return redirect(document.route("uploads:report"))
        status = 400
    else:
        initial = {"reason": open_report.reason, "detail": open_report.detail} if open_report else None
        form, status = ReportForm(initial=initial), 200
    context = {"document": document, "form": form, "open_report": open_report}
    return render(request, "uploads/report.html", context, status=status)

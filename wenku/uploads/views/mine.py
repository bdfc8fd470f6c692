"""我的文档: the user's own documents with their state; editing and deleting (owners, and staff for any)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from wenku.library.models import Document, Status
from wenku.uploads.documents import delete_document, editable_by
from wenku.uploads.forms import DocumentEditForm
from wenku.uploads.models import Decision
from wenku.uploads.moderation import edit_needs_review, visibility_locked


@login_required
def my_documents(request):
    reasons = Decision.objects.filter(document=OuterRef("pk"), action=Decision.Action.REJECT).order_by("-created")
    documents = (
        Document.objects.filter(uploader=request.user)
        .select_related("category")
        .annotate(rejection=Subquery(reasons.values("reason")[:1]))
        .order_by("-created", "-id")
    )
    paginator = Paginator(documents, settings.WENKU_LIST_PAGE_SIZE)
    number = request.GET.get("page", "1")
    if not number.isdigit() or not 1 <= int(number) <= max(1, paginator.num_pages):
        raise Http404("no such list page")
    page = paginator.page(int(number))
    return render(request, "uploads/my_documents.html", {"page_obj": page, "documents": page.object_list})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, document_id: int):
    """An uploader's edit of what readers see first goes back to moderation (edit_needs_review); staff's goes live.
    A rejected or hidden document's visibility is not the uploader's to change (visibility_locked).

    A POST reads the row locked (PostgreSQL: FOR UPDATE; SQLite: its write transaction) and writes only the edited
    fields, so a staff decision or view counts landing meanwhile are neither overwritten nor edited around."""
    if request.method != "POST":
        document = get_object_or_404(editable_by(request.user), pk=document_id)
        locked = visibility_locked(document, request.user)
        form = DocumentEditForm(instance=document, visibility_locked=locked)
        return render(request, "uploads/edit.html", {"document": document, "form": form, "visibility_locked": locked})
    with transaction.atomic():
        document = get_object_or_404(editable_by(request.user).select_for_update(), pk=document_id)
        before = {"title": document.title, "description": document.description, "visibility": document.visibility}
        locked = visibility_locked(document, request.user)
        form = DocumentEditForm(request.POST, instance=document, visibility_locked=locked)
        if not form.is_valid():
            context = {"document": document, "form": form, "visibility_locked": locked}
            return render(request, "uploads/edit.html", context)
        document = form.save(commit=False)
        review = edit_needs_review(document, before, request.user)
        if review:
            document.status = Status.PENDING
        edited = ["title", "category", "description", "updated"] + ([] if locked else ["visibility"])
        document.save(update_fields=edited + (["status"] if review else []))
    if review:
        messages.warning(
            request,
            f"已保存《{document.title}》的修改。修改了标题、简介或扩大了可见范围，需要管理员重新审核，"
            "审核通过前其他人看不到这篇文档。",
        )
        return redirect("uploads:my_documents")
    messages.success(request, f"已保存《{document.title}》的修改。")
    return redirect(document.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def delete(request, document_id: int):
    """GET asks for confirmation; only the POST of that form deletes."""
    document = get_object_or_404(editable_by(request.user).select_related("category"), pk=document_id)
    if request.method == "POST":
        title = document.title
        delete_document(document)
        messages.success(request, f"已删除《{title}》。")
        return redirect("uploads:my_documents")
    return render(request, "uploads/delete.html", {"document": document})

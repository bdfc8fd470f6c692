"""Who may download a document, once they may open it (DocumentQuerySet.openable_by decides that first)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from wenku.library.models import Document, DownloadPolicy


@dataclass(frozen=True)
class Decision:
    allowed: bool
    message: str = ""  # why not, shown to the reader
    login_helps: bool = False  # an anonymous visitor who logs in would be allowed


ALLOWED = Decision(True)


def decide(user, document: Document) -> Decision:
    """Staff and the uploader always may; then the document's download_policy, then WENKU_ANONYMOUS_DOWNLOADS."""
    authenticated = user is not None and user.is_authenticated
    if authenticated and (user.is_staff or user.pk == document.uploader_id):
        return ALLOWED
    if document.download_policy == DownloadPolicy.OFF:
        return Decision(False, "这篇文档不提供下载。")
    if not authenticated:
        if document.download_policy == DownloadPolicy.MEMBERS:
            return Decision(False, "这篇文档仅供登录用户下载，请先登录。", login_helps=True)
        if not settings.WENKU_ANONYMOUS_DOWNLOADS:
            return Decision(False, "本站仅对登录用户提供下载，请先登录。", login_helps=True)
    return ALLOWED


def has_original(document: Document) -> bool:
    """One record of a multi-document file (JSONL) has no file of its own: the file holds other documents."""
    return not document.original_record

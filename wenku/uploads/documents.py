"""Who may change a document, and changing or deleting it."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import transaction

from wenku.library.models import Document


def editable_by(user):
    """Documents ``user`` may edit and delete: their own; staff, any. Everyone else gets a 404, as for a
    document they cannot see, so that the answer tells nothing about a document that is not theirs."""
    if not user.is_authenticated:
        return Document.objects.none()
    if user.is_staff:
        return Document.objects.all()
    return Document.objects.filter(uploader=user)


def delete_document(document: Document) -> None:
    """Delete the document (pages, reports and the search entry go with it) and, once that is committed, its
    original file unless another document was imported from the same file (the records of one JSONL file)."""
    original = document.original_file
    with transaction.atomic():
        document.delete()
        still_used = Document.objects.filter(original_file=original).exists()
        if original and not still_used:
            transaction.on_commit(lambda: _remove_original(original))


def _remove_original(relative: str) -> None:
    path = (Path(settings.DATA_DIR) / relative).resolve()
    originals = Path(settings.WENKU_ORIGINALS_DIR).resolve()
    if originals in path.parents:  # never anything outside the originals folder
        path.unlink(missing_ok=True)

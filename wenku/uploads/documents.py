"""Who may change a document, and changing or deleting it."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from wenku.library.models import Category, Document


def editable_by(user):
    """Documents ``user`` may edit and delete: their own; staff, any. Everyone else gets a 404, as for a
    document they cannot see, so that the answer tells nothing about a document that is not theirs."""
    if not user.is_authenticated:
        return Document.objects.none()
    if user.is_staff:
        return Document.objects.all()
    return Document.objects.filter(uploader=user)


def category_named(name: str) -> Category | None:
    """The category of this name, created if it does not exist yet."""
    name = " ".join(name.split())[:100]
    if not name:
        return None
    found = Category.objects.filter(name=name).first()
    if found:
        return found
    slug = slugify(name, allow_unicode=True)[:100] or hashlib.sha1(name.encode()).hexdigest()[:10]
    if Category.objects.filter(slug=slug).exists():  # another name with the same slug ("A B" and "a-b")
        slug = f"{slug}-{hashlib.sha1(name.encode()).hexdigest()[:6]}"
    try:
        with transaction.atomic():
            return Category.objects.create(name=name, slug=slug)
    except IntegrityError:  # created at the same moment by another request
        return Category.objects.get(name=name)


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

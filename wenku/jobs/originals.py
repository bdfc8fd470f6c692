"""Original files no document and no unfinished job uses are removed: after a failed or duplicate import, and
when a document is deleted (in the admin, by the ``reject`` duplicate policy, by its uploader)."""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from wenku.jobs.models import ImportJob
from wenku.library.models import Document

log = logging.getLogger(__name__)
_UNFINISHED = (ImportJob.State.QUEUED, ImportJob.State.RUNNING)


def discard_if_unused(original: str, ignore_job: int | None = None) -> bool:
    """Remove the original (a path relative to the data dir) unless a document or an unfinished job uses it."""
    if not original:
        return False
    if Document.objects.filter(original_file=original).exists():
        return False
    if ImportJob.objects.filter(original=original, state__in=_UNFINISHED).exclude(pk=ignore_job).exists():
        return False
    path = (Path(settings.DATA_DIR) / original).resolve()
    if not path.is_relative_to(Path(settings.WENKU_ORIGINALS_DIR).resolve()):
        return False
    path.unlink(missing_ok=True)
    return True


@receiver(post_delete, sender=Document, dispatch_uid="wenku.jobs.originals.document_deleted")
def _document_deleted(sender, instance: Document, **kwargs) -> None:
    """Once the deletion is committed, its original goes too when nothing else uses it."""
    original = instance.original_file

    def discard() -> None:
        try:
            discard_if_unused(original)
        except Exception:  # the deletion stands; a file left behind is logged, not raised
            log.exception("original %s of deleted document %s not removed", original, instance.pk)

    if original:
        transaction.on_commit(discard)

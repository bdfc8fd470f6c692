"""Keep the index in step with the library through the outbox (library.DocumentChange).

Changes are applied idempotently (an upsert replaces, a delete of a missing document is harmless) and only then
removed from the outbox, so a crash at any point leaves work that the next apply redoes. A changed analyzer or
schema version rebuilds the whole index.

Other indexes that must hold the same documents (the 查重 fingerprint index) are *followers*, named in
settings.WENKU_INDEX_FOLLOWERS: each batch is handed to them too, and they commit before the outbox rows go.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from wenku.library.models import Document, DocumentChange, Page
from wenku.search.backends.base import IndexDocument
from wenku.search.registry import get_backend
from wenku.search.writer_lock import holds_index_writer

log = logging.getLogger(__name__)
BATCH = 500
COMMIT_EVERY = 10_000


def searchable_documents():
    """Documents that belong in the index: those anyone may find."""
    return Document.objects.listed_for(None)


def followers() -> list:
    """The indexes that follow the search index (fresh objects: cheap, and settings may change in tests)."""
    return [import_string(path)() for path in getattr(settings, "WENKU_INDEX_FOLLOWERS", [])]


@holds_index_writer
def apply_pending(limit: int = 100_000, rebuild_stale: bool = True) -> int:
    """Apply up to ``limit`` outbox entries; returns how many documents were (re)indexed or removed.

    Entries leave the outbox only after the index commit that holds them; commits come every COMMIT_EVERY
    documents (each commit costs a segment flush and merge). A follower whose index is missing or of another
    version is rebuilt first when ``rebuild_stale`` (commands, server start); inside a web request it is left out
    until then, since a rebuild reads the whole library."""
    backend = get_backend()
    if backend.needs_rebuild():
        return rebuild()
    targets = [backend]
    for follower in followers():
        if not follower.needs_rebuild():
            targets.append(follower)
        elif rebuild_stale:
            rebuild(targets=[follower])
            targets.append(follower)
    done, last_id, applied = 0, 0, []
    try:
        while done < limit:
            changes = list(
                DocumentChange.objects.filter(id__gt=last_id)
                .order_by("id")
                .values_list("id", "document_id")[: min(BATCH, limit - done)]
            )
            if not changes:
                break
            document_ids = sorted({document_id for _, document_id in changes})
            found = _index_documents(document_ids)
            gone = sorted(set(document_ids) - {d.id for d in found})
            for target in targets:
                target.upsert(found)
                target.delete(gone)
            applied += [change_id for change_id, _ in changes]
            last_id = changes[-1][0]
            done += len(document_ids)
            if len(applied) >= COMMIT_EVERY:
                _commit(targets, applied)
                applied = []
        _commit(targets, applied)
    except BaseException:
        for target in targets[1:]:  # uncommitted follower work must not reach a later commit of this thread
            target.discard()
        raise
    return done


def _commit(targets: list, change_ids: list[int]) -> None:
    for target in targets:
        target.commit()
    _forget_changes(change_ids)


def _forget_changes(change_ids: list[int]) -> None:
    """Remove these outbox rows (applied, or answered by a rebuild)."""
    for start in range(0, len(change_ids), BATCH):
        DocumentChange.objects.filter(id__in=change_ids[start : start + BATCH]).delete()


def has_pending() -> bool:
    return DocumentChange.objects.exists()


def pending_count() -> int:
    return DocumentChange.objects.count()


@holds_index_writer
def rebuild(progress: Callable[[int, int], None] | None = None, targets: list | None = None) -> int:
    """Index every searchable document from scratch: into the search index and its followers, or only into
    ``targets`` (a follower whose own format changed). The outbox is emptied only by a full rebuild."""
    full = targets is None
    if targets is None:
        targets = [get_backend(), *followers()]
    # The outbox rows this rebuild answers for: those committed before the documents are listed. Not "every id up
    # to the largest seen": on PostgreSQL a smaller id can be committed later (ids are handed out before commit),
    # and its document, not yet listed, would have lost its row without being indexed.
    covered = list(DocumentChange.objects.values_list("id", flat=True))
    for target in targets:
        target.clear()
    ids = list(searchable_documents().order_by("id").values_list("id", flat=True))
    for start in range(0, len(ids), BATCH):
        documents = _index_documents(ids[start : start + BATCH])
        for target in targets:
            target.upsert(documents)
        if (start // BATCH + 1) % (COMMIT_EVERY // BATCH) == 0:
            for target in targets:
                target.commit()
        if progress:
            progress(min(start + BATCH, len(ids)), len(ids))
    for target in targets:
        target.commit()
        target.mark_built()
    if full:
        _forget_changes(covered)
    return len(ids)


def reindex_documents(document_ids: Iterable[int]) -> None:
    """Queue documents for re-indexing (e.g. after a dictionary change)."""
    with transaction.atomic():
        DocumentChange.objects.bulk_create(DocumentChange(document_id=i) for i in document_ids)


def _index_documents(document_ids: list[int]) -> list[IndexDocument]:
    from wenku.search.dictionary import load_site_words

    load_site_words()
    documents = {
        d.pk: d
        for d in searchable_documents()
        .filter(pk__in=document_ids)
        .only("id", "title", "created", "category_id", "source_format", "uploader_id")
    }
    pages: dict[int, list[str]] = {pk: [] for pk in documents}
    for document_id, text in (
        Page.objects.filter(document_id__in=documents)
        .order_by("document_id", "number")
        .values_list("document_id", "text")
    ):
        pages[document_id].append(text)
    return [
        IndexDocument(
            id=d.pk,
            title=d.title,
            pages=pages[d.pk],
            created=d.created,
            category_id=d.category_id,
            source_format=d.source_format,
            uploader_id=d.uploader_id,
        )
        for d in documents.values()
    ]

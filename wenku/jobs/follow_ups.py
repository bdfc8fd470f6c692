"""The follow-up steps after an import or a change, driven by the durable outboxes and safe to repeat.

1. index: the search index and its followers (the 查重 index) apply library.DocumentChange (search.indexing);
2. review: library.FollowUp(review): near-duplicate review against older documents, once the indexes hold the
   document and every older one (checking.duplicates);
3. downloads: library.FollowUp(downloads): the generated download files (downloads.cache).

Each entry leaves its outbox only after its step is done, so a process killed at any point leaves the work to
the next run: `wenku worker` runs these in a loop, `wenku import` and an import job run them before returning.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db.models import Min

from wenku.checking.duplicates import Finding, review_documents
from wenku.checking.index.base import IndexUnavailable
from wenku.checking.registry import get_index
from wenku.downloads.cache import prepare
from wenku.library.models import Document, DocumentChange, FollowUp
from wenku.search import indexing
from wenku.search.backends.base import SearchUnavailable
from wenku.search.registry import forget_backend
from wenku.search.writer_lock import IndexBusy, index_writer

log = logging.getLogger(__name__)
MAX_STEP_ATTEMPTS = 3  # a download that fails this often (a bug, a huge document) is given up and logged
REVIEW_BATCH = 200  # review rows read, reviewed and deleted together
_SETTLE_RETRIES = 3  # rounds of index-then-review an import makes for its own documents


@dataclass
class Done:
    indexed: int = 0
    reviewed: int = 0
    downloads: int = 0

    @property
    def anything(self) -> bool:
        return bool(self.indexed or self.reviewed or self.downloads)


def run_due(review_limit: int = 200, download_limit: int = 5) -> Done:
    """One round of every step, a bounded amount of each (the worker calls this between jobs). The index is
    applied only if no other process is writing it: that one applies the same outbox, so no worker waits."""
    done = Done(indexed=apply_index(wait=0))
    done.reviewed = len(review_due(limit=review_limit)[1])
    done.downloads = build_downloads(limit=download_limit)
    return done


def settle(document_ids: list[int]) -> tuple[int, dict[int, Finding]]:
    """Index and review these newly imported documents now (an import that reports their near-duplicates): how
    many outbox documents the index applied, and the findings by document id. What another process reviewed first
    is found in NearDuplicate instead."""
    indexed = apply_index()
    findings, _ = review_due(limit=max(200, len(document_ids)), document_ids=document_ids)
    for _ in range(_SETTLE_RETRIES):
        # A review waits for every older document to be indexed: another import's document committed while this
        # one indexed (an outbox row it could not see yet) holds these back. Index it too, then review again.
        if not FollowUp.objects.filter(step=FollowUp.Step.REVIEW, document_id__in=document_ids).exists():
            break
        if not indexing.has_pending():
            break  # held back by something else (the 查重 index needs `wenku reindex`): the worker will do it
        indexed += apply_index()
        more, _ = review_due(limit=max(200, len(document_ids)), document_ids=document_ids)
        findings.update(more)
    return indexed, findings


def apply_index(wait: float | None = None, limit: int = 100_000) -> int:
    """Apply up to ``limit`` documents of the index outbox (committed at the end); 0 when another process
    holds the writer for longer than ``wait`` seconds (default WENKU_INDEX_WRITER_WAIT; it applies the same
    rows) or the index needs `wenku reindex` (logged; /healthz says so)."""
    try:
        if wait is None:
            return indexing.apply_pending(limit)
        with index_writer(wait):  # re-entrant: apply_pending's own lock is then this one
            return indexing.apply_pending(limit)
    except IndexBusy as exc:
        log.info("index outbox left to the process writing the index: %s", exc)
    except SearchUnavailable as exc:
        forget_backend()
        log.error("search index unusable, outbox kept: %s", exc)
    return 0


def review_due(limit: int = 200, document_ids: list[int] | None = None) -> tuple[dict[int, Finding], list[int]]:
    """Review documents waiting for it whose text the indexes hold, with every older document (a review compares
    with older documents only). Returns the findings and the ids reviewed."""
    if get_index().needs_rebuild():
        log.warning("near-duplicate reviews wait: the 查重 index needs `wenku reindex`")
        return {}, []
    due = FollowUp.objects.filter(step=FollowUp.Step.REVIEW).order_by("document_id")
    first_unindexed = DocumentChange.objects.aggregate(first=Min("document_id"))["first"]
    if first_unindexed is not None:
        due = due.filter(document_id__lt=first_unindexed)
    if document_ids is not None:
        due = due.filter(document_id__in=document_ids)
    findings: dict[int, Finding] = {}
    reviewed: list[int] = []
    rows = list(due[:limit])
    for start in range(0, len(rows), REVIEW_BATCH):
        if not _review_batch(rows[start : start + REVIEW_BATCH], findings, reviewed):
            break
    if any(f.action == "rejected" for f in findings.values()):
        apply_index()  # the rejected copies leave the indexes at once
    return findings, reviewed


def _review_batch(rows: list[FollowUp], findings: dict[int, Finding], reviewed: list[int]) -> bool:
    """Review the documents of these rows (in order) and then delete the rows of those done, in one statement:
    a process killed meanwhile leaves the batch to be reviewed again, which finds the same. False when the
    index cannot answer (the rest waits)."""
    found = Document.objects.in_bulk([row.document_id for row in rows])
    documents = [found[row.document_id] for row in rows if row.document_id in found]
    done = {row.document_id for row in rows if row.document_id not in found}  # deleted: nothing to review
    complete = True
    try:
        for document_id, finding in review_documents(documents):
            done.add(document_id)
            if finding is not None:
                findings[document_id] = finding
                log.info("near-duplicate: %s", finding.as_dict())
    except IndexUnavailable as exc:
        log.warning("near-duplicate review waits: %s", exc)
        complete = False
    FollowUp.objects.filter(pk__in=[row.pk for row in rows if row.document_id in done]).delete()
    reviewed += [row.document_id for row in rows if row.document_id in done]
    return complete


def build_downloads(limit: int = 5) -> int:
    """Make the download files of a few changed documents; a failing one is retried, then given up."""
    built = 0
    for row in list(FollowUp.objects.filter(step=FollowUp.Step.DOWNLOADS).order_by("id")[:limit]):
        document = Document.objects.filter(pk=row.document_id).first()
        try:
            if document is not None:
                prepare(document)
        except Exception as exc:  # an exporter bug must not stop the worker; it is logged and retried
            log.exception("download files of document %s not made", row.document_id)
            if row.attempts + 1 < MAX_STEP_ATTEMPTS:
                FollowUp.objects.filter(pk=row.pk).update(attempts=row.attempts + 1, last_error=str(exc)[:1000])
                continue
        FollowUp.objects.filter(pk=row.pk).delete()
        built += document is not None
    return built


def waiting() -> dict[str, int]:
    """How much follow-up work waits, per step (for /healthz and `wenku worker --status`)."""
    counts = {"index": indexing.pending_count()}
    for step in FollowUp.Step:
        counts[step.value] = FollowUp.objects.filter(step=step).count()
    return counts


def oldest_waiting():
    """When the oldest work still waiting was queued (a job, an outbox row, a follow-up step), or None."""
    from wenku.jobs.models import ImportJob

    moments = [
        ImportJob.objects.filter(state__in=[ImportJob.State.QUEUED, ImportJob.State.RUNNING]).aggregate(
            first=Min("created")
        )["first"],
        DocumentChange.objects.aggregate(first=Min("created"))["first"],
        FollowUp.objects.aggregate(first=Min("created"))["first"],
    ]
    return min((m for m in moments if m is not None), default=None)

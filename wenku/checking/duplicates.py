"""Near-duplicates: a new document mostly (WENKU_DUPLICATE_SHARE %) contained in one older document.

Found after the document is in the library (so the whole text is at hand) and, for a batch, after the index holds
the batch: each document is compared only with older ones, so of two copies the later one is the duplicate.
What then happens is WENKU_DUPLICATE_POLICY: ``accept`` (record it; search shows one of them), ``flag`` (also
send the document to moderation) or ``reject`` (remove it again, saying which document it copies).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from django.conf import settings

from wenku.checking.fingerprints import Stream, recent, stream_of
from wenku.checking.index.base import IndexUnavailable
from wenku.checking.models import NearDuplicate
from wenku.checking.prefilter import LookedUp, look_up, older_candidates
from wenku.checking.registry import get_index, window
from wenku.checking.service import compare
from wenku.checking.sources import SourceText, load_sources
from wenku.library.models import Document, Status

log = logging.getLogger(__name__)

# A passage in this many documents still counts here: copies of one popular document must find each other.
_COMMON_FOR_DUPLICATES = 1000
# Copies share long passages; a news report quoting a speech, or two resolutions from one template, share
# shorter ones. Measured on the corpus pairs: every gov.cn/Wikisource pair keeps >= 0.88 of its text in runs of
# >= 50 stream characters, while pairs measured as partial overlaps fall below 0.8 (bench/results/near_duplicates.json).
DUPLICATE_MIN_RUN = 50
_SOURCES_COMPARED = 3  # the best candidates compared in full with a new document
# A review batch holds its documents' texts and streams (~16 bytes a code point) at once: at most this many.
_BATCH_CODE_POINTS = 2_000_000


@dataclass
class Finding:
    document_id: int
    document_title: str
    original_id: int
    original_title: str
    share: float
    action: str  # recorded | flagged | rejected

    def describe(self) -> str:
        return f"near-duplicate of 《{self.original_title}》 ({self.share:.0%})"

    def as_dict(self) -> dict:
        return {
            "id": self.document_id,
            "near_duplicate_of": self.original_id,
            "original_title": self.original_title,
            "share": round(self.share, 4),
            "action": self.action,
        }


def threshold() -> float:
    return settings.WENKU_DUPLICATE_SHARE / 100


def _compare(
    document_id: int,
    text: str,
    query: Stream,
    candidates: list[int] | None = None,
    loaded: Mapping[int, SourceText] | None = None,
    index: LookedUp | None = None,
) -> tuple[int, str, float] | None:
    """compare() with the older documents; ``candidates``: all that share enough fingerprints to be read, when
    the prefilter has found them (compare() then builds no seeds of other documents: same report, less work);
    ``loaded``: sources loaded already; ``index``: the batch's lookup, which answers the document's own."""
    report = compare(
        text,
        query,
        exclude={document_id},
        common_docs=_COMMON_FOR_DUPLICATES,
        max_candidates=_SOURCES_COMPARED,
        before=document_id,
        min_seed_share=threshold() / 2,
        join_gap=0,
        min_run=DUPLICATE_MIN_RUN,
        only=candidates,
        loaded=loaded,
        index=index,
    )
    if report.sources and report.sources[0].share >= threshold():
        best = report.sources[0]
        return best.id, best.title, best.share
    return None


def review_new_documents(document_ids: list[int]) -> list[Finding]:
    """Look for near-duplicates among newly imported documents and apply the policy; returns the findings."""
    findings: list[Finding] = []
    if get_index().needs_rebuild():
        log.warning("near-duplicate review skipped: the 查重 index needs `wenku reindex`")
        return findings
    try:
        for _, finding in review_documents(list(Document.objects.filter(pk__in=document_ids).order_by("pk"))):
            if finding is not None:
                findings.append(finding)
    except IndexUnavailable as exc:
        log.warning("near-duplicate review stopped: %s", exc)
    return findings


def review_documents(documents: list[Document]) -> Iterator[tuple[int, Finding | None]]:
    """Compare each of ``documents`` in turn with the older ones and apply WENKU_DUPLICATE_POLICY, yielding its id
    once it is done (a rejected copy is deleted: its pk is None then); a batch's texts are read in one query and
    their prefilter is one index lookup. Idempotent: reviewing a document again finds the same original and
    records the same thing. Raises IndexUnavailable when the 查重 index cannot answer (the review must then be
    done later, not skipped; the documents yielded before are done)."""
    for batch in _batches(documents):
        texts = Document.full_texts([document.pk for document in batch])
        queries = {document.pk: stream_of(texts[document.pk]) for document in batch}
        size = window()
        fingerprints = {
            document_id: recent.take(document_id, query, size)
            for document_id, query in queries.items()
            if len(query) >= DUPLICATE_MIN_RUN
        }
        looked_up = look_up(fingerprints, _COMMON_FOR_DUPLICATES)
        candidates = older_candidates(fingerprints, threshold() / 2, _COMMON_FOR_DUPLICATES, looked_up)
        # The sources compare() will read (the prefilter ranks as it does), each loaded once for the batch.
        loaded = load_sources(sorted({c for found in candidates.values() for c in found[:_SOURCES_COMPARED]}))
        for document in batch:
            found = None
            if candidates.get(document.pk):  # the usual case: no candidate, so compare() would find nothing
                pk = document.pk
                found = _compare(pk, texts[pk], queries[pk], candidates[pk], loaded, looked_up)
            document_id = document.pk
            yield document_id, _apply_policy(document, found)


def _batches(documents: list[Document]) -> Iterator[list[Document]]:
    """Consecutive runs of documents small enough to review together (texts and streams held at once)."""
    batch: list[Document] = []
    held = 0
    for document in documents:
        if batch and held + document.text_length > _BATCH_CODE_POINTS:
            yield batch
            batch, held = [], 0
        batch.append(document)
        held += document.text_length
    if batch:
        yield batch


def _apply_policy(document: Document, found: tuple[int, str, float] | None) -> Finding | None:
    if found is None:
        return None
    original_id, original_title, share = found
    policy = settings.WENKU_DUPLICATE_POLICY
    action = {"accept": "recorded", "flag": "flagged", "reject": "rejected"}[policy]
    finding = Finding(document.pk, document.title, original_id, original_title, share, action)
    if policy == "reject":
        document.delete()
        return finding
    NearDuplicate.objects.update_or_create(document=document, defaults={"original_id": original_id, "share": share})
    if policy == "flag" and document.status == Status.PUBLISHED:
        document.status = Status.PENDING
        document.save(update_fields=["status", "updated"])
    return finding


def recorded_findings(document_ids: list[int]) -> dict[int, Finding]:
    """Near-duplicates already recorded for these documents (by whichever process reviewed them)."""
    action = {"accept": "recorded", "flag": "flagged", "reject": "rejected"}[settings.WENKU_DUPLICATE_POLICY]
    return {
        link.document_id: Finding(
            link.document_id, link.document.title, link.original_id, link.original.title, link.share, action
        )
        for link in NearDuplicate.objects.filter(document_id__in=document_ids).select_related("document", "original")
    }


def similar_counts(document_ids: list[int], user) -> tuple[set[int], dict[int, list[Document]]]:
    """For a list of results: which of them to fold away and, for each original, its copies that ``user`` may
    see. A result is folded only under an original that is itself shown among these results: a copy whose
    original is elsewhere (not matched, on another results page, itself folded) stays, or nothing would show."""
    visible = Document.objects.listed_for(user)
    originals = dict(
        NearDuplicate.objects.filter(
            document_id__in=document_ids, original_id__in=document_ids, original__in=visible
        ).values_list("document_id", "original_id")
    )
    shown: dict[int, bool] = {}

    def is_shown(document_id: int) -> bool:  # a copy of a copy stays when the copy it copies is folded
        chain = []
        while document_id in originals and document_id not in shown and document_id not in chain:
            chain.append(document_id)
            document_id = originals[document_id]
        result = shown.get(document_id, True)
        for link in reversed(chain):
            result = not result
            shown[link] = result
        return shown.get(chain[0], result) if chain else result

    folded = {d for d in originals if not is_shown(d)}
    copies: dict[int, list[Document]] = {}
    for link in (
        NearDuplicate.objects.filter(original_id__in=document_ids, document__in=visible)
        .select_related("document")
        .order_by("-share")
    ):
        copies.setdefault(link.original_id, []).append(link.document)
    return folded, copies

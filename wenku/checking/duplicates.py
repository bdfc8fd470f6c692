"""Near-duplicates: a new document mostly (WENKU_DUPLICATE_SHARE %) contained in one older document.

Found after the document is in the library (so the whole text is at hand) and, for a batch, after the index holds
the batch: each document is compared only with older ones, so of two copies the later one is the duplicate.
What then happens is WENKU_DUPLICATE_POLICY: ``accept`` (record it; search shows one of them), ``flag`` (also
send the document to moderation) or ``reject`` (remove it again, saying which document it copies).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings

from wenku.checking.fingerprints import stream_of
from wenku.checking.index.base import IndexUnavailable
from wenku.checking.models import NearDuplicate
from wenku.checking.prefilter import may_have_original
from wenku.checking.registry import get_index
from wenku.checking.service import compare
from wenku.library.models import Document, Status

log = logging.getLogger(__name__)

# A passage in this many documents still counts here: copies of one popular document must find each other.
_COMMON_FOR_DUPLICATES = 1000
# Copies share long passages; a news report quoting a speech, or two resolutions from one template, share
# shorter ones. Measured on the corpus pairs: every gov.cn/Wikisource pair keeps >= 0.88 of its text in runs of
# >= 50 stream characters, while pairs measured as partial overlaps fall below 0.8 (bench/results/near_duplicates.json).
DUPLICATE_MIN_RUN = 50


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


def find_original(document: Document) -> tuple[int, str, float] | None:
    """(id, title, share) of the older document that holds most of ``document``, if it holds enough."""
    text = document.full_text()
    query = stream_of(text)
    if len(query) < DUPLICATE_MIN_RUN:
        return None
    if not may_have_original(query, document.pk, threshold() / 2, _COMMON_FOR_DUPLICATES):
        return None  # the usual case, answered from the postings alone (compare() would find no candidate)
    report = compare(
        text,
        query,
        exclude={document.pk},
        common_docs=_COMMON_FOR_DUPLICATES,
        max_candidates=3,
        before=document.pk,
        min_seed_share=threshold() / 2,
        join_gap=0,
        min_run=DUPLICATE_MIN_RUN,
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
    for document in Document.objects.filter(pk__in=document_ids).order_by("pk"):
        try:
            finding = review_document(document)
        except IndexUnavailable as exc:
            log.warning("near-duplicate review stopped: %s", exc)
            break
        if finding is not None:
            findings.append(finding)
    return findings


def review_document(document: Document) -> Finding | None:
    """Compare one document with the older ones and apply WENKU_DUPLICATE_POLICY. Idempotent: reviewing a
    document again finds the same original and records the same thing. Raises IndexUnavailable when the 查重
    index cannot answer (the review must then be done later, not skipped)."""
    found = find_original(document)
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

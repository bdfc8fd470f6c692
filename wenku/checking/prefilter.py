"""A cheap first look for the near-duplicate review (checking.duplicates.find_original).

compare() reads, as candidate originals, only the older documents that share at least ``min_share`` of the
text's fingerprints (counted in distinct stream positions, as matching.rank_candidates counts them). Most newly
imported documents have no such document, and finding that out needs only the index lookup: not the seeds of
every document sharing a fingerprint, which compare() builds first. This answers the same question from the
postings alone, so the review skips compare() exactly when compare() would find nothing.
"""

from __future__ import annotations

import numpy as np

from wenku.checking.fingerprints import Stream, winnow
from wenku.checking.registry import get_index, window


def may_have_original(query: Stream, document_id: int, min_share: float, common_docs: int) -> bool:
    """Whether some document older than ``document_id`` shares at least ``min_share`` of the fingerprints of
    ``query`` (fingerprints held by more than ``common_docs`` postings do not count, as in find_seeds)."""
    fingerprints = winnow(query, window())
    total = len(fingerprints.positions)
    if not total:
        return False
    unique, inverse = np.unique(fingerprints.hashes, return_inverse=True)
    postings = get_index().lookup(unique, common_docs)
    older = postings.documents < document_id
    if not np.any(older):
        return False
    documents = postings.documents[older].astype(np.int64)
    hashes = postings.query[older].astype(np.int64)
    pairs = np.unique(documents * len(unique) + hashes)  # each (document, hash) once
    positions_per_hash = np.bincount(inverse, minlength=len(unique))  # query positions holding each hash
    documents, shared = np.unique(pairs // len(unique), return_inverse=True)
    positions = np.bincount(shared, weights=positions_per_hash[pairs % len(unique)])
    return bool(positions.max() >= min_share * total)

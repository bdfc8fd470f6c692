"""A cheap first look for the near-duplicate review (checking.duplicates).

compare() reads, as candidate originals, only the older documents that share at least ``min_share`` of the
text's fingerprints (counted in distinct stream positions, as matching.rank_candidates counts them). Most newly
imported documents have no such document, and finding that out needs only the index lookup: not the seeds of
every document sharing a fingerprint, which compare() builds first. This answers the same question from the
postings alone, so the review skips compare() exactly when compare() would find nothing; and it answers it for
a batch of documents with one lookup of all their fingerprints.
"""

from __future__ import annotations

import numpy as np

from wenku.checking.fingerprints import Fingerprints, Stream, distinct, winnow
from wenku.checking.registry import get_index, window


def may_have_original(query: Stream, document_id: int, min_share: float, common_docs: int) -> bool:
    """Whether some document older than ``document_id`` shares at least ``min_share`` of the fingerprints of
    ``query`` (fingerprints held by more than ``common_docs`` postings do not count, as in find_seeds)."""
    fingerprints = winnow(query, window())
    return bool(older_candidates({document_id: fingerprints}, min_share, common_docs)[document_id])


def older_candidates(queries: dict[int, Fingerprints], min_share: float, common_docs: int) -> dict[int, list[int]]:
    """For each document id and its fingerprints: the documents with smaller ids that share at least
    ``min_share`` of them, ranked as rank_candidates ranks them (most shared positions first, then by id)."""
    found: dict[int, list[int]] = {document_id: [] for document_id in queries}
    ids = np.array(list(queries), dtype=np.int64)
    sizes = np.array([len(f.hashes) for f in queries.values()], dtype=np.int64)
    if not sizes.sum():
        return found
    all_hashes = np.concatenate([f.hashes for f in queries.values()])
    owner = np.repeat(np.arange(len(ids), dtype=np.int64), sizes)  # which query each fingerprint is of
    unique, inverse = np.unique(all_hashes, return_inverse=True)
    n = len(unique)
    postings = get_index().lookup(unique, common_docs)
    if not len(postings.query):
        return found
    # Each (query, hash) once, with how many of the query's positions hold the hash.
    held, positions_per_hash = np.unique(owner * n + inverse.reshape(-1), return_counts=True)
    held_query, held_hash = np.divmod(held, n)
    # Each (document, hash) posting once, of documents older than some query, joined with the queries holding
    # that hash (held_hash[by_hash] is sorted, so the queries of hash h start at cumsum(count)[h] - count[h]).
    candidate = postings.documents < ids.max()
    pair_document, pair_hash = np.divmod(
        distinct(postings.documents[candidate].astype(np.int64) * n + postings.query[candidate].astype(np.int64)), n
    )
    by_hash = np.argsort(held_hash, kind="stable")
    count = np.bincount(held_hash, minlength=n)
    lengths = count[pair_hash]
    left = (np.cumsum(count) - count)[pair_hash]
    ends = np.cumsum(lengths)
    at = by_hash[
        np.arange(int(ends[-1]) if len(ends) else 0) - np.repeat(ends - lengths, lengths) + np.repeat(left, lengths)
    ]
    query, document, weight = held_query[at], np.repeat(pair_document, lengths), positions_per_hash[at]
    older = document < ids[query]
    query, document, weight = query[older], document[older], weight[older]
    if not len(query):
        return found
    span = int(document.max()) + 1
    keys, shared = np.unique(query * span + document, return_inverse=True)
    positions = np.bincount(shared.reshape(-1), weights=weight)  # distinct query positions per (query, document)
    key_query, key_document = np.divmod(keys, span)
    enough = positions >= min_share * sizes[key_query]
    key_query, key_document, positions = key_query[enough], key_document[enough], positions[enough]
    for i in np.lexsort((key_document, -positions, key_query)).tolist():
        found[int(ids[key_query[i]])].append(int(key_document[i]))
    return found

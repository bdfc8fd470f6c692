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
from wenku.checking.index.base import Postings
from wenku.checking.registry import get_index, window


def may_have_original(query: Stream, document_id: int, min_share: float, common_docs: int) -> bool:
    """Whether some document older than ``document_id`` shares at least ``min_share`` of the fingerprints of
    ``query`` (fingerprints held by more than ``common_docs`` postings do not count, as in find_seeds)."""
    fingerprints = winnow(query, window())
    return bool(older_candidates({document_id: fingerprints}, min_share, common_docs)[document_id])


class LookedUp:
    """The postings of a batch's fingerprints, looked up once. Also a stand-in for the index in compare() for a
    document of the batch: a lookup of some of these hashes (with the same ``max_count``) is answered from here,
    any other from the index. The review compared each document with one more lookup of its own hashes; on
    PostgreSQL that was a query of tens of milliseconds for a document with copies in the library."""

    def __init__(self, index, all_hashes: np.ndarray, max_count: int) -> None:
        self.index, self.max_count = index, max_count
        self.hashes, inverse = np.unique(all_hashes, return_inverse=True)
        self.inverse = inverse.reshape(-1)  # where each of all_hashes is in self.hashes
        postings = index.lookup(self.hashes, max_count)
        order = np.argsort(postings.query, kind="stable")
        self.counts = postings.counts
        self.query, self.documents, self.positions = (
            postings.query[order],
            postings.documents[order],
            postings.positions[order],
        )
        held = np.arange(len(self.hashes))
        self._starts = np.searchsorted(self.query, held, "left")
        self._ends = np.searchsorted(self.query, held, "right")

    def lookup(self, hashes: np.ndarray, max_count: int) -> Postings:
        hashes = np.asarray(hashes, dtype=np.int64)
        at = np.searchsorted(self.hashes, hashes)
        held = len(self.hashes) and np.array_equal(self.hashes[np.minimum(at, len(self.hashes) - 1)], hashes)
        if max_count != self.max_count or not held:
            return self.index.lookup(hashes, max_count)
        lengths = self._ends[at] - self._starts[at]
        ends = np.cumsum(lengths)
        rows = np.arange(int(ends[-1]) if len(ends) else 0) - np.repeat(ends - lengths, lengths)
        rows += np.repeat(self._starts[at], lengths)
        return Postings(
            self.counts[at], np.repeat(np.arange(len(hashes)), lengths), self.documents[rows], self.positions[rows]
        )


def look_up(queries: dict[int, Fingerprints], common_docs: int) -> LookedUp:
    """One lookup of every fingerprint of these documents' (document id -> fingerprints)."""
    all_hashes = np.concatenate([f.hashes for f in queries.values()]) if queries else np.zeros(0, dtype=np.int64)
    return LookedUp(get_index(), all_hashes.astype(np.int64), common_docs)


def older_candidates(
    queries: dict[int, Fingerprints], min_share: float, common_docs: int, looked_up: LookedUp | None = None
) -> dict[int, list[int]]:
    """For each document id and its fingerprints: the documents with smaller ids that share at least
    ``min_share`` of them, ranked as rank_candidates ranks them (most shared positions first, then by id).
    ``looked_up``: look_up() of the same queries and common_docs, if already made."""
    found: dict[int, list[int]] = {document_id: [] for document_id in queries}
    ids = np.array(list(queries), dtype=np.int64)
    sizes = np.array([len(f.hashes) for f in queries.values()], dtype=np.int64)
    if not sizes.sum():
        return found
    owner = np.repeat(np.arange(len(ids), dtype=np.int64), sizes)  # which query each fingerprint is of
    looked_up = looked_up or look_up(queries, common_docs)
    inverse, n, postings = looked_up.inverse, len(looked_up.hashes), looked_up
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

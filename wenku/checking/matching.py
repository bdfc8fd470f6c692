"""From a text to the passages it shares with library documents.

1. Winnow the submission's stream and look its fingerprints up in the index. A fingerprint held by more than
   ``common_docs`` postings is a stock phrase (套话): it seeds nothing and is shown as a common phrase.
2. Every other shared fingerprint is a seed (query position, document, source position). Documents are ranked
   by how many seeds they share; the best ``max_candidates`` are read.
3. Each seed is grown into the exact maximal passage both streams share (wenku.checking.extension); seeds that
   fall inside a passage already found on the same diagonal are skipped. Passages shorter than ``min_run``
   stream characters are dropped, and passages of one source separated by a few characters (a word inserted or
   changed) are joined into one match.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from wenku.checking.extension import extend
from wenku.checking.fingerprints import K, Stream, winnow
from wenku.checking.index.base import FingerprintIndex, Postings

JOIN_GAP = 4  # stream characters: runs of one source this close together are one match


@dataclass
class Run:
    """A shared passage in stream coordinates: query [q_start, q_end), source [s_start, s_end)."""

    q_start: int
    q_end: int
    s_start: int
    s_end: int


@dataclass
class Seeds:
    """Shared fingerprints, grouped by document."""

    by_document: dict[int, np.ndarray]  # document id -> array of (query position, source position), sorted
    common_positions: np.ndarray  # query stream positions of fingerprints too common to count
    total: int = 0  # fingerprints of the query


def find_seeds(
    query: Stream,
    index: FingerprintIndex,
    window: int,
    common_docs: int,
    exclude: set[int] = frozenset(),
    only: Collection[int] | None = None,
) -> Seeds:
    """``only``: seeds of these documents alone (a caller that knows its candidates skips the others' seeds)."""
    fingerprints = winnow(query, window)
    if not len(fingerprints.hashes):
        return Seeds({}, np.zeros(0, dtype=np.int64), 0)
    unique, inverse = np.unique(fingerprints.hashes, return_inverse=True)
    postings = index.lookup(unique, common_docs)
    common_positions = fingerprints.positions[postings.counts[inverse] > common_docs].astype(np.int64)
    if only is not None:
        wanted = np.isin(postings.documents, np.fromiter(only, dtype=np.int64))
        postings = Postings(
            postings.counts, postings.query[wanted], postings.documents[wanted], postings.positions[wanted]
        )
    if not len(postings.query):
        return Seeds({}, common_positions, len(fingerprints.positions))
    # Every query position holding the posting's hash (usually one) pairs with the posting.
    order = np.argsort(inverse, kind="stable")
    positions_by_hash = fingerprints.positions[order].astype(np.int64)
    per_hash = np.bincount(inverse, minlength=len(unique))
    first = np.concatenate([[0], np.cumsum(per_hash)[:-1]])
    repeats = per_hash[postings.query]
    total = int(repeats.sum())
    ends = np.cumsum(repeats)
    within = np.arange(total) - np.repeat(ends - repeats, repeats)
    query_positions = positions_by_hash[np.repeat(first[postings.query], repeats) + within]
    documents = np.repeat(postings.documents, repeats)
    source_positions = np.repeat(postings.positions, repeats)
    by_document: dict[int, np.ndarray] = {}
    order = np.lexsort((query_positions, source_positions - query_positions, documents))
    documents, query_positions, source_positions = documents[order], query_positions[order], source_positions[order]
    boundaries = np.flatnonzero(np.diff(documents)) + 1
    for part in np.split(np.arange(len(documents)), boundaries):
        document_id = int(documents[part[0]])
        if document_id not in exclude:
            by_document[document_id] = np.stack([query_positions[part], source_positions[part]], axis=1)
    return Seeds(by_document, common_positions, len(fingerprints.positions))


def rank_candidates(seeds: Seeds, limit: int, min_share: float = 0.0) -> list[int]:
    """Documents sharing the most distinct query positions first (at least ``min_share`` of the query's)."""
    needed = min_share * seeds.total
    scored = [(len(np.unique(pairs[:, 0])), document_id) for document_id, pairs in seeds.by_document.items()]
    scored = [item for item in scored if item[0] >= needed]
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [document_id for _, document_id in scored[:limit]]


def grow_runs(query: Stream, source: Stream, pairs: np.ndarray, min_run: int, join_gap: int = JOIN_GAP) -> list[Run]:
    """The maximal passages through the seeds (pairs sorted by diagonal, then query position); passages of the
    source closer than ``join_gap`` characters in both texts are joined."""
    query_key, source_key = query.key, source.key
    found: list[Run] = []
    last_diagonal, last_end = None, -1
    for q, s in pairs.tolist():
        diagonal = s - q
        if diagonal == last_diagonal and q < last_end:
            continue
        if s + K > len(source):  # the index is older than the document's text
            continue
        grown = extend(query_key, q, source_key, s, K)
        if grown is None:
            continue
        q_start, s_start, length = grown
        last_diagonal, last_end = diagonal, q_start + length
        if length >= min_run:
            found.append(Run(q_start, q_start + length, s_start, s_start + length))
    return _join_close(_drop_contained(found), join_gap)


def _drop_contained(runs: list[Run]) -> list[Run]:
    """One source passage per stretch of the query (a source repeating itself matches twice)."""
    runs.sort(key=lambda r: (r.q_start, -(r.q_end - r.q_start)))
    kept: list[Run] = []
    for run in runs:
        if kept and run.q_end <= kept[-1].q_end:
            continue
        kept.append(run)
    return kept


def _join_close(runs: list[Run], gap: int) -> list[Run]:
    joined: list[Run] = []
    for run in runs:
        if joined:
            last = joined[-1]
            if (0 <= run.q_start - last.q_end <= gap and 0 <= run.s_start - last.s_end <= gap) or (
                run.q_start < last.q_end and run.s_start - run.q_start == last.s_start - last.q_start
            ):
                joined[-1] = Run(last.q_start, max(last.q_end, run.q_end), last.s_start, max(last.s_end, run.s_end))
                continue
        joined.append(run)
    return joined

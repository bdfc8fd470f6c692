"""What a fingerprint index offers; both kinds pass tests/checking/test_index_contract.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from wenku.checking.fingerprints import K

FORMAT_VERSION = 1


def current_version(window: int) -> dict[str, int]:
    """What an index must have been built with to be used as it is."""
    from wenku.text import analysis

    return {"format": FORMAT_VERSION, "analyzer": analysis.NORMALIZE_VERSION, "k": K, "window": window}


@dataclass
class Postings:
    """For query hashes ``q``: ``counts[i]`` postings hold ``q[i]`` in the whole index; for the hashes that are
    not too common, each posting as (``query`` index into q, ``documents``, ``positions``)."""

    counts: np.ndarray
    query: np.ndarray
    documents: np.ndarray
    positions: np.ndarray

    @classmethod
    def only_counts(cls, counts: np.ndarray) -> Postings:
        """No postings returned (none wanted, or none held), only the counts."""
        zeros = np.zeros(0, dtype=np.int64)
        return cls(counts, zeros, zeros, zeros)


class IndexUnavailable(RuntimeError):
    """The index cannot be read: damaged, or its files removed while being opened, again and again."""


class PendingChanges:
    """What both indexes buffer between commits: each document's new fingerprints, or its deletion."""

    def __init__(self) -> None:
        self._added: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._deleted: set[int] = set()

    def add(self, document_id: int, hashes: np.ndarray, positions: np.ndarray) -> None:
        self._deleted.discard(document_id)
        self._added[document_id] = (hashes, positions)

    def delete(self, document_ids: list[int]) -> None:
        for document_id in document_ids:
            self._added.pop(document_id, None)
            self._deleted.add(document_id)

    def discard(self) -> None:
        """Forget what was added or deleted since the last commit."""
        self._added, self._deleted = {}, set()

    def _touched(self) -> list[int]:
        """Documents whose fingerprints the next commit replaces or removes."""
        return sorted(set(self._added) | self._deleted)


class FingerprintIndex(Protocol):
    def add(self, document_id: int, hashes: np.ndarray, positions: np.ndarray) -> None:
        """Add or replace a document's fingerprints (visible after commit)."""

    def delete(self, document_ids: list[int]) -> None: ...

    def commit(self) -> None: ...

    def discard(self) -> None:
        """Forget uncommitted changes (their batch failed)."""

    def clear(self) -> None: ...

    def lookup(self, hashes: np.ndarray, max_count: int) -> Postings:
        """Postings of unique ``hashes``; a hash held by more than ``max_count`` postings gets only its count."""

    def document_count(self) -> int: ...

    def needs_rebuild(self) -> bool: ...

    def mark_built(self) -> None: ...

"""Keeps the fingerprint index in step with the library: the search indexer hands every batch it applies from
the outbox to its followers (settings.WENKU_INDEX_FOLLOWERS), so both indexes see the same documents."""

from __future__ import annotations

from wenku.checking.fingerprints import K, recent, winnow_many_with_digests
from wenku.checking.registry import get_index, window


class FingerprintFollower:
    name = "fingerprints"

    def upsert(self, documents) -> None:
        index, size = get_index(), window()
        texts = ["\n".join(document.pages) for document in documents]
        for document, (fingerprints, digest) in zip(documents, winnow_many_with_digests(texts, size), strict=True):
            index.add(document.id, fingerprints.hashes, fingerprints.positions)
            recent.remember(document.id, digest, size, K, fingerprints)  # for its near-duplicate review

    def delete(self, document_ids: list[int]) -> None:
        get_index().delete(document_ids)

    def commit(self) -> None:
        get_index().commit()

    def discard(self) -> None:
        get_index().discard()

    def clear(self) -> None:
        get_index().clear()

    def needs_rebuild(self) -> bool:
        return get_index().needs_rebuild()

    def mark_built(self) -> None:
        get_index().mark_built()

"""The fingerprint index as a PostgreSQL table, for sites whose app processes share no disk."""

from __future__ import annotations

import numpy as np
from django.db import connection, transaction

from wenku.checking.index.base import PendingChanges, Postings
from wenku.checking.models import Fingerprint, IndexState

_TABLE = Fingerprint._meta.db_table


class PostgresFingerprintIndex(PendingChanges):
    def __init__(self, version: dict[str, int]) -> None:
        super().__init__()
        self.version = version

    def commit(self) -> None:
        if not self._added and not self._deleted:
            return
        touched = self._touched()
        with transaction.atomic(), connection.cursor() as cursor:
            # One writer at a time: two processes applying the same outbox entry would both insert.
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", ["wenku:fingerprints:write"])
            cursor.execute(f"DELETE FROM {_TABLE} WHERE document_id = ANY(%s)", [touched])
            with cursor.cursor.copy(f"COPY {_TABLE} (hash, document_id, position) FROM STDIN") as copy:
                for document_id, (hashes, positions) in self._added.items():
                    for h, p in zip(hashes.tolist(), positions.tolist(), strict=True):
                        copy.write_row((h, document_id, p))
        self.discard()

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {_TABLE}")
        IndexState.objects.filter(key="fingerprints").delete()
        self.discard()

    def lookup(self, hashes: np.ndarray, max_count: int) -> Postings:
        hashes = np.asarray(hashes, dtype=np.int64)
        if not len(hashes):
            return Postings.only_counts(np.zeros(0, dtype=np.int64))
        where = {h: i for i, h in enumerate(hashes.tolist())}
        counts = np.zeros(len(hashes), dtype=np.int64)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT hash, count(DISTINCT document_id) FROM {_TABLE} WHERE hash = ANY(%s) GROUP BY hash",
                [list(where)],
            )
            for h, n in cursor.fetchall():
                counts[where[h]] = n
            wanted = [h for h, i in where.items() if 0 < counts[i] <= max_count]
            rows: list[tuple[int, int, int]] = []
            if wanted:
                cursor.execute(f"SELECT hash, document_id, position FROM {_TABLE} WHERE hash = ANY(%s)", [wanted])
                rows = cursor.fetchall()
        if not rows:
            return Postings.only_counts(counts)
        table = np.array(rows, dtype=np.int64)
        query = np.array([where[h] for h in table[:, 0].tolist()], dtype=np.int64)
        return Postings(counts, query, table[:, 1].copy(), table[:, 2].copy())

    def document_count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(DISTINCT document_id) FROM {_TABLE}")
            return cursor.fetchone()[0]

    def needs_rebuild(self) -> bool:
        state = IndexState.objects.filter(key="fingerprints").first()
        return state is None or state.value != self.version

    def mark_built(self) -> None:
        IndexState.objects.update_or_create(key="fingerprints", defaults={"value": self.version})

"""The fingerprint index as files in the data dir: immutable sorted segments plus a manifest.

Each commit writes one segment (three .npy arrays sorted by hash: hashes, documents, positions, and the segment's
document ids) and then replaces ``manifest.json`` atomically, under an exclusive file lock, so any number of
processes read consistent states and writers take turns. A document replaced or deleted leaves a *tombstone*
(document id, segment number): its postings in segments numbered below it are dead. Segments are memory-mapped;
when there are too many, the small ones are merged and dead postings dropped.
"""

from __future__ import annotations

import fcntl
import json
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from wenku.checking.index.base import IndexUnavailable, PendingChanges, Postings

MAX_SEGMENTS = 8
_RECOUNT_FACTOR = 8
_OPEN_ATTEMPTS = 5


_ARRAYS = ("hashes", "documents", "positions", "docids")


@dataclass
class _Segment:
    number: int
    hashes: np.ndarray
    documents: np.ndarray
    positions: np.ndarray
    docids: np.ndarray


class FileFingerprintIndex(PendingChanges):
    def __init__(self, directory: Path, version: dict[str, int]) -> None:
        super().__init__()
        self.directory = Path(directory)
        self.version = version
        self._state_key: tuple[int, int] | None = None
        self._segments: list[_Segment] = []
        self._tombstones = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))

    # ---- writing
    def commit(self) -> None:
        if not self._added and not self._deleted:
            return
        with self._locked():
            manifest = self._read_manifest()
            number = manifest["next"]
            segments = [self._open_segment(n) for n in manifest["segments"]]
            touched = np.array(self._touched(), dtype=np.int64)
            existing = np.zeros(0, dtype=np.int64)
            if len(touched):
                present = [touched[np.isin(touched, s.docids)] for s in segments]
                existing = np.unique(np.concatenate(present)) if present else existing
            if self._added:
                self._write_segment(number, self._added)
                manifest["segments"].append(number)
            tomb_docs, tomb_numbers = self._load_tombstones(manifest)
            if len(existing):
                keep = ~np.isin(tomb_docs, existing)
                tomb_docs = np.concatenate([tomb_docs[keep], existing])
                tomb_numbers = np.concatenate([tomb_numbers[keep], np.full(len(existing), number, dtype=np.int64)])
                order = np.argsort(tomb_docs)
                tomb_docs, tomb_numbers = tomb_docs[order], tomb_numbers[order]
            manifest["next"] = number + 1
            self._save_tombstones(manifest, tomb_docs, tomb_numbers)
            if len(manifest["segments"]) > MAX_SEGMENTS:
                self._merge(manifest)
            self._write_manifest(manifest)
        self.discard()

    def clear(self) -> None:
        with self._locked():
            for path in self.directory.glob("seg-*"):
                path.unlink()
            for path in self.directory.glob("tombstones-*"):
                path.unlink()
            self._write_manifest(self._new_manifest())
        self.discard()

    def needs_rebuild(self) -> bool:
        """True when the index is missing, damaged, unfinished or of another version."""
        try:
            manifest = json.loads((self.directory / "manifest.json").read_text())
            return manifest.get("version") != self.version or not manifest.get("built")
        except (OSError, ValueError, AttributeError):
            return True

    def mark_built(self) -> None:
        with self._locked():
            manifest = self._read_manifest()
            manifest["built"] = True
            self._write_manifest(manifest)

    # ---- reading
    def lookup(self, hashes: np.ndarray, max_count: int) -> Postings:
        self._refresh()
        hashes = np.asarray(hashes, dtype=np.int64)
        counts = np.zeros(len(hashes), dtype=np.int64)
        bounds = []
        for segment in self._segments:
            left = np.searchsorted(segment.hashes, hashes, "left")
            right = np.searchsorted(segment.hashes, hashes, "right")
            counts += right - left
            bounds.append((segment, left, right))
        # Counts are of postings; where that passes max_count, count documents (one document repeating a
        # passage does not make it a stock phrase). Far above it, postings are documents enough.
        recount = (counts > max_count) & (counts <= _RECOUNT_FACTOR * max_count)
        if recount.any():
            queries, documents, _ = self._gather(bounds, recount, len(hashes))
            pairs = np.unique(np.stack([queries, documents], axis=1), axis=0) if len(queries) else np.zeros((0, 2))
            counts[recount] = np.bincount(pairs[:, 0].astype(np.int64), minlength=len(hashes))[recount]
        return Postings(counts, *self._gather(bounds, counts <= max_count, len(hashes)))

    def _gather(self, bounds, wanted: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The live postings of the wanted query hashes: (query index, document, position) arrays."""
        queries, documents, positions = [], [], []
        for segment, left, right in bounds:
            lengths = np.where(wanted, right - left, 0)
            total = int(lengths.sum())
            if not total:
                continue
            ends = np.cumsum(lengths)
            index = np.arange(total) - np.repeat(ends - lengths, lengths) + np.repeat(left, lengths)
            docs = segment.documents[index].astype(np.int64)
            alive = self._alive(docs, segment.number)
            queries.append(np.repeat(np.arange(n), lengths)[alive])
            documents.append(docs[alive])
            positions.append(segment.positions[index][alive].astype(np.int64))
        if not queries:
            return tuple(np.zeros(0, dtype=np.int64) for _ in range(3))
        return np.concatenate(queries), np.concatenate(documents), np.concatenate(positions)

    def document_count(self) -> int:
        self._refresh()
        if not self._segments:
            return 0
        docs = np.unique(np.concatenate([s.docids for s in self._segments]))
        alive = np.zeros(len(docs), dtype=bool)
        for segment in self._segments:
            in_segment = np.isin(docs, segment.docids)
            alive |= in_segment & self._alive(docs, segment.number)
        return int(alive.sum())

    def _alive(self, documents: np.ndarray, segment_number: int) -> np.ndarray:
        tomb_docs, tomb_numbers = self._tombstones
        if not len(tomb_docs):
            return np.ones(len(documents), dtype=bool)
        at = np.searchsorted(tomb_docs, documents)
        at_clipped = np.minimum(at, len(tomb_docs) - 1)
        hit = tomb_docs[at_clipped] == documents
        return ~(hit & (tomb_numbers[at_clipped] > segment_number))

    def _refresh(self) -> None:
        """Re-open the segments when another process (or this one) has committed since we last looked."""
        path = self.directory / "manifest.json"
        try:
            stat = path.stat()
        except FileNotFoundError:
            self._segments, self._state_key = [], None
            return
        key = (stat.st_mtime_ns, stat.st_ino)
        if key == self._state_key:
            return
        for _ in range(_OPEN_ATTEMPTS):
            # Unlocked: a writer may replace the manifest and remove the files it named meanwhile; then the
            # new manifest names files that exist, so read it again.
            try:
                manifest = json.loads(path.read_text())
                self._segments = [self._open_segment(n) for n in manifest["segments"]]
                self._tombstones = self._load_tombstones(manifest)
            except FileNotFoundError:
                continue
            except (ValueError, KeyError, OSError) as exc:
                raise IndexUnavailable(
                    f"the 查重 index in {self.directory} is damaged ({exc}): run wenku reindex"
                ) from exc
            self._state_key = key
            return
        raise IndexUnavailable(f"the 查重 index in {self.directory} kept changing while being opened")

    # ---- files
    def _new_manifest(self) -> dict:
        return {"version": self.version, "built": False, "segments": [], "next": 1, "tombstones": None}

    def _read_manifest(self) -> dict:
        path = self.directory / "manifest.json"
        if not path.exists():
            return self._new_manifest()
        return json.loads(path.read_text())

    def _write_manifest(self, manifest: dict) -> None:
        temporary = self.directory / "manifest.json.tmp"
        temporary.write_text(json.dumps(manifest))
        os.replace(temporary, self.directory / "manifest.json")
        self._cleanup(manifest)

    def _cleanup(self, manifest: dict) -> None:
        """Remove files no manifest names any more (readers holding them mapped keep reading them)."""
        live = {f"seg-{n}" for n in manifest["segments"]}
        for path in self.directory.glob("seg-*"):
            if path.name.split(".")[0] not in live:
                path.unlink(missing_ok=True)
        for path in self.directory.glob("tombstones-*"):
            if path.name.split(".")[0] != manifest.get("tombstones"):
                path.unlink(missing_ok=True)

    def _write_segment(self, number: int, added: dict[int, tuple[np.ndarray, np.ndarray]]) -> None:
        hashes = np.concatenate([h for h, _ in added.values()]) if added else np.zeros(0, dtype=np.int64)
        positions = np.concatenate([p for _, p in added.values()]).astype(np.int32)
        documents = np.concatenate([np.full(len(h), d, dtype=np.int64) for d, (h, _) in added.items()])
        order = np.argsort(hashes, kind="stable")
        self._save_segment(
            number,
            hashes[order],
            documents[order].astype(np.int32),
            positions[order],
            np.array(sorted(added), dtype=np.int64),
        )

    def _save_segment(self, number, hashes, documents, positions, docids) -> None:
        for name, array in zip(_ARRAYS, (hashes, documents, positions, docids), strict=True):
            with open(self.directory / f"seg-{number}.{name}.npy", "wb") as file:
                np.save(file, array)
                file.flush()
                os.fsync(file.fileno())

    def _open_segment(self, number: int) -> _Segment:
        arrays = [np.load(self.directory / f"seg-{number}.{name}.npy", mmap_mode="r") for name in _ARRAYS]
        return _Segment(number, *arrays)

    def _load_tombstones(self, manifest: dict) -> tuple[np.ndarray, np.ndarray]:
        name = manifest.get("tombstones")
        if not name:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        both = np.load(self.directory / f"{name}.npy")
        return both[0].copy(), both[1].copy()

    def _save_tombstones(self, manifest: dict, documents: np.ndarray, numbers: np.ndarray) -> None:
        if not len(documents):
            manifest["tombstones"] = None
            return
        name = f"tombstones-{manifest['next']}"
        np.save(self.directory / f"{name}.npy", np.stack([documents, numbers]))
        manifest["tombstones"] = name

    def _merge(self, manifest: dict) -> None:
        """Merge all segments but a dominant largest one into a new segment, dropping dead postings."""
        segments = [self._open_segment(n) for n in manifest["segments"]]
        sizes = [len(s.hashes) for s in segments]
        largest = max(range(len(segments)), key=sizes.__getitem__)
        if sizes[largest] * 2 < sum(sizes):
            largest = -1
        merging = [s for i, s in enumerate(segments) if i != largest]
        self._tombstones = self._load_tombstones(manifest)
        parts, docids = [], []
        for segment in merging:
            alive = self._alive(np.asarray(segment.documents, dtype=np.int64), segment.number)
            parts.append((segment.hashes[alive], segment.documents[alive], segment.positions[alive]))
            # Documents too short for any fingerprint stay listed, so document_count() is the same after a merge.
            docids.append(segment.docids[self._alive(np.asarray(segment.docids, dtype=np.int64), segment.number)])
        hashes = np.concatenate([p[0] for p in parts])
        documents = np.concatenate([p[1] for p in parts])
        positions = np.concatenate([p[2] for p in parts])
        order = np.argsort(hashes, kind="stable")
        number = manifest["next"]
        manifest["next"] = number + 1
        listed = np.unique(np.concatenate(docids)).astype(np.int64)
        self._save_segment(number, hashes[order], documents[order], positions[order], listed)
        kept = [segments[largest].number] if largest >= 0 else []
        manifest["segments"] = [*kept, number]
        if not kept:  # everything was merged: no postings are dead any more
            manifest["tombstones"] = None

    @contextmanager
    def _locked(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / "lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

"""The one import pipeline every entry point calls: `wenku import`, `wenku serve --demo`, upload jobs (web, API,
查重's 同时加入文库).

1. preflight, convert, exact duplicates, paginate and articles, store with the outbox rows (ingest.importer);
2. the follow-up steps for the stored documents (jobs.follow_ups): index, then near-duplicate review; the
   download files are left to the worker. A crash between 1 and 2 loses nothing: the outbox rows were stored
   with the documents, and the worker (or the next import) does the steps.

A large import of many files does step 2 while it does step 1: a second process (jobs.settler) indexes and
reviews what is stored while the next files are imported, and the last settle only has the rest to do.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from wenku.checking.duplicates import Finding
from wenku.ingest.errors import ImportRefused
from wenku.ingest.importer import ImportOptions, ImportResult, import_bytes, import_file, iter_files
from wenku.jobs import follow_ups
from wenku.jobs.settler import Settler


@dataclass
class Imported:
    results: list[ImportResult] = field(default_factory=list)
    indexed: int = 0  # documents the index applied (these and any others waiting)
    findings: dict[int, Finding] = field(default_factory=dict)  # near-duplicates found, by document id
    settle_seconds: float = 0.0  # the follow-up steps' share of the time


def import_files(
    paths: Iterable[str | os.PathLike],
    options: ImportOptions,
    on_result: Callable[[ImportResult], None] | None = None,
    on_file: Callable[[Path], None] | None = None,
) -> Imported:
    """Import files and folders (walked recursively), then settle what was stored (a large import partly while
    it runs, see jobs.settler)."""
    imported = Imported()
    files = list(iter_files(paths))
    settler = Settler()
    try:
        settler.expect(len(files), sum(_size(path) for path in files))
        for number, path in enumerate(files, start=1):
            results = import_file(path, options)
            for result in results:
                imported.results.append(result)
                if on_result:
                    on_result(result)
            if on_file:
                on_file(path)
            stored = sum(r.chars or 0 for r in results if r.status == "imported")
            settler.stored_more(stored, more_to_come=number < len(files))
        imported_at = time.perf_counter()
        indexed_ahead, settled_ahead = settler.finish()
    except BaseException:
        settler.stop()
        raise
    settle(imported)
    imported.indexed += indexed_ahead
    imported.findings = dict(sorted({**settled_ahead, **imported.findings}.items()))
    imported.settle_seconds = time.perf_counter() - imported_at  # the wait for the child included
    return imported


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # its import says why
        return 0


def import_data(data: bytes, name: str, options: ImportOptions) -> Imported:
    """Import the bytes of one stored file (an upload job), then settle what was stored."""
    try:
        results = import_bytes(data, name, options)
    except ImportRefused as exc:
        results = [ImportResult(name, "failed", reason=str(exc))]
    return settle(Imported(results=results))


def settle(imported: Imported) -> Imported:
    started = time.perf_counter()
    ids = [r.id for r in imported.results if r.status == "imported" and r.id]
    imported.indexed, imported.findings = follow_ups.settle(ids)
    imported.settle_seconds = time.perf_counter() - started
    return imported

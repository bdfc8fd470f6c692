"""Settle a large import while it runs: a second process indexes and reviews what the importing process stores.

`wenku import` of many files would otherwise import everything on one core, then index and review everything on
one core. Once an import has stored WENKU_IMPORT_SETTLE_AHEAD characters (or at once, when its files hold three
times as many bytes), it starts this child (``python -c … child()``): the child applies the index outbox and
reviews near-duplicates in rounds, the same idempotent steps as `wenku worker` (jobs.follow_ups), while the
parent goes on importing.

When the parent has stored everything it closes the child's stdin, and the two change roles so that both cores
stay busy to the end: the child says it has stopped reviewing (``{"reviews": "parent"}``) and indexes the rest
in chunks of at most WENKU_IMPORT_SETTLE_CHUNK documents (halving towards the end), committing each; the parent
reviews each chunk as soon as it is committed (a review needs the indexes to hold the document and every older
one), instead of waiting for all of the indexing and then reviewing alone. (On the development corpus the last
review took 3.9 s on one core after the last 6 s of indexing.)

The child writes each finding and how many documents it indexed to stdout as JSON lines, which a thread of the
parent reads as they come: the parent reports near-duplicates that the child reviewed (a rejected copy is
deleted, so the database alone would not say).

Nothing depends on the child: the parent settles whatever is still waiting after it (the outboxes are durable),
so a child that crashes, is killed, or cannot start only costs the overlap.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import subprocess
import sys
import threading

from django.conf import settings

from wenku.checking.duplicates import Finding
from wenku.jobs import follow_ups
from wenku.jobs.supervisor import die_with_parent
from wenku.search import indexing

log = logging.getLogger(__name__)
_IDLE = 0.2  # seconds between rounds when the last one found nothing to do
_BYTES_PER_CHARACTER = 3  # UTF-8 Chinese: files this many times WENKU_IMPORT_SETTLE_AHEAD start the child at once
_PARENT_REVIEWS = 1000  # documents reviewed before looking again whether the roles changed
_POLL = 0.05  # seconds the parent waits for the child's next commit when nothing is left to review


class Settler:
    """The parent's side: start the child once the import is large enough, collect its findings at the end."""

    def __init__(self, ahead: int | None = None) -> None:
        self.ahead = settings.WENKU_IMPORT_SETTLE_AHEAD if ahead is None else ahead
        self.stored = 0  # characters (字) the import stored so far
        self.process: subprocess.Popen | None = None
        self.reader: threading.Thread | None = None
        self.indexed = 0
        self.findings: dict[int, Finding] = {}
        self.reviews_handed_over = threading.Event()

    def expect(self, files: int, file_bytes: int) -> None:
        """Start the child at once when the files to import are clearly large enough (it then starts before the
        first file is stored instead of after, and is ready when the first documents are)."""
        if self.process is None and self.ahead and files > 1 and file_bytes >= _BYTES_PER_CHARACTER * self.ahead:
            self._start()

    def stored_more(self, characters: int, more_to_come: bool) -> None:
        """Count what the import stored; start the child when it is worth it (0 turns this off)."""
        self.stored += characters
        if self.process is None and self.ahead and more_to_come and self.stored >= self.ahead:
            self._start()

    def _start(self) -> None:
        command = [sys.executable, "-c", "import django; django.setup(); from wenku.jobs.settler import child; child()"]
        try:  # the child inherits the environment, DJANGO_SETTINGS_MODULE included (set before Django was)
            self.process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, preexec_fn=die_with_parent
            )
        except OSError as exc:  # no fork left, say: the parent settles alone
            log.warning("import settler not started: %s", exc)
            return
        log.info("import settler started (pid %d)", self.process.pid)
        self.reader = threading.Thread(target=self._read, name="wenku-settler-reader", daemon=True)
        self.reader.start()

    def _read(self) -> None:
        """Take in what the child says as it says it (a full pipe would stop the child)."""
        for line in self.process.stdout:
            try:
                said = json.loads(line)
                self.indexed += said.get("indexed", 0)
                if said.get("reviews") == "parent":
                    self.reviews_handed_over.set()
                if "finding" in said:
                    finding = Finding(**said["finding"])
                    self.findings[finding.document_id] = finding
            except (ValueError, TypeError, AttributeError):
                continue  # not ours (a library printing to stdout): the parent's own settle covers it

    def finish(self) -> tuple[int, dict[int, Finding]]:
        """Tell the child that everything is stored, review behind its last indexing (once it has stopped
        reviewing), and wait for it: how many documents it indexed, and the findings of both."""
        if self.process is None:
            return 0, {}
        self.process.stdin.close()
        while self.process.poll() is None:
            if self.reviews_handed_over.is_set():
                findings, reviewed = follow_ups.review_due(limit=_PARENT_REVIEWS)
                self.findings.update(findings)
                if reviewed:
                    continue
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(_POLL)
        self.reader.join()
        if self.process.returncode:
            log.warning("import settler exited with %s; the import settles the rest itself", self.process.returncode)
        return self.indexed, self.findings

    def stop(self) -> None:
        """On an error in the parent: stop the child without waiting for its last round."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait()


def child() -> None:
    """The child's side (Django set up): rounds of index then review until stdin is closed; then the reviews are
    the parent's, and the rest is indexed in commits of at most WENKU_IMPORT_SETTLE_CHUNK documents."""
    everything_stored = threading.Event()

    def wait_for_eof() -> None:
        while sys.stdin.buffer.read(4096):
            pass
        everything_stored.set()

    threading.Thread(target=wait_for_eof, name="wenku-settler-stdin", daemon=True).start()
    _warm_up()
    # Documents indexed per round and commit (WENKU_IMPORT_SETTLE_CHUNK). Each commit makes a tantivy segment, and
    # tantivy merges all of the small ones again once there are 8 (a merge of the whole development corpus held up
    # its last commit 4.7 s): an import of that size should commit fewer times than that.
    chunk = settings.WENKU_IMPORT_SETTLE_CHUNK
    while not everything_stored.is_set():  # a round per chunk of documents stored (the parent may finish any time)
        if indexing.pending_count() < chunk:
            everything_stored.wait(_IDLE)
            continue
        _say([{"indexed": follow_ups.apply_index(limit=chunk)}])
        while not everything_stored.is_set():  # in slices: once everything is stored, the reviews are the parent's
            findings, reviewed = follow_ups.review_due(limit=_PARENT_REVIEWS)
            _say([{"finding": dataclasses.asdict(f)} for f in findings.values()])
            if len(reviewed) < _PARENT_REVIEWS:
                break
    _say([{"reviews": "parent"}])
    while indexed := follow_ups.apply_index(limit=_last_chunks(chunk, indexing.pending_count())):
        _say([{"indexed": indexed}])


def _last_chunks(chunk: int, waiting: int) -> int:
    """Once everything is stored: chunks that halve down to a fifth of ``chunk``, so that what is left after the
    last commit (the parent's review of that chunk, on one core) is small."""
    return min(chunk, max(chunk // 5, waiting // 2, 1))


def _warm_up() -> None:
    """Load now what the first round needs (the segmenter's dictionary, the analyzer's and the fingerprints'
    tables, both indexes, the URL map), while the import stores the first documents: about a second of work that
    would otherwise come when both cores are busy."""
    from wenku.checking.fingerprints import stream_of
    from wenku.checking.registry import get_index
    from wenku.checking.sources import page_url
    from wenku.search.registry import get_backend
    from wenku.text.analysis import index_tokens

    sample = "预热：分词词典、分析表和指纹表。" * 20  # long enough for the vectorised analysis
    index_tokens(sample)
    stream_of(sample)
    page_url(1, 2)
    get_backend()
    get_index().needs_rebuild()


def _say(lines: list[dict]) -> None:
    sys.stdout.write("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines))
    sys.stdout.flush()

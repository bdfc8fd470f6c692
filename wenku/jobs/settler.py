"""Settle a large import while it runs: a second process indexes and reviews what the importing process stores.

`wenku import` of many files would otherwise import everything on one core, then index and review everything on
one core. Once an import has stored WENKU_IMPORT_SETTLE_AHEAD characters, it starts this child
(``python -c … child()``): the child applies the index outbox and reviews near-duplicates in rounds, the
same idempotent steps as `wenku worker` (jobs.follow_ups), while the parent goes on importing. The parent closes
the child's stdin when it has stored everything; the child then does a last round and exits. It writes each
finding (and how many documents each round indexed) to stdout as a JSON line, which a thread of the parent reads
as it comes: the parent reports near-duplicates that the child reviewed (a rejected copy is deleted, so the
database alone would not say).

Nothing depends on the child: the parent settles whatever is still waiting after it (the outboxes are durable),
so a child that crashes, is killed, or cannot start only costs the overlap.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import subprocess
import sys
import threading

from django.conf import settings

from wenku.checking.duplicates import Finding
from wenku.jobs.supervisor import die_with_parent

log = logging.getLogger(__name__)
_IDLE = 0.2  # seconds between rounds when the last one found nothing to do


class Settler:
    """The parent's side: start the child once the import is large enough, collect its findings at the end."""

    def __init__(self, ahead: int | None = None) -> None:
        self.ahead = settings.WENKU_IMPORT_SETTLE_AHEAD if ahead is None else ahead
        self.stored = 0  # characters (字) the import stored so far
        self.process: subprocess.Popen | None = None
        self.reader: threading.Thread | None = None
        self.indexed = 0
        self.findings: dict[int, Finding] = {}

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
                if "finding" in said:
                    finding = Finding(**said["finding"])
                    self.findings[finding.document_id] = finding
            except (ValueError, TypeError, AttributeError):
                continue  # not ours (a library printing to stdout): the parent's own settle covers it

    def finish(self) -> tuple[int, dict[int, Finding]]:
        """Tell the child that everything is stored and wait for its last round: how many documents it indexed,
        and its findings."""
        if self.process is None:
            return 0, {}
        self.process.stdin.close()
        status = self.process.wait()
        self.reader.join()
        if status:
            log.warning("import settler exited with %s; the import settles the rest itself", status)
        return self.indexed, self.findings

    def stop(self) -> None:
        """On an error in the parent: stop the child without waiting for its last round."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait()


def child() -> None:
    """The child's side (Django set up): rounds of index then review until stdin is closed and a last round is
    done."""
    from wenku.jobs import follow_ups

    everything_stored = threading.Event()

    def wait_for_eof() -> None:
        while sys.stdin.buffer.read(4096):
            pass
        everything_stored.set()

    threading.Thread(target=wait_for_eof, name="wenku-settler-stdin", daemon=True).start()
    while True:
        last_round = everything_stored.is_set()
        indexed = follow_ups.apply_index()
        findings, reviewed = follow_ups.review_due(limit=100_000)
        said = [{"indexed": indexed}, *({"finding": dataclasses.asdict(f)} for f in findings.values())]
        sys.stdout.write("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in said))
        sys.stdout.flush()
        if last_round:
            return
        if not (indexed or reviewed):
            everything_stored.wait(_IDLE)

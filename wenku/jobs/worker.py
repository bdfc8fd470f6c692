"""`wenku worker`: import jobs first, then the follow-up steps, in a loop; a heartbeat keeps its leases alive.

SIGTERM or SIGINT stops it after the job in hand. A worker killed outright (kill -9, out of memory) loses
nothing: its job's lease runs out and another worker (or itself, restarted) takes the job again, and the outbox
rows of the documents it stored are still there for the follow-up steps.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time

from django.conf import settings
from django.db import close_old_connections, connection, connections
from django.db.models import F
from django.utils import timezone

from wenku.jobs import follow_ups, runner
from wenku.jobs.models import WorkerBeat

log = logging.getLogger(__name__)
_ERROR_PAUSE = 5.0  # seconds before a round that failed is tried again


class Worker:
    def __init__(self, idle_sleep: float = 1.0, heartbeat: bool = True) -> None:
        """``heartbeat`` off: no second thread keeps leases alive (only where nothing else takes jobs: tests that
        run a worker inside their own database transaction)."""
        self.name = runner.worker_name()
        self.idle_sleep = idle_sleep
        self.heartbeat = heartbeat
        self.stopping = threading.Event()
        self.current_job: int | None = None

    def stop(self, *_args) -> None:
        self.stopping.set()

    def run(self, once: bool = False) -> int:
        """Work until stopped (or, with ``once``, until nothing is left to do); returns the jobs done."""
        if threading.current_thread() is threading.main_thread():  # signals reach the main thread only
            signal.signal(signal.SIGTERM, self.stop)
            signal.signal(signal.SIGINT, self.stop)
        WorkerBeat.objects.update_or_create(
            name=self.name, defaults={"pid": os.getpid(), "started": timezone.now(), "seen": timezone.now()}
        )
        beat = threading.Thread(target=self._beat, name="wenku-worker-beat", daemon=True)
        if self.heartbeat:
            beat.start()
        jobs = 0
        try:
            while not self.stopping.is_set():
                if not connection.in_atomic_block:
                    close_old_connections()  # a connection past CONN_MAX_AGE or broken is opened afresh
                try:
                    if self._one_job():
                        jobs += 1
                        continue
                    if follow_ups.run_due().anything:
                        continue
                except Exception:  # the database away, a race lost: logged; the outboxes keep the work
                    log.exception("worker round failed; trying again")
                    if once:
                        raise
                    self.stopping.wait(max(self.idle_sleep, _ERROR_PAUSE))
                    continue
                if once:
                    break
                self.stopping.wait(self.idle_sleep)
        finally:
            self.stopping.set()
            if beat.is_alive():
                beat.join(timeout=5)
            WorkerBeat.objects.filter(name=self.name).delete()
        return jobs

    def _one_job(self) -> bool:
        job = runner.claim(self.name)
        if job is None:
            return False
        self.current_job = job.pk
        started = time.monotonic()
        try:
            runner.run(job)
        except Exception:  # an unexpected error fails this attempt; the lease brings the job back, up to the limit
            log.exception("import job %s failed", job.pk)
        finally:
            self.current_job = None
        WorkerBeat.objects.filter(name=self.name).update(jobs_done=F("jobs_done") + 1, seen=timezone.now())
        log.info("import job %s done in %.1f s", job.pk, time.monotonic() - started)
        return True

    def _beat(self) -> None:
        """Every few seconds: say this worker lives, and keep the lease of the job in hand."""
        interval = max(1.0, settings.WENKU_JOB_LEASE / 4)
        try:
            while not self.stopping.wait(interval):
                try:
                    WorkerBeat.objects.filter(name=self.name).update(seen=timezone.now())
                    if self.current_job is not None:
                        runner.extend_lease(self.current_job, self.name)
                except Exception:  # the database may be away for a moment; the next beat tries again
                    log.warning("worker heartbeat failed", exc_info=True)
        finally:
            connections.close_all()

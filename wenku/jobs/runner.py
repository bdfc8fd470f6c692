"""Queue, claim and run import jobs: the web side stores the original and a row, a worker does the import.

The import itself is the one pipeline every entry point uses (ingest.importer: preflight, convert, exact
duplicates, paginate and articles, store with its outbox rows), followed by the follow-up steps for its
documents (jobs.pipeline.settle: index, near-duplicate review), so a job's results say what happened to each
document, near-duplicates included.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wenku.checking.duplicates import Finding
from wenku.ingest.importer import ImportOptions, ImportResult
from wenku.jobs import pipeline
from wenku.jobs.models import ImportJob
from wenku.jobs.originals import discard_if_unused
from wenku.library.models import Document
from wenku.uploads import quotas

log = logging.getLogger(__name__)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def enqueue(*, user, name: str, original: str, sha256: str, size: int, options: ImportOptions) -> ImportJob:
    """A job for an original already stored in the data dir (ingest.originals.store_upload)."""
    return ImportJob.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        name=name[:255],
        original=original,
        sha256=sha256,
        size=size,
        options=asdict(options),
    )


def claim(worker: str) -> ImportJob | None:
    """The oldest job no live worker holds, now held by ``worker`` (an UPDATE that only one process can win)."""
    free = Q(state=ImportJob.State.QUEUED) | Q(state=ImportJob.State.RUNNING, lease_until__lt=timezone.now())
    for job_id, attempts in ImportJob.objects.filter(free).order_by("id").values_list("id", "attempts")[:10]:
        if attempts >= settings.WENKU_JOB_ATTEMPTS:
            _give_up(job_id, attempts)
            continue
        taken = _take(free, job_id, attempts, worker)
        if taken is not None:
            return taken
    return None


def _take(free: Q, job_id: int, attempts: int, worker: str) -> ImportJob | None:
    """The job, now held by ``worker`` under a fresh lease, if it is still ``free`` as seen (one UPDATE wins)."""
    now = timezone.now()
    won = ImportJob.objects.filter(free, pk=job_id, attempts=attempts).update(
        state=ImportJob.State.RUNNING,
        worker=worker,
        lease_until=now + timedelta(seconds=settings.WENKU_JOB_LEASE),
        attempts=attempts + 1,
        started=now,
    )
    return ImportJob.objects.get(pk=job_id) if won else None


def extend_lease(job_id: int, worker: str) -> None:
    until = timezone.now() + timedelta(seconds=settings.WENKU_JOB_LEASE)
    ImportJob.objects.filter(pk=job_id, worker=worker, state=ImportJob.State.RUNNING).update(lease_until=until)


def run(job: ImportJob) -> list[dict]:
    """Import the job's file and settle its documents; the results are stored on the job (state done)."""
    options = ImportOptions(**{**job.options, "max_documents": quotas.documents_left(job.user_id)})
    try:
        data = (Path(settings.DATA_DIR) / job.original).read_bytes()
    except FileNotFoundError:
        stored = pipeline.Imported([ImportResult(job.name, "failed", reason=_("the uploaded file is no longer here"))])
    else:
        try:
            stored = pipeline.import_data(data, job.name, options)
        except (OperationalError, InterfaceError):
            raise  # the database is away: the job stays leased and is taken again once it is back
        except Exception as exc:  # a bug or a value no database takes: this file fails, the worker goes on
            log.exception("import job %s failed", job.pk)
            reason = _("the import stopped with an error: %(error)s") % {"error": type(exc).__name__}
            stored = pipeline.Imported([ImportResult(job.name, "failed", reason=reason)])
    if job.attempts > 1:
        _own_earlier_attempt(job, stored.results)
    answer = [_result_dict(r, stored.findings.get(r.id)) for r in stored.results]
    finished = ImportJob.objects.filter(pk=job.pk, worker=job.worker, attempts=job.attempts).update(
        state=ImportJob.State.DONE, results=answer, finished=timezone.now(), lease_until=None
    )
    if not finished:
        log.warning("import job %s was taken over by another worker; its results stand", job.pk)
    discard_if_unused(job.original, ignore_job=job.pk)
    for result in answer:
        log.info("import job %s: %s", job.pk, result)
    return answer


def run_inline(job: ImportJob) -> list[dict]:
    """Claim and run ``job`` in this process (WENKU_RUN_JOBS_IN_REQUEST, and tests)."""
    taken = _take(Q(state=ImportJob.State.QUEUED), job.pk, job.attempts, worker_name())
    return run(taken) if taken is not None else ImportJob.objects.get(pk=job.pk).results


def _own_earlier_attempt(job: ImportJob, results: list[ImportResult]) -> None:
    """A retried job finds the documents its killed attempt stored as duplicates: they are its own imports."""
    ids = [r.id for r in results if r.status == "duplicate" and r.id]
    own = set(
        Document.objects.filter(pk__in=ids, uploader_id=job.user_id, created__gte=job.created).values_list(
            "id", flat=True
        )
    )
    for result in results:
        if result.id in own:
            document = Document.objects.get(pk=result.id)
            result.status, result.chars, result.pages = "imported", document.chars, document.page_count


def _result_dict(result: ImportResult, finding: Finding | None) -> dict:
    answer = result.as_dict()
    if finding is not None:
        answer["near_duplicate"] = asdict(finding)
    return answer


def _give_up(job_id: int, attempts: int) -> None:
    reason = _("the import stopped %(count)d times without finishing (the file may crash the converter)") % {
        "count": attempts
    }
    ImportJob.objects.filter(pk=job_id, attempts=attempts).update(
        state=ImportJob.State.FAILED,
        finished=timezone.now(),
        lease_until=None,
        results=[{"path": "", "status": "failed", "reason": reason}],
    )
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is not None:
        discard_if_unused(job.original, ignore_job=job_id)
    log.error("import job %s given up after %s attempts", job_id, attempts)


def results_of(job: ImportJob) -> list[tuple[ImportResult, Finding | None]]:
    """A finished job's results as the importer's objects (for the upload page and the API)."""
    pairs = []
    for entry in job.results:
        entry = dict(entry)
        finding = entry.pop("near_duplicate", None)
        entry["path"] = entry.get("path") or job.name
        pairs.append((ImportResult(**entry), Finding(**finding) if finding else None))
    return pairs

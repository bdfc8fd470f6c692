"""Uploaded files into the library for the web and the API: stored and queued as import jobs, which a worker
runs through the same importer as `wenku import`; the request waits a little for the results."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from wenku.checking.duplicates import Finding, recorded_findings
from wenku.ingest.errors import ImportRefused
from wenku.ingest.importer import ImportOptions, ImportResult, preflight
from wenku.ingest.originals import relative_to_data_dir, store_stream
from wenku.jobs import runner
from wenku.jobs.models import ImportJob
from wenku.jobs.originals import discard_if_unused
from wenku.library.models import Document, Status, Visibility
from wenku.text.storable import storable
from wenku.uploads import limits

logger = logging.getLogger(__name__)


@dataclass
class Outcome:
    """One result line of an upload: a document imported, a duplicate, or a failure."""

    name: str
    result: ImportResult
    document: Document | None = None  # set when the uploader may open it (never for someone else's private copy)
    near_duplicate: Finding | None = None  # mostly contained in an older document
    job: ImportJob | None = None  # set while the import is queued or running (status "queued" or "running")

    @property
    def status(self) -> str:
        return self.result.status

    @property
    def reason(self) -> str:
        return self.result.reason or ""

    @property
    def reason_zh(self) -> str:
        """The reason, already in the reader's language (ImportRefused is translated with gettext)."""
        return self.reason

    @property
    def hidden_duplicate(self) -> bool:
        """The same file is in the library, but as a document this uploader may not see: say so, name nothing."""
        return self.status == "duplicate" and self.document is None


def options_for(
    user, *, title: str = "", category: str = "", description: str = "", visibility: str = ""
) -> ImportOptions:
    """Import options for an upload by ``user``: staff publish at once, everyone else waits for moderation."""
    return ImportOptions(
        category=category.strip() or None,
        uploader_id=user.pk,
        visibility=visibility if visibility in Visibility.values else Visibility.PUBLIC,
        status=Status.PUBLISHED if user.is_staff else Status.PENDING,
        title=title.strip() or None,
        description=description.strip(),
    )


def refused_text(**fields: str) -> str | None:
    """Why one of these text fields cannot be stored, or None: a NUL (PostgreSQL refuses it in any text column)
    or a lone surrogate (no database can encode it). Said before anything is imported or written."""
    for field, value in fields.items():
        if value and not storable(value):
            return f"{field}: 含有不允许的字符（NUL 空字符或无效的 Unicode 代理字符），请删除后重试"
    return None


def queue_upload(upload: UploadedFile, options: ImportOptions, user) -> ImportJob | Outcome:
    """Store one uploaded file and queue its import job; what can be refused before that is a failed Outcome.

    The file is copied to the originals store in chunks (never whole in memory); the import runs in a worker."""
    try:
        return _queue(upload.name or "upload", upload.size, upload.chunks(), options, user)
    finally:
        upload.close()


def queue_bytes(data: bytes, name: str, options: ImportOptions, user) -> ImportJob | Outcome:
    """queue_upload for bytes at hand (查重's 同时加入文库)."""
    return _queue(name, len(data), [data], options, user)


def _queue(name: str, size: int | None, chunks, options: ImportOptions, user) -> ImportJob | Outcome:
    try:
        fmt = preflight(name, size)
        path, sha256, size = store_stream(chunks, fmt)
    except ImportRefused as exc:
        return Outcome(name, ImportResult(name, "failed", reason=str(exc)))
    return _enqueue(name, path, sha256, size, options, user)


def _enqueue(name: str, path, sha256: str, size: int, options: ImportOptions, user) -> ImportJob | Outcome:
    """The job for a stored original; a value the database refuses (only reachable past the field checks) fails
    the file and leaves no original behind."""
    original = relative_to_data_dir(path)
    try:
        with transaction.atomic():
            return runner.enqueue(user=user, name=name, original=original, sha256=sha256, size=size, options=options)
    except (DatabaseError, UnicodeError) as exc:
        discard_if_unused(original)
        reason = _("the database refused the upload: %(error)s") % {"error": type(exc).__name__}
        return Outcome(name, ImportResult(name, "failed", reason=reason))


def settle(queued: list[ImportJob | Outcome], user) -> list[Outcome]:
    """Outcomes of queued files in order, after waiting for their jobs together (wait_for)."""
    jobs = {job.pk: job for job in wait_for([q for q in queued if isinstance(q, ImportJob)])}
    lines: list[Outcome] = []
    for item in queued:
        lines.extend([item] if isinstance(item, Outcome) else job_outcomes(jobs[item.pk], user))
    return lines


def import_upload(upload: UploadedFile, options: ImportOptions, user) -> list[Outcome]:
    """Queue one uploaded file and wait for its job (up to WENKU_UPLOAD_WAIT seconds): its outcomes, or a
    "queued" outcome naming the job when it has not finished yet."""
    return settle([queue_upload(upload, options, user)], user)


def wait_for(jobs: list[ImportJob], seconds: float | None = None) -> list[ImportJob]:
    """The jobs again once all have finished, or when ``seconds`` (WENKU_UPLOAD_WAIT) have passed; with
    WENKU_RUN_JOBS_IN_REQUEST they are run here instead (tests, debugging)."""
    if settings.WENKU_RUN_JOBS_IN_REQUEST:
        for job in jobs:
            runner.run_inline(job)
        return [ImportJob.objects.get(pk=job.pk) for job in jobs]
    deadline = time.monotonic() + (settings.WENKU_UPLOAD_WAIT if seconds is None else seconds)
    ids = [job.pk for job in jobs]
    while True:
        fresh = {job.pk: job for job in ImportJob.objects.filter(pk__in=ids)}
        current = [fresh[i] for i in ids if i in fresh]
        if all(job.finished_state for job in current) or time.monotonic() >= deadline:
            return current
        time.sleep(_POLL_SECONDS)


_POLL_SECONDS = 0.1


def job_outcomes(job: ImportJob, user) -> list[Outcome]:
    """What the uploader is told about one job: its results, or that it is still queued or running."""
    if not job.finished_state:
        return [Outcome(job.name, ImportResult(job.name, job.state), job=job)]
    pairs = runner.results_of(job)
    results = [result for result, _ in pairs]
    findings = {f.document_id: f for _, f in pairs if f is not None}
    return outcomes(job.name, results, user, findings)


def refused_for_size(name: str) -> Outcome:
    """A file the upload handler dropped because it passed WENKU_MAX_FILE_MB while arriving."""
    return Outcome(name, ImportResult(name, "failed", reason=limits.too_large_reason()))


def outcomes(name: str, results: list[ImportResult], user, findings: dict[int, Finding] | None = None) -> list[Outcome]:
    """Result lines for ``user``: a document the near-duplicate review rejected is a failure naming its original;
    documents are linked only when ``user`` may open them. Near-duplicates another process reviewed first are
    read from what it recorded."""
    findings = dict(findings or {})
    for result in results:
        finding = findings.get(result.id)
        if finding is not None and finding.action == "rejected":
            result.status, result.id, result.reason = "failed", None, finding.describe()
    ids = [r.id for r in results if r.id]
    visible = {
        d.pk: d for d in Document.objects.openable_by(user).filter(pk__in=ids).select_related("category", "uploader")
    }
    for document_id, finding in recorded_findings([i for i in ids if i not in findings]).items():
        findings[document_id] = finding
    return [
        Outcome(name, r, visible.get(r.id) if r.id else None, findings.get(r.id) if r.id else None) for r in results
    ]

"""Uploading through the JSON API (POST /api/documents), mounted under /api/.

Who may upload: a logged-in user, by session (a browser: the CSRF token is required, as for any form) or by a
personal token (``Authorization: Bearer``, checked by wenku.accounts.auth), which needs no CSRF token.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import APIKeyCookie

from wenku.accounts.auth import BearerToken
from wenku.api.documents import DocumentOut, document_out
from wenku.jobs.models import ImportJob
from wenku.library.models import Document, Visibility
from wenku.uploads import limits, quotas
from wenku.uploads.importing import (
    Outcome,
    import_upload,
    job_outcomes,
    options_for,
    refused_for_size,
    refused_text,
)
from wenku.web.absolute import absolute_url

router = Router(tags=["upload"])


class _SignedIn:
    """Shared by both ways in: the user the middleware found, and the upload size limit put in place before
    ninja reads the body (authentication is the first thing ninja does with a request)."""

    def user_of(self, request):
        limits.install(request)
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated else None


class BearerUser(BearerToken):
    """A real personal token (checked by accounts), never just any Authorization header beside a session."""

    def authenticate(self, request, token: str):
        limits.install(request)
        return super().authenticate(request, token)


class SessionUser(_SignedIn, APIKeyCookie):
    """Django's session, with its CSRF check; a logged-out request is a 401, not a CSRF 403."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request):
        if self.user_of(request) is None:
            return None
        return super().__call__(request)

    def authenticate(self, request, key):
        return self.user_of(request)


class UploadedDocumentOut(DocumentOut):
    """GET /api/documents/{id}'s fields, the document's moderation state, and whether it was already there."""

    status: str
    visibility: str
    duplicate: bool
    near_duplicate: dict | None = None  # {near_duplicate_of, original_title, share, action} when it copies one


class UploadErrorOut(Schema):
    detail: str


class JobOut(Schema):
    """An import job: ``state`` is queued, running, done or failed; when done, ``documents`` and ``results``."""

    id: int
    state: str
    name: str
    url: str
    results: list[dict] = []
    documents: list[UploadedDocumentOut] = []


@router.post(
    "/documents",
    auth=[BearerUser(), SessionUser()],
    response={
        200: UploadedDocumentOut,
        201: UploadedDocumentOut,
        202: JobOut,
        400: UploadErrorOut,
        409: UploadErrorOut,
        429: UploadErrorOut,
    },
    summary="Upload a document",
)
def upload_document(
    request,
    file: File[UploadedFile] = None,
    title: Form[str] = "",
    category: Form[str] = "",
    description: Form[str] = "",
    visibility: Form[str] = Visibility.PUBLIC,
):
    """Multipart form: `file`, and optionally `title`, `category` (a name; created when new), `description`,
    `visibility` (public, unlisted or private).

    - **201**: imported; the document as GET /api/documents/{id} shows it, plus `status` (`pending` until staff
      approve it when the uploader is not staff, else `published`), `visibility` and `"duplicate": false`.
    - **200**: the same file is already in the library: that document, with `"duplicate": true`.
    - **409**: the same file is already in the library as a document this user may not see (nothing about it
      is told).
    - **400** `{"detail": reason}`: the file was refused (unsupported, empty, damaged, too large…).
    - **429** `{"detail": reason}`: the uploader's daily quota (files, MB or documents) is used up; nothing kept.
    - **202**: the file is stored and queued, and its import did not finish within WENKU_UPLOAD_WAIT seconds:
      the job (`GET /api/jobs/{id}` gives its state, then the same answers as above in `documents`/`results`).

    A JSONL file of several records imports them all and answers with the first document.
    """
    size_limit = limits.install(request)
    if file is None:
        dropped = size_limit.too_large("file")
        if dropped:
            return Status(400, {"detail": refused_for_size(dropped[0]).reason})
        return Status(400, {"detail": _("no file: send it as the multipart field 'file'")})
    if visibility not in Visibility.values:
        message = _("visibility must be one of: %(values)s") % {"values": ", ".join(Visibility.values)}
        return Status(400, {"detail": message})
    refused = refused_text(title=title, category=category, description=description)
    if refused:
        return Status(400, {"detail": refused})
    over_quota = quotas.refusal(request.user, 1, file.size or 0)
    if over_quota:
        return Status(429, {"detail": over_quota})
    options = options_for(request.user, title=title, category=category, description=description, visibility=visibility)
    outcomes = import_upload(file, options, request.user)
    unfinished = next((o.job for o in outcomes if o.job is not None), None)
    if unfinished is not None:
        return Status(202, _job_json(request, unfinished))
    return _answer(request, outcomes)


@router.get(
    "/jobs/{job_id}",
    auth=[BearerUser(), SessionUser()],
    response={200: JobOut, 404: UploadErrorOut},
    summary="An upload's import job",
)
def import_job(request, job_id: int):
    """The state of one of your upload's import jobs (staff: anyone's)."""
    jobs = ImportJob.objects.all() if request.user.is_staff else ImportJob.objects.filter(user=request.user)
    job = jobs.filter(pk=job_id).first() if job_id < 2**63 else None
    if job is None:
        return Status(404, {"detail": _("no such import job")})
    return Status(200, _job_json(request, job))


def _job_json(request, job: ImportJob) -> dict:
    answer = {
        "id": job.pk,
        "state": job.state,
        "name": job.name,
        "url": absolute_url(request, f"/api/jobs/{job.pk}"),
        "results": [],
        "documents": [],
    }
    if job.finished_state:
        for outcome in job_outcomes(job, request.user):
            answer["results"].append({"status": outcome.status, "reason": outcome.reason, "id": outcome.result.id})
            if outcome.document is not None:
                document = _document_json(request, outcome.document, duplicate=outcome.status == "duplicate")
                if outcome.near_duplicate is not None:
                    document["near_duplicate"] = outcome.near_duplicate.as_dict()
                answer["documents"].append(document)
    return answer


def _answer(request, outcomes: list[Outcome]):
    for status, code in (("imported", 201), ("duplicate", 200)):
        found = next((o for o in outcomes if o.status == status), None)
        if found is None:
            continue
        if found.document is None:
            return Status(409, {"detail": _("this file is already in the library (as a document you cannot see)")})
        answer = _document_json(request, found.document, duplicate=status == "duplicate")
        if found.near_duplicate is not None:
            answer["near_duplicate"] = found.near_duplicate.as_dict()
        return Status(code, answer)
    return Status(400, {"detail": outcomes[0].reason if outcomes else _("nothing imported")})


def _document_json(request, document: Document, duplicate: bool) -> dict:
    return {
        **document_out(request, document),
        "status": document.status,
        "visibility": document.visibility,
        "duplicate": duplicate,
    }

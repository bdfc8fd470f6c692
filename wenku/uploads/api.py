"""Uploading through the JSON API (POST /api/documents), mounted under /api/.

Who may upload: a logged-in user, by session (a browser: the CSRF token is required, as for any form) or by a
personal token (``Authorization: Bearer``, checked by wenku.accounts.auth), which needs no CSRF token.
"""

from __future__ import annotations

from django.conf import settings
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import APIKeyCookie

from wenku.accounts.auth import BearerToken
from wenku.api.documents import DocumentOut, document_out
from wenku.library.models import Document, Visibility
from wenku.uploads import limits
from wenku.uploads.importing import Outcome, import_upload, options_for, refused_for_size, refused_text

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


@router.post(
    "/documents",
    auth=[BearerUser(), SessionUser()],
    response={200: UploadedDocumentOut, 201: UploadedDocumentOut, 400: UploadErrorOut, 409: UploadErrorOut},
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

    A JSONL file of several records imports them all and answers with the first document.
    """
    size_limit = limits.install(request)
    if file is None:
        dropped = size_limit.too_large("file")
        if dropped:
            return Status(400, {"detail": refused_for_size(dropped[0]).reason})
        return Status(400, {"detail": "no file: send it as the multipart field 'file'"})
    if visibility not in Visibility.values:
        return Status(400, {"detail": f"visibility must be one of: {', '.join(Visibility.values)}"})
    refused = refused_text(title=title, category=category, description=description)
    if refused:
        return Status(400, {"detail": refused})
    options = options_for(request.user, title=title, category=category, description=description, visibility=visibility)
    outcomes = import_upload(file, options, request.user)
    return _answer(request, outcomes)


def _answer(request, outcomes: list[Outcome]):
    for status, code in (("imported", 201), ("duplicate", 200)):
        found = next((o for o in outcomes if o.status == status), None)
        if found is None:
            continue
        if found.document is None:
            return Status(409, {"detail": "this file is already in the library (as a document you cannot see)"})
        answer = _document_json(request, found.document, duplicate=status == "duplicate")
        if found.near_duplicate is not None:
            answer["near_duplicate"] = found.near_duplicate.as_dict()
        return Status(code, answer)
    return Status(400, {"detail": outcomes[0].reason if outcomes else "nothing imported"})


def _document_json(request, document: Document, duplicate: bool) -> dict:
    return {
        **document_out(request, document),
        "status": document.status,
        "visibility": document.visibility,
        "duplicate": duplicate,
    }

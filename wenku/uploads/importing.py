"""Uploaded files into the library, through the same importer as `wenku import`, for the web and the API."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile

from wenku.checking.duplicates import Finding, review_new_documents
from wenku.ingest import converters
from wenku.ingest.errors import ImportRefused
from wenku.ingest.importer import ImportOptions, ImportResult, import_bytes
from wenku.ingest.originals import original_path, relative_to_data_dir
from wenku.library.models import Document, Status, Visibility
from wenku.search.service import catch_up
from wenku.text.storable import storable
from wenku.uploads import limits
from wenku.uploads.reasons import in_chinese

logger = logging.getLogger(__name__)


@dataclass
class Outcome:
    """One result line of an upload: a document imported, a duplicate, or a failure."""

    name: str
    result: ImportResult
    document: Document | None = None  # set when the uploader may open it (never for someone else's private copy)
    near_duplicate: Finding | None = None  # mostly contained in an older document

    @property
    def status(self) -> str:
        return self.result.status

    @property
    def reason(self) -> str:
        return self.result.reason or ""

    @property
    def reason_zh(self) -> str:
        return in_chinese(self.result.reason)

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


def import_upload(upload: UploadedFile, options: ImportOptions, user) -> list[Outcome]:
    """Import one uploaded file; its size is checked before its bytes are read into memory."""
    name = upload.name or "upload"
    if upload.size is not None and upload.size > limits.max_bytes():
        return [Outcome(name, ImportResult(name, "failed", reason=limits.too_large_reason(upload.size)))]
    data = b""
    try:
        upload.seek(0)
        data = upload.read()
        results = import_bytes(data, name, options)
    except ImportRefused as exc:
        results = [ImportResult(name, "failed", reason=str(exc))]
    except BaseException:
        _discard_unused_original(data, name)  # the importer stopped half-way: keep no file no document uses
        raise
    finally:
        upload.close()
    return outcomes(name, results, user)


def _discard_unused_original(data: bytes, name: str) -> None:
    fmt = converters.format_of(name)
    if not data or fmt is None:
        return
    path = original_path(hashlib.sha256(data).hexdigest(), fmt)
    try:
        if path.exists() and not Document.objects.filter(original_file=relative_to_data_dir(path)).exists():
            path.unlink(missing_ok=True)
    except Exception:  # the database may be what failed; never hide the first error behind a second one
        logger.exception("could not check the original %s after a failed import", path)


def refused_for_size(name: str) -> Outcome:
    """A file the upload handler dropped because it passed WENKU_MAX_FILE_MB while arriving."""
    return Outcome(name, ImportResult(name, "failed", reason=limits.too_large_reason()))


def outcomes(name: str, results: list[ImportResult], user) -> list[Outcome]:
    findings = _near_duplicates([r.id for r in results if r.status == "imported" and r.id])
    for result in results:
        finding = findings.get(result.id)
        if finding is not None and finding.action == "rejected":
            result.status, result.id, result.reason = "failed", None, finding.describe()
    ids = [r.id for r in results if r.id]
    visible = {
        d.pk: d for d in Document.objects.openable_by(user).filter(pk__in=ids).select_related("category", "uploader")
    }
    return [
        Outcome(name, r, visible.get(r.id) if r.id else None, findings.get(r.id) if r.id else None) for r in results
    ]


def _near_duplicates(document_ids: list[int]) -> dict[int, Finding]:
    """Compare new uploads with the library (brought up to date first), applying WENKU_DUPLICATE_POLICY."""
    if not document_ids:
        return {}
    catch_up()  # other processes' recent imports are compared too, when the index writer is free
    return {f.document_id: f for f in review_new_documents(document_ids)}

"""Import files into the library: convert, dedupe by content hash, paginate, store in one transaction.

Every file ends as one or more ImportResults (JSONL files hold one document per record). A failure is a result
with a reason, never an exception that stops a batch, and never a half-written document.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.utils.translation import gettext_noop

from wenku.ingest import converters
from wenku.ingest.errors import ImportRefused
from wenku.ingest.extracted import Extracted, clean_title
from wenku.ingest.originals import relative_to_data_dir, store_original
from wenku.lib.rows import insert_rows
from wenku.library.articles import detected_articles
from wenku.library.models import Article, Category, Document, DocumentChange, FollowUp, Page, Status, Visibility
from wenku.ops.events import log_import_refused, logged_import
from wenku.text.counting import count_chars
from wenku.text.pagination import paginate

log = logging.getLogger(__name__)


@dataclass
class ImportResult:
    path: str
    status: str  # "imported" | "duplicate" | "failed"
    id: int | None = None
    title: str | None = None
    chars: int | None = None
    pages: int | None = None
    reason: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)

    def describe(self) -> str:
        """One line for `wenku import`, in the active language."""
        from django.utils.translation import gettext as _

        if self.status == "imported":
            message = _("imported 《%(title)s》 (%(chars)s 字, %(pages)s 页)")
            return message % {"title": self.title, "chars": self.chars, "pages": self.pages}
        if self.status == "duplicate":
            return _("duplicate of 《%(title)s》") % {"title": self.title}
        return _("failed: %(reason)s") % {"reason": self.reason}


@dataclass
class ImportOptions:
    category: str | None = None
    uploader_id: int | None = None
    visibility: str = Visibility.PUBLIC
    status: str = Status.PUBLISHED
    title: str | None = None  # overrides the detected title (single-document files only)
    description: str = ""
    max_documents: int | None = None  # a daily quota's remainder: records past it are refused (uploads.quotas)


def iter_files(paths: Iterable[str | os.PathLike]) -> Iterator[Path]:
    """Files under the given paths, folders walked recursively in a stable order, hidden entries skipped."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        yield Path(root) / name
        else:
            yield path


def import_paths(
    paths: Iterable[str | os.PathLike],
    options: ImportOptions | None = None,
    on_result: Callable[[ImportResult], None] | None = None,
) -> list[ImportResult]:
    results: list[ImportResult] = []
    for path in iter_files(paths):
        for result in import_file(path, options):
            results.append(result)
            if on_result:
                on_result(result)
    return results


def import_file(path: Path, options: ImportOptions | None = None) -> list[ImportResult]:
    options = options or ImportOptions()
    try:
        data = _read_checked(path)
        return import_bytes(data, path.name, options, display_path=str(path))
    except ImportRefused as exc:
        log_import_refused(str(path), exc)  # a refusal import_bytes raised is logged there already
        return [ImportResult(path=str(path), status="failed", reason=str(exc))]


@logged_import  # one "import" event per result or refusal (wenku/ops/events.py)
def import_bytes(data: bytes, name: str, options: ImportOptions, display_path: str | None = None) -> list[ImportResult]:
    """Import the bytes of one file named ``name`` (the web upload path enters here)."""
    display_path = display_path or name
    fmt = preflight(name, len(data))
    if not data.strip():
        raise ImportRefused(gettext_noop("empty file"))
    file_sha = hashlib.sha256(data).hexdigest()
    entries = converters.extract(fmt, data, name)
    original, newly_written = store_original(data, file_sha, fmt)
    source = _Source(fmt=fmt, name=name, original=relative_to_data_dir(original), display_path=display_path)
    results: list[ImportResult] = []
    try:
        for chunk_start in range(0, len(entries), _BATCH):
            chunk = _within_quota(entries[chunk_start : chunk_start + _BATCH], options, results)
            results.extend(_import_chunk(chunk, file_sha, source, options))
    except BaseException:
        if newly_written:  # stopped half-way: keep the file only if a document stored before the stop uses it
            _discard_unless_used(original, source.original)
        raise
    if newly_written and not any(r.status == "imported" for r in results):
        original.unlink(missing_ok=True)
    return results


def _within_quota(entries: list, options: ImportOptions, results: list[ImportResult]) -> list:
    """The chunk's entries, those past ``options.max_documents`` new documents refused with the reason."""
    if options.max_documents is None:
        return entries
    left = max(0, options.max_documents - sum(r.status == "imported" for r in results))
    refusal = ImportRefused(
        gettext_noop("daily document quota reached (%(limit)d new documents a day)"), limit=options.max_documents
    )
    return [e if i < left or isinstance(e, ImportRefused) else refusal for i, e in enumerate(entries)]


def _discard_unless_used(path: Path, relative: str) -> None:
    try:
        if not Document.objects.filter(original_file=relative).exists():
            path.unlink(missing_ok=True)
    except Exception:  # the database may be what failed: never hide the first error behind a second one
        log.exception("could not check the original %s after a failed import", path)


def preflight(name: str, size: int | None) -> str:
    """The format of a file named ``name`` of ``size`` bytes, or ImportRefused: all that can be decided before
    its bytes are read (an upload is refused here before it is stored)."""
    fmt = converters.format_of(name)
    if fmt is None:
        supported = " ".join(converters.SUPPORTED_EXTENSIONS)
        if not Path(name).suffix:
            raise ImportRefused(
                gettext_noop("unsupported format (no extension) (supported: %(supported)s)"), supported=supported
            )
        raise ImportRefused(
            gettext_noop("unsupported format %(ext)s (supported: %(supported)s)"),
            ext=Path(name).suffix,
            supported=supported,
        )
    if size == 0:
        raise ImportRefused(gettext_noop("empty file"))
    if size is not None:
        _check_size(size)
    return fmt


def _check_size(size: int) -> None:
    if size > settings.WENKU_MAX_FILE_MB * 1024 * 1024:
        raise ImportRefused(
            gettext_noop("file too large: %(size)s MB (limit %(limit)s MB)"),
            size=f"{size / (1024 * 1024):.1f}",
            limit=settings.WENKU_MAX_FILE_MB,
        )


FOLLOW_UPS = (FollowUp.Step.REVIEW, FollowUp.Step.DOWNLOADS)
_BATCH = 200  # documents per transaction: fast bulk inserts, and short write locks on SQLite


@dataclass
class _Source:
    fmt: str
    name: str
    original: str
    display_path: str


def _import_chunk(
    entries: list[Extracted | ImportRefused], file_sha: str, source: _Source, options: ImportOptions
) -> list[ImportResult]:
    """Dedupe, paginate and store a chunk of one file's documents; results in entry order."""
    shas = [
        None if isinstance(e, ImportRefused) else hashlib.sha256(e.raw).hexdigest() if e.raw is not None else file_sha
        for e in entries
    ]
    existing = dict(Document.objects.filter(sha256__in=[s for s in shas if s]).values_list("sha256", "id"))
    titles = dict(Document.objects.filter(id__in=existing.values()).values_list("id", "title"))
    category = Category.objects.named(options.category)
    results: list[ImportResult | None] = []
    pending: list[tuple[int, Document, list]] = []
    for entry, sha in zip(entries, shas, strict=True):
        if isinstance(entry, ImportRefused):
            results.append(ImportResult(path=source.display_path, status="failed", reason=str(entry)))
        elif sha in existing:
            doc_id = existing[sha]
            results.append(ImportResult(source.display_path, "duplicate", id=doc_id, title=titles.get(doc_id)))
        else:
            prepared = _prepare(entry, sha, source, options, category)
            if isinstance(prepared, ImportResult):
                results.append(prepared)
            else:
                existing[sha] = -1  # a second copy inside this chunk is a duplicate of the first
                pending.append((len(results), *prepared))
                results.append(None)
    for index, result in _save(pending, source):
        results[index] = result
    for index, result in enumerate(results):
        if result is None:  # duplicate of a document saved in this same chunk
            sha = shas[index]
            doc_id, title = Document.objects.filter(sha256=sha).values_list("id", "title").first() or (None, None)
            results[index] = ImportResult(source.display_path, "duplicate", id=doc_id, title=title)
    return [r for r in results if r is not None]


def _prepare(entry: Extracted, sha: str, source: _Source, options: ImportOptions, category: Category | None):
    """An unsaved Document and its pages, or a failed ImportResult."""
    text_length = sum(len(p) for p in entry.paragraphs) + max(0, len(entry.paragraphs) - 1)
    if text_length > settings.WENKU_MAX_TEXT_CHARS:
        limit = settings.WENKU_MAX_TEXT_CHARS
        message = gettext_noop("text too long: %(chars)s characters (limit %(limit)s)")
        reason = str(ImportRefused(message, chars=text_length, limit=limit))
        return ImportResult(path=source.display_path, status="failed", reason=reason)
    chars = count_chars("\n".join(entry.paragraphs))
    if chars == 0:
        if entry.record:
            reason = str(ImportRefused(gettext_noop("record %(record)s: no text found"), record=entry.record))
        else:
            reason = str(ImportRefused(gettext_noop("no text found")))
        return ImportResult(path=source.display_path, status="failed", reason=reason)
    pages = paginate(entry.paragraphs, settings.WENKU_PAGE_CHARS, settings.WENKU_PAGE_MAX_CODEPOINTS)
    title = clean_title(options.title) if options.title and entry.raw is None else None
    title = title or clean_title(entry.title) or Path(source.name).stem
    offsets, position = [], 0
    for index, paragraph in enumerate(entry.paragraphs):
        if index in entry.headings:
            offsets.append(position)
        position += len(paragraph) + 1
    document = Document(
        title=title,
        description=options.description,
        category=category,
        uploader_id=options.uploader_id,
        source_format=source.fmt,
        original_name=source.name[:255],
        original_file=source.original,
        original_record=entry.record,
        sha256=sha,
        chars=chars,
        text_length=text_length,
        page_count=len(pages),
        heading_offsets=offsets,
        visibility=options.visibility,
        status=options.status,
    )
    return document, pages


def _save(pending: list[tuple[int, Document, list]], source: _Source) -> list[tuple[int, ImportResult]]:
    """Store documents with their pages: all in one transaction, or one by one if that fails."""
    if not pending:
        return []
    try:
        with transaction.atomic():
            _insert([doc for _, doc, _ in pending], [pages for _, _, pages in pending])
    except DatabaseError as exc:
        if len(pending) > 1:  # find the one document the database refused; store the others
            return [saved for item in pending for saved in _save([item], source)]
        index, document, _ = pending[0]
        if isinstance(exc, IntegrityError):
            return [(index, _lost_race(document, source))]
        detail = f"{type(exc).__name__}: {exc}"[:250]
        reason = str(ImportRefused(gettext_noop("the database refused the document: %(detail)s"), detail=detail))
        return [(index, ImportResult(source.display_path, "failed", reason=reason))]
    return [
        (index, ImportResult(source.display_path, "imported", doc.pk, doc.title, doc.chars, doc.page_count))
        for index, doc, _ in pending
    ]


def _insert(documents: list[Document], page_lists: list[list]) -> None:
    for document in documents:
        document.pk = None
    Document.objects.bulk_create(documents)  # the one insert whose new ids are needed
    insert_rows(DocumentChange, ("document_id",), ((document.pk,) for document in documents))
    for step in FOLLOW_UPS:  # in this transaction: no document is stored without its follow-up work
        FollowUp.enqueue([document.pk for document in documents], step)
    insert_rows(
        Page,
        ("document", "number", "start", "text", "chars", "starts_mid_paragraph"),
        (
            (document.pk, page.number, page.start, page.text, page.chars, page.starts_mid_paragraph)
            for document, pages in zip(documents, page_lists, strict=True)
            for page in pages
        ),
    )
    insert_rows(
        Article,
        ("document", "title", "start", "page", "chars"),
        (
            (document.pk, article.title, article.start, article.page, article.chars)
            for document, pages in zip(documents, page_lists, strict=True)
            for article in detected_articles(document, pages)
        ),
    )


def _lost_race(document: Document, source: _Source) -> ImportResult:
    """Another process imported the same bytes between our check and our insert."""
    existing = Document.objects.filter(sha256=document.sha256).values_list("id", "title").first()
    if existing is None:
        return ImportResult(
            source.display_path, "failed", reason=str(ImportRefused(gettext_noop("could not store the document")))
        )
    return ImportResult(source.display_path, "duplicate", id=existing[0], title=existing[1])


def _read_checked(path: Path) -> bytes:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportRefused(gettext_noop("cannot read: %(detail)s"), detail=exc.strerror or exc) from None
    if not path.is_file():
        raise ImportRefused(gettext_noop("not a regular file"))
    _check_size(size)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ImportRefused(gettext_noop("cannot read: %(detail)s"), detail=exc.strerror or exc) from None

"""WENKU_MAX_FILE_MB for uploads: an oversized file is dropped while it arrives, never held whole.

Django streams uploads to temporary files, so a large file cannot exhaust memory; but without a limit it would
still fill the disk, and the importer would then read it into memory. ``SizeLimitHandler`` runs before Django's
own handlers: once a file passes the limit it raises SkipFile, Django discards the rest of that file's bytes as
they come, and the file is named in ``too_large`` so that the page can say why it is missing. The other files of
the same request go on normally. Django's own limits (DATA_UPLOAD_MAX_MEMORY_SIZE) concern form fields only.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload

MB = 1024 * 1024


def max_bytes() -> int:
    return settings.WENKU_MAX_FILE_MB * MB


def too_large_reason(size: int | None = None) -> str:
    """The reason, worded as the importer words it for `wenku import` (the API returns it as is)."""
    from django.utils.translation import gettext_noop

    from wenku.ingest.errors import ImportRefused

    limit = settings.WENKU_MAX_FILE_MB
    if size is None:
        return str(
            ImportRefused(gettext_noop("file too large: more than %(limit)s MB (limit %(limit)s MB)"), limit=limit)
        )
    return str(
        ImportRefused(
            gettext_noop("file too large: %(size)s MB (limit %(limit)s MB)"), size=f"{size / MB:.1f}", limit=limit
        )
    )


class SizeLimitHandler(FileUploadHandler):
    """``max_files``: file parts one request may send (/check/ takes one); at the next one the upload stops, its
    bytes and the rest of the request are read and thrown away, and ``too_many`` says so. Otherwise Django's
    DATA_UPLOAD_MAX_NUMBER_FILES (WENKU_MAX_UPLOAD_FILES) bounds them."""

    def __init__(self, request=None, limit: int | None = None, max_files: int | None = None) -> None:
        super().__init__(request)
        self.limit = limit if limit is not None else max_bytes()
        self.max_files = max_files
        self.too_many = False
        self.arrived: list[list] = []  # [field name, file name, too large] of each file, in the order sent

    def new_file(self, field_name, file_name, *args, **kwargs) -> None:
        if self.max_files is not None and len(self.arrived) >= self.max_files:
            self.too_many = True
            raise StopUpload(connection_reset=False)
        super().new_file(field_name, file_name, *args, **kwargs)
        self.arrived.append([field_name, file_name, False])

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            self.arrived[-1][2] = True
            raise SkipFile()
        return raw_data

    def too_large(self, field_name: str) -> list[str]:
        return [name for field, name, dropped in self.arrived if field == field_name and dropped]

    def file_complete(self, file_size: int) -> None:
        return None  # the file itself comes from the handlers after this one


def install(request, max_files: int | None = None) -> SizeLimitHandler:
    """Put the limits in front of the request's upload handlers; must run before anything reads the body."""
    handler = getattr(request, "_wenku_size_limit", None)
    if handler is None:
        handler = SizeLimitHandler(request, max_files=max_files)
        request._wenku_size_limit = handler
        if not hasattr(request, "_files"):  # the body is still unread
            request.upload_handlers.insert(0, handler)
    return handler

"""Generated downloads kept on disk: a .docx of a long document takes seconds of CPU, so it is made once.

A file is kept at ``<data dir>/downloads/<document id>/<format>-v<generator version>-<updated>.<ext>``: the
document's ``updated`` time changes with every save (title, articles, policy), so an edited document gets a new
file and the old one is removed; raising GENERATOR_VERSION when an exporter changes its output does the same for
every document. A file is written under a temporary name and renamed into place, so a reader never sees half a
file, and two first requests at once each write a whole file, the last rename winning. The file handed out is
already open, so removing an older variant while it is being sent does no harm.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db.models.signals import post_delete
from django.dispatch import receiver

from wenku.downloads import exporters
from wenku.library.models import Document

GENERATOR_VERSION = 1  # raise when an exporter's output changes: files made by the old one are then not served
_NAME = re.compile(r"^(?P<fmt>[a-z]+)-v(?P<version>\d+)-(?P<stamp>\d+)\.[a-z]+$")
_STALE_PART_SECONDS = 3600  # a temporary file this old belongs to a request that died


def directory_of(document_id: int) -> Path:
    return Path(settings.DATA_DIR) / "downloads" / str(document_id)


def _stamp(document: Document) -> int:
    """``updated`` in microseconds since the epoch: the same instant always gives the same name."""
    updated = document.updated
    return int(updated.timestamp()) * 1_000_000 + updated.microsecond


def cached_path(fmt: str, document: Document) -> Path:
    extension = exporters.FORMATS[fmt].extension
    return directory_of(document.pk) / f"{fmt}-v{GENERATOR_VERSION}-{_stamp(document)}{extension}"


def open_export(fmt: str, document: Document) -> BinaryIO:
    """The generated ``fmt`` file of ``document``, open for reading: the kept one, or made now and kept."""
    path = cached_path(fmt, document)
    with contextlib.suppress(FileNotFoundError):
        return path.open("rb")
    data = exporters.export(fmt, document)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, part = tempfile.mkstemp(dir=path.parent, prefix=f".{fmt}-", suffix=".part")
    handle = None
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        handle = open(part, "rb")  # noqa: SIM115 - handed to the response, which closes it
        os.replace(part, path)
    except BaseException:
        if handle is not None:
            handle.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(part)
        raise
    _remove_older(path)
    return handle


def prepare(document: Document) -> None:
    """Make every generated format of ``document`` ahead of its first download (the worker's follow-up step after
    an import or a change), so no reader waits seconds for a long document's .docx."""
    for fmt in exporters.FORMATS:
        open_export(fmt, document).close()


def _remove_older(current: Path) -> None:
    """Remove the other variants of this format that are not newer than ``current`` (a request still holding an
    older ``updated`` must not remove the file of a newer one), and temporary files left by dead requests."""
    match = _NAME.match(current.name)
    assert match is not None
    fmt, stamp = match["fmt"], int(match["stamp"])
    now = time.time()
    for other in current.parent.iterdir():
        found = _NAME.match(other.name)
        if found:
            doomed = (
                found["fmt"] == fmt
                and other != current
                and (int(found["stamp"]) <= stamp or found["version"] != match["version"])
            )
        else:
            doomed = other.name.endswith(".part") and _older_than(other, now - _STALE_PART_SECONDS)
        if doomed:
            with contextlib.suppress(FileNotFoundError):
                other.unlink()


def _older_than(path: Path, moment: float) -> bool:
    try:
        return path.stat().st_mtime < moment
    except FileNotFoundError:
        return False


@receiver(post_delete, sender=Document, dispatch_uid="wenku.downloads.cache.forget")
def _forget_deleted(sender, instance: Document, **kwargs) -> None:
    shutil.rmtree(directory_of(instance.pk), ignore_errors=True)

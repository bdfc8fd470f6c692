"""`wenku export`: documents as JSONL records that `wenku import` reads back (wenku/ingest/converters/jsonl.py).

Each line is one document: ``{"id", "title", "text", …}``. ``text`` is the document's text exactly as stored (its
pages joined back as Document.full_text does: paragraphs separated by "\\n"), which the JSONL reader splits into
the same paragraphs again. The other fields (category, description, visibility, status, source_format,
original_name, created, wenku_id) describe the document; the importer reads id, title and text and ignores the
rest (give `wenku import --category` for a category). Memory stays bounded: documents are read in batches and
one document's pages at a time.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from wenku.library.models import Category, Document

BATCH = 100


class ExportError(ValueError):
    pass


@dataclass
class Exported:
    documents: int
    files: list[Path]
    largest_bytes: int


def documents(category: str | None = None, include_private: bool = False) -> QuerySet:
    """Listed documents (public and published), or every document with ``include_private``; of one category."""
    queryset = Document.objects.all() if include_private else Document.objects.listed_for(None)
    if category is not None:
        found = Category.objects.filter(name=" ".join(category.split())).first()
        if found is None:
            raise ExportError(_("no category named %(name)s") % {"name": category})
        queryset = queryset.filter(category=found)
    return queryset.order_by("id")


def records(queryset: QuerySet) -> Iterator[dict]:
    """One record per document, in id order; pages read one document at a time."""
    last_id = 0
    fields = (
        "id",
        "title",
        "description",
        "visibility",
        "status",
        "source_format",
        "original_name",
        "original_record",
        "created",
        "category__name",
    )
    while True:
        batch = list(queryset.filter(id__gt=last_id).values(*fields)[:BATCH])
        if not batch:
            return
        for row in batch:
            yield {
                "id": row["original_record"] or str(row["id"]),
                "title": row["title"],
                "text": Document.full_texts([row["id"]])[row["id"]],
                "category": row["category__name"],
                "description": row["description"],
                "visibility": row["visibility"],
                "status": row["status"],
                "source_format": row["source_format"],
                "original_name": row["original_name"],
                "created": row["created"].isoformat(),
                "wenku_id": row["id"],
            }
        last_id = batch[-1]["id"]


def line(record: dict) -> str:
    # ensure_ascii=False keeps Chinese readable; json escapes "\n" and "\r" inside strings, and U+2028/U+2029
    # are escaped too so that no reader splits a record at them.
    text = json.dumps(record, ensure_ascii=False)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029") + "\n"


def export(
    destination: Path | None,
    queryset: QuerySet,
    split_bytes: int | None = None,
    progress: Callable[[int], None] = lambda _: None,
) -> Exported:
    """Write the records to ``destination`` (None: stdout). With ``split_bytes`` a new file begins before one
    would pass that size: DEST-0001.jsonl, DEST-0002.jsonl, … Files are written under a temp name and renamed."""
    if destination is None:
        import sys

        count = 0
        for record in records(queryset):
            sys.stdout.write(line(record))
            count += 1
            progress(count)
        return Exported(count, [], 0)
    writer = _Files(destination, split_bytes)
    count = 0
    try:
        for record in records(queryset):
            writer.write(line(record).encode("utf-8"))
            count += 1
            progress(count)
        files = writer.finish()
    except BaseException:
        writer.discard()
        raise
    return Exported(count, files, writer.largest)


class _Files:
    def __init__(self, destination: Path, split_bytes: int | None) -> None:
        self.destination = destination
        self.split_bytes = split_bytes
        self.done: list[tuple[Path, Path]] = []  # (temp, final)
        self.handle: IO[bytes] | None = None
        self.size = 0
        self.largest = 0
        destination.parent.mkdir(parents=True, exist_ok=True)

    def _name(self, number: int) -> Path:
        if not self.split_bytes:
            return self.destination
        stem = self.destination.name.removesuffix(".jsonl")
        return self.destination.with_name(f"{stem}-{number:04d}.jsonl")

    def _open(self) -> None:
        final = self._name(len(self.done) + 1)
        fd, temp = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".partial")
        self.handle = os.fdopen(fd, "wb")
        self.done.append((Path(temp), final))
        self.size = 0

    def write(self, data: bytes) -> None:
        if self.handle is None or (self.split_bytes and self.size and self.size + len(data) > self.split_bytes):
            self._close()
            self._open()
        assert self.handle is not None
        self.handle.write(data)
        self.size += len(data)
        self.largest = max(self.largest, self.size)

    def _close(self) -> None:
        if self.handle is not None:
            self.handle.flush()
            os.fsync(self.handle.fileno())
            self.handle.close()
            self.handle = None

    def finish(self) -> list[Path]:
        if self.handle is None:
            self._open()  # no documents: an empty file all the same
        self._close()
        for temp, final in self.done:
            os.replace(temp, final)
        return [final for _temp, final in self.done]

    def discard(self) -> None:
        if self.handle is not None:
            self.handle.close()
        for temp, _final in self.done:
            temp.unlink(missing_ok=True)

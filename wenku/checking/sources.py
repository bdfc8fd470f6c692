"""Library documents as the matcher reads them: their text, its stream, and which page each offset is on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from django.urls import reverse

from wenku.checking.fingerprints import Stream, stream_of
from wenku.library.models import Document, Page
from wenku.text.pagination import join_pages


class _PageText(NamedTuple):
    start: int
    text: str


@dataclass
class SourceText:
    id: int
    title: str
    text: str
    stream: Stream
    page_starts: np.ndarray  # text offset where each page begins, in page order

    def page_at(self, offset: int) -> int:
        return int(np.searchsorted(self.page_starts, offset, side="right"))


def page_url(document_id: int, number: int) -> str:
    if number <= 1:
        return reverse("web:document", args=[document_id])
    return reverse("web:document_page", args=[document_id, number])


def load_sources(document_ids: list[int], loaded: Mapping[int, SourceText] | None = None) -> dict[int, SourceText]:
    """The documents among ``document_ids`` that anyone may read (others are never shown as sources); those in
    ``loaded`` (an earlier load_sources) are taken from it."""
    loaded = loaded or {}
    found = {i: loaded[i] for i in document_ids if i in loaded}
    missing = [i for i in document_ids if i not in loaded]
    return {**found, **_load(missing)} if missing else found


def _load(document_ids: list[int]) -> dict[int, SourceText]:
    titles = dict(Document.objects.listed_for(None).filter(pk__in=document_ids).values_list("id", "title"))
    pages: dict[int, list[_PageText]] = {pk: [] for pk in titles}
    rows = Page.objects.filter(document_id__in=list(titles)).values_list("document_id", "start", "text")
    for document_id, start, text in rows:  # tuples: building model objects costs a third of the load
        pages[document_id].append(_PageText(start, text))
    loaded = {}
    for document_id, title in titles.items():
        text = join_pages(pages[document_id])
        starts = np.array(sorted(page.start for page in pages[document_id]), dtype=np.int64)
        loaded[document_id] = SourceText(document_id, title, text, stream_of(text), starts)
    return loaded

"""What every search backend offers. The contract tests (tests/search/test_backend_contract.py) hold both to it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from wenku.search.query import ParsedQuery

INDEX_SCHEMA_VERSION = 1

SORTS = ("relevance", "newest")
REINDEX_HINT = "请运行 wenku reindex（run wenku reindex）"


class SearchUnavailable(RuntimeError):
    """The search index cannot be read (damaged, missing, or built by another version); the site answers 503 and
    the message tells the operator what to run. Never raised for a bad query (that is QueryError)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"搜索索引不可用：{reason}。{REINDEX_HINT}")
        self.reason = reason


def current_versions() -> dict[str, int]:
    """What an index must have been built with to be used as it is (read at call time, so tests can bump it)."""
    from wenku.text import analysis

    return {"analyzer": analysis.ANALYZER_VERSION, "schema": INDEX_SCHEMA_VERSION}


@dataclass
class IndexDocument:
    """A document as the index needs it: texts of its pages in order, and the fields results are filtered by."""

    id: int
    title: str
    pages: list[str]
    created: datetime
    category_id: int | None = None
    source_format: str = ""
    uploader_id: int | None = None


@dataclass
class Filters:
    category_id: int | None = None
    source_format: str | None = None
    uploader_id: int | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None  # exclusive


@dataclass
class Hit:
    document_id: int
    score: float


@dataclass
class HitPage:
    total: int
    hits: list[Hit] = field(default_factory=list)


class SearchBackend(Protocol):
    name: str

    def upsert(self, documents: list[IndexDocument]) -> None:
        """Add or replace these documents (visible after commit)."""

    def delete(self, document_ids: list[int]) -> None:
        """Remove these documents if present (visible after commit)."""

    def commit(self) -> None: ...

    def search(self, query: ParsedQuery, filters: Filters, sort: str, offset: int, limit: int) -> HitPage:
        """Matching documents, best first (or newest first), with the exact total."""

    def matching_pages(self, query: ParsedQuery, document_ids: list[int]) -> dict[int, list[int]]:
        """For each given document that matches, its matching page numbers, best page first."""

    def document_count(self) -> int: ...

    def clear(self) -> None:
        """Drop everything (used by a rebuild)."""

    def needs_rebuild(self) -> bool:
        """True when the stored index was built by another analyzer or schema version."""

    def mark_built(self) -> None:
        """Record that the index now matches this analyzer and schema version."""

    def state(self) -> tuple[str, str]:
        """("ok" | "missing" | "stale" | "damaged", a detail for the operator); never raises for a bad index."""

"""The embedded default: a tantivy index in the data dir.

Each document has one entry (page 0) holding its whole text and title, which is what queries rank and count;
a document of several pages also has one entry per page, to tell which pages match. Page entries keep their text
in fields of their own (``page_grams``, ``page_chars``), so a document query touches document entries only: it
needs no ``page == 0`` clause, whose intersection with every term cost several times the term itself (a common
character: 5.6 ms instead of 0.7 in tantivy on 400,000 documents). tantivy-py collects every search with a
MultiCollector, which scores every match (no block-max pruning), so what a search costs is what it matches.

The grams, Han characters and words come pre-analysed from wenku.text.analysis and are split on spaces here, so
indexing and querying always agree. (Layout 2 gave the ``chars`` fields the normalised text and let tantivy's
regex tokenizer pick out the Han characters: that cost tantivy about 6 CPU-seconds more on the development
corpus than splitting the characters numpy already picked out.)

Indexing speed: each text is normalised and cut into grams once (a document's whole entry is made of its pages'
analyses), rjieba cuts the words in a thread beside it (it releases the GIL), and tantivy tokenizes and indexes in
its own writer threads.
"""

from __future__ import annotations

import json
import shutil
import time
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import tantivy

from wenku.search.backends.base import (
    Filters,
    Hit,
    HitPage,
    IndexDocument,
    SearchUnavailable,
    current_versions,
)
from wenku.search.backends.tantivy_files import verify
from wenku.search.query import ParsedQuery, Term
from wenku.text.analysis import SEPARATOR, words_of, words_text
from wenku.text.fast_analysis import analyse

_WS = "wenku_ws"
# This backend's own schema and tokenizers (2: chars by tantivy's regex tokenizer; 3: page entries' own fields;
# 4: chars pre-split on spaces)
_LAYOUT = 4
_VERSION_FILE = "wenku-index.json"
# Page entries have no title, so BM25's average title length is small and every title looks long: a title match
# needs a stronger boost than usual to put a document whose exact title was typed first (contract-tested). 5 was
# not enough when ~50 reports differ in their titles only by the year and one's body is in traditional characters.
_TITLE_BOOST = 8.0
_WORDS_BOOST = 0.05  # words only refine the order of near ties; more would outweigh a title match
_WRITER_HEAP = 128 * 1024 * 1024
# One writer thread: it already runs beside the Python thread that analyses (and rjieba's); a second one would
# only split each commit into more segments for searches to visit.
_WRITER_THREADS = 1
_MAX_PAGE_HITS = 20_000
_REVERIFY_S = 1.0
_NOT_PANICS = (KeyboardInterrupt, SystemExit, GeneratorExit)


@contextmanager
def _reading(what: str, errors: tuple[type[Exception], ...] = (ValueError, OSError)) -> Iterator[None]:
    """Turn what a damaged or vanished index raises into SearchUnavailable.

    tantivy reports unreadable files as ValueError, and panics on some damaged ones: pyo3 raises a
    ``pyo3_runtime.PanicException``, which derives from BaseException only (so ``except Exception`` misses it and
    the worker dies). It is recognised by its name, since pyo3_runtime cannot be imported; KeyboardInterrupt,
    SystemExit and GeneratorExit pass through untouched. Writes pass ``errors=()``: their ValueError means another
    process holds the writer, which callers handle."""
    try:
        yield
    except SearchUnavailable:
        raise
    except errors as exc:
        raise SearchUnavailable(f"{what}失败（{_short(exc)}）") from exc
    except BaseException as exc:
        if isinstance(exc, (Exception, *_NOT_PANICS)) or type(exc).__name__ != "PanicException":
            raise
        raise SearchUnavailable(f"{what}时索引文件损坏（{_short(exc)}）") from exc


def _short(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("doc_id", stored=True, indexed=True, fast=True)
    builder.add_unsigned_field("page", stored=True, indexed=True, fast=True)
    builder.add_unsigned_field("npages", stored=True, fast=True)
    builder.add_text_field("grams", tokenizer_name=_WS, index_option="position")
    builder.add_text_field("chars", tokenizer_name=_WS, index_option="freq")
    builder.add_text_field("words", tokenizer_name=_WS, index_option="freq")
    builder.add_text_field("title_grams", tokenizer_name=_WS, index_option="position")
    builder.add_text_field("title_chars", tokenizer_name=_WS, index_option="freq")
    builder.add_text_field("page_grams", tokenizer_name=_WS, index_option="position")
    builder.add_text_field("page_chars", tokenizer_name=_WS, index_option="freq")
    builder.add_unsigned_field("category", indexed=True, fast=True)
    builder.add_unsigned_field("uploader", indexed=True, fast=True)
    builder.add_text_field("fmt", tokenizer_name="raw", index_option="basic")
    builder.add_integer_field("created", indexed=True, fast=True)
    return builder.build()


class TantivyBackend:
    name = "tantivy"

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.schema = _schema()
        self._writer: tantivy.IndexWriter | None = None
        self._open()

    def _open(self) -> None:
        """Open (or create) the index; a damaged one is remembered, not raised: commands must still be able to
        clear it, and reads then raise SearchUnavailable."""
        self.damage: str | None = None
        self._loaded: tuple | None = None  # meta.json as it was when the reader last reloaded
        self._verified: tuple[tuple | None, tuple | None, float] | None = None  # see _verify
        if (self.directory / _VERSION_FILE).exists() and not (self.directory / "meta.json").exists():
            # tantivy would silently start an empty index here and every search would find nothing.
            self.damage = "索引文件 meta.json 缺失"
            return
        try:
            with _reading("打开索引"):
                self.directory.mkdir(parents=True, exist_ok=True)
                self.index = tantivy.Index(self.schema, path=str(self.directory), reuse=True)
                analyzer = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
                self.index.register_tokenizer(_WS, analyzer)
        except SearchUnavailable as exc:
            self.damage = exc.reason

    def _searcher(self) -> tantivy.Searcher:
        """A searcher on the latest commit; SearchUnavailable when the index is damaged or gone. The reader
        reloads only when meta.json changed (a commit replaces it): reopening every segment cost more than a
        search of a rare word."""
        self._verify()
        with _reading("读取索引"):
            loaded = _stat_key(self.directory / "meta.json")
            if loaded is None or loaded != self._loaded:
                self.index.reload()
                self._loaded = loaded
            return self.index.searcher()

    def _verify(self) -> None:
        """Raise SearchUnavailable unless every index file is whole (checksums: tantivy aborts the process on
        some damage, see tantivy_files).

        Checking costs a stat of every file (0.6 ms for 17 segments, a third of a search's budget), so it is
        skipped while meta.json and the directory are as they were at the last check, for _REVERIFY_S at most: a
        commit, a restore, a copy or a cleanup replaces, adds or removes files, which changes the directory; only
        a file written over in place waits up to that long to be found."""
        if self.damage is not None:
            raise SearchUnavailable(self.damage)
        state = (_stat_key(self.directory / "meta.json"), _stat_key(self.directory))
        checked = self._verified
        if checked and checked[:2] == state and None not in state and time.monotonic() - checked[2] < _REVERIFY_S:
            return
        problem = verify(self.directory)
        if problem:
            self._verified = None
            raise SearchUnavailable(problem)
        self._verified = (*state, time.monotonic())

    # -- writing ---------------------------------------------------------------------------------------------
    @property
    def writer(self) -> tantivy.IndexWriter:
        if self._writer is None:
            self._verify()  # merging a damaged segment on commit aborts the process
            self._writer = self.index.writer(heap_size=_WRITER_HEAP, num_threads=_WRITER_THREADS)
        return self._writer

    def upsert(self, documents: list[IndexDocument]) -> None:
        self.delete([d.id for d in documents])
        latest = list({d.id: d for d in documents}.values())  # the last version of a document given twice
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="wenku-words") as words:
            analysed = [_entries(document, words) for document in latest]  # words are cut meanwhile
            for whole, pages in analysed:  # in the order of the documents, each whole entry before its pages
                whole["words"] = whole["words"].result()
                self._add([whole, *pages])

    def _add(self, entries: list[dict]) -> None:
        for entry in entries:
            with _reading("写入索引", errors=()):
                self.writer.add_document(tantivy.Document.from_dict(entry, self.schema))

    def delete(self, document_ids: list[int]) -> None:
        if document_ids:
            # By a typed query: a bare Python int as a term would not match the unsigned field.
            ids = tantivy.Query.term_set_query(self.schema, "doc_id", list(document_ids))
            with _reading("写入索引", errors=()):
                self.writer.delete_documents_by_query(ids)

    def commit(self) -> None:
        with _reading("提交索引", errors=()):
            if self._writer is not None:
                self._writer.commit()
                self._writer.wait_merging_threads()
                self._writer = None
            if self.damage is None:
                self.index.reload()
                self._loaded = None

    def rollback(self) -> None:
        if self._writer is not None:
            self._writer.rollback()
            self._writer = None

    def clear(self) -> None:
        self.rollback()
        shutil.rmtree(self.directory, ignore_errors=True)
        self._open()

    def needs_rebuild(self) -> bool:
        """True for another analyzer or schema version, a missing index, and a damaged one (so that commands
        rebuild it; a request answers 503 instead, see service._require_usable_index)."""
        if self.damage is not None:
            return True
        try:
            stored = json.loads((self.directory / _VERSION_FILE).read_text())
        except (OSError, ValueError):
            return True
        return stored != _versions() or verify(self.directory) is not None

    def mark_built(self) -> None:
        (self.directory / _VERSION_FILE).write_text(json.dumps(_versions()))

    # -- reading ---------------------------------------------------------------------------------------------
    def state(self) -> tuple[str, str]:
        """("ok" | "missing" | "stale" | "damaged", detail): what /healthz and `wenku serve` report. Verifies
        every file's checksum, then reads a little of every kind (terms, postings, positions, stored fields)."""
        if self.damage is not None:
            return "damaged", self.damage
        if not (self.directory / _VERSION_FILE).exists():
            return "missing", "索引尚未建立或已被删除"
        problem = verify(self.directory)
        if problem:
            return "damaged", problem
        if self.needs_rebuild():
            return "stale", "索引由另一版本建立"
        try:
            searcher = self._searcher()
            with _reading("检查索引"):
                found = searcher.search(self._term("page", 0), limit=1, count=True)
                for _, address in found.hits:
                    searcher.doc(address)
                probes = [tantivy.Query.phrase_query(self.schema, "grams", ["发展", "展的"]), self._term("chars", "的")]
                for probe in probes:
                    searcher.search(probe, limit=1, count=True)
        except SearchUnavailable as exc:
            return "damaged", exc.reason
        return "ok", f"{found.count} 篇文档"

    def document_count(self) -> int:
        searcher = self._searcher()
        with _reading("读取索引"):
            return searcher.search(self._term("page", 0), limit=1, count=True).count

    def search(self, query: ParsedQuery, filters: Filters, sort: str, offset: int, limit: int) -> HitPage:
        searcher = self._searcher()
        clauses = [*self._filter_clauses(filters), *self._query_clauses(query, _DOCUMENT)]
        tantivy_query = _all_of(clauses)
        options = {"limit": max(limit, 1), "offset": max(offset, 0), "count": True}
        if sort == "newest":
            options["order_by_field"] = "created"
        with _reading("搜索"):
            result = searcher.search(tantivy_query, **options)
            found = result.hits[:limit]
            ids = searcher.fast_field_values("doc_id", [address for _, address in found]) if found else []
            hits = [
                Hit(document_id=document_id, score=float(key) if sort != "newest" else 0.0)
                for document_id, (key, _) in zip(ids, found, strict=True)
            ]
        return HitPage(total=result.count, hits=hits)

    def matching_pages(self, query: ParsedQuery, document_ids: list[int]) -> dict[int, list[int]]:
        if not document_ids:
            return {}
        searcher = self._searcher()
        # A page is a page entry, or the document entry of a document of one page (it has no page entries).
        # Excluded terms are excluded per entry: a page that has none of them matches, as before.
        either = [(tantivy.Occur.Should, _all_of(self._query_clauses(query, fields))) for fields in (_PAGE, _ONE_PAGE)]
        clauses = [
            (tantivy.Occur.Must, tantivy.Query.term_set_query(self.schema, "doc_id", list(document_ids))),
            (tantivy.Occur.Must, tantivy.Query.boolean_query(either)),
        ]
        scored: dict[int, list[tuple[float, int]]] = defaultdict(list)
        with _reading("搜索"):
            result = searcher.search(tantivy.Query.boolean_query(clauses), limit=_MAX_PAGE_HITS, count=False)
            addresses = [address for _, address in result.hits]
            if addresses:
                columns = [searcher.fast_field_values(name, addresses) for name in ("doc_id", "page", "npages")]
                for (score, _), document_id, page, npages in zip(result.hits, *columns, strict=True):
                    if page == 0:
                        if npages == 1:
                            scored[document_id].append((score, 1))
                    else:
                        scored[document_id].append((score, page))
        return {
            doc_id: [page for _, page in sorted(pages, key=lambda sp: (-sp[0], sp[1]))]
            for doc_id, pages in scored.items()
        }

    # -- query building --------------------------------------------------------------------------------------
    def _term(self, field: str, value) -> tantivy.Query:
        return tantivy.Query.term_query(self.schema, field, value)

    def _match(self, term: Term, grams_field: str, chars_field: str) -> tantivy.Query:
        if term.single_char:
            return self._term(chars_field, term.single_char)
        if len(term.grams) == 1:
            return self._term(grams_field, term.grams[0])
        return tantivy.Query.phrase_query(self.schema, grams_field, list(term.grams))

    def _term_query(self, term: Term, fields: _Fields) -> tantivy.Query:
        body = self._match(term, fields.grams, fields.chars)
        if not fields.with_title:
            return body
        title = tantivy.Query.boost_query(self._match(term, "title_grams", "title_chars"), _TITLE_BOOST)
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, body), (tantivy.Occur.Should, title)])

    def _query_clauses(self, query: ParsedQuery, fields: _Fields) -> list:
        clauses = []
        for group in query.groups:
            alternatives = [(tantivy.Occur.Should, self._term_query(t, fields)) for t in group]
            clauses.append((tantivy.Occur.Must, _any_of(alternatives)))
        for term in query.excluded:
            clauses.append((tantivy.Occur.MustNot, self._term_query(term, fields)))
        if fields.with_title:  # document entries also hold rjieba's words: matching words add to the score only
            words = {w for term in query.terms for run in term.runs if len(run) > 1 for w in words_of(run)}
            clauses += [
                (tantivy.Occur.Should, tantivy.Query.boost_query(self._term("words", w), _WORDS_BOOST))
                for w in sorted(words)
            ]
        return clauses

    def _filter_clauses(self, filters: Filters) -> list:
        clauses = []
        if filters.category_id is not None:
            clauses.append(self._term("category", filters.category_id))
        if filters.uploader_id is not None:
            clauses.append(self._term("uploader", filters.uploader_id))
        if filters.source_format:
            clauses.append(self._term("fmt", filters.source_format))
        if filters.created_from or filters.created_to:
            low = int(filters.created_from.timestamp()) if filters.created_from else -(2**62)
            high = int(filters.created_to.timestamp()) - 1 if filters.created_to else 2**62
            clauses.append(
                tantivy.Query.range_query(self.schema, "created", tantivy.FieldType.Integer, low, high, True, True)
            )
        return [(tantivy.Occur.Must, clause) for clause in clauses]


@dataclass(frozen=True)
class _Fields:
    """Where a query looks: a document entry's text (and title, and words), or a page entry's text."""

    grams: str
    chars: str
    with_title: bool


_DOCUMENT = _Fields("grams", "chars", with_title=True)  # what search ranks and counts
_PAGE = _Fields("page_grams", "page_chars", with_title=False)  # a page of a document of several pages
_ONE_PAGE = _Fields("grams", "chars", with_title=False)  # the one page of a document of one page


def _any_of(alternatives: list) -> tantivy.Query:
    """One alternative as it is, not wrapped in a boolean query of one clause (same matches, same scores, one
    scorer less for every match)."""
    return alternatives[0][1] if len(alternatives) == 1 else tantivy.Query.boolean_query(alternatives)


def _all_of(clauses: list) -> tantivy.Query:
    """A lone required clause as it is (same matches, same scores), else the boolean query of ``clauses``."""
    if len(clauses) == 1 and clauses[0][0] == tantivy.Occur.Must:
        return clauses[0][1]
    return tantivy.Query.boolean_query(clauses)


def _stat_key(path: Path) -> tuple | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


def _versions() -> dict[str, int]:
    return {**current_versions(), "tantivy": _LAYOUT}


def _entries(document: IndexDocument, words: ThreadPoolExecutor) -> tuple[dict, list[dict]]:
    """The whole-document entry (its ``words``: a Future from ``words``) and the page entries of a document of
    several pages. The whole text is the pages joined by "\n": its grams are the pages' grams with a gap between
    every two pages that have any (a newline is a gap, and gaps merge), so each page is analysed once."""
    common = {
        "doc_id": document.id,
        "category": document.category_id or 0,
        "uploader": document.uploader_id or 0,
        "fmt": document.source_format,
        "created": int(document.created.timestamp()),
    }
    pages = [analyse(text, with_chars=True) for text in document.pages]
    normalized = "\n".join(page[0] for page in pages)
    _, title_grams, title_chars = analyse(document.title, with_chars=True)
    future: Future[str] = words.submit(words_text, normalized)
    whole = {
        "page": 0,
        "npages": len(document.pages),
        "grams": f" {SEPARATOR} ".join(page[1] for page in pages if page[1]),
        "chars": " ".join(page[2] for page in pages if page[2]),
        "words": future,
        "title_grams": title_grams,
        "title_chars": title_chars,
        **common,
    }
    entries = []
    if len(document.pages) > 1:  # only what matching_pages reads: search never looks at page entries
        for number, (_, grams, chars) in enumerate(pages, start=1):
            entries.append(
                {"doc_id": document.id, "page": number, "npages": 0, "page_grams": grams, "page_chars": chars}
            )
    return whole, entries

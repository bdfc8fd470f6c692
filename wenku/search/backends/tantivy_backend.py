"""The embedded default: a tantivy index in the data dir.

Each document has one entry (page 0) holding its whole text and title, which is what queries rank and count;
a document of several pages also has one entry per page, to tell which pages match. The grams and words come
pre-analysed from wenku.text.analysis and are split on spaces here, so indexing and querying always agree; the
``chars`` fields get the normalised text and tantivy's own regex tokenizer picks out the Han characters.

Indexing speed: each text is normalised and cut into grams once (a document's whole entry is made of its pages'
analyses), rjieba cuts the words in a thread beside it (it releases the GIL), and tantivy tokenizes and indexes in
its own writer threads.
"""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
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
from wenku.text.analysis import HAN, SEPARATOR, words_of, words_text
from wenku.text.fast_analysis import analyse

_WS = "wenku_ws"
_HAN_TOKENS = "wenku_han"  # every Han character of a normalised text, one token each
_LAYOUT = 2  # this backend's own schema and tokenizers (2: chars by tantivy's regex tokenizer)
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
    builder.add_text_field("chars", tokenizer_name=_HAN_TOKENS, index_option="freq")
    builder.add_text_field("words", tokenizer_name=_WS, index_option="freq")
    builder.add_text_field("title_grams", tokenizer_name=_WS, index_option="position")
    builder.add_text_field("title_chars", tokenizer_name=_HAN_TOKENS, index_option="freq")
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
                han = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.regex(f"[{HAN}]")).build()
                self.index.register_tokenizer(_HAN_TOKENS, han)
        except SearchUnavailable as exc:
            self.damage = exc.reason

    def _searcher(self) -> tantivy.Searcher:
        """A searcher on the latest commit; SearchUnavailable when the index is damaged or gone."""
        self._verify()
        with _reading("读取索引"):
            self.index.reload()
            return self.index.searcher()

    def _verify(self) -> None:
        """Raise SearchUnavailable unless every index file is whole (checksums: tantivy aborts the process on
        some damage, see tantivy_files)."""
        if self.damage is not None:
            raise SearchUnavailable(self.damage)
        problem = verify(self.directory)
        if problem:
            raise SearchUnavailable(problem)

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
        clauses = [(tantivy.Occur.Must, self._term("page", 0)), *self._filter_clauses(filters)]
        clauses += self._query_clauses(query, with_title=True)
        tantivy_query = tantivy.Query.boolean_query(clauses)
        options = {"limit": max(limit, 1), "offset": max(offset, 0), "count": True}
        if sort == "newest":
            options["order_by_field"] = "created"
        with _reading("搜索"):
            result = searcher.search(tantivy_query, **options)
            hits = [
                Hit(document_id=searcher.doc(address)["doc_id"][0], score=float(key) if sort != "newest" else 0.0)
                for key, address in result.hits[:limit]
            ]
        return HitPage(total=result.count, hits=hits)

    def matching_pages(self, query: ParsedQuery, document_ids: list[int]) -> dict[int, list[int]]:
        if not document_ids:
            return {}
        searcher = self._searcher()
        clauses = [(tantivy.Occur.Must, tantivy.Query.term_set_query(self.schema, "doc_id", list(document_ids)))]
        clauses += self._query_clauses(query, with_title=False)
        scored: dict[int, list[tuple[float, int]]] = defaultdict(list)
        with _reading("搜索"):
            result = searcher.search(tantivy.Query.boolean_query(clauses), limit=_MAX_PAGE_HITS, count=False)
            for score, address in result.hits:
                stored = searcher.doc(address)
                document_id, page = stored["doc_id"][0], stored["page"][0]
                if page == 0:
                    if stored["npages"][0] == 1:
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

    def _term_query(self, term: Term, with_title: bool) -> tantivy.Query:
        body = self._match(term, "grams", "chars")
        if not with_title:
            return body
        title = tantivy.Query.boost_query(self._match(term, "title_grams", "title_chars"), _TITLE_BOOST)
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, body), (tantivy.Occur.Should, title)])

    def _query_clauses(self, query: ParsedQuery, with_title: bool) -> list:
        clauses = []
        for group in query.groups:
            alternatives = [(tantivy.Occur.Should, self._term_query(t, with_title)) for t in group]
            clauses.append((tantivy.Occur.Must, tantivy.Query.boolean_query(alternatives)))
        for term in query.excluded:
            clauses.append((tantivy.Occur.MustNot, self._term_query(term, with_title)))
        if with_title:  # document entries also hold rjieba's words: matching words add to the score only
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
    pages = [analyse(text) for text in document.pages]
    normalized = "\n".join(page[0] for page in pages)
    title, title_grams, _ = analyse(document.title)
    future: Future[str] = words.submit(words_text, normalized)
    whole = {
        "page": 0,
        "npages": len(document.pages),
        "grams": f" {SEPARATOR} ".join(page[1] for page in pages if page[1]),
        "chars": normalized,
        "words": future,
        "title_grams": title_grams,
        "title_chars": title,
        **common,
    }
    entries = []
    if len(document.pages) > 1:
        for number, (text, grams, _) in enumerate(pages, start=1):
            entries.append({"page": number, "npages": 0, "grams": grams, "chars": text, **common})
    return whole, entries

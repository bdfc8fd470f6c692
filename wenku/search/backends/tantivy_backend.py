"""The embedded default: a tantivy index in the data dir.

Each document has one entry (page 0) holding its whole text and title, which is what queries rank and count;
a document of several pages also has one entry per page, to tell which pages match. Tokens come pre-analysed
from wenku.text.analysis and are split on spaces here, so indexing and querying always agree.
"""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from pathlib import Path

import tantivy

from wenku.search.backends.base import Filters, Hit, HitPage, IndexDocument, current_versions
from wenku.search.query import ParsedQuery, Term
from wenku.text.analysis import index_tokens, words_of

_WS = "wenku_ws"
_VERSION_FILE = "wenku-index.json"
# Page entries have no title, so BM25's average title length is small and every title looks long: a title match
# needs a stronger boost than usual to put a document whose exact title was typed first (contract-tested). 5 was
# not enough when ~50 reports differ in their titles only by the year and one's body is in traditional characters.
_TITLE_BOOST = 8.0
_WORDS_BOOST = 0.05  # words only refine the order of near ties; more would outweigh a title match
_WRITER_HEAP = 128 * 1024 * 1024
_MAX_PAGE_HITS = 20_000


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
        self.directory.mkdir(parents=True, exist_ok=True)
        self.index = tantivy.Index(self.schema, path=str(self.directory), reuse=True)
        analyzer = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
        self.index.register_tokenizer(_WS, analyzer)

    # -- writing ---------------------------------------------------------------------------------------------
    @property
    def writer(self) -> tantivy.IndexWriter:
        if self._writer is None:
            self._writer = self.index.writer(heap_size=_WRITER_HEAP, num_threads=1)
        return self._writer

    def upsert(self, documents: list[IndexDocument]) -> None:
        self.delete([d.id for d in documents])
        for document in {d.id: d for d in documents}.values():  # the last version of a document given twice
            for entry in _entries(document):
                self.writer.add_document(tantivy.Document.from_dict(entry, self.schema))

    def delete(self, document_ids: list[int]) -> None:
        if document_ids:
            # By a typed query: a bare Python int as a term would not match the unsigned field.
            ids = tantivy.Query.term_set_query(self.schema, "doc_id", list(document_ids))
            self.writer.delete_documents_by_query(ids)

    def commit(self) -> None:
        if self._writer is not None:
            self._writer.commit()
            self._writer.wait_merging_threads()
            self._writer = None
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
        try:
            stored = json.loads((self.directory / _VERSION_FILE).read_text())
        except (OSError, ValueError):
            return True
        return stored != current_versions()

    def mark_built(self) -> None:
        (self.directory / _VERSION_FILE).write_text(json.dumps(current_versions()))

    # -- reading ---------------------------------------------------------------------------------------------
    def document_count(self) -> int:
        self.index.reload()
        searcher = self.index.searcher()
        return searcher.search(self._term("page", 0), limit=1, count=True).count

    def search(self, query: ParsedQuery, filters: Filters, sort: str, offset: int, limit: int) -> HitPage:
        self.index.reload()
        searcher = self.index.searcher()
        clauses = [(tantivy.Occur.Must, self._term("page", 0)), *self._filter_clauses(filters)]
        clauses += self._query_clauses(query, with_title=True)
        tantivy_query = tantivy.Query.boolean_query(clauses)
        options = {"limit": max(limit, 1), "offset": offset, "count": True}
        if sort == "newest":
            options["order_by_field"] = "created"
        result = searcher.search(tantivy_query, **options)
        hits = [
            Hit(document_id=searcher.doc(address)["doc_id"][0], score=float(key) if sort != "newest" else 0.0)
            for key, address in result.hits[:limit]
        ]
        return HitPage(total=result.count, hits=hits)

    def matching_pages(self, query: ParsedQuery, document_ids: list[int]) -> dict[int, list[int]]:
        if not document_ids:
            return {}
        self.index.reload()
        searcher = self.index.searcher()
        clauses = [(tantivy.Occur.Must, tantivy.Query.term_set_query(self.schema, "doc_id", list(document_ids)))]
        clauses += self._query_clauses(query, with_title=False)
        result = searcher.search(tantivy.Query.boolean_query(clauses), limit=_MAX_PAGE_HITS, count=False)
        scored: dict[int, list[tuple[float, int]]] = defaultdict(list)
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


def _entries(document: IndexDocument) -> list[dict]:
    common = {
        "doc_id": document.id,
        "category": document.category_id or 0,
        "uploader": document.uploader_id or 0,
        "fmt": document.source_format,
        "created": int(document.created.timestamp()),
    }
    whole = index_tokens("\n".join(document.pages))
    title = index_tokens(document.title, with_words=False)
    entries = [
        {
            "page": 0,
            "npages": len(document.pages),
            "grams": whole.grams,
            "chars": whole.chars,
            "words": whole.words,
            "title_grams": title.grams,
            "title_chars": title.chars,
            **common,
        }
    ]
    if len(document.pages) > 1:
        for number, text in enumerate(document.pages, start=1):
            tokens = index_tokens(text, with_words=False)
            entries.append({"page": number, "npages": 0, "grams": tokens.grams, "chars": tokens.chars, **common})
    return entries

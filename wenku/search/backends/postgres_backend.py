"""The shared backend: the index lives in PostgreSQL, next to the library, so several app processes share it.

Only used when Django's default database is PostgreSQL; it talks through ``django.db.connection`` with raw SQL
and creates its own tables (``CREATE TABLE IF NOT EXISTS``, not migrations), all named ``<prefix>_…`` with the
prefix ``wenku_search`` by default:

- ``wenku_search_doc``: one row per document: the filter columns, the title as tsvectors (``title_grams``,
  ``title_chars``), the document's length in grams and its page count. Ranks and counts come out per document.
- ``wenku_search_page``: one row per page (``page`` counts from 1, single-page documents too) with the page's
  ``grams`` and ``chars`` tsvectors. A page whose grams stream does not fit one tsvector (more than 256 positions
  of one lexeme, positions above 16383, or too many bytes; never for normal pages of ≤ 3,000 字) is split into
  several ``part`` rows that overlap by more than the longest possible phrase query, so no phrase is lost.
  The (last) row of a page also borrows the start of the next page, so no phrase is lost at a page end either
  (below).
- ``wenku_search_meta``: the analyzer and schema versions the index was built with (and the table layout).

The tsvectors are written as literals from wenku.text.analysis tokens, never through PostgreSQL's parser. In
``grams`` each gram has its stream position; a gap (``|``) takes a position but is not stored, and the gram just
before a gap carries weight C, so the phrase "经济，发展" (``'经济':C <2> '发展'``) matches exactly where the
text has 经济, a gap, 发展 — as tantivy's phrase over the ``|`` token does. ``chars`` holds every Han character for
one-character queries.

Page ends: a document's stream is that of its pages joined by a line break (as in tantivy's whole-document
entry), so a quoted phrase with a gap can run from one page into the next ("各位代表！" | "我们要…"), and no
single page row holds it. So after a page's own grams (weights D and C) its row has the next PHRASE_OVERLAP
positions of the document's stream, a gap and then the next pages' grams, at the following positions with the
weights A (B: borrowed and before a gap): '各位':1 '位代':2 '代表':3C '我们':5A '们要':6A. Each borrowed gram
is the next page's own gram too, so the weights keep it from counting twice:
- a term's tsquery for finding documents (``_match_of``) lets a phrase of several grams run into the borrowed
  grams but makes it start in the row's own grams (``'各位':CD <-> '位代' <-> '代表':BC <2> '我们'``); every
  phrase starts on exactly one page. A lone gram may match a borrowed one: the document has it anyway, and
  ``_RANK_WEIGHTS`` give A and B no weight, so ts_rank of such a row is 0 and every rank is as without them;
- matching_pages asks for a page's own grams only (every gram C or D), as the contract's oracle and tantivy's
  page entries do: a phrase over a page end matches its document but neither page, and a term at a page's
  start is not reported on the page before;
- the document's length counts own grams only.

A document matches a term when one of its page rows or its title matches the term's tsquery; groups, ORs and
exclusions combine those per-document sets (so 经济 on page 1 and 改革 on page 9 match "经济 改革" as in tantivy,
whose page-0 entry holds the whole text). The relevance score is BM25-like: Σ over matched terms of
idf × (saturated sum of the term's ts_rank over the document's pages, normalised by document length
+ a title boost when the title matches). The total is the exact number of matching documents.

Index: the ``grams`` column gets a RUM index when the ``rum`` extension can be had (detected when the backend is
created; otherwise GIN). RUM keeps positions in the index, so phrase queries are answered without re-reading the
tsvectors from the table. Ranking uses ``ts_rank`` with weights that make the C marker neutral in both cases
(RUM's ``rum_ts_score`` has fixed weights and would count grams before a gap twice over). Searches run with
``enable_seqscan`` off: the planner does not price reading tsvectors out of TOAST, and would otherwise scan (and
decompress) every page for a common gram instead of only the matching ones — ten times slower.

A rebuild (``clear()`` … ``mark_built()``) drops the page indexes and builds them again at the end, much faster
than filling them row by row (for RUM especially), and holds an advisory lock so that only one process rebuilds;
another one gets IndexBusy, a ValueError, as tantivy's busy writer gives. Writes take a transaction-level lock, so
that two processes applying the same change at once cannot both insert the document.

Writes: ``upsert``/``delete`` run at once in the current Django transaction (each call atomic). Outside a
transaction they are visible to every process when the call returns; inside ``transaction.atomic()`` they become
visible when that transaction commits. ``commit()`` has nothing left to do.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Iterable
from contextlib import contextmanager

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, ProgrammingError, connection, transaction

from wenku.search.backends.base import Filters, Hit, HitPage, IndexDocument, SearchUnavailable, current_versions
from wenku.search.query import MAX_QUERY_CHARS, ParsedQuery, Term
from wenku.text.analysis import SEPARATOR, index_tokens

_LAYOUT_VERSION = "2"  # of the tables and of what their rows hold; a different stored value drops and recreates them
_PREFIX = re.compile(r"wenku_search(_[a-z0-9]+)*")

MAX_POSITION = 16383  # tsvector positions above are clamped
MAX_POSITIONS_PER_LEXEME = 256  # tsvector keeps only the first 256 positions of a lexeme
MAX_LEXEME_BYTES = 2000  # PostgreSQL refuses lexemes of 2 KiB and more
MAX_ROW_LEXEME_BYTES = 512 * 1024  # a tsvector's lexemes take at most 1 MiB
PHRASE_OVERLAP = MAX_QUERY_CHARS + 1  # grams a phrase query can span at most, and then some
GAP_WEIGHT = "C"  # marks a gram that is followed by a gap
OWN_WEIGHTS = "CD"  # a page row's own grams: D, or C before a gap
BORROWED_WEIGHT = "A"  # a gram borrowed from the next page (see the module docstring)
BORROWED_GAP_WEIGHT = "B"  # a borrowed gram followed by a gap
LONG_WORD = "⁂"  # stands for a word too long to store; no token can be it (it is punctuation)

_RANK_WEIGHTS = "'{0.1,0.1,0,0}'::float4[]"  # D, C, B, A: C ranks as the plain D, borrowed grams (B, A) count nothing
_TITLE_BOOST = 3.0
_TF_SATURATION = 0.1  # about the ts_rank of a page that has the term once
_LENGTH_NORM = 0.5
_STATS_SECONDS = 60.0


_NO_RUM: set[tuple] = set()  # databases where this process found no RUM


class IndexBusy(ValueError):
    """Another process is rebuilding this index (a ValueError, as tantivy's busy writer is)."""


class PostgresBackend:
    name = "postgres"

    def __init__(self, prefix: str = "wenku_search", use_rum: bool | None = None) -> None:
        """``use_rum``: None picks RUM when the extension is there (or can be created), else GIN."""
        if not _PREFIX.fullmatch(prefix):
            raise ValueError(f"table prefix must look like wenku_search[_name]: {prefix!r}")
        if connection.vendor != "postgresql":
            raise ImproperlyConfigured("the postgres search backend needs PostgreSQL as the default database")
        self.prefix = prefix
        self.doc_table = f"{prefix}_doc"
        self.page_table = f"{prefix}_page"
        self.meta_table = f"{prefix}_meta"
        self.uses_rum = False
        self._stats_cache: tuple[float, float, float] | None = None
        self.ensure_schema(use_rum)

    # -- schema ----------------------------------------------------------------------------------------------
    def ensure_schema(self, use_rum: bool | None = None) -> None:
        """Create the tables (and, unless a rebuild is under way, the page indexes) if they are missing."""
        with transaction.atomic(), connection.cursor() as cursor:
            self.uses_rum = use_rum is not False and self._rum_available(cursor)
            if use_rum and not self.uses_rum:
                raise ImproperlyConfigured("the rum extension is not available in this database")
            if self._schema_ready(cursor):
                return
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"{self.prefix}:schema"])
            if self._schema_ready(cursor):
                return
            if self._exists(cursor, self.meta_table) and self._layout(cursor) != _LAYOUT_VERSION:
                cursor.execute(f"DROP TABLE IF EXISTS {self.page_table}, {self.doc_table}, {self.meta_table}")
            for statement in self._table_ddl():
                cursor.execute(statement)
            cursor.execute(
                f"INSERT INTO {self.meta_table} (name, value) VALUES ('layout', %s) ON CONFLICT (name) DO NOTHING",
                [_LAYOUT_VERSION],
            )
            if not self._built(cursor) and not self._exists(cursor, self._grams_index()):
                return  # a rebuild is due (or running): mark_built() makes the indexes, faster than rows one by one
            for statement in self._page_index_ddl():
                cursor.execute(statement)

    def _grams_index(self, rum: bool | None = None) -> str:
        return f"{self.page_table}_grams_{'rum' if (self.uses_rum if rum is None else rum) else 'gin'}"

    def _table_ddl(self) -> list[str]:
        p, d, m = self.page_table, self.doc_table, self.meta_table
        return [
            f"CREATE TABLE IF NOT EXISTS {m} (name text PRIMARY KEY, value text NOT NULL)",
            f"""CREATE TABLE IF NOT EXISTS {d} (
                doc_id bigint PRIMARY KEY,
                title_grams tsvector NOT NULL,
                title_chars tsvector NOT NULL,
                title_len integer NOT NULL,
                length integer NOT NULL,
                npages integer NOT NULL,
                category_id bigint,
                source_format text NOT NULL DEFAULT '',
                uploader_id bigint,
                created timestamptz NOT NULL
            )""",
            f"""CREATE TABLE IF NOT EXISTS {p} (
                doc_id bigint NOT NULL,
                page integer NOT NULL,
                part integer NOT NULL,
                grams tsvector NOT NULL,
                chars tsvector NOT NULL,
                PRIMARY KEY (doc_id, page, part)
            )""",
            f"CREATE INDEX IF NOT EXISTS {d}_title_grams ON {d} USING gin (title_grams) WITH (fastupdate = off)",
            f"CREATE INDEX IF NOT EXISTS {d}_title_chars ON {d} USING gin (title_chars) WITH (fastupdate = off)",
        ]

    def _page_index_ddl(self) -> list[str]:
        method = "rum (grams rum_tsvector_ops)" if self.uses_rum else "gin (grams)"
        return [
            f"DROP INDEX IF EXISTS {self._grams_index(not self.uses_rum)}",
            f"CREATE INDEX IF NOT EXISTS {self._grams_index()} ON {self.page_table} USING {method}",
            f"CREATE INDEX IF NOT EXISTS {self.page_table}_chars ON {self.page_table} USING gin (chars)",
        ]

    def _schema_ready(self, cursor) -> bool:
        tables = [self.meta_table, self.doc_table, self.page_table]
        if not all(self._exists(cursor, name) for name in tables) or self._layout(cursor) != _LAYOUT_VERSION:
            return False
        indexed = self._exists(cursor, self._grams_index()) and self._exists(cursor, f"{self.page_table}_chars")
        return indexed or not self._built(cursor)

    @staticmethod
    def _exists(cursor, name: str) -> bool:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
        return cursor.fetchone()[0]

    def _layout(self, cursor) -> str | None:
        cursor.execute(f"SELECT value FROM {self.meta_table} WHERE name = 'layout'")
        row = cursor.fetchone()
        return row[0] if row else None

    def _built(self, cursor) -> bool:
        cursor.execute(f"SELECT name, value FROM {self.meta_table} WHERE name IN ('analyzer', 'schema')")
        return dict(cursor.fetchall()) == _versions()

    @staticmethod
    def _rum_available(cursor) -> bool:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'rum'")
        if cursor.fetchone():
            return True
        database = (connection.settings_dict.get("HOST"), connection.settings_dict.get("PORT"), connection.alias)
        database += (connection.settings_dict.get("NAME"),)
        if database in _NO_RUM:
            return False
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'")
        available = cursor.fetchone() is not None
        if available:
            try:
                with transaction.atomic():
                    cursor.execute("CREATE EXTENSION IF NOT EXISTS rum")
            except DatabaseError:  # e.g. not allowed to create extensions (RUM is not a trusted extension)
                available = False
        if not available:
            _NO_RUM.add(database)  # not asked again by this process
        return available

    def drop(self) -> None:
        """Remove the tables altogether (tests; a rebuild uses clear())."""
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.page_table}, {self.doc_table}, {self.meta_table}")

    # -- writing ---------------------------------------------------------------------------------------------
    def upsert(self, documents: list[IndexDocument]) -> None:
        latest = {document.id: document for document in documents}
        if not latest:
            return
        doc_rows, page_rows = [], []
        for document in latest.values():
            doc_row, rows = _rows(document)
            doc_rows.append(doc_row)
            page_rows.extend(rows)
        self._stats_cache = None
        with transaction.atomic(), connection.cursor() as cursor:
            self._lock_writes(cursor)
            self._delete(cursor, list(latest))
            cursor.executemany(
                f"INSERT INTO {self.doc_table} (doc_id, title_grams, title_chars, title_len, length, npages, "
                "category_id, source_format, uploader_id, created) "
                "VALUES (%s, %s::tsvector, %s::tsvector, %s, %s, %s, %s, %s, %s, %s)",
                doc_rows,
            )
            if page_rows:
                cursor.executemany(
                    f"INSERT INTO {self.page_table} (doc_id, page, part, grams, chars) "
                    "VALUES (%s, %s, %s, %s::tsvector, %s::tsvector)",
                    page_rows,
                )

    def delete(self, document_ids: list[int]) -> None:
        if document_ids:
            self._stats_cache = None
            with transaction.atomic(), connection.cursor() as cursor:
                self._lock_writes(cursor)
                self._delete(cursor, list(document_ids))

    def _lock_writes(self, cursor) -> None:
        """One writer at a time: two processes replacing the same document must not both insert it."""
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"{self.prefix}:write"])

    def _delete(self, cursor, document_ids: list[int]) -> None:
        cursor.execute(f"DELETE FROM {self.page_table} WHERE doc_id = ANY(%s)", [document_ids])
        cursor.execute(f"DELETE FROM {self.doc_table} WHERE doc_id = ANY(%s)", [document_ids])

    def commit(self) -> None:
        """Nothing to do: writes are already part of the current transaction (see the module docstring)."""

    def clear(self) -> None:
        """Empty the index for a rebuild. Drops the page indexes too (mark_built() makes them again, which is
        much faster than filling them row by row) and holds the rebuild lock of this connection until then."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(hashtext(%s))", [f"{self.prefix}:rebuild"])
            if not cursor.fetchone()[0]:
                raise IndexBusy("another process is rebuilding the search index")
        self._stats_cache = None
        with transaction.atomic(), connection.cursor() as cursor:
            self._lock_writes(cursor)
            cursor.execute(f"TRUNCATE {self.page_table}, {self.doc_table}")
            cursor.execute(f"DELETE FROM {self.meta_table} WHERE name IN ('analyzer', 'schema')")
            cursor.execute(
                f"DROP INDEX IF EXISTS {self._grams_index(True)}, {self._grams_index(False)}, {self.page_table}_chars"
            )

    def needs_rebuild(self) -> bool:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                return not self._built(cursor)
        except ProgrammingError as exc:  # the meta table is gone: a new backend (next request) recreates it
            raise SearchUnavailable(f"索引表不可读（{str(exc).splitlines()[0][:200]}）") from exc

    def mark_built(self) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in self._page_index_ddl():
                cursor.execute(statement)
            cursor.executemany(
                f"INSERT INTO {self.meta_table} (name, value) VALUES (%s, %s) "
                "ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value",
                list(_versions().items()),
            )
            cursor.execute(f"ANALYZE {self.page_table}, {self.doc_table}")
        with connection.cursor() as cursor:
            for _ in range(100):  # clear() may have been called more than once on this connection
                cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [f"{self.prefix}:rebuild"])
                if not cursor.fetchone()[0]:
                    break

    # -- reading ---------------------------------------------------------------------------------------------
    def state(self) -> tuple[str, str]:
        """("ok" | "stale" | "damaged", detail), as TantivyBackend.state: for /healthz and `wenku serve`."""
        try:
            if self.needs_rebuild():
                return "stale", "索引尚未建立或由另一版本建立"
            return "ok", f"{self.document_count()} 篇文档"
        except (DatabaseError, SearchUnavailable) as exc:
            return "damaged", str(exc).splitlines()[0][:200]

    def document_count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {self.doc_table}")
            return cursor.fetchone()[0]

    def search(self, query: ParsedQuery, filters: Filters, sort: str, offset: int, limit: int) -> HitPage:
        sql, params = self._search_sql(query, filters, sort)
        offset, limit = max(offset, 0), max(limit, 0)
        with self._reading() as cursor:
            cursor.execute(sql, [*params, max(limit, 1), offset])
            rows = cursor.fetchall()
            if not rows and (offset > 0 or limit == 0):
                cursor.execute(sql, [*params, 1, 0])
                total = cursor.fetchone()
                return HitPage(total=total[2] if total else 0)
        total = rows[0][2] if rows else 0
        return HitPage(total=total, hits=[Hit(document_id=row[0], score=float(row[1])) for row in rows[:limit]])

    def matching_pages(self, query: ParsedQuery, document_ids: list[int]) -> dict[int, list[int]]:
        if not document_ids:
            return {}
        sql = _SqlBuilder()
        positives = _distinct(_match_of(term) for group in query.groups for term in group)
        excluded = _distinct(_match_of(term) for term in query.excluded)
        columns = []
        for i, match in enumerate(positives):  # a page by its own grams: a phrase across pages is on neither
            columns.append(sql.add(f"bool_or({match.on('grams', 'chars')}) AS f{i}", match.params(own=True)))
            columns.append(sql.add(f"sum({match.guarded_rank('grams', 'chars')}) AS s{i}", match.params(2, own=True)))
        for j, match in enumerate(excluded):
            columns.append(sql.add(f"bool_or({match.on('grams', 'chars')}) AS e{j}", match.params(own=True)))
        rows = (
            "WITH r AS (SELECT doc_id, page, "
            + ", ".join(columns)
            + f" FROM {self.page_table} WHERE doc_id = ANY(%s) GROUP BY doc_id, page)"
        )
        sql.params.append(list(document_ids))
        counts = ", ".join(["count(*) AS n", *(f"count(*) FILTER (WHERE f{i}) AS d{i}" for i in range(len(positives)))])
        score = " + ".join(
            f"CASE WHEN f{i} THEN {_IDF.format(df=f'd{i}')} * s{i} ELSE 0 END" for i in range(len(positives))
        )
        where = _boolean(query, positives, excluded, lambda i: f"f{i}", lambda j: f"e{j}")
        text = (
            f"{rows}, df AS (SELECT {counts} FROM r) "
            f"SELECT doc_id, page, {score or '0'} AS score FROM r CROSS JOIN df WHERE {where} "
            "ORDER BY doc_id, score DESC, page"
        )
        result: dict[int, list[int]] = {}
        with self._reading() as cursor:
            cursor.execute(text, sql.params)
            for document_id, page, _ in cursor.fetchall():
                result.setdefault(document_id, []).append(page)
        return result

    def _stats(self) -> tuple[float, float]:
        """Number of documents and their average length in grams, for ranking; read again after a write by this
        object, or after a minute (other processes write too), rather than counted by every query."""
        now = time.monotonic()
        if self._stats_cache is None or now - self._stats_cache[0] > _STATS_SECONDS:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT count(*), coalesce(avg(length), 0) FROM {self.doc_table}")
                count, average = cursor.fetchone()
            self._stats_cache = (now, float(count), float(average))
        return self._stats_cache[1:]

    @contextmanager
    def _reading(self):
        """A cursor for the search queries, in a transaction (or savepoint) that tells the planner to go through
        the indexes: it does not count the cost of reading a page's tsvector out of TOAST, so it would rather
        scan the whole table for a common gram, reading every page, than read the matching rows only.

        Tables or indexes that are gone (dropped by hand, a partial restore) raise SearchUnavailable: the savepoint
        is rolled back, so the request's own transaction goes on, and a new backend recreates the tables."""
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT current_setting('enable_seqscan'), current_setting('jit')")
                previous = cursor.fetchone()
                # (with seq scans priced out every plan looks dear enough to compile: JIT would cost more)
                cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL jit = off")
                yield cursor
                cursor.execute("SELECT set_config('enable_seqscan', %s, true), set_config('jit', %s, true)", previous)
        except ProgrammingError as exc:
            raise SearchUnavailable(f"索引表不可读（{str(exc).splitlines()[0][:200]}）") from exc

    # -- query building --------------------------------------------------------------------------------------
    def _search_sql(self, query: ParsedQuery, filters: Filters, sort: str) -> tuple[str, list]:
        scored = sort != "newest"
        sql = _SqlBuilder()
        positives = _distinct(_match_of(term) for group in query.groups for term in group)
        excluded = _distinct(_match_of(term) for term in query.excluded)
        ctes = [sql.add("stats AS (SELECT %s::float8 AS n, %s::float8 AS avglen)", self._stats())] if scored else []
        for i, match in enumerate(positives):
            if scored:
                body = sql.add(
                    f"SELECT doc_id, sum({match.rank('grams', 'chars')}) AS s FROM {self.page_table} "
                    f"WHERE {match.on('grams', 'chars')} GROUP BY doc_id",
                    match.params(2),
                )
            else:
                body = sql.add(
                    f"SELECT DISTINCT doc_id, 0::float8 AS s FROM {self.page_table} WHERE {match.on('grams', 'chars')}",
                    match.params(),
                )
            ctes.append(f"m{i} AS MATERIALIZED ({body})")
            title = sql.add(
                f"SELECT doc_id FROM {self.doc_table} WHERE {match.on('title_grams', 'title_chars')}", match.params()
            )
            ctes.append(f"t{i} AS MATERIALIZED ({title})")
        for j, match in enumerate(excluded):
            body = sql.add(
                f"SELECT doc_id FROM {self.page_table} WHERE {match.on('grams', 'chars')} "
                f"UNION SELECT doc_id FROM {self.doc_table} WHERE {match.on('title_grams', 'title_chars')}",
                match.params(2),
            )
            ctes.append(f"x{j} AS ({body})")
        if scored:
            counts = ", ".join(
                f"(SELECT count(*) FROM (SELECT doc_id FROM m{i} UNION SELECT doc_id FROM t{i}) u) AS d{i}"
                for i in range(len(positives))
            )
            ctes.append(f"df AS (SELECT {counts})")
        if query.groups:  # a matching document matches a term of the first group, in its text or its title
            first = sorted({positives.index(_match_of(term)) for term in query.groups[0]})
            candidates = " UNION ".join(f"SELECT doc_id FROM m{i} UNION SELECT doc_id FROM t{i}" for i in first)
        else:  # (parse_query never gives this; as in tantivy, everything not excluded matches)
            candidates = f"SELECT doc_id FROM {self.doc_table}"
        joins = "".join(
            f" LEFT JOIN m{i} ON m{i}.doc_id = d.doc_id LEFT JOIN t{i} ON t{i}.doc_id = d.doc_id"
            for i in range(len(positives))
        )
        where = [
            _boolean(
                query,
                positives,
                excluded,
                lambda i: f"(m{i}.doc_id IS NOT NULL OR t{i}.doc_id IS NOT NULL)",
                lambda j: f"d.doc_id IN (SELECT doc_id FROM x{j})",
            )
        ]
        where += self._filter_conditions(filters, sql)
        if scored:
            terms = []
            for i, match in enumerate(positives):
                body = (
                    f"coalesce(m{i}.s / (m{i}.s + {_TF_SATURATION} * "
                    f"(1 - {_LENGTH_NORM} + {_LENGTH_NORM} * d.length / greatest(stats.avglen, 1))), 0)"
                )
                title = (
                    f"CASE WHEN t{i}.doc_id IS NULL THEN 0 ELSE {_TITLE_BOOST} * "
                    f"(0.5 + 0.5 * least(1.0, {match.size}::float8 / greatest(d.title_len, 1))) END"
                )
                terms.append(f"{_IDF.format(df=f'df.d{i}')} * ({body} + {title})")
            score, order = " + ".join(terms), "score DESC, d.doc_id"
            from_extra = " CROSS JOIN stats CROSS JOIN df"
        else:
            score, order, from_extra = "0", "d.created DESC, d.doc_id DESC", ""
        text = (
            "WITH "
            + ", ".join(ctes)
            + f" SELECT d.doc_id, {score} AS score, count(*) OVER () AS total"
            + f" FROM ({candidates}) c JOIN {self.doc_table} d ON d.doc_id = c.doc_id{joins}"
            + from_extra
            + " WHERE "
            + " AND ".join(where)
            + f" ORDER BY {order} LIMIT %s OFFSET %s"
        )
        return text, sql.params

    @staticmethod
    def _filter_conditions(filters: Filters, sql: _SqlBuilder) -> list[str]:
        conditions = []
        if filters.category_id is not None:
            conditions.append(sql.add("d.category_id = %s", [filters.category_id]))
        if filters.uploader_id is not None:
            conditions.append(sql.add("d.uploader_id = %s", [filters.uploader_id]))
        if filters.source_format:
            conditions.append(sql.add("d.source_format = %s", [filters.source_format]))
        if filters.created_from is not None:
            conditions.append(sql.add("d.created >= %s", [filters.created_from]))
        if filters.created_to is not None:
            conditions.append(sql.add("d.created < %s", [filters.created_to]))
        return conditions


# idf of a term found in {df} of n documents (or pages); n may lag a little behind (see _stats)
_IDF = "ln(1 + (greatest(n, {df}) - {df} + 0.5) / ({df} + 0.5))::float8"


class _SqlBuilder:
    """Collects the parameters in the order their SQL pieces are placed."""

    def __init__(self) -> None:
        self.params: list = []

    def add(self, text: str, params: Iterable) -> str:
        self.params.extend(params)
        return text


class _Match:
    """How one term is looked for: its tsquery literals, against the grams or the chars column.

    ``tsquery`` finds the term in a document: in a page row's own grams or running on into the grams it borrows
    from the next page. ``own_tsquery`` finds it in a page's own grams only (for matching_pages)."""

    def __init__(self, column: str, tsquery: str | None, size: int, own_tsquery: str | None = None) -> None:
        self.column = column  # "grams" or "chars"
        self.tsquery = tsquery  # None: cannot match anything
        self.own_tsquery = tsquery if own_tsquery is None else own_tsquery
        self.size = size  # grams (or characters) the term covers, for the title boost

    def key(self) -> tuple:
        return (self.column, self.tsquery, self.own_tsquery)

    def __eq__(self, other) -> bool:
        return isinstance(other, _Match) and self.key() == other.key()

    def __hash__(self) -> int:
        return hash(self.key())

    def _col(self, grams: str, chars: str) -> str:
        return grams if self.column == "grams" else chars

    def on(self, grams: str, chars: str) -> str:
        return "FALSE" if self.tsquery is None else f"{self._col(grams, chars)} @@ %s::tsquery"

    def rank(self, grams: str, chars: str) -> str:
        """ts_rank of the term (one parameter, either tsquery: ts_rank ignores their weight restrictions, and
        _RANK_WEIGHTS count borrowed grams as nothing), for rows known to match."""
        if self.tsquery is None:
            return "0::float8"
        return f"ts_rank({_RANK_WEIGHTS}, {self._col(grams, chars)}, %s::tsquery)::float8"

    def guarded_rank(self, grams: str, chars: str) -> str:
        """ts_rank of the term where it matches, else 0 (two parameters)."""
        if self.tsquery is None:
            return "0::float8"
        return f"CASE WHEN {self.on(grams, chars)} THEN {self.rank(grams, chars)} ELSE 0 END"

    def params(self, times: int = 1, own: bool = False) -> list:
        """The tsquery for each placeholder; ``own``: the one for a page's own grams."""
        if self.tsquery is None:
            return []
        return [self.own_tsquery if own else self.tsquery] * times


def _match_of(term: Term) -> _Match:
    """The term's tsqueries. Grams before a gap in the term must be before a gap in the text (weight C, or B when
    borrowed). In ``tsquery`` a phrase of several grams starts in the row's own grams (C or D): a phrase in the
    borrowed grams alone is the next page's, and found there; a lone gram is not held to that, since a weight
    restriction would have GIN re-read the tsvector of every row with the gram, and a row that has it only among
    its borrowed grams changes nothing (the next page has it too, and borrowed grams rank 0). ``own_tsquery``
    holds every gram to the row's own grams."""
    if term.single_char:
        return _Match("chars", _quote(term.single_char), 1)
    grams = term.grams
    positions = [(index, gram) for index, gram in enumerate(grams) if gram != SEPARATOR]
    if not positions or any(len(gram.encode()) > MAX_LEXEME_BYTES for _, gram in positions):
        return _Match("grams", None, 0)
    found: list[str] = []
    own: list[str] = []
    for number, (index, gram) in enumerate(positions):
        if number:
            distance = index - positions[number - 1][0]
            operator = "<->" if distance == 1 else f"<{distance}>"
            found.append(operator)
            own.append(operator)
        lexeme = _quote(gram)
        before_gap = index + 1 < len(grams) and grams[index + 1] == SEPARATOR
        own_weights = GAP_WEIGHT if before_gap else OWN_WEIGHTS
        own.append(f"{lexeme}:{own_weights}")
        if number == 0 and len(positions) > 1:
            found.append(f"{lexeme}:{own_weights}")
        elif before_gap:
            found.append(f"{lexeme}:{BORROWED_GAP_WEIGHT}{GAP_WEIGHT}")
        else:
            found.append(lexeme)
    return _Match("grams", " ".join(found), len(positions), " ".join(own))


def _distinct(matches: Iterable[_Match]) -> list[_Match]:
    return list(dict.fromkeys(matches))


def _boolean(query: ParsedQuery, positives: list[_Match], excluded: list[_Match], has, has_excluded) -> str:
    """The query's logic over per-match conditions: has(i) for positive match i, has_excluded(j) for excluded j."""
    clauses = []
    for group in query.groups:
        indexes = sorted({positives.index(_match_of(term)) for term in group})
        clauses.append("(" + " OR ".join(has(i) for i in indexes) + ")")
    clauses += [f"NOT ({has_excluded(j)})" for j in range(len(excluded))]
    return "(" + " AND ".join(clauses) + ")" if clauses else "TRUE"


# -- tsvector literals ---------------------------------------------------------------------------------------
def _quote(lexeme: str) -> str:
    if "'" in lexeme or "\\" in lexeme:
        lexeme = lexeme.replace("\\", "\\\\").replace("'", "''")
    return f"'{lexeme}'"


def _needs_quoting(lexemes) -> bool:
    joined = "".join(lexemes)
    return "'" in joined or "\\" in joined


def _lexeme(gram: str) -> str | None:
    if gram == SEPARATOR:
        return None
    return LONG_WORD if len(gram) * 4 > MAX_LEXEME_BYTES and len(gram.encode()) > MAX_LEXEME_BYTES else gram


def _lexemes(grams: list[str]) -> list[str | None]:
    """_lexeme of each gram (a stream of short grams, the usual case, without a call per gram)."""
    if max(map(len, grams), default=0) * 4 <= MAX_LEXEME_BYTES:
        return [None if gram == SEPARATOR else gram for gram in grams]
    return [_lexeme(gram) for gram in grams]


def grams_vectors(grams: list[str], borrowed: list[str] | None = None) -> list[tuple[str, int]]:
    """tsvector literals, with their counts of own grams, for a grams stream and the stream that follows it
    (``borrowed``: a gap, then the next pages' grams, at most PHRASE_OVERLAP positions): one, unless they have a
    lexeme more than 256 times, more than 16383 positions or too many bytes; then overlapping parts, so no phrase
    is cut. Borrowed grams come after the own ones, with weight A (B before a gap)."""
    lexemes = _lexemes([*grams, *(borrowed or [])])
    own = len(grams)
    counts = Counter(lexemes)
    counts.pop(None, None)
    if (
        len(lexemes) <= MAX_POSITION
        and max(counts.values(), default=0) <= MAX_POSITIONS_PER_LEXEME
        and len("".join(counts).encode()) + 8 * len(counts) <= MAX_ROW_LEXEME_BYTES
    ):
        return [(_grams_vector(lexemes, 0, len(lexemes), own), _own_count(lexemes, 0, own))]
    vectors = []
    start = 0
    while True:
        counts = Counter()
        size = 0
        end = start
        while end < len(lexemes) and end - start < MAX_POSITION:
            lexeme = lexemes[end]
            if lexeme is not None:
                if counts[lexeme] >= MAX_POSITIONS_PER_LEXEME:
                    break
                if not counts[lexeme]:
                    size += len(lexeme.encode()) + 8
                    if size > MAX_ROW_LEXEME_BYTES:
                        break
                counts[lexeme] += 1
            end += 1
        vectors.append((_grams_vector(lexemes, start, end, own), _own_count(lexemes, start, min(end, own))))
        start = max(start + 1, end - PHRASE_OVERLAP)
        if end >= len(lexemes) or start >= own:  # (a part of borrowed grams only would hold no phrase of its own)
            return vectors


def _own_count(lexemes: list[str | None], start: int, end: int) -> int:
    part = lexemes[start:end]
    return len(part) - part.count(None)


def _grams_vector(lexemes: list[str | None], start: int, end: int, own: int) -> str:
    """Positions count from 1 at ``start``; a gap takes a position; a gram followed by a gap has weight C, and
    from ``own`` on (borrowed grams) A, or B before a gap. Each occurrence is written on its own
    (``'经济':1 '济发':2 '经济':9C``): PostgreSQL merges them."""
    part = lexemes[start:end]
    following = lexemes[start + 1 : end + 1]
    if len(following) < len(part):
        following.append("")  # the stream's end: no gap after the last gram
    if _needs_quoting(filter(None, part)):
        part = [None if lexeme is None else _quote(lexeme)[1:-1] for lexeme in part]
    # The weight of each position: own or borrowed, and whether a gap follows (found by list.index: gaps are few).
    borrowed_from = max(0, min(own, end) - start)
    weights = [""] * borrowed_from + [BORROWED_WEIGHT] * (len(part) - borrowed_from)
    gap = -1
    while True:
        try:
            gap = following.index(None, gap + 1)
        except ValueError:
            break
        weights[gap] = GAP_WEIGHT if gap < borrowed_from else BORROWED_GAP_WEIGHT
    return " ".join(
        [
            f"'{lexeme}':{position}{weight}"
            for position, lexeme, weight in zip(range(1, len(part) + 1), part, weights, strict=True)
            if lexeme is not None
        ]
    )


def chars_vector(chars: list[str]) -> str:
    """Every character with its positions (PostgreSQL keeps the first 256 of each; they only serve ranking)."""
    chars = chars[:MAX_POSITION]
    if _needs_quoting(chars):
        chars = [_quote(char)[1:-1] for char in chars]
    return " ".join(map("'{}':{}".format, chars, range(1, len(chars) + 1)))


def _split(tokens: str) -> list[str]:
    return tokens.split(" ") if tokens else []


def _rows(document: IndexDocument) -> tuple[tuple, list[tuple]]:
    title = index_tokens(document.title, with_words=False)
    title_grams = _split(title.grams)
    pages = [index_tokens(text, with_words=False) for text in document.pages]
    streams = [_split(tokens.grams) for tokens in pages]
    page_rows = []
    length = 0
    for number, (tokens, grams, borrowed) in enumerate(zip(pages, streams, _borrowed(streams), strict=True), 1):
        chars = chars_vector(_split(tokens.chars))
        for part, (vector, size) in enumerate(grams_vectors(grams, borrowed)):
            page_rows.append((document.id, number, part, vector, chars if part == 0 else ""))
            length += size
    doc_row = (
        document.id,
        grams_vectors(title_grams)[0][0],
        chars_vector(_split(title.chars)),
        sum(1 for gram in title_grams if gram != SEPARATOR),
        length,
        len(document.pages),
        document.category_id,
        document.source_format or "",
        document.uploader_id,
        document.created,
    )
    return doc_row, page_rows


def _borrowed(streams: list[list[str]]) -> list[list[str]]:
    """For each page's grams stream, the first PHRASE_OVERLAP positions of the document's stream after it (a
    gap, then the next pages' grams), or nothing for a page without grams or with none after it. The document's
    stream is that of its pages joined by "\\n", as in tantivy's whole-document entry: a gap between every two
    pages (pages without grams add nothing), so a phrase can run over the page end but no run of characters does.
    A phrase query spans fewer positions than PHRASE_OVERLAP, so one that starts on a page ends within them."""
    result: list[list[str]] = []
    after: list[str] = []  # the document's stream after the current page
    for grams in reversed(streams):
        result.append([SEPARATOR, *after][:PHRASE_OVERLAP] if grams and after else [])
        if grams:
            after = [*grams[:PHRASE_OVERLAP], SEPARATOR, *after][:PHRASE_OVERLAP] if after else grams[:PHRASE_OVERLAP]
    return result[::-1]


def _versions() -> dict[str, str]:
    return {name: str(version) for name, version in current_versions().items()}


__all__ = ["PostgresBackend", "chars_vector", "grams_vectors"]

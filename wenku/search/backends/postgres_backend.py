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
- ``wenku_search_meta``: the analyzer and schema versions the index was built with (and the table layout).

The tsvectors are written as literals from wenku.text.analysis tokens, never through PostgreSQL's parser. In
``grams`` each gram has its stream position; a gap (``|``) takes a position but is not stored, and the gram just
before a gap carries weight C, so the phrase "经济，发展" (``'经济':C <2> '发展'``) matches exactly where the
text has 经济, a gap, 发展 — as tantivy's phrase over the ``|`` token does. ``chars`` holds every Han character for
one-character queries.

A document matches a term when one of its page rows or its title matches the term's tsquery; groups, ORs and
exclusions combine those per-document sets (so 经济 on page 1 and 改革 on page 9 match "经济 改革" as in tantivy,
whose page-0 entry holds the whole text). The relevance score is BM25-like: Σ over matched terms of
idf × (saturated sum of the term's ts_rank over the document's pages, normalised by document length
+ a title boost when the title matches). The total is the exact number of matching documents.

Index: the ``grams`` column gets a RUM index when the ``rum`` extension can be had (detected when the backend is
created; otherwise GIN). RUM keeps positions in the index, so phrase queries are answered without re-reading the
tsvectors from the table. Ranking uses ``ts_rank`` with weights that make the C marker neutral in both cases
(RUM's ``rum_ts_score`` has fixed weights and would count grams before a gap four times over).

Writes: ``upsert``/``delete`` run at once in the current Django transaction (each call atomic). Outside a
transaction they are visible to every process when the call returns; inside ``transaction.atomic()`` they become
visible when that transaction commits. ``commit()`` has nothing left to do.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection, transaction

from wenku.search.backends.base import INDEX_SCHEMA_VERSION, Filters, Hit, HitPage, IndexDocument
from wenku.search.query import MAX_QUERY_CHARS, ParsedQuery, Term
from wenku.text.analysis import ANALYZER_VERSION, SEPARATOR, index_tokens

_LAYOUT_VERSION = "1"  # of the tables below; a different stored value drops and recreates them
_PREFIX = re.compile(r"wenku_search(_[a-z0-9]+)*")

MAX_POSITION = 16383  # tsvector positions above are clamped
MAX_POSITIONS_PER_LEXEME = 256  # tsvector keeps only the first 256 positions of a lexeme
MAX_LEXEME_BYTES = 2000  # PostgreSQL refuses lexemes of 2 KiB and more
MAX_ROW_LEXEME_BYTES = 512 * 1024  # a tsvector's lexemes take at most 1 MiB
PHRASE_OVERLAP = MAX_QUERY_CHARS + 1  # grams a phrase query can span at most, and then some
GAP_WEIGHT = "C"  # marks a gram that is followed by a gap
LONG_WORD = "⁂"  # stands for a word too long to store; no token can be it (it is punctuation)

_RANK_WEIGHTS = "'{0.1,0.1,0.1,1.0}'::float4[]"  # D, C, B, A: the gap marker C ranks as the plain D
_TITLE_BOOST = 3.0
_TF_SATURATION = 0.1  # about the ts_rank of a page that has the term once
_LENGTH_NORM = 0.5


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
        self.ensure_schema(use_rum)

    # -- schema ----------------------------------------------------------------------------------------------
    def ensure_schema(self, use_rum: bool | None = None) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            self.uses_rum = use_rum is not False and self._rum_available(cursor)
            if use_rum and not self.uses_rum:
                raise ImproperlyConfigured("the rum extension is not available in this database")
            if self._schema_ready(cursor):
                return
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [self.prefix])
            if self._schema_ready(cursor):
                return
            cursor.execute(f"SELECT to_regclass('{self.meta_table}')")
            if cursor.fetchone()[0] is not None:
                cursor.execute(f"SELECT value FROM {self.meta_table} WHERE name = 'layout'")
                row = cursor.fetchone()
                if row is None or row[0] != _LAYOUT_VERSION:
                    cursor.execute(f"DROP TABLE IF EXISTS {self.page_table}, {self.doc_table}, {self.meta_table}")
            for statement in self._ddl():
                cursor.execute(statement)
            cursor.execute(
                f"INSERT INTO {self.meta_table} (name, value) VALUES ('layout', %s) ON CONFLICT (name) DO NOTHING",
                [_LAYOUT_VERSION],
            )

    def _grams_index(self, rum: bool | None = None) -> str:
        return f"{self.page_table}_grams_{'rum' if (self.uses_rum if rum is None else rum) else 'gin'}"

    def _ddl(self) -> list[str]:
        p, d, m = self.page_table, self.doc_table, self.meta_table
        method = "rum (grams rum_tsvector_ops)" if self.uses_rum else "gin (grams)"
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
            f"DROP INDEX IF EXISTS {self._grams_index(not self.uses_rum)}",
            f"CREATE INDEX IF NOT EXISTS {self._grams_index()} ON {p} USING {method}",
            f"CREATE INDEX IF NOT EXISTS {p}_chars ON {p} USING gin (chars)",
            f"CREATE INDEX IF NOT EXISTS {d}_title_grams ON {d} USING gin (title_grams)",
            f"CREATE INDEX IF NOT EXISTS {d}_title_chars ON {d} USING gin (title_chars)",
        ]

    def _schema_ready(self, cursor) -> bool:
        names = [self.meta_table, self.doc_table, self.page_table, self._grams_index(), f"{self.page_table}_chars"]
        cursor.execute("SELECT " + ", ".join(["to_regclass(%s) IS NOT NULL"] * len(names)), names)
        if not all(cursor.fetchone()):
            return False
        cursor.execute(f"SELECT value FROM {self.meta_table} WHERE name = 'layout'")
        row = cursor.fetchone()
        return row is not None and row[0] == _LAYOUT_VERSION

    @staticmethod
    def _rum_available(cursor) -> bool:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'rum'")
        if cursor.fetchone():
            return True
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'")
        if not cursor.fetchone():
            return False
        try:
            with transaction.atomic():
                cursor.execute("CREATE EXTENSION IF NOT EXISTS rum")
        except DatabaseError:  # e.g. not allowed to create extensions
            return False
        return True

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
        with transaction.atomic(), connection.cursor() as cursor:
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
            with transaction.atomic(), connection.cursor() as cursor:
                self._delete(cursor, list(document_ids))

    def _delete(self, cursor, document_ids: list[int]) -> None:
        cursor.execute(f"DELETE FROM {self.page_table} WHERE doc_id = ANY(%s)", [document_ids])
        cursor.execute(f"DELETE FROM {self.doc_table} WHERE doc_id = ANY(%s)", [document_ids])

    def commit(self) -> None:
        """Nothing to do: writes are already part of the current transaction (see the module docstring)."""

    def clear(self) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {self.page_table}, {self.doc_table}")
            cursor.execute(f"DELETE FROM {self.meta_table} WHERE name IN ('analyzer', 'schema')")

    def needs_rebuild(self) -> bool:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT name, value FROM {self.meta_table} WHERE name IN ('analyzer', 'schema')")
            stored = dict(cursor.fetchall())
        return stored != _versions()

    def mark_built(self) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {self.meta_table} (name, value) VALUES (%s, %s) "
                "ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value",
                list(_versions().items()),
            )

    # -- reading ---------------------------------------------------------------------------------------------
    def document_count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {self.doc_table}")
            return cursor.fetchone()[0]

    def search(self, query: ParsedQuery, filters: Filters, sort: str, offset: int, limit: int) -> HitPage:
        sql, params = self._search_sql(query, filters, sort)
        offset, limit = max(offset, 0), max(limit, 0)
        with connection.cursor() as cursor:
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
        for i, match in enumerate(positives):
            columns.append(sql.add(f"bool_or({match.on('grams', 'chars')}) AS f{i}", match.params()))
            columns.append(sql.add(f"sum({match.guarded_rank('grams', 'chars')}) AS s{i}", match.params(2)))
        for j, match in enumerate(excluded):
            columns.append(sql.add(f"bool_or({match.on('grams', 'chars')}) AS e{j}", match.params()))
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
        with connection.cursor() as cursor:
            cursor.execute(text, sql.params)
            for document_id, page, _ in cursor.fetchall():
                result.setdefault(document_id, []).append(page)
        return result

    # -- query building --------------------------------------------------------------------------------------
    def _search_sql(self, query: ParsedQuery, filters: Filters, sort: str) -> tuple[str, list]:
        scored = sort != "newest"
        sql = _SqlBuilder()
        positives = _distinct(_match_of(term) for group in query.groups for term in group)
        excluded = _distinct(_match_of(term) for term in query.excluded)
        ctes = [f"stats AS (SELECT count(*) AS n, coalesce(avg(length), 0) AS avglen FROM {self.doc_table})"]
        for i, match in enumerate(positives):
            if scored:
                body = sql.add(
                    f"SELECT doc_id, sum({match.rank('grams', 'chars')}) AS s FROM {self.page_table} "
                    f"WHERE {match.on('grams', 'chars')} GROUP BY doc_id",
                    match.params(2),
                )
            else:
                body = sql.add(
                    f"SELECT DISTINCT doc_id, 0::float8 AS s FROM {self.page_table} "
                    f"WHERE {match.on('grams', 'chars')}",
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
        first = {positives.index(_match_of(term)) for term in query.groups[0]}
        candidates = " UNION ".join(f"SELECT doc_id FROM m{i} UNION SELECT doc_id FROM t{i}" for i in sorted(first))
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
            from_extra = " CROSS JOIN df"
        else:
            score, order, from_extra = "0", "d.created DESC, d.doc_id DESC", ""
        text = (
            "WITH "
            + ", ".join(ctes)
            + f" SELECT d.doc_id, {score} AS score, count(*) OVER () AS total"
            + f" FROM ({candidates}) c JOIN {self.doc_table} d ON d.doc_id = c.doc_id{joins}"
            + f" CROSS JOIN stats{from_extra}"
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


# idf of a term matched by {df} of stats.n / df.n documents (or pages)
_IDF = "ln(1 + (n - {df} + 0.5) / ({df} + 0.5))::float8"


class _SqlBuilder:
    """Collects the parameters in the order their SQL pieces are placed."""

    def __init__(self) -> None:
        self.params: list = []

    def add(self, text: str, params: Iterable) -> str:
        self.params.extend(params)
        return text


class _Match:
    """How one term is looked for: its tsquery literal, against the grams or the chars column."""

    def __init__(self, column: str, tsquery: str | None, size: int) -> None:
        self.column = column  # "grams" or "chars"
        self.tsquery = tsquery  # None: cannot match anything
        self.size = size  # grams (or characters) the term covers, for the title boost

    def key(self) -> tuple:
        return (self.column, self.tsquery)

    def __eq__(self, other) -> bool:
        return isinstance(other, _Match) and self.key() == other.key()

    def __hash__(self) -> int:
        return hash(self.key())

    def _col(self, grams: str, chars: str) -> str:
        return grams if self.column == "grams" else chars

    def on(self, grams: str, chars: str) -> str:
        return "FALSE" if self.tsquery is None else f"{self._col(grams, chars)} @@ %s::tsquery"

    def rank(self, grams: str, chars: str) -> str:
        """ts_rank of the term (one parameter), for rows known to match."""
        if self.tsquery is None:
            return "0::float8"
        return f"ts_rank({_RANK_WEIGHTS}, {self._col(grams, chars)}, %s::tsquery)::float8"

    def guarded_rank(self, grams: str, chars: str) -> str:
        """ts_rank of the term where it matches, else 0 (two parameters)."""
        if self.tsquery is None:
            return "0::float8"
        return f"CASE WHEN {self.on(grams, chars)} THEN {self.rank(grams, chars)} ELSE 0 END"

    def params(self, times: int = 1) -> list:
        return [] if self.tsquery is None else [self.tsquery] * times


def _match_of(term: Term) -> _Match:
    if term.single_char:
        return _Match("chars", _quote(term.single_char), 1)
    parts: list[str] = []
    previous = None
    grams = term.grams
    for index, gram in enumerate(grams):
        if gram == SEPARATOR:
            continue
        if len(gram.encode()) > MAX_LEXEME_BYTES:
            return _Match("grams", None, 0)
        lexeme = _quote(gram)
        if index + 1 < len(grams) and grams[index + 1] == SEPARATOR:
            lexeme += f":{GAP_WEIGHT}"
        if previous is not None:
            distance = index - previous
            parts.append("<->" if distance == 1 else f"<{distance}>")
        parts.append(lexeme)
        previous = index
    if not parts:
        return _Match("grams", None, 0)
    return _Match("grams", " ".join(parts), sum(1 for g in grams if g != SEPARATOR))


def _distinct(matches: Iterable[_Match]) -> list[_Match]:
    return list(dict.fromkeys(matches))


def _boolean(query: ParsedQuery, positives: list[_Match], excluded: list[_Match], has, has_excluded) -> str:
    """The query's logic over per-match conditions: has(i) for positive match i, has_excluded(j) for excluded j."""
    clauses = []
    for group in query.groups:
        indexes = sorted({positives.index(_match_of(term)) for term in group})
        clauses.append("(" + " OR ".join(has(i) for i in indexes) + ")")
    clauses += [f"NOT ({has_excluded(j)})" for j in range(len(excluded))]
    return "(" + " AND ".join(clauses) + ")"


# -- tsvector literals ---------------------------------------------------------------------------------------
def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _vector(positions: dict[str, list[str]]) -> str:
    return " ".join(f"{_quote(lexeme)}:{','.join(marks)}" for lexeme, marks in positions.items())


def grams_vectors(grams: list[str]) -> list[tuple[str, int]]:
    """tsvector literals (with their gram counts) for a grams stream: one, unless it has to be split."""
    lexemes = [
        None if gram == SEPARATOR else (LONG_WORD if len(gram.encode()) > MAX_LEXEME_BYTES else gram)
        for gram in grams
    ]
    gap_after = [i + 1 < len(grams) and grams[i + 1] == SEPARATOR for i in range(len(grams))]
    vectors = []
    start = 0
    while start < len(lexemes):
        counts: Counter[str] = Counter()
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
        positions: dict[str, list[str]] = {}
        for index in range(start, end):
            if lexemes[index] is not None:
                mark = f"{index - start + 1}{GAP_WEIGHT if gap_after[index] else ''}"
                positions.setdefault(lexemes[index], []).append(mark)
        vectors.append((_vector(positions), sum(counts.values())))
        if end >= len(lexemes):
            break
        start = max(start + 1, end - PHRASE_OVERLAP)
    return vectors or [("", 0)]


def chars_vector(chars: list[str]) -> str:
    positions: dict[str, list[str]] = {}
    for index, char in enumerate(chars[:MAX_POSITION], start=1):
        marks = positions.setdefault(char, [])
        if len(marks) < MAX_POSITIONS_PER_LEXEME:
            marks.append(str(index))
    return _vector(positions)


def _split(tokens: str) -> list[str]:
    return tokens.split(" ") if tokens else []


def _rows(document: IndexDocument) -> tuple[tuple, list[tuple]]:
    title = index_tokens(document.title, with_words=False)
    title_grams = _split(title.grams)
    page_rows = []
    length = 0
    for number, text in enumerate(document.pages, start=1):
        tokens = index_tokens(text, with_words=False)
        chars = chars_vector(_split(tokens.chars))
        for part, (vector, size) in enumerate(grams_vectors(_split(tokens.grams))):
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


def _versions() -> dict[str, str]:
    return {"analyzer": str(ANALYZER_VERSION), "schema": str(INDEX_SCHEMA_VERSION)}


__all__ = ["PostgresBackend", "chars_vector", "grams_vectors"]

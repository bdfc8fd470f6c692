#!/usr/bin/env python3
"""查重 (wenku.checking): fingerprint index build, and check latency of a 5,000-character text, against a
straightforward difflib baseline over the same candidate documents.

Libraries (cached under bench/.cache, so reruns skip the imports):
- dev: `wenku import` of the whole development corpus (official/, speeches/, news/, near_duplicates/) into a
  fresh data dir (bench/.cache/check-dev), as a site owner would: storage, search index, fingerprint index and
  the near-duplicate review.
- 10x: a copy of the dev library's database (SQLite backup API) plus every poem of chinese-poetry@2.0.1 (fetched
  by bench_search.fetch_poetry) plus as many whole copies of the dev corpus, each with its Han characters
  shifted by a different offset inside the CJK block (see `shifted`), as it takes to reach ten times the dev
  library's code points (the last copy is partial). The shifted copies keep the length, paragraphing and
  repetitiveness of real text but share no fingerprints with it or with each other. They are stored with the
  importer (wenku.ingest.importer.import_file) in a child process, without search indexing and without the
  near-duplicate review (which `wenku import` would do and which would take far longer than this benchmark);
  only the fingerprint index is then built, with `rebuild(targets=[FingerprintFollower()])`.

Measured for each library, each in fresh child processes (the data dir is passed through WENKU_DATA_DIR):
- build: `rebuild(targets=[FingerprintFollower()])` --build-reps times (after one untimed pass that reads
  every document from the DB, which also warms the page cache and shows how much of a build is DB reading):
  characters/s (code points of the searchable documents), index size on disk, peak RSS of the process;
- check: 20 submissions of 5,000 characters (SIGHAN 2005 gold sentences, not in the library, with 5-10 passages
  of 13-500 matched characters copied from random dev-library documents, about a third lightly edited). After a
  warm-up, `check_text` runs on every submission --repeats times per round for --rounds rounds: p50 / p99 per
  round, median and spread across rounds. Peak RSS of the checking process. Then the same check step by step
  (the functions check_text calls, in the same order) with a timer around each stage;
- baseline: for each submission, the documents check_text reported as sources, compared with
  `difflib.SequenceMatcher(None, submission, document, autojunk=False).get_matching_blocks()`, blocks of >= 13
  characters kept. Only the matching is timed (the documents' texts are already in memory). Ratio = baseline
  time / the median of 5 check_text runs of that submission right around it, per submission. Agreement: the
  letters and digits of the planted passages that each one covers.

    .venv/bin/python bench/bench_check.py [--scale dev|10x|both] [--quick]
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections import Counter
from contextlib import closing
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import (
    CACHE_DIR,
    DEFAULT_CORPUS,
    REPO,
    OtherCpu,
    Spread,
    child_env,
    default_wenku,
    exit_cleanly_on_sigterm,
    machine_info,
    noise_warning,
    print_table,
    tail,
    write_result,
)

LIBRARY_VERSION = 1  # bump to invalidate the cached libraries
DEV_DIR = CACHE_DIR / "check-dev"
TENX_DIR = CACHE_DIR / "check-10x"
TENX_SOURCES = CACHE_DIR / "check-10x-sources"  # the JSONL files added to the 10x library
DEV_FOLDERS = ("official", "speeches", "news", "near_duplicates")
SIGHAN = ("segmentation/sighan2005/pku_test_gold.utf8", "segmentation/sighan2005/msr_test_gold.utf8")

GOAL_P50_MS = {"dev": 50.0, "10x": 200.0}
GOAL_BUILD_CHARS_S = 1_000_000
SUBMISSION_CHARS = 5_000
MIN_BLOCK = 13  # the baseline keeps difflib blocks of at least this many characters (WENKU_CHECK_MIN_RUN)
HAN_FIRST, HAN_SIZE = 0x4E00, 0x9FFF - 0x4E00 + 1  # CJK Unified Ideographs, the block the shift rotates in
SHIFT_STEP = 2_741  # offset of copy c is c * SHIFT_STEP (mod the block): far apart, never a multiple of it
PER_FILE = 50_000  # documents per JSONL file (`wenku import` refuses files over WENKU_MAX_FILE_MB)


def note(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", file=sys.stderr, flush=True)


def percentile(values, q: float) -> float:
    """Nearest rank (p99 of 100 values is the 99th smallest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# --- libraries (parent process) ------------------------------------------------------------------------------------


def library_info(data_dir: Path) -> dict | None:
    marker = data_dir / "library.json"
    if not marker.exists():
        return None
    info = json.loads(marker.read_text())
    return info if info.get("version") == LIBRARY_VERSION else None


def db_totals(data_dir: Path) -> tuple[int, int]:
    with closing(sqlite3.connect(f"file:{data_dir / 'wenku.sqlite3'}?mode=ro", uri=True)) as db:
        return db.execute(
            "SELECT COUNT(*), COALESCE(SUM(text_length), 0) FROM library_document "
            "WHERE status = 'published' AND visibility = 'public'"
        ).fetchone()


def prepare_dev(corpus: Path, wenku: str) -> dict:
    info = library_info(DEV_DIR)
    if info and info["corpus"] == str(corpus):
        note(f"dev library: cached in {DEV_DIR} ({info['documents']:,} documents, {info['code_points']:,} code points)")
        return info
    shutil.rmtree(DEV_DIR, ignore_errors=True)
    DEV_DIR.mkdir(parents=True)
    paths = [str(corpus / folder) for folder in DEV_FOLDERS]
    note(f"wenku import {' '.join(paths)} into {DEV_DIR}")
    started = time.perf_counter()
    with (DEV_DIR / "import.jsonl").open("w", encoding="utf-8") as out:
        done = subprocess.run(
            [wenku, "import", "--json", *paths],
            env=child_env(DEV_DIR),
            stdout=out,
            stderr=subprocess.PIPE,
            text=True,
        )
    wall = time.perf_counter() - started
    if done.returncode not in (0, 1):  # 1: the pair files (records without "text") fail by design
        raise RuntimeError(f"wenku import exited {done.returncode}:\n{tail(done.stderr)}")
    tally: Counter[str] = Counter()
    for line in (DEV_DIR / "import.jsonl").read_text(encoding="utf-8").splitlines():
        if line.startswith("{"):
            tally[json.loads(line)["status"]] += 1
    documents, code_points = db_totals(DEV_DIR)
    info = {
        "version": LIBRARY_VERSION,
        "corpus": str(corpus),
        "paths": paths,
        "import_wall_s": wall,
        "exit_code": done.returncode,
        "summary": tail(done.stderr, 1),
        "tally": dict(tally),
        "documents": documents,
        "code_points": code_points,
    }
    (DEV_DIR / "library.json").write_text(json.dumps(info, ensure_ascii=False, indent=2))
    note(f"dev library: {documents:,} documents, {code_points:,} code points, imported in {wall:,.0f} s")
    return info


@functools.cache
def _shift_table(copy: int) -> dict[int, int]:
    offset = copy * SHIFT_STEP % HAN_SIZE
    return {cp: HAN_FIRST + (cp - HAN_FIRST + offset) % HAN_SIZE for cp in range(HAN_FIRST, HAN_FIRST + HAN_SIZE)}


def shifted(text: str, copy: int) -> str:
    """Han characters rotated by copy * SHIFT_STEP inside the CJK Unified Ideographs block; the rest unchanged."""
    return text.translate(_shift_table(copy))


def write_10x_sources(corpus: Path, dev_code_points: int) -> dict:
    """The JSONL files that make the dev library ten times bigger: poems, then shifted copies of the dev corpus."""
    import bench_search

    from wenku.text.pagination import paginate

    TENX_SOURCES.mkdir(parents=True, exist_ok=True)
    done_marker = TENX_SOURCES / "sources.json"
    if done_marker.exists():
        plan = json.loads(done_marker.read_text())
        if plan.get("version") == LIBRARY_VERSION and plan.get("dev_code_points") == dev_code_points:
            return plan
    for old in TENX_SOURCES.glob("*.jsonl"):
        old.unlink()
    package = bench_search.fetch_poetry()
    poems = [
        bench_search.Doc(n, r.title, [p.text for p in paginate(r.paragraphs)], "poems")
        for n, r in enumerate(bench_search.poems(package), start=1)
    ]
    poem_chars = sum(len(d.text) for d in poems)
    files = []
    for number, start in enumerate(range(0, len(poems), PER_FILE), start=1):
        path = TENX_SOURCES / f"poems-{number:02d}.jsonl"
        bench_search.write_jsonl(poems[start : start + PER_FILE], path)
        files.append(path.name)
    dev = list(bench_search.dev_corpus(corpus))
    dev_chars = sum(len("\n".join(r.paragraphs)) for r in dev)
    target = 10 * dev_code_points
    missing = target - dev_code_points - poem_chars
    copies, partial_docs, written, next_id = 0, 0, 0, len(poems) + 1
    while written < missing:
        copies += 1
        docs = []
        for r in dev:
            if written >= missing:
                break
            paragraphs = [shifted(p, copies) for p in r.paragraphs]
            docs.append(bench_search.Doc(next_id, shifted(r.title, copies), paragraphs, "shifted"))
            written += len("\n".join(paragraphs))
            next_id += 1
        if len(docs) < len(dev):
            partial_docs = len(docs)
        path = TENX_SOURCES / f"shifted-{copies:02d}.jsonl"
        # write_jsonl joins pages; here each "page" is a paragraph, which the importer paginates again
        bench_search.write_jsonl(docs, path)
        files.append(path.name)
    plan = {
        "version": LIBRARY_VERSION,
        "dev_code_points": dev_code_points,
        "target_code_points": target,
        "poems": len(poems),
        "poem_code_points": poem_chars,
        "dev_corpus_code_points_as_read": dev_chars,
        "shifted_copies": copies,
        "last_copy_documents": partial_docs or len(dev),
        "dev_documents": len(dev),
        "shifted_code_points": written,
        "shift_step": SHIFT_STEP,
        "files": files,
    }
    done_marker.write_text(json.dumps(plan, indent=2))
    return plan


def prepare_10x(corpus: Path, dev: dict) -> dict:
    info = library_info(TENX_DIR)
    if info and info.get("dev_code_points") == dev["code_points"]:
        note(
            f"10x library: cached in {TENX_DIR} ({info['documents']:,} documents, {info['code_points']:,} code points)"
        )
        return info
    note("writing the 10x sources (poems, shifted copies of the dev corpus)")
    plan = write_10x_sources(corpus, dev["code_points"])
    shutil.rmtree(TENX_DIR, ignore_errors=True)
    TENX_DIR.mkdir(parents=True)
    with (
        closing(sqlite3.connect(DEV_DIR / "wenku.sqlite3")) as src,
        closing(sqlite3.connect(TENX_DIR / "wenku.sqlite3")) as dst,
    ):
        src.backup(dst)
    note(f"importing {len(plan['files'])} files into {TENX_DIR} (storage only)")
    started = time.perf_counter()
    result = run_worker("import10x", TENX_DIR, {"files": [str(TENX_SOURCES / f) for f in plan["files"]]})
    wall = time.perf_counter() - started
    documents, code_points = db_totals(TENX_DIR)
    info = {
        "version": LIBRARY_VERSION,
        "dev_code_points": dev["code_points"],
        "plan": plan,
        "import_wall_s": wall,
        "import": result,
        "documents": documents,
        "code_points": code_points,
        "how": "copy of the dev library's database + importer.import_file of the poem and shifted JSONL files, "
        "no search indexing, no near-duplicate review",
    }
    (TENX_DIR / "library.json").write_text(json.dumps(info, ensure_ascii=False, indent=2))
    note(
        f"10x library: {documents:,} documents, {code_points:,} code points "
        f"({code_points / dev['code_points']:.2f}x dev), stored in {wall:,.0f} s"
    )
    return info


ENGINE_SOURCES = ("wenku/checking", "wenku/search/indexing.py", "wenku/text", "wenku/library/models.py")


def engine_digest() -> str:
    """sha256 of the engine's sources as they are on disk (others may edit the tree while this runs)."""
    import hashlib

    digest = hashlib.sha256()
    for root in ENGINE_SOURCES:
        path = REPO / root
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(str(file.relative_to(REPO)).encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()[:16]


def run_worker(kind: str, data_dir: Path, params: dict) -> dict:
    """This script as a child process with WENKU_DATA_DIR=data_dir (Django is set up once per data dir)."""
    params_path = data_dir / f"worker-{kind}-params.json"
    out_path = data_dir / f"worker-{kind}-result.json"
    params_path.write_text(json.dumps(params, ensure_ascii=False))
    out_path.unlink(missing_ok=True)
    env = child_env(data_dir)
    env["DJANGO_SETTINGS_MODULE"] = "wenku.settings"
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--worker", kind, "--params", str(params_path), "--out", str(out_path)],
        env=env,
        cwd=REPO,
    )
    if done.returncode != 0 or not out_path.exists():
        raise RuntimeError(f"worker {kind} on {data_dir} exited {done.returncode}")
    result = json.loads(out_path.read_text())
    result["worker_wall_s"] = time.perf_counter() - started
    return result


# --- workers (child processes, Django set up) ------------------------------------------------------------------


def setup_django() -> None:
    import django

    sys.path.insert(0, str(REPO))
    django.setup()


def worker_import10x(params: dict) -> dict:
    from wenku.ingest.importer import ImportOptions, import_file

    tally: Counter[str] = Counter()
    chars = 0
    for name in params["files"]:
        started = time.perf_counter()
        for result in import_file(Path(name), ImportOptions()):
            tally[result.status] += 1
            if result.status == "imported":
                chars += result.chars or 0
        note(f"stored {name} in {time.perf_counter() - started:,.0f} s ({dict(tally)})")
    return {"tally": dict(tally), "zi": chars}


def searchable_totals() -> tuple[int, int]:
    from django.db.models import Sum

    from wenku.search.indexing import searchable_documents

    docs = searchable_documents()
    return docs.count(), docs.aggregate(n=Sum("text_length"))["n"] or 0


def index_stats() -> dict:
    import numpy as np

    from wenku.checking.registry import index_dir

    directory = index_dir()
    manifest = json.loads((directory / "manifest.json").read_text())
    postings = sum(len(np.load(directory / f"seg-{n}.hashes.npy", mmap_mode="r")) for n in manifest["segments"])
    return {"bytes": dir_size(directory), "segments": len(manifest["segments"]), "postings": postings}


def worker_build(params: dict) -> dict:
    from wenku.checking.follower import FingerprintFollower
    from wenku.search.indexing import BATCH, _index_documents, rebuild, searchable_documents

    documents, code_points = searchable_totals()
    # One pass reading every document the way rebuild does (warms the page cache; shows the DB's share).
    started = time.perf_counter()
    ids = list(searchable_documents().order_by("id").values_list("id", flat=True))
    joined = 0
    for start in range(0, len(ids), BATCH):
        for document in _index_documents(ids[start : start + BATCH]):
            joined += len("\n".join(document.pages))
    read_s = time.perf_counter() - started
    note(f"build: {documents:,} documents, {code_points:,} code points; DB read pass {read_s:.1f} s")
    reps = []
    for rep in range(params["reps"]):
        other = OtherCpu()
        cpu = time.process_time()
        started = time.perf_counter()
        rebuild(targets=[FingerprintFollower()])
        wall = time.perf_counter() - started
        reps.append(
            {
                "wall_s": wall,
                "cpu_s": time.process_time() - cpu,
                "chars_per_s": code_points / wall,
                "other_cpu_s": other.seconds(),
            }
        )
        note(f"build {rep + 1}/{params['reps']}: {wall:.1f} s, {code_points / wall / 1e6:.2f} M chars/s")
    return {
        "documents": documents,
        "code_points": code_points,
        "joined_chars": joined,
        "db_read_pass_s": read_s,
        "reps": reps,
        "index": index_stats(),
        "peak_rss_mb": peak_rss_mb(),
    }


def worker_submissions(params: dict) -> dict:
    """Submissions of SUBMISSION_CHARS characters: SIGHAN sentences with passages of dev-library documents."""
    from wenku.checking.fingerprints import stream_of
    from wenku.checking.sources import load_sources
    from wenku.search.indexing import searchable_documents

    rng = random.Random(params["seed"])
    lines = []
    for name in SIGHAN:
        for line in (Path(params["corpus"]) / name).read_text(encoding="utf-8").splitlines():
            line = "".join(line.split())
            if len(line) >= 10:
                lines.append(line)
    rng.shuffle(lines)
    ids = list(searchable_documents().filter(text_length__gte=600).order_by("id").values_list("id", flat=True))
    filler = (  # single-character edits draw from these common characters
        "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后"
        "多定行学法所民得经"
    )
    submissions = []
    line_at = 0
    for number in range(params["count"]):
        passages = []
        for _ in range(rng.randint(5, 10)):
            length = round(math.exp(rng.uniform(math.log(13), math.log(500))))  # stream characters
            while True:
                source = load_sources([rng.choice(ids)])
                if not source:
                    continue
                source = next(iter(source.values()))
                stream = source.stream
                if len(stream) >= length + 2:
                    break
            s = rng.randrange(len(stream) - length + 1)
            start, end = int(stream.offsets[s]), int(stream.offsets[s + length - 1]) + 1
            text = source.text[start:end].replace("\n", "")
            edits = []
            if length >= 40 and rng.random() < 0.35:
                for _ in range(rng.randint(1, 2)):
                    at = rng.randrange(13, len(text) - 13)
                    kind = rng.choice(("replace", "delete", "insert"))
                    if kind == "replace":
                        text = text[:at] + rng.choice(filler) + text[at + 1 :]
                    elif kind == "delete":
                        text = text[:at] + text[at + 1 :]
                    else:
                        text = text[:at] + rng.choice(filler) + text[at:]
                    edits.append(kind)
            passages.append(
                {"document": source.id, "source_start": start, "stream_chars": length, "text": text, "edits": edits}
            )
        budget = SUBMISSION_CHARS - sum(len(p["text"]) for p in passages)
        base = []
        while budget > 0:
            line = lines[line_at % len(lines)]
            line_at += 1
            base.append(line[:budget])
            budget -= len(base[-1])
        slots = sorted(rng.sample(range(len(base) + 1), min(len(passages), len(base) + 1)))
        while len(slots) < len(passages):
            slots.append(len(base))
        pieces, planted = [], []
        position, next_passage = 0, 0
        for at in range(len(base) + 1):
            while next_passage < len(passages) and slots[next_passage] == at:
                passage = passages[next_passage]
                pieces.append(passage["text"])
                planted.append([position, position + len(passage["text"])])
                passage["start"] = position
                position += len(passage["text"])
                next_passage += 1
            if at < len(base):
                pieces.append(base[at])
                position += len(base[at])
        text = "".join(pieces)
        assert len(text) == SUBMISSION_CHARS, len(text)
        submissions.append(
            {
                "number": number,
                "text": text,
                "passages": passages,
                "planted": planted,
                "stream_chars": len(stream_of(text)),
            }
        )
    return {"submissions": submissions}


def alnum_offsets(text: str, spans) -> set[int]:
    return {i for start, end in spans for i in range(start, end) if text[i].isalnum()}


def worker_check(params: dict) -> dict:
    import gc
    from difflib import SequenceMatcher

    from django.conf import settings

    from wenku.checking.fingerprints import stream_of
    from wenku.checking.matching import find_seeds, grow_runs, rank_candidates
    from wenku.checking.registry import get_index, window
    from wenku.checking.service import MAX_CANDIDATES, check_text
    from wenku.checking.sources import load_sources

    submissions = params["submissions"]
    rss_start = rss_mb()
    index = get_index()
    library_docs = index.document_count()
    note(f"check: index holds {library_docs:,} documents; RSS {rss_mb():.0f} MB")

    # warm-up: every submission twice
    for _ in range(2):
        for sub in submissions:
            check_text(sub["text"])
    rng = random.Random(params["seed"])
    rounds = []
    per_sub: dict[int, list[float]] = {s["number"]: [] for s in submissions}
    gc_was = gc.isenabled()
    for number in range(params["rounds"]):
        order = [s for s in submissions for _ in range(params["repeats"])]
        rng.shuffle(order)
        latencies = []
        other = OtherCpu()
        started = time.perf_counter()
        for sub in order:
            t = time.perf_counter()
            check_text(sub["text"])
            ms = (time.perf_counter() - t) * 1000
            latencies.append(ms)
            per_sub[sub["number"]].append(ms)
        wall = time.perf_counter() - started
        rounds.append(
            {
                "p50_ms": percentile(latencies, 50),
                "p99_ms": percentile(latencies, 99),
                "mean_ms": statistics.fmean(latencies),
                "checks": len(latencies),
                "other_cpu_s": other.seconds(),
                "wall_s": wall,
                "latencies_ms": latencies,
            }
        )
        note(
            f"check round {number + 1}/{params['rounds']}: p50 {rounds[-1]['p50_ms']:.1f} ms, "
            f"p99 {rounds[-1]['p99_ms']:.1f} ms"
        )
    assert gc.isenabled() == gc_was
    rss_after_checks, peak_after_checks = rss_mb(), peak_rss_mb()

    # --- the same check, stage by stage (the functions compare() calls, in its order)
    class TimedIndex:
        def __init__(self, inner):
            self.inner, self.seconds = inner, 0.0

        def lookup(self, hashes, max_count):
            t = time.perf_counter()
            try:
                return self.inner.lookup(hashes, max_count)
            finally:
                self.seconds += time.perf_counter() - t

    common_docs, min_run = settings.WENKU_CHECK_COMMON_DOCS, settings.WENKU_CHECK_MIN_RUN
    stage_rows = []
    for _ in range(params["stage_repeats"]):
        for sub in submissions:
            text = sub["text"]
            s = {}
            t0 = time.perf_counter()
            query = stream_of(text)
            t1 = time.perf_counter()
            timed = TimedIndex(index)
            seeds = find_seeds(query, timed, window(), common_docs, set())
            t2 = time.perf_counter()
            ranked = rank_candidates(seeds, MAX_CANDIDATES)
            t3 = time.perf_counter()
            candidates = load_sources(ranked)
            t4 = time.perf_counter()
            runs = 0
            for document_id, source in candidates.items():
                runs += len(grow_runs(query, source.stream, seeds.by_document[document_id], min_run))
            t5 = time.perf_counter()
            t = time.perf_counter()
            for source in candidates.values():
                stream_of(source.text)
            candidate_streams = time.perf_counter() - t
            t = time.perf_counter()
            check_text(text)
            whole = time.perf_counter() - t
            s["query stream"] = t1 - t0
            s["winnow + group seeds"] = (t2 - t1) - timed.seconds
            s["index lookup"] = timed.seconds
            s["rank candidates"] = t3 - t2
            s["load candidates: DB"] = (t4 - t3) - candidate_streams
            s["load candidates: streams"] = candidate_streams
            s["grow runs"] = t5 - t4
            s["staged total"] = t5 - t0
            s["check_text"] = whole
            s["rest: report (check_text - staged)"] = whole - (t5 - t0)
            s["documents with seeds"] = len(seeds.by_document)
            s["candidates read"] = len(candidates)
            s["candidate chars"] = sum(len(c.text) for c in candidates.values())
            s["runs"] = runs
            s["fingerprints"] = seeds.total
            stage_rows.append(s)
    stages = {key: statistics.fmean(row[key] for row in stage_rows) for key in stage_rows[0]}
    stage_medians = {key: statistics.median(row[key] for row in stage_rows) for key in stage_rows[0]}

    # --- baseline: difflib over the sources check_text reported
    baseline = []
    for sub in submissions:
        text = sub["text"]
        report = check_text(text)
        ids = [source.id for source in report.sources]
        texts = {d: s.text for d, s in load_sources(ids).items()}
        before = []
        for _ in range(2):
            started = time.perf_counter()
            check_text(text)
            before.append(time.perf_counter() - started)
        times, blocks = [], []
        for _ in range(params["baseline_repeats"]):
            started = time.perf_counter()
            blocks = []
            for document_id in ids:
                matcher = SequenceMatcher(None, text, texts[document_id], autojunk=False)
                blocks += [(b.a, b.a + b.size) for b in matcher.get_matching_blocks() if b.size >= MIN_BLOCK]
            times.append(time.perf_counter() - started)
        # our time for the ratio: the same submission checked right before and after the baseline, so that
        # both sides see the same load on the machine
        adjacent = []
        for _ in range(3):
            started = time.perf_counter()
            check_text(text)
            adjacent.append(time.perf_counter() - started)
        ours = statistics.median(adjacent + before)
        planted = alnum_offsets(text, sub["planted"])
        found = alnum_offsets(text, [(m.start, m.end) for s in report.sources for m in s.matches])
        base = alnum_offsets(text, blocks)
        baseline.append(
            {
                "number": sub["number"],
                "sources": len(ids),
                "source_chars": sum(len(t) for t in texts.values()),
                "baseline_s": statistics.median(times),
                "check_s": ours,
                "check_rounds_median_s": statistics.median(per_sub[sub["number"]]) / 1000,
                "ratio": statistics.median(times) / ours,
                "planted": len(planted),
                "check_planted": len(found & planted),
                "check_extra": len(found - planted),
                "baseline_planted": len(base & planted),
                "baseline_extra": len(base - planted),
                "both": len(found & base),
                "either": len(found | base),
                "copied_chars": report.copied_chars,
            }
        )
        note(
            f"baseline {sub['number'] + 1}/{len(submissions)}: {len(ids)} sources, "
            f"{statistics.median(times) * 1000:,.0f} ms vs {ours * 1000:.1f} ms"
        )
    return {
        "library_documents": library_docs,
        "rounds": rounds,
        "stages_mean_s": stages,
        "stages_median_s": stage_medians,
        "stage_rows": stage_rows,
        "baseline": baseline,
        "rss_start_mb": rss_start,
        "rss_after_checks_mb": rss_after_checks,
        "peak_rss_after_checks_mb": peak_after_checks,
        "peak_rss_end_mb": peak_rss_mb(),
        "common_docs": common_docs,
        "min_run": min_run,
    }


WORKERS = {
    "import10x": worker_import10x,
    "build": worker_build,
    "submissions": worker_submissions,
    "check": worker_check,
}


# --- report ----------------------------------------------------------------------------------------------------------


def summarize(scale: str, library: dict, build: dict, check: dict) -> dict:
    build_rates = [r["chars_per_s"] for r in build["reps"]]
    p50s = [r["p50_ms"] for r in check["rounds"]]
    p99s = [r["p99_ms"] for r in check["rounds"]]
    ratios = [b["ratio"] for b in check["baseline"]]
    base = check["baseline"]
    total = lambda key: sum(b[key] for b in base)  # noqa: E731
    return {
        "scale": scale,
        "documents": build["documents"],
        "code_points": build["code_points"],
        "build_chars_per_s": Spread.of(build_rates).as_dict(),
        "build_wall_s": Spread.of([r["wall_s"] for r in build["reps"]]).as_dict(),
        "build_chars_per_cpu_s": Spread.of([build["code_points"] / r["cpu_s"] for r in build["reps"]]).as_dict(),
        "db_read_pass_s": build["db_read_pass_s"],
        "index_bytes": build["index"]["bytes"],
        "index_postings": build["index"]["postings"],
        "index_segments": build["index"]["segments"],
        "build_peak_rss_mb": build["peak_rss_mb"],
        "check_p50_ms": Spread.of(p50s).as_dict(),
        "check_p99_ms": Spread.of(p99s).as_dict(),
        "check_peak_rss_mb": check["peak_rss_after_checks_mb"],
        "check_rss_start_mb": check["rss_start_mb"],
        "baseline_ratio": Spread.of(ratios).as_dict(),
        "baseline_total_s": total("baseline_s"),
        "check_total_s": total("check_s"),
        "baseline_ratio_of_totals": total("baseline_s") / total("check_s"),
        "planted_chars": total("planted"),
        "check_found_planted": total("check_planted"),
        "check_extra": total("check_extra"),
        "baseline_found_planted": total("baseline_planted"),
        "baseline_extra": total("baseline_extra"),
        "agreement_jaccard": total("both") / max(1, total("either")),
        "goal_p50_ms": GOAL_P50_MS[scale],
        "goal_p50_met": Spread.of(p50s).median <= GOAL_P50_MS[scale],
        "goal_build_met": Spread.of(build_rates).median >= GOAL_BUILD_CHARS_S,
    }


def report(summaries: list[dict], results: dict) -> None:
    print()
    rows = []
    fmt = lambda s, f="{:,.1f}": Spread(**{"median": s["median"], "low": s["min"], "high": s["max"]}).format(f)  # noqa: E731
    for s in summaries:
        rows.append([f"{s['scale']}: documents / code points", f"{s['documents']:,} / {s['code_points']:,}"])
        rows.append(
            [
                f"{s['scale']}: index build, M chars/s (goal ≥ 1)",
                fmt({k: v / 1e6 for k, v in s["build_chars_per_s"].items()}, "{:.2f}")
                + ("  ok" if s["goal_build_met"] else "  MISSED"),
            ]
        )
        rows.append(
            [
                f"{s['scale']}: index build, M chars per CPU s",
                fmt({k: v / 1e6 for k, v in s["build_chars_per_cpu_s"].items()}, "{:.2f}"),
            ]
        )
        rows.append(
            [
                f"{s['scale']}: index build, s",
                fmt(s["build_wall_s"]) + f"  (DB read pass alone {s['db_read_pass_s']:.1f} s)",
            ]
        )
        rows.append(
            [
                f"{s['scale']}: index on disk",
                f"{s['index_bytes'] / 2**20:,.0f} MB, {s['index_postings']:,} postings, {s['index_segments']} segments",
            ]
        )
        rows.append(
            [
                f"{s['scale']}: peak RSS build / check process",
                f"{s['build_peak_rss_mb']:,.0f} MB / {s['check_peak_rss_mb']:,.0f} MB "
                f"(check process at start {s['check_rss_start_mb']:,.0f} MB)",
            ]
        )
        rows.append(
            [
                f"{s['scale']}: check p50, ms (goal ≤ {s['goal_p50_ms']:.0f})",
                fmt(s["check_p50_ms"]) + ("  ok" if s["goal_p50_met"] else "  MISSED"),
            ]
        )
        rows.append([f"{s['scale']}: check p99, ms", fmt(s["check_p99_ms"])])
        rows.append(
            [
                f"{s['scale']}: difflib baseline / check, per submission",
                fmt(s["baseline_ratio"], "{:,.0f}×")
                + f"  (totals {s['baseline_total_s']:.1f} s / {s['check_total_s']:.2f} s = "
                f"{s['baseline_ratio_of_totals']:,.0f}×)",
            ]
        )
        rows.append(
            [
                f"{s['scale']}: planted chars found, check / baseline",
                f"{s['check_found_planted']:,} / {s['baseline_found_planted']:,} of {s['planted_chars']:,} "
                f"(outside planted: {s['check_extra']:,} / {s['baseline_extra']:,}; "
                f"Jaccard {s['agreement_jaccard']:.3f})",
            ]
        )
    print_table(["measure", "median  (min – max)"], rows)
    for scale, data in results["scales"].items():
        stages, medians = data["check"]["stages_mean_s"], data["check"]["stages_median_s"]
        print(
            f"\n{scale}: where a check's time goes, stage by stage ({len(data['check']['stage_rows'])} checks; "
            "share of the mean check_text)"
        )
        total = stages["check_text"]
        keys = [
            "query stream",
            "winnow + group seeds",
            "index lookup",
            "rank candidates",
            "load candidates: DB",
            "load candidates: streams",
            "grow runs",
            "rest: report (check_text - staged)",
        ]
        print_table(
            ["stage", "median ms", "mean ms", "share"],
            [[k, f"{medians[k] * 1000:.2f}", f"{stages[k] * 1000:.2f}", f"{stages[k] / total:.0%}"] for k in keys]
            + [
                [
                    "check_text, timed right after the stages",
                    f"{medians['check_text'] * 1000:.2f}",
                    f"{total * 1000:.2f}",
                    "100%",
                ]
            ],
        )
        print(
            f"  per check: {stages['fingerprints']:.0f} fingerprints, {stages['documents with seeds']:.0f} "
            f"documents with seeds, {stages['candidates read']:.1f} read ({stages['candidate chars']:,.0f} chars), "
            f"{stages['runs']:.1f} runs"
        )
        for r in data["check"]["rounds"]:
            warning = noise_warning(r["other_cpu_s"], r["wall_s"])
            if warning:
                print(f"  round: {warning}")
        for r in data["build"]["reps"]:
            warning = noise_warning(r["other_cpu_s"], r["wall_s"])
            if warning:
                print(f"  build: {warning}")


# --- main --------------------------------------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=("dev", "10x", "both"), default="both")
    parser.add_argument("--quick", action="store_true", help="fewer submissions, rounds and repetitions")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--wenku", help="the wenku command for the dev import (default: .venv/bin/wenku)")
    parser.add_argument("--submissions", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3, help="checks of each submission per round")
    parser.add_argument("--build-reps", type=int, help="index builds per library (default 5 dev, 3 10x)")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--worker", choices=tuple(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("--params", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.submissions, args.rounds, args.repeats = min(args.submissions, 5), 2, 1
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.worker:
        setup_django()
        result = WORKERS[args.worker](json.loads(args.params.read_text()))
        args.out.write_text(json.dumps(result, ensure_ascii=False))
        return 0
    exit_cleanly_on_sigterm()
    engine_at_start = engine_digest()
    os.environ.pop("DATABASE_URL", None)
    started = time.perf_counter()
    corpus = args.corpus.resolve()
    wenku = args.wenku or default_wenku()
    dev = prepare_dev(corpus, wenku)
    subs_path = CACHE_DIR / f"check-submissions-{args.seed}-{args.submissions}.json"
    if subs_path.exists():
        submissions = json.loads(subs_path.read_text())["submissions"]
    else:
        submissions = run_worker(
            "submissions", DEV_DIR, {"seed": args.seed, "count": args.submissions, "corpus": str(corpus)}
        )["submissions"]
        subs_path.write_text(json.dumps({"submissions": submissions}, ensure_ascii=False))
    passages = [p for s in submissions for p in s["passages"]]
    planted = statistics.fmean(sum(len(p["text"]) for p in s["passages"]) for s in submissions)
    note(
        f"{len(submissions)} submissions of {SUBMISSION_CHARS:,} characters, {len(passages)} passages "
        f"({sum(bool(p['edits']) for p in passages)} edited), planted {planted:,.0f} chars each on average"
    )
    scales = ["dev", "10x"] if args.scale == "both" else [args.scale]
    results = {
        "machine": machine_info(),
        "args": {k: str(v) for k, v in vars(args).items()},
        "scales": {},
        "dev_library": dev,
        "submissions": submissions,
    }
    summaries = []
    for scale in scales:
        library = dev if scale == "dev" else prepare_10x(corpus, dev)
        data_dir = DEV_DIR if scale == "dev" else TENX_DIR
        reps = args.build_reps or (1 if args.quick else 5 if scale == "dev" else 3)
        note(f"{scale}: building the fingerprint index {reps} times")
        build = run_worker("build", data_dir, {"reps": reps})
        note(f"{scale}: checking")
        check = run_worker(
            "check",
            data_dir,
            {
                "submissions": submissions,
                "rounds": args.rounds,
                "repeats": args.repeats,
                "seed": args.seed,
                "stage_repeats": 1 if args.quick else 3,
                "baseline_repeats": 1,
            },
        )
        results["scales"][scale] = {"library": library, "build": build, "check": check}
        summaries.append(summarize(scale, library, build, check))
    results["summary"] = summaries
    results["engine_digest"] = {"start": engine_at_start, "end": engine_digest()}
    results["wall_s"] = time.perf_counter() - started
    report(summaries, results)
    if results["engine_digest"]["start"] != results["engine_digest"]["end"]:
        print(
            f"\nWARNING: the engine's sources changed during the run ({results['engine_digest']}): the "
            "workers may have measured different code"
        )
    else:
        print(f"\nengine sources (wenku/checking, search/indexing, text, library/models): {engine_at_start}")
    path = write_result("check", results)
    print(f"\nwrote {path}; whole run {results['wall_s'] / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())

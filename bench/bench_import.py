#!/usr/bin/env python3
"""Import throughput: `wenku import` over the whole development corpus, against a read-and-decode floor.

Each round runs two fresh processes back to back (their order alternates between rounds):
- import: `wenku import --json CORPUS` into a new empty data dir (SQLite), timed end to end from outside, so
  interpreter start-up, Django set-up, the migrations of a new database and the search indexing that follows the
  import are all included, as a user sees them;
- floor: bench/floor_read.py, which reads the same files, decodes them and splits lines, and nothing else.
The floor runs in the same minutes on the same machine, so the ratio import time / floor time stays comparable
across machines and noisy runs when the absolute figures do not. With --baseline-wenku, each round also runs that
`wenku` (an older checkout, e.g. a git worktree of main installed into its own venv) the same way, and the table
gives its figures and the per-round speed-up, current over baseline.

Some corpus files fail by design (the .utf8 segmentation files, the JSONL pair files without "text"), so
`wenku import` exits 1; only imported documents are counted. Throughput is counted in code points of the imported
text (Document.text_length, read from the database afterwards) and in 字 (the command's own count).

    .venv/bin/python bench/bench_import.py [--corpus PATH] [--rounds 5] [--baseline-wenku OTHER/.venv/bin/wenku]
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import sqlite3
import subprocess
import time
from contextlib import closing
from dataclasses import asdict, dataclass
from pathlib import Path

from benchlib import (
    BENCH_DIR,
    DEFAULT_CORPUS,
    OtherCpu,
    Spread,
    child_env,
    default_wenku,
    exit_cleanly_on_sigterm,
    fresh_data_dir,
    machine_info,
    noise_warning,
    print_table,
    python_next_to,
    tail,
    write_result,
)

GOAL_CHARS_PER_SECOND = 1_000_000
FLOOR_SCRIPT = BENCH_DIR / "floor_read.py"
# "6273 imported, 0 duplicate, 420 failed; 10,502,851 字 in 30.2 s (search index: 6273 documents, 24.9 s)"
_SUMMARY = re.compile(
    r"(\d+) imported, (\d+) duplicate, (\d+) failed; ([\d,]+) 字 in ([\d.]+) s"
    r"(?: \(search index: \d+ documents, ([\d.]+) s\))?"
)


@dataclass
class ImportRun:
    wall_s: float
    cpu_s: float  # user + system time of the child
    command_s: float  # the time the command reports itself (no start-up), search indexing included
    index_s: float | None  # of which the search indexing that follows the import, when the command reports it
    imported: int
    duplicate: int
    failed: int
    chars: int  # 字
    code_points: int

    @property
    def code_points_per_s(self) -> float:
        return self.code_points / self.wall_s

    @property
    def chars_per_s(self) -> float:
        return self.chars / self.wall_s


@dataclass
class FloorRun:
    wall_s: float
    files: int
    bytes: int
    code_points: int
    lines: int

    @property
    def code_points_per_s(self) -> float:
        return self.code_points / self.wall_s


@dataclass
class Round:
    imported: ImportRun
    floor: FloorRun
    other_cpu_s: float | None  # CPU time used by other processes on the machine during the round (noise)
    baseline: ImportRun | None = None  # the same import by --baseline-wenku, in the same round

    def as_dict(self) -> dict[str, object]:
        result = {"import": asdict(self.imported), "floor": asdict(self.floor), "other_cpu_s": self.other_cpu_s}
        if self.baseline is not None:
            result["baseline_import"] = asdict(self.baseline)
        return result


def run_import(wenku: str, corpus: Path, timeout: float) -> ImportRun:
    """One `wenku import` into a fresh data dir; the data dir is removed afterwards."""
    with fresh_data_dir("import-") as data_dir:
        cpu_before = _children_cpu()
        started = time.perf_counter()
        done = subprocess.run(
            [wenku, "import", "--json", str(corpus)],
            env={**child_env(data_dir), "WENKU_LANGUAGE": "en"},  # the summary line is parsed in English
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        wall = time.perf_counter() - started
        cpu = _children_cpu() - cpu_before
        if done.returncode not in (0, 1):  # 1: some files failed, which this corpus does by design
            raise RuntimeError(f"wenku import exited {done.returncode}:\n{tail(done.stderr)}")
        tally, chars = _tally_json_lines(done.stdout)
        summary = _SUMMARY.search(done.stderr)
        if summary is None:
            raise RuntimeError(f"no summary line from wenku import:\n{tail(done.stderr)}")
        documents, db_chars, code_points = _stored_totals(data_dir / "wenku.sqlite3")
    if tally["imported"] == 0:
        raise RuntimeError("nothing was imported")
    if (documents, db_chars) != (tally["imported"], chars) or int(summary[4].replace(",", "")) != chars:
        stored = f"database {documents} docs {db_chars} 字"
        raise RuntimeError(f"counts disagree: JSON {tally['imported']} docs {chars} 字, {stored}")
    return ImportRun(
        wall_s=wall,
        cpu_s=cpu,
        command_s=float(summary[5]),
        index_s=float(summary[6]) if summary[6] else None,
        imported=tally["imported"],
        duplicate=tally["duplicate"],
        failed=tally["failed"],
        chars=chars,
        code_points=code_points,
    )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _tally_json_lines(stdout: str) -> tuple[dict[str, int], int]:
    """Documents per status, and 字 of the imported ones, from the --json lines."""
    tally = {"imported": 0, "duplicate": 0, "failed": 0}
    chars = 0
    for line in stdout.splitlines():
        if not line.startswith("{"):
            continue
        result = json.loads(line)
        tally[result["status"]] = tally.get(result["status"], 0) + 1  # "near-duplicate": a report line of its own
        if result["status"] == "imported":
            chars += result["chars"]
    return tally, chars


def _stored_totals(database: Path) -> tuple[int, int, int]:
    """(documents, 字, code points) as stored: the code points are not in the command's output."""
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as connection:
        row = connection.execute(
            "SELECT COUNT(*), COALESCE(SUM(chars), 0), COALESCE(SUM(text_length), 0) FROM library_document"
        ).fetchone()
    return int(row[0]), int(row[1]), int(row[2])


def run_floor(python: str, corpus: Path, timeout: float) -> FloorRun:
    started = time.perf_counter()
    done = subprocess.run(
        [python, str(FLOOR_SCRIPT), str(corpus)], capture_output=True, text=True, timeout=timeout, check=False
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"floor_read.py exited {done.returncode}:\n{tail(done.stderr)}")
    return FloorRun(wall_s=wall, **json.loads(done.stdout))


def run_rounds(
    wenku: str, python: str, corpus: Path, rounds: int, timeout: float, baseline: str | None = None
) -> list[Round]:
    """Interleaved rounds; the order alternates so that neither side always runs on a cache the other warmed."""
    run_floor(python, corpus, timeout)  # warm the page cache once: every timed run then reads from memory
    results = []
    for number in range(1, rounds + 1):
        other = OtherCpu()
        runs: dict[str, object] = {}
        order = ["floor", "import", "baseline"] if number % 2 else ["baseline", "import", "floor"]
        for side in order:
            if side == "floor":
                runs[side] = run_floor(python, corpus, timeout)
            elif side == "import":
                runs[side] = run_import(wenku, corpus, timeout)
            elif baseline is not None:
                runs[side] = run_import(baseline, corpus, timeout)
        other_s = other.seconds()
        imported, floor, base = runs["import"], runs["floor"], runs.get("baseline")
        against = f", baseline {base.wall_s:.2f} s" if base is not None else ""
        print(
            f"round {number}/{rounds}: import {imported.wall_s:.2f} s{against}, floor {floor.wall_s:.3f} s, "
            f"{imported.imported} imported, {imported.failed} failed; {_other(other_s)}",
            flush=True,
        )
        results.append(Round(imported, floor, other_s, base))
    return results


def _format(summary: dict[str, Spread], name: str, fmt: str) -> str:
    return summary[name].format(fmt) if name in summary else "–"


def _other(seconds: float | None) -> str:
    return "other processes: ?" if seconds is None else f"other processes used {seconds:.1f} CPU s"


def summarize(results: list[Round]) -> dict[str, Spread]:
    imports = [r.imported for r in results]
    floors = [r.floor for r in results]
    summary = {
        "import_wall_s": Spread.of([i.wall_s for i in imports]),
        "import_command_s": Spread.of([i.command_s for i in imports]),
        "import_cpu_s": Spread.of([i.cpu_s for i in imports]),
        "import_code_points_per_s": Spread.of([i.code_points_per_s for i in imports]),
        "import_chars_per_s": Spread.of([i.chars_per_s for i in imports]),
        "floor_wall_s": Spread.of([f.wall_s for f in floors]),
        "floor_code_points_per_s": Spread.of([f.code_points_per_s for f in floors]),
        "import_over_floor_time": Spread.of([r.imported.wall_s / r.floor.wall_s for r in results]),
    }
    index = [i.index_s for i in imports]
    if None not in index:
        summary["import_index_s"] = Spread.of(index)
        summary["import_index_share"] = Spread.of([i.index_s / i.wall_s for i in imports])
    baselines = [r.baseline for r in results if r.baseline is not None]
    if len(baselines) == len(results):
        summary["baseline_wall_s"] = Spread.of([b.wall_s for b in baselines])
        summary["baseline_code_points_per_s"] = Spread.of([b.code_points_per_s for b in baselines])
        base_index = [b.index_s for b in baselines]
        if None not in base_index:
            summary["baseline_index_s"] = Spread.of(base_index)
        summary["speedup_over_baseline"] = Spread.of([r.baseline.wall_s / r.imported.wall_s for r in results])
    others = [r.other_cpu_s for r in results]
    if None not in others:  # None where /proc is missing
        summary["other_cpu_s"] = Spread.of(others)
    return summary


def report(results: list[Round], summary: dict[str, Spread], corpus: Path) -> bool:
    """Print the table; True when the goal is met."""
    first_import, first_floor = results[0].imported, results[0].floor
    print(f"\nCorpus {corpus}: {first_floor.files} files, {first_floor.bytes / 1e6:.1f} MB")
    print(
        f"Imported per run: {first_import.imported:,} documents, {first_import.code_points:,} code points, "
        f"{first_import.chars:,} 字 ({first_import.failed} failed by design, {first_import.duplicate} duplicate)"
    )
    print(f"{len(results)} interleaved rounds; median (min – max)\n")
    rows = [
        ["import: wall time, s", summary["import_wall_s"].format("{:.2f}")],
        ["import: command's own time, s", summary["import_command_s"].format("{:.2f}")],
        ["  of which search indexing after the last file, s", _format(summary, "import_index_s", "{:.2f}")],
        ["  its share of wall time", _format(summary, "import_index_share", "{:.0%}")],
        ["import: CPU time (user+sys), s", summary["import_cpu_s"].format("{:.2f}")],
        ["import: code points / s (wall)", summary["import_code_points_per_s"].format()],
        ["import: 字 / s (wall)", summary["import_chars_per_s"].format()],
        ["floor: wall time, s", summary["floor_wall_s"].format("{:.3f}")],
        ["floor: decoded code points / s", summary["floor_code_points_per_s"].format()],
        ["ratio: import time / floor time", summary["import_over_floor_time"].format("{:.1f}×")],
    ]
    if "speedup_over_baseline" in summary:
        rows += [
            ["baseline import: wall time, s", summary["baseline_wall_s"].format("{:.2f}")],
            ["  of which search indexing after the last file, s", _format(summary, "baseline_index_s", "{:.2f}")],
            ["baseline import: code points / s", summary["baseline_code_points_per_s"].format()],
            ["speed-up: baseline time / import time", summary["speedup_over_baseline"].format("{:.2f}×")],
        ]
    if "other_cpu_s" in summary:
        rows.append(["noise: other processes' CPU, s", summary["other_cpu_s"].format("{:.1f}")])
    print_table(["measure", "median  (min – max)"], rows)
    if "other_cpu_s" in summary:
        warning = noise_warning(summary["other_cpu_s"].median, summary["import_wall_s"].median)
        if warning:
            print(f"\n{warning}")
    met = summary["import_code_points_per_s"].median >= GOAL_CHARS_PER_SECOND
    verdict = "met" if met else "NOT met"
    print(f"\nGoal ≥ {GOAL_CHARS_PER_SECOND:,} chars/s (code points, median): {verdict}")
    return met


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="default: $WENKU_CORPUS, ../shared/corpus")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--wenku", default=None, help="the wenku command (default: .venv/bin/wenku)")
    parser.add_argument("--baseline-wenku", default=None, help="another wenku command (an older checkout) to run too")
    parser.add_argument("--timeout", type=float, default=900, help="seconds allowed for one run")
    args = parser.parse_args(argv)
    if not args.corpus.exists():
        parser.error(f"no corpus at {args.corpus} (use --corpus or WENKU_CORPUS)")
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    exit_cleanly_on_sigterm()
    wenku = args.wenku or default_wenku()
    corpus = args.corpus.resolve()
    results = run_rounds(wenku, python_next_to(wenku), corpus, args.rounds, args.timeout, args.baseline_wenku)
    summary = summarize(results)
    met = report(results, summary, corpus)
    path = write_result(
        "import",
        {
            "benchmark": "import",
            "corpus": str(corpus),
            "rounds": args.rounds,
            "baseline_wenku": args.baseline_wenku,
            "machine": machine_info(),
            "goal": {"chars_per_s": GOAL_CHARS_PER_SECOND, "measure": "import_code_points_per_s median", "met": met},
            "summary": {name: spread.as_dict() for name, spread in summary.items()},
            "runs": [r.as_dict() for r in results],
        },
    )
    print(f"Result: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

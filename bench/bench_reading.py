#!/usr/bin/env python3
"""Reading-page throughput and p99 latency under wrk, against a static file of the same size (the ceiling).

Set-up: a fresh data dir (SQLite), `wenku import` of the bundled sample library (or --source paths), then
`wenku serve` on loopback (gunicorn + whitenoise, the production set-up). A first server start is used to check
every reading URL answers 200 and to measure the pages; the median page's HTML is then written to
$WENKU_DATA_DIR/static/bench/page.html and the server restarted, because whitenoise indexes the static files
once, at start-up.

Load: wrk with 32 connections and 2 threads for 10 s per round. The reading run cycles through the reading pages
of every document in a shuffled order (a Lua script); the static run uses the same script with one path, so
the load generator does the same work in both. Rounds alternate reading, static, reading, static...; the ratio
reading / static of each round pairs runs made seconds apart, so machine noise mostly cancels out in it.

    .venv/bin/python bench/bench_reading.py [--rounds 3] [--duration 10] [--source PATH ...]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import closing
from dataclasses import asdict, dataclass
from pathlib import Path

from benchlib import (
    CLOCK_TICKS,
    SAMPLE_LIBRARY,
    OtherCpu,
    Spread,
    child_env,
    default_wenku,
    exit_cleanly_on_sigterm,
    fresh_data_dir,
    machine_info,
    noise_warning,
    print_table,
    tail,
    write_result,
)

GOAL_RATIO = 0.30
STATIC_PATH = "/static/bench/page.html"
HOST = "127.0.0.1"  # loopback only


# --- the library -------------------------------------------------------------------------------------------------


def import_library(wenku: str, sources: list[Path], data_dir: Path) -> None:
    done = subprocess.run(
        [wenku, "import", *map(str, sources)], env=child_env(data_dir), capture_output=True, text=True, timeout=900
    )
    if done.returncode != 0:
        raise RuntimeError(f"wenku import exited {done.returncode}:\n{tail(done.stderr or done.stdout)}")


def reading_paths(data_dir: Path, limit: int, seed: int = 1) -> list[str]:
    """URL paths of the reading pages of every public document, shuffled so that consecutive requests differ."""
    database = data_dir / "wenku.sqlite3"
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as connection:
        documents = connection.execute(
            "SELECT id, page_count FROM library_document WHERE status = 'published' AND visibility = 'public'"
        ).fetchall()
    paths = [
        f"/d/{doc_id}/" if n == 1 else f"/d/{doc_id}/{n}/" for doc_id, count in documents for n in range(1, count + 1)
    ]
    if not paths:
        raise RuntimeError("the library has no reading pages")
    random.Random(seed).shuffle(paths)
    return paths[:limit]


# --- the server --------------------------------------------------------------------------------------------------


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Server:
    """`wenku serve` in its own process group, so that stopping it stops gunicorn's workers too."""

    def __init__(self, wenku: str, data_dir: Path, port: int) -> None:
        self.wenku, self.data_dir, self.port = wenku, data_dir, port
        self.base = f"http://{HOST}:{port}"
        self.log = data_dir / "serve.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [self.wenku, "serve", "--host", HOST, "--port", str(self.port)],
                env=self._env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            self._wait_until_ready(timeout=120)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _env(self) -> dict[str, str]:
        # gunicorn puts its control socket in $XDG_RUNTIME_DIR, else in ~/.gunicorn/, shared by every gunicorn of
        # the user: ours would replace another server's socket and delete it on exit. Keep it in our data dir.
        # WENKU_VIEWS_PER_ADDRESS=0: all of wrk's visitors come from one address, and --visitor-cookies wants each
        # of them counted (without that option it changes nothing: wrk is then one visitor).
        return {**child_env(self.data_dir), "XDG_RUNTIME_DIR": str(self.data_dir), "WENKU_VIEWS_PER_ADDRESS": "0"}

    def _wait_until_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"wenku serve exited {self.process.returncode}:\n{self._log_tail()}")
            try:
                fetch(self.base + "/robots.txt", timeout=2)
                return
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        raise RuntimeError(f"wenku serve did not answer within {timeout:.0f} s:\n{self._log_tail()}")

    def stop(self) -> None:
        """SIGTERM to the whole group (gunicorn shuts down gracefully), SIGKILL if it lingers."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                return
            try:
                process.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue

    def worker_ticks(self) -> dict[int, int]:
        """CPU clock ticks used so far by each worker (the master excluded)."""
        master = self.process.pid if self.process else None
        return {pid: ticks for pid, ticks in self._group_ticks().items() if pid != master}

    def cpu_s(self) -> float:
        """CPU seconds used so far by the server, master and workers."""
        return sum(self._group_ticks().values()) / CLOCK_TICKS

    def _group_ticks(self) -> dict[int, int]:
        """Clock ticks (user + system) of each live process of our group, from /proc (empty without /proc)."""
        if self.process is None:
            return {}
        ticks = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rpartition(")")[2].split()
            except OSError:  # the process has just ended
                continue
            if int(fields[2]) == self.process.pid:  # fields[2]: the process group
                ticks[int(stat.parent.name)] = int(fields[11]) + int(fields[12])  # utime, stime
        return ticks

    def _log_tail(self) -> str:
        return tail(self.log.read_text(encoding="utf-8", errors="replace"))


def fetch(url: str, timeout: float = 10) -> bytes:
    """The body of a 200 response; anything else (a redirect included) is an error."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    with urllib.request.build_opener(NoRedirect).open(url, timeout=timeout) as response:
        if response.status != 200:
            raise RuntimeError(f"{url}: HTTP {response.status}")
        return response.read()


def median_page(base: str, paths: list[str], sample: int) -> bytes:
    """Fetch up to ``sample`` reading pages (all must answer 200); the HTML of the one of median size."""
    pages = sorted((fetch(base + path) for path in paths[:sample]), key=len)
    return pages[len(pages) // 2]


def write_static_page(data_dir: Path, body: bytes) -> None:
    target = data_dir / "static" / STATIC_PATH.removeprefix("/static/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(body)


# --- the load ----------------------------------------------------------------------------------------------------


def lua_script(paths: list[str], visitor_cookies: bool) -> str:
    """A wrk script that cycles through ``paths``, each thread starting at a different place.

    With ``visitor_cookies`` every request comes from a new visitor (a user agent of its own: the site ignores
    cookies it did not sign, and the server runs with WENKU_VIEWS_PER_ADDRESS=0), so every request counts a view
    (a write); without, wrk keeps no cookies and the site sees one cookie-less visitor, counted once a day.
    """
    table = ",\n".join(f'  "{p}"' for p in paths)
    cookie = (
        'headers = {["User-Agent"] = string.format("bench-visitor-%02d-%014d", id, counter)}'
        if visitor_cookies
        else "headers = nil"
    )
    return f"""
local paths = {{
{table}
}}
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
function init(args)
  counter = id * 7919
end
function request()
  counter = counter + 1
  local {cookie}
  return wrk.format("GET", paths[(counter % #paths) + 1], headers)
end
"""


@dataclass
class LoadRun:
    kind: str  # "reading" | "static"
    round: int
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # non-2xx/3xx responses plus socket errors
    transfer_mb_per_s: float
    other_cpu_s: float | None  # CPU time used by processes other than wrk and the server during the run (noise)
    busiest_worker: float | None  # the busiest gunicorn worker's share of the workers' CPU time (see README)


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_SIZE_MB = {"B": 1e-6, "KB": 1024 / 1e6, "MB": 1024**2 / 1e6, "GB": 1024**3 / 1e6}


def run_wrk(wrk: str, server: Server, script: Path, args: argparse.Namespace, kind: str, number: int) -> LoadRun:
    command = [wrk, "-c", str(args.connections), "-t", str(args.threads), "-d", f"{args.duration}s"]
    command += ["--latency", "--timeout", "10s", "-s", str(script), server.base + "/"]
    other = OtherCpu(more_own=server.cpu_s)
    workers_before = server.worker_ticks()
    done = subprocess.run(command, capture_output=True, text=True, timeout=args.duration + 60, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"wrk exited {done.returncode}:\n{tail(done.stderr or done.stdout)}")
    busiest = busiest_share(workers_before, server.worker_ticks())
    return parse_wrk(done.stdout, kind, number, other.seconds(), busiest)


def busiest_share(before: dict[int, int], after: dict[int, int]) -> float | None:
    """The busiest worker's share of the CPU time all workers used between two samples (None without /proc)."""
    used = [after[pid] - before.get(pid, 0) for pid in after]
    return max(used) / sum(used) if used and sum(used) > 0 else None


def parse_wrk(
    output: str, kind: str, number: int, other_cpu_s: float | None = None, busiest_worker: float | None = None
) -> LoadRun:
    def value(pattern: str) -> re.Match[str]:
        found = re.search(pattern, output, re.MULTILINE)
        if found is None:
            raise RuntimeError(f"unexpected wrk output (no {pattern!r}):\n{output}")
        return found

    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = int(non_2xx[1]) if non_2xx else 0
    errors += sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    transfer = value(r"^Transfer/sec:\s+([\d.]+)(\w+)")
    return LoadRun(
        kind=kind,
        round=number,
        requests_per_s=float(value(r"^Requests/sec:\s+([\d.]+)")[1]),
        p50_ms=_ms(value(r"^\s+50%\s+([\d.]+)(\w+)")),
        p99_ms=_ms(value(r"^\s+99%\s+([\d.]+)(\w+)")),
        requests=int(value(r"^\s+(\d+) requests in")[1]),
        errors=errors,
        transfer_mb_per_s=float(transfer[1]) * _SIZE_MB[transfer[2]],
        other_cpu_s=other_cpu_s,
        busiest_worker=busiest_worker,
    )


def _ms(found: re.Match[str]) -> float:
    return float(found[1]) * _UNITS_MS[found[2]]


def run_rounds(wrk: str, server: Server, scripts: dict[str, Path], args: argparse.Namespace) -> list[LoadRun]:
    """A short untimed warm-up of each kind (worker caches, connections), then reading, static, reading, ..."""
    warm = argparse.Namespace(**{**vars(args), "duration": args.warmup})
    for kind in ("reading", "static"):
        if args.warmup > 0:
            run_wrk(wrk, server, scripts[kind], warm, kind, 0)
    runs = []
    for number in range(1, args.rounds + 1):
        for kind in ("reading", "static"):
            run = run_wrk(wrk, server, scripts[kind], args, kind, number)
            busiest = "?" if run.busiest_worker is None else f"{run.busiest_worker:.0%}"
            other = "?" if run.other_cpu_s is None else f"{run.other_cpu_s:.1f}"
            print(
                f"round {number}/{args.rounds} {kind}: {run.requests_per_s:,.0f} req/s, p99 {run.p99_ms:.1f} ms; "
                f"busiest worker {busiest} of the workers' CPU; other processes used {other} CPU s",
                flush=True,
            )
            runs.append(run)
    return runs


# --- the report --------------------------------------------------------------------------------------------------


def summarize(runs: list[LoadRun]) -> dict[str, Spread]:
    reading = [r for r in runs if r.kind == "reading"]
    static = [r for r in runs if r.kind == "static"]
    summary = {
        "reading_requests_per_s": Spread.of([r.requests_per_s for r in reading]),
        "reading_p99_ms": Spread.of([r.p99_ms for r in reading]),
        "reading_p50_ms": Spread.of([r.p50_ms for r in reading]),
        "static_requests_per_s": Spread.of([r.requests_per_s for r in static]),
        "static_p99_ms": Spread.of([r.p99_ms for r in static]),
        "static_p50_ms": Spread.of([r.p50_ms for r in static]),
        "ratio_requests_per_s": Spread.of(
            [r.requests_per_s / s.requests_per_s for r, s in zip(reading, static, strict=True)]
        ),
        "ratio_p99": Spread.of([r.p99_ms / s.p99_ms for r, s in zip(reading, static, strict=True)]),
    }
    for kind, kind_runs in (("reading", reading), ("static", static)):
        for measure in ("busiest_worker", "other_cpu_s"):  # None where /proc is missing
            values = [getattr(r, measure) for r in kind_runs]
            if None not in values:
                summary[f"{kind}_{measure}"] = Spread.of(values)
    return summary


def report(summary: dict[str, Spread], runs: list[LoadRun], setup: dict[str, object]) -> bool:
    """Print the table; True when the goal is met."""
    print(
        f"\n{setup['documents']} documents, {setup['reading_urls']} reading URLs; static file {setup['page_bytes']:,} "
        f"bytes (the median reading page); wrk -c {setup['connections']} -t {setup['threads']} -d {setup['duration']}s"
    )
    print(f"{len(runs) // 2} alternating rounds; median (min – max)\n")
    rows = [
        ["reading page", *(_cell(summary, f"reading_{m}", f) for m, f in _COLUMNS)],
        ["static file (ceiling)", *(_cell(summary, f"static_{m}", f) for m, f in _COLUMNS)],
        [
            "ratio reading / static",
            summary["ratio_requests_per_s"].format("{:.3f}"),
            "",
            summary["ratio_p99"].format("{:.1f}×"),
            "",
            "",
        ],
    ]
    headers = ["", "requests/s", "p50 latency, ms", "p99 latency, ms", "busiest worker", "other CPU, s"]
    print_table(headers, rows)
    for kind in ("reading", "static"):
        if f"{kind}_other_cpu_s" in summary:
            warning = noise_warning(summary[f"{kind}_other_cpu_s"].median, float(setup["duration"]))
            if warning:
                print(f"\n{kind}: {warning}")
    errors = sum(r.errors for r in runs)
    if errors:
        print(f"\nWARNING: {errors} errors (non-2xx responses or socket errors) during the runs")
    met = summary["ratio_requests_per_s"].median >= GOAL_RATIO and not errors
    verdict = "met" if met else "NOT met"
    print(f"\nGoal: reading ≥ {GOAL_RATIO:.0%} of the static ceiling (requests/s, median ratio): {verdict}")
    return met


_COLUMNS = (
    ("requests_per_s", "{:,.0f}"),
    ("p50_ms", "{:.1f}"),
    ("p99_ms", "{:.1f}"),
    ("busiest_worker", "{:.0%}"),
    ("other_cpu_s", "{:.1f}"),
)


def _cell(summary: dict[str, Spread], name: str, fmt: str) -> str:
    return summary[name].format(fmt) if name in summary else "?"


# --- main --------------------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of untimed load of each kind first")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument(
        "--source",
        type=Path,
        action="append",
        help="files or folders to import (repeatable; default: the bundled gov_work_reports)",
    )
    parser.add_argument("--max-urls", type=int, default=5000, help="reading URLs in the rotation")
    parser.add_argument("--check-urls", type=int, default=1000, help="reading URLs fetched once to check and size")
    parser.add_argument("--visitor-cookies", action="store_true", help="a new visitor per request: every view counts")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--wenku", default=None, help="the wenku command (default: .venv/bin/wenku)")
    parser.add_argument("--wrk", default="wrk")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dir (for a look at serve.log)")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.duration < 1:
        parser.error("--rounds and --duration must be at least 1")
    args.source = args.source or [SAMPLE_LIBRARY / "gov_work_reports"]
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    exit_cleanly_on_sigterm()
    wenku = args.wenku or default_wenku()
    port = args.port or free_port()
    with fresh_data_dir("reading-", keep=args.keep) as data_dir:
        import_library(wenku, args.source, data_dir)
        paths = reading_paths(data_dir, args.max_urls)
        with Server(wenku, data_dir, port) as server:  # the first start also collects the static files
            page = median_page(server.base, paths, args.check_urls)
        write_static_page(data_dir, page)
        scripts = {"reading": data_dir / "reading.lua", "static": data_dir / "static.lua"}
        scripts["reading"].write_text(lua_script(paths, args.visitor_cookies), encoding="utf-8")
        scripts["static"].write_text(lua_script([STATIC_PATH], args.visitor_cookies), encoding="utf-8")
        with Server(wenku, data_dir, port) as server:
            if len(fetch(server.base + STATIC_PATH)) != len(page):
                raise RuntimeError(f"{STATIC_PATH} is not served whole")
            runs = run_rounds(args.wrk, server, scripts, args)
    setup = {
        "sources": [str(s) for s in args.source],
        "documents": len({p.split("/")[2] for p in paths}),
        "reading_urls": len(paths),
        "page_bytes": len(page),
        "connections": args.connections,
        "threads": args.threads,
        "duration": args.duration,
        "warmup": args.warmup,
        "visitor_cookies": args.visitor_cookies,
        "server": {k: os.environ.get(k) for k in ("WENKU_WORKERS", "WENKU_THREADS")},
    }
    summary = summarize(runs)
    met = report(summary, runs, setup)
    path = write_result(
        "reading",
        {
            "benchmark": "reading",
            "rounds": args.rounds,
            "setup": setup,
            "machine": machine_info(),
            "goal": {"ratio": GOAL_RATIO, "measure": "ratio_requests_per_s median", "met": met},
            "summary": {name: spread.as_dict() for name, spread in summary.items()},
            "runs": [asdict(r) for r in runs],
        },
    )
    print(f"Result: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Helpers shared by the benchmarks: paths, child environments, statistics, tables and result files.

Standard library only, so that a benchmark can run with any Python 3.11 and drives Wenku only through its
`wenku` command, as a user would.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
CACHE_DIR = BENCH_DIR / ".cache"  # gitignored: temporary data dirs and anything large
RESULTS_DIR = BENCH_DIR / "results"
SAMPLE_LIBRARY = REPO / "wenku" / "sample_library"
DEFAULT_CORPUS = Path(os.environ.get("WENKU_CORPUS", REPO.parent / "shared" / "corpus"))

# Variables that would change what is measured: a PostgreSQL database instead of the SQLite default, an access
# log written on every request.
_UNSET_IN_CHILDREN = ("DATABASE_URL", "WENKU_ACCESS_LOG")


def default_wenku() -> str:
    """The `wenku` console script of the project's virtual environment, else the one on PATH."""
    local = REPO / ".venv" / "bin" / "wenku"
    if local.exists():
        return str(local)
    found = shutil.which("wenku")
    if found is None:
        raise SystemExit("no `wenku` command: create .venv (python3 run.py test) or pass --wenku")
    return found


def python_next_to(wenku: str) -> str:
    """The interpreter that runs `wenku`, so that a baseline runs on the same Python."""
    candidate = Path(wenku).parent / "python"
    return str(candidate) if candidate.exists() else sys.executable


def child_env(data_dir: Path) -> dict[str, str]:
    """The environment for a `wenku` child: our data dir, the SQLite default, no access log."""
    env = {k: v for k, v in os.environ.items() if k not in _UNSET_IN_CHILDREN}
    env["WENKU_DATA_DIR"] = str(data_dir)
    env.setdefault("WENKU_LANGUAGE", "en")  # the benches read `wenku import`'s summary line as written, in English
    env.setdefault("WENKU_ALLOWED_HOSTS", "127.0.0.1,localhost")  # `wenku serve` on loopback (wenku/web/hosts.py)
    return env


@contextmanager
def fresh_data_dir(prefix: str, keep: bool = False) -> Iterator[Path]:
    """A new empty data dir under bench/.cache, removed afterwards unless ``keep``."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=CACHE_DIR))
    try:
        yield path
    finally:
        if keep:
            print(f"kept data dir {path}", file=sys.stderr)
        else:
            shutil.rmtree(path, ignore_errors=True)


def exit_cleanly_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit so that `finally` blocks (stopping a server, removing temp dirs) run."""

    def handler(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, handler)


@dataclass(frozen=True)
class Spread:
    """Median and range of repeated measurements: the range shows how much to trust the median."""

    median: float
    low: float
    high: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        if not values:
            raise ValueError("no measurements")
        return cls(statistics.median(values), min(values), max(values))

    def as_dict(self) -> dict[str, float]:
        return {"median": self.median, "min": self.low, "max": self.high}

    def format(self, fmt: str = "{:,.0f}") -> str:
        return f"{fmt.format(self.median)}  ({fmt.format(self.low)} – {fmt.format(self.high)})"


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def machine_busy_s() -> float | None:
    """CPU seconds the machine has been busy since boot, all cores together (None without /proc).

    Interrupt time is left out: much of it is our own loopback traffic, which no process is charged for. Time
    stolen by the hypervisor is kept: on a virtual machine it is noise like any other.
    """
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    except OSError:
        return None
    user, nice, system, _idle, _iowait, _irq, _softirq, steal = (int(v) for v in fields[1:9])
    return (user + nice + system + steal) / CLOCK_TICKS


def own_cpu_s() -> float:
    """CPU seconds of this process and of its children that have ended (wrk, `wenku import`, ...)."""
    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    return sum(u.ru_utime + u.ru_stime for u in usage)


class OtherCpu:
    """CPU seconds that processes other than the benchmark's used while it measured: the noise behind a bad round.

    ``more_own`` adds CPU time of our processes that are still running (a server), which getrusage cannot see.
    """

    def __init__(self, more_own: Callable[[], float] = lambda: 0.0) -> None:
        self.more_own = more_own
        self.busy, self.own = machine_busy_s(), own_cpu_s() + more_own()

    def seconds(self) -> float | None:
        busy = machine_busy_s()
        if busy is None or self.busy is None:
            return None
        own = own_cpu_s() + self.more_own() - self.own
        return max(0.0, busy - self.busy - own)  # clock-tick rounding can make it slightly negative


NOISY_SHARE = 0.25  # other processes' CPU time per second of wall time above which a run counts as disturbed


def noise_warning(other_cpu_s: float | None, wall_s: float) -> str | None:
    """A warning when other processes competed for the CPUs during a run of ``wall_s`` seconds, else None."""
    if other_cpu_s is None or other_cpu_s <= NOISY_SHARE * wall_s:
        return None
    return (
        f"WARNING: other processes used {other_cpu_s / wall_s:.2f} CPU s per second of run "
        f"({os.cpu_count()} CPUs here): the absolute figures are disturbed, trust the ratio more"
    )


def print_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """A plain fixed-width table: the first column left-aligned, the others right-aligned."""
    widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        first, *rest = (str(c) for c in cells)
        return "  ".join([first.ljust(widths[0]), *(c.rjust(w) for c, w in zip(rest, widths[1:], strict=True))])

    print(line(headers))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))


def machine_info() -> dict[str, object]:
    """Enough about the machine and the code to compare result files later."""
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "git_commit": _git(["rev-parse", "HEAD"]),
        "git_dirty": bool(_git(["status", "--porcelain", "--untracked-files=no"])),
    }


def _git(args: list[str]) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip()


def write_result(name: str, payload: dict[str, object]) -> Path:
    """bench/results/<name>-<UTC timestamp>.json, written whole (no half-written file on a crash)."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS_DIR / f"{name}-{stamp}.json"
    temp = path.with_suffix(".tmp")
    temp.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    temp.replace(path)
    return path


def tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])

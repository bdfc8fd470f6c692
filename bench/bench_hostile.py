#!/usr/bin/env python3
"""What one hostile file costs: `wenku check FILE` on small files built to burn CPU and memory (issue 11), timed
from outside with the peak memory of the whole process tree (the command, its parse sandbox and the sandbox's
children), against a plain report of the sample library as the baseline file, and optionally against another
`wenku` command (an older checkout) as the baseline code, in the same run.

    .venv/bin/python bench/bench_hostile.py [--rounds 2] [--baseline-wenku OTHER_WENKU] [--timeout 90]

The files are made by tests/hostile.py (standard library only):
- docx-empty-paragraphs: a 30 KB .docx of 300,000 empty paragraphs;
- pdf-shared-stream: a ~200 KB PDF whose 1,000 pages all draw one long content stream;
- html-60mb: 60 MB of HTML paragraphs;
- report-2024 (baseline file): the 2024 government work report of the sample library, as .txt.
A run that passes --timeout is killed and shown as "> timeout".
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/hostile.py: the generators the tests use

from benchlib import (
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
    write_result,
)

from tests import hostile

PAGE_SIZE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def make_files(directory: Path) -> dict[str, Path]:
    files = {
        "report-2024.txt": (SAMPLE_LIBRARY / "gov_work_reports" / "2024.txt").read_bytes(),
        "docx-empty-paragraphs.docx": hostile.zipped(hostile.docx_parts("<w:p/>" * 300_000)),
        "pdf-shared-stream.pdf": hostile.pdf_sharing_one_stream(pages=1000, lines=400),
        "html-60mb.html": b"<html><body>"
        + ("<p>" + "推动高质量发展" * 12 + "</p>\n").encode() * (60 * 1024 * 1024 // 270)
        + b"</body></html>",
    }
    paths = {}
    for name, data in files.items():
        path = directory / name
        path.write_bytes(data)
        paths[name] = path
    return paths


def tree_pss_kb(root: int) -> int:
    """Memory of ``root`` and all its descendants now, in KB: the sum of their proportional set sizes (PSS, from
    /proc/PID/smaps_rollup), so that pages a forked child shares with its parent count once, not twice."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    total, stack, seen = 0, [root], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += _pss_kb(pid)
        stack.extend(children.get(pid, []))
    return total


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def run_check(wenku: str, path: Path, data_dir: Path, timeout: float) -> dict:
    started = time.monotonic()
    process = subprocess.Popen(
        [wenku, "check", "--json", str(path)],
        env=child_env(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    peak = 0
    try:
        while process.poll() is None:
            peak = max(peak, tree_pss_kb(process.pid))
            if time.monotonic() - started > timeout:
                return {"seconds": timeout, "peak_mb": peak / 1024, "outcome": "timeout"}
            time.sleep(0.02)
    finally:
        if process.poll() is None:  # timed out, or this benchmark was stopped: leave nothing running
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    seconds = time.monotonic() - started
    out, err = process.communicate()
    text = (err or out).decode("utf-8", "replace").replace(str(path), path.name).strip().splitlines()
    outcome = "checked" if process.returncode == 0 else (text[-1][:100] if text else f"exit {process.returncode}")
    return {"seconds": seconds, "peak_mb": peak / 1024, "outcome": outcome}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--wenku", default=default_wenku())
    parser.add_argument("--baseline-wenku", help="another wenku command (an older checkout) to run side by side")
    parser.add_argument("--timeout", type=float, default=90.0, help="seconds one check may take before it is killed")
    args = parser.parse_args()
    exit_cleanly_on_sigterm()
    sides = {"current": args.wenku, **({"baseline": args.baseline_wenku} if args.baseline_wenku else {})}
    runs: dict[tuple[str, str], list[dict]] = {}
    other_cpu = OtherCpu()
    started = time.monotonic()
    with fresh_data_dir("hostile-files-") as files_dir:
        files = make_files(files_dir)
        with fresh_data_dir("hostile-current-") as current_dir, fresh_data_dir("hostile-baseline-") as baseline_dir:
            dirs = {"current": current_dir, "baseline": baseline_dir}
            for side, wenku in sides.items():  # migrate each data dir once, outside the measurements
                run_check(wenku, files["report-2024.txt"], dirs[side], args.timeout)
            for round_number in range(args.rounds):
                order = list(sides.items()) if round_number % 2 == 0 else list(reversed(sides.items()))
                for name, path in files.items():
                    for side, wenku in order:
                        result = run_check(wenku, path, dirs[side], args.timeout)
                        runs.setdefault((name, side), []).append(result)
                        print(f"round {round_number + 1} {side:8} {name:28} {result}", file=sys.stderr)
    wall = time.monotonic() - started
    rows, table = [], {}
    for (name, side), results in runs.items():
        seconds = Spread.of([r["seconds"] for r in results])
        peak = Spread.of([r["peak_mb"] for r in results])
        outcomes = sorted({r["outcome"] for r in results})
        timed_out = "timeout" in outcomes
        shown = ("> " if timed_out else "") + seconds.format("{:.2f}")
        rows.append([name, side, shown, peak.format("{:,.0f}"), "; ".join(outcomes)[:100]])
        table[f"{name}/{side}"] = {"seconds": seconds.as_dict(), "peak_mb": peak.as_dict(), "outcomes": outcomes}
    print_table(["file", "code", "wall s median (min – max)", "peak tree PSS MB", "outcome"], rows)
    other = other_cpu.seconds()
    warning = noise_warning(other, wall)
    if warning:
        print(warning)
    path = write_result(
        "hostile",
        {
            "machine": machine_info(),
            "sides": sides,
            "rounds": args.rounds,
            "timeout_s": args.timeout,
            "other_cpu_s": other,
            "results": table,
            "runs": {f"{n}/{s}": r for (n, s), r in runs.items()},
        },
    )
    print(f"written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

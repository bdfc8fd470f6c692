"""The baseline for bench_import: read every file the importer visits, decode it and split it into lines.

Run as its own process (python bench/floor_read.py CORPUS), like `wenku import`, so that both pay for starting an
interpreter; it prints one JSON object with what it read. No Django and no Wenku imports: this is the floor that
any importer written in Python pays for I/O and UTF-8 decoding, whatever it does afterwards.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path


def iter_files(root: Path) -> Iterator[Path]:
    """The files `wenku import` visits (wenku.ingest.importer.iter_files): sorted walk, hidden entries skipped."""
    if not root.is_dir():
        yield root
        return
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(folder) / name


def read_all(root: Path) -> dict[str, int]:
    totals = {"files": 0, "bytes": 0, "code_points": 0, "lines": 0}
    for path in iter_files(root):
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("gb18030", errors="replace")
        lines = text.split("\n")
        totals["files"] += 1
        totals["bytes"] += len(data)
        totals["code_points"] += len(text)
        totals["lines"] += len(lines)
    return totals


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: floor_read.py PATH", file=sys.stderr)
        return 2
    print(json.dumps(read_all(Path(argv[0]))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

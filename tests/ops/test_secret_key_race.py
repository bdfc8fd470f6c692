"""Several processes starting at once on a new data dir (gunicorn workers, `wenku worker`, a cron job) must all
end with one and the same secret key: a key that differs between processes breaks every session and signed link.

Before the fix all of them wrote the same temp file `secret_key.tmp`, so one could overwrite or unlink another's:
the stress test below, 8 processes walking in step through 300 new data dirs, found a process with another key or
an error in about 20 of the 300 then."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

PROCESSES = 8

# Wait for the start signal (so that all are at the same point), then load the settings as every process does.
LOAD_SETTINGS = """
import os, sys, time
while not os.path.exists(sys.argv[1]):
    time.sleep(0.001)
from django.conf import settings
print(settings.SECRET_KEY)
"""

# Wait for the start signal, then ask for the key of each of many new data dirs in turn, as fast as possible.
WALK_DIRECTORIES = """
import json, os, sys, time
from pathlib import Path
from wenku import config
go, base, count = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
while not os.path.exists(go):
    time.sleep(0.0005)
keys = []
for number in range(count):
    directory = base / f"data-{number}"
    directory.mkdir(parents=True, exist_ok=True)
    try:
        keys.append(config.secret_key(directory))
    except Exception as exc:
        keys.append(f"{type(exc).__name__}: {exc}")
print(json.dumps(keys))
"""


def run_together(tmp_path: Path, script: str, *args: str, env: dict | None = None) -> list[str]:
    go = tmp_path / "go"
    environment = {**os.environ, **(env or {})}
    environment.pop("SECRET_KEY", None)
    children = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(go), *args],
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    time.sleep(1.5)  # every child has started Python and waits at the start line
    go.touch()
    outputs = []
    for child in children:
        out, err = child.communicate(timeout=300)
        assert child.returncode == 0, err
        outputs.append(out.strip())
    return outputs


def test_processes_loading_the_settings_at_once_on_an_empty_data_dir_share_one_key(tmp_path):
    data_dir = tmp_path / "data"
    env = {"WENKU_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "wenku.settings"}
    keys = run_together(tmp_path, LOAD_SETTINGS, env=env)
    kept = (data_dir / "secret_key").read_text().strip()
    assert len(kept) > 40 and keys == [kept] * PROCESSES
    assert [p.name for p in data_dir.iterdir() if "secret" in p.name] == ["secret_key"]  # no temp file left


def test_processes_racing_through_many_new_data_dirs_always_agree(tmp_path):
    count = 300
    results = [json.loads(out) for out in run_together(tmp_path, WALK_DIRECTORIES, str(tmp_path / "dirs"), str(count))]
    disagreements = []
    for number in range(count):
        directory = tmp_path / "dirs" / f"data-{number}"
        kept = (directory / "secret_key").read_text().strip()
        if any(keys[number] != kept for keys in results):
            disagreements.append((number, sorted({keys[number] for keys in results})))
        assert [p.name for p in directory.iterdir()] == ["secret_key"]
    assert disagreements == []

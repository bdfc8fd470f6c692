"""Run the real `wenku` command on a data dir (and database) of its own, so that settings load fresh each time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

WENKU = str(Path(sys.executable).parent / "wenku")  # the venv's console script

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
# Sites on SQLite whatever the suite's database: run them once, on the SQLite pass of `run.py test`.
SQLITE_PASS = pytest.mark.skipif(ON_POSTGRES, reason="its sites use SQLite: run on the SQLite pass")

# A Python snippet run by `wenku shell -c`: every document with its pages, as JSON (what a restore must bring back).
DUMP_LIBRARY = """
import json, hashlib
from wenku.library.models import Document
rows = []
for d in Document.objects.order_by("id").select_related("category"):
    pages = list(d.pages.order_by("number").values_list("number", "start", "text", "chars"))
    rows.append({"id": d.pk, "title": d.title, "category": d.category.name if d.category else None,
        "visibility": d.visibility, "status": d.status, "sha256": d.sha256, "original_file": d.original_file,
        "chars": d.chars, "page_count": d.page_count, "access_key": d.access_key, "full_text": d.full_text(),
        "pages": [[n, s, hashlib.sha256(t.encode()).hexdigest(), c] for n, s, t, c in pages]})
print(json.dumps(rows, ensure_ascii=False))
"""


class Wenku:
    """`wenku` with WENKU_DATA_DIR=data_dir and DATABASE_URL=database_url ("" for SQLite in the data dir)."""

    def __init__(self, data_dir: Path, database_url: str = "", **env: str) -> None:
        self.data_dir = data_dir
        self.env = {
            **os.environ,
            "WENKU_DATA_DIR": str(data_dir),
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "wenku.settings",
            **env,
        }
        self.env.pop("SECRET_KEY", None)

    def run(self, *args: str, check: bool = True, timeout: int = 600, **env: str) -> subprocess.CompletedProcess:
        done = subprocess.run([WENKU, *args], env={**self.env, **env}, capture_output=True, text=True, timeout=timeout)
        if check:
            assert done.returncode == 0, f"wenku {' '.join(args)} failed ({done.returncode}):\n{done.stderr}"
        return done

    def library(self) -> list[dict]:
        return json.loads(self.shell(DUMP_LIBRARY).splitlines()[-1])

    def shell(self, code: str) -> str:
        """What ``code`` prints, run by `wenku shell` (without Django 5.2's automatic imports and their notice)."""
        return self.run("shell", "--no-imports", "-c", code).stdout

    def search(self, query: str) -> dict:
        """The total and every hit (document, best page, matching pages, score, snippet), best first. Hits with
        equal scores are put in id order: their order is the index's (an index built twice may order them
        differently), not part of the results."""
        found = json.loads(self.run("search", "--json", "--size", "50", query).stdout)
        found["hits"].sort(key=lambda hit: (-hit["score"], hit["id"]))
        return found

    def secret_key(self) -> str:
        return (self.data_dir / "secret_key").read_text().strip()


def originals(data_dir: Path) -> dict[str, bytes]:
    folder = data_dir / "originals"
    return {p.relative_to(data_dir).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def events(stderr: str) -> list[dict]:
    """The JSON log lines among a command's stderr lines (WENKU_LOG_FORMAT=json)."""
    return [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]

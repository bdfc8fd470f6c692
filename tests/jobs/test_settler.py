"""A large `wenku import` indexes and reviews in a second process while it imports (jobs/settler.py): the same
near-duplicates are reported and everything is indexed and reviewed, also when that process is killed."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import threading

import pytest
from django.db import connection

from tests.jobs.sites import WENKU, new_site

pytestmark = pytest.mark.django_db  # only to know which database engine this run uses

YEARS = (2018, 2019, 2021, 2022, 2023, 2024, 2025)


@pytest.fixture
def files(reports_dir, tmp_path):
    """Seven reports and two near-duplicate copies, each imported after its original."""
    reports = [reports_dir / f"{year}.txt" for year in YEARS]
    copies = []
    for year, heading in ((2021, "转载：2021年政府工作报告"), (2024, "全文：2024年政府工作报告")):
        copy = tmp_path / f"转载-{year}.txt"
        copy.write_text(heading + "\n\n" + (reports_dir / f"{year}.txt").read_text(encoding="utf-8"), "utf-8")
        copies.append(copy)
    return [str(p) for p in [*reports, *copies]]


@pytest.fixture
def make_site(tmp_path):
    drops = []

    def make(name: str, settle_ahead: int, chunk: int = 1500):
        (tmp_path / name).mkdir()
        made, drop = new_site(tmp_path / name, connection.vendor)
        drops.append(drop)
        made.env.update(
            {
                "WENKU_IMPORT_SETTLE_AHEAD": str(settle_ahead),
                "WENKU_IMPORT_SETTLE_CHUNK": str(chunk),
                "WENKU_LOG_LEVEL": "INFO",
            }
        )
        made.run("migrate")
        return made

    yield make
    for drop in drops:
        drop()


def _near_duplicates(stdout: str) -> list[tuple[str, str]]:
    lines = [json.loads(line) for line in stdout.splitlines()]
    return sorted((line["path"], line["original_title"]) for line in lines if line["status"] == "near-duplicate")


def _all_settled(site) -> None:
    assert site.query("SELECT count(*) FROM library_document")[0][0] == len(YEARS) + 2
    assert site.query("SELECT count(*) FROM library_documentchange")[0][0] == 0
    assert site.query("SELECT count(*) FROM library_followup WHERE step = 'review'")[0][0] == 0
    assert site.search("政府工作报告")["total"] >= len(YEARS)
    assert site.search("新质生产力")["total"] >= 2


# A chunk larger than the import: the child indexes only after everything is stored, the parent reviews behind it.
# Chunks of 4: the child also indexes and reviews while the import runs, and hands the reviews over part-way.
@pytest.mark.parametrize("chunk", [1500, 4])
def test_settling_ahead_reports_what_settling_after_does(make_site, files, tmp_path, chunk):
    after = make_site("after", settle_ahead=0).run("import", "--json", *files)
    ahead_site = make_site("ahead", settle_ahead=1, chunk=chunk)  # started at once
    ahead = ahead_site.run("import", "--json", *files)

    assert "import settler started" in ahead.stderr and "import settler started" not in after.stderr
    assert "settles the rest itself" not in ahead.stderr and "Traceback" not in ahead.stderr
    found = _near_duplicates(ahead.stdout)
    assert found == _near_duplicates(after.stdout)
    assert [path for path, _ in found] == [str(tmp_path / "转载-2021.txt"), str(tmp_path / "转载-2024.txt")]
    summary = re.search(r"search index: (\d+) documents", ahead.stderr) or re.search(r"搜索索引：(\d+)", ahead.stderr)
    assert summary and int(summary.group(1)) >= len(YEARS) + 2  # a document stored during a rebuild may count twice
    _all_settled(ahead_site)
    assert ahead_site.query("SELECT count(*) FROM checking_nearduplicate")[0][0] == 2


def test_a_killed_settler_costs_only_the_overlap(make_site, files):
    site = make_site("killed", settle_ahead=1)
    process = subprocess.Popen(
        [*WENKU, "import", "--json", *files], env=site.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    stderr: list[str] = []
    killed = threading.Event()

    def watch() -> None:
        for line in process.stderr:
            stderr.append(line)
            started = re.search(r"import settler started \(pid (\d+)\)", line)
            if started and not killed.is_set():
                os.kill(int(started.group(1)), signal.SIGKILL)
                killed.set()

    watcher = threading.Thread(target=watch)
    watcher.start()
    stdout = process.stdout.read()
    process.wait(timeout=600)
    watcher.join()

    assert process.returncode == 0, "".join(stderr)
    assert killed.is_set()
    assert any("settles the rest itself" in line for line in stderr)
    assert len(_near_duplicates(stdout)) == 2
    _all_settled(site)

"""Real `wenku worker` and `wenku import` processes on one site: killed with SIGKILL at any moment they lose
nothing, and imports running at once wait for the index writer instead of crashing (LockBusy)."""

from __future__ import annotations

import os
import signal
import time

import pytest
from django.db import connection

from tests.jobs.sites import new_site

pytestmark = pytest.mark.django_db  # only to know which database engine this run uses

# Staff uploads are published at once, so the indexes hold them and the copy is found.
QUEUE = """
from pathlib import Path
from django.contrib.auth import get_user_model
from wenku.uploads.importing import options_for, queue_bytes
user = get_user_model().objects.create_user("uploader", password="a-long-enough-password-1", is_staff=True)
for line in Path({listing!r}).read_text().splitlines():
    path = Path(line)
    queue_bytes(path.read_bytes(), path.name, options_for(user), user)
"""


@pytest.fixture
def site(tmp_path):
    made, drop = new_site(tmp_path, connection.vendor)
    made.run("migrate")
    yield made
    drop()


def _reports(reports_dir, years):
    return [reports_dir / f"{year}.txt" for year in years]


def test_workers_killed_at_any_moment_lose_nothing(site, reports_dir, tmp_path):
    files = _reports(reports_dir, (2019, 2021, 2022, 2023, 2024, 2025))
    copy = tmp_path / "2024-转载.txt"  # a near-duplicate: the 2024 report under a new heading
    copy.write_text("转载：政府工作报告全文\n\n" + files[4].read_text(encoding="utf-8"), encoding="utf-8")
    listing = tmp_path / "files.txt"
    listing.write_text("\n".join(str(f) for f in [*files, copy]))
    site.python(QUEUE.format(listing=str(listing)))
    assert site.query("SELECT count(*) FROM jobs_importjob")[0][0] == 7

    kills = 0
    for delay in (None, 0.4, 0.9, 1.5):
        worker = site.start("worker", "--idle-sleep", "0.1")
        if delay is None:  # the first one dies as soon as it holds a job
            deadline = time.monotonic() + 60
            while not site.query("SELECT count(*) FROM jobs_importjob WHERE state = 'running'")[0][0]:
                assert time.monotonic() < deadline and worker.poll() is None, worker.communicate()
                time.sleep(0.02)
        else:
            time.sleep(delay)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        kills += 1
    time.sleep(2.5)  # the dead workers' leases (WENKU_JOB_LEASE=2) run out
    site.run("worker", "--once", timeout=600)

    states = dict(site.query("SELECT state, count(*) FROM jobs_importjob GROUP BY state"))
    assert states == {"done": 7}, states
    assert site.query("SELECT count(*) FROM library_document")[0][0] == 7
    assert site.query("SELECT count(*) FROM library_documentchange")[0][0] == 0  # all indexed
    assert site.query("SELECT count(*) FROM library_followup")[0][0] == 0  # all reviewed, downloads made
    [(copy_id, original_id)] = site.query("SELECT document_id, original_id FROM checking_nearduplicate")
    titles = dict(site.query("SELECT id, original_name FROM library_document"))
    assert titles[copy_id] == copy.name and titles[original_id] == "2024.txt"
    for phrase in ("人工智能+", "新质生产力", "全面建设社会主义现代化国家"):
        assert site.search(phrase)["total"] >= 1
    assert kills == 4


def test_two_imports_and_a_search_at_once(site, reports_dir):
    first = site.start("import", *map(str, _reports(reports_dir, (1954, 1955, 1956, 1957, 1958))))
    second = site.start("import", *map(str, _reports(reports_dir, (1959, 1960, 1964, 1975, 1978))))
    searches = [site.run("search", "人民", check=False) for _ in range(3)]
    outputs = [first.communicate(timeout=600), second.communicate(timeout=600)]
    for process, (_out, err) in zip((first, second), outputs, strict=True):
        assert process.returncode == 0, err
        assert "LockBusy" not in err and "Traceback" not in err, err
    assert all("Traceback" not in s.stderr for s in searches)
    assert site.query("SELECT count(*) FROM library_document")[0][0] == 10
    assert site.query("SELECT count(*) FROM library_documentchange")[0][0] == 0
    assert site.query("SELECT count(*) FROM library_followup WHERE step = 'review'")[0][0] == 0
    assert site.search("人民")["total"] == 10

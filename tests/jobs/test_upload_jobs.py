"""Uploads only enqueue: the request stores the original and a job; the worker imports it. Run in this process
with the real Worker class (one pass), so the test database is shared."""

from __future__ import annotations

import pytest

from tests.uploads.conftest import client_for
from wenku.jobs.models import ImportJob
from wenku.jobs.worker import Worker
from wenku.library.models import Document, DocumentChange, FollowUp

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_worker_yet(settings):
    """As on a real site whose worker is busy: the request does not import, and waits no time for the job."""
    settings.WENKU_RUN_JOBS_IN_REQUEST = False
    settings.WENKU_UPLOAD_WAIT = 0


@pytest.fixture
def uploader(django_user_model):
    return django_user_model.objects.create_user("uploader", password="a-long-enough-password-1")


def test_an_api_upload_is_queued_then_imported_by_the_worker(no_worker_yet, uploader, report_2024):
    client = client_for(uploader)
    with report_2024.open("rb") as handle:
        response = client.post("/api/documents", {"file": handle, "title": "排队的报告"})
    assert response.status_code == 202, response.content
    job = response.json()
    assert job["state"] == "queued" and job["url"].endswith(f"/api/jobs/{job['id']}")
    assert not Document.objects.exists()  # nothing imported inside the request
    stored = ImportJob.objects.get(pk=job["id"])
    assert stored.original and stored.size == report_2024.stat().st_size

    assert Worker(idle_sleep=0, heartbeat=False).run(once=True) == 1
    answer = client.get(f"/api/jobs/{job['id']}").json()
    assert answer["state"] == "done"
    [document] = answer["documents"]
    assert document["title"] == "排队的报告" and document["status"] == "pending"
    assert not DocumentChange.objects.exists() and not FollowUp.objects.filter(step="review").exists()


def test_someone_elses_job_is_404(no_worker_yet, uploader, django_user_model, report_2024):
    with report_2024.open("rb") as handle:
        job = client_for(uploader).post("/api/documents", {"file": handle}).json()
    stranger = django_user_model.objects.create_user("stranger", password="a-long-enough-password-1")
    assert client_for(stranger).get(f"/api/jobs/{job['id']}").status_code == 404
    assert client_for(uploader).get("/api/jobs/99999999999999999999").status_code in (404, 422)


def test_the_upload_page_polls_until_the_worker_is_done(no_worker_yet, uploader, report_2024):
    client = client_for(uploader)
    with report_2024.open("rb") as handle:
        page = client.post("/upload/", {"files": handle, "visibility": "public"})
    html = page.content.decode()
    assert page.status_code == 200 and "排队中" in html and 'http-equiv="refresh"' in html
    job = ImportJob.objects.get()
    poll = client.get(f"/upload/jobs/?ids={job.pk}", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert "data-unfinished" in poll.content.decode()

    Worker(idle_sleep=0, heartbeat=False).run(once=True)
    done = client.get(f"/upload/jobs/?ids={job.pk}", HTTP_X_REQUESTED_WITH="XMLHttpRequest").content.decode()
    assert "已导入" in done and "data-unfinished" not in done
    assert client_for(None).get(f"/upload/jobs/?ids={job.pk}").status_code == 302  # login first


def test_a_refused_file_is_refused_before_anything_is_stored(no_worker_yet, uploader, data_dir):
    response = client_for(uploader).post("/api/documents", {"file": _named("x.exe", b"MZ...")})
    assert response.status_code == 400
    assert not ImportJob.objects.exists()
    assert not [path for path in (data_dir / "originals").rglob("*") if path.is_file()]


def test_a_job_whose_import_fails_removes_its_original(no_worker_yet, uploader, data_dir):
    client_for(uploader).post("/api/documents", {"file": _named("broken.pdf", b"%PDF-1.4 not really a pdf")})
    job = ImportJob.objects.get()
    original = data_dir / job.original
    assert original.exists()
    Worker(idle_sleep=0, heartbeat=False).run(once=True)
    job.refresh_from_db()
    assert job.state == "done" and job.results[0]["status"] == "failed"
    assert not original.exists()


def _named(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_a_jsonl_upload_stops_at_the_daily_document_quota(uploader, settings, report_2024):
    """One file of many records cannot bury the moderation queue: records past the quota are refused."""
    import json

    settings.WENKU_UPLOAD_DOCUMENTS_PER_DAY = 3
    paragraphs = report_2024.read_text(encoding="utf-8").split("\n")[10:30]
    records = [{"id": i, "title": f"第{i}篇", "text": f"编号{i}。" + paragraphs[i]} for i in range(5)]
    data = "\n".join(json.dumps(r, ensure_ascii=False) for r in records).encode()
    response = client_for(uploader).post("/api/documents", {"file": _named("批量.jsonl", data)})
    assert response.status_code == 201
    job = ImportJob.objects.get()
    statuses = [r["status"] for r in job.results]
    assert statuses == ["imported"] * 3 + ["failed"] * 2, job.results
    assert "quota" in job.results[-1]["reason"] or "上限" in job.results[-1]["reason"]
    assert Document.objects.filter(uploader=uploader).count() == 3

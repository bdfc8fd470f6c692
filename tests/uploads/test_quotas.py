"""Daily upload quotas of users who are not staff: files, megabytes and new documents, counted in the database.

Found when tried: one user could upload a JSONL file of any number of records, or many 60 MB files at once. An
upload past a quota is refused whole (HTTP 429, the reason in Chinese) before anything is stored.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.conftest import stored_originals
from tests.uploads.conftest import upload
from wenku.accounts.models import UploadUsage
from wenku.library.models import Document
from wenku.uploads import quotas

pytestmark = pytest.mark.django_db

JSONL = Path(__file__).resolve().parents[2] / "wenku" / "sample_library" / "npc_resolutions_on_gov_work_reports.jsonl"


@pytest.fixture
def reports(reports_dir) -> list[Path]:
    return sorted(reports_dir.glob("*.txt"))


def api_upload(client, path: Path, name: str | None = None, data: bytes | None = None):
    content = data if data is not None else path.read_bytes()
    return client.post("/api/documents", {"file": SimpleUploadedFile(name or path.name, content)})


def big_text(reports: list[Path], tmp_path: Path, name: str, kb: int) -> Path:
    """A real text file of at least ``kb`` KB: government work reports one after another."""
    path, chunks, size = tmp_path / name, [], 0
    for report in reports[::-1]:  # a different mix for each name
        if size >= kb * 1024:
            break
        chunks.append(report.read_text(encoding="utf-8"))
        size += len(chunks[-1].encode())
    path.write_text(f"{name}\n\n" + "\n\n".join(chunks), encoding="utf-8")
    return path


def test_files_per_day_on_the_upload_page(owner_client, owner, reports, settings, data_dir):
    settings.WENKU_UPLOAD_FILES_PER_DAY = 3
    assert upload(owner_client, *reports[:2]).status_code == 200
    refused = upload(owner_client, *reports[2:4])
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "今天还可上传 1 个文件（每天最多 3 个），这次上传了 2 个" in html
    assert Document.objects.count() == 2 and len(stored_originals(data_dir)) == 2  # nothing of the refused upload
    assert UploadUsage.objects.filter(user=owner).count() == 1
    assert upload(owner_client, reports[2]).status_code == 200  # the one left
    fragment = upload(owner_client, reports[3], xhr=True)  # the page's script posts for the results alone
    assert fragment.status_code == 429 and fragment["X-Wenku-Upload"] == "results"
    assert "今天还可上传 0 个文件（每天最多 3 个）" in fragment.content.decode()
    assert Document.objects.count() == 3


def test_megabytes_per_day_through_the_api(owner_client, reports, settings, tmp_path, data_dir):
    settings.WENKU_UPLOAD_MB_PER_DAY = 1
    first, second = big_text(reports, tmp_path, "甲.txt", 600), big_text(reports[:-3], tmp_path, "乙.txt", 600)
    assert api_upload(owner_client, first).status_code == 201
    refused = api_upload(owner_client, second)
    assert refused.status_code == 429
    left = (1024 * 1024 - first.stat().st_size) / (1024 * 1024)
    assert refused.json()["detail"].startswith(f"今天还可上传 {left:.1f} MB（每天最多 1 MB）")
    assert Document.objects.count() == 1 and len(stored_originals(data_dir)) == 1
    assert api_upload(owner_client, reports[0]).status_code == 201  # a small one still fits


def test_staff_have_no_quotas(staff_client, staff, reports, settings):
    settings.WENKU_UPLOAD_FILES_PER_DAY = 1
    settings.WENKU_UPLOAD_DOCUMENTS_PER_DAY = 1
    assert upload(staff_client, *reports[:3]).status_code == 200
    assert api_upload(staff_client, reports[3]).status_code == 201
    assert Document.objects.count() == 4
    assert quotas.documents_left(staff.pk) is None
    assert quotas.refusal(staff, 100, 10**12) is None


def test_documents_per_day_count_every_record_of_a_jsonl_file(owner_client, owner, reports, settings):
    records = len(JSONL.read_text(encoding="utf-8").splitlines())
    settings.WENKU_UPLOAD_DOCUMENTS_PER_DAY = records + 2
    assert quotas.documents_left(owner.pk) == records + 2
    assert api_upload(owner_client, JSONL).status_code == 201
    assert Document.objects.filter(uploader=owner).count() == records
    assert quotas.documents_left(owner.pk) == 2
    assert upload(owner_client, *reports[:2]).status_code == 200
    assert quotas.documents_left(owner.pk) == 0
    refused = api_upload(owner_client, reports[2])
    assert refused.status_code == 429
    assert refused.json()["detail"] == f"今天上传的文档已达上限（每天 {records + 2} 篇），请明天再上传。"
    assert "今天上传的文档已达上限" in upload(owner_client, reports[2]).content.decode()
    assert Document.objects.count() == records + 2


def test_documents_left(owner, other, staff, reports, settings, import_one):
    settings.WENKU_UPLOAD_DOCUMENTS_PER_DAY = 3
    assert quotas.documents_left(owner.pk) == 3
    for report in reports[:2]:
        import_one(report, uploader_id=owner.pk)
    assert quotas.documents_left(owner.pk) == 1
    assert quotas.documents_left(other.pk) == 3  # per user
    assert quotas.documents_left(staff.pk) is None
    Document.objects.update(created=timezone.now() - timedelta(days=1))  # yesterday's do not count today
    assert quotas.documents_left(owner.pk) == 3
    settings.WENKU_UPLOAD_DOCUMENTS_PER_DAY = 0
    assert quotas.documents_left(owner.pk) is None


def test_the_count_is_kept_in_the_database_and_starts_again_each_day(owner, settings):
    settings.WENKU_UPLOAD_FILES_PER_DAY = 5
    settings.WENKU_UPLOAD_MB_PER_DAY = 10
    assert quotas.refusal(owner, 3, 4 * 1024 * 1024) is None
    assert (
        quotas.refusal(owner, 3, 1) == "今天还可上传 2 个文件（每天最多 5 个），这次上传了 3 个，请明天再上传其余的。"
    )
    assert quotas.refusal(owner, 2, 7 * 1024 * 1024).startswith("今天还可上传 6.0 MB（每天最多 10 MB）")
    assert list(UploadUsage.objects.values_list("files", "bytes")) == [(3, 4 * 1024 * 1024)]  # refusals left none
    start_of_today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    UploadUsage.objects.update(created=start_of_today - timedelta(seconds=1))  # yesterday, just before midnight
    assert quotas.refusal(owner, 5, 10 * 1024 * 1024) is None
    settings.WENKU_UPLOAD_FILES_PER_DAY = settings.WENKU_UPLOAD_MB_PER_DAY = 0
    assert quotas.refusal(owner, 1000, 10**12) is None


def test_a_refused_upload_queues_no_import_job(owner_client, reports, settings):
    from wenku.jobs.models import ImportJob

    settings.WENKU_UPLOAD_FILES_PER_DAY = 1
    assert upload(owner_client, *reports[:2]).status_code == 429
    assert ImportJob.objects.count() == 0
    assert api_upload(owner_client, reports[0]).status_code == 201
    assert api_upload(owner_client, reports[1]).status_code == 429
    assert ImportJob.objects.count() == 1


# Quotas are counted in the database: two processes uploading at once never pass the limit together.
UPLOADER = """
import json, sys
import django
django.setup()
from django.contrib.auth import get_user_model
from wenku.uploads import quotas
user = get_user_model().objects.get(username="uploader")
print("ready", flush=True)
sys.stdin.readline()
print(json.dumps([quotas.refusal(user, 1, 1000) is None for _ in range(15)]), flush=True)
"""


def test_two_processes_uploading_at_once_stay_within_the_quota(tmp_path, db):
    from tests.test_shared_store import run_site, site_database, site_env, together

    database_url, drop = site_database(tmp_path)
    env = site_env(tmp_path, database_url, WENKU_UPLOAD_FILES_PER_DAY="10")
    try:
        run_site(
            env, "shell", "-c", "from django.contrib.auth.models import User; User.objects.create(username='uploader')"
        )
        accepted = sum(sum(answers) for answers in together(env, UPLOADER))
        assert 0 < accepted <= 10  # of 30 tries; never more than the quota (under a race, possibly fewer)
        rows = run_site(
            env, "shell", "-c", "from wenku.accounts.models import UploadUsage; print(UploadUsage.objects.count())"
        )
        assert int(rows.stdout.split()[-1]) == accepted  # a refused upload leaves no row
    finally:
        drop()

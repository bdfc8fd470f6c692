"""The follow-up steps and what a request may write: the outbox drives indexing, reviews and download files;
a search writes nothing; a deleted document's original leaves the disk."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.uploads.conftest import client_for
from wenku.ingest.importer import ImportOptions, import_file
from wenku.jobs import follow_ups, pipeline
from wenku.library.models import Document, DocumentChange, FollowUp
from wenku.search.service import search

pytestmark = pytest.mark.django_db


def test_an_import_leaves_durable_follow_ups_and_settle_does_them(report_2023, report_2024, data_dir):
    import_file(report_2023, ImportOptions())
    follow_ups.run_due()
    [result] = import_file(report_2024, ImportOptions())
    assert set(FollowUp.objects.values_list("step", flat=True)) == {"review", "downloads"}
    assert DocumentChange.objects.filter(document_id=result.id).exists()
    assert search("新质生产力").total == 0  # stored, not yet indexed: a search does not index it

    done = follow_ups.run_due()
    assert done.indexed == 1 and done.reviewed == 1 and done.downloads == 1
    assert not FollowUp.objects.exists() and not DocumentChange.objects.exists()
    assert search("新质生产力").total == 1
    assert list((data_dir / "downloads" / str(result.id)).glob("*.docx"))


def test_a_search_writes_nothing_but_its_statistic(report_2023, report_2024, client):
    import_file(report_2023, ImportOptions())
    follow_ups.run_due()
    import_file(report_2024, ImportOptions())
    waiting = DocumentChange.objects.count()
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/search/", {"q": "高质量发展"}).status_code == 200
    writes = [q["sql"] for q in queries if q["sql"].split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]
    assert all("search_querystat" in sql for sql in writes), writes
    assert DocumentChange.objects.count() == waiting == 1


def test_every_entry_point_reviews_near_duplicates(report_2024, tmp_path, django_user_model, settings):
    """CLI import, an upload job and 查重's 同时加入文库 all go through the pipeline: the copy is found."""
    pipeline.import_files([report_2024], ImportOptions())
    text = report_2024.read_text(encoding="utf-8")
    copy = tmp_path / "转载.txt"
    copy.write_text("转载\n\n" + text, encoding="utf-8")
    cli = pipeline.import_files([copy], ImportOptions())
    assert [f.action for f in cli.findings.values()] == ["recorded"]

    user = django_user_model.objects.create_user("writer", password="a-long-enough-password-1")
    second = tmp_path / "再转载.txt"
    second.write_text("再转载\n\n" + text, encoding="utf-8")
    with second.open("rb") as handle:
        answer = client_for(user).post("/api/documents", {"file": handle}).json()
    assert answer["near_duplicate"]["action"] == "recorded"
    assert not FollowUp.objects.filter(step="review").exists()


def test_a_deleted_documents_original_leaves_the_disk(
    report_2024, report_2023, django_user_model, data_dir, django_capture_on_commit_callbacks
):
    kept, gone = (import_file(path, ImportOptions())[0] for path in (report_2023, report_2024))
    originals = {d.pk: data_dir / d.original_file for d in Document.objects.all()}
    assert all(path.exists() for path in originals.values())
    admin = django_user_model.objects.create_superuser("boss", password="a-long-enough-password-1")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(admin).post(f"/admin/library/document/{gone.id}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not originals[gone.id].exists() and originals[kept.id].exists()


def test_the_reject_policy_removes_the_copy_and_its_original(
    report_2024, tmp_path, settings, data_dir, django_capture_on_commit_callbacks
):
    settings.WENKU_DUPLICATE_POLICY = "reject"
    pipeline.import_files([report_2024], ImportOptions())
    copy = tmp_path / "转载.txt"
    copy.write_text("转载\n\n" + report_2024.read_text(encoding="utf-8"), encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        stored = pipeline.import_files([copy], ImportOptions())
    [finding] = stored.findings.values()
    assert finding.action == "rejected"
    assert Document.objects.count() == 1
    assert len([p for p in (data_dir / "originals").rglob("*") if p.is_file()]) == 1


def test_an_import_stopped_half_way_by_the_database_keeps_no_original(report_2024, data_dir):
    """The importer (as `wenku import` runs it) wrote the original, then the database refused the category."""
    with pytest.raises(UnicodeEncodeError):
        import_file(report_2024, ImportOptions(category="报告\ud800"))
    assert not Document.objects.exists()
    assert not [path for path in (data_dir / "originals").rglob("*") if path.is_file()]


def test_reviews_go_in_batches_and_wait_while_the_index_cannot_answer(report_2024, tmp_path, data_dir, monkeypatch):
    """Each batch's rows are deleted once its documents are reviewed; a 查重 index that cannot be read leaves
    every row of the batch waiting, and the next round reviews them."""
    original = pipeline.import_files([report_2024], ImportOptions()).results[0].id
    text = report_2024.read_text(encoding="utf-8")
    copies = []
    for n, heading in enumerate(["转载之一", "转载之二", "转载之三"]):
        path = tmp_path / f"copy{n}.txt"
        path.write_text(f"{heading}\n\n{text}", encoding="utf-8")
        copies += [result.id for result in import_file(path, ImportOptions())]
    follow_ups.apply_index()
    if connection.vendor == "sqlite":  # the file index: a segment that cannot be read
        segment = max((data_dir / "check-index").glob("seg-*.hashes.npy"), key=lambda p: int(p.name[4:-11]))
        kept = segment.read_bytes()
        segment.write_bytes(b"damaged")
        assert follow_ups.review_due() == ({}, [])
        assert FollowUp.objects.filter(step="review").count() == 3
        segment.write_bytes(kept)
    monkeypatch.setattr(follow_ups, "REVIEW_BATCH", 2)
    findings, reviewed = follow_ups.review_due()
    assert reviewed == copies and set(findings) == set(copies)
    assert findings[copies[0]].original_id == original
    assert not FollowUp.objects.filter(step="review").exists()

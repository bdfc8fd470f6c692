"""Structured logs: every import (file, result, document id, 字, seconds), failure (reason) and moderation action
(who, which document) is one JSON object per line with WENKU_LOG_FORMAT=json."""

from __future__ import annotations

import json
import logging

import pytest

from tests.ops.cli import SQLITE_PASS, Wenku, events
from wenku.ops.logformat import JsonFormatter


@SQLITE_PASS
def test_an_import_writes_one_json_line_per_file(tmp_path, reports_dir):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    site = Wenku(tmp_path / "data", WENKU_LOG_FORMAT="json")
    done = site.run("import", "--json", str(reports_dir / "1975.txt"), str(empty), check=False)
    assert done.returncode == 1  # one file failed
    imports = [e for e in events(done.stderr) if e.get("event") == "import"]
    assert [e["status"] for e in imports] == ["imported", "failed"]
    imported, failed = imports
    result, refused = (json.loads(line) for line in done.stdout.splitlines()[:2])
    assert imported["document_id"] == result["id"] and imported["chars"] == result["chars"] > 1000
    assert imported["path"].endswith("1975.txt") and imported["seconds"] >= 0
    assert imported["logger"] == "wenku.events" and imported["level"] == "INFO" and imported["time"].endswith("+00:00")
    assert failed["path"] == str(empty) and failed["reason"] == refused["reason"] and failed["level"] == "WARNING"


@SQLITE_PASS
def test_text_format_is_the_default(tmp_path, reports_dir):
    done = Wenku(tmp_path / "data").run("import", "-v", "2", str(reports_dir / "1975.txt"))
    assert events(done.stderr) == []
    assert "wenku.events import path=" in done.stderr and "status='imported'" in done.stderr
    quiet = Wenku(tmp_path / "data2").run("import", str(reports_dir / "1975.txt"))
    assert "wenku.events" not in quiet.stderr  # each file's own line says it: no second line for a person


@pytest.fixture
def event_lines():
    """The wenku.events records of this test, formatted as WENKU_LOG_FORMAT=json formats them."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    handler = Keep()
    logger = logging.getLogger("wenku.events")
    logger.addHandler(handler)
    formatter = JsonFormatter()
    yield lambda: [json.loads(formatter.format(r)) for r in records]
    logger.removeHandler(handler)


def test_moderation_actions_are_logged_with_who_and_which_document(db, reports_dir, import_one, event_lines):
    from django.contrib.auth.models import User

    from wenku.library.models import Document, Status
    from wenku.uploads import moderation
    from wenku.uploads.models import Report

    staff = User.objects.create_user("moderator", password="x", is_staff=True)
    reader = User.objects.create_user("reader", password="x")
    first = import_one(reports_dir / "2024.txt", status=Status.PENDING)
    second = import_one(reports_dir / "2023.txt", status=Status.PENDING)
    doc1, doc2 = Document.objects.get(pk=first.id), Document.objects.get(pk=second.id)
    moderation.approve(doc1, staff)
    moderation.reject(doc2, staff, "广告")
    moderation.report(doc1, reader, Report.Reason.SPAM, "")
    moderation.resolve_reports(doc1, staff, Report.Outcome.HIDDEN, "已处理")
    moderation_events = [e for e in event_lines() if e["event"] == "moderation"]
    assert [(e["action"], e["document_id"]) for e in moderation_events] == [
        ("approve", doc1.pk),
        ("reject", doc2.pk),
        ("hide", doc1.pk),
        ("resolve_reports", doc1.pk),
    ]
    assert all(e["staff"] == "moderator" and e["staff_id"] == staff.pk for e in moderation_events)
    assert moderation_events[1]["reason"] == "广告" and moderation_events[3]["reports"] == 1


def test_admin_actions_are_logged_too(db, client, reports_dir, import_one, event_lines, django_user_model):
    from wenku.library.models import Document
    from wenku.uploads import moderation
    from wenku.uploads.models import Report

    boss = django_user_model.objects.create_superuser("boss", password="a-long-enough-password-1")
    reader = django_user_model.objects.create_user("reader", password="x")
    kept = Document.objects.get(pk=import_one(reports_dir / "2024.txt").id)
    gone = Document.objects.get(pk=import_one(reports_dir / "2023.txt").id)
    moderation.report(kept, reader, Report.Reason.SPAM, "")
    client.force_login(boss)
    report = Report.objects.get()
    client.post("/admin/uploads/report/", {"action": "dismiss", "_selected_action": [report.pk]})
    response = client.post(
        "/admin/library/document/", {"action": "delete_selected", "_selected_action": [gone.pk], "post": "yes"}
    )
    assert response.status_code == 302 and not Document.objects.filter(pk=gone.pk).exists()
    logged = [(e["action"], e["document_id"], e["staff"]) for e in event_lines() if e["event"] == "moderation"]
    assert logged == [("resolve_reports", kept.pk, "boss"), ("delete", gone.pk, "boss")]

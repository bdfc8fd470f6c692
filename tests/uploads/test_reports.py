"""举报: logged-in readers report documents they can open; staff resolve the reports, hiding or rejecting."""

from __future__ import annotations

import pytest

from tests.uploads.conftest import client_for
from wenku.ingest.importer import ImportOptions, import_file
from wenku.library.models import Document, Status, Visibility
from wenku.uploads.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(reports_dir, owner):
    [result] = import_file(reports_dir / "2019.txt", ImportOptions(uploader_id=owner.pk))
    return Document.objects.get(pk=result.id)


def test_a_reader_reports_a_document(other_client, other, document):
    page = other_client.get(f"/d/{document.pk}/report/")
    assert page.status_code == 200
    html = page.content.decode()
    assert document.title in html and "侵犯版权" in html and "其他" in html
    response = other_client.post(f"/d/{document.pk}/report/", {"reason": "copyright", "detail": "整本书的扫描"})
    assert response.status_code == 302 and response["Location"] == f"/d/{document.pk}/report/"
    report = Report.objects.get()
    assert (report.document, report.reporter, report.reason, report.detail) == (
        document,
        other,
        Report.Reason.COPYRIGHT,
        "整本书的扫描",
    )
    assert report.is_open
    assert "已收到你的举报（侵犯版权）" in other_client.get(f"/d/{document.pk}/report/").content.decode()


def test_reporting_again_updates_the_open_report(other_client, document):
    other_client.post(f"/d/{document.pk}/report/", {"reason": "spam"})
    other_client.post(f"/d/{document.pk}/report/", {"reason": "illegal", "detail": "补充说明"})
    report = Report.objects.get()
    assert (report.reason, report.detail) == (Report.Reason.ILLEGAL, "补充说明")


def test_other_needs_a_detail(other_client, document):
    response = other_client.post(f"/d/{document.pk}/report/", {"reason": "other", "detail": "  "})
    assert response.status_code == 400
    assert "请写明原因" in response.content.decode()
    assert not Report.objects.exists()
    response = other_client.post(f"/d/{document.pk}/report/", {"reason": "nonsense"})
    assert response.status_code == 400 and not Report.objects.exists()


def test_logged_out_readers_are_sent_to_log_in(client, document):
    response = client.get(f"/d/{document.pk}/report/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.post(f"/d/{document.pk}/report/", {"reason": "spam"})
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("status", "visibility", "code"),
    [
        (Status.PUBLISHED, Visibility.UNLISTED, 200),  # opens by its key link: may be reported there
        (Status.PUBLISHED, Visibility.PRIVATE, 404),
        (Status.PENDING, Visibility.PUBLIC, 404),
        (Status.REJECTED, Visibility.PUBLIC, 404),
    ],
)
def test_only_documents_the_reader_can_open(other_client, document, status, visibility, code):
    Document.objects.filter(pk=document.pk).update(status=status, visibility=visibility)
    document.refresh_from_db()
    path = document.route("uploads:report")  # /u/<key>/report/ while unlisted
    assert other_client.get(path).status_code == code
    assert other_client.post(path, {"reason": "spam"}).status_code in {code, 302}
    assert Report.objects.exists() == (code == 200)
    assert other_client.get(f"/d/{document.pk}/report/").status_code == 404 or visibility == Visibility.PUBLIC


def reported(document, *readers):
    for reader in readers:
        client_for(reader).post(f"/d/{document.pk}/report/", {"reason": "obscene", "detail": f"{reader} 说"})


def test_staff_see_reports_grouped_by_document(staff_client, document, other, django_user_model):
    third = django_user_model.objects.create_user("third", password="a-long-enough-password-1")
    reported(document, other, third)
    html = staff_client.get("/moderation/").content.decode()
    assert "1 篇文档待处理" in html and "2 条举报" in html
    assert "other 说" in html and "third 说" in html
    assert f"/moderation/{document.pk}/resolve/" in html
    reading = staff_client.get(document.get_absolute_url()).content.decode()
    assert "2 条举报待处理" in reading


@pytest.mark.parametrize(
    ("outcome", "status", "visibility"),
    [
        ("dismissed", Status.PUBLISHED, Visibility.PUBLIC),
        ("hidden", Status.PUBLISHED, Visibility.PRIVATE),
        ("rejected", Status.REJECTED, Visibility.PUBLIC),
    ],
)
def test_staff_resolve_reports(staff_client, staff, client, owner_client, document, other, outcome, status, visibility):
    reported(document, other)
    response = staff_client.post(f"/moderation/{document.pk}/resolve/", {"outcome": outcome, "note": "已核实"})
    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.status, document.visibility) == (status, visibility)
    report = Report.objects.get()
    assert (report.outcome, report.resolved_by) == (outcome, staff) and report.resolved is not None
    expected = 200 if outcome == "dismissed" else 404
    assert client.get(document.get_absolute_url()).status_code == expected
    assert owner_client.get(document.get_absolute_url()).status_code == 200  # the owner still has it
    html = staff_client.get("/moderation/").content.decode()
    assert "没有待处理的举报" in html and "最近处理的举报" in html
    # a new report after the resolution is a new open report
    if outcome == "dismissed":
        reported(document, other)
        assert Report.objects.filter(resolved__isnull=True).count() == 1


def test_a_rejection_by_report_tells_the_owner_why(staff_client, owner_client, document, other):
    reported(document, other)
    staff_client.post(f"/moderation/{document.pk}/resolve/", {"outcome": "rejected", "note": "侵犯版权"})
    assert "未通过审核：侵犯版权" in owner_client.get("/my/documents/").content.decode()


def test_only_staff_resolve(other_client, owner_client, document, other):
    reported(document, other)
    for c in (other_client, owner_client):
        assert c.post(f"/moderation/{document.pk}/resolve/", {"outcome": "hidden"}).status_code == 403
    assert Report.objects.get().is_open
    document.refresh_from_db()
    assert document.visibility == Visibility.PUBLIC


def test_a_bad_outcome_changes_nothing(staff_client, document, other):
    reported(document, other)
    response = staff_client.post(f"/moderation/{document.pk}/resolve/", {"outcome": "burn"}, follow=True)
    assert "请选择处理方式" in response.content.decode()
    assert Report.objects.get().is_open


def test_reports_go_with_their_document(owner_client, document, other):
    reported(document, other)
    owner_client.post(f"/d/{document.pk}/delete/")
    assert not Report.objects.exists()


def test_the_admin_lists_reports(client, document, other, django_user_model):
    admin = django_user_model.objects.create_superuser("boss", password="a-long-enough-password-1")
    reported(document, other)
    client.force_login(admin)
    html = client.get("/admin/uploads/report/").content.decode()
    assert document.title in html
    report = Report.objects.get()
    response = client.post(
        "/admin/uploads/report/", {"action": "dismiss", "_selected_action": [report.pk]}, follow=True
    )
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.outcome == Report.Outcome.DISMISSED and not report.is_open
    assert client.get("/admin/uploads/decision/").status_code == 200

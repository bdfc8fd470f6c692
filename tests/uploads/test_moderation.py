"""The moderation page: staff approve or reject pending uploads; the library and the index follow."""

from __future__ import annotations

import pytest

from tests import samples
from tests.uploads.conftest import client_for, upload
from wenku.library.models import Document, Status
from wenku.search import indexing
from wenku.search.service import search
from wenku.uploads.models import Decision

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(owner_client, r2024, r2023, tmp_path):
    first = samples.write_docx(tmp_path / "一.docx", r2024, paragraphs=20)
    second = samples.write_pdf(tmp_path / "二.pdf", r2023.title, r2023.body(count=10))
    upload(owner_client, first.path, second.path, description="请审核")
    indexing.apply_pending()
    return {d.original_name: d for d in Document.objects.all()}


def test_only_staff_see_the_moderation_page(client, other_client, staff_client, pending):
    assert client.get("/moderation/").status_code == 302
    forbidden = other_client.get("/moderation/")
    assert forbidden.status_code == 403 and "只有管理员可以使用" in forbidden.content.decode()
    html = staff_client.get("/moderation/").content.decode()
    assert "待审核 <small>共 2 篇</small>" in html
    for document in pending.values():
        assert document.title in html and f"/moderation/{document.pk}/approve/" in html
    assert "owner 上传" in html and "请审核" in html


def test_approve_publishes(staff_client, staff, client, pending):
    document = pending["一.docx"]
    assert client.get(document.get_absolute_url()).status_code == 404
    assert not search("政府工作报告").hits
    response = staff_client.post(f"/moderation/{document.pk}/approve/", follow=True)
    assert f"已通过《{document.title}》" in response.content.decode()
    document.refresh_from_db()
    assert document.status == Status.PUBLISHED
    assert Decision.objects.get().action == Decision.Action.APPROVE and Decision.objects.get().staff == staff
    assert client.get(document.get_absolute_url()).status_code == 200
    assert document.title in client.get("/").content.decode()
    indexing.apply_pending()  # as the worker does after every change
    assert [hit.document.pk for hit in search(document.title).hits] == [document.pk]
    html = staff_client.get("/moderation/").content.decode()
    assert "共 1 篇" in html


def test_reject_with_a_reason(staff_client, owner_client, client, pending):
    document = pending["二.pdf"]
    staff_client.post(f"/moderation/{document.pk}/reject/", {"reason": "文字识别错误太多"})
    document.refresh_from_db()
    assert document.status == Status.REJECTED
    assert client.get(document.get_absolute_url()).status_code == 404
    assert owner_client.get(document.get_absolute_url()).status_code == 200
    assert "未通过审核：文字识别错误太多" in owner_client.get("/my/documents/").content.decode()


def test_reject_without_a_reason(staff_client, owner_client, pending):
    document = pending["二.pdf"]
    staff_client.post(f"/moderation/{document.pk}/reject/")
    document.refresh_from_db()
    assert document.status == Status.REJECTED
    assert "未通过审核" in owner_client.get("/my/documents/").content.decode()


def test_rejecting_a_published_document_takes_it_out_of_search(staff_client, staff, client, pending):
    document = pending["一.docx"]
    staff_client.post(f"/moderation/{document.pk}/approve/")
    indexing.apply_pending()
    assert search(document.title).hits
    staff_client.post(f"/moderation/{document.pk}/reject/", {"reason": "侵权"})
    assert not search(document.title).hits
    indexing.apply_pending()
    assert not search(document.title).hits
    assert document.title not in client.get("/").content.decode()


def test_non_staff_cannot_moderate(other_client, owner_client, client, pending):
    document = pending["一.docx"]
    for c, status in ((other_client, 403), (owner_client, 403), (client, 302)):
        assert c.post(f"/moderation/{document.pk}/approve/").status_code == status
        assert c.post(f"/moderation/{document.pk}/reject/").status_code == status
    document.refresh_from_db()
    assert document.status == Status.PENDING and not Decision.objects.exists()


def test_moderation_actions_are_posts_with_csrf(staff, pending):
    from django.test import Client

    document = pending["一.docx"]
    assert client_for(staff).get(f"/moderation/{document.pk}/approve/").status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(staff)
    assert strict.post(f"/moderation/{document.pk}/approve/").status_code == 403
    document.refresh_from_db()
    assert document.status == Status.PENDING


def test_an_unknown_document_is_404(staff_client, pending):
    assert staff_client.post("/moderation/999999/approve/").status_code == 404


def test_the_reading_page_tells_staff_the_state(staff_client, pending):
    document = pending["一.docx"]
    html = staff_client.get(document.get_absolute_url()).content.decode()
    assert "待审核" in html and 'href="/moderation/"' in html

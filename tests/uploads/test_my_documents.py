"""我的文档, editing and deleting: owners their own documents, staff any; anyone else gets a 404."""

from __future__ import annotations

import pytest

from tests import samples
from tests.uploads.conftest import client_for, stored_originals, upload
from wenku.library.models import Category, Document, DocumentChange, Page, Status, Visibility
from wenku.uploads import moderation

pytestmark = pytest.mark.django_db


@pytest.fixture
def uploaded(owner_client, r2024, r2023, tmp_path):
    """Two uploads by the owner (pending, as non-staff uploads are), then one approved, one rejected."""
    first = samples.write_docx(tmp_path / "一.docx", r2024, paragraphs=20)
    second = samples.write_text(tmp_path / "二.txt", [r2023.title, *r2023.body(count=20)], "gb18030")
    upload(owner_client, first.path, second.path, visibility="unlisted")
    documents = {d.original_name: d for d in Document.objects.all()}
    return documents["一.docx"], documents["二.txt"]


def test_my_documents_lists_them_with_their_state(owner_client, other_client, uploaded, staff):
    approved, rejected = uploaded
    moderation.approve(approved, staff)
    moderation.reject(rejected, staff, "内容与分类不符")
    html = owner_client.get("/my/documents/").content.decode()
    assert approved.title in html and rejected.title in html
    assert "已发布" in html and "已拒绝" in html and "未通过审核：内容与分类不符" in html
    assert "仅链接可见" in html
    assert f"/d/{approved.pk}/edit/" in html and f"/d/{rejected.pk}/delete/" in html
    assert "共 2 篇" in html
    other = other_client.get("/my/documents/").content.decode()
    assert approved.title not in other and "还没有上传过文档" in other


def test_pending_documents_show_their_state(owner_client, uploaded):
    html = owner_client.get("/my/documents/").content.decode()
    assert html.count("等待管理员审核") == 2


def test_my_documents_needs_a_login(client):
    response = client.get("/my/documents/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_bad_page_number_is_404(owner_client, uploaded):
    assert owner_client.get("/my/documents/?page=9").status_code == 404
    assert owner_client.get("/my/documents/?page=x").status_code == 404


def test_the_owner_edits_title_category_description_and_visibility(owner_client, uploaded):
    document = uploaded[0]
    page = owner_client.get(f"/d/{document.pk}/edit/")
    assert page.status_code == 200 and document.title in page.content.decode()
    changes_before = DocumentChange.objects.count()
    response = owner_client.post(
        f"/d/{document.pk}/edit/",
        {
            "title": " 新的 标题 ",
            "category": "",
            "new_category": "新分类",
            "description": "简介",
            "visibility": "private",
        },
    )
    assert response.status_code == 302 and response["Location"] == f"/d/{document.pk}/"
    document.refresh_from_db()
    assert document.title == "新的 标题"
    assert document.category == Category.objects.get(name="新分类")
    assert (document.description, document.visibility) == ("简介", Visibility.PRIVATE)
    assert document.status == Status.PENDING  # editing does not publish
    assert DocumentChange.objects.count() == changes_before + 1  # the search index hears of it


def test_an_existing_category_and_a_blank_title(owner_client, uploaded):
    document = uploaded[0]
    category = Category.objects.create(name="学习材料", slug="study")
    data = {"title": "题目", "category": category.pk, "new_category": "", "description": "", "visibility": "public"}
    owner_client.post(f"/d/{document.pk}/edit/", data)
    document.refresh_from_db()
    assert document.category == category
    response = owner_client.post(f"/d/{document.pk}/edit/", {**data, "title": "   "})
    assert response.status_code == 200 and "标题不能为空" in response.content.decode()
    document.refresh_from_db()
    assert document.title == "题目"


def test_another_user_gets_404_for_edit_and_delete(other_client, uploaded, staff):
    document = uploaded[0]
    moderation.approve(document, staff)  # even when they can read it
    assert other_client.get(document.get_absolute_url()).status_code == 200
    for path in (f"/d/{document.pk}/edit/", f"/d/{document.pk}/delete/"):
        assert other_client.get(path).status_code == 404
        assert other_client.post(path, {"title": "改掉", "visibility": "public"}).status_code == 404
    document.refresh_from_db()
    assert Document.objects.filter(pk=document.pk).exists() and document.title != "改掉"


def test_logged_out_edit_and_delete_go_to_the_login_page(client, uploaded):
    document = uploaded[0]
    for path in (f"/d/{document.pk}/edit/", f"/d/{document.pk}/delete/"):
        assert client.post(path).status_code == 302
    assert Document.objects.filter(pk=document.pk).exists()


def test_staff_edit_and_delete_anyones_document(staff_client, uploaded):
    document = uploaded[0]
    response = staff_client.post(
        f"/d/{document.pk}/edit/", {"title": "管理员改的标题", "description": "", "visibility": "public"}
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.title == "管理员改的标题"
    assert staff_client.post(f"/d/{document.pk}/delete/").status_code == 302
    assert not Document.objects.filter(pk=document.pk).exists()


def test_delete_asks_first_and_deletes_only_on_post(
    owner_client, uploaded, data_dir, django_capture_on_commit_callbacks
):
    document, kept = uploaded
    page = owner_client.get(f"/d/{document.pk}/delete/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "确定要删除" in html and 'method="post"' in html
    assert Document.objects.filter(pk=document.pk).exists()
    original = data_dir / document.original_file
    assert original.exists()
    with django_capture_on_commit_callbacks(execute=True):  # the original goes once the deletion is committed
        response = owner_client.post(f"/d/{document.pk}/delete/", follow=True)
    assert response.redirect_chain[-1][0] == "/my/documents/"
    assert f"已删除《{document.title}》" in response.content.decode()
    assert not Document.objects.filter(pk=document.pk).exists()
    assert not Page.objects.filter(document_id=document.pk).exists()
    assert DocumentChange.objects.filter(document_id=document.pk).exists()  # leaves the search index
    assert not original.exists()
    assert (data_dir / kept.original_file).exists()
    assert owner_client.get(document.get_absolute_url()).status_code == 404


def test_deleting_one_record_of_a_jsonl_file_keeps_the_shared_original(
    owner_client, data_dir, django_capture_on_commit_callbacks
):
    body = '{"id": "1", "title": "甲", "text": "甲的正文。"}\n{"id": "2", "title": "乙", "text": "乙的正文。"}\n'
    upload(owner_client, ("两篇.jsonl", body.encode()))
    first, second = Document.objects.order_by("id")
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(f"/d/{first.pk}/delete/")
    assert len(stored_originals(data_dir)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(f"/d/{second.pk}/delete/")
    assert stored_originals(data_dir) == []


def test_delete_needs_the_csrf_token(owner, uploaded):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.post(f"/d/{uploaded[0].pk}/delete/").status_code == 403
    assert Document.objects.filter(pk=uploaded[0].pk).exists()


def test_the_reading_page_shows_the_owner_edit_and_delete(owner, other, staff, client, uploaded):
    document = uploaded[0]
    moderation.approve(document, staff)
    owner_html = client_for(owner).get(document.get_absolute_url()).content.decode()
    assert f'href="/d/{document.pk}/edit/"' in owner_html and f'href="/d/{document.pk}/delete/"' in owner_html
    assert "仅链接可见" in owner_html
    report = f"/u/{document.access_key}/report/"  # unlisted: addressed by its key
    assert "/report/" not in owner_html  # not one's own
    other_html = client_for(other).get(document.get_absolute_url()).content.decode()
    assert f"/d/{document.pk}/edit/" not in other_html and f"/d/{document.pk}/delete/" not in other_html
    assert f'href="{report}"' in other_html
    anonymous_html = client.get(document.get_absolute_url()).content.decode()
    assert "/report/" not in anonymous_html and f"/d/{document.pk}/edit/" not in anonymous_html
    staff_html = client_for(staff).get(document.get_absolute_url()).content.decode()
    assert f'href="/d/{document.pk}/edit/"' in staff_html


def test_the_reading_page_shows_the_owner_a_rejection_and_its_reason(owner_client, uploaded, staff):
    pending, rejected = uploaded
    moderation.reject(rejected, staff, "扫描质量太差")
    assert "待审核" in owner_client.get(pending.get_absolute_url()).content.decode()
    assert "已拒绝：扫描质量太差" in owner_client.get(rejected.get_absolute_url()).content.decode()

"""Uploading real files through the web form: every format the CLI takes, many at once, with the page's fields."""

from __future__ import annotations

import pytest

from tests import samples
from tests.uploads.conftest import result_lines, stored_originals, upload
from wenku.library.models import Category, Document, Status, Visibility

pytestmark = pytest.mark.django_db


def test_the_upload_page_needs_a_login(client):
    response = client.get("/upload/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/upload/")
    assert client.post("/upload/", {}).status_code == 302
    assert Document.objects.count() == 0


def test_the_upload_page(owner_client):
    html = owner_client.get("/upload/").content.decode()
    assert 'type="file" name="files" multiple' in html
    assert 'enctype="multipart/form-data"' in html
    assert "csrfmiddlewaretoken" in html
    assert "<progress" in html and "uploads/upload.js" in html
    for label in ("公开", "仅链接可见", "私有", "标题", "分类", "或新建分类", "简介"):
        assert label in html
    assert "不超过 100 MB" in html
    assert "经管理员审核后" in html  # a non-staff uploader is told that uploads wait for moderation


def test_one_file_of_each_format_at_once(owner_client, owner, r2024, r2023, tmp_path, data_dir):
    """docx, pdf, GB18030 text and epub in one request: one result line each, stored as the CLI stores them."""
    docx = samples.write_docx(tmp_path / "报告.docx", r2024, paragraphs=30)
    pdf = samples.write_pdf(tmp_path / "报告.pdf", r2023.title, r2023.body(count=12))
    text = samples.write_text(tmp_path / "国标.txt", [r2023.title, *r2023.body(start=20, count=15)], "gb18030")
    epub = samples.write_epub(tmp_path / "合集.epub", r2024, r2023, paragraphs=6, book_title="政府工作报告合集")
    response = upload(owner_client, docx.path, pdf.path, text.path, epub.path, visibility="unlisted")
    assert response.status_code == 200
    lines = result_lines(response)
    assert len(lines) == 4
    for line, sample in zip(lines, (docx, pdf, text, epub), strict=True):
        assert line.startswith(f"{sample.path.name} 已导入")
        assert f"《{sample.title}》" in line and "待审核" in line
    documents = {d.original_name: d for d in Document.objects.all()}
    assert set(documents) == {"报告.docx", "报告.pdf", "国标.txt", "合集.epub"}
    for sample in (docx, pdf, text, epub):
        document = documents[sample.path.name]
        assert document.title == sample.title
        assert document.full_text() == sample.text
        assert document.uploader == owner
        assert (document.status, document.visibility) == (Status.PENDING, Visibility.UNLISTED)
        assert (data_dir / document.original_file).read_bytes() == sample.path.read_bytes()
    html = response.content.decode()
    assert "导入 4 篇，重复 0 个，失败 0 个" in html
    assert "正在等待审核" in html
    assert f'href="/u/{documents["报告.pdf"].access_key}/"' in html  # unlisted: its key URL


def test_title_category_and_description_of_a_single_file(owner_client, r2024, tmp_path):
    sample = samples.write_docx(tmp_path / "a.docx", r2024, paragraphs=10)
    response = upload(
        owner_client,
        sample.path,
        title="  我的 标题 ",
        new_category="学习材料",
        description="一段简介。",
        visibility="private",
    )
    assert "已导入" in result_lines(response)[0]
    document = Document.objects.get()
    assert document.title == "我的 标题"
    assert document.category.name == "学习材料" and document.category.slug == "学习材料"
    assert document.description == "一段简介。"
    assert document.visibility == Visibility.PRIVATE


def test_an_existing_category_and_a_title_ignored_for_many_files(owner_client, r2024, r2023, tmp_path):
    category = Category.objects.create(name="政府工作报告", slug="gov")
    first = samples.write_text(tmp_path / "一.txt", [r2024.title, *r2024.body(count=5)], "utf-8")
    second = samples.write_text(tmp_path / "二.txt", [r2023.title, *r2023.body(count=5)], "utf-8")
    upload(owner_client, first.path, second.path, category=category.pk, title="不该用上的标题")
    assert sorted(Document.objects.values_list("title", flat=True)) == sorted([r2024.title, r2023.title])
    assert set(Document.objects.values_list("category", flat=True)) == {category.pk}
    assert Category.objects.count() == 1


def test_staff_uploads_are_published_at_once(staff_client, staff, r2024, tmp_path, client):
    sample = samples.write_text(tmp_path / "a.txt", [r2024.title, *r2024.body(count=5)], "utf-8")
    response = upload(staff_client, sample.path)
    assert "待审核" not in result_lines(response)[0]
    document = Document.objects.get()
    assert (document.status, document.uploader) == (Status.PUBLISHED, staff)
    assert client.get(document.get_absolute_url()).status_code == 200


def test_a_pending_upload_opens_for_its_uploader_only(owner_client, other_client, client, r2024, tmp_path):
    sample = samples.write_text(tmp_path / "a.txt", [r2024.title, *r2024.body(count=5)], "utf-8")
    upload(owner_client, sample.path)
    document = Document.objects.get()
    page = owner_client.get(document.get_absolute_url())
    assert page.status_code == 200
    assert "待审核" in page.content.decode()
    assert other_client.get(document.get_absolute_url()).status_code == 404
    assert client.get(document.get_absolute_url()).status_code == 404


def test_a_duplicate_names_the_document_with_a_link(owner_client, other_client, r2024, tmp_path):
    sample = samples.write_docx(tmp_path / "a.docx", r2024, paragraphs=8)
    upload(owner_client, sample.path)
    document = Document.objects.get()
    document.status = Status.PUBLISHED
    document.save()
    response = upload(other_client, sample.path)
    line = result_lines(response)[0]
    assert line.startswith("a.docx 重复") and f"《{document.title}》" in line
    assert f'href="/d/{document.pk}/"' in response.content.decode()
    assert Document.objects.count() == 1


def test_a_duplicate_of_someone_elses_private_document_names_nothing(owner_client, other_client, r2024, tmp_path):
    sample = samples.write_docx(tmp_path / "a.docx", r2024, paragraphs=8)
    upload(owner_client, sample.path, title="别人的私有文档", visibility="private")
    document = Document.objects.get()
    response = upload(other_client, sample.path)
    html = response.content.decode()
    assert "库里已有相同的文件（该文档不公开）" in result_lines(response)[0]
    assert "别人的私有文档" not in html and f"/d/{document.pk}/" not in html


def test_the_same_file_twice_in_one_upload(owner_client, r2024, tmp_path):
    sample = samples.write_text(tmp_path / "a.txt", [r2024.title, *r2024.body(count=5)], "utf-8")
    response = upload(owner_client, sample.path, ("副本.txt", sample.path.read_bytes()))
    lines = result_lines(response)
    assert lines[0].startswith("a.txt 已导入") and lines[1].startswith("副本.txt 重复")
    assert Document.objects.count() == 1


def test_a_jsonl_file_gives_a_line_per_record(owner_client, data_dir):
    import json

    records = [
        {"id": "a", "title": "第一篇记录", "text": "第一篇的正文。\n第二段。"},
        {"id": "b", "title": "第二篇记录", "text": "   "},
        {"id": "c", "title": "第三篇记录", "text": "第三篇的正文。"},
    ]
    body = "\n".join(json.dumps(r, ensure_ascii=False) for r in records).encode()
    lines = result_lines(upload(owner_client, ("records.jsonl", body)))
    assert [line.split()[1] for line in lines] == ["已导入", "失败", "已导入"]
    assert "没有找到文字" in lines[1]
    assert sorted(Document.objects.values_list("title", flat=True)) == ["第一篇记录", "第三篇记录"]
    assert len(stored_originals(data_dir)) == 1


def test_the_script_gets_only_the_results(owner_client, r2024, tmp_path):
    """With JavaScript the form posts by XMLHttpRequest and puts the returned fragment on the page."""
    sample = samples.write_text(tmp_path / "a.txt", [r2024.title, *r2024.body(count=5)], "utf-8")
    response = upload(owner_client, sample.path, xhr=True)
    assert response.status_code == 200
    assert response["X-Wenku-Upload"] == "results"
    html = response.content.decode()
    assert "<html" not in html and "<form" not in html
    assert result_lines(response)[0].startswith("a.txt 已导入")


def test_files_the_script_kept_back_as_too_large_get_their_line(owner_client, r2024, tmp_path):
    sample = samples.write_text(tmp_path / "a.txt", [r2024.title, *r2024.body(count=5)], "utf-8")
    """The script does not send a file over the limit: an empty stand-in named as the file takes its place."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    stand_ins = [SimpleUploadedFile(name, b"") for name in ("巨大的扫描件.pdf", "另一个.docx")]
    response = upload(owner_client, sample.path, xhr=True, too_large=stand_ins)
    lines = result_lines(response)
    assert lines[0].startswith("a.txt 已导入")
    assert lines[1].startswith("巨大的扫描件.pdf 失败 文件太大（上限 100 MB）")
    assert lines[2].startswith("另一个.docx 失败 文件太大")
    assert Document.objects.count() == 1


def test_nothing_chosen_is_a_message(owner_client):
    response = upload(owner_client)
    assert response.status_code == 400
    assert "请选择要上传的文件" in response.content.decode()
    response = upload(owner_client, xhr=True)
    assert response.status_code == 400 and "请选择要上传的文件" in response.content.decode()


def test_a_bad_visibility_is_a_form_error_and_nothing_is_imported(owner_client, r2024, tmp_path):
    sample = samples.write_text(tmp_path / "a.txt", [r2024.title, *r2024.body(count=5)], "utf-8")
    response = upload(owner_client, sample.path, visibility="everyone")
    assert response.status_code == 400
    assert "可见性" in response.content.decode()
    assert Document.objects.count() == 0


def test_the_upload_form_needs_its_csrf_token(owner, r2024, tmp_path):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    sample = samples.write_text(tmp_path / "a.txt", [r2024.title, *r2024.body(count=5)], "utf-8")
    assert upload(client, sample.path).status_code == 403
    assert Document.objects.count() == 0
    page = client.get("/upload/")
    token = page.cookies["csrftoken"].value
    response = upload(client, sample.path, csrfmiddlewaretoken=token)
    assert response.status_code == 200 and Document.objects.count() == 1

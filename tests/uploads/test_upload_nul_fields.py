"""NUL characters and lone surrogates in the text fields people send (API and web forms) are refused with a clear
400 (or a form error), never a 500 or a database error echoed back, and a refused upload leaves no original file.

PostgreSQL refuses NUL in text outright, so these tests matter most there (run them on both databases)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.conftest import stored_originals
from tests.uploads.conftest import PASSWORD, assert_nothing_stored, upload
from wenku.library.models import Category, Document
from wenku.uploads.models import Report

pytestmark = pytest.mark.django_db

BODY = "一篇短文\n这是一段正文，用来测试上传时的各个文字字段。".encode()


def api_post(client, **fields):
    return client.post("/api/documents", {"file": SimpleUploadedFile("短文.txt", BODY), **fields})


@pytest.mark.parametrize("field", ["category", "description", "title"])
def test_a_nul_in_an_api_upload_field_is_a_clear_400(owner_client, data_dir, field):
    response = api_post(owner_client, **{field: "报告\x00附件"})
    assert response.status_code == 400, response.content
    detail = response.json()["detail"]
    assert field in detail and "NUL" in detail
    for leak in ("database", "0x00", "psycopg", "Error"):
        assert leak not in detail, detail
    assert_nothing_stored(data_dir)
    assert stored_originals(data_dir) == []
    assert not Category.objects.exists()


def test_a_lone_surrogate_in_a_multipart_field_never_reaches_the_database(owner_client, data_dir):
    # multipart fields are decoded with errors="replace"; the raw bytes of a UTF-8-encoded surrogate are sent
    boundary = "XyZ"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="category"\r\n\r\n'.encode() + b"\xed\xa0\x80x\r\n",
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'.encode()
        + b"Content-Type: text/plain\r\n\r\n"
        + BODY
        + b"\r\n",
        f"--{boundary}--\r\n".encode(),
    ]
    response = owner_client.post(
        "/api/documents", b"".join(parts), content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code in (201, 400), response.content
    if response.status_code == 201:
        assert "\ud800" not in Category.objects.get().name


def test_a_clean_upload_still_works_after_refusals(owner_client, data_dir):
    assert api_post(owner_client, category="报告\x00").status_code == 400
    response = api_post(owner_client, category="报告", description="简介", title="标题")
    assert response.status_code == 201, response.content
    document = Document.objects.get()
    assert (document.title, document.description, document.category.name) == ("标题", "简介", "报告")
    assert len(stored_originals(data_dir)) == 1


@pytest.mark.parametrize("field", ["title", "new_category", "description"])
def test_a_nul_in_the_upload_form_is_a_form_error(owner_client, data_dir, field):
    response = upload(owner_client, ("短文.txt", BODY), **{field: "报告\x00附件"})
    assert response.status_code in (200, 400), response.status_code
    assert "空字符" in response.content.decode() or "NUL" in response.content.decode()
    assert_nothing_stored(data_dir)
    assert stored_originals(data_dir) == []


def test_a_nul_in_a_report_is_refused(other_client, owner_client, staff_client, data_dir):
    assert api_post(staff_client).status_code == 201
    document = Document.objects.get()
    response = other_client.post(f"/d/{document.pk}/report/", {"reason": "other", "detail": "不当\x00内容"})
    assert response.status_code in (200, 400), response.status_code
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"username": "读者\x00一", "password1": PASSWORD, "password2": PASSWORD},
        {"username": "读者一", "password1": PASSWORD + "\x00", "password2": PASSWORD + "\x00"},
    ],
)
def test_a_nul_in_registration_is_a_form_error(db, fields, django_user_model):
    response = Client().post("/accounts/register/", fields)
    assert response.status_code in (200, 400), response.status_code
    assert not django_user_model.objects.exists()


def test_a_nul_in_a_category_search_is_answered(db):
    for path in ("/search/?q=报告&category=1%00", "/search/?q=%00&category=%00", "/category/a%00b/"):
        response = Client().get(path)
        assert response.status_code in (200, 400, 404), (path, response.status_code)


def test_a_nul_in_login_is_answered(db):
    response = Client().post("/accounts/login/", {"username": "a\x00b", "password": "x\x00y"})
    assert response.status_code in (200, 400), response.status_code


def test_an_import_that_stops_half_way_keeps_no_original(owner, data_dir):
    """Past the field checks (here bypassed on purpose), the database refusing the category stops the importer
    after it wrote the original: the upload still leaves no file behind."""
    from wenku.uploads.importing import import_upload, options_for

    options = options_for(owner, category="报告\ud800")
    (outcome,) = import_upload(SimpleUploadedFile("短文.txt", BODY), options, owner)
    assert outcome.status == "failed" and "Error" in outcome.reason  # the file failed, not the request
    assert stored_originals(data_dir) == []
    assert not Document.objects.exists()


def test_a_failed_import_keeps_an_original_another_document_uses(owner, data_dir):
    from wenku.uploads.importing import import_upload, options_for

    (first,) = import_upload(SimpleUploadedFile("短文.txt", BODY), options_for(owner), owner)
    assert first.status == "imported"
    (again,) = import_upload(SimpleUploadedFile("again.txt", BODY), options_for(owner, category="\udcff"), owner)
    assert again.status == "failed"
    assert len(stored_originals(data_dir)) == 1

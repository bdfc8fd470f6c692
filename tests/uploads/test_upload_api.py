"""POST /api/documents: multipart upload for scripts (token) and browsers (session + CSRF)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests import samples
from tests.uploads.conftest import assert_nothing_stored
from wenku.library.models import Category, Document, Status, Visibility

pytestmark = pytest.mark.django_db

FIELDS = {"id", "title", "chars", "reading_minutes", "pages", "views", "uploader", "created", "url"}


@pytest.fixture
def docx(r2024, tmp_path):
    return samples.write_docx(tmp_path / "报告.docx", r2024, paragraphs=20)


def post(client, path=None, name=None, data=None, **fields):
    body = dict(fields)
    if path is not None:
        body["file"] = SimpleUploadedFile(name or path.name, path.read_bytes())
    elif data is not None:
        body["file"] = SimpleUploadedFile(name, data)
    return client.post("/api/documents", body)


def test_an_upload_answers_201_with_the_document(owner_client, owner, docx):
    response = post(owner_client, docx.path, title="API 上传的报告", category="接口", visibility="unlisted")
    assert response.status_code == 201, response.content
    body = response.json()
    document = Document.objects.get()
    assert set(body) >= FIELDS
    assert body["id"] == document.pk and body["title"] == "API 上传的报告"
    assert body["uploader"] == "owner" and body["duplicate"] is False
    assert body["status"] == "pending" and body["visibility"] == "unlisted"
    assert body["url"] == f"http://testserver/u/{document.access_key}/"  # unlisted: its key URL
    assert (document.uploader, document.status, document.visibility) == (owner, Status.PENDING, Visibility.UNLISTED)
    assert document.category == Category.objects.get(name="接口")
    assert document.full_text() == docx.text
    # the same fields, with the same values, as GET /api/documents/{id}
    shown = owner_client.get(f"/api/documents/{document.pk}").json()
    assert {k: body[k] for k in shown} == shown


def test_staff_uploads_are_published(staff_client, docx):
    body = post(staff_client, docx.path).json()
    assert body["status"] == "published" and body["visibility"] == "public"


def test_a_duplicate_answers_200_with_the_existing_document(owner_client, staff_client, docx):
    first = post(staff_client, docx.path).json()
    response = post(owner_client, docx.path, name="again.docx")
    assert response.status_code == 200
    assert response.json()["id"] == first["id"] and response.json()["duplicate"] is True
    assert Document.objects.count() == 1


def test_a_duplicate_of_a_document_the_user_cannot_see_tells_nothing(owner_client, other_client, docx):
    post(owner_client, docx.path, title="秘密", visibility="private")
    response = post(other_client, docx.path)
    assert response.status_code == 409
    assert "秘密" not in response.content.decode() and str(Document.objects.get().pk) not in response.json()["detail"]


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("a.exe", b"MZ\x90\x00", "不支持 .exe 格式的文件"),
        ("empty.txt", b"", "文件是空的"),
        ("broken.pdf", b"%PDF-1.4\n" + bytes(200), "PDF 文件已损坏，或者并不是 PDF"),
    ],
)
def test_a_refused_file_answers_400_with_the_reason(owner_client, data_dir, name, data, words):
    response = post(owner_client, name=name, data=data)
    assert response.status_code == 400
    assert words in response.json()["detail"]
    assert_nothing_stored(data_dir)


def test_too_large(owner_client, settings, data_dir):
    settings.WENKU_MAX_FILE_MB = 1
    response = post(owner_client, name="big.txt", data="字".encode() * 400_000)
    assert response.status_code == 400
    assert response.json() == {"detail": "文件太大（上限 1 MB）"}
    assert_nothing_stored(data_dir)


def test_no_file_or_a_bad_visibility(owner_client, docx, data_dir):
    response = owner_client.post("/api/documents", {"title": "x"})
    assert response.status_code == 400 and "file" in response.json()["detail"]
    response = post(owner_client, docx.path, visibility="everyone")
    assert response.status_code == 400 and "visibility" in response.json()["detail"]
    assert_nothing_stored(data_dir)


def test_not_logged_in_is_401(client, docx, data_dir):
    response = post(client, docx.path)
    assert response.status_code == 401
    assert_nothing_stored(data_dir)
    response = post(Client(enforce_csrf_checks=True), docx.path)
    assert response.status_code == 401


def test_a_session_upload_needs_the_csrf_token(owner, docx, data_dir):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = post(client, docx.path)
    assert response.status_code == 403
    assert_nothing_stored(data_dir)
    client.get("/upload/")  # any page with a form sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/api/documents",
        {"file": SimpleUploadedFile("报告.docx", docx.path.read_bytes())},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 201


def test_the_endpoint_is_in_the_openapi_schema(client):
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"]["/api/documents"]["post"]
    assert {"200", "201", "400", "409"} <= set(operation["responses"])
    assert "multipart/form-data" in operation["requestBody"]["content"]


def test_a_token_upload_needs_no_csrf_token(owner, docx):
    """A script with a personal token (wenku.accounts): no session, no CSRF token."""
    from wenku.accounts import tokens

    _, raw = tokens.create(owner, "upload script")
    client = Client(enforce_csrf_checks=True)
    body = {"file": SimpleUploadedFile("报告.docx", docx.path.read_bytes())}
    response = client.post("/api/documents", body, headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 201, response.content
    assert response.json()["uploader"] == "owner"
    body = {"file": SimpleUploadedFile("报告.docx", docx.path.read_bytes())}
    response = client.post("/api/documents", body, headers={"Authorization": "Bearer wk_not-a-real-token"})
    assert response.status_code == 401


def test_a_broken_or_oversized_request_is_a_400_not_a_500(owner_client, settings, data_dir):
    response = owner_client.post("/api/documents", b"x", content_type="multipart/form-data")  # no boundary
    assert response.status_code == 400
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    files = [SimpleUploadedFile(f"{i}.txt", "正文。".encode()) for i in range(3)]
    assert owner_client.post("/api/documents", {"file": files}).status_code == 400
    assert_nothing_stored(data_dir)

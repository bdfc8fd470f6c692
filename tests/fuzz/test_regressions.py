"""Server errors the endpoint fuzzer found in pages nobody else was changing, each kept as a plain test."""

from __future__ import annotations

import pytest
from django.test import Client

PASSWORD = "书山有路勤为径-2024"  # passes the site's password validators


@pytest.fixture
def member(db, django_user_model):
    return django_user_model.objects.create_user("fuzz-regression", password=PASSWORD)


@pytest.fixture
def member_client(member):
    client = Client(raise_request_exception=False)
    client.force_login(member)
    return client


@pytest.mark.parametrize("target", ["-15408", "me", "home"])
def test_register_with_a_next_that_is_no_url_goes_to_that_relative_address(member_client, target):
    # A logged-in reader opening /accounts/register/?next=-15408 got a 500 (NoReverseMatch): the shortcut
    # redirect() takes a string without "/" or "." for a URL name. A ?next= is an address, never a name.
    response = member_client.get("/accounts/register/", {"next": target})
    assert response.status_code == 302
    assert response["Location"] == target


def test_register_without_next_still_goes_to_the_account_page(member_client):
    response = member_client.get("/accounts/register/")
    assert response.status_code == 302 and response["Location"] == "/accounts/me/"


def test_a_new_account_with_a_next_that_is_no_url_is_created_and_sent_there(db, django_user_model):
    client = Client(raise_request_exception=False)
    data = {"username": "新读者", "password1": PASSWORD, "password2": PASSWORD, "next": "x"}
    response = client.post("/accounts/register/", data)
    assert response.status_code == 302 and response["Location"] == "x"
    assert django_user_model.objects.filter(username="新读者").exists()


def test_favorite_with_a_next_that_is_no_url_is_saved_and_goes_there(member_client, member, reports_dir):
    # POST /accounts/favorites/<id>/ with next=foo: the favorite was saved, then the redirect raised NoReverseMatch.
    from wenku.accounts.models import Favorite
    from wenku.ingest.importer import ImportOptions, import_paths

    (result,) = import_paths([reports_dir / "1975.txt"], ImportOptions())
    response = member_client.post(f"/accounts/favorites/{result.id}/", {"next": "foo"})
    assert response.status_code == 302 and response["Location"] == "foo"
    assert Favorite.objects.filter(user=member, document_id=result.id).exists()


@pytest.fixture
def admin_client(db, django_user_model):
    client = Client(raise_request_exception=False)
    client.force_login(django_user_model.objects.create_superuser("fuzz-admin", password=PASSWORD))
    return client


@pytest.mark.parametrize("action", ["change", "delete"])
def test_admin_pages_with_an_empty_to_field_open_as_without_it(admin_client, member, action):
    # /admin/auth/user/<id>/change/?_to_field= was a 500: Django looked "" up as a field name (FieldDoesNotExist).
    url = f"/admin/auth/user/{member.pk}/{action}/"
    plain = admin_client.get(url)
    assert plain.status_code == 200
    response = admin_client.get(url, {"_to_field": ""})
    assert response.status_code == 200
    assert member.username in response.content.decode()


def test_admin_page_of_a_missing_object_with_an_empty_to_field_says_so(admin_client):
    response = admin_client.get("/admin/accounts/apitoken/999/change/", {"_to_field": ""})
    assert response.status_code == 302 and response["Location"] == "/admin/"


@pytest.mark.parametrize("value", ["\ufffd\ufffd", "2024-13-45", "9999-12-31 25:61:00", "明天"])
def test_admin_add_form_ignores_a_prefilled_date_that_is_no_date(admin_client, value):
    # /admin/uploads/report/add/?created=<anything> was a 500: the admin passes ?created= to the form as a string,
    # and the date and time widget cannot split a string.
    response = admin_client.get("/admin/uploads/report/add/", {"created": value})
    assert response.status_code == 200
    assert value not in response.content.decode()


def test_admin_add_form_still_takes_a_prefilled_date(admin_client):
    response = admin_client.get("/admin/uploads/report/add/", {"created": "2024-03-05 08:30:00", "detail": "说明文字"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="created_0" value="2024/03/05"' in html and 'name="created_1" value="08:30"' in html
    assert "说明文字" in html


@pytest.mark.parametrize("path", ["/about/", "/search/", "/check/", "/accounts/login/"])
def test_a_form_post_in_another_charset_is_a_400_not_a_500(db, path):
    # A POST with "Content-Type: application/x-www-form-urlencoded; charset=gb18030" and a CSRF cookie was a 500:
    # Django refuses such bodies with BadRequest, and its default 400 view (requires_csrf_token) read the body again.
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.cookies["csrftoken"] = "a" * 32
    response = client.generic(
        "POST",
        path,
        data="q=发展".encode("gb18030"),
        content_type="application/x-www-form-urlencoded; charset=gb18030",
        headers={"X-CSRFToken": "a" * 32},
    )
    assert response.status_code == 400
    assert "请求" in response.content.decode()


@pytest.mark.parametrize("action", ["approve", "reject"])
@pytest.mark.parametrize("target", ["foo", "//evil.example.com/", "https://evil.example.com/"])
def test_moderation_with_a_bad_next_decides_and_goes_to_the_queue(admin_client, reports_dir, action, target):
    # POST /moderation/<id>/approve/ with next=foo saved the decision, then answered 500 (NoReverseMatch).
    from wenku.ingest.importer import ImportOptions, import_paths
    from wenku.library.models import Document, Status

    (result,) = import_paths([reports_dir / "1975.txt"], ImportOptions(status=Status.PENDING))
    response = admin_client.post(f"/moderation/{result.id}/{action}/", {"next": target})
    assert response.status_code == 302 and response["Location"] == "/moderation/"
    assert Document.objects.get(pk=result.id).status == (Status.PUBLISHED if action == "approve" else Status.REJECTED)
    (other,) = import_paths([reports_dir / "1978.txt"], ImportOptions(status=Status.PENDING))
    kept = admin_client.post(f"/moderation/{other.id}/{action}/", {"next": "/my/documents/"})
    assert kept["Location"] == "/my/documents/"


def test_an_api_upload_of_too_many_files_is_a_json_400(member, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from wenku.accounts import tokens

    _, token = tokens.create(member, "fuzz")
    files = [
        SimpleUploadedFile(f"{i}.txt", "正文内容".encode()) for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)
    ]
    client = Client(raise_request_exception=False)
    response = client.post("/api/documents", {"file": files}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400 and response["Content-Type"].startswith("application/json")
    assert "文件太多" in response.json()["detail"]

"""Categories whose names make the same slug ("Foo Bar" and "foo-bar", two Chinese names that differ only in
spaces or punctuation) each get a slug of their own: never a 500 on the API, never a traceback in `wenku import`."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from wenku.library.models import Category, Document

pytestmark = pytest.mark.django_db

COLLIDING = [("Foo Bar", "foo-bar"), ("学习 材料", "学习-材料"), ("学习材料！", "学习材料?")]


def text_file(tmp_path, name: str, body: str):
    path = tmp_path / name
    path.write_text(f"{name} 的标题\n{body}", encoding="utf-8")
    return path


@pytest.mark.parametrize(("first", "second"), COLLIDING)
def test_the_api_gives_colliding_names_their_own_categories(first, second, django_user_model, tmp_path):
    staff = django_user_model.objects.create_user("staff", password="x-long-password-1", is_staff=True)
    client = Client()
    client.force_login(staff)
    for number, name in enumerate((first, second, first)):
        upload = SimpleUploadedFile(f"第{number}篇.txt", f"第{number}篇\n正文{number}：这是一段内容。".encode())
        response = client.post("/api/documents", {"file": upload, "category": name})
        assert response.status_code == 201, response.content
    assert sorted(Category.objects.values_list("name", flat=True)) == sorted([first, second])
    one, two = Category.objects.get(name=first), Category.objects.get(name=second)
    assert one.slug != two.slug and one.slug and two.slug
    assert Document.objects.filter(category=one).count() == 2
    for category in (one, two):
        page = client.get(category.get_absolute_url())
        assert page.status_code == 200 and category.name in page.content.decode()


def test_wenku_import_with_a_colliding_category_goes_on(tmp_path):
    Category.objects.create(name="Foo Bar", slug="foo-bar")
    path = text_file(tmp_path, "报告.txt", "这是一段正文。" * 20)
    out = StringIO()
    call_command("wenku_import", str(path), "--json", "--category", "foo-bar", stdout=out, stderr=StringIO())
    (line,) = [json.loads(x) for x in out.getvalue().splitlines() if x.strip()]
    assert line["status"] == "imported", line
    category = Document.objects.get(pk=line["id"]).category
    assert category.name == "foo-bar" and category.slug not in ("", "foo-bar")


def test_slugs_stay_unique_when_made_directly():
    names = ["A B", "a-b", "A  B", "a b"]
    made = [Category.objects.create(name=name) for name in names]
    assert len({c.slug for c in made}) == len(names)
    assert all(c.slug for c in made)


def test_wenku_import_refuses_a_category_no_database_can_keep(tmp_path):
    from django.core.management import CommandError

    path = text_file(tmp_path, "报告.txt", "这是一段正文。" * 20)
    undecodable = b"\xff\xfe\xe5\xad\xa6".decode("utf-8", "surrogateescape")  # as argv brings bytes that are not UTF-8
    with pytest.raises(CommandError, match="--category"):
        call_command("wenku_import", str(path), "--category", undecodable, stdout=StringIO(), stderr=StringIO())
    assert not Document.objects.exists() and not Category.objects.exists()

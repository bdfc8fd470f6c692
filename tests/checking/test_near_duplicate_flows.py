"""Near-duplicates where people meet them: `wenku import` output, the upload page and API, the moderation queue,
and search results folded into one with "N 个相似文档"."""

from __future__ import annotations

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from tests.checking.corpus_records import all_records, write_jsonl
from wenku.checking.service import check_text
from wenku.library.models import Document
from wenku.search import indexing

pytestmark = pytest.mark.django_db


def as_text_file(record: dict) -> bytes:
    return (record["title"] + "\n" + record["text"]).encode("gb18030")


@pytest.fixture
def records(corpus):
    return all_records(corpus)


@pytest.fixture
def original(records, tmp_path):
    call_command("wenku_import", str(write_jsonl(tmp_path / "gwr.jsonl", [records["gwr-2015"]])))
    return Document.objects.get()


def test_wenku_import_names_the_document_a_copy_repeats(records, original, tmp_path, capsys):
    call_command("wenku_import", str(write_jsonl(tmp_path / "govcn.jsonl", [records["govcn-2015"]])))
    out = capsys.readouterr().out
    assert re.search(r"near-duplicate of 《2015年中华人民共和国国务院政府工作报告》 \(\d\d%\)", out), out
    call_command("wenku_import", "--json", str(write_jsonl(tmp_path / "govcn2.jsonl", [records["govcn-2016"]])))
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    assert not [line for line in lines if line["status"] == "near-duplicate"]  # 2016 copies nothing we hold


def test_the_uploader_is_offered_the_existing_document(records, original, django_user_model):
    client = Client()
    client.force_login(django_user_model.objects.create_user("writer", password="a-long-enough-password-1"))
    upload = SimpleUploadedFile("2015报告.txt", as_text_file(records["govcn-2015"]))
    response = client.post("/upload/", {"visibility": "public", "files": [upload]})
    html = response.content.decode()
    assert "高度相似" in html and f'href="{original.get_absolute_url()}"' in html


def test_reject_policy_keeps_the_copy_out_and_says_why(records, original, django_user_model, settings):
    settings.WENKU_DUPLICATE_POLICY = "reject"
    client = Client()
    client.force_login(django_user_model.objects.create_user("staffer", password="x-long-enough-pw-1", is_staff=True))
    upload = SimpleUploadedFile("copy.txt", as_text_file(records["govcn-2015"]))
    answer = client.post("/api/documents", {"file": upload})
    assert answer.status_code == 400 and "near-duplicate of 《2015年" in answer.json()["detail"]
    assert Document.objects.count() == 1


def test_moderators_see_a_flagged_copy(records, original, django_user_model, settings, tmp_path):
    settings.WENKU_DUPLICATE_POLICY = "flag"
    call_command("wenku_import", str(write_jsonl(tmp_path / "govcn.jsonl", [records["govcn-2015"]])))
    staff = Client()
    staff.force_login(django_user_model.objects.create_user("mod", password="x-long-enough-pw-1", is_staff=True))
    html = staff.get("/moderation/").content.decode()
    assert "疑似重复" in html and "2015年中华人民共和国国务院政府工作报告" in html


def test_search_shows_one_of_the_copies_with_their_number(records, original, tmp_path):
    call_command("wenku_import", str(write_jsonl(tmp_path / "govcn.jsonl", [records["govcn-2015"]])))
    indexing.apply_pending()
    html = Client().get("/search/", {"q": "政府工作报告"}).content.decode()
    assert "1 个相似文档" in html and "本页 1 篇相似文档已合并" in html
    assert html.count('class="doc-title"') == 1


def test_the_upload_api_answers_with_the_document_it_copies(records, original, django_user_model):
    client = Client()
    client.force_login(django_user_model.objects.create_user("api-writer", password="x-long-enough-pw-1"))
    answer = client.post("/api/documents", {"file": SimpleUploadedFile("c.txt", as_text_file(records["govcn-2015"]))})
    assert answer.status_code == 201
    found = answer.json()["near_duplicate"]
    assert found["near_duplicate_of"] == original.pk and found["share"] >= 0.8 and found["action"] == "recorded"


def test_a_check_names_the_original_not_its_recorded_copy(records, original, tmp_path):
    call_command("wenku_import", str(write_jsonl(tmp_path / "govcn.jsonl", [records["govcn-2015"]])))
    copy = Document.objects.exclude(pk=original.pk).get()
    passage = original.pages.get(number=2).text.split("\n")[1][:120]
    report = check_text("我们的体会是：" + passage)
    assert [s.id for s in report.sources] == [original.pk]
    # Without the near-duplicate record both would be listed: the copy holds the passage too.
    copy.near_duplicate.delete()
    assert {s.id for s in check_text("我们的体会是：" + passage).sources} == {original.pk, copy.pk}


@pytest.mark.parametrize("visibility", ["private", "unlisted"])
def test_a_copy_of_a_document_the_uploader_cannot_open_names_nothing(records, original, django_user_model, visibility):
    """Only documents listed for everyone are 查重 sources, so an upload never learns of a hidden original."""
    original.visibility = visibility
    original.save()
    client = Client()
    client.force_login(django_user_model.objects.create_user("writer", password="a-long-enough-password-1"))
    upload = SimpleUploadedFile("2015报告.txt", as_text_file(records["govcn-2015"]))
    html = client.post("/upload/", {"visibility": "public", "files": [upload]}).content.decode()
    assert "已导入" in html and "高度相似" not in html
    assert original.title not in html and f"/d/{original.pk}/" not in html and original.access_key not in html
    again = SimpleUploadedFile("2015报告-2.txt", as_text_file(records["govcn-2015"]) + "\n补充一句。".encode("gb18030"))
    answer = client.post("/api/documents", {"file": again}).json()
    assert answer.get("near_duplicate") is None, answer.get("near_duplicate")
    assert original.title not in json.dumps(answer, ensure_ascii=False)

"""Downloads: the original file, and .txt/.docx/.epub generated from the text, for those allowed to take them.

Round trips go through our own importer: a generated .docx or .epub imports back to the same paragraphs.
"""

from __future__ import annotations

import io
import itertools
import time
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import FileResponse

from tests import samples
from wenku.downloads.filenames import content_disposition
from wenku.ingest.converters import epub as epub_reader
from wenku.library.models import Article, Document, DownloadPolicy, Visibility

pytestmark = pytest.mark.django_db


def url(document: Document, fmt: str) -> str:
    return f"/d/{document.pk}/download/{fmt}/"


def body(response) -> bytes:
    """A download's bytes (files are streamed from disk)."""
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def report(reports_dir, import_one) -> Document:
    """The 2024 report, imported from its .txt (its first line is its title)."""
    result = import_one(reports_dir / "2024.txt")
    assert result.status == "imported", result.reason
    return Document.objects.get(pk=result.id)


@pytest.fixture
def word_document(reports_dir, tmp_path, import_one) -> Document:
    """A .docx with a Title, a Heading 2 and a table, imported: a document with headings."""
    sample = samples.write_docx(tmp_path / "报告.docx", samples.report(reports_dir, 2024), paragraphs=30)
    result = import_one(sample.path)
    assert result.status == "imported", result.reason
    return Document.objects.get(pk=result.id)


def reimport(data: bytes, name: str, tmp_path: Path, import_one) -> Document:
    path = tmp_path / "again" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    result = import_one(path)
    assert result.status == "imported", result.reason
    return Document.objects.get(pk=result.id)


# --- contents ------------------------------------------------------------------------------------------------------


def test_txt_is_the_text_exactly(client, report):
    response = client.get(url(report, "txt"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert body(response).decode("utf-8") == report.full_text()


def test_original_is_the_uploaded_bytes(client, report, reports_dir):
    response = client.get(url(report, "original"))
    assert response.status_code == 200
    assert body(response) == (reports_dir / "2024.txt").read_bytes()
    assert response["Content-Disposition"].endswith(".txt")


@pytest.mark.parametrize("fmt", ["docx", "epub"])
def test_generated_files_import_back_to_the_same_text(fmt, client, report, tmp_path, import_one):
    response = client.get(url(report, fmt))
    assert response.status_code == 200
    again = reimport(body(response), f"again.{fmt}", tmp_path, import_one)
    assert report.full_text().split("\n")[0] == report.title  # so the title is not added: the text is the same
    assert again.full_text().split("\n") == report.full_text().split("\n")
    assert again.title == report.title


@pytest.mark.parametrize("fmt", ["docx", "epub"])
def test_headings_stay_headings(fmt, client, word_document, tmp_path, import_one):
    response = client.get(url(word_document, fmt))
    again = reimport(body(response), f"again.{fmt}", tmp_path, import_one)
    assert again.full_text() == word_document.full_text()
    assert again.heading_offsets == word_document.heading_offsets


def test_a_title_that_is_not_in_the_text_becomes_the_first_heading(client, report, tmp_path, import_one):
    Document.objects.filter(pk=report.pk).update(title="二〇二四年报告（节选）")
    report.refresh_from_db()
    again = reimport(body(client.get(url(report, "docx"))), "again.docx", tmp_path, import_one)
    assert again.full_text().split("\n") == ["二〇二四年报告（节选）", *report.full_text().split("\n")]
    assert 0 in again.heading_offsets


def add_articles(document: Document, count: int) -> list[Article]:
    """Articles at ``count`` paragraphs of the text (titles: those paragraphs, as article splitting finds them)."""
    text = document.full_text()
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    chosen = starts[5 :: max(1, (len(starts) - 5) // count)][:count]
    articles = []
    for start in chosen:
        title = text[start:].split("\n", 1)[0][:300]
        articles.append(Article.objects.create(document=document, title=title, start=start, page=1, chars=1))
    return articles


def table_of_contents(archive: zipfile.ZipFile, package) -> list[str]:
    """The entries of an EPUB's navigation document, each pointing at a spine file in reading order."""
    from lxml import etree

    nav = etree.fromstring(archive.read(package.nav.path))
    links = nav.findall(".//{http://www.w3.org/1999/xhtml}nav//{http://www.w3.org/1999/xhtml}a")
    base = package.nav.path.rsplit("/", 1)[0]
    assert [f"{base}/{a.get('href')}" for a in links] == [item.path for item in package.documents]
    return ["".join(a.itertext()) for a in links]


def test_articles_are_epub_chapters_and_docx_first_level_headings(client, report, tmp_path, import_one):
    from docx import Document as WordDocument

    articles = add_articles(report, 4)
    path = tmp_path / "book.epub"
    path.write_bytes(body(client.get(url(report, "epub"))))
    archive = zipfile.ZipFile(path)
    package = epub_reader.read_package(archive)
    assert table_of_contents(archive, package) == [report.title, *(a.title for a in articles)]
    chapters = [archive.read(item.path).decode() for item in package.documents]
    assert len(chapters) == len(articles) + 1
    assert all(f"<h2>{a.title}" in c for a, c in zip(articles, chapters[1:], strict=True))
    word = WordDocument(io.BytesIO(body(client.get(url(report, "docx")))))
    assert [p.text for p in word.paragraphs if p.style.name == "Heading 1"] == [a.title for a in articles]
    assert [p.text for p in word.paragraphs if p.style.name == "Title"] == [report.title]
    again = reimport(path.read_bytes(), "again.epub", tmp_path, import_one)
    assert again.full_text() == report.full_text()


# --- file names ----------------------------------------------------------------------------------------------------


def test_content_disposition_for_a_chinese_title(client, report):
    header = client.get(url(report, "docx"))["Content-Disposition"]
    assert header.startswith(f"attachment; filename=\"document-{report.pk}.docx\"; filename*=UTF-8''")
    assert unquote(header.split("''", 1)[1]) == f"{report.title}.docx"
    assert header.isascii()


def test_file_names_are_safe():
    header = content_disposition('报告/2024: "草案"\\\r\n<v2>', ".txt", "document-1")
    name = unquote(header.split("''", 1)[1])
    assert name == "报告 2024 草案 v2.txt" and header.isascii()
    assert content_disposition("Annual Report 2024", ".epub", "d-1").startswith(
        'attachment; filename="Annual-Report-2024.epub"'
    )
    assert 'filename="d-1.txt"' in content_disposition("...", ".txt", "d-1")
    assert "filename*=UTF-8''d-1.txt" in content_disposition("...", ".txt", "d-1")


# --- who may download ----------------------------------------------------------------------------------------------


@pytest.fixture
def people(django_user_model) -> dict:
    member = django_user_model.objects.create_user("member", password="pw-long-enough-1")
    staff = django_user_model.objects.create_user("staff", password="pw-long-enough-1", is_staff=True)
    return {"anonymous": None, "member": member, "staff": staff}


def expected(who: str, policy: str, anonymous_downloads: bool) -> int:
    if who == "staff":
        return 200
    if policy == DownloadPolicy.OFF:
        return 403
    if who == "anonymous" and (policy == DownloadPolicy.MEMBERS or not anonymous_downloads):
        return 302  # to the login page
    return 200


def test_permission_matrix(client, report, people, settings):
    cases = 0
    for (who, user), policy, anonymous_downloads in itertools.product(
        people.items(), DownloadPolicy.values, [True, False]
    ):
        settings.WENKU_ANONYMOUS_DOWNLOADS = anonymous_downloads
        cache.clear()  # settings are fixed for a process's life, as its page cache is: a new setting, a new process
        Document.objects.filter(pk=report.pk).update(download_policy=policy)
        client.logout()
        if user:
            client.force_login(user)
        want = expected(who, policy, anonymous_downloads)
        for fmt in ("original", "txt", "docx", "epub"):
            response = client.get(url(report, fmt))
            assert response.status_code == want, (who, policy, anonymous_downloads, fmt)
            if want == 302:
                assert response["Location"].startswith("/accounts/login/?next=")
            if want == 403:
                assert "这篇文档不提供下载" in response.content.decode()
        page = client.get(report.get_absolute_url()).content.decode()
        assert ('data-format="txt"' in page) == (want == 200), (who, policy, anonymous_downloads)
        api = client.get(f"/api/documents/{report.pk}").json()
        assert bool(api["downloads"]) == (want == 200)
        cases += 1
    assert cases == 3 * 3 * 2


def test_the_uploader_may_download_even_when_downloads_are_off(client, report, django_user_model):
    owner = django_user_model.objects.create_user("owner", password="pw-long-enough-1")
    Document.objects.filter(pk=report.pk).update(uploader=owner, download_policy=DownloadPolicy.OFF)
    client.force_login(owner)
    assert client.get(url(report, "txt")).status_code == 200


def test_a_document_that_does_not_open_cannot_be_downloaded(client, report, people):
    Document.objects.filter(pk=report.pk).update(visibility=Visibility.PRIVATE)
    client.force_login(people["member"])
    assert client.get(url(report, "txt")).status_code == 404
    assert client.get(url(report, "original")).status_code == 404


def test_the_cached_reading_page_follows_a_policy_change(client, report):
    """Anonymous readers get a cached page; changing the policy in the admin (a save) must show at once."""
    assert 'data-format="epub"' in client.get(report.get_absolute_url()).content.decode()
    report.refresh_from_db()
    report.download_policy = DownloadPolicy.MEMBERS
    report.save()
    assert 'data-format="epub"' not in client.get(report.get_absolute_url()).content.decode()


def test_bad_requests_are_answered_not_errors(client, report, data_dir):
    assert client.get(url(report, "exe")).status_code == 404
    assert client.get(f"/d/{report.pk + 1000}/download/txt/").status_code == 404
    assert client.post(url(report, "txt")).status_code == 405
    (data_dir / report.original_file).unlink()
    response = client.get(url(report, "original"))
    assert response.status_code == 404 and "原文件已不在服务器上" in response.content.decode()
    assert client.get(url(report, "txt")).status_code == 200


def test_one_record_of_a_jsonl_file_has_no_original_of_its_own(client, tmp_path, import_one, reports_dir):
    """The file holds other documents (maybe private ones): only the generated formats are offered."""
    import json

    from wenku.ingest.importer import ImportOptions, import_file

    lines = [
        json.dumps({"id": str(y), "title": f"{y}年政府工作报告", "text": (reports_dir / f"{y}.txt").read_text()})
        for y in (2023, 2024)
    ]
    (tmp_path / "two.jsonl").write_text("\n".join(lines), encoding="utf-8")
    first = import_file(tmp_path / "two.jsonl", ImportOptions())[0]
    document = Document.objects.get(pk=first.id)
    response = client.get(url(document, "original"))
    assert response.status_code == 404 and "原文件不单独提供下载" in response.content.decode()
    assert body(client.get(url(document, "txt"))).decode() == document.full_text()
    page = client.get(document.get_absolute_url()).content.decode()
    assert 'data-format="txt"' in page and 'data-format="original"' not in page


def test_staff_see_the_policy_in_the_admin(client, report, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("admin", password="pw-long-enough-1"))
    page = client.get(f"/admin/library/document/{report.pk}/change/").content.decode()
    assert 'name="download_policy"' in page


def test_permission_helper_for_anonymous_users(report, settings):
    from wenku.downloads.permissions import decide

    settings.WENKU_ANONYMOUS_DOWNLOADS = False
    decision = decide(AnonymousUser(), report)
    assert not decision.allowed and decision.login_helps and "登录" in decision.message


# --- generated files are kept --------------------------------------------------------------------------------------


def kept_files(data_dir: Path, document: Document) -> list[Path]:
    directory = data_dir / "downloads" / str(document.pk)
    return sorted(directory.iterdir()) if directory.exists() else []


@pytest.mark.parametrize("fmt", ["txt", "docx", "epub"])
def test_a_generated_file_is_made_once_and_then_served_from_disk(fmt, client, report, data_dir):
    first = body(client.get(url(report, fmt)))
    [kept] = kept_files(data_dir, report)
    assert kept.suffix == f".{fmt}" and kept.read_bytes() == first
    made = kept.stat()
    time.sleep(0.02)  # a rewrite would show in the modification time
    second = client.get(url(report, fmt))
    assert second.status_code == 200 and isinstance(second, FileResponse)
    assert body(second) == first
    [again] = kept_files(data_dir, report)
    assert again == kept
    assert (again.stat().st_ino, again.stat().st_mtime_ns) == (made.st_ino, made.st_mtime_ns)


def test_an_edited_document_gets_a_fresh_file_and_the_old_one_goes(client, report, data_dir):
    from docx import Document as WordDocument

    client.get(url(report, "docx"))
    client.get(url(report, "txt"))
    [old_docx] = [p for p in kept_files(data_dir, report) if p.suffix == ".docx"]
    report.refresh_from_db()
    report.title = "二〇二四年报告（修订）"
    report.save()  # changes `updated`
    word = WordDocument(io.BytesIO(body(client.get(url(report, "docx")))))
    assert word.core_properties.title == "二〇二四年报告（修订）"
    assert [p.text for p in word.paragraphs if p.style.name == "Title"] == ["二〇二四年报告（修订）"]
    files = kept_files(data_dir, report)
    docx_files = [p for p in files if p.suffix == ".docx"]
    assert len(docx_files) == 1 and docx_files[0] != old_docx and not old_docx.exists()
    assert len([p for p in files if p.suffix == ".txt"]) == 1  # another format is not touched


def test_a_deleted_document_takes_its_files_with_it(client, report, data_dir):
    client.get(url(report, "epub"))
    directory = data_dir / "downloads" / str(report.pk)
    assert list(directory.iterdir())
    report.delete()
    assert not directory.exists()


@pytest.mark.django_db(transaction=True)  # the threads' own database connections must see the document
def test_simultaneous_first_requests_each_get_a_whole_file(report, data_dir, tmp_path):
    import threading
    import zipfile

    from django.db import connection
    from django.test import Client

    threads_count = 6
    start = threading.Barrier(threads_count)
    results: list[tuple[int, bytes]] = []

    def fetch(fmt: str) -> None:
        try:
            client = Client()
            start.wait()
            response = client.get(url(report, fmt))
            results.append((response.status_code, body(response)))
        finally:
            connection.close()

    for fmt in ("epub", "docx"):
        results.clear()
        threads = [threading.Thread(target=fetch, args=(fmt,)) for _ in range(threads_count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert [status for status, _ in results] == [200] * threads_count
        for _, data in results:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                assert archive.testzip() is None
        [kept] = [p for p in kept_files(data_dir, report) if p.suffix == f".{fmt}"]
        assert kept.read_bytes() in [data for _, data in results]
    assert not [p for p in kept_files(data_dir, report) if p.name.endswith(".part")]
    first = results[0][1]
    again = reimport(first, "again.docx", tmp_path, lambda path: _import(path))
    assert again.full_text() == report.full_text()


def _import(path: Path):
    from wenku.ingest.importer import ImportOptions, import_file

    [result] = import_file(path, ImportOptions())
    return result


# --- with an API token ---------------------------------------------------------------------------------------------


def test_the_api_download_urls_take_the_token_of_whoever_may_download(client, report, people, django_user_model):
    from wenku.accounts import tokens

    owner = django_user_model.objects.create_user("owner", password="pw-long-enough-1")
    Document.objects.filter(pk=report.pk).update(uploader=owner, visibility=Visibility.PRIVATE)
    for user in (owner, people["staff"]):
        _, raw = tokens.create(user)
        auth = {"authorization": f"Bearer {raw}"}
        listed = client.get(f"/api/documents/{report.pk}", headers=auth).json()["downloads"]
        assert set(listed) == {"original", "txt", "docx", "epub"}
        for fmt, link in listed.items():
            response = client.get(link, headers=auth)
            assert response.status_code == 200, (user.username, fmt, response.status_code)
            assert body(response), fmt
            assert "Authorization" in response["Vary"]
        assert body(client.get(listed["txt"], headers=auth)).decode().startswith(report.title)
        anonymous = client.get(listed["txt"])
        assert anonymous.status_code == 404  # a private document: nobody else learns it is there
    _, stranger = tokens.create(people["member"])
    assert client.get(url(report, "txt"), headers={"authorization": f"Bearer {stranger}"}).status_code == 404
    refused = client.get(url(report, "txt"), headers={"authorization": "Bearer wk_not-a-real-token"})
    assert refused.status_code == 401 and refused["WWW-Authenticate"].startswith("Bearer")


def test_a_token_counts_as_logged_in_for_members_only_downloads(client, report, people):
    from wenku.accounts import tokens

    Document.objects.filter(pk=report.pk).update(download_policy=DownloadPolicy.MEMBERS)
    _, raw = tokens.create(people["member"])
    assert client.get(url(report, "epub")).status_code == 302
    assert client.get(url(report, "epub"), headers={"authorization": f"Bearer {raw}"}).status_code == 200

"""Hostile and broken uploads through the web form: a clear line each, nothing stored, never a 500; the good files
of the same upload still go in."""

from __future__ import annotations

import random

import pytest
from django.test import Client

from tests import samples
from tests.uploads.conftest import assert_nothing_stored, result_lines, stored_originals, upload
from wenku.library.models import Document

pytestmark = pytest.mark.django_db


@pytest.fixture
def real_docx(r2024, tmp_path):
    return samples.write_docx(tmp_path / "real.docx", r2024, paragraphs=6).path


def only_line(response) -> str:
    assert response.status_code == 200, response.content[:500]
    lines = result_lines(response)
    assert len(lines) == 1, lines
    return lines[0]


def test_a_zip_bomb_docx(owner_client, real_docx, tmp_path, data_dir):
    bomb = samples.write_zip(
        tmp_path / "炸弹.docx", [*samples.zip_entries(real_docx), samples.Zeros("word/media/image1.png", 300 << 20)]
    )
    line = only_line(upload(owner_client, bomb))
    assert line.startswith("炸弹.docx 失败 .docx 文件解压后会从") and line.endswith("MB（疑似压缩炸弹），已拒绝")
    assert ".docx" in line  # the kind of file, from the importer's own reason
    assert_nothing_stored(data_dir)


def test_a_zip_bomb_that_lies_about_its_size(owner_client, real_docx, tmp_path, data_dir):
    entries = [e for e in samples.zip_entries(real_docx) if e[0] != "word/document.xml"]
    entries.append(samples.Zeros("word/document.xml", 300 << 20, declared_size=4096))
    line = only_line(upload(owner_client, samples.write_zip(tmp_path / "liar.docx", entries)))
    assert "疑似压缩炸弹" in line
    assert_nothing_stored(data_dir)


@pytest.mark.parametrize("damage", ["truncated", "overwritten"])
def test_a_corrupt_pdf(owner_client, r2024, tmp_path, data_dir, damage):
    good = samples.write_pdf(tmp_path / "good.pdf", r2024.title, r2024.body(count=8)).path.read_bytes()
    data = good[: len(good) // 2] if damage == "truncated" else good[:20] + random.Random(3).randbytes(len(good) - 20)
    line = only_line(upload(owner_client, ("损坏.pdf", data)))
    assert line.startswith("损坏.pdf 失败 PDF 文件已损坏，或者并不是 PDF")
    assert_nothing_stored(data_dir)


def test_a_scan_without_text(owner_client, tmp_path, data_dir):
    line = only_line(upload(owner_client, samples.write_pdf_without_text(tmp_path / "扫描件.pdf")))
    assert "PDF 里没有文字（可能是扫描件）" in line
    assert_nothing_stored(data_dir)


def test_a_password_protected_docx(owner_client, data_dir):
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + random.Random(2).randbytes(4096)
    line = only_line(upload(owner_client, ("加密.docx", data)))
    assert "文件设有打开密码" in line
    assert_nothing_stored(data_dir)


@pytest.mark.parametrize("name", ["报表.xls", "图片.png", "程序.exe", "没有扩展名"])
def test_an_unsupported_type(owner_client, data_dir, name):
    line = only_line(upload(owner_client, (name, b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)))
    assert " 失败 " in line and ("不支持" in line or "没有扩展名" in line)
    assert ".docx" in line and ".pdf" in line  # says what is supported
    assert_nothing_stored(data_dir)


@pytest.mark.parametrize("name", ["空.txt", "空.docx", "空.pdf", "空.epub"])
def test_an_empty_file(owner_client, data_dir, name):
    line = only_line(upload(owner_client, (name, b"")))
    assert line == f"{name} 失败 文件是空的"  # said once, in the site's language
    assert_nothing_stored(data_dir)


def test_over_the_size_limit(owner_client, r2024, settings, tmp_path, data_dir):
    """WENKU_MAX_FILE_MB=1: a 1.5 MB file is dropped as it arrives and said to be too large; a small file
    of the same upload goes in."""
    settings.WENKU_MAX_FILE_MB = 1
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024  # the big file would stream to a temporary file
    big = tmp_path / "大文件.txt"
    paragraphs = r2024.body()
    text = "\n".join(paragraphs * (1 + (1_600_000 // len("\n".join(paragraphs).encode("gb18030")))))
    big.write_bytes(text.encode("gb18030")[:1_600_000])
    assert big.stat().st_size > 1024 * 1024
    small = samples.write_text(tmp_path / "小文件.txt", [r2024.title, *r2024.body(count=3)], "utf-8").path
    response = upload(owner_client, small, big)
    assert response.status_code == 200
    lines = result_lines(response)
    assert lines[0].startswith("小文件.txt 已导入")
    assert lines[1].startswith("大文件.txt 失败 文件太大（上限 1 MB）")
    assert [d.original_name for d in Document.objects.all()] == ["小文件.txt"]
    assert len(stored_originals(data_dir)) == 1


def test_over_the_size_limit_alone(owner_client, settings, data_dir):
    settings.WENKU_MAX_FILE_MB = 1
    line = only_line(upload(owner_client, ("大.pdf", b"%PDF-1.7\n" + bytes(1024 * 1024 + 1))))
    assert line.startswith("大.pdf 失败 文件太大（上限 1 MB）")
    assert_nothing_stored(data_dir)


def test_a_file_just_under_the_limit_is_read(owner_client, r2024, settings, data_dir):
    settings.WENKU_MAX_FILE_MB = 1
    text = ("\n".join(r2024.body()) + "\n").encode("utf-8")
    data = (text * (1024 * 1024 // len(text) + 1))[: 1024 * 1024].decode("utf-8", "ignore").encode("utf-8")
    assert 1024 * 1024 - 3 <= len(data) <= 1024 * 1024
    line = only_line(upload(owner_client, ("刚好.txt", data)))
    assert line.startswith("刚好.txt 已导入")


def test_the_size_is_checked_before_the_bytes_are_read(owner, settings):
    """The importer side of the limit, for an upload that arrived whole (when the handler could not run)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from wenku.uploads.importing import import_upload, options_for

    settings.WENKU_MAX_FILE_MB = 1

    class Unreadable(SimpleUploadedFile):
        def read(self, *args):
            raise AssertionError("read although too large")

    upload_file = Unreadable("x.txt", bytes(1024 * 1024 + 10))
    [outcome] = import_upload(upload_file, options_for(owner), owner)
    assert outcome.status == "failed"
    assert outcome.reason == outcome.reason_zh == "文件太大：1.0 MB（上限 1 MB）"


def test_more_files_than_django_accepts_is_a_message(owner_client, settings, data_dir):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    response = upload(owner_client, *[(f"{i}.txt", "正文。".encode()) for i in range(4)])
    assert response.status_code == 400
    assert "一次最多上传 3 个文件" in response.content.decode()
    assert_nothing_stored(data_dir)


def test_a_broken_multipart_body_is_a_message(owner, data_dir):
    client = Client()
    client.force_login(owner)
    body = b'--xyz\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n\r\n'  # never ends
    response = client.post("/upload/", body, content_type="multipart/form-data; boundary=xyz")
    assert response.status_code in (200, 400)
    assert_nothing_stored(data_dir)
    response = client.post("/upload/", b"x", content_type="multipart/form-data")  # no boundary at all
    assert response.status_code == 400
    assert "上传的数据不完整" in response.content.decode()


def test_a_huge_form_field_is_a_message(owner_client, settings, data_dir):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = upload(owner_client, ("a.txt", "正文。".encode()), description="长" * 2000)
    assert response.status_code == 400
    assert "表单内容太长" in response.content.decode()
    assert_nothing_stored(data_dir)


def test_a_mixed_batch(owner_client, r2024, real_docx, tmp_path, data_dir):
    good = samples.write_text(tmp_path / "好.txt", [r2024.title, *r2024.body(count=4)], "gb18030").path
    bomb = samples.write_zip(
        tmp_path / "bomb.docx", [*samples.zip_entries(real_docx), samples.Zeros("x.bin", 300 << 20)]
    )
    response = upload(owner_client, ("empty.txt", b""), bomb, good, ("x.exe", b"MZ\x90\x00"))
    assert [line.split()[1] for line in result_lines(response)] == ["失败", "失败", "已导入", "失败"]
    assert Document.objects.get().original_name == "好.txt"
    assert len(stored_originals(data_dir)) == 1

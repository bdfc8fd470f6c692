"""Damaged, hostile and empty files: each fails alone with a clear reason and leaves nothing behind.

For every bad file: one failed ImportResult whose reason says what is wrong, no Document or Page rows, and no
original kept in the data dir; and the good files of the same batch still import.
"""

from __future__ import annotations

import json
import random
import time
import tracemalloc

import pytest
from django.core.management import call_command
from django.utils import translation

from tests import hostile, samples
from tests.conftest import assert_refused, stored_originals
from wenku.ingest import limits, sandbox
from wenku.ingest.errors import ImportRefused
from wenku.ingest.importer import import_file, import_paths
from wenku.library.models import Document, Page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]  # reasons as written


def assert_nothing_stored(data_dir) -> None:
    assert Document.objects.count() == 0
    assert Page.objects.count() == 0
    assert stored_originals(data_dir) == []


@pytest.fixture
def real_docx(r2024, tmp_path):
    return samples.write_docx(tmp_path / "real.docx", r2024, paragraphs=6).path


@pytest.fixture
def real_epub(r2024, reports_dir, tmp_path):
    return samples.write_epub(
        tmp_path / "real.epub", r2024, samples.report(reports_dir, 2023), paragraphs=3, book_title="书"
    )


# --- damaged containers ------------------------------------------------------------------------------------------


def test_random_bytes_named_docx(tmp_path, import_one, data_dir):
    path = tmp_path / "报告.docx"
    path.write_bytes(random.Random(1).randbytes(50_000))
    assert_refused(import_one(path), "not a valid .docx")
    assert_nothing_stored(data_dir)


def test_a_truncated_docx(real_docx, tmp_path, import_one, data_dir):
    data = real_docx.read_bytes()
    path = tmp_path / "cut.docx"
    path.write_bytes(data[: len(data) * 2 // 3])  # a download that stopped: no central directory
    assert_refused(import_one(path), "not a valid .docx")
    assert_nothing_stored(data_dir)


def test_a_zip_that_is_not_a_docx(real_epub, tmp_path, import_one, data_dir):
    path = tmp_path / "book.docx"
    path.write_bytes(real_epub.path.read_bytes())  # a valid zip, but no Word document inside
    assert_refused(import_one(path), ".docx")
    assert_nothing_stored(data_dir)


def test_a_docx_with_a_corrupted_part(real_docx, tmp_path, import_one, data_dir):
    entries = [
        (n, b"<w:document><w:body><w:p>" if n == "word/document.xml" else d) for n, d in samples.zip_entries(real_docx)
    ]
    path = samples.write_zip(tmp_path / "broken-xml.docx", entries)
    assert_refused(import_one(path), "docx")
    assert_nothing_stored(data_dir)


def test_an_ole_container_named_docx(tmp_path, import_one, data_dir):
    """Word saves a password-protected .docx (and an old .doc) as an OLE compound file, not a zip."""
    path = tmp_path / "加密.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512 - 8) + random.Random(2).randbytes(4096))
    assert_refused(import_one(path), "password", ".doc")
    assert_nothing_stored(data_dir)


@pytest.mark.parametrize("kind", ["docx", "epub"])
def test_a_zip_bomb_is_refused_before_it_expands(kind, real_docx, real_epub, tmp_path, import_one, data_dir):
    real = real_docx if kind == "docx" else real_epub.path
    bomb_entry = samples.Zeros("word/media/image1.png" if kind == "docx" else "OEBPS/chapter9.xhtml", 300 << 20)
    path = samples.write_zip(tmp_path / f"bomb.{kind}", [*samples.zip_entries(real), bomb_entry])
    assert path.stat().st_size < 1 << 20  # 300 MB of zeros in well under 1 MB
    assert_refused(import_one(path), "zip bomb", "300 MB")
    assert_nothing_stored(data_dir)


def test_a_zip_with_a_high_ratio_below_the_size_limit(real_docx, tmp_path, import_one, data_dir):
    path = samples.write_zip(
        tmp_path / "ratio.docx", [*samples.zip_entries(real_docx), samples.Zeros("x.bin", 20 << 20)]
    )
    assert_refused(import_one(path), "zip bomb")
    assert_nothing_stored(data_dir)


@pytest.mark.parametrize("kind", ["docx", "epub"])
def test_a_zip_bomb_that_lies_about_its_size(kind, real_docx, real_epub, tmp_path, import_one, data_dir):
    """Headers claiming 4 KB (with the checksum of 4 KB) for 300 MB. zipfile returns only the claimed 4 KB, but
    inflates all 300 MB in memory first: the file must be refused before any library reads it."""
    real, part = (real_docx, "word/document.xml") if kind == "docx" else (real_epub.path, "EPUB/chapter1.xhtml")
    entries = [e for e in samples.zip_entries(real) if e[0] != part]
    assert len(entries) == len(samples.zip_entries(real)) - 1
    entries.append(samples.Zeros(part, 300 << 20, declared_size=4096))
    path = samples.write_zip(tmp_path / f"liar.{kind}", entries)
    tracemalloc.start()
    try:
        result = import_one(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert_refused(result, "expands beyond the 4096 bytes", "zip bomb")
    assert peak < 30 << 20, f"{peak >> 20} MB allocated"  # in this process
    child = sandbox.last_stats()  # and in the parsing child, which reads the zip
    assert child.outcome == "refused" and child.max_rss_kb < 200_000, child
    assert_nothing_stored(data_dir)


def test_a_zip_with_too_many_entries(tmp_path, import_one, data_dir):
    path = samples.write_zip(tmp_path / "many.epub", [(f"OEBPS/{i}.xhtml", b"<p>x</p>") for i in range(10_001)])
    assert_refused(import_one(path), "10001 entries")
    assert_nothing_stored(data_dir)


def test_a_damaged_epub(real_epub, tmp_path, import_one, data_dir):
    entries = [(n, d) for n, d in samples.zip_entries(real_epub.path) if n != "META-INF/container.xml"]
    path = samples.write_zip(tmp_path / "no-container.epub", entries)
    assert_refused(import_one(path), "not a valid .epub")
    assert_nothing_stored(data_dir)


# --- PDF ---------------------------------------------------------------------------------------------------------


def test_an_encrypted_pdf(r2024, tmp_path, import_one, data_dir):
    path = samples.write_encrypted_pdf(tmp_path / "加密.pdf", r2024)
    assert_refused(import_one(path), "encrypted with a password")
    assert_nothing_stored(data_dir)


@pytest.mark.parametrize("damage", ["truncated", "overwritten"])
def test_a_damaged_pdf(r2024, tmp_path, import_one, data_dir, damage):
    good = samples.write_pdf(tmp_path / "good.pdf", r2024.title, r2024.body(count=8)).path.read_bytes()
    truncated, overwritten = good[: len(good) // 2], good[:20] + random.Random(3).randbytes(len(good) - 20)
    data = truncated if damage == "truncated" else overwritten
    path = tmp_path / f"{damage}.pdf"
    path.write_bytes(data)
    assert_refused(import_one(path), "damaged or not a PDF")
    assert_nothing_stored(data_dir)


def test_a_pdf_without_a_text_layer(tmp_path, import_one, data_dir):
    path = samples.write_pdf_without_text(tmp_path / "扫描件.pdf")
    assert_refused(import_one(path), "no text layer")
    assert_nothing_stored(data_dir)


# --- empty, unsupported, not text ------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html", ".docx", ".pdf", ".epub", ".jsonl"])
def test_an_empty_file(tmp_path, import_one, data_dir, suffix):
    path = tmp_path / f"empty{suffix}"
    path.write_bytes(b"")
    assert_refused(import_one(path), "empty file")
    assert_nothing_stored(data_dir)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("blank.txt", " \n\t\r\n   \n"),
        ("ideographic.txt", "\u3000\u3000\n\u3000\n"),  # full-width spaces are whitespace too
        ("blank.md", "\n\n   \n# \n\n"),
        ("blank.html", "<html><body><p> </p><div>\u3000</div><script>var a = '正文';</script></body></html>"),
        ("blank.jsonl", '{"id": "a", "title": "空", "text": "  \\n \\u3000 "}\n'),
    ],
)
def test_a_file_of_whitespace_only(tmp_path, import_one, data_dir, name, data):
    path = tmp_path / name
    path.write_text(data, encoding="utf-8")
    result = import_one(path)
    assert result.status == "failed" and result.reason in ("empty file", "no text found", "record a: no text found")
    assert_nothing_stored(data_dir)


def test_a_docx_of_empty_paragraphs(tmp_path, import_one, data_dir):
    import docx

    document = docx.Document()
    for text in ("", "   ", "\u3000\u3000", ""):
        document.add_paragraph(text)
    document.save(tmp_path / "blank.docx")
    assert_refused(import_one(tmp_path / "blank.docx"), "no text found")
    assert_nothing_stored(data_dir)


@pytest.mark.parametrize("name", ["报表.xls", "报告.exe", "README", "archive.tar.gz"])
def test_an_unsupported_extension(tmp_path, import_one, data_dir, name):
    path = tmp_path / name
    path.write_bytes("政府工作报告".encode())
    result = import_one(path)
    assert_refused(result, "unsupported format", ".txt", ".docx")
    assert_nothing_stored(data_dir)


def test_random_binary_named_txt(tmp_path, import_one, data_dir):
    path = tmp_path / "garbage.txt"
    path.write_bytes(random.Random(4).randbytes(64_000))
    assert_refused(import_one(path), "cannot decode")
    assert_nothing_stored(data_dir)


def test_binary_that_happens_to_be_valid_utf8(tmp_path, import_one, data_dir):
    path = tmp_path / "table.txt"
    rng = random.Random(5)
    path.write_bytes(bytes(rng.randrange(0, 128) for _ in range(20_000)))  # ASCII-range binary: valid UTF-8
    assert_refused(import_one(path), "binary data")
    assert_nothing_stored(data_dir)


def test_a_file_over_the_size_limit(settings, tmp_path, import_one, data_dir, r2024):
    settings.WENKU_MAX_FILE_MB = 1
    paragraphs = [r2024.title, *r2024.body()]
    text = "\n".join(paragraphs * 40)
    path = tmp_path / "big.txt"
    path.write_text(text, encoding="utf-8")
    assert path.stat().st_size > 1 << 20
    assert_refused(import_one(path), "file too large", "limit 1 MB")
    assert_nothing_stored(data_dir)
    small = tmp_path / "small.txt"
    small.write_text("\n".join(paragraphs), encoding="utf-8")
    assert import_one(small).status == "imported"  # the limit is about size, not about the file


def test_text_longer_than_the_limit(settings, tmp_path, import_one, data_dir):
    settings.WENKU_MAX_TEXT_CHARS = 1000
    path = tmp_path / "long.txt"
    path.write_text("标题\n" + "正文。" * 400, encoding="utf-8")
    assert_refused(import_one(path), "text too long")
    assert_nothing_stored(data_dir)


# --- records and characters -------------------------------------------------------------------------------------------


def test_jsonl_with_bad_lines_among_good_ones(reports_dir, tmp_path, data_dir):
    good = (reports_dir.parent / "npc_resolutions_on_gov_work_reports.jsonl").read_text(encoding="utf-8").splitlines()
    lines = [
        good[0],
        '{"id": "broken", "title": "断了", "text": "第一段',  # 2: cut off
        good[1],
        '["not", "a", "record"]',  # 4
        '{"id": "no-text", "title": "无正文"}',  # 5
        "",  # 6: blank lines are skipped, but still counted
        '{"id": "number", "text": 42}',  # 7
        good[2],
        '{"id": "blank", "text": "\\u3000 "}',  # 9
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    results = import_file(path)
    assert [r.status for r in results] == [
        "imported",
        "failed",
        "imported",
        "failed",
        "failed",
        "failed",
        "imported",
        "failed",
    ]
    assert "line 2" in results[1].reason and "not valid JSON" in results[1].reason
    assert "line 4" in results[3].reason and '"text"' in results[3].reason
    assert "line 5" in results[4].reason
    assert "line 7" in results[5].reason
    assert results[7].reason == "record blank: no text found"
    assert Document.objects.count() == 3
    titles = [json.loads(line)["title"] for line in good[:3]]
    assert [r.title for r in results if r.status == "imported"] == titles
    assert len(stored_originals(data_dir)) == 1  # kept: some of its records are documents


def test_jsonl_with_only_bad_lines_keeps_no_original(tmp_path, data_dir):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": 1}\nnot json\n', encoding="utf-8")
    results = import_file(path)
    assert [r.status for r in results] == ["failed", "failed"]
    assert_nothing_stored(data_dir)


def test_control_characters_inside_text_are_dropped(r2024, tmp_path, import_one):
    """NUL (which PostgreSQL refuses in text), BEL, backspace, ESC, DEL: never text, stored without them."""
    paragraphs = [r2024.title, *r2024.body(count=10)]
    dirty = [p[:5] + "\x00" + p[5:10] + "\x07\x08" + p[10:20] + "\x1b\x7f" + p[20:] for p in paragraphs]
    dirty[3] = "\x00\x01" + dirty[3] + "\x00"
    path = tmp_path / "控制字符.txt"
    path.write_text("\n".join(dirty), encoding="utf-8")
    result = import_one(path)
    assert result.status == "imported", result.reason
    document = Document.objects.get(pk=result.id)
    assert document.title == r2024.title
    assert document.full_text() == "\n".join(paragraphs)
    assert "\x00" not in "".join(Page.objects.filter(document=document).values_list("text", flat=True))


def test_control_characters_in_a_jsonl_title(tmp_path, import_one):
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps({"id": "t\x00", "title": "标\x00题\x07", "text": "正\x00文。"}) + "\n")
    result = import_one(path)
    assert result.status == "imported", result.reason
    document = Document.objects.get(pk=result.id)
    assert (document.title, document.full_text(), document.original_record) == ("标题", "正文。", "t")


def test_deeply_nested_html(tmp_path, import_one, data_dir):
    deep = samples.write_deeply_nested_html(tmp_path / "deep.html", depth=100_000)
    assert_refused(import_one(deep), "nested too deeply")
    assert_nothing_stored(data_dir)
    # nested deeper than libxml2's default limit of 256, but within reach: the text is kept
    nested = samples.write_deeply_nested_html(tmp_path / "nested.html", depth=1500)
    result = import_one(nested)
    assert result.status == "imported", result.reason
    assert Document.objects.get(pk=result.id).full_text() == "深层嵌套的正文。"


def test_deeply_nested_markdown(tmp_path, import_one):
    """50,000 nested quotes: the parser stops nesting at 50 levels (what is deeper is dropped), quickly."""
    path = tmp_path / "quotes.md"
    path.write_text(
        "# 标题\n\n" + ">" * 50_000 + " 引文\n\n" + "> " * 20 + "二十层的引文\n\n正文。\n", encoding="utf-8"
    )
    result = import_one(path)
    assert result.status == "imported", result.reason
    assert Document.objects.get(pk=result.id).full_text() == "标题\n二十层的引文\n正文。"


# --- a batch, and the command line -------------------------------------------------------------------------------


def hostile_folder(folder, reports_dir, r2024):
    """A folder of good and bad files; returns (good names, bad names) as the importer reports paths."""
    folder.mkdir()
    good = {
        "a-report.txt": lambda p: p.write_bytes((reports_dir / "1975.txt").read_bytes()),
        "b-report.docx": lambda p: samples.write_docx(p, r2024, paragraphs=8),
        "c-report.pdf": lambda p: samples.write_pdf(p, r2024.title, r2024.body(count=4)),
    }
    bad = {
        "d-random.docx": lambda p: p.write_bytes(random.Random(6).randbytes(10_000)),
        "e-scan.pdf": samples.write_pdf_without_text,
        "f-empty.txt": lambda p: p.write_bytes(b""),
        "g-notes.xyz": lambda p: p.write_text("笔记"),
        "h-bomb.epub": lambda p: samples.write_zip(p, [samples.Zeros("OEBPS/c.xhtml", 300 << 20)]),
        "i-garbage.txt": lambda p: p.write_bytes(random.Random(7).randbytes(5000)),
    }
    for name, write in {**good, **bad}.items():
        write(folder / name)
    return sorted(str(folder / n) for n in good), sorted(str(folder / n) for n in bad)


def test_bad_files_do_not_stop_a_batch(reports_dir, r2024, tmp_path, data_dir):
    good, bad = hostile_folder(tmp_path / "in", reports_dir, r2024)
    results = import_paths([tmp_path / "in"])
    assert sorted(r.path for r in results if r.status == "imported") == good
    assert sorted(r.path for r in results if r.status == "failed") == bad
    assert Document.objects.count() == len(good)
    kept = {d.original_file for d in Document.objects.all()}
    assert {str(p.relative_to(data_dir)) for p in stored_originals(data_dir)} == kept


def test_the_cli_reports_each_file_as_json_and_fails_the_batch(reports_dir, r2024, tmp_path, capsys):
    good, bad = hostile_folder(tmp_path / "in", reports_dir, r2024)
    with pytest.raises(SystemExit) as exit_info:
        call_command("wenku_import", str(tmp_path / "in"), "--json")
    assert exit_info.value.code == 1
    out, err = capsys.readouterr()
    lines = [json.loads(line) for line in out.splitlines()]
    # The good files are one report in several formats: after the batch, the later ones are near-duplicates.
    copies = [line for line in lines if line["status"] == "near-duplicate"]
    assert copies and all(line["path"] in good and line["share"] >= 0.8 for line in copies)
    lines = [line for line in lines if line["status"] != "near-duplicate"]
    assert all(set(line) == {"path", "status", "id", "title", "chars", "pages", "reason"} for line in lines)
    assert [line["path"] for line in lines] == sorted(good + bad)
    by_path = {line["path"]: line for line in lines}
    for path in good:
        line = by_path[path]
        assert line["status"] == "imported" and line["reason"] is None
        document = Document.objects.get(pk=line["id"])
        assert (line["title"], line["chars"], line["pages"]) == (document.title, document.chars, document.page_count)
    for path in bad:
        line = by_path[path]
        assert line["status"] == "failed" and line["id"] is None and line["reason"]
    assert "zip bomb" in by_path[bad[4]]["reason"] and "text layer" in by_path[bad[1]]["reason"]
    assert f"{len(good)} imported, 0 duplicate, {len(bad)} failed" in err
    assert err.strip().count("\n") == 0  # only the summary on stderr


# --- small files that describe huge documents: limits while reading, and the parse sandbox -------------------------


def test_a_docx_of_300000_empty_paragraphs_is_refused_quickly(tmp_path, import_one, data_dir):
    """30 KB of <w:p/> took 32 s of CPU: each empty paragraph's style was looked up. Now every paragraph counts
    against WENKU_MAX_PARAGRAPHS, empty or not, and the style is read only for paragraphs with text."""
    path = samples.write_zip(tmp_path / "空段落.docx", hostile.docx_parts("<w:p/>" * 300_000))
    assert path.stat().st_size < 50_000
    started = time.monotonic()
    result = import_one(path)
    assert_refused(result, "too many paragraphs", "200000", "WENKU_MAX_PARAGRAPHS")
    assert time.monotonic() - started < 8
    with translation.override("zh-hans"):
        assert import_one(path).reason == "段落过多（上限 200000 段）"
    assert_nothing_stored(data_dir)


def test_paragraph_and_text_limits_stop_reading_at_the_first_one_passed(settings, tmp_path, import_one, data_dir):
    settings.WENKU_MAX_PARAGRAPHS = 1000
    path = samples.write_zip(
        tmp_path / "多段.docx", hostile.docx_parts("<w:p><w:r><w:t>一段。</w:t></w:r></w:p>" * 1001)
    )
    assert_refused(import_one(path), "too many paragraphs: more than 1000")
    path = tmp_path / "多行.md"
    settings.WENKU_MAX_LINES = 500
    path.write_text("一行\n" * 600, encoding="utf-8")
    assert_refused(import_one(path), "too many lines: more than 500")
    settings.WENKU_MAX_TEXT_CHARS = 2000
    path = tmp_path / "长.html"
    path.write_text("<html><body>" + "<p>正文。</p>" * 1000 + "</body></html>", encoding="utf-8")
    assert_refused(import_one(path), "text too long: more than 2000 characters")
    assert_nothing_stored(data_dir)


def test_pdf_pages_sharing_one_content_stream(settings, tmp_path, import_one, data_dir):
    """A 200 KB PDF whose pages all draw one long content stream: page after page of the same text. The page
    limit and the text limit stop it; past both, the parse sandbox's time limit does."""
    path = tmp_path / "共享.pdf"
    path.write_bytes(hostile.pdf_sharing_one_stream(pages=1000, lines=400))
    settings.WENKU_MAX_PAGES = 500
    assert_refused(import_one(path), "the PDF has 1000 pages (limit 500)")
    settings.WENKU_MAX_PAGES = 10_000
    settings.WENKU_MAX_TEXT_CHARS = 100_000
    started = time.monotonic()
    assert_refused(import_one(path), "text too long")
    assert time.monotonic() - started < 5
    settings.WENKU_MAX_TEXT_CHARS = 20_000_000
    settings.WENKU_PARSE_TIMEOUT = 1
    started = time.monotonic()
    result = import_one(path)
    assert_refused(result, "parsing took longer than 1 s", "WENKU_PARSE_TIMEOUT")
    assert time.monotonic() - started < 3
    with translation.override("zh-hans"):
        assert import_one(path).reason == "解析超时（上限 1 秒）：文件过大或过于复杂"
    assert sandbox.last_stats().outcome == "timeout"
    assert_nothing_stored(data_dir)


def test_a_file_that_needs_too_much_memory_is_refused(settings, tmp_path, import_one, data_dir):
    settings.WENKU_PARSE_MEMORY_MB = 128
    path = tmp_path / "大.txt"
    path.write_bytes(("政府工作报告" * 20 + "\n").encode("utf-8") * 150_000)  # 54 MB, a string of 3 copies and more
    result = import_one(path)
    assert_refused(result, "parsing needed more than 128 MB of memory", "WENKU_PARSE_MEMORY_MB")
    with translation.override("zh-hans"):
        assert import_one(path).reason == "解析所需内存超限（上限 128 MB）：文件过大或过于复杂"
    small = tmp_path / "小.txt"
    small.write_bytes(("政府工作报告" * 20 + "\n").encode("utf-8") * 500)
    assert import_one(small).status == "imported"  # the limit leaves room for ordinary files


def test_an_upload_of_more_files_than_wenku_max_upload_files(client, django_user_model, data_dir, settings):
    """/upload/ takes several files at once, but not without bound (each may be WENKU_MAX_FILE_MB)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES == settings.WENKU_MAX_UPLOAD_FILES == 20
    client.force_login(django_user_model.objects.create_user("上传者", password="x"))
    files = [SimpleUploadedFile(f"{i}.txt", f"第{i}份\n正文。".encode()) for i in range(21)]
    response = client.post("/upload/", {"files": files, "visibility": "public"})
    assert "一次最多上传 20 个文件" in response.content.decode()
    assert_nothing_stored(data_dir)


def test_the_parse_sandbox_turns_every_way_of_failing_into_a_refusal():
    import os

    started = time.monotonic()
    with pytest.raises(ImportRefused, match="parsing took longer than 1 s"):
        sandbox.run(time.sleep, 60, timeout=1)
    assert time.monotonic() - started < 2.5 and sandbox.last_stats().outcome == "timeout"
    with pytest.raises(ImportRefused, match="parsing needed more than 128 MB"):
        sandbox.run(bytearray, 1 << 30, memory_mb=128)
    with pytest.raises(ImportRefused, match="the parser crashed"):
        sandbox.run(os.abort)
    with pytest.raises(ImportRefused, match="cannot read the file: ZeroDivisionError"):
        sandbox.run(divmod, 1, 0)
    tiny = limits.ParseLimits(chars=1, paragraphs=1, lines=1)
    with pytest.raises(ImportRefused, match=r"announced an answer of 1048576\d\d bytes"):
        sandbox.run(bytes, 100 << 20, parse_limits=tiny)  # more than any answer within the limits can need
    assert sandbox.run(divmod, 7, 2) == (3, 1)  # and the server is still there after all that
    assert sandbox.last_stats().outcome == "ok" and sandbox.last_stats().max_rss_kb > 0

"""`wenku check [--json] FILE`: the report on the command line, from a file or standard input."""

from __future__ import annotations

import io
import json
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests import samples
from tests.checking.check_helpers import YEARS, core
from wenku.checking.display import percent
from wenku.checking.service import check_text
from wenku.cli import catalog
from wenku.cli.main import main
from wenku.library.models import Document

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("wenku_check", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_human_output(library, submission, tmp_path):
    path = tmp_path / "论文.txt"
    path.write_bytes(submission.text.encode("gb18030"))
    report = check_text(submission.text)
    output = run(str(path))
    assert f"总文字复制比 {percent(report.ratio)}" in output
    assert f"去除引用复制比 {percent(report.ratio_excluding_quotes)}" in output
    assert f"总字数 {report.chars}  重复字数 {report.copied_chars}" in output
    first = report.sources[0]
    assert first.id == library[2024].pk
    assert f"[1] 《{first.title}》 重复 {first.copied_chars} 字" in output
    page = first.matches[0].page
    assert f"第{page}页  /d/{first.id}/{page}/" in output or page == 1
    assert "    " + core(submission.copied) in output  # the copied passage itself


def test_json_output_is_the_api_report(library, submission, tmp_path):
    path = tmp_path / "论文.md"
    path.write_text(submission.text, encoding="utf-8")
    body = json.loads(run("--json", str(path)))
    assert body["sources"][0]["id"] == library[2024].pk
    assert body["ratio"] > body["ratio_excluding_quotes"] > 0
    assert set(body) >= {"chars", "copied_chars", "ratio", "ratio_excluding_quotes", "sources"}


def test_standard_input(library, submission, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(submission.text.encode("utf-8"))))
    body = json.loads(run("--json", "-"))
    assert body == check_text(submission.text).to_json()
    match = body["sources"][0]["matches"][0]
    assert submission.text[match["start"] : match["end"]] == core(submission.copied)


def test_a_docx_file(library, reports_dir, tmp_path):
    sample = samples.write_docx(tmp_path / "报告.docx", samples.report(reports_dir, 2024), paragraphs=8)
    body = json.loads(run("--json", str(sample.path)))
    assert body["sources"][0]["id"] == library[2024].pk and body["ratio"] > 0.8


def test_the_index_is_brought_up_to_date_first(reports_dir, submission, tmp_path):
    """Documents imported but not yet indexed (as after a web upload) are found."""
    from wenku.ingest.importer import ImportOptions, import_paths

    import_paths([reports_dir / f"{year}.txt" for year in YEARS], ImportOptions())
    path = tmp_path / "论文.txt"
    path.write_text(submission.text, encoding="utf-8")
    body = json.loads(run("--json", str(path)))
    assert body["sources"][0]["id"] == Document.objects.get(title__startswith="2024").pk


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("garbage.txt", bytes(range(256)) * 40, "无法识别文件的文字编码"),
        ("broken.docx", b"PK\x03\x04 not a zip" * 40, "docx"),
        ("empty.txt", b"", "文件是空的"),
        ("punctuation.txt", "，。！？".encode(), "没有可查重的文字"),
        ("program.exe", b"MZ" * 100, "不支持 .exe"),
    ],
)
def test_unreadable_files(library, tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(CommandError, match=message):
        run(str(path))


def test_a_missing_file(library, tmp_path):
    with pytest.raises(CommandError, match="不是文件"):
        run(str(tmp_path / "nowhere.txt"))


def test_the_wenku_command_exits_non_zero(library, tmp_path, capsys):
    assert catalog.ours()["check"].django_name == "wenku_check"
    path = tmp_path / "garbage.txt"
    path.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(SystemExit) as exit_info:
        main(["check", str(path)])
    assert exit_info.value.code != 0
    assert "无法识别文件的文字编码" in capsys.readouterr().err

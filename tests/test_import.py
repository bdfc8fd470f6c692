"""Importing real documents: titles, text kept exactly, idempotency, originals kept, the CLI's output."""

from __future__ import annotations

import json
import shutil

import pytest
from django.core.management import call_command

from wenku.library.models import Category, Document, Page
from wenku.text.counting import count_chars


def test_a_report_imports_with_its_text_exactly(reports_dir, import_one, data_dir):
    path = reports_dir / "2024.txt"
    result = import_one(path, category="政府工作报告")
    assert result.status == "imported"
    assert result.title == "2024年中华人民共和国国务院政府工作报告"
    document = Document.objects.get(pk=result.id)
    text = path.read_text(encoding="utf-8")
    assert document.full_text() == text.strip("\n")
    assert document.chars == result.chars == count_chars(text)
    assert document.page_count == result.pages == Page.objects.filter(document=document).count() > 1
    assert document.category == Category.objects.get(name="政府工作报告")
    assert document.heading_offsets == [0]  # the title line
    assert (data_dir / document.original_file).read_bytes() == path.read_bytes()


def test_the_same_bytes_twice_make_one_document(reports_dir, import_one, tmp_path):
    original = reports_dir / "1975.txt"
    copy = tmp_path / "renamed copy.txt"
    shutil.copy(original, copy)
    first = import_one(original)
    second = import_one(copy)
    assert second.status == "duplicate" and second.id == first.id
    assert second.describe() == f"与《{first.title}》重复"
    assert Document.objects.count() == 1


def test_jsonl_records_become_documents(reports_dir, db):
    from wenku.ingest.importer import import_file

    path = reports_dir.parent / "npc_resolutions_on_gov_work_reports.jsonl"
    results = import_file(path)
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [r.status for r in results] == ["imported"] * len(records)
    for result, record in zip(results, records, strict=True):
        document = Document.objects.get(pk=result.id)
        assert document.title == record["title"]
        assert document.full_text() == record["text"]
        assert document.original_record == record["id"]
    assert {r.status for r in import_file(path)} == {"duplicate"}


def test_the_cli_prints_json_lines_and_a_summary(reports_dir, tmp_path, capsys, db):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(reports_dir / "1975.txt", folder / "1975.txt")
    shutil.copy(reports_dir / "1978.txt", folder / "sub" / "1978.txt")
    call_command("wenku_import", str(folder), "--json", "--category", "报告")
    out, err = capsys.readouterr()
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["status"] for line in lines] == ["imported", "imported"]
    assert set(lines[0]) == {"path", "status", "id", "title", "chars", "pages", "reason"}
    assert "导入 2，重复 0，失败 0" in err
    call_command("wenku_import", str(folder))
    out, _ = capsys.readouterr()
    assert "与《1975年中华人民共和国国务院政府工作报告》重复" in out
    assert "导入 0，重复 2，失败 0" in out


def test_the_cli_exits_non_zero_when_a_file_fails(tmp_path, capsys, db):
    (tmp_path / "good.txt").write_text("标题\n正文第一段。", encoding="utf-8")
    (tmp_path / "bad.xyz").write_bytes(b"??")
    with pytest.raises(SystemExit) as exit_info:
        call_command("wenku_import", str(tmp_path))
    assert exit_info.value.code == 1
    out, err = capsys.readouterr()
    assert "失败：不支持 .xyz 格式的文件" in err
    assert "导入 1，重复 0，失败 1" in out
    assert Document.objects.count() == 1

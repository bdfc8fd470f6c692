"""`wenku export` writes JSONL that `wenku import` reads back: into a new data dir, the same titles and the same
texts, character for character (Document.full_text on both sides); listed documents only unless asked."""

from __future__ import annotations

import json

import pytest

from tests.conftest import CORPUS, require
from tests.ops.cli import SQLITE_PASS, Wenku

REPORTS = ("1954", "1979", "2003", "2025")


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Wenku:
    """A library of real documents in three categories (reports as .txt, speeches and congress reports as JSONL)
    and none, the first document made private; made once for this module."""
    require(CORPUS.is_dir(), f"the development corpus is not at {CORPUS} (set WENKU_CORPUS)")
    site = Wenku(tmp_path_factory.mktemp("export") / "source")
    site.run(
        "import",
        "--category",
        "政府工作报告",
        *(str(CORPUS / "official" / "gov_work_reports" / f"{y}.txt") for y in REPORTS),
    )
    site.run("import", "--category", "讲话", str(CORPUS / "speeches" / "xi_speeches_2020.jsonl"))
    site.run("import", "--category", "党代会报告", str(CORPUS / "official" / "cpc_congress_reports.jsonl"))
    site.run("import", str(CORPUS / "official" / "npc_resolutions_on_gov_work_reports.jsonl"))
    site.run(
        "shell",
        "-c",
        "from wenku.library.models import Document as D; d = D.objects.order_by('id').first(); "
        "d.visibility = 'private'; d.save()",
    )
    return site


def texts(site: Wenku, listed_only: bool = False) -> list[tuple[str, str]]:
    """(title, full text) of every document (or only the listed ones), sorted."""
    library = site.library()
    return sorted(
        (d["title"], d["full_text"])
        for d in library
        if not listed_only or (d["visibility"] == "public" and d["status"] == "published")
    )


@SQLITE_PASS
def test_export_then_import_gives_the_same_titles_and_texts(tmp_path, source):
    everything = tmp_path / "all.jsonl"
    done = source.run("export", "--include-private", str(everything))
    assert "已导出" in done.stdout
    records = [json.loads(line) for line in everything.read_text(encoding="utf-8").splitlines()]
    assert len(records) == len(source.library()) > 30
    assert {r["category"] for r in records} == {"政府工作报告", "讲话", "党代会报告", None}
    assert {"id", "title", "text", "description", "visibility", "created"} <= set(records[0])

    copy = Wenku(tmp_path / "copy")
    copy.run("import", str(everything))
    assert texts(copy) == texts(source)

    listed = tmp_path / "listed.jsonl"
    source.run("export", str(listed))
    listed_copy = Wenku(tmp_path / "listed-copy")
    listed_copy.run("import", str(listed))
    assert texts(listed_copy) == texts(source, listed_only=True) != texts(source)


@SQLITE_PASS
def test_export_of_one_category_and_in_parts(tmp_path, source):
    reports = tmp_path / "reports.jsonl"
    source.run("export", "--category", "政府工作报告", str(reports))
    records = [json.loads(line) for line in reports.read_text(encoding="utf-8").splitlines()]
    assert len(records) == len(REPORTS) - 1  # the first one was made private
    assert {r["category"] for r in records} == {"政府工作报告"}
    missing = source.run("export", "--category", "没有这个分类", str(tmp_path / "x.jsonl"), check=False)
    assert missing.returncode != 0 and "没有名为 没有这个分类 的分类" in missing.stderr

    source.run("export", "--include-private", "--split", "1", str(tmp_path / "parts.jsonl"))
    parts = sorted(tmp_path.glob("parts-*.jsonl"))
    assert len(parts) > 1 and all(p.stat().st_size <= 1024 * 1024 for p in parts[:-1])
    copy = Wenku(tmp_path / "copy")
    copy.run("import", *map(str, parts))
    assert texts(copy) == texts(source)


@SQLITE_PASS
def test_export_to_stdout(tmp_path, reports_dir):
    site = Wenku(tmp_path / "site")
    site.run("import", str(reports_dir / "1975.txt"))
    done = site.run("export", "-")
    (record,) = [json.loads(line) for line in done.stdout.splitlines()]
    assert record["text"] == site.library()[0]["full_text"] and record["title"] == site.library()[0]["title"]

"""Our own EPUB writer (wenku/downloads/epub_package.py) and reader (wenku/ingest/converters/epub.py), without
EbookLib: the container layout EPUB 3 asks for, and what is written reads back the same."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import pytest
from lxml import etree

from tests.conftest import REPO
from wenku.downloads.epub_package import Chapter, write_epub
from wenku.downloads.exporters.epub import export
from wenku.downloads.outline import Block, Outline
from wenku.ingest.converters import epub as reader
from wenku.ingest.errors import ImportRefused

TITLE = '政府工作报告 & <汇编> "2024"'
BLOCKS = [
    Block(TITLE, "title"),
    Block("一、2023年工作回顾", "heading"),
    Block("各位代表：现在，我代表国务院，向大会报告政府工作，请予审议 & 指正。", "text"),
    Block("二、2024年经济社会发展总体要求和政策取向", "heading"),
    Block("今年发展主要预期目标是：国内生产总值增长5%左右；城镇新增就业1200万人以上。", "text"),
]


def test_the_container_is_laid_out_as_epub_3_asks():
    data = export(Outline(TITLE, BLOCKS, has_chapters=False))
    assert data[30:58] == b"mimetypeapplication/epub+zip"  # first entry, stored, no extra field: readers sniff it
    archive = zipfile.ZipFile(BytesIO(data))
    first = archive.infolist()[0]
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED and not first.extra
    package = reader.read_package(archive)
    opf = etree.fromstring(archive.read(package.path))
    assert opf.get("version") == "3.0"
    modified = opf.find(".//{http://www.idpf.org/2007/opf}meta[@property='dcterms:modified']")
    assert modified is not None and datetime.strptime(modified.text, "%Y-%m-%dT%H:%M:%SZ")
    assert package.nav is not None and package.nav not in package.documents
    assert package.title == TITLE
    assert len(package.documents) == 3  # the title, then one chapter file per heading
    for item in package.manifest.values():
        etree.fromstring(archive.read(item.path))  # every file is well-formed XML (XHTML, NCX)


def test_what_is_written_reads_back_as_the_same_paragraphs_and_headings():
    data = export(Outline(TITLE, BLOCKS, has_chapters=False))
    [entry] = reader.extract(data, "book.epub")
    assert entry.title == TITLE
    assert entry.paragraphs == [b.text for b in BLOCKS]
    assert entry.headings == {0, 1, 3}


def test_chapters_keep_their_order_and_table_of_contents():
    chapters = [Chapter(f"第{n}章", f"<h2>第{n}章</h2><p>正文{n}</p>", f"c{n}.xhtml") for n in (3, 1, 2)]
    stamp = datetime(2024, 3, 5, tzinfo=UTC)
    data = write_epub(chapters, title="书", identifier="urn:x", creator="国务院", modified=stamp)
    assert data == write_epub(chapters, title="书", identifier="urn:x", creator="国务院", modified=stamp)
    [entry] = reader.extract(data, "book.epub")
    assert entry.paragraphs == ["第3章", "正文3", "第1章", "正文1", "第2章", "正文2"]
    archive = zipfile.ZipFile(BytesIO(data))
    package = reader.read_package(archive)
    nav = etree.fromstring(archive.read(package.nav.path))
    assert [a.text for a in nav.iter("{http://www.w3.org/1999/xhtml}a")] == ["第3章", "第1章", "第2章"]


def test_a_spine_entry_whose_file_is_missing_is_skipped_and_a_missing_package_refused():
    data = write_epub(
        [Chapter("一", "<p>甲</p>", "a.xhtml"), Chapter("二", "<p>乙</p>", "b.xhtml")], title="书", identifier="x"
    )
    archive = zipfile.ZipFile(BytesIO(data))
    kept = [(i, archive.read(i)) for i in archive.infolist() if not i.filename.endswith("a.xhtml")]
    without_a = BytesIO()
    with zipfile.ZipFile(without_a, "w") as out:
        for info, content in kept:
            out.writestr(info, content)
    assert reader.extract(without_a.getvalue(), "x.epub")[0].paragraphs == ["乙"]
    no_opf = BytesIO()
    with zipfile.ZipFile(no_opf, "w") as out:
        for info, content in kept:
            if not info.filename.endswith(".opf"):
                out.writestr(info, content)
    with pytest.raises(ImportRefused) as refused:
        reader.extract(no_opf.getvalue(), "x.epub")
    assert refused.value.message.startswith("not a valid .epub file") and "content.opf" in str(refused.value)


def test_nothing_uses_ebooklib():
    """EbookLib is AGPL-3.0: not in an MIT project served over a network (not a dependency, imported nowhere)."""
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8").lower()
    assert "ebooklib" not in pyproject
    for path in [*(REPO / "wenku").rglob("*.py"), *(REPO / "tests").rglob("*.py")]:
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import)\s+ebooklib\b", source, re.M), path


def test_epubcheck_finds_no_errors(tmp_path):
    """The W3C validator, when it is installed (Debian: apt-get install epubcheck); not a requirement."""
    jar = shutil.which("epubcheck")
    if jar is None or shutil.which("java") is None:
        pytest.skip("epubcheck is not installed")
    path = tmp_path / "book.epub"
    compilation = [BLOCKS[0], Block("第一篇", "chapter"), *BLOCKS[1:3], Block("第二篇", "chapter"), *BLOCKS[3:]]
    path.write_bytes(export(Outline(TITLE, compilation, has_chapters=True)))
    command = ["java", "-jar", jar] if Path(jar).read_bytes()[:2] == b"PK" else [jar]  # Debian ships the bare jar
    result = subprocess.run([*command, str(path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "No errors or warnings detected" in result.stdout, result.stdout + result.stderr

"""Every supported format, written as a real file with real Chinese text, imports with its text exactly."""

from __future__ import annotations

import json
import re
import shutil
from xml.sax.saxutils import escape

import pytest

from tests import samples
from wenku.ingest.importer import import_file
from wenku.library.models import Document, Page
from wenku.text.counting import count_chars

pytestmark = pytest.mark.django_db


def check_imported(result, sample: samples.Sample, fmt: str, data_dir) -> Document:
    """The import gave exactly the sample's title, paragraphs and headings, counted and paginated, original kept."""
    assert result.status == "imported", result.reason
    document = Document.objects.get(pk=result.id)
    assert document.title == result.title == sample.title
    assert document.full_text() == sample.text
    assert document.heading_offsets == sample.heading_offsets
    assert document.chars == result.chars == count_chars(sample.text)
    assert document.text_length == len(sample.text)
    assert document.page_count == result.pages == Page.objects.filter(document=document).count()
    assert document.source_format == fmt
    assert document.original_name == sample.path.name
    assert (data_dir / document.original_file).read_bytes() == sample.path.read_bytes()
    return document


# --- Word --------------------------------------------------------------------------------------------------------


def test_docx_keeps_title_headings_paragraphs_and_table(r2024, tmp_path, import_one, data_dir):
    sample = samples.write_docx(tmp_path / "政府工作报告.docx", r2024)
    document = check_imported(import_one(sample.path), sample, "docx", data_dir)
    assert document.page_count > 1
    # the merged table cell is one cell, its text once
    assert document.full_text().count("\n1.39万亿斤\n") == 1
    assert sample.paragraphs[sample.headings[1]] == "二、2024年政府工作任务"


def test_docx_title_from_its_properties_unless_a_placeholder(r2024, tmp_path, import_one):
    named = samples.write_docx(tmp_path / "a.docx", r2024, paragraphs=4, core_title="政府工作报告（摘要）")
    assert import_one(named.path).title == "政府工作报告（摘要）"
    placeholder = samples.write_docx(tmp_path / "b.docx", r2024, paragraphs=5, core_title="文档1")
    assert import_one(placeholder.path).title == r2024.title  # Word's "文档1" is no title: the Title heading is


def test_docx_tables_nested_and_merged_down(tmp_path, import_one):
    import docx

    document = docx.Document()
    document.add_paragraph("主要指标完成情况如下。")
    table = document.add_table(rows=3, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "指标", "完成情况"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "经济增长"  # one cell over two rows
    table.cell(1, 1).text = "国内生产总值增长5.2%"
    inner = table.cell(2, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "居民消费价格", "上涨0.2%"
    path = tmp_path / "表格.docx"
    document.save(path)
    result = import_one(path)
    assert result.status == "imported", result.reason
    assert Document.objects.get(pk=result.id).full_text() == "\n".join(
        ["主要指标完成情况如下。", "指标", "完成情况", "经济增长", "国内生产总值增长5.2%", "居民消费价格", "上涨0.2%"]
    )


def test_docx_content_controls_are_read_but_not_the_table_of_contents(r2024, tmp_path, import_one):
    """Word keeps cover pages and form fields in content controls (w:sdt), and its table of contents in one too."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    def control(properties: str, paragraphs: list[str]):
        runs = "".join(f"<w:p><w:r><w:t>{escape(p)}</w:t></w:r></w:p>" for p in paragraphs)
        return parse_xml(
            f"<w:sdt {nsdecls('w')}><w:sdtPr>{properties}</w:sdtPr><w:sdtContent>{runs}</w:sdtContent></w:sdt>"
        )

    body = r2024.body(count=3)
    document = docx.Document()
    toc = '<w:docPartObj><w:docPartGallery w:val="Table of Contents"/><w:docPartUnique/></w:docPartObj>'
    document.element.body.insert(0, control(toc, ["目录", "一、2023年工作回顾 1", "二、2024年政府工作任务 5"]))
    document.element.body.insert(1, control('<w:alias w:val="标题"/>', [r2024.title]))
    for paragraph in body:
        document.add_paragraph(paragraph)
    document.save(tmp_path / "controls.docx")
    result = import_one(tmp_path / "controls.docx")
    assert result.status == "imported", result.reason
    assert Document.objects.get(pk=result.id).full_text() == "\n".join([r2024.title, *body])


# --- PDF ---------------------------------------------------------------------------------------------------------


def test_pypdfium2_reads_the_sample_pdf_text_layer(r2024, tmp_path):
    """The check under the PDF tests: the PDF we write has the Chinese text in a layer pypdfium2 extracts."""
    import pypdfium2 as pdfium

    sample = samples.write_pdf(tmp_path / "a.pdf", r2024.title, r2024.body(chars=4000))
    pdf = pdfium.PdfDocument(sample.path.read_bytes())
    try:
        assert len(pdf) >= 2
        lines = []
        for index in range(len(pdf)):
            textpage = pdf[index].get_textpage()
            lines += textpage.get_text_range().splitlines()
            textpage.close()
    finally:
        pdf.close()
    numbers = [line.strip() for line in lines if re.fullmatch(r"- \d+ -", line.strip())]
    assert numbers == [f"- {n} -" for n in range(1, len(numbers) + 1)] and len(numbers) >= 2
    running = "".join(line.strip() for line in lines if not re.fullmatch(r"- \d+ -", line.strip()))
    assert running == "".join(sample.paragraphs)
    assert sum(len(line) > 30 for line in lines) > 60  # the paragraphs are wrapped over many lines


def test_pdf_paragraphs_come_back_whole_across_lines_and_pages(r2024, tmp_path, import_one, data_dir):
    sample = samples.write_pdf(tmp_path / "报告.pdf", r2024.title, r2024.body(chars=4000))
    document = check_imported(import_one(sample.path), sample, "pdf", data_dir)
    assert document.page_count > 1
    assert "- 1 -" not in document.full_text()  # page numbers are not text


def test_pdf_title_from_metadata_unless_a_placeholder(r2024, tmp_path, import_one):
    titled = samples.write_pdf(tmp_path / "a.pdf", r2024.title, r2024.body(count=3), metadata_title="报告（节选）")
    assert import_one(titled.path).title == "报告（节选）"
    # reportlab writes "(anonymous)" when it is given no title: that is not the document's title
    untitled = samples.write_pdf(tmp_path / "b.pdf", r2024.title, r2024.body(count=4))
    assert import_one(untitled.path).title == r2024.title


def test_pdf_a_nearly_full_last_line_still_ends_its_paragraph(reports_dir, tmp_path, import_one):
    """Without a first-line indent only the line's length tells a paragraph's end: a last line 30-34 characters
    long (of 36 that fit) must not run into the next paragraph."""
    nearly_full = [
        paragraph
        for year in (2024, 2023)
        for paragraph in samples.report(reports_dir, year).body()
        if not any(c.isascii() for c in paragraph) and len(paragraph) > 36 and 30 <= len(paragraph) % 36 <= 34
    ][:12]
    assert len(nearly_full) == 12
    sample = samples.write_pdf(tmp_path / "近满行.pdf", "政府工作报告摘录", nearly_full, indent=False)
    result = import_one(sample.path)
    assert result.status == "imported", result.reason
    assert Document.objects.get(pk=result.id).full_text() == sample.text


# --- EPUB --------------------------------------------------------------------------------------------------------


def test_epub_chapters_in_order_with_headings_and_its_title(r2024, r2023, tmp_path, import_one, data_dir):
    sample = samples.write_epub(tmp_path / "book.epub", r2024, r2023, book_title="政府工作报告两篇")
    document = check_imported(import_one(sample.path), sample, "epub", data_dir)
    assert document.page_count > 1
    assert len(sample.headings) == 4
    # the navigation document (the table of contents) is not part of the text
    assert document.full_text().count(r2023.title) == 1


# --- plain text in Chinese encodings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "bom", "year", "traditional"),
    [
        ("gb18030", False, 2024, False),
        ("gbk", False, 2023, False),
        ("big5", False, 2022, True),
        ("utf-16-le", True, 2016, False),  # not 2021: its stray line breaks are joined on import (text/unwrap.py)
        ("utf-8", True, 2019, False),
        ("utf-16-le", False, 2018, False),
    ],
    ids=["gb18030", "gbk", "big5", "utf16-bom", "utf8-bom", "utf16-no-bom"],
)
def test_text_in_each_encoding_decodes_exactly(
    reports_dir, tmp_path, import_one, data_dir, encoding, bom, year, traditional
):
    source = samples.report(reports_dir, year)
    paragraphs = [source.title, *source.body()]
    if traditional:
        paragraphs = samples.to_traditional_big5(paragraphs)
        assert "經濟" in "".join(paragraphs)  # really traditional text
    sample = samples.write_text(tmp_path / f"{year}-{encoding}.txt", paragraphs, encoding, bom=bom)
    if encoding != "utf-8":
        with pytest.raises(UnicodeDecodeError):
            sample.path.read_bytes().decode("utf-8")  # so the decoding is really put to work
    else:
        assert sample.path.read_bytes().decode("utf-8").startswith("\ufeff")  # the mark must not become text
    document = check_imported(import_one(sample.path), sample, "txt", data_dir)
    assert document.page_count > 1


def test_text_with_crlf_line_ends_and_blank_lines(r2024, tmp_path, import_one, data_dir):
    paragraphs = [r2024.title, *r2024.body(count=12)]
    path = tmp_path / "windows.txt"
    path.write_bytes(("\r\n\r\n".join(paragraphs) + "\r\n").encode("gb18030"))
    sample = samples.Sample(path, r2024.title, paragraphs, headings=[0])
    check_imported(import_one(path), sample, "txt", data_dir)


def test_a_short_text_in_gbk_and_in_big5(tmp_path, import_one):
    """Short texts give the encoding guess little to go on."""
    for name, text, encoding in [
        ("短.txt", "通知\n明天上午九点开会。", "gbk"),
        ("短繁.txt", "通知\n明天上午九點開會。", "big5"),
    ]:
        (tmp_path / name).write_bytes(text.encode(encoding))
        result = import_one(tmp_path / name)
        assert result.status == "imported", result.reason
        assert Document.objects.get(pk=result.id).full_text() == text


# --- Markdown ------------------------------------------------------------------------------------------------------


def test_markdown_text_without_its_markup(r2024, tmp_path, import_one, data_dir):
    sample = samples.write_markdown(tmp_path / "报告.md", r2024)
    document = check_imported(import_one(sample.path), sample, "markdown", data_dir)
    text = document.full_text()
    assert document.page_count > 1
    for markup in ("**", "](", "https://", "```", "- 坚持", "#"):
        assert markup not in text


def test_markdown_front_matter_title_and_latin_lines(tmp_path, import_one):
    path = tmp_path / "post.md"
    path.write_text(
        '---\ntitle: "政府工作报告学习笔记"\ndate: 2024-03-06\n---\n\n'
        "The report sets a GDP growth target of\naround 5%, the same as last year.\n\n"
        "## 要点\n\n今年发展主要预期目标是：国内生产总值增长\n5%左右。\n",
        encoding="utf-8",
    )
    result = import_one(path)
    assert result.title == "政府工作报告学习笔记"
    document = Document.objects.get(pk=result.id)
    assert document.full_text() == "\n".join(
        [
            "The report sets a GDP growth target of around 5%, the same as last year.",
            "要点",
            "今年发展主要预期目标是：国内生产总值增长5%左右。",
        ]
    )


# --- HTML --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["div", "article", "old-table-br"])
def test_html_keeps_the_article_and_drops_the_page_furniture(r2024, tmp_path, import_one, data_dir, layout):
    if layout == "old-table-br":
        sample = samples.write_old_style_html(tmp_path / "news.htm", r2024)
        page, furniture_words = sample.path.read_bytes().decode("gbk"), samples.OLD_HTML_FURNITURE
    else:
        sample = samples.write_html(tmp_path / "news.html", r2024, article_tag=layout == "article")
        page, furniture_words = sample.path.read_text(encoding="utf-8"), samples.HTML_FURNITURE
    document = check_imported(import_one(sample.path), sample, "html", data_dir)
    text = document.full_text()
    for furniture in furniture_words:
        assert furniture in page and furniture not in sample.text, furniture  # on the page, not in the article
        assert furniture not in text, furniture


def test_html_in_gb2312_with_its_charset_declared(r2024, tmp_path, import_one):
    body = r2024.body(count=6)
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        f"<title>{r2024.title}</title></head><body><h1>{r2024.title}</h1>"
        + "".join(f"<p>{p}</p>" for p in body)
        + "</body></html>"
    )
    path = tmp_path / "gb.htm"
    path.write_bytes(page.encode("gb18030"))
    result = import_one(path)
    assert result.title == r2024.title
    assert Document.objects.get(pk=result.id).full_text() == "\n".join([r2024.title, *body])


# --- JSONL, duplicates -----------------------------------------------------------------------------------------------


def test_jsonl_gives_one_document_per_record(reports_dir, import_one, data_dir):
    path = reports_dir.parent / "npc_resolutions_on_gov_work_reports.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    results = import_file(path)
    assert [r.status for r in results] == ["imported"] * len(records) and len(records) == 20
    assert len({r.id for r in results}) == len(records) == Document.objects.count()
    for result, record in zip(results, records, strict=True):
        document = Document.objects.get(pk=result.id)
        assert document.title == result.title == record["title"]
        assert document.full_text() == "\n".join(p.strip() for p in record["text"].split("\n") if p.strip())
        assert document.chars == count_chars(record["text"])
        assert document.original_record == record["id"]
        assert document.source_format == "jsonl"
        assert (data_dir / document.original_file).read_bytes() == path.read_bytes()
    again = import_file(path)
    assert [(r.status, r.id) for r in again] == [("duplicate", r.id) for r in results]


@pytest.mark.parametrize("fmt", ["docx", "pdf", "epub", "txt", "md", "html"])
def test_the_same_bytes_imported_twice_are_one_document(r2024, r2023, tmp_path, import_one, fmt):
    path = tmp_path / f"original.{fmt}"
    if fmt == "docx":
        samples.write_docx(path, r2024, paragraphs=10)
    elif fmt == "pdf":
        samples.write_pdf(path, r2024.title, r2024.body(count=5))
    elif fmt == "epub":
        samples.write_epub(path, r2024, r2023, paragraphs=4, book_title="两篇")
    elif fmt == "txt":
        samples.write_text(path, [r2024.title, *r2024.body(count=10)], "gb18030")
    elif fmt == "md":
        samples.write_markdown(path, r2024, paragraphs=10)
    else:
        samples.write_html(path, r2024, paragraphs=10)
    first = import_one(path)
    assert first.status == "imported", first.reason
    pages = Page.objects.count()
    copy = tmp_path / "sub" / f"another name.{fmt}"
    copy.parent.mkdir()
    shutil.copy(path, copy)
    for again in (import_one(path), import_one(copy)):
        assert (again.status, again.id, again.title) == ("duplicate", first.id, first.title)
    assert Document.objects.count() == 1 and Page.objects.count() == pages

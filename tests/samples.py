"""Write real files in real formats (.docx .pdf .epub .html .md, text in Chinese encodings, hostile zips) for tests.

Each ``write_*`` function writes one file and returns a Sample: the path, and what an import of it should give
(the title, the paragraphs exactly as written, which of them are headings). The text is real Chinese (the government
work reports of the bundled sample library), so the files look like the documents people upload.
"""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape


@dataclass
class Sample:
    path: Path
    title: str
    paragraphs: list[str]
    headings: list[int] = field(default_factory=list)  # indices of the heading paragraphs

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)

    @property
    def heading_offsets(self) -> list[int]:
        """Where the headings start in ``text``: what Document.heading_offsets should hold."""
        starts, position = [], 0
        for paragraph in self.paragraphs:
            starts.append(position)
            position += len(paragraph) + 1
        return [starts[i] for i in sorted(self.headings)]


@dataclass
class Report:
    """A government work report: its title line and its paragraphs."""

    title: str
    paragraphs: list[str]

    def body(self, start: int = 6, chars: int | None = None, count: int | None = None) -> list[str]:
        """Consecutive body paragraphs (the report's own text starts after its six-line preamble).

        ``chars``: stop once this many characters are taken; ``count``: take this many paragraphs.
        The Wikisource licence notes at the end are not part of the report and are never taken.
        """
        paragraphs = self.paragraphs[start:]
        if "本作品" in "".join(p[:3] for p in paragraphs):
            paragraphs = paragraphs[: next(i for i, p in enumerate(paragraphs) if p.startswith("本作品"))]
        taken, total = [], 0
        for paragraph in paragraphs:
            if count is not None and len(taken) >= count:
                break
            if chars is not None and total >= chars:
                break
            taken.append(paragraph)
            total += len(paragraph)
        return taken


def report(reports_dir: Path, year: int) -> Report:
    """The report of ``year`` from the bundled sample library (the ``reports_dir`` fixture)."""
    lines = [line.strip() for line in (reports_dir / f"{year}.txt").read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    return Report(title=lines[0], paragraphs=lines[1:])


# --- Word ------------------------------------------------------------------------------------------------------


def write_docx(path: Path, source: Report, *, paragraphs: int = 60, core_title: str | None = None) -> Sample:
    """A .docx as Word users write them: a title (style "Title"), body paragraphs, a "Heading 2" section heading
    with more paragraphs under it, and a table (one cell spanning two columns)."""
    import docx

    body = source.body(count=paragraphs)
    half = len(body) // 2
    section = "二、2024年政府工作任务"
    table = [
        ["指标", "2023年", "说明"],
        ["国内生产总值", "超过126万亿元", "增长5.2%"],
        ["城镇新增就业", "1244万人", "城镇调查失业率平均为5.2%"],
        ["粮食产量", "1.39万亿斤"],  # the last cell spans the last two columns
    ]
    document = docx.Document()
    if core_title is not None:
        document.core_properties.title = core_title
    document.add_heading(source.title, level=0)
    for paragraph in body[:half]:
        document.add_paragraph(paragraph)
    document.add_heading(section, level=2)
    for paragraph in body[half:]:
        document.add_paragraph(paragraph)
    grid = document.add_table(rows=len(table), cols=3)
    for r, row in enumerate(table):
        if len(row) == 2:
            grid.cell(r, 1).merge(grid.cell(r, 2))
        for c, value in enumerate(row):
            grid.cell(r, c).text = value
    document.add_paragraph("再创历史新高。")
    document.save(path)
    expected = [source.title, *body[:half], section, *body[half:], *(cell for row in table for cell in row)]
    expected.append("再创历史新高。")
    return Sample(path, core_title or source.title, expected, headings=[0, half + 1])


# --- PDF -------------------------------------------------------------------------------------------------------

_PDF_FONT = "STSong-Light"


@functools.cache
def _register_pdf_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(_PDF_FONT))


def write_pdf(
    path: Path, title: str, body: list[str], *, indent: bool = True, metadata_title: str | None = None
) -> Sample:
    """A PDF with a real Chinese text layer, set like a typical Chinese document: a title in a larger size, body
    paragraphs in 12 pt wrapped over several lines and pages (with a two-character first-line indent unless not
    ``indent``), page numbers in the footer. A line holds 36 Chinese characters."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    _register_pdf_font()
    title_style = ParagraphStyle("title", fontName=_PDF_FONT, fontSize=18, leading=28, spaceAfter=12, alignment=1)
    body_style = ParagraphStyle(
        "body", fontName=_PDF_FONT, fontSize=12, leading=20, firstLineIndent=24 if indent else 0, wordWrap="CJK"
    )

    def page_number(canvas, doc) -> None:
        canvas.setFont(_PDF_FONT, 9)
        canvas.drawCentredString(A4[0] / 2, 30, f"- {doc.page} -")

    options = {"title": metadata_title} if metadata_title else {}
    document = SimpleDocTemplate(str(path), pagesize=A4, **options)
    story = [Paragraph(escape(title), title_style)] + [Paragraph(escape(p), body_style) for p in body]
    document.build(story, onFirstPage=page_number, onLaterPages=page_number)
    return Sample(path, metadata_title or title, [title, *body], headings=[0])


def write_pdf_without_text(path: Path) -> Path:
    """A PDF whose pages are only drawn shapes and a raster image, as a scan is: no text layer at all."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4)
    for page in range(2):
        pdf.setFillColorRGB(0.9, 0.9, 0.85)
        pdf.rect(50, 50, 495, 740, fill=1, stroke=0)
        pdf.setStrokeColorRGB(0.2, 0.2, 0.2)
        for y in range(700, 100, -24):  # lines where text would be: a drawing, not text
            pdf.line(80, y, 515 - 40 * (y % 3) - page, y)
        pdf.drawImage(ImageReader(_png(120, 80)), 100, 400, width=240, height=160)
        pdf.showPage()
    pdf.save()
    return path


def write_encrypted_pdf(path: Path, source: Report) -> Path:
    """A PDF with real text, encrypted with a user password (it cannot be opened without it)."""
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    _register_pdf_font()
    pdf = canvas.Canvas(str(path), encrypt=pdfencrypt.StandardEncryption("口令-secret", canPrint=0))
    pdf.setFont(_PDF_FONT, 12)
    for i, paragraph in enumerate(source.body(count=5)):
        pdf.drawString(72, 760 - 20 * i, paragraph[:30])
    pdf.save()
    return path


def _png(width: int, height: int) -> io.BytesIO:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    for x in range(0, width, 6):
        draw.line((x, 0, width - x, height), fill=(x % 255, 90, 160))
    out = io.BytesIO()
    image.save(out, format="PNG")
    out.seek(0)
    return out


# --- EPUB ------------------------------------------------------------------------------------------------------


def write_epub(path: Path, first: Report, second: Report, *, paragraphs: int = 30, book_title: str) -> Sample:
    """An EPUB 3 book with two chapters (h1 chapter titles, an h2 section in each), a navigation document (first in
    the spine, as many books have it) and an NCX, and the DC title in its metadata. Written with zipfile alone, in
    the layout EbookLib and Sigil write (EPUB/…), not with our own EPUB writer: the reader is tested on a file it
    did not make."""
    expected: list[str] = []
    headings: list[int] = []
    chapters: list[tuple[str, str]] = []  # (title, xhtml body)
    for number, source in enumerate((first, second), start=1):
        body = source.body(count=paragraphs)
        half = len(body) // 2
        section = f"第{number}章第二节"
        chapters.append(
            (
                source.title,
                f"<h1>{escape(source.title)}</h1>"
                + "".join(f"<p>{escape(p)}</p>" for p in body[:half])
                + f"<h2>{escape(section)}</h2>"
                + "".join(f"<p>{escape(p)}</p>" for p in body[half:]),
            )
        )
        headings += [len(expected), len(expected) + 1 + half]
        expected += [source.title, *body[:half], section, *body[half:]]
    path.write_bytes(_epub_bytes(book_title, chapters))
    return Sample(path, book_title, expected, headings)


def _epub_bytes(title: str, chapters: list[tuple[str, str]]) -> bytes:
    def page(name: str, body: str) -> bytes:
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n<html xmlns="http://www.w3.org/1999/xhtml" '
            'xmlns:epub="http://www.idpf.org/2007/ops" lang="zh" xml:lang="zh">'
            f"<head><title>{escape(name)}</title></head><body>{body}</body></html>"
        ).encode()

    files = [f"chapter{n}.xhtml" for n in range(1, len(chapters) + 1)]
    toc = "".join(f'<li><a href="{f}">{escape(t)}</a></li>' for f, (t, _) in zip(files, chapters, strict=True))
    points = "".join(
        f'<navPoint id="p{n}"><navLabel><text>{escape(t)}</text></navLabel><content src="{f}"/></navPoint>'
        for n, (f, (t, _)) in enumerate(zip(files, chapters, strict=True), start=1)
    )
    items = "".join(
        f'<item href="{f}" id="chapter_{n}" media-type="application/xhtml+xml"/>' for n, f in enumerate(files, 1)
    )
    spine = "".join(f'<itemref idref="chapter_{n}"/>' for n in range(1, len(files) + 1))
    opf = (
        '<?xml version="1.0" encoding="utf-8"?>\n<package xmlns="http://www.idpf.org/2007/opf" version="3.0" '
        'unique-identifier="id"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:opf="http://www.idpf.org/2007/opf"><meta property="dcterms:modified">2024-03-05T00:00:00Z</meta>'
        f'<dc:identifier id="id">wenku-test-book</dc:identifier><dc:title>{escape(title)}</dc:title>'
        '<dc:language>zh</dc:language><dc:creator id="creator">国务院</dc:creator></metadata>'
        f'<manifest>{items}<item href="toc.ncx" id="ncx" media-type="application/x-dtbncx+xml"/>'
        '<item href="nav.xhtml" id="nav" media-type="application/xhtml+xml" properties="nav"/></manifest>'
        f'<spine toc="ncx"><itemref idref="nav"/>{spine}</spine></package>'
    )
    ncx = (
        '<?xml version="1.0" encoding="utf-8"?>\n<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">'
        f'<head><meta content="wenku-test-book" name="dtb:uid"/></head><docTitle><text>{escape(title)}</text>'
        f"</docTitle><navMap>{points}</navMap></ncx>"
    )
    container = (
        '<?xml version="1.0" encoding="utf-8"?>\n<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
        'version="1.0"><rootfiles><rootfile full-path="EPUB/content.opf" media-type="application/oebps-package+xml"/>'
        "</rootfiles></container>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/container.xml", container)
        for name, (chapter_title, body) in zip(files, chapters, strict=True):
            archive.writestr(f"EPUB/{name}", page(chapter_title, body))
        archive.writestr("EPUB/toc.ncx", ncx)
        archive.writestr(
            "EPUB/nav.xhtml", page(title, f'<nav epub:type="toc" id="id"><h2>{escape(title)}</h2><ol>{toc}</ol></nav>')
        )
        archive.writestr("EPUB/content.opf", opf)
    return out.getvalue()


# --- plain text and Markdown -----------------------------------------------------------------------------------


def write_text(path: Path, paragraphs: list[str], encoding: str, *, bom: bool = False, newline: str = "\n") -> Sample:
    """A .txt with one paragraph per line in ``encoding`` (with its byte-order mark when ``bom``)."""
    text = newline.join(paragraphs) + newline
    data = text.encode(encoding)
    if bom:
        marks = {"utf-8": b"\xef\xbb\xbf", "utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}
        data = marks[encoding] + data
    path.write_bytes(data)
    return Sample(path, paragraphs[0], list(paragraphs), headings=[0])


def to_traditional_big5(paragraphs: list[str]) -> list[str]:
    """The paragraphs in Traditional characters (Taiwan standard), keeping only those Big5 can encode."""
    import opencc

    converter = opencc.OpenCC("s2tw")
    out = []
    for paragraph in paragraphs:
        traditional = converter.convert(paragraph)
        try:
            traditional.encode("big5")
        except UnicodeEncodeError:
            continue
        out.append(traditional)
    return out


def write_markdown(path: Path, source: Report, *, paragraphs: int = 40) -> Sample:
    """A Markdown file: an ATX title, sections, soft-wrapped paragraphs, emphasis, a link, a list, a code block."""
    body = source.body(count=paragraphs)
    third = len(body) // 3
    lines = [f"# {source.title}", ""]
    expected = [source.title]
    headings = [0]
    lines += ["## 一、工作回顾", ""]
    headings.append(len(expected))
    expected.append("一、工作回顾")
    for paragraph in body[:third]:
        lines += [*_soft_wrap(paragraph, 30), ""]  # a paragraph written over several lines
        expected.append(paragraph)
    first = body[third]
    lines += [f"**{first[:6]}**{first[6:]}", ""]  # strong emphasis: the stars are markup, not text
    expected.append(first)
    second = body[third + 1]
    lines += [f'[{second[:4]}](https://www.gov.cn/ "中国政府网"){second[4:]}', ""]
    expected.append(second)
    lines += ["## 二、今年工作任务", ""]
    headings.append(len(expected))
    expected.append("二、今年工作任务")
    items = ["坚持稳中求进。", "以进促稳。", "先立后破。"]
    lines += [f"- {item}" for item in items] + [""]
    expected += items
    for paragraph in body[third + 2 :]:
        lines += [paragraph, ""]
        expected.append(paragraph)
    lines += ["```", "国内生产总值增长5.2%", "```"]
    expected.append("国内生产总值增长5.2%")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Sample(path, source.title, expected, headings)


def _soft_wrap(text: str, width: int) -> list[str]:
    """Lines of about ``width`` characters, broken only between two Chinese characters, as an editor would."""
    lines, start = [], 0
    for i in range(1, len(text)):
        if i - start >= width and not text[i - 1].isascii() and not text[i].isascii():
            lines.append(text[start:i])
            start = i
    return [*lines, text[start:]]


# --- HTML ------------------------------------------------------------------------------------------------------

HTML_FURNITURE = [  # words on the page around the article, none of them in the article
    "中国政府网",
    "首页",
    "国务院组织机构",
    "总理专栏",
    "新闻中心",
    "政策文件库",
    "互动交流",
    "办事服务",
    "数据发布",
    "当前位置",
    "分享到",
    "微信",
    "微博",
    "热门文章",
    "相关阅读",
    "网友评论",
    "写得真好",
    "版权所有",
    "京ICP备",
    "上一篇",
    "下一篇",
    "打印本页",
    "关闭窗口",
    "字号",
    "扫一扫",
    "登录",
    "trackPage",
    "color:",
]


def write_html(path: Path, source: Report, *, paragraphs: int = 25, article_tag: bool = False) -> Sample:
    """A news page as Chinese sites write them: header, navigation, breadcrumbs, share buttons, a sidebar of links,
    comments, a footer, scripts and styles, around the article. The article is a plain <div> (or an <article>
    holding the title and the text when ``article_tag``)."""
    body = source.body(count=paragraphs)
    half = len(body) // 2
    section = "二、2024年政府工作任务"
    text_html = (
        "".join(f"<p>{escape(p)}</p>\n" for p in body[:half])
        + f"<h2>{escape(section)}</h2>\n"
        + "".join(f'<p style="text-indent:2em">\n  {escape(p)}\n</p>\n' for p in body[half:])
    )
    related = "".join(f'<li><a href="/a/{i}.html">{escape(p[:18])}</a></li>' for i, p in enumerate(body[:8]))
    share = '<div class="share-bar">分享到 <a href="#">微信</a> <a href="#">微博</a> <a href="#">QQ空间</a></div>'
    meta = '<div class="pages-date">2024-03-12 来源：新华社 <span class="font">字号：大 中 小</span></div>'
    if article_tag:
        article = (
            f"<article><h1>{escape(source.title)}</h1>{meta}{share}\n{text_html}"
            '<div class="editor">打印本页 关闭窗口</div></article>'
        )
        expected = [source.title, *body[:half], section, *body[half:]]
        headings = [0, half + 1]
    else:
        article = (
            f'<div class="article-title"><h1>{escape(source.title)}</h1></div>{meta}{share}'
            f'<div id="UCAP-CONTENT" class="pages_content">\n{text_html}</div>'
            '<div class="editor">打印本页 关闭窗口</div>'
        )
        expected = [*body[:half], section, *body[half:]]
        headings = [half]
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{escape(source.title)}_中国政府网</title>
<style>.share-bar {{ color: #333; }}</style>
<script>window.trackPage && trackPage("article");</script>
</head>
<body>
<header class="site-header"><a href="/" class="logo">中国政府网</a><a href="/login">登录</a></header>
<nav class="navbar"><ul><li><a href="/">首页</a></li><li><a href="/guowuyuan/">国务院组织机构</a></li>
<li><a href="/zhuanti/">总理专栏</a></li><li><a href="/xinwen/">新闻中心</a></li>
<li><a href="/zhengce/">政策文件库</a></li><li><a href="/hudong/">互动交流</a></li>
<li><a href="/fuwu/">办事服务</a></li><li><a href="/shuju/">数据发布</a></li></ul></nav>
<div class="crumbs">当前位置：<a href="/">首页</a> &gt; <a href="/zhengce/">政策</a></div>
<div class="container">
  <div class="main-left">
  {article}
  <div class="prev-next">上一篇：<a href="/p.html">{escape(body[0][:12])}</a>
  下一篇：<a href="/n.html">{escape(body[1][:12])}</a></div>
  </div>
  <div class="sidebar"><h3>热门文章</h3><ul>{related}</ul><h3>相关阅读</h3><ul>{related}</ul>
  <div class="qrcode">扫一扫在手机打开当前页</div></div>
</div>
<div id="comments"><h3>网友评论</h3><div class="comment-item"><p>写得真好，非常振奋人心！</p></div>
<div class="comment-item"><p>{escape(body[2][:30])}</p></div></div>
<footer><p>版权所有：中国政府网 | 京ICP备05070218号</p></footer>
<script>document.querySelectorAll("a").forEach(function (a) {{ a.rel = "noopener"; }});</script>
</body>
</html>
"""
    path.write_text(page, encoding="utf-8")
    return Sample(path, source.title, expected, headings)


OLD_HTML_FURNITURE = ["人民网首页", "时政频道", "科技频道", "分享到", "排行榜", "新闻一则", "Copyright", "版权所有"]


def write_old_style_html(path: Path, source: Report, *, paragraphs: int = 12) -> Sample:
    """A page as older Chinese news sites write them, in GBK: a layout table, no <p> at all (paragraphs indented
    with &nbsp; and separated by <br>), a links box in the right-hand cell, a footer div named "foot"."""
    body = source.body(count=paragraphs)
    text = "".join(f"&nbsp;&nbsp;&nbsp;&nbsp;{escape(p)}<br><br>\n" for p in body)
    page = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">
<title>{escape(source.title)}--时政频道</title></head><body>
<div id="top"><a href="/">人民网首页</a> | <a href="/politics">时政频道</a> | <a href="/tech">科技频道</a></div>
<table width="960"><tr><td class="left" width="700">
<h1>{escape(source.title)}</h1>
<div id="p_content">{text}</div>
<div class="bdshare">分享到：</div>
</td><td class="right" width="260"><div class="box"><b>排行榜</b><br>
<a href="/1.html">新闻一则：{escape(body[0][:10])}</a><br><a href="/2.html">新闻一则：{escape(body[1][:10])}</a></div>
</td></tr></table>
<div id="foot">Copyright &copy; 1997-2024 人民网 版权所有</div></body></html>
"""
    path.write_bytes(page.encode("gbk"))
    return Sample(path, source.title, body, headings=[])


def write_deeply_nested_html(path: Path, depth: int = 100_000) -> Path:
    """An HTML file of ``depth`` nested <div>s around one sentence (parsers and tree walks must survive it)."""
    path.write_text(
        "<html><body>" + "<div>" * depth + "<p>深层嵌套的正文。</p>" + "</div>" * depth + "</body></html>",
        encoding="utf-8",
    )
    return path


# --- zip containers ----------------------------------------------------------------------------------------------


@dataclass
class Zeros:
    """A zip entry of ``size`` zero bytes, deflated (300 MB becomes ~300 KB).

    With ``declared_size`` the headers lie, consistently: that size, and the checksum of that many zeros, as if
    the entry were only its first ``declared_size`` bytes."""

    name: str
    size: int
    declared_size: int | None = None


def write_zip(path: Path, entries: list[tuple[str, bytes] | Zeros]) -> Path:
    """A zip file written byte by byte, so that an entry can expand to hundreds of MB without being held in
    memory or deflated at test time, and its sizes in the headers can lie."""
    out = io.BytesIO()
    central = []
    for entry in entries:
        if isinstance(entry, Zeros):
            name, (deflated, crc) = entry.name, _deflated_zeros(entry.size)
            size = entry.size
            if entry.declared_size is not None:
                size, crc = entry.declared_size, zlib.crc32(bytes(entry.declared_size))
        else:
            name, data = entry
            compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
            deflated, crc, size = compressor.compress(data) + compressor.flush(), zlib.crc32(data), len(data)
        raw_name = name.encode("utf-8")
        offset = out.tell()
        # version, flags (UTF-8 names), method 8 (deflate), time, date, CRC, sizes, name length, extra length
        fields = (0x800, 8, 0, 0x21, crc, len(deflated), size, len(raw_name), 0)
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, *fields) + raw_name + deflated)
        # ... then comment length, disk, attributes, and where the local header is
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, *fields, 0, 0, 0, 0, offset) + raw_name)
    start = out.tell()
    for record in central:
        out.write(record)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - start, start, 0))
    path.write_bytes(out.getvalue())
    return path


@functools.cache
def _deflated_zeros(size: int) -> tuple[bytes, int]:
    """Raw deflate data and CRC-32 of ``size`` zero bytes, built from one compressed MB repeated."""
    mb = 1 << 20
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(mb)) + compressor.flush(zlib.Z_FULL_FLUSH)  # independent of what precedes
    whole, rest = divmod(size, mb)
    tail = compressor.compress(bytes(rest)) + compressor.flush(zlib.Z_FINISH)
    crc = 0
    zeros = bytes(mb)
    for _ in range(whole):
        crc = zlib.crc32(zeros, crc)
    crc = zlib.crc32(bytes(rest), crc)
    return block * whole + tail, crc


def zip_entries(path: Path) -> list[tuple[str, bytes]]:
    """The entries of a real zip container (to build a hostile one that looks like it)."""
    with zipfile.ZipFile(path) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]

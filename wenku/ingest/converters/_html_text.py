"""Turn an HTML tree into paragraphs: block elements end paragraphs, headings are kept as headings."""

from __future__ import annotations

import re

from django.utils.translation import gettext_noop
from lxml import etree, html

from wenku.ingest.extracted import ParagraphBuilder

BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
HEADING_TAGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
SKIPPED_TAGS = frozenset(
    ["script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas", "head"]
)
_MAX_DEPTH = 2048  # libxml2's nesting limit for a "huge" tree
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([a-zA-Z0-9_\-]+)""", re.I)


def parse_html(data: bytes) -> html.HtmlElement:
    """Parse HTML bytes, honouring a declared charset (gb2312/gbk read as gb18030) or detecting one."""
    from wenku.ingest import limits
    from wenku.ingest.decoding import UndecodableText, decode_text
    from wenku.ingest.errors import ImportRefused

    declared = _META_CHARSET.search(data[:4096])
    text = None
    if declared:
        encoding = declared.group(1).decode("ascii").lower()
        encoding = "gb18030" if encoding in ("gb2312", "gbk", "x-gbk", "gb_2312-80") else encoding
        try:
            text = data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            text = None
    if text is None:
        try:
            text, _ = decode_text(data)
        except UndecodableText as exc:
            raise ImportRefused(gettext_noop("cannot decode the HTML: %(exc)s"), exc=exc) from None
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml refuses str input with an encoding declaration
    if not text.strip():
        raise ImportRefused(gettext_noop("empty HTML document"))
    parser = html.HTMLParser(huge_tree=True)  # libxml2 otherwise silently drops everything below depth 256
    try:
        tree = html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ImportRefused(gettext_noop("cannot parse the HTML: %(exc)s"), exc=exc) from None
    for error in parser.error_log:
        if error.type_name == "ERR_RESOURCE_LIMIT":  # the parser stopped: the rest of the text would be lost
            if "depth" in error.message.lower():
                raise ImportRefused(
                    gettext_noop("the HTML is nested too deeply to read (more than %(limit)s levels)"), limit=_MAX_DEPTH
                )
            raise ImportRefused(
                gettext_noop("the HTML is beyond the parser's limits: %(detail)s"), detail=error.message.strip()
            )
    elements = limits.elements_counter()
    for _ in tree.iter():  # every later pass walks the tree: refuse a huge one before any of them
        elements.add()
    return tree


def element_text(element: html.HtmlElement) -> str:
    return " ".join("".join(element.itertext()).split())


def collect_blocks(root: html.HtmlElement, builder: ParagraphBuilder) -> None:
    """Append the paragraphs under ``root`` to ``builder`` (walking the tree without recursion: any depth)."""
    buffer: list[str] = []
    heading_depth = 0

    def flush() -> None:
        if buffer:
            builder.add("".join(buffer), heading=heading_depth > 0)
            buffer.clear()

    stack: list[tuple[html.HtmlElement, bool]] = [(root, False)]
    while stack:
        element, leaving = stack.pop()
        tag = element.tag if isinstance(element.tag, str) else ""
        if leaving:
            if tag in BLOCK_TAGS:
                flush()
            if tag in HEADING_TAGS:
                heading_depth -= 1
            if element.tail and element is not root:
                buffer.append(_squash(element.tail))
            continue
        if tag in SKIPPED_TAGS or not tag:
            if element.tail and element is not root:
                buffer.append(_squash(element.tail))
            continue
        if tag in BLOCK_TAGS or tag == "br":
            flush()
        if tag in HEADING_TAGS:
            heading_depth += 1
        if element.text:
            buffer.append(element.text if tag == "pre" else _squash(element.text))
        stack.append((element, True))
        stack.extend((child, False) for child in reversed(element))
    flush()


def _squash(text: str) -> str:
    """HTML whitespace collapses; a newline in the source is not a paragraph break."""
    return re.sub(r"[ \t\r\n\f]+", " ", text)

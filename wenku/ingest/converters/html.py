"""HTML pages: the main text only. Navigation, share buttons, comments and other page furniture are dropped."""

from __future__ import annotations

import re
from pathlib import PurePath

from lxml import html

from wenku.ingest.converters._html_text import BLOCK_TAGS, SKIPPED_TAGS, collect_blocks, element_text, parse_html
from wenku.ingest.extracted import Extracted, ParagraphBuilder, clean_title

_FURNITURE_TAGS = ("nav", "header", "footer", "aside", "form", "button", "select", "textarea", "input", "menu")
_FURNITURE_NAMES = re.compile(
    r"(^|[-_\s])(nav|navbar|menu|breadcrumbs?|crumbs?|share|sharing|social|footer|header|sidebar|side|"
    r"comments?|related|recommend|advert|ads?|banner|toolbar|login|qrcode|copyright|pager|pagination)($|[-_\s])",
    re.I,
)
# Blocks that hold an article's paragraphs; a <p>, a heading or a list item counts for the block around it.
_CONTAINER_TAGS = BLOCK_TAGS - {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dd", "dt"}
_NOT_RUNNING_TEXT = SKIPPED_TAGS | {"a"}  # link text is navigation more often than article
_FURNITURE_PHRASES = (
    "分享到",
    "扫一扫",
    "扫码",
    "打印本页",
    "关闭窗口",
    "字体：",
    "字号：",
    "上一篇",
    "下一篇",
    "返回顶部",
)


def extract(data: bytes, name: str) -> list[Extracted]:
    tree = parse_html(data)
    title = _title(tree)
    body = tree.find("body")
    if body is None:
        body = tree
    total = len(element_text(body)) or 1
    _drop_furniture(body, total)
    main = _main_container(body)
    builder = ParagraphBuilder()
    collect_blocks(main, builder)
    _drop_furniture_paragraphs(builder)
    return [builder.build(clean_title(title) or PurePath(name).stem)]


def _title(tree: html.HtmlElement) -> str | None:
    h1 = tree.find(".//h1")
    if h1 is not None and element_text(h1):
        return element_text(h1)
    og = tree.find('.//meta[@property="og:title"]')
    if og is not None and og.get("content"):
        return og.get("content")
    title = tree.find(".//title")
    if title is not None and element_text(title):
        return re.split(r"\s*(?:[_|｜]|\s-\s|——)\s*", element_text(title))[0]
    return None


def _drop_furniture(body: html.HtmlElement, total_chars: int) -> None:
    """Remove page furniture, unless an element holds much of the page's text (then it is content)."""
    doomed = []
    for element in body.iter():
        if not isinstance(element.tag, str) or element is body:
            continue
        names = f"{element.get('class', '')} {element.get('id', '')} {element.get('role', '')}"
        furniture = element.tag in _FURNITURE_TAGS or _FURNITURE_NAMES.search(names)
        if furniture and len(element_text(element)) < 0.3 * total_chars:
            doomed.append(element)
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()


def _main_container(body: html.HtmlElement) -> html.HtmlElement:
    """<article> or <main> when there is one; otherwise the block that holds the most running text.

    Running text is text outside links, in <p>s or directly in a block between <br>s (as older Chinese sites
    write articles). Each piece counts fully for the block it sits in and half for that block's parent, so an
    article written as a run of small <div>s is found as their parent.
    """
    for path in (".//article", ".//main", './/*[@role="main"]'):
        found = body.findall(path)
        if len(found) == 1 and element_text(found[0]):
            return found[0]
    scores: dict[html.HtmlElement, float] = {}
    total = 0
    stack = [(body, body)]  # (element, the block its own text counts for); text inside links is skipped
    while stack:
        element, block = stack.pop()
        if element is not body and element.tag in _CONTAINER_TAGS:
            block = element
        own = len((element.text or "").strip()) + sum(len((child.tail or "").strip()) for child in element)
        if own:
            total += own
            scores[block] = scores.get(block, 0) + own
            if block is not body:
                parent = block.getparent()
                scores[parent] = scores.get(parent, 0) + own / 2
        stack.extend(
            (child, block) for child in element if isinstance(child.tag, str) and child.tag not in _NOT_RUNNING_TEXT
        )
    if not scores:
        return body
    best = max(scores, key=scores.__getitem__)
    if scores[best] < 0.3 * total:
        return body
    return best


def _drop_furniture_paragraphs(builder: ParagraphBuilder) -> None:
    keep = [
        i
        for i, p in enumerate(builder.paragraphs)
        if not (len(p) < 40 and any(phrase in p for phrase in _FURNITURE_PHRASES))
    ]
    position = {old: new for new, old in enumerate(keep)}
    builder.headings = {position[i] for i in builder.headings if i in position}
    builder.paragraphs = [builder.paragraphs[i] for i in keep]

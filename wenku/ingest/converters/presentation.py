"""Presentations: .pptx and .ppt through LibreOffice (converted to .odp), .odp read directly.

The text of each slide in order, its title placeholder as a heading, then its other text frames (outline, text
boxes, tables). Speaker notes are not slide text and are left out.
"""

from __future__ import annotations

from pathlib import PurePath

from django.utils.translation import gettext_noop
from lxml import etree

from wenku.ingest import limits, office
from wenku.ingest.converters._office_files import check_odf, check_presentation
from wenku.ingest.converters._titles import useful_title
from wenku.ingest.errors import ImportRefused
from wenku.ingest.extracted import Extracted, ParagraphBuilder

_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "presentation": "urn:oasis:names:tc:opendocument:xmlns:presentation:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
}
_TEXT = f"{{{_NS['text']}}}"
_PARAGRAPHS = (f"{_TEXT}p", f"{_TEXT}h")
_NOTES = f"{{{_NS['presentation']}}}notes"
_CLASS = f"{{{_NS['presentation']}}}class"
_TITLE_CLASSES = ("title",)
_TITLE_MAX = 60  # characters: longer single lines are text, not a slide title


def prepare(data: bytes, name: str) -> tuple[str, bytes]:
    """("odp", bytes) to parse: a .ppt or .pptx converted by LibreOffice (fenced in by wenku/ingest/office.py,
    outside the parse sandbox), an .odp as it is."""
    ext = PurePath(name).suffix.lower()
    if ext == ".odp":
        return "odp", data
    check_presentation(data, ext)
    return "odp", office.convert(data, ext, "odp:impress8", office.IMPRESS_PACKAGE)


def extract(data: bytes, name: str) -> list[Extracted]:
    """Slides from an .odp; a .ppt or .pptx is converted first (``prepare``)."""
    if PurePath(name).suffix.lower() != ".odp":
        _, data = prepare(data, name)
    check_presentation(data, ".odp")
    return [slides_text(data, name)]


def slides_text(odp: bytes, name: str) -> Extracted:
    archive = check_odf(odp, ".odp")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        content = etree.fromstring(archive.read("content.xml"), parser)
    except etree.XMLSyntaxError as exc:
        raise ImportRefused(gettext_noop("not a valid .odp file (content.xml: %(exc)s)"), exc=exc) from None
    builder = ParagraphBuilder()
    slides = limits.pages_counter()
    first_title: str | None = None
    for page in content.iterfind(".//office:presentation/draw:page", _NS):
        slides.add()
        for paragraph, is_title in _slide(page):
            builder.add(paragraph, heading=is_title)
            if is_title and first_title is None and paragraph.strip():
                first_title = paragraph.strip()
    if not builder.paragraphs:
        raise ImportRefused(gettext_noop("no text found on the slides"))
    title = _metadata_title(archive, parser) or first_title
    return builder.build(title or PurePath(name).stem)


def _slide(page) -> list[tuple[str, bool]]:
    """(text, is the slide's title) for each paragraph on the slide, in document order, notes left out.

    The title is the text in the title placeholder. A slide without one (built from text boxes, or a slide that
    LibreOffice's .ppt import did not tie to its layout) has its first shape taken as the title when that shape
    is a single short line and more text follows.
    """
    shapes = [list(_paragraphs(shape)) for shape in page if isinstance(shape.tag, str) and shape.tag != _NOTES]
    shapes = [[(text, title) for text, title in shape if text.strip()] for shape in shapes]
    shapes = [shape for shape in shapes if shape]
    has_title = any(title for shape in shapes for _, title in shape)
    if not has_title and len(shapes) > 1 and len(shapes[0]) == 1 and len(shapes[0][0][0].strip()) <= _TITLE_MAX:
        shapes[0] = [(shapes[0][0][0], True)]
    return [paragraph for shape in shapes for paragraph in shape]


def _paragraphs(shape):
    """(text, inside a title placeholder) for each paragraph in a shape, in document order."""
    stack = [(shape, False)]
    while stack:
        element, in_title = stack.pop()
        if element.tag == _NOTES:
            continue
        in_title = in_title or element.get(_CLASS) in _TITLE_CLASSES
        if element.tag in _PARAGRAPHS:
            yield _text(element), in_title
            continue
        stack.extend((child, in_title) for child in reversed(element) if isinstance(child.tag, str))


def _text(paragraph) -> str:
    """A paragraph's text: spans read through, <text:s/> as spaces, tabs and line breaks kept."""
    parts = [paragraph.text or ""]
    for child in paragraph:
        if child.tag == f"{_TEXT}s":
            count = child.get(f"{_TEXT}c", "1")
            parts.append(" " * (min(int(count), 100) if count.isdigit() else 1))
        elif child.tag == f"{_TEXT}tab":
            parts.append("\t")
        elif child.tag == f"{_TEXT}line-break":
            parts.append("\n")
        elif child.tag != f"{_TEXT}note" and isinstance(child.tag, str):
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _metadata_title(archive, parser) -> str | None:
    if "meta.xml" not in archive.namelist():
        return None
    try:
        meta = etree.fromstring(archive.read("meta.xml"), parser)
    except etree.XMLSyntaxError:
        return None
    title = meta.find(".//dc:title", _NS)
    return useful_title(title.text) if title is not None else None

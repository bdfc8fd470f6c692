"""Word .docx: the title in Word's "Title" style, articles as "Heading 1", headings as "Heading 2".

Built-in styles, so Word's navigation pane and our own .docx importer both see the structure.
"""

from __future__ import annotations

import io

from wenku.downloads.outline import Outline, xml_safe

_LEVEL = {"title": 0, "chapter": 1, "heading": 2}


def export(outline: Outline) -> bytes:
    import docx
    from docx.oxml.ns import qn

    document = docx.Document()
    document.core_properties.title = xml_safe(outline.title)
    document.core_properties.language = "zh-CN"
    normal = document.styles["Normal"]
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")  # a Chinese font by name
    for block in outline.blocks:
        text = xml_safe(block.text)
        if block.kind == "text":
            document.add_paragraph(text)
        else:
            document.add_heading(text, level=_LEVEL[block.kind])
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()

"""PDF: the text layer, page by page, with layout lines joined back into paragraphs.

A PDF without a text layer (a scan) is refused: we do not run OCR, and an empty document helps no one.
"""

from __future__ import annotations

from pathlib import PurePath

from wenku.ingest.errors import ImportRefused
from wenku.ingest.extracted import Extracted, ParagraphBuilder, clean_title

MAX_PAGES = 10_000


def extract(data: bytes, name: str) -> list[Extracted]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        reason = "the PDF is encrypted with a password" if "password" in str(exc).lower() else str(exc)
        raise ImportRefused(f"cannot open the PDF: {reason}") from None
    try:
        if len(pdf) > MAX_PAGES:
            raise ImportRefused(f"the PDF has {len(pdf)} pages (limit {MAX_PAGES})")
        lines: list[str] = []
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            lines.extend(textpage.get_text_range().splitlines())
            textpage.close()
            page.close()
        title = clean_title(pdf.get_metadata_dict().get("Title"))
    finally:
        pdf.close()
    builder = ParagraphBuilder()
    for paragraph in _paragraphs(lines):
        builder.add(paragraph)
    if not builder.paragraphs:
        raise ImportRefused("the PDF has no text layer (a scanned image?); OCR is not supported")
    if title is None and len(builder.paragraphs[0]) <= 80:
        title = builder.paragraphs[0]
    return [builder.build(title or PurePath(name).stem)]


def _paragraphs(lines: list[str]) -> list[str]:
    """Join layout lines: a line that fills the measure and does not end a sentence continues."""
    stripped = [line.strip() for line in lines]
    widths = sorted(len(s) for s in stripped if s)
    if not widths:
        return []
    full = widths[int(len(widths) * 0.9)] * 0.85  # a line at least this long fills the measure
    paragraphs: list[str] = []
    current = ""
    for line in stripped:
        if not line:
            continue
        current += line
        if len(line) < full:
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return paragraphs

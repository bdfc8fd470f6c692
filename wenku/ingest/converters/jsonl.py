"""JSONL: one document per line, records {"id", "title", "text", ...} with one paragraph per text line."""

from __future__ import annotations

import json

from django.utils.translation import gettext_noop

from wenku.ingest import limits
from wenku.ingest.decoding import UndecodableText, decode_text
from wenku.ingest.errors import ImportRefused
from wenku.ingest.extracted import Extracted, clean_title, paragraphs_from_plain_text, title_from_first_paragraph


def extract(data: bytes, name: str) -> list[Extracted | ImportRefused]:
    try:
        text, _ = decode_text(data)
    except UndecodableText as exc:
        raise ImportRefused(gettext_noop("cannot decode the text: %(exc)s"), exc=exc) from None
    limits.lines_counter().add(text.count("\n") + 1)  # one record a line: the records are counted as lines
    results: list[Extracted | ImportRefused] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            results.append(_record(line.rstrip("\r"), number))
    if not results:
        raise ImportRefused(gettext_noop("no records in this JSONL file"))
    return results


def _record(line: str, number: int) -> Extracted | ImportRefused:
    try:
        record = json.loads(line)
    except ValueError as exc:
        return ImportRefused(gettext_noop("line %(number)s: not valid JSON (%(msg)s)"), number=number, msg=exc.msg)
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        return ImportRefused(gettext_noop('line %(number)s: a record needs a string field "text"'), number=number)
    # the id is stored: control characters out (PostgreSQL refuses NUL in text), as in titles
    record_id = (clean_title(str(record.get("id") or "")) or f"line {number}")[:200]
    try:
        builder = paragraphs_from_plain_text(record["text"])
    except ImportRefused as exc:  # a record beyond the limits: that record fails, the others go on
        return ImportRefused(gettext_noop("line %(number)s: %(exc)s"), number=number, exc=exc)
    title = record.get("title") if isinstance(record.get("title"), str) else None
    title = title or title_from_first_paragraph(builder.paragraphs) or record_id
    return builder.build(title, record=record_id, raw=line.encode("utf-8"))

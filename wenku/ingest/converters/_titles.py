"""Document titles from file metadata, which is often a placeholder left by the program that wrote the file."""

from __future__ import annotations

import re

from wenku.ingest.extracted import clean_title

_PLACEHOLDERS = re.compile(
    r"^[(（]?(?:untitled|anonymous|unspecified|unknown|none|null|title|标题|无标题|未命名|未知)[)）]?"
    r"(?:\s*(?:document|文档))?\s*\d*$"
    r"|^(?:document|doc|文档|新建\s*(?:microsoft\s*)?(?:word|office\s*word)?\s*文档|slide|幻灯片|powerpoint 演示文稿)"
    r"\s*[(（]?\d*[)）]?$",
    re.I,
)
_PROGRAM_PREFIX = re.compile(r"^(?:microsoft\s+)?(?:word|powerpoint|excel)\s+-\s+", re.I)
_FILE_NAME = re.compile(r"\.(?:docx?|wps|pdf|txt|rtf|odt|pptx?|xlsx?|html?|tex|md|epub)$", re.I)


def useful_title(title: str | None) -> str | None:
    """The metadata title, or None when it is a placeholder ("untitled", "文档1") or just a file name."""
    title = clean_title(title)
    if title is None:
        return None
    if _PROGRAM_PREFIX.match(title) or _FILE_NAME.search(title) or _PLACEHOLDERS.match(title):
        return None
    return title

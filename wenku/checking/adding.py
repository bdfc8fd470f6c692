"""同时加入文库: a checked submission imported as a new document, exactly as the upload page would import it."""

from __future__ import annotations

from wenku.downloads.filenames import file_stem
from wenku.uploads.importing import Outcome, options_for, queue_bytes, settle


def add_to_library(user, text: str, file_name: str = "", file_bytes: bytes | None = None) -> list[Outcome]:
    """Import the uploaded file as uploaded, or pasted text as a UTF-8 .txt named after its first characters.

    Staff publish at once, everyone else waits for moderation (uploads.importing.options_for)."""
    if file_bytes is not None and file_name:
        name, data = file_name, file_bytes
    else:
        name, data = f"{short_name(text)}.txt", text.encode("utf-8")
    return settle([queue_bytes(data, name, options_for(user), user)], user)


def short_name(text: str, length: int = 20) -> str:
    """The first characters of ``text``, usable in a file name."""
    return file_stem(text[: 4 * length], "文本")[:length].strip() or "文本"

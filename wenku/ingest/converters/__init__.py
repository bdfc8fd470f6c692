"""Converters, one module per format, chosen by file extension and imported on first use.

Each module has ``extract(data: bytes, name: str) -> list[Extracted | ImportRefused]``: one entry per document
in the file (JSONL files hold many), raising ImportRefused when the whole file cannot be read.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import PurePath
from types import ModuleType

_BY_EXTENSION = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".docx": "docx",
    ".pdf": "pdf",
    ".epub": "epub",
    ".jsonl": "jsonl",
    # through LibreOffice (wenku/ingest/office.py), but .odp, which is read directly
    ".doc": "doc",
    ".wps": "wps",
    ".rtf": "rtf",
    ".odt": "odt",
    ".pptx": "pptx",
    ".ppt": "ppt",
    ".odp": "odp",
}
# Formats sharing one converter module; every other format's module has the format's name.
_MODULES = {
    "doc": "office_text",
    "wps": "office_text",
    "rtf": "office_text",
    "odt": "office_text",
    "pptx": "presentation",
    "ppt": "presentation",
    "odp": "presentation",
}

SUPPORTED_EXTENSIONS = tuple(sorted(_BY_EXTENSION))


def format_of(name: str) -> str | None:
    """The format name for a file name ("txt", "docx", ...), or None when unsupported."""
    return _BY_EXTENSION.get(PurePath(name).suffix.lower())


def converter_for(fmt: str) -> ModuleType:
    return import_module(f"wenku.ingest.converters.{_MODULES.get(fmt, fmt)}")


def extract(fmt: str, data: bytes, name: str) -> list:
    """The converter's entries for the file, any failure of a converter library turned into ImportRefused (a
    damaged file is the file's fault; it must not stop a batch or become a server error)."""
    from wenku.ingest.errors import ImportRefused

    try:
        return converter_for(fmt).extract(data, name)
    except ImportRefused:
        raise
    except RecursionError:
        raise ImportRefused(f"cannot read the {fmt} file: nested too deeply") from None
    except MemoryError:
        raise ImportRefused(f"cannot read the {fmt} file: too large to process") from None
    except Exception as exc:
        raise ImportRefused(f"cannot read the {fmt} file: {type(exc).__name__}: {exc}"[:300]) from None

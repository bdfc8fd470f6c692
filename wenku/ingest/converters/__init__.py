"""Converters, one module per format, chosen by file extension and imported on first use.

Each module has ``extract(data: bytes, name: str) -> list[Extracted | ImportRefused]``: one entry per document
in the file (JSONL files hold many), raising ImportRefused when the whole file cannot be read.
"""

from __future__ import annotations

from dataclasses import fields
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


def extract(fmt: str, data: bytes, name: str, max_chars: int | None = None, timeout: float | None = None) -> list:
    """The converter's entries for the file, parsed in the sandbox (wenku/ingest/sandbox.py: a child process with
    a time and a memory limit, ``timeout`` instead of WENKU_PARSE_TIMEOUT) under the text limits
    (wenku/ingest/limits.py), ``max_chars`` lowering the text limit. Any failure of a converter library becomes
    ImportRefused (a damaged file is the file's fault; it must not stop a batch or become a server error).
    Formats that LibreOffice converts first are converted here, in LibreOffice's own fenced process
    (wenku/ingest/office.py), and the result is parsed in the sandbox."""
    from wenku.ingest import limits, sandbox

    prepare = getattr(converter_for(fmt), "prepare", None)
    if prepare is not None:
        fmt, data = prepare(data, name)
        name = str(PurePath(name).with_suffix(f".{fmt}"))  # the same stem (a title), the format now parsed
    parse_limits = limits.active().capped(max_chars)
    plain = sandbox.run(extract_here, fmt, data, name, parse_limits=parse_limits, timeout=timeout)
    return [_entry(entry) for entry in plain]


def extract_here(fmt: str, data: bytes, name: str) -> list:
    """Run the converter in this process (the sandbox's child does), its entries as plain data."""
    from wenku.ingest.errors import ImportRefused

    try:
        entries = converter_for(fmt).extract(data, name)
    except ImportRefused:
        raise
    except RecursionError:
        raise ImportRefused(f"cannot read the {fmt} file: nested too deeply") from None
    except MemoryError:
        raise
    except Exception as exc:
        raise ImportRefused(f"cannot read the {fmt} file: {type(exc).__name__}: {exc}"[:300]) from None
    return [_plain(entry) for entry in entries]


def _plain(entry) -> dict:
    from wenku.ingest.errors import ImportRefused

    if isinstance(entry, ImportRefused):
        return {"refused": str(entry)}
    return {field.name: getattr(entry, field.name) for field in fields(entry)}


def _entry(plain: dict):
    from wenku.ingest.errors import ImportRefused
    from wenku.ingest.extracted import Extracted

    if "refused" in plain:
        return ImportRefused(plain["refused"])
    return Extracted(**plain)

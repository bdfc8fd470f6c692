"""Converters, one module per format, chosen by file extension and imported on first use.

Each module has ``extract(data: bytes, name: str) -> list[Extracted | ImportRefused]``: one entry per document
in the file (JSONL files hold many), raising ImportRefused when the whole file cannot be read.
"""

from __future__ import annotations

from dataclasses import fields
from importlib import import_module
from pathlib import PurePath
from types import ModuleType

from django.utils.translation import gettext_noop

from wenku.ingest import formats

SUPPORTED_EXTENSIONS = formats.SUPPORTED_EXTENSIONS


def format_of(name: str) -> str | None:
    """The format key for a file name ("txt", "markdown", "docx", ...: wenku/ingest/formats.py), or None when
    unsupported."""
    found = formats.of_name(name)
    return found.key if found else None


def converter_for(fmt: str) -> ModuleType:
    return import_module(f"wenku.ingest.converters.{formats.BY_KEY[fmt].module}")


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
        raise ImportRefused(gettext_noop("cannot read the %(fmt)s file: nested too deeply"), fmt=fmt) from None
    except MemoryError:
        raise
    except Exception as exc:
        detail = f"{type(exc).__name__}: {exc}"[:250]
        raise ImportRefused(gettext_noop("cannot read the %(fmt)s file: %(detail)s"), fmt=fmt, detail=detail) from None
    return [_plain(entry) for entry in entries]


def _plain(entry) -> dict:
    from wenku.ingest.errors import ImportRefused

    if isinstance(entry, ImportRefused):
        return {"refused": entry.as_plain()}
    return {field.name: getattr(entry, field.name) for field in fields(entry)}


def _entry(plain: dict):
    from wenku.ingest.errors import ImportRefused
    from wenku.ingest.extracted import Extracted

    if "refused" in plain:
        return ImportRefused.from_plain(plain["refused"])
    return Extracted(**plain)

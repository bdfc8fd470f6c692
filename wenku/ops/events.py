"""Structured events: every import, failure and moderation action as one log record of logger ``wenku.events``.

With WENKU_LOG_FORMAT=json each record is one JSON object per line (wenku/ops/logformat.py), its fields at the top
level: ``{"time": …, "level": "INFO", "logger": "wenku.events", "event": "import", "status": "imported", …}``.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

logger = logging.getLogger("wenku.events")


def log_event(kind: str, level: int = logging.INFO, **fields: Any) -> None:
    """Log event ``kind`` with ``fields`` (JSON-serialisable values; None fields are left out)."""
    fields = {k: v for k, v in fields.items() if v is not None}
    text = " ".join(f"{k}={v!r}" if isinstance(v, str) else f"{k}={v}" for k, v in fields.items())
    logger.log(level, "%s %s", kind, text, extra={"event": kind, "fields": fields})


def log_import_results(results: Iterable, seconds: float) -> None:
    """One ``import`` event per ImportResult (wenku.ingest.importer): file, result, document id, 字, seconds."""
    for result in results:
        log_event(
            "import",
            level=logging.WARNING if result.status == "failed" else logging.INFO,
            path=result.path,
            status=result.status,
            document_id=result.id,
            title=result.title,
            chars=result.chars,
            pages=result.pages,
            reason=result.reason,
            seconds=round(seconds, 3),
        )


def log_import_refused(path: str, error: BaseException, seconds: float | None = None) -> None:
    """A file refused as a whole (unreadable, too large, unsupported…); logged once even if re-raised."""
    if getattr(error, "_wenku_logged", False):
        return
    log_event(
        "import",
        level=logging.WARNING,
        path=path,
        status="failed",
        reason=str(error),
        seconds=None if seconds is None else round(seconds, 3),
    )
    with contextlib.suppress(AttributeError):
        error._wenku_logged = True  # type: ignore[attr-defined]


def logged_import(function: Callable) -> Callable:
    """For ``import_bytes(data, name, options, display_path=None)``: log its results, or the refusal it raises."""
    from wenku.ingest.errors import ImportRefused

    @functools.wraps(function)
    def wrapper(data: bytes, name: str, *args, **kwargs):
        started = time.perf_counter()
        try:
            results = function(data, name, *args, **kwargs)
        except ImportRefused as exc:
            display = kwargs.get("display_path") or (args[1] if len(args) > 1 else None) or name
            log_import_refused(display, exc, time.perf_counter() - started)
            raise
        log_import_results(results, time.perf_counter() - started)
        return results

    return wrapper


def log_moderation(action: str, document, staff, **fields: Any) -> None:
    """A moderation action (approve, reject, hide, report resolution, admin change or deletion): who did what to
    which document. ``document`` is a Document or its id (then give ``title=`` if known)."""
    described = {
        "action": action,
        "document_id": getattr(document, "pk", document),
        "title": getattr(document, "title", None),
        "staff_id": getattr(staff, "pk", None),
        "staff": getattr(staff, "username", None),
    }
    log_event("moderation", **(described | fields))

"""Log formatting (WENKU_LOG_FORMAT): ``text`` for people, ``json`` for log collectors, one object per line."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

# Attributes every LogRecord has; anything else was passed in ``extra`` and goes into the JSON object.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC, ISO 8601), level, logger, message, an event's fields, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
        }
        event = getattr(record, "event", None)
        if event:
            entry["event"] = event
            entry.update(getattr(record, "fields", {}))
        else:
            entry["message"] = record.getMessage()
            for key, value in record.__dict__.items():
                if key not in _STANDARD and not key.startswith("_"):
                    entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (a progress bar's or a test's capture), like logging's last
    resort handler, rather than the stream there was when logging was configured."""

    def __init__(self, level: int = logging.NOTSET) -> None:
        logging.Handler.__init__(self, level)

    @property
    def stream(self):
        return sys.stderr


def logging_config(level: str, fmt: str) -> dict:
    """Django's LOGGING: everything at ``level`` and above to stderr; ``wenku.events`` always at INFO."""
    formatter = (
        {"()": "wenku.ops.logformat.JsonFormatter"}
        if fmt == "json"
        else {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"wenku": formatter},
        "handlers": {"console": {"class": "wenku.ops.logformat.StderrHandler", "formatter": "wenku"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {"wenku.events": {"handlers": ["console"], "level": "INFO", "propagate": False}},
    }

"""Logging of every process: one line per record on standard error, as text or as JSON
(`SPICE_LOG_FORMAT`), each carrying the request, command and correlation ids of the work
it is about (`spice.application.context`)."""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

from spice.application.context import IDS, current
from spice.bootstrap.settings import Settings

TEXT = "%(asctime)s %(levelname)s %(name)s %(message)s%(ids)s"
JSON_FIELDS = "%(levelname)s %(name)s %(message)s"


class ContextFilter(logging.Filter):
    """Puts the ids of the work under way on each record (as fields, and as `ids`, a
    suffix for text lines)."""

    def filter(self, record: logging.LogRecord) -> bool:
        ids = current()
        for name in IDS:
            setattr(record, name, ids.get(name))
        record.ids = "".join(f" {k}={v}" for k, v in ids.items())
        return True


def configure(settings: Settings) -> None:
    """Send every logger's records to standard error in the configured format and level
    (replacing handlers set before: a process configures once, at start)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(ContextFilter())
    if settings.log_format == "json":
        standard = logging.LogRecord("", 0, "", 0, "", None, None).__dict__
        handler.setFormatter(
            JsonFormatter(
                JSON_FIELDS,
                rename_fields={"levelname": "level", "name": "logger"},
                reserved_attrs=[*standard, "ids", "color_message"],
                timestamp="time",
            )
        )
    else:
        handler.setFormatter(logging.Formatter(TEXT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    # Libraries' chatter stays at warnings unless asked for debugging.
    for noisy in ("httpx", "httpcore", "opensearch", "urllib3", "botocore", "kafka"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))

"""Logs that say which update, which person and which program a line is about.

The update being processed is kept in context variables (`bind_update` in the intake,
`bind_program` once the sender is known), and a filter copies them onto every record, so that a
line logged anywhere below a handler carries them. `configure` sets up `phoihop run`'s logging:
a text line per record, or one JSON object per line (`PHOIHOP_LOG_FORMAT=json`) for a log
collector.
"""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, Literal

_UPDATE: ContextVar[int | None] = ContextVar("phoihop_update", default=None)
_USER: ContextVar[int | None] = ContextVar("phoihop_user", default=None)
_PROGRAM: ContextVar[str | None] = ContextVar("phoihop_program", default=None)

_FIELDS = ("update_id", "user", "program")


def bind_update(update_id: int | None, user_id: int | None) -> None:
    """The update now being processed (in this task), and who sent it."""
    _UPDATE.set(update_id)
    _USER.set(user_id)
    _PROGRAM.set(None)


def bind_program(code: str | None) -> None:
    """The program the update is about, once known."""
    _PROGRAM.set(code)


class ContextFilter(logging.Filter):
    """Puts the update, user and program of the current context on each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.update_id = _UPDATE.get()
        record.user = _USER.get()
        record.program = _PROGRAM.get()
        return True


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s%(context)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        parts = [
            f"{name}={getattr(record, name)}"
            for name in _FIELDS
            if getattr(record, name, None) is not None
        ]
        record.context = f" [{' '.join(parts)}]" if parts else ""
        return super().format(record)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in _FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure(level: str = "INFO", style: Literal["text", "json"] = "text") -> None:
    """`phoihop run`'s logging, on stderr."""
    handler = logging.StreamHandler()
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter() if style == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for chatty in ("httpx", "apscheduler"):  # a line per request, per job run
        logging.getLogger(chatty).setLevel(logging.WARNING)

"""Log lines carry the update, the user and the program they are about."""

from __future__ import annotations

import contextvars
import json
import logging

import pytest

from bot import logs
from storage.database import Database
from tests.bot.harness import chat_with
from tests.conftest import NOW

CA = 900003


def record(message: str) -> logging.LogRecord:
    made = logging.LogRecord("phoihop.test", logging.INFO, __file__, 1, message, (), None)
    logs.ContextFilter().filter(made)
    return made


def test_text_and_json_lines_name_the_update_user_and_program() -> None:
    def inside() -> tuple[str, str, str]:
        logs.bind_update(4242, CA)
        logs.bind_program("CTPH-2019")
        line = logs.TextFormatter().format(record("recorded"))
        entry = logs.JsonFormatter().format(record("đã ghi"))
        logs.bind_update(None, None)
        outside = logs.TextFormatter().format(record("idle"))
        return line, entry, outside

    line, entry, outside = contextvars.copy_context().run(inside)
    assert line.endswith(
        " INFO phoihop.test [update_id=4242 user=900003 program=CTPH-2019]: recorded"
    )
    parsed = json.loads(entry)
    assert {
        k: parsed[k] for k in ("level", "logger", "message", "update_id", "user", "program")
    } == {
        "level": "INFO",
        "logger": "phoihop.test",
        "message": "đã ghi",
        "update_id": 4242,
        "user": CA,
        "program": "CTPH-2019",
    }
    assert outside.endswith(" INFO phoihop.test: idle")


@pytest.mark.anyio
async def test_a_handler_binds_the_program_of_who_wrote(sample_db: Database) -> None:
    seen: list[str | None] = []

    class Catch(logging.Handler):
        def emit(self, made: logging.LogRecord) -> None:
            seen.append(getattr(made, "program", None))

    handler = Catch()
    handler.addFilter(logs.ContextFilter())
    probe = logging.getLogger("phoihop.probe")
    probe.addHandler(handler)
    probe.setLevel(logging.INFO)
    try:
        async with chat_with(sample_db, NOW) as chat:
            await chat.say(CA, "/viec")
            probe.info("after the handler")
    finally:
        probe.removeHandler(handler)
    assert seen == ["CTPH-2019"]

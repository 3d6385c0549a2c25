"""The intake: every update stored before it has any effect, processed once, in order."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import select
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.intake import DatabaseAwayError, Intake
from storage.database import Database
from storage.models import IncomingUpdate
from storage.updates import DONE, FAILED, PENDING, store_updates
from tests.conftest import NOW
from tests.fakes.bot_api import FakeBotAPI

pytestmark = pytest.mark.anyio
USER = 820001
TOKEN = "7000003:Intake-token-for-phoihop-tests"


class Seen:
    """What the handler saw: each update id, and whether its row was stored before."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.ids: list[int] = []
        self.stored_before: list[bool] = []

    async def handle(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        with self.db.read() as s:
            row = s.get(IncomingUpdate, update.update_id)
            self.stored_before.append(row is not None and row.status == PENDING)
        self.ids.append(update.update_id)
        assert update.message is not None
        if update.message.text == "boom":
            raise RuntimeError("the handler broke")
        if update.message.text == "away" and self.ids.count(update.update_id) == 1:
            raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    with FakeBotAPI(token=TOKEN) as fake:
        fake.add_user(USER)
        yield fake


def _application(api: FakeBotAPI, seen: Seen) -> Application:  # type: ignore[type-arg]
    app = (
        ApplicationBuilder()
        .token(api.token)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, seen.handle))
    return app


def _rows(db: Database) -> dict[int, tuple[str, int, str | None]]:
    """{update_id: (status, attempts, error)}."""
    with db.read() as s:
        rows = s.exec(select(IncomingUpdate)).all()
        return {u.update_id: (u.status, u.attempts, u.error) for u in rows}


async def _until(test: Any, what: str, timeout: float = 10) -> None:
    for _ in range(int(timeout / 0.05)):
        if test():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _message(update_id: int, text: str) -> dict[str, Any]:
    user = {"id": USER, "is_bot": False, "first_name": "Lan"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_560_000_000,
            "chat": {"id": USER, "type": "private", "first_name": "Lan"},
            "from": user,
            "text": text,
        },
    }


def _pending(db: Database) -> bool:
    return any(row[0] == PENDING for row in _rows(db).values())


async def test_stored_updates_are_processed_in_order_and_a_failure_blocks_nothing(
    db: Database, api: FakeBotAPI
) -> None:
    seen = Seen(db)
    app = _application(api, seen)
    with db.write() as s:
        store_updates(s, [_message(3, "c"), _message(1, "a"), _message(2, "boom")], NOW)
    await app.initialize()
    try:
        intake = Intake(app, db)
        assert await intake.process_pending() == 3
        assert await intake.process_pending() == 0
    finally:
        await app.shutdown()
    assert seen.ids == [1, 2, 3]
    rows = _rows(db)
    assert rows == {
        1: (DONE, 0, None),
        2: (FAILED, 0, "RuntimeError: the handler broke"),
        3: (DONE, 0, None),
    }


async def test_an_update_that_found_the_database_away_is_processed_again(
    db: Database, api: FakeBotAPI
) -> None:
    """A handler that lost the database does not fail its update: it stays pending, claimed by
    nobody, and the next pass processes it (and the ones after it) once the database is back."""
    seen = Seen(db)
    app = _application(api, seen)
    with db.write() as s:
        store_updates(s, [_message(1, "a"), _message(2, "away"), _message(3, "c")], NOW)
    await app.initialize()
    try:
        intake = Intake(app, db, holder="one")
        with pytest.raises(DatabaseAwayError, match="update 2: OperationalError"):
            await intake.process_pending()
        with db.read() as s:
            two = s.get(IncomingUpdate, 2)
            assert two is not None and (two.status, two.claimed_by) == (PENDING, None)
        assert await intake.process_pending() == 2
    finally:
        await app.shutdown()
    assert seen.ids == [1, 2, 2, 3]
    assert {i: row[:2] for i, row in _rows(db).items()} == {
        1: (DONE, 0),
        2: (DONE, 0),
        3: (DONE, 0),
    }


async def test_polling_stores_a_batch_before_its_effects_and_confirms_it_after(
    db: Database, api: FakeBotAPI
) -> None:
    seen = Seen(db)
    app = _application(api, seen)
    # Left pending by a process that was killed: processed first.
    with db.write() as s:
        store_updates(s, [_message(1, "left over")], NOW)
    api.push_raw(_message(1, "left over"))  # and Telegram had not heard it was kept
    for text in ("a", "boom", "c"):
        api.send_text(USER, text)
    stop = asyncio.Event()
    await app.initialize()
    try:
        intake = Intake(app, db)
        worker = asyncio.create_task(intake.work(stop))
        task = asyncio.create_task(intake.poll(stop, timeout=1))
        await _until(lambda: len(seen.ids) >= 4 and not _pending(db), "four updates processed")
        # Delivered again (Telegram did not hear the confirmation): kept once, not redone.
        api.redeliver(3)
        polls = len(api.calls_to("getUpdates"))
        await _until(lambda: len(api.calls_to("getUpdates")) >= polls + 2, "two more polls")
        stop.set()
        await asyncio.wait_for(task, 10)
        await asyncio.wait_for(worker, 10)
    finally:
        await app.shutdown()
    assert seen.ids == [1, 2, 3, 4]
    assert all(seen.stored_before), "every update was stored before its handler ran"
    rows = _rows(db)
    assert {i: row[0] for i, row in rows.items()} == {1: DONE, 2: DONE, 3: FAILED, 4: DONE}
    # The first getUpdates confirmed what the database already held; each later one confirmed
    # a batch only once it was stored.
    offsets = [c.params.get("offset") for c in api.calls_to("getUpdates")]
    assert offsets[0] == 2
    assert offsets[-1] == 5
    assert api.pending_updates() == 0

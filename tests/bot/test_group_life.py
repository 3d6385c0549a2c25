"""Group life, offline: a group upgraded to a supergroup moves the committee group and the
messages waiting for it; the bot removed from a group or blocked by a person is recorded, and
added back or unblocked is forgotten."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from storage.database import Database
from storage.models import AuditEntry, BlockedChat, OutboxMessage, Program
from tests.bot.harness import BOT_USER, chat_with
from tests.conftest import NOW

pytestmark = pytest.mark.anyio

OLD, NEW = -4001234, -1004001234000
LEADER = 900100
_ids = itertools.count(10_000)


def program(db: Database) -> Program:
    """The sample program, detached with its attributes loaded."""
    with db.read() as session:
        prog = session.exec(select(Program).where(Program.code == "CTPH-2019")).one()
        session.expunge(prog)
        return prog


def bind(db: Database, chat_id: int) -> None:
    with db.write() as session:
        prog = session.exec(select(Program).where(Program.code == "CTPH-2019")).one()
        prog.group_chat_id = chat_id
        session.add(prog)


def queue(
    db: Database,
    recipient: str,
    chat_id: int,
    *,
    slot: str = "2019-W24",
    status: str = "pending",
    last_error: str | None = None,
    expires_in: timedelta = timedelta(days=2),
) -> int:
    program_id = program(db).id
    assert program_id is not None
    with db.write() as session:
        row = OutboxMessage(
            program_id=program_id,
            kind="digest",
            subject="program:1",
            recipient=recipient,
            slot=slot,
            chat_id=chat_id,
            due_at=NOW,
            expires_at=NOW + expires_in,
            not_before=NOW,
            status=status,
            last_error=last_error,
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        return row.id


def outbox(db: Database, row_id: int) -> OutboxMessage:
    with db.read() as session:
        row = session.get(OutboxMessage, row_id)
        assert row is not None
        session.expunge(row)
        return row


def migration(chat_id: int, **field: int) -> dict[str, Any]:
    """The service message Telegram sends in the old group (`migrate_to_chat_id`) or the new
    supergroup (`migrate_from_chat_id`)."""
    kind = "supergroup" if chat_id <= -1_000_000_000_000 else "group"
    return {
        "update_id": next(_ids),
        "message": {
            "message_id": next(_ids),
            "date": int(NOW.timestamp()),
            "chat": {"id": chat_id, "type": kind, "title": "Ban Chỉ đạo"},
            "from": {"id": LEADER, "is_bot": False, "first_name": "Chủ tịch"},
            **field,
        },
    }


def my_chat_member(chat_id: int, old: str, new: str) -> dict[str, Any]:
    if chat_id > 0:
        chat = {"id": chat_id, "type": "private", "first_name": "Người"}
        by = chat_id
    else:
        chat = {"id": chat_id, "type": "supergroup", "title": "Ban Chỉ đạo"}
        by = LEADER

    def member(status: str) -> dict[str, Any]:
        data: dict[str, Any] = {"status": status, "user": BOT_USER}
        if status == "kicked":
            data["until_date"] = 0
        return data

    return {
        "update_id": next(_ids),
        "my_chat_member": {
            "chat": chat,
            "from": {"id": by, "is_bot": False, "first_name": "Người"},
            "date": int(NOW.timestamp()),
            "old_chat_member": member(old),
            "new_chat_member": member(new),
        },
    }


async def test_a_group_upgraded_to_a_supergroup_keeps_its_program_and_messages(
    plan_db: Database,
) -> None:
    bind(plan_db, OLD)
    waiting = queue(plan_db, f"group:{OLD}", OLD)
    sent = queue(plan_db, f"group:{OLD}", OLD, slot="2019-W23", status="sent")
    to_person = queue(plan_db, "person:5", 900003)
    refused = queue(
        plan_db,
        f"group:{OLD}",
        OLD,
        slot="2019-W22",
        status="skipped",
        last_error=f"chat migrated to {NEW}",
    )
    stale = queue(
        plan_db,
        f"group:{OLD}",
        OLD,
        slot="2019-W21",
        status="skipped",
        last_error=f"chat migrated to {NEW}",
        expires_in=timedelta(hours=-1),
    )
    with plan_db.write() as session:
        session.add(BlockedChat(chat_id=OLD, reason=f"chat migrated to {NEW}"))
    async with chat_with(plan_db, NOW) as chat:
        replies = await chat.deliver(migration(OLD, migrate_to_chat_id=NEW))
        assert replies == []  # a service message gets no answer
        assert program(plan_db).group_chat_id == NEW
        # The same migration seen from the new supergroup changes nothing more.
        await chat.deliver(migration(NEW, migrate_from_chat_id=OLD))
    assert program(plan_db).group_chat_id == NEW
    moved = outbox(plan_db, waiting)
    assert (moved.chat_id, moved.recipient, moved.status) == (NEW, f"group:{NEW}", "pending")
    retried = outbox(plan_db, refused)
    assert (retried.chat_id, retried.recipient, retried.status) == (NEW, f"group:{NEW}", "pending")
    for untouched, status in ((sent, "sent"), (stale, "skipped")):
        row = outbox(plan_db, untouched)
        assert (row.chat_id, row.recipient, row.status) == (OLD, f"group:{OLD}", status)
    assert outbox(plan_db, to_person).chat_id == 900003
    with plan_db.read() as session:
        assert session.get(BlockedChat, OLD) is None
        audit = session.exec(
            select(AuditEntry.entity_key, AuditEntry.detail).where(
                AuditEntry.action == "migrate_group"
            )
        ).all()
    assert [tuple(a) for a in audit] == [("CTPH-2019", {"chat_id": NEW, "previous": OLD})]


async def test_the_migration_seen_first_from_the_new_supergroup_works_too(
    plan_db: Database,
) -> None:
    bind(plan_db, OLD)
    waiting = queue(plan_db, f"group:{OLD}", OLD)
    async with chat_with(plan_db, NOW) as chat:
        await chat.deliver(migration(NEW, migrate_from_chat_id=OLD))
    assert program(plan_db).group_chat_id == NEW
    assert outbox(plan_db, waiting).chat_id == NEW


async def test_a_message_planned_for_both_chats_is_sent_once(plan_db: Database) -> None:
    """The planner already wrote the same message to the new chat: the old one is dropped."""
    bind(plan_db, OLD)
    old_row = queue(plan_db, f"group:{OLD}", OLD)
    new_row = queue(plan_db, f"group:{NEW}", NEW)
    async with chat_with(plan_db, NOW) as chat:
        await chat.deliver(migration(OLD, migrate_to_chat_id=NEW))
    assert outbox(plan_db, old_row).status == "dropped"
    assert outbox(plan_db, new_row).status == "pending"


async def test_another_groups_migration_leaves_the_program_alone(plan_db: Database) -> None:
    bind(plan_db, OLD)
    async with chat_with(plan_db, NOW) as chat:
        await chat.deliver(migration(-777, migrate_to_chat_id=-1000000000777))
    assert program(plan_db).group_chat_id == OLD


@pytest.mark.parametrize("gone", ["kicked", "left"])
async def test_the_bot_removed_from_the_group_is_recorded_and_added_back_forgotten(
    plan_db: Database, gone: str
) -> None:
    bind(plan_db, NEW)
    async with chat_with(plan_db, NOW) as chat:
        assert await chat.deliver(my_chat_member(NEW, "member", gone)) == []
        with plan_db.read() as session:
            blocked = session.get(BlockedChat, NEW)
            assert blocked is not None and gone in blocked.reason
        await chat.deliver(my_chat_member(NEW, gone, gone))  # told twice: still one row
        await chat.deliver(my_chat_member(NEW, gone, "member"))
    with plan_db.read() as session:
        assert session.get(BlockedChat, NEW) is None
        actions = session.exec(
            select(AuditEntry.action)
            .where(col(AuditEntry.action).startswith("chat_"))
            .order_by(col(AuditEntry.id))
        ).all()
    assert list(actions) == ["chat_blocked", "chat_unblocked"]
    assert program(plan_db).group_chat_id == NEW  # the group stays the committee's


async def test_a_person_who_blocks_the_bot_is_recorded_and_unblocking_forgotten(
    plan_db: Database,
) -> None:
    person = 900003
    async with chat_with(plan_db, NOW) as chat:
        await chat.deliver(my_chat_member(person, "member", "kicked"))
        with plan_db.read() as session:
            blocked = session.get(BlockedChat, person)
            assert blocked is not None and "blocked by the user" in blocked.reason
        await chat.deliver(my_chat_member(person, "kicked", "member"))
    with plan_db.read() as session:
        assert session.get(BlockedChat, person) is None


async def test_the_bot_made_administrator_is_not_a_block(plan_db: Database) -> None:
    async with chat_with(plan_db, NOW) as chat:
        update = my_chat_member(NEW, "member", "member")
        update["my_chat_member"]["new_chat_member"] = {
            "status": "administrator",
            "user": BOT_USER,
            "can_be_edited": False,
            "is_anonymous": False,
            "can_manage_chat": True,
            "can_delete_messages": False,
            "can_manage_video_chats": False,
            "can_restrict_members": False,
            "can_promote_members": False,
            "can_change_info": False,
            "can_invite_users": False,
            "can_post_stories": False,
            "can_edit_stories": False,
            "can_delete_stories": False,
        }
        await chat.deliver(update)
    with plan_db.read() as session:
        assert session.get(BlockedChat, NEW) is None


async def test_over_http_a_message_refused_as_migrated_goes_to_the_supergroup(
    plan_db: Database,
) -> None:
    """Against the strict fake: the delivery to the old group comes back "chat migrated"; the
    sender's outcome skips the row; the migration message then sends it to the new chat."""
    from telegram import Bot

    from bot.delivery import TelegramDelivery
    from reminders.messages import Outgoing
    from tests.fakes.bot_api import FakeBotAPI

    bind(plan_db, OLD)
    row_id = queue(plan_db, f"group:{OLD}", OLD)
    with FakeBotAPI(token="7000004:group-life-tests") as api:
        api.add_user(LEADER)
        api.add_group(OLD, members=[LEADER])
        updates = api.upgrade_group(OLD, NEW, LEADER)
        async with Bot(api.token, base_url=api.base_url) as bot:
            delivery = TelegramDelivery(bot, lambda message: "Tuần này")
            outgoing = Outgoing(row_id, program(plan_db).id or 0, "digest", OLD, "vi", {}, NOW)
            outcome = await delivery.deliver(outgoing)
            assert (outcome.kind, outcome.new_chat_id) == ("migrated", NEW)
            # Had the sender not moved it (an older version marked such rows blocked):
            with plan_db.write() as session:
                row = session.get(OutboxMessage, row_id)
                assert row is not None
                row.status, row.last_error = "skipped", outcome.error
                session.add(row)
                session.add(BlockedChat(chat_id=OLD, reason=outcome.error or "blocked"))
            async with chat_with(plan_db, NOW) as chat:
                for update in updates:
                    await chat.deliver(update)
            moved = outbox(plan_db, row_id)
            assert (moved.chat_id, moved.status) == (NEW, "pending")
            again = await delivery.deliver(
                Outgoing(row_id, moved.program_id, "digest", moved.chat_id, "vi", {}, NOW)
            )
            assert again.kind == "sent"
    assert program(plan_db).group_chat_id == NEW
    with plan_db.read() as session:
        assert session.get(BlockedChat, OLD) is None

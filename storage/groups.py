"""Group life: a committee group upgraded to a supergroup (a new chat id), and chats the bot may
no longer write to (removed from a group, blocked by a person) or may again.

Knows nothing of Telegram: the bot's handlers (`bot.group_life`) call these with chat ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from storage.models import AuditEntry, BlockedChat, OutboxMessage, Program

# The error the Telegram delivery records when a group was upgraded (bot.delivery.outcome_of).
MIGRATED_ERROR = "chat migrated to "


@dataclass(frozen=True)
class Migration:
    """What moving a group to its new chat id changed."""

    programs: list[str]  # codes of the programs whose committee group it was
    outbox_moved: int  # pending messages now addressed to the new chat
    outbox_dropped: int  # pending messages already planned to the new chat as well


def migrate_group(
    *, session: Session, old_chat_id: int, new_chat_id: int, now: datetime
) -> Migration:
    """A group became a supergroup with a new chat id: every program whose committee group it
    was now points at the new id; pending outbox messages to the old chat go to the new one
    (chat_id and recipient "group:<new>"), as do those the sender skipped because Telegram
    answered "chat migrated" and that have not expired; a mark that the old chat (or the new)
    blocked the bot is removed. Idempotent: Telegram sends the migration twice (one message in
    the old chat, one in the new). Audited as `migrate_group` per program."""
    programs = session.exec(
        select(Program)
        .where(Program.group_chat_id == old_chat_id)
        .order_by(col(Program.id))
        .with_for_update()
    ).all()
    for program in programs:
        program.group_chat_id = new_chat_id
        session.add(program)
        session.add(
            AuditEntry(
                program_id=program.id,
                at=now,
                actor="telegram",
                action="migrate_group",
                entity="program",
                entity_key=program.code,
                detail={"chat_id": new_chat_id, "previous": old_chat_id},
            )
        )
    old_recipient, new_recipient = f"group:{old_chat_id}", f"group:{new_chat_id}"
    rows = session.exec(
        select(OutboxMessage)
        .where(OutboxMessage.chat_id == old_chat_id)
        .where(
            (col(OutboxMessage.status) == "pending")
            | (
                (col(OutboxMessage.status) == "skipped")
                & col(OutboxMessage.last_error).startswith(MIGRATED_ERROR)
                & (col(OutboxMessage.expires_at) > now)
            )
        )
        .order_by(col(OutboxMessage.id))
        .with_for_update()
    ).all()
    moved = dropped = 0
    for row in rows:
        recipient = new_recipient if row.recipient == old_recipient else row.recipient
        twin = session.exec(
            select(OutboxMessage.id).where(
                OutboxMessage.kind == row.kind,
                OutboxMessage.subject == row.subject,
                OutboxMessage.recipient == recipient,
                OutboxMessage.slot == row.slot,
                OutboxMessage.id != row.id,
            )
        ).first()
        if twin is not None:  # the planner already wrote it for the new chat: send that one
            if row.status == "pending":
                row.status = "dropped"
                row.last_error = f"{MIGRATED_ERROR}{new_chat_id}"
                session.add(row)
                dropped += 1
            continue
        row.chat_id = new_chat_id
        row.recipient = recipient
        row.status = "pending"
        session.add(row)
        moved += 1
    for chat_id in (old_chat_id, new_chat_id):
        blocked = session.get(BlockedChat, chat_id)
        if blocked is not None:
            session.delete(blocked)
    session.flush()
    return Migration([p.code for p in programs], moved, dropped)


def record_removed(*, session: Session, chat_id: int, reason: str, now: datetime) -> bool:
    """The bot was removed from a group or blocked by a person: record the chat as blocked (the
    reminder sender skips it) with `reason`; whether it was not recorded yet. Audited as
    `chat_blocked` for each program whose committee group it is."""
    blocked = session.get(BlockedChat, chat_id)
    if blocked is not None:
        return False
    session.add(BlockedChat(chat_id=chat_id, reason=reason[:500], at=now))
    _audit_group(session, chat_id, "chat_blocked", {"chat_id": chat_id, "reason": reason}, now)
    session.flush()
    return True


def record_restored(*, session: Session, chat_id: int, now: datetime) -> bool:
    """The bot is in the group again, or the person unblocked it: forget the block; whether
    there was one. Audited as `chat_unblocked` for each program whose committee group it is."""
    blocked = session.get(BlockedChat, chat_id)
    if blocked is None:
        return False
    session.delete(blocked)
    _audit_group(session, chat_id, "chat_unblocked", {"chat_id": chat_id}, now)
    session.flush()
    return True


def _audit_group(
    session: Session, chat_id: int, action: str, detail: dict[str, object], now: datetime
) -> None:
    programs = session.exec(select(Program).where(Program.group_chat_id == chat_id)).all()
    for program in programs:
        session.add(
            AuditEntry(
                program_id=program.id,
                at=now,
                actor="telegram",
                action=action,
                entity="program",
                entity_key=program.code,
                detail=detail,
            )
        )

"""Group life: a group upgraded to a supergroup keeps working, and a chat that removed or blocked
the bot is recorded, so that reminders are not retried there forever.

- **Migration.** When a group becomes a supergroup, Telegram sends a service message with
  `migrate_to_chat_id` in the old chat and one with `migrate_from_chat_id` in the new; either
  moves the committee group, and the messages waiting for it, to the new id
  (`storage.groups.migrate_group`, idempotent, so both may come).
- **Membership.** A `my_chat_member` update says what the bot now is in a chat: left or kicked
  (removed from a group, or a person blocked it) records the chat as blocked; a member again
  (added back, unblocked) lifts it.
"""

from __future__ import annotations

import logging

from telegram import ChatMember, Update
from telegram.ext import ContextTypes

from bot.chat import services
from storage.groups import migrate_group, record_removed, record_restored

log = logging.getLogger(__name__)

_GONE = (ChatMember.LEFT, ChatMember.BANNED)


async def migrated(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The service message of a group upgraded to a supergroup, in the old chat or the new."""
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id is not None:
        old, new = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id is not None:
        old, new = message.migrate_from_chat_id, message.chat.id
    else:  # pragma: no cover - the filter lets only these through
        return
    svc = services(context)
    result = svc.db.run_write(
        lambda s: migrate_group(session=s, old_chat_id=old, new_chat_id=new, now=svc.clock())
    )
    if result.programs or result.outbox_moved or result.outbox_dropped:
        log.info(
            "group %s became supergroup %s: programs %s, %s outbox message(s) moved, %s dropped",
            old,
            new,
            ",".join(result.programs) or "-",
            result.outbox_moved,
            result.outbox_dropped,
        )


async def membership_changed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """What the bot is now in a chat: gone (left, kicked; in a private chat: blocked) or back."""
    change = update.my_chat_member
    if change is None:
        return
    chat = change.chat
    status = change.new_chat_member.status
    is_member = getattr(change.new_chat_member, "is_member", True)
    svc = services(context)
    if status in _GONE or (status == ChatMember.RESTRICTED and not is_member):
        if chat.type == chat.PRIVATE:
            reason = "Forbidden: bot was blocked by the user"
        else:
            reason = f"Forbidden: bot was removed from the group ({status})"
        changed = svc.db.run_write(
            lambda s: record_removed(session=s, chat_id=chat.id, reason=reason, now=svc.clock())
        )
        if changed:
            log.warning("chat %s: %s; recorded, no more messages go there", chat.id, reason)
        return
    lifted = svc.db.run_write(
        lambda s: record_restored(session=s, chat_id=chat.id, now=svc.clock())
    )
    if lifted:
        log.info("chat %s: the bot is back (%s); messages go there again", chat.id, status)

"""The bot's side of `reminders.messages.Delivery`: one outbox message, rendered and sent with
the Bot API, and Telegram's answer turned into an `Outcome`.

The Bot given here must not retry a 429 by itself (no `AIORateLimiter`): the paced sender owns
the waiting, so that a 429 holds only the chat it concerns, and records it.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Callable
from datetime import timedelta

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    RetryAfter,
    TelegramError,
)
from telegram.warnings import PTBDeprecationWarning

from reminders.messages import Outcome, Outgoing

log = logging.getLogger(__name__)

Render = Callable[[Outgoing], str]

# BadRequest descriptions that mean the chat is gone for the bot, not that the message was bad.
_GONE = ("chat not found", "user not found", "peer_id_invalid", "bot was kicked", "not a member")


def retry_seconds(exc: RetryAfter) -> float:
    """A 429's retry_after in seconds, whether PTB gives it as an int or a timedelta."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value: int | float | timedelta = exc.retry_after
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value)


def outcome_of(exc: TelegramError) -> Outcome:
    """What a Bot API error means for the outbox."""
    text = str(exc) or type(exc).__name__
    if isinstance(exc, RetryAfter):
        return Outcome("retry_after", retry_after=retry_seconds(exc), error=text)
    if isinstance(exc, Forbidden):
        return Outcome("blocked", error=text)
    if isinstance(exc, ChatMigrated):
        return Outcome(
            "migrated", error=f"chat migrated to {exc.new_chat_id}", new_chat_id=exc.new_chat_id
        )
    if isinstance(exc, BadRequest):
        if any(gone in text.lower() for gone in _GONE):
            return Outcome("blocked", error=f"Bad Request: {text}")
        return Outcome("failed", error=f"Bad Request: {text}")
    # NetworkError (TimedOut included; PTB raises it for 5xx answers too) and anything else
    # unexpected: try again later, with backoff, until the attempts run out.
    return Outcome("transient", error=f"{type(exc).__name__}: {text}")


class TelegramDelivery:
    """Renders an outbox message (in a thread: rendering may read the database) and sends it
    as HTML, without link previews."""

    def __init__(self, bot: Bot, render: Render) -> None:
        self.bot = bot
        self.render = render

    async def deliver(self, message: Outgoing) -> Outcome:
        try:
            text = await asyncio.to_thread(self.render, message)
        except Exception as exc:
            log.exception("could not render outbox message %s (%s)", message.id, message.kind)
            return Outcome("failed", error=f"render: {exc!r}")
        try:
            sent = await self.bot.send_message(
                chat_id=message.chat_id,
                text=text,
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        except TelegramError as exc:
            return outcome_of(exc)
        return Outcome("sent", message_id=sent.message_id)

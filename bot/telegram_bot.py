"""The Bot the Application talks to Telegram with: python-telegram-bot's, with one courtesy.

A button press processed a second time (the process was killed after answering it and before
marking its update done, so the stored update is processed again on restart) answers a callback
query Telegram already saw answered, or one older than Telegram keeps. Telegram refuses that with
"query is too old ... or query ID is invalid". The answer is only the spinner on the button, so
the refusal is logged and the handler goes on: what it records is idempotent, and the reply that
follows the answer (the readback, "recorded") must still reach the person.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram.error import BadRequest
from telegram.ext import ExtBot

log = logging.getLogger(__name__)

_EXPIRED_QUERY = "query is too old"


class PhoihopBot(ExtBot[None]):
    """ExtBot whose answer to an expired or already answered callback query is a no-op."""

    async def answer_callback_query(self, *args: Any, **kwargs: Any) -> bool:
        try:
            return await super().answer_callback_query(*args, **kwargs)
        except BadRequest as exc:
            if _EXPIRED_QUERY not in exc.message.lower():
                raise
            log.info("callback query already answered or expired, not answered again: %s", exc)
            return False

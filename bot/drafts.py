"""Confirm and Cancel of a draft read back (a report, a task, a member change, a plan): one
press, one storage call.

The press says the draft, its nonce and "ok" or "no"; storage re-checks that the presser made
the draft and may still do what it says. Cancel is answered here; what Confirm did is for the
feature to tell.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Protocol, TypeVar

from sqlmodel import Session
from telegram import Update
from telegram.ext import ContextTypes

from bot import keyboards as kb
from bot.chat import Who, edit_or_reply, services
from bot.reporting import refusal
from storage.errors import OperationError

T_co = TypeVar("T_co", covariant=True)


class Decision(Protocol[T_co]):
    """A storage function confirming or cancelling a draft, e.g. `confirm_change`."""

    def __call__(
        self, *, session: Session, draft_id: int, nonce: str, telegram_id: int, now: datetime
    ) -> T_co: ...


async def decide(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    me: Who,
    press: kb.Press,
    *,
    confirm: Decision[T_co],
    cancel: Decision[object],
    cancelled_key: str,
    refusal_replaces: Collection[str] = (),
) -> T_co | None:
    """Confirm or Cancel the draft `press` names, as `me`; what `confirm` returned, or None when
    the press has been answered here: cancelled (the read-back then says `cancelled_key`) or
    refused (an alert with the reason, which also replaces the read-back when its code is one
    of `refusal_replaces`)."""
    query = update.callback_query
    assert query is not None
    svc = services(context)
    draft_id, nonce, action = press.number(0), press.args[1], press.args[2]
    try:
        if action == "no":
            svc.db.run_write(
                lambda s: cancel(
                    session=s,
                    draft_id=draft_id,
                    nonce=nonce,
                    telegram_id=me.user_id,
                    now=svc.clock(),
                )
            )
            await query.answer()
            await edit_or_reply(update, me.t(cancelled_key))
            return None
        return svc.db.run_write(
            lambda s: confirm(
                session=s, draft_id=draft_id, nonce=nonce, telegram_id=me.user_id, now=svc.clock()
            )
        )
    except OperationError as exc:
        text = refusal(me.t, exc)
        await query.answer(text[:200], show_alert=True)
        if exc.code in refusal_replaces:
            await edit_or_reply(update, text)
        return None

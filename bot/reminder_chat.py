"""Reminders in the chat: `/nhom` binds the committee's group, `/nhacnho` lets a person pause
or mute their non-essential reminders.

- `/nhom` (`/group`), sent in a group by a chair, vice-chair or secretary, makes that group the
  program's committee group (`Program.group_chat_id`): completions and the weekly digest go
  there. Anyone else, or a private chat, gets a polite word on who and where.
- `/nhacnho` (`/reminders`), in a private chat, shows whether the person's non-essential
  reminders are muted or snoozed (until when, in the program's time zone), with buttons; typed
  forms too: `tat` (mute), `bat` (unmute), `hoan 3` (snooze 3 days), `tiep` (resume now), or
  their English words. A snooze ends at the same local time N days later. Essential messages
  (deadlines on the day, overdue notices, calls due today) are not held back by either.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import keyboards as kb
from bot.chat import edit_or_reply, esc, reply, services, who, zone_of
from bot.i18n import Translator
from bot.onboarding import private_only
from storage.people import (
    MUTE,
    RESUME,
    SNOOZE,
    UNMUTE,
    Member,
    ReminderState,
    bind_group,
    change_reminders,
    reminder_state,
)

SNOOZE_MAX_DAYS = 30
# Button actions (callback data `m:<person id>:<action>`): snooze a day, a week; mute, unmute;
# resume now.
BUTTON_SNOOZE = {"s1": 1, "s7": 7}
_BUTTON_ACTIONS = {"mu": MUTE, "um": UNMUTE, "go": RESUME}
# Typed words, Vietnamese (without diacritics) and English.
_WORDS = {
    "tat": MUTE,
    "off": MUTE,
    "mute": MUTE,
    "bat": UNMUTE,
    "on": UNMUTE,
    "unmute": UNMUTE,
    "hoan": SNOOZE,
    "tam dung": SNOOZE,
    "dung": SNOOZE,
    "snooze": SNOOZE,
    "pause": SNOOZE,
    "tiep": RESUME,
    "tiep tuc": RESUME,
    "resume": RESUME,
}


@dataclass(frozen=True)
class Change:
    """What to do to a person's reminders: mute, unmute, resume, or snooze for `days`."""

    action: str
    days: int = 0


def _plain(text: str) -> str:
    """Lower case, without Vietnamese diacritics, spaces collapsed."""
    text = text.lower().replace("đ", "d")
    text = unicodedata.normalize("NFD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.split())


def parse_change(text: str) -> Change | None:
    """The change a typed `/nhacnho ...` asks for, or None when it is not one."""
    words = _plain(text)
    if words in _WORDS and _WORDS[words] != SNOOZE:
        return Change(_WORDS[words])
    head, _, count = words.rpartition(" ")
    if _WORDS.get(head) == SNOOZE and count.isascii() and count.isdigit():
        days = int(count)
        if 1 <= days <= SNOOZE_MAX_DAYS:
            return Change(SNOOZE, days)
    return None


# --- texts -----------------------------------------------------------------------------------


def state_text(t: Translator, member: Member, state: ReminderState) -> str:
    lines = []
    if state.muted:
        lines.append(t("chat-reminders-muted"))
    if state.snoozed_until is not None:
        until = state.snoozed_until.astimezone(zone_of(member)).strftime("%d/%m/%Y %H:%M")
        lines.append(t("chat-reminders-snoozed", until=until))
    if not lines:
        lines.append(t("chat-reminders-on"))
    lines += [t("chat-reminders-essential"), "", t("chat-reminders-how")]
    return "\n".join(lines)


def state_buttons(t: Translator, member: Member, state: ReminderState) -> InlineKeyboardMarkup:
    pid = member.person_id
    mute = (
        kb.button(t("chat-reminders-button-unmute"), "m", pid, "um")
        if state.muted
        else kb.button(t("chat-reminders-button-mute"), "m", pid, "mu")
    )
    resume = (
        [kb.button(t("chat-reminders-button-resume"), "m", pid, "go")]
        if state.muted or state.snoozed_until is not None
        else []
    )
    return kb.keyboard(
        [
            kb.button(t("chat-reminders-button-day"), "m", pid, "s1"),
            kb.button(t("chat-reminders-button-week"), "m", pid, "s7"),
        ],
        [mute],
        resume,
    )


def done_text(t: Translator, change: Change) -> str:
    if change.action == SNOOZE:
        return t("chat-reminders-done-snooze", days=change.days)
    if change.action == MUTE:
        return t("chat-reminders-done-mute")
    if change.action == UNMUTE:
        return t("chat-reminders-done-unmute")
    return t("chat-reminders-done-resume")


# --- handlers --------------------------------------------------------------------------------


async def group_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/nhom`: a leader binds this group as the program's committee group."""
    me = who(update, context)
    if me.private:
        await reply(update, me.t("chat-group-in-group-only"))
        return
    member = me.member
    if member is None or not member.leading:
        await reply(update, me.t("chat-group-not-allowed"))
        return
    chat = update.effective_chat
    assert chat is not None
    svc = services(context)
    outcome = svc.db.run_write(
        lambda s: bind_group(session=s, member=member, chat_id=chat.id, now=svc.clock())
    )
    program = esc(member.program_code)
    if outcome == "already":
        await reply(update, me.t("chat-group-already", program=program))
        return
    text = me.t("chat-group-bound", program=program)
    if outcome == "moved":
        text += "\n" + me.t("chat-group-moved")
    await reply(update, text)


async def reminders_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/nhacnho [tat | bat | hoan N | tiep]`: see or change one's non-essential reminders."""
    me = who(update, context)
    member = me.member
    if member is None:
        await reply(update, me.t("chat-join-how"))
        return
    if not me.private:
        await private_only(update, context, me)
        return
    svc = services(context)
    typed = " ".join(context.args or []).strip()
    if not typed:
        with svc.db.read() as s:
            state = reminder_state(session=s, person_id=member.person_id, now=svc.clock())
        await reply(update, state_text(me.t, member, state), state_buttons(me.t, member, state))
        return
    change = parse_change(typed)
    if change is None:
        await reply(update, me.t("chat-reminders-usage", text=esc(typed), max=SNOOZE_MAX_DAYS))
        return
    state = svc.db.run_write(
        lambda s: change_reminders(
            session=s, member=member, action=change.action, days=change.days, now=svc.clock()
        )
    )
    text = done_text(me.t, change) + "\n\n" + state_text(me.t, member, state)
    await reply(update, text, state_buttons(me.t, member, state))


async def reminders_pressed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, press: kb.Press
) -> None:
    """A button of `/nhacnho`: only its own person, in a private chat, bound to a program."""
    query = update.callback_query
    assert query is not None
    me = who(update, context)
    member = me.member
    if member is None or not me.private or member.person_id != press.number(0):
        await query.answer(me.t("op-stale_button"), show_alert=True)
        return
    action = press.args[1]
    change = (
        Change(SNOOZE, BUTTON_SNOOZE[action])
        if action in BUTTON_SNOOZE
        else Change(_BUTTON_ACTIONS[action])
    )
    svc = services(context)
    state = svc.db.run_write(
        lambda s: change_reminders(
            session=s, member=member, action=change.action, days=change.days, now=svc.clock()
        )
    )
    await query.answer(done_text(me.t, change)[:200])
    text = done_text(me.t, change) + "\n\n" + state_text(me.t, member, state)
    await edit_or_reply(update, text, state_buttons(me.t, member, state))

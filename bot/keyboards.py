"""Callback data of the inline buttons: short, opaque, strictly parsed.

Every button carries at most a few ids and a short word (well under Telegram's 64 bytes). The
data is never trusted: a handler re-reads who pressed and re-checks their right to do what the
button says, and anything that does not parse exactly is refused as a stale button.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

CALLBACK_LIMIT = 64  # bytes, Telegram's limit

_GRAMMAR: dict[str, re.Pattern[str]] = {
    # a draft: confirm, edit, cancel
    "d": re.compile(r"d:(\d{1,12}):([0-9a-f]{6}):(ok|ed|no)"),
    # report on a task: choose it
    "r": re.compile(r"r:(\d{1,12})"),
    # report on a task: an indicator, done, a note
    "i": re.compile(r"i:(\d{1,12}):(\d{1,12})"),
    "k": re.compile(r"k:(\d{1,12})"),
    "n": re.compile(r"n:(\d{1,12})"),
    # correct one's report
    "c": re.compile(r"c:(\d{1,12})"),
    # decide an extension: approve, reject
    "x": re.compile(r"x:(\d{1,12}):(a|r)"),
    # pages of the work list and of the report picker
    "v": re.compile(r"v:(\d{1,4})"),
    "b": re.compile(r"b:(\d{1,4})"),
    # language
    "l": re.compile(r"l:(vi|en)"),
    # a section of the status as of a day: overdue, upcoming, indicators, organizations
    "s": re.compile(r"s:(o|u|i|g):(\d{8})"),
    # the status as of a period's end; one organization's view as of a day
    "q": re.compile(r"q:(\d{1,12})"),
    "w": re.compile(r"w:(\d{1,12}):(\d{8})"),
    # one's reminders: snooze a day, a week; mute, unmute; resume now
    "m": re.compile(r"m:(\d{1,12}):(s1|s7|mu|um|go)"),
    # a completion waiting for verification: accept, return (then the reason is typed)
    "a": re.compile(r"a:(\d{1,12}):(ok|rt)"),
    # /giao step by step: kind, lead (and its pages), partners (toggle, all, pages, done),
    # no targets, stop; the conversation's nonce ties a press to the step it was shown in
    "g": re.compile(r"g:([0-9a-f]{6}):(k|l|lp|p|pa|pp|pd|ts|x):([a-z0-9]{1,12})"),
    # a task given, changed or cancelled, read back: confirm, cancel
    "t": re.compile(r"t:(\d{1,12}):([0-9a-f]{6}):(ok|no)"),
    # switch to a program; with `a`, it answers "which program?" (what waited is carried out)
    "h": re.compile(r"h:(\d{1,12})(?::(a))?"),
    # a plan sent by chat: apply or cancel its preview
    "p": re.compile(r"p:(\d{1,12}):([0-9a-f]{6}):(ok|no)"),
    # members: invite for a gap, pick to revoke or move, pages, an org, a role, cancel an invite
    "u": re.compile(r"u:(g|r|m|p|q|o|l|i|x):(\d{1,12}):(\d{1,12}):(\d)"),
    # members: confirm or cancel a revoke or a move read back
    "y": re.compile(r"y:(\d{1,12}):([0-9a-f]{6}):(ok|no)"),
}


@dataclass(frozen=True)
class Press:
    """A parsed button press: its kind and its arguments."""

    kind: str
    args: tuple[str, ...]

    def number(self, n: int = 0) -> int:
        return int(self.args[n])


def parse(data: str | None) -> Press | None:
    """The press a callback data says, or None when it is not one of ours."""
    if not data or len(data.encode()) > CALLBACK_LIMIT:
        return None
    kind = data.split(":", 1)[0]
    pattern = _GRAMMAR.get(kind)
    match = pattern.fullmatch(data) if pattern is not None else None
    return Press(kind, match.groups()) if match else None


def data(kind: str, *args: object) -> str:
    """The callback data of a press; checked against the grammar so no button is unparsable."""
    text = ":".join([kind, *map(str, args)])
    if parse(text) is None:
        raise ValueError(f"callback data {text!r} does not match its grammar")
    return text


def button(label: str, kind: str, *args: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=data(kind, *args))


def rows(buttons: list[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[n : n + width] for n in range(0, len(buttons), width)]


def keyboard(*lines: list[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([line for line in lines if line])

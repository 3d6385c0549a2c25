"""What every chat handler shares: the services of the Application, who is speaking and in
which language, replies that fit Telegram's limits, and the source key of an update.

Handlers are thin: they parse, call one storage function, render with the catalogs and reply.
The storage calls are synchronous and short (a few milliseconds on SQLite), so handlers call
them directly rather than through a thread pool.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.ext import ContextTypes

from bot import logs
from bot.i18n import Language, Translator, translator
from storage.conversations import get_step, set_step
from storage.database import Database
from storage.people import Member, language_of, member_for, program_of
from storage.typed_reports import IndicatorInfo, ReportReader
from storage.worklists import Vocabulary, program_vocabulary

SERVICES = "phoihop"
# Telegram's limit for one message's text.
MESSAGE_LIMIT = 4096
# The step of a person asked which program a message is for (`bot.programs`): the message waits
# in its data, and is not the answer to anything else.
STEP_WHICH_PROGRAM = "program"
# A step's data names the program it was asked in, so that its answer lands there.
STEP_PROGRAM = "_program"
# The line that names the program atop every reply to a person in several programs, and how it
# is read back from a pressed message (plain, as Telegram gives it, or as the HTML it was sent in).
_HEADER_KEY = "programs-header"
_HEADER_CODE = re.compile(r"📂 (?:<b>)?([^\s<]+)")
# (the update, its header line or None): set by `who`, read by `reply` for that update only.
_HEADER: ContextVar[tuple[object, str | None]] = ContextVar("phoihop_header", default=(None, None))


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    """The Application's long-lived services, kept in `bot_data`."""

    db: Database
    default_language: Language = "vi"
    clock: Callable[[], datetime] = utc_now
    # Each program's indicators and organizations, and a compiled reader of typed reports per
    # language, kept until the program's plan changes (its stamp moves on every import).
    _vocabularies: dict[int, tuple[object, Vocabulary]] = field(default_factory=dict)
    _readers: dict[tuple[int, object, str], ReportReader] = field(default_factory=dict)

    def vocabulary(self, member: Member) -> Vocabulary:
        cached = self._vocabularies.get(member.program_id)
        if cached is None or cached[0] != member.program_version:
            with self.db.read() as session:
                found = program_vocabulary(session=session, program_id=member.program_id)
            cached = (member.program_version, found)
            self._vocabularies[member.program_id] = cached
            stale = [k for k in self._readers if k[0] == member.program_id]
            for key in stale:
                del self._readers[key]
        return cached[1]

    def reader(self, member: Member, lang: str) -> ReportReader:
        vocabulary = self.vocabulary(member)
        key = (member.program_id, member.program_version, lang)
        if key not in self._readers:
            self._readers[key] = ReportReader(
                [IndicatorInfo(c, u, k) for c, u, k in vocabulary.indicators],
                list(vocabulary.org_ids),
                lang="en" if lang == "en" else "vi",
            )
        return self._readers[key]


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    result: Services = context.application.bot_data[SERVICES]
    return result


@dataclass(frozen=True)
class Who:
    """The person behind an update: their membership (None if not bound) and language."""

    user_id: int
    name: str
    member: Member | None
    t: Translator
    private: bool
    # The step of a button conversation the person is in (asked for with `with_step`).
    step: tuple[str, dict[str, Any]] | None = None

    @property
    def lang(self) -> Language:
        return self.t.lang


def who(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    *,
    with_step: bool = False,
    program_id: int | None = None,
) -> Who:
    """Who sent this update, in their language: their choice, else Telegram's, else default.

    Their membership is the one in `program_id` when given (None if they are not in it); for a
    button, in the program its message names; for the answer to a step, in the program the step
    was asked in; in a committee's group, in that group's program; else in their current one.
    Replies to this update then name that program when the person is in several."""
    user = update.effective_user
    assert user is not None
    svc = services(context)
    chat = update.effective_chat
    private = chat is None or chat.type == ChatType.PRIVATE
    step = None
    code = None
    if program_id is None and update.callback_query is not None:
        code = pressed_program_code(update.callback_query)
    with svc.db.read() as session:
        member = member_for(
            session=session,
            telegram_id=user.id,
            program_id=program_id,
            program_code=code,
            chat_id=None if private or chat is None else chat.id,
        )
        chosen = member.language if member is not None else None
        if member is None:
            chosen = language_of(session=session, telegram_id=user.id)
        elif with_step:
            step = get_step(session=session, person_id=member.person_id)
            asked_in = step[1].get(STEP_PROGRAM) if step is not None else None
            if step is not None and step[0] == STEP_WHICH_PROGRAM:
                step = None  # only its buttons answer it
            elif isinstance(asked_in, int) and program_id is None:
                there = member_for(session=session, telegram_id=user.id, program_id=asked_in)
                member, step = (there, step) if there is not None else (member, None)
    if chosen is None and user.language_code:
        chosen = "en" if user.language_code.startswith("en") else "vi"
    logs.bind_program(member.program_code if member is not None else None)
    t = translator(chosen or svc.default_language)
    name_program(update, t, member)
    return Who(
        user_id=user.id,
        name=user.full_name,
        member=member,
        t=t,
        private=private,
        step=step,
    )


def who_for(update: Update, context: ContextTypes.DEFAULT_TYPE, kind: str, thing_id: int) -> Who:
    """The presser of a button that names a thing (a task, report, draft, extension, period or
    organization), as a member of that thing's program: never of their current one instead."""
    with services(context).db.read() as session:
        program = program_of(session=session, kind=kind, thing_id=thing_id)
    return (
        who(update, context, program_id=program) if program is not None else who(update, context)
    )


def pressed_program_code(query: CallbackQuery) -> str | None:
    """The program a pressed message names in its first line (a reply to a person in several
    programs always does), or None."""
    message = query.message
    text = getattr(message, "text", None) or getattr(message, "caption", None) or ""
    found = _HEADER_CODE.match(text)
    return html.unescape(found[1]) if found else None


def name_program(update: Update, t: Translator, member: Member | None) -> None:
    """Name `member`'s program atop the replies to this update when the person is in several
    programs (None: name none)."""
    header = None
    if member is not None and member.programs > 1:
        header = t(_HEADER_KEY, program=esc(member.program_code))
    _HEADER.set((update, header))


def for_person(
    context: ContextTypes.DEFAULT_TYPE, telegram_id: int, program_id: int, t: Translator, text: str
) -> str:
    """`text` for a message the bot sends a person by itself (not a reply): with the program's
    line atop, as replies have it, when the person is in several programs."""
    with services(context).db.read() as session:
        member = member_for(session=session, telegram_id=telegram_id, program_id=program_id)
    if member is None or member.programs < 2:
        return text
    return f"{t(_HEADER_KEY, program=esc(member.program_code))}\n{text}"


def _header(update: Update, text: str) -> str | None:
    """The program's line for a reply to this update, unless the text has it already."""
    named, header = _HEADER.get()
    if named is not update or header is None or text.startswith(header):
        return None
    return header


def _with_header(update: Update, text: str) -> str:
    header = _header(update, text)
    return text if header is None else f"{header}\n{text}"


def expect_answer(
    context: ContextTypes.DEFAULT_TYPE, member: Member, step: str, data: dict[str, Any]
) -> None:
    """Remember that the person's next message answers `step` (with `data`)."""
    svc = services(context)
    data = {**data, STEP_PROGRAM: member.program_id}
    svc.db.run_write(
        lambda s: set_step(
            session=s, person_id=member.person_id, step=step, data=data, now=svc.clock()
        )
    )


def zone_of(member: Member | None) -> ZoneInfo:
    return ZoneInfo(member.timezone if member is not None else "Asia/Ho_Chi_Minh")


def local_day(moment: datetime, member: Member | None) -> date:
    """The calendar day of a moment in the program's time zone."""
    return moment.astimezone(zone_of(member)).date()


def message_day(update: Update, context: ContextTypes.DEFAULT_TYPE, member: Member | None) -> date:
    """The day a message was sent, in the program's zone (the report's effective date)."""
    message = update.effective_message
    moment = message.date if message is not None and message.date else services(context).clock()
    return local_day(moment, member)


def source_key(update: Update) -> str:
    """A key naming what the person did, the same however often Telegram delivers it."""
    query = update.callback_query
    if query is not None:
        return f"tg:cb:{query.id}"
    message = update.effective_message
    chat = update.effective_chat
    assert message is not None and chat is not None
    return f"tg:{chat.id}:{message.message_id}"


def esc(text: object) -> str:
    """Text from people or the plan, made safe inside an HTML message."""
    return html.escape(str(text), quote=False)


def split_text(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Pieces of at most `limit` characters, cut between lines (within a line only when one
    line alone is longer), so that no HTML tag, which never spans lines here, is cut."""
    pieces: list[str] = []
    current: str | None = None  # the piece being filled; None before its first line
    for line in text.split("\n"):
        while len(line) > limit:
            if current is not None:
                pieces.append(current)
                current = None
            pieces.append(line[:limit])
            line = line[limit:]
        candidate = line if current is None else f"{current}\n{line}"
        if len(candidate) > limit:
            assert current is not None
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current is not None or not pieces:
        pieces.append(current or "")
    return pieces


async def reply(
    update: Update, text: str, markup: InlineKeyboardMarkup | None = None
) -> Message | None:
    """Answer in the chat of the update, in pieces under Telegram's limit (buttons on the last)."""
    chat = update.effective_chat
    if chat is None:
        return None
    header = _header(update, text)
    if header is None:
        pieces = split_text(text)
    else:  # every piece names the program: buttons come on the last one
        pieces = [f"{header}\n{p}" for p in split_text(text, MESSAGE_LIMIT - len(header) - 1)]
    sent: Message | None = None
    for n, piece in enumerate(pieces):
        last = n == len(pieces) - 1
        sent = await chat.send_message(
            piece, parse_mode=ParseMode.HTML, reply_markup=markup if last else None
        )
    return sent


async def edit_or_reply(
    update: Update, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Replace the message whose button was pressed, or answer anew when it cannot be."""
    query = update.callback_query
    shown = _with_header(update, text)
    if query is not None and query.message is not None and len(shown) <= MESSAGE_LIMIT:
        await query.edit_message_text(shown, parse_mode=ParseMode.HTML, reply_markup=markup)
        return
    await reply(update, text, markup)


def command_text(update: Update) -> str:
    """What follows the command in the message (`/baocao R27 LN 2100` → `R27 LN 2100`)."""
    message = update.effective_message
    raw = (message.text or "") if message is not None else ""
    return first_word(raw)[1].strip()


def first_word(text: str) -> tuple[str, str]:
    parts = text.split(maxsplit=1)
    if not parts:
        return "", ""
    return parts[0], parts[1] if len(parts) > 1 else ""

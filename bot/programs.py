"""Several programs per person: `/chuongtrinh` (`/program`) lists a person's programs and
switches between them, and the chat asks which program a message is for when it cannot tell.

- The current program is remembered on the person (`Person.current_program_id`); switching, by
  a button or by typing `/chuongtrinh CODE`, is audited (`switch_program`).
- A person in several programs who never chose one (no current program, or one they are no
  longer in) is asked before any command or message that acts in a program (`gate`); the
  message waits in their conversation step and is carried out as soon as they choose.
- A typed report or `/xong` naming a task that is not in the current program but is in another
  of theirs asks which program it is for (`ask_other_program`), the same way.
- Every reply to a person in several programs starts with the program's code (`bot.chat.who`),
  and buttons act in the program of what they name, never in the presser's current one.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot import keyboards as kb
from bot.chat import (
    STEP_PROGRAM,
    STEP_WHICH_PROGRAM,
    Who,
    edit_or_reply,
    esc,
    name_program,
    reply,
    services,
    who,
)
from bot.i18n import Translator
from bot.onboarding import private_only
from storage.conversations import clear_step, get_step, set_step
from storage.errors import OperationError
from storage.people import Member, ProgramsOf, programs_of, programs_with_task, switch_program

# Commands that act in no particular program: they never wait for a choice.
FREE_COMMANDS = frozenset(
    {"start", "trogiup", "help", "ngonngu", "lang", "chuongtrinh", "program"}
)
ANSWER = "a"  # the button answers a question: the waiting message is carried out


# --- rendering (pure) ----------------------------------------------------------------------------


def member_line(t: Translator, member: Member, current: bool) -> str:
    return t(
        "programs-line",
        mark=t("programs-mark-current" if current else "programs-mark-other"),
        program=esc(member.program_code),
        title=esc(member.program_title),
        role=t(f"role-{member.role}"),
        org=esc(member.org_code),
        org_name=esc(member.org_name),
    )


def programs_text(t: Translator, mine: ProgramsOf) -> str:
    """The person's programs, the current one marked, and how to switch."""
    lines = [t("programs-title", count=len(mine.members))]
    lines += [
        member_line(t, m, m.program_id == mine.current_id or not mine.several)
        for m in mine.members
    ]
    current = next((m for m in mine.members if m.program_id == mine.current_id), None)
    lines.append("")
    if not mine.several:
        lines.append(t("programs-only-one"))
        return "\n".join(lines)
    if current is None:
        lines.append(t("programs-none-chosen"))
    else:
        lines.append(t("programs-current", program=esc(current.program_code)))
    example = next(m for m in mine.members if m.program_id != mine.current_id).program_code
    lines.append(t("programs-how", example=esc(example)))
    return "\n".join(lines)


def program_buttons(
    members: list[Member] | tuple[Member, ...], current_id: int | None, *, answer: bool = False
) -> InlineKeyboardMarkup:
    """One button per program (the current one marked); `answer`: they answer a question."""
    buttons = [
        kb.button(
            f"✅ {m.program_code}" if m.program_id == current_id else m.program_code,
            "h",
            *((m.program_id, ANSWER) if answer else (m.program_id,)),
        )
        for m in members
    ]
    return kb.keyboard(*kb.rows(buttons, 2))


def switched_text(t: Translator, member: Member, changed: bool) -> str:
    return t(
        "programs-switched" if changed else "programs-already",
        program=esc(member.program_code),
        title=esc(member.program_title),
        role=t(f"role-{member.role}"),
        org=esc(member.org_code),
        org_name=esc(member.org_name),
    )


# --- /chuongtrinh ------------------------------------------------------------------------------


async def program_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/chuongtrinh` lists one's programs with buttons; `/chuongtrinh CODE` switches."""
    me = who(update, context)
    if me.member is None:
        await reply(update, me.t("chat-join-how"))
        return
    if not me.private:
        await private_only(update, context, me)
        return
    svc = services(context)
    code = " ".join(context.args or []).strip()
    if not code:
        with svc.db.read() as s:
            mine = programs_of(session=s, telegram_id=me.user_id)
        name_program(update, me.t, None)  # about all of them
        markup = program_buttons(mine.members, mine.current_id) if mine.several else None
        await reply(update, programs_text(me.t, mine), markup)
        return
    try:
        member, changed = svc.db.run_write(
            lambda s: switch_program(
                session=s, telegram_id=me.user_id, program_code=code, now=svc.clock()
            )
        )
    except OperationError as exc:
        await reply(update, _refusal(me.t, exc))
        return
    me = who(update, context, program_id=member.program_id)
    await reply(update, switched_text(me.t, member, changed))


def _refusal(t: Translator, exc: OperationError) -> str:
    return t(f"op-{exc.code}", **{k: esc(v) for k, v in exc.params.items()})


async def program_pressed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, press: kb.Press
) -> None:
    """A program's button: switch to it (re-checking the presser is in it); when it answers
    "which program?", carry out the message that was waiting, in that program."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and user is not None
    svc = services(context)
    program_id, answers = press.number(0), press.args[1] == ANSWER

    def work(s: Any) -> tuple[Member, bool, dict[str, Any] | None]:
        member, changed = switch_program(
            session=s, telegram_id=user.id, program_id=program_id, now=svc.clock()
        )
        waiting = None
        step = get_step(session=s, person_id=member.person_id) if answers else None
        if step is not None and step[0] == STEP_WHICH_PROGRAM:
            waiting = step[1].get("update")
            clear_step(session=s, person_id=member.person_id)
        return member, changed, waiting

    me = who(update, context, program_id=program_id)
    try:
        member, changed, waiting = svc.db.run_write(work)
    except OperationError as exc:
        await query.answer(_refusal(me.t, exc)[:200], show_alert=True)
        return
    await query.answer()
    await edit_or_reply(update, switched_text(me.t, member, changed))
    if isinstance(waiting, dict):
        # The message that waited for the choice, as if it had just arrived: its source key
        # (chat and message id) is the original one, so nothing it records can be recorded twice.
        await context.application.process_update(Update.de_json(waiting, context.bot))


# --- asking which program --------------------------------------------------------------------


def _acts_in_a_program(update: Update) -> bool:
    """A private message that a program-dependent handler will take: any command but the free
    ones, a typed line, a captioned photo or file."""
    message = update.message
    if message is None or message.chat.type != ChatType.PRIVATE or update.effective_user is None:
        return False
    text = message.text or ""
    if text.startswith("/"):
        name = text.split(maxsplit=1)[0][1:].split("@", 1)[0].lower()
        return name not in FREE_COMMANDS
    return bool(text or message.photo or message.document)


async def gate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Before any handler: a person in several programs who never chose one is asked which
    program, and what they sent waits for the answer (nothing else handles it now)."""
    if not _acts_in_a_program(update):
        return
    user = update.effective_user
    assert user is not None
    svc = services(context)
    with svc.db.read() as s:
        mine = programs_of(session=s, telegram_id=user.id)
        if not mine.several or mine.current_id is not None:
            return
        step = get_step(session=s, person_id=mine.members[0].person_id)
    if step is not None and step[0] != STEP_WHICH_PROGRAM and STEP_PROGRAM in step[1]:
        return  # the answer to a question asked in one program: it lands there
    me = who(update, context)
    await _ask(
        update,
        context,
        me,
        mine.members,
        me.t("programs-ask", count=len(mine.members), programs=esc(mine.codes)),
    )
    raise ApplicationHandlerStop


async def ask_other_program(
    update: Update, context: ContextTypes.DEFAULT_TYPE, me: Who, task_code: str
) -> bool:
    """A message naming a task that is not in the current program: when it is a task of the
    person's other programs, ask which one (True); else say nothing (False)."""
    member = me.member
    if member is None or member.programs < 2 or update.message is None or not task_code:
        return False
    with services(context).db.read() as s:
        having = programs_with_task(session=s, telegram_id=me.user_id, task_code=task_code)
    others = [m for m in having if m.program_id != member.program_id]
    if not others:
        return False
    text = me.t(
        "programs-task-elsewhere",
        task=esc(task_code.upper()),
        current=esc(member.program_code),
        programs=esc(", ".join(m.program_code for m in others)),
    )
    await _ask(update, context, me, others, text)
    return True


async def _ask(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    me: Who,
    members: list[Member] | tuple[Member, ...],
    text: str,
) -> None:
    """Keep the message waiting in the person's step and ask with one button per program."""
    svc = services(context)
    waiting = update.to_dict()
    person_id = members[0].person_id
    svc.db.run_write(
        lambda s: set_step(
            session=s,
            person_id=person_id,
            step=STEP_WHICH_PROGRAM,
            data={"update": waiting},
            now=svc.clock(),
        )
    )
    name_program(update, me.t, None)  # the question is about no one program
    await reply(update, text, program_buttons(members, None, answer=True))

"""Requests to the committee: `/giahan` asks the chair and secretariat for a later deadline
(they approve or reject with a button, and the officer is told), `/khokhan` raises a difficulty
or proposal for the period's review."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import keyboards as kb
from bot.chat import (
    Who,
    command_text,
    edit_or_reply,
    esc,
    expect_answer,
    for_person,
    message_day,
    reply,
    services,
    source_key,
    who_for,
)
from bot.i18n import translator
from bot.render import date_text
from bot.reporting import STEP_DIFFICULTY, _member_or_explain, refusal, short
from storage.conversations import Confirmed, extension_of, save_draft
from storage.errors import OperationError
from storage.models import Person, Task
from storage.operations import decide_extension, is_involved, record_difficulty
from storage.people import DECIDING_ROLES, member_for, people_with_roles
from storage.vietnamese import VietnameseParseError, parse_date
from storage.worklists import task_facts

log = logging.getLogger(__name__)


async def extend_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/giahan R09 30/6 lý do`: read back an extension request, sent on Confirm."""
    me = await _member_or_explain(update, context)
    if me is None:
        return
    member = me.member
    assert member is not None
    args = context.args or []
    if len(args) < 2:
        await reply(update, me.t("chat-extend-usage"))
        return
    svc = services(context)
    today = message_day(update, context, member)
    try:
        new_due = parse_date(args[1], today=today)
    except VietnameseParseError as exc:
        await reply(update, refusal(me.t, exc))
        return
    reason = " ".join(args[2:]).strip()
    with svc.db.read() as s:
        facts = task_facts(session=s, program_id=member.program_id, code=args[0].rstrip(":"))
        task = s.get(Task, facts.id) if facts else None
        allowed = task is not None and (member.leading or task.lead_org_id == member.org_id)
        involved = task is not None and is_involved(s, task, member.org_id)
    if facts is None:
        from bot.programs import ask_other_program

        if not await ask_other_program(update, context, me, args[0].rstrip(":")):
            await reply(update, me.t("op-unknown_task", task=esc(args[0])))
        return
    if not allowed:
        key = "chat-extend-not-lead" if involved else "op-not_involved"
        await reply(update, me.t(key, task=esc(facts.code), org=esc(member.org_code)))
        return
    if new_due <= facts.due:
        await reply(
            update,
            me.t("op-extension_not_later", task=esc(facts.code), due=date_text(me.t, facts.due)),
        )
        return
    if not reason:
        await reply(update, me.t("chat-extend-reason-missing"))
        return
    payload: dict[str, Any] = {
        "program": member.program_code,
        "task": facts.code,
        "org": member.org_code,
        "effective_on": today.isoformat(),
        "new_due": new_due.isoformat(),
        "reason": reason[:1000],
    }
    key = source_key(update)
    chat = update.effective_chat
    assert chat is not None
    draft = svc.db.run_write(
        lambda s: save_draft(
            session=s,
            source_key=key,
            member=member,
            chat_id=chat.id,
            kind="extension",
            payload=payload,
            now=svc.clock(),
        )
    )
    text = me.t(
        "chat-extend-readback",
        task=esc(facts.code),
        title=esc(short(facts.title)),
        due=date_text(me.t, facts.due),
        new_due=date_text(me.t, new_due),
        reason=esc(reason),
    )
    from bot.reporting import draft_buttons

    await reply(update, text, draft_buttons(me.t, draft))


async def extension_confirmed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, me: Who, outcome: Confirmed
) -> None:
    """The request is on record: tell the officer, and ask the chair and secretariat."""
    member = me.member
    assert member is not None and outcome.extension_id is not None
    svc = services(context)
    p = outcome.draft.payload
    with svc.db.read() as s:
        deciders = people_with_roles(session=s, program_id=member.program_id, roles=DECIDING_ROLES)
        facts = task_facts(session=s, program_id=member.program_id, code=p["task"])
    assert facts is not None
    await edit_or_reply(
        update,
        me.t(
            "chat-extend-sent",
            task=esc(p["task"]),
            new_due=date_text(me.t, date.fromisoformat(p["new_due"])),
        ),
    )
    for person in deciders:
        if person.telegram_id == me.user_id:
            continue
        t = translator(person.language)
        text = for_person(
            context,
            person.telegram_id,
            member.program_id,
            t,
            t(
                "chat-extend-ask",
                name=esc(me.name),
                org=esc(p["org"]),
                task=esc(p["task"]),
                title=esc(short(facts.title)),
                due=date_text(t, facts.due),
                original=date_text(t, facts.deadline),
                new_due=date_text(t, date.fromisoformat(p["new_due"])),
                reason=esc(p.get("reason", "")),
            ),
        )
        markup = kb.keyboard(
            [
                kb.button(t("chat-button-approve"), "x", outcome.extension_id, "a"),
                kb.button(t("chat-button-reject"), "x", outcome.extension_id, "r"),
            ]
        )
        try:
            await context.bot.send_message(
                person.telegram_id, text, parse_mode=ParseMode.HTML, reply_markup=markup
            )
        except TelegramError as exc:  # one unreachable person must not stop the others
            log.warning(
                "could not ask %s about extension %s: %s",
                person.telegram_id,
                outcome.extension_id,
                exc,
            )


async def extension_decided(
    update: Update, context: ContextTypes.DEFAULT_TYPE, press: kb.Press
) -> None:
    """Approve / Reject, re-checking that the presser decides extensions in that program."""
    query = update.callback_query
    assert query is not None
    ext_id, approve = press.number(0), press.args[1] == "a"
    me = who_for(update, context, "extension", ext_id)
    svc = services(context)
    with svc.db.read() as s:
        ext = extension_of(session=s, extension_id=ext_id)
        decider = (
            member_for(session=s, telegram_id=me.user_id, program_id=ext.program_id)
            if ext is not None
            else None
        )
    if ext is None or decider is None or decider.role not in DECIDING_ROLES:
        await query.answer(me.t("chat-extend-not-allowed"), show_alert=True)
        return
    day = message_day(update, context, decider)
    try:
        outcome = svc.db.run_write(
            lambda s: _decide(s, ext_id, approve, day, decider.person_id, svc.clock())
        )
    except OperationError as exc:
        await query.answer(refusal(me.t, exc)[:200], show_alert=True)
        return
    task_code, new_due, original, asker, asker_lang = outcome
    verdict = "approved" if approve else "rejected"
    await query.answer()
    await edit_or_reply(
        update,
        me.t(
            f"chat-extend-{verdict}-by-you", task=esc(task_code), new_due=date_text(me.t, new_due)
        ),
    )
    if asker is not None:
        t = translator(asker_lang)
        try:
            await context.bot.send_message(
                asker,
                for_person(
                    context,
                    asker,
                    decider.program_id,
                    t,
                    t(
                        f"chat-extend-{verdict}",
                        task=esc(task_code),
                        new_due=date_text(t, new_due),
                        original=date_text(t, original),
                    ),
                ),
                parse_mode=ParseMode.HTML,
            )
        except TelegramError as exc:
            log.warning("could not tell %s about extension %s: %s", asker, ext_id, exc)


def _decide(
    s: Any, ext_id: int, approve: bool, day: date, person_id: int, now: Any
) -> tuple[str, date, date, int | None, str | None]:
    ext = decide_extension(
        session=s,
        extension_id=ext_id,
        approve=approve,
        decided_on=day,
        decided_by=person_id,
        now=now,
    )
    task = s.get(Task, ext.task_id)
    asker = s.get(Person, ext.requested_by) if ext.requested_by else None
    original = task.original_due or ext.new_due
    return (
        task.code,
        ext.new_due,
        original,
        asker.telegram_id if asker else None,
        asker.language if asker else None,
    )


# --- /khokhan ---------------------------------------------------------------------------------


async def difficulty_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/khokhan text`: keep a difficulty or proposal; alone, ask for the text."""
    me = await _member_or_explain(update, context)
    if me is None:
        return
    member = me.member
    assert member is not None
    text = command_text(update)
    if text:
        await record_difficulty_text(update, context, me, text)
        return
    expect_answer(context, member, STEP_DIFFICULTY, {})
    await reply(update, me.t("chat-difficulty-prompt"))


async def record_difficulty_text(
    update: Update, context: ContextTypes.DEFAULT_TYPE, me: Who, text: str
) -> None:
    member = me.member
    assert member is not None
    svc = services(context)
    day = message_day(update, context, member)
    key = source_key(update)

    def work(s: Any) -> None:
        from storage.conversations import clear_step

        clear_step(session=s, person_id=member.person_id)
        record_difficulty(
            session=s,
            program_code=member.program_code,
            org_code=member.org_code,
            text=text,
            raised_on=day,
            source_key=key,
            author_telegram_id=me.user_id,
            now=svc.clock(),
        )

    try:
        svc.db.run_write(work)
    except OperationError as exc:
        await reply(update, refusal(me.t, exc))
        return
    await reply(update, me.t("chat-difficulty-kept", org=esc(member.org_code)))

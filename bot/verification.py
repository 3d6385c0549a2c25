"""Verification of completions in chat (nghiệm thu): in a program with verification on, a
confirmed `/xong` waits for the chair or secretariat. They get the completion privately with
its note and evidence and the buttons Accept / Return (`/duyet` lists what waits); Return asks
for the reason, typed. The lead's officers are told the outcome. The rule itself is
`storage.verification`'s."""

from __future__ import annotations

import logging
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import keyboards as kb
from bot.chat import Who, edit_or_reply, esc, expect_answer, for_person, reply, services, who
from bot.i18n import Translator, translator
from bot.render import date_text
from bot.reporting import _member_or_explain, recorded_text, refusal, short
from storage.conversations import Confirmed, clear_step
from storage.errors import OperationError
from storage.people import DECIDING_ROLES, people_with_roles
from storage.rules import Status
from storage.verification import (
    PENDING,
    Completion,
    CompletionDecision,
    completion_of_report,
    completion_to_decide,
    decide_completion,
    pending_completions,
    program_verifies,
)

log = logging.getLogger(__name__)

STEP_RETURN_REASON = "verify_reason"
LISTED = 5  # completions shown by /duyet, each with its buttons and evidence


def completion_text(t: Translator, c: Completion) -> str:
    """The completion as the decider sees it: task, organization, dates, note, evidence."""
    lines = [
        t("chat-verify-card", task=esc(c.task), title=esc(short(c.title)), org=esc(c.org)),
        t(
            "chat-verify-card-dates",
            completed=date_text(t, c.completed_on),
            reported=date_text(t, c.reported_on),
            deadline=date_text(t, c.deadline) if c.deadline else "-",
        ),
    ]
    if c.author:
        lines.append(t("chat-verify-card-author", name=esc(c.author)))
    if c.note:
        lines.append(t("chat-verify-card-note", note=esc(c.note)))
    lines.append(
        t("chat-verify-card-evidence", count=len(c.evidence))
        if c.evidence
        else t("chat-verify-card-no-evidence")
    )
    return "\n".join(lines)


def decision_buttons(t: Translator, c: Completion) -> InlineKeyboardMarkup:
    return kb.keyboard(
        [
            kb.button(t("chat-verify-button-accept"), "a", c.id, "ok"),
            kb.button(t("chat-verify-button-return"), "a", c.id, "rt"),
        ]
    )


def _status(c: Completion) -> Status:
    on_time = c.deadline is None or c.completed_on <= c.deadline
    return Status.DONE_ON_TIME if on_time else Status.DONE_LATE


async def _send_card(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, t: Translator, c: Completion
) -> None:
    """The completion with its buttons, then its evidence files (a photo, else a document)."""
    await context.bot.send_message(
        chat_id,
        for_person(context, chat_id, c.program_id, t, completion_text(t, c)),
        parse_mode=ParseMode.HTML,
        reply_markup=decision_buttons(t, c),
    )
    for n, file_id in enumerate(c.evidence, start=1):
        caption = t("chat-verify-evidence-caption", task=c.task, n=n, count=len(c.evidence))
        try:
            await context.bot.send_photo(chat_id, file_id, caption=caption)
        except TelegramError:
            # The file id does not say whether it is a photo or a document: try the other.
            try:
                await context.bot.send_document(chat_id, file_id, caption=caption)
            except TelegramError as exc:
                log.warning("could not send evidence %s of %s: %s", file_id, c.task, exc)


async def completion_waiting(
    update: Update, context: ContextTypes.DEFAULT_TYPE, me: Who, outcome: Confirmed
) -> None:
    """A confirmed completion that waits: tell the officer, and ask the chair and secretariat."""
    assert outcome.report is not None
    svc = services(context)
    with svc.db.read() as s:
        waiting = completion_of_report(session=s, report_id=outcome.report.report_id)
        deciders = people_with_roles(
            session=s, program_id=outcome.draft.program_id, roles=DECIDING_ROLES
        )
    text = recorded_text(me, context, outcome.draft.payload, outcome.draft.report_id)
    await edit_or_reply(
        update,
        text + "\n" + me.t("chat-verify-waiting", task=esc(outcome.report.task)),
        kb.keyboard([kb.button(me.t("chat-button-correct"), "c", outcome.draft.report_id)]),
    )
    if waiting is None or waiting.status != PENDING:
        return
    for person in deciders:
        if person.telegram_id == me.user_id:
            continue
        t = translator(person.language)
        try:
            await _send_card(context, person.telegram_id, t, waiting)
        except TelegramError as exc:  # one unreachable person must not stop the others
            log.warning(
                "could not ask %s about completion %s: %s", person.telegram_id, waiting.id, exc
            )


async def verify_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/duyet`: the completions waiting for acceptance, each with Accept / Return."""
    me = await _member_or_explain(update, context)
    if me is None:
        return
    member = me.member
    assert member is not None
    if not member.leading:
        await reply(update, me.t("op-not_verifier"))
        return
    with services(context).db.read() as s:
        on = program_verifies(session=s, program_id=member.program_id)
        waiting, count = pending_completions(session=s, program_id=member.program_id, limit=LISTED)
    if not waiting:
        key = "chat-verify-none" if on else "chat-verify-off"
        await reply(update, me.t(key, program=esc(member.program_code)))
        return
    await reply(update, me.t("chat-verify-list", count=count, shown=len(waiting)))
    for c in waiting:
        await _send_card(context, member.telegram_id, me.t, c)


async def completion_pressed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, press: kb.Press
) -> None:
    """Accept, or Return (then the reason is asked for), re-checking that the presser decides
    completions in the completion's program."""
    query = update.callback_query
    assert query is not None
    me = who(update, context)
    svc = services(context)
    verification_id, accept = press.number(0), press.args[1] == "ok"
    if accept:
        await _decide(update, context, me, verification_id, True, None)
        return
    try:
        with svc.db.read() as s:
            c = completion_to_decide(
                session=s, verification_id=verification_id, decider_telegram_id=me.user_id
            )
    except OperationError as exc:
        await query.answer(refusal(me.t, exc)[:200], show_alert=True)
        return
    if c.status != PENDING:
        await query.answer(_already(me.t, c)[:200], show_alert=True)
        return
    member = me.member
    if member is None:
        await query.answer(me.t("op-not_verifier"), show_alert=True)
        return
    expect_answer(context, member, STEP_RETURN_REASON, {"verification": c.id})
    await query.answer()
    await reply(update, me.t("chat-verify-reason-prompt", task=esc(c.task), org=esc(c.org)))


async def reason_given(
    update: Update, context: ContextTypes.DEFAULT_TYPE, me: Who, data: dict[str, Any], text: str
) -> None:
    """The typed answer to Return: the reason; the completion goes back to the lead."""
    await _decide(update, context, me, int(data["verification"]), False, text)


def _already(t: Translator, c: Completion) -> str:
    return t(
        "chat-verify-already",
        task=esc(c.task),
        status=t(f"chat-verify-status-{c.status}"),
        date=date_text(t, c.decided_on) if c.decided_on else "-",
    )


async def _decide(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    me: Who,
    verification_id: int,
    accept: bool,
    reason: str | None,
) -> None:
    svc = services(context)
    query = update.callback_query

    async def say(text: str) -> None:
        if query is not None:
            await query.answer(text[:200], show_alert=True)
        else:
            await reply(update, text)

    def work(s: Any) -> CompletionDecision:
        if not accept and me.member is not None:
            clear_step(session=s, person_id=me.member.person_id)
        return decide_completion(
            session=s,
            verification_id=verification_id,
            accept=accept,
            decider_telegram_id=me.user_id,
            reason=reason,
            now=svc.clock(),
        )

    try:
        outcome = svc.db.run_write(work)
    except OperationError as exc:
        if exc.code == "return_reason_missing":
            # The step stays: the next message is the reason.
            await reply(update, refusal(me.t, exc))
            return
        if not accept and me.member is not None:
            # Refused for good (no longer theirs to decide): the next message is not a reason.
            person_id = me.member.person_id
            svc.db.run_write(lambda s: clear_step(session=s, person_id=person_id))
        await say(refusal(me.t, exc))
        return
    c = outcome.completion
    if outcome.again:
        await say(_already(me.t, c))
        return
    if query is not None:
        await query.answer()
    verdict = "accepted" if accept else "returned"
    status = _status(c)
    await edit_or_reply(
        update,
        me.t(
            f"chat-verify-{verdict}-by-you",
            task=esc(c.task),
            org=esc(c.org),
            status=me.t(f"status-{status.value}"),
            reason=esc(c.reason or ""),
        ),
    )
    for person in outcome.notify:
        if person.telegram_id == me.user_id:
            continue
        t = translator(person.language)
        text = t(
            f"chat-verify-{verdict}",
            task=esc(c.task),
            title=esc(short(c.title)),
            completed=date_text(t, c.completed_on),
            decided=date_text(t, c.decided_on) if c.decided_on else "-",
            status=t(f"status-{status.value}"),
            reason=esc(c.reason or ""),
        )
        text = for_person(context, person.telegram_id, c.program_id, t, text)
        try:
            await context.bot.send_message(person.telegram_id, text, parse_mode=ParseMode.HTML)
        except TelegramError as exc:
            log.warning("could not tell %s about completion %s: %s", person.telegram_id, c.id, exc)

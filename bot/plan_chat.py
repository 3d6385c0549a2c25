"""The plan by chat: a leader sends the plan workbook (or YAML file), reads what it would change,
and applies it with one button; `/kehoach` sends the current plan back as a workbook to edit.

The preview lists the tasks, organizations, indicators and periods added, changed and removed,
the organizations whose tasks change and how many of their focal officers will be told. Confirm
applies the whole plan or nothing, keeps every report, and tells each of those officers, in
their language, what changed for their organization. The pending plan is a draft in the database
(see `storage.plan_uploads`): Confirm twice applies once, and a preview the program has moved on
from is refused.

A document sent by an officer with a caption is evidence (`bot.reporting.evidence`), as is one
from a leader whose caption starts with one of their program's task codes.
"""

from __future__ import annotations

import logging
import re
import tempfile
from pathlib import Path

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import keyboards as kb
from bot import reporting
from bot.chat import edit_or_reply, esc, first_word, reply, services, source_key, who
from bot.drafts import decide
from bot.i18n import Translator, translator
from bot.onboarding import private_only
from bot.render import render_issue
from storage.documents import DocumentError, PlanDocument
from storage.errors import OperationError
from storage.plan_uploads import (
    Notice,
    OrgChanges,
    PlanApplied,
    PlanPreview,
    apply_plan_upload,
    cancel_plan_upload,
    leads_a_program,
    plan_for_editing,
    preview_plan_upload,
    read_uploaded_plan,
)
from storage.plans import SectionChanges
from storage.workbook import write_plan_workbook
from storage.worklists import task_facts

log = logging.getLogger(__name__)

# Codes listed per section of a preview or a notice before "and K more".
MAX_CODES = 15
# Problems of a broken file listed before "and K more".
MAX_ISSUES = 25
# Larger plans go through `phoihop import` (Telegram lets bots download up to 20 MB).
MAX_FILE_MB = 10
_SECTIONS = ("tasks", "organizations", "indicators", "periods")
_KINDS = ("added", "changed", "removed")


# --- rendering (pure) ---------------------------------------------------------------------------


def codes_text(t: Translator, codes: list[str] | tuple[str, ...], limit: int = MAX_CODES) -> str:
    """Up to `limit` codes, then "and K more"."""
    shown = ", ".join(esc(c) for c in codes[:limit])
    if len(codes) > limit:
        shown += " " + t("plan-more", count=len(codes) - limit)
    return shown


def preview_text(t: Translator, preview: PlanPreview, creator_org: str | None) -> str:
    """What a plan would change, read back before Confirm."""
    changes = preview.changes
    program, title = esc(preview.program), esc(preview.title)
    if not changes.any:
        return t("plan-unchanged", program=program)
    if changes.created:
        lines = [
            t(
                "plan-preview-new",
                program=program,
                title=title,
                orgs=len(changes.organizations.added),
                indicators=len(changes.indicators.added),
                periods=len(changes.periods.added),
                tasks=len(changes.tasks.added),
                org=esc(creator_org or ""),
            )
        ]
    else:
        lines = [t("plan-preview-update", program=program, title=title)]
        if changes.program_changed:
            lines.append(t("plan-program-changed"))
        for section in _SECTIONS:
            lines += _section_lines(t, section, getattr(changes, section))
        if changes.tasks.removed:
            lines.append(t("plan-removed-kept"))
    if preview.affected:
        lines.append(
            t(
                "plan-affected",
                count=len(preview.affected),
                orgs=codes_text(t, preview.affected),
                officers=preview.officers,
            )
        )
    lines.append(t("plan-confirm-hint"))
    return "\n".join(lines)


def _section_lines(t: Translator, section: str, found: SectionChanges) -> list[str]:
    return [
        t(f"plan-{section}-{kind}", count=len(codes), codes=codes_text(t, codes))
        for kind in _KINDS
        if (codes := getattr(found, kind))
    ]


def issues_text(t: Translator, exc: DocumentError, name: str) -> str:
    """Every problem of a broken plan file (up to `MAX_ISSUES`), each with where it is."""
    source = "sheet" if name.lower().endswith(".xlsx") else "yaml"
    lines = [t("plan-broken", name=esc(name), count=len(exc.issues))]
    # Issue texts quote the user's cells, which may hold < or &.
    lines += [esc(render_issue(i, t, source=source)) for i in exc.issues[:MAX_ISSUES]]
    if len(exc.issues) > MAX_ISSUES:
        lines.append(t("plan-more-issues", count=len(exc.issues) - MAX_ISSUES))
    return "\n".join(lines)


def applied_text(t: Translator, applied: PlanApplied) -> str:
    if applied.created:
        return t(
            "plan-created",
            program=esc(applied.program),
            tasks=applied.tasks.get("added", 0),
            org=esc(applied.creator_org or ""),
        )
    return t(
        "plan-applied",
        program=esc(applied.program),
        added=applied.tasks.get("added", 0),
        changed=applied.tasks.get("changed", 0),
        removed=applied.tasks.get("removed", 0),
        told=len(applied.notices),
    )


def notice_text(t: Translator, program: str, changes: OrgChanges) -> str:
    """What changed for one organization, short, for its officer."""
    lines = [t("plan-notice", program=esc(program), org=esc(changes.org))]
    for kind in _KINDS:
        codes = getattr(changes, kind)
        if codes:
            lines.append(t(f"plan-notice-{kind}", codes=codes_text(t, codes)))
    lines.append(t("plan-notice-end"))
    return "\n".join(lines)


def plan_buttons(t: Translator, preview: PlanPreview) -> InlineKeyboardMarkup | None:
    if preview.draft_id is None:
        return None
    return kb.keyboard(
        [
            kb.button(t("plan-button-apply"), "p", preview.draft_id, preview.nonce, "ok"),
            kb.button(t("plan-button-cancel"), "p", preview.draft_id, preview.nonce, "no"),
        ]
    )


def workbook_name(program_code: str) -> str:
    """A file name for the program's plan (codes may hold '/')."""
    return "ke-hoach-" + re.sub(r"[^A-Za-z0-9_.-]+", "-", program_code).strip("-") + ".xlsx"


# --- handlers -----------------------------------------------------------------------------------


async def plan_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/kehoach`: the current plan as a workbook, to edit and send back."""
    me = who(update, context)
    if me.member is None:
        await reply(update, me.t("chat-join-how"))
        return
    if not me.private:
        await private_only(update, context, me)
        return
    member = me.member
    svc = services(context)
    try:
        with svc.db.read() as s:
            plan = plan_for_editing(session=s, member=member)
    except OperationError as exc:
        await reply(update, reporting.refusal(me.t, exc))
        return
    chat = update.effective_chat
    assert chat is not None
    await chat.send_document(
        document=_workbook_bytes(plan),
        filename=workbook_name(member.program_code),
        caption=me.t("plan-export-caption", program=esc(member.program_code)),
        parse_mode=ParseMode.HTML,
    )


def _workbook_bytes(plan: PlanDocument) -> bytes:
    with tempfile.TemporaryDirectory(prefix="phoihop-plan-") as folder:
        path = Path(folder) / "plan.xlsx"
        write_plan_workbook(plan, path)
        return path.read_bytes()


async def plan_file(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A .xlsx/.yaml/.yml file in a private chat: a plan to preview, or else evidence."""
    message = update.effective_message
    assert message is not None and message.document is not None
    me = who(update, context)
    svc = services(context)
    member = me.member
    if member is None:
        await reply(update, me.t("plan-refused-stranger"))
        return
    if message.caption and _is_evidence(context, member.leading, member.program_id, message):
        await reporting.evidence(update, context)
        return
    with svc.db.read() as s:
        may = leads_a_program(session=s, telegram_id=me.user_id)
    if not may:
        await reply(update, me.t("plan-refused-officer"))
        return
    document = message.document
    name = document.file_name or "plan.xlsx"
    file_size = document.file_size or 0
    if file_size > MAX_FILE_MB * 1024 * 1024:
        size = f"{file_size / 1024 / 1024:.1f}".replace(".", ",")
        await reply(update, me.t("plan-too-big", name=esc(name), size=size, limit=MAX_FILE_MB))
        return
    try:
        sent = await context.bot.get_file(document.file_id)
        content = bytes(await sent.download_as_bytearray())
    except TelegramError as exc:
        log.warning("could not download plan file %s: %s", document.file_id, exc)
        await reply(update, me.t("plan-download-failed", name=esc(name)))
        return
    try:
        plan = read_uploaded_plan(content, name)
    except DocumentError as exc:
        await reply(update, issues_text(me.t, exc, name))
        return
    key = source_key(update)
    chat_id = message.chat_id
    try:
        preview = svc.db.run_write(
            lambda s: preview_plan_upload(
                session=s,
                telegram_id=me.user_id,
                plan=plan,
                source_key=key,
                chat_id=chat_id,
                now=svc.clock(),
            )
        )
    except OperationError as exc:
        await reply(update, reporting.refusal(me.t, exc))
        return
    creator_org = plan.committee.standing_org
    await reply(update, preview_text(me.t, preview, creator_org), plan_buttons(me.t, preview))


def _is_evidence(
    context: ContextTypes.DEFAULT_TYPE, leading: bool, program_id: int, message: Message
) -> bool:
    """An officer's captioned file is evidence; a leader's only when the caption starts with a
    task code of their program."""
    if not leading:
        return True
    code = first_word(message.caption or "")[0].rstrip(":")
    if not code:
        return False
    with services(context).db.read() as s:
        return task_facts(session=s, program_id=program_id, code=code) is not None


async def plan_pressed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, press: kb.Press
) -> None:
    """Apply or Cancel a previewed plan, re-checking who pressed and that the program has not
    changed since the preview."""
    query = update.callback_query
    assert query is not None
    me = who(update, context)
    applied = await decide(
        update,
        context,
        me,
        press,
        confirm=apply_plan_upload,
        cancel=cancel_plan_upload,
        cancelled_key="plan-cancelled",
        refusal_replaces=("plan_stale",),
    )
    if applied is None:
        return
    if applied.again:
        await query.answer(me.t("plan-already-applied"))
        return
    await query.answer(me.t("plan-applied-short"))
    await edit_or_reply(update, applied_text(me.t, applied))
    for notice in applied.notices:
        await _tell(context, applied.program, notice)


async def _tell(context: ContextTypes.DEFAULT_TYPE, program: str, notice: Notice) -> None:
    """Tell one officer what changed for their organization; one unreachable officer must not
    stop the others."""
    t = translator(notice.language)
    try:
        await context.bot.send_message(
            notice.telegram_id,
            notice_text(t, program, notice.changes),
            parse_mode=ParseMode.HTML,
        )
    except TelegramError as exc:
        log.warning("could not tell %s about the plan of %s: %s", notice.telegram_id, program, exc)

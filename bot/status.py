"""The chair's questions in the chat: `/tinhhinh` (the summary, fitted to a phone, with buttons to
drill down) and `/quahan` (the overdue tasks). Officers get their organization's view and the
program's headline; the committee's group gets counts only."""

from __future__ import annotations

import io
from datetime import date

from telegram import InlineKeyboardMarkup, InputFile, Update
from telegram.ext import ContextTypes

from bot import keyboards as kb
from bot.chat import Who, esc, local_day, reply, services, who
from bot.exports.documents import KINDS, Kind, file_name, write_document
from bot.i18n import Translator
from bot.render import (
    status_heading,
    status_kinds,
    status_organizations,
    status_overdue,
    status_totals,
    status_upcoming,
)
from storage.errors import OperationError
from storage.summaries import ProgramStatus, program_status
from storage.vietnamese import VietnameseParseError, parse_date
from storage.worklists import period_end, program_periods

LIST_LIMIT = 60
SECTIONS = {
    "o": status_overdue,
    "u": status_upcoming,
    "i": status_totals,
    "g": status_organizations,
}


def _status(
    me: Who, context: ContextTypes.DEFAULT_TYPE, as_of: date, org: str | None
) -> ProgramStatus:
    member = me.member
    assert member is not None
    with services(context).db.read() as s:
        return program_status(
            session=s,
            program_code=member.program_code,
            as_of=as_of,
            org_code=org,
            limit=LIST_LIMIT,
        )


def brief(status: ProgramStatus, t: Translator) -> str:
    """The summary that fits a phone screen: headline, each kind four ways, what needs eyes."""
    lines = status_heading(status, t) + status_kinds(status, t)
    lines += [
        "",
        t("chat-status-attention", overdue=status.overdue_count, upcoming=status.upcoming_count),
    ]
    if status.awaiting_acceptance:
        lines.append(t("chat-status-awaiting", count=status.awaiting_acceptance))
    return esc("\n".join(lines))


def drill_buttons(
    t: Translator, as_of: date, periods: list[tuple[int, str, date]]
) -> InlineKeyboardMarkup:
    """Overdue, upcoming, indicators, organizations; then the program's periods."""
    day = as_of.strftime("%Y%m%d")
    return kb.keyboard(
        [
            kb.button(t("chat-status-button-overdue"), "s", "o", day),
            kb.button(t("chat-status-button-upcoming"), "s", "u", day),
        ],
        [
            kb.button(t("chat-status-button-indicators"), "s", "i", day),
            kb.button(t("chat-status-button-orgs"), "s", "g", day),
        ],
        [kb.button(f"🗓 {code}", "q", period_id) for period_id, code, _ in periods[:4]],
    )


def _periods(context: ContextTypes.DEFAULT_TYPE, me: Who) -> list[tuple[int, str, date]]:
    assert me.member is not None
    with services(context).db.read() as s:
        return program_periods(session=s, program_id=me.member.program_id)


def org_view(status: ProgramStatus, t: Translator) -> str:
    """One organization's view: its tasks four ways, what it has overdue, its figures."""
    name = next((o.name for o in status.organizations if o.code == status.org), status.org)
    lines = status_heading(status, t, org_name=name) + status_kinds(status, t)
    lines += ["", *status_overdue(status, t), "", *status_totals(status, t)]
    return esc("\n".join(lines))


async def status_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/tinhhinh [period | organization | date]`: the status as of today or that date."""
    me = who(update, context)
    member = me.member
    if member is None:
        await reply(update, me.t("chat-join-how"))
        return
    today = local_day(services(context).clock(), member)
    arg = " ".join(context.args or []).strip()
    as_of, org = today, None
    if arg:
        with services(context).db.read() as s:
            end = period_end(session=s, program_id=member.program_id, code=arg)
        orgs = services(context).vocabulary(member).org_ids
        if end is not None:
            as_of = min(end, today)
        elif arg.upper() in orgs:
            org = arg.upper()
        else:
            try:
                as_of = parse_date(arg, today=today)
            except VietnameseParseError:
                await reply(update, me.t("chat-status-usage"))
                return
    if not me.private:
        # The group sees counts only.
        status = _status(me, context, as_of, None)
        await reply(update, esc("\n".join(status_heading(status, me.t))))
        return
    if not member.leading:
        if org is not None and org != member.org_code:
            await reply(update, me.t("chat-status-own-org-only", org=esc(member.org_code)))
            return
        await _officer_view(update, context, me, as_of)
        return
    try:
        status = _status(me, context, as_of, org)
    except OperationError as exc:
        await reply(update, me.t(f"op-{exc.code}", **exc.params))
        return
    if org is not None:
        await reply(update, org_view(status, me.t))
        return
    await reply(update, brief(status, me.t), drill_buttons(me.t, as_of, _periods(context, me)))


async def _officer_view(
    update: Update, context: ContextTypes.DEFAULT_TYPE, me: Who, as_of: date
) -> None:
    """An officer: the program's headline, then their organization's view."""
    member = me.member
    assert member is not None
    program = _status(me, context, as_of, None)
    mine = _status(me, context, as_of, member.org_code)
    lines = status_heading(program, me.t)
    lines += ["", *status_heading(mine, me.t, org_name=member.org_name)[3:]]
    lines += [*status_kinds(mine, me.t), "", *status_overdue(mine, me.t)]
    await reply(update, esc("\n".join(lines)))


async def overdue_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/quahan`: the overdue tasks (an officer: their organization's)."""
    me = who(update, context)
    member = me.member
    if member is None:
        await reply(update, me.t("chat-join-how"))
        return
    today = local_day(services(context).clock(), member)
    if not me.private:
        status = _status(me, context, today, None)
        await reply(update, me.t("chat-status-overdue-count", count=status.overdue_count))
        return
    org = None if member.leading else member.org_code
    status = _status(me, context, today, org)
    lines = [me.t("status-as-of", date=today.strftime("%d/%m/%Y")), *status_overdue(status, me.t)]
    await reply(update, esc("\n".join(lines)))


async def section_pressed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, press: kb.Press
) -> None:
    """A drill-down button: re-authorized (leading roles, private chat), then the section."""
    query = update.callback_query
    assert query is not None
    me = who(update, context)
    if me.member is None or not me.member.leading or not me.private:
        await query.answer(me.t("chat-status-not-allowed"), show_alert=True)
        return
    assert me.member is not None
    member = me.member
    await query.answer()
    if press.kind == "q":
        with services(context).db.read() as s:
            periods = program_periods(session=s, program_id=member.program_id)
        end = next((e for pid, _, e in periods if pid == press.number()), None)
        if end is None:
            await reply(update, me.t("op-stale_button"))
            return
        as_of = min(end, local_day(services(context).clock(), member))
        status = _status(me, context, as_of, None)
        await reply(update, brief(status, me.t), drill_buttons(me.t, as_of, periods))
        return
    day = press.args[-1]
    as_of = date(int(day[:4]), int(day[4:6]), int(day[6:]))
    if press.kind == "w":
        orgs = services(context).vocabulary(member).org_ids
        code = next((c for c, i in orgs.items() if i == press.number()), None)
        if code is None:
            await reply(update, me.t("op-stale_button"))
            return
        await reply(update, org_view(_status(me, context, as_of, code), me.t))
        return
    section = press.args[0]
    status = _status(me, context, as_of, None)
    lines = [
        me.t("status-as-of", date=as_of.strftime("%d/%m/%Y")),
        *SECTIONS[section](status, me.t),
    ]
    markup = None
    if section == "g":
        orgs = services(context).vocabulary(member).org_ids
        buttons = [
            kb.button(o.code, "w", orgs[o.code], day)
            for o in status.organizations
            if o.code in orgs
        ]
        markup = kb.keyboard(*kb.rows(buttons, 4))
    await reply(update, esc("\n".join(lines)), markup)


_EXPORT_WORDS: dict[str, Kind] = {"xlsx": "status", "docx": "review", "png": "chart"}


async def export_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/xuat [xlsx|docx|png] [date | period]`: the review documents, sent as files, to the
    committee's leaders and secretariat in a private chat."""
    me = who(update, context)
    member = me.member
    if member is None:
        await reply(update, me.t("chat-join-how"))
        return
    if not me.private or not member.leading:
        await reply(update, me.t("chat-export-not-allowed"))
        return
    svc = services(context)
    today = local_day(svc.clock(), member)
    kinds: list[Kind] = []
    as_of, period = today, None
    for word in context.args or []:
        lowered = word.lower().lstrip(".")
        if lowered in _EXPORT_WORDS:
            kinds.append(_EXPORT_WORDS[lowered])
            continue
        with svc.db.read() as s:
            end = period_end(session=s, program_id=member.program_id, code=word)
        if end is not None:
            as_of, period = min(end, today), word.upper()
            continue
        try:
            as_of = parse_date(word, today=today)
        except VietnameseParseError:
            await reply(update, me.t("chat-export-usage"))
            return
    chat = update.effective_chat
    assert chat is not None
    for kind in kinds or list(KINDS):
        buffer = io.BytesIO()
        with svc.db.read() as s:
            write_document(
                session=s,
                kind=kind,
                program_code=member.program_code,
                as_of=as_of,
                t=me.t,
                path_or_stream=buffer,
                period_code=period,
            )
        buffer.seek(0)
        await chat.send_document(
            InputFile(buffer, filename=file_name(kind, member.program_code, as_of)),
            caption=me.t(f"chat-export-{kind}", date=as_of.strftime("%d/%m/%Y")),
        )

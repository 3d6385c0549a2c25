"""Members, for the program's leaders: `/thanhvien` lists who acts for each organization and
the gaps (with a button per gap making an invitation at once), `/thuhoi` revokes a membership
(or, `/thuhoi moi`, cancels an unused invitation), `/chuyen` moves a person to another
organization or role. A revoke or a move is read back and done on Confirm (`storage.members`),
and the person concerned is told.

Buttons (kind `u`: `u:ACTION:A:B:C`, kind `y`: a draft's Confirm/Cancel) only name ids; every
press re-reads who pressed and re-checks they lead the program the thing named belongs to.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import keyboards as kb
from bot.chat import Who, edit_or_reply, esc, local_day, reply, services, source_key, who
from bot.drafts import decide
from bot.i18n import Translator, translator
from bot.onboarding import deep_link
from bot.render import date_text
from bot.reporting import _member_or_explain, refusal
from storage.errors import OperationError
from storage.members import (
    MOVE,
    REVOKE,
    BoundMember,
    Change,
    Proposal,
    Roster,
    cancel_change,
    cancel_invite,
    confirm_change,
    invite_for_org,
    member_choice,
    pending_invites,
    propose_change,
    propose_named_change,
    roster_for_leader,
)
from storage.people import ROLES

log = logging.getLogger(__name__)

PAGE = 8  # people per page of the pickers
NAME_WIDTH = 32  # of a name on a button
# `u` actions: invite a gap's org; revoke / move a membership; pages of the revoke and move
# pickers; the org, then the role, of a move; the unused invitations; cancel one of them.
(
    GAP,
    PICK_REVOKE,
    PICK_MOVE,
    PAGE_REVOKE,
    PAGE_MOVE,
    MOVE_ORG,
    MOVE_ROLE,
    INVITES,
    CANCEL_INVITE,
) = (
    "g",
    "r",
    "m",
    "p",
    "q",
    "o",
    "l",
    "i",
    "x",
)
# What `/thuhoi` takes, instead of a name, to list the unused invitations.
INVITES_WORDS = frozenset({"moi", "mời", "invites", "invite"})


# --- rendering (pure) ---------------------------------------------------------------------------


def roster_text(t: Translator, roster: Roster, *, bold: Callable[[str], str] | None = None) -> str:
    """The roster: a summary line, each organization in plan order with who is bound, then the
    gaps. `bold` marks codes up (the chat's HTML); without it the text is plain (the CLI)."""
    mark = bold or (lambda s: s)
    clean: Callable[[str], str] = esc if bold else (lambda s: s)
    lines = [
        mark(t("members-title", program=clean(roster.program_code))),
        t("members-summary", covered=roster.covered, total=len(roster.organizations)),
        "",
    ]
    for org in roster.organizations:
        key = "members-org-line" if org.members else "members-org-empty"
        lines.append(t(key, org=mark(clean(org.code)), org_name=clean(org.name)))
        lines += [
            t("members-person", name=clean(m.name), role=t(f"role-{m.role}")) for m in org.members
        ]
    lines.append("")
    gaps = roster.gaps
    if gaps:
        codes = ", ".join(clean(o.code) for o in gaps)
        lines.append(mark(t("members-gaps-title", count=len(gaps), orgs=codes)))
    else:
        lines.append(t("members-gaps-none"))
    return "\n".join(lines)


def _bold(text: str) -> str:
    return f"<b>{text}</b>"


def _short(name: str) -> str:
    return name if len(name) <= NAME_WIDTH else name[: NAME_WIDTH - 1].rstrip() + "…"


def gap_buttons(t: Translator, roster: Roster) -> InlineKeyboardMarkup | None:
    buttons = [
        kb.button(t("members-button-invite", org=o.code), "u", GAP, o.org_id, 0, 0)
        for o in roster.gaps
    ]
    return kb.keyboard(*kb.rows(buttons, 3)) if buttons else None


def picker(
    t: Translator, roster: Roster, page: int, action: str, page_action: str
) -> tuple[str, InlineKeyboardMarkup]:
    """A page of the people of the program, one button each, and the pages around."""
    people = roster.members
    pages = max(1, (len(people) + PAGE - 1) // PAGE)
    page = min(max(page, 0), pages - 1)
    shown = people[page * PAGE : (page + 1) * PAGE]
    lines = [[kb.button(_person_label(t, m), "u", action, m.membership_id, 0, 0)] for m in shown]
    nav = []
    if page > 0:
        nav.append(kb.button(t("chat-page-previous"), "u", page_action, page - 1, 0, 0))
    if page + 1 < pages:
        nav.append(kb.button(t("chat-page-next"), "u", page_action, page + 1, 0, 0))
    extra = []
    if action == PICK_REVOKE:
        extra.append(kb.button(t("members-button-pending-invites"), "u", INVITES, 0, 0, 0))
    key = "members-revoke-choose" if action == PICK_REVOKE else "members-move-choose"
    return t(key, page=page + 1, pages=pages), kb.keyboard(*lines, nav, extra)


def _person_label(t: Translator, m: BoundMember) -> str:
    return f"{_short(m.name)} · {m.org_code} · {t(f'role-{m.role}')}"


def readback(t: Translator, change: Change) -> str:
    if change.kind == REVOKE:
        return t(
            "members-revoke-readback",
            name=esc(change.name),
            role=t(f"role-{change.before_role}"),
            org=esc(change.before_org),
            org_name=esc(change.before_org_name),
        )
    return t(
        "members-move-readback",
        name=esc(change.name),
        before_role=t(f"role-{change.before_role}"),
        before_org=esc(change.before_org),
        after_role=t(f"role-{change.after_role}"),
        after_org=esc(change.after_org),
        after_org_name=esc(change.after_org_name),
    )


def confirm_buttons(t: Translator, proposal: Proposal) -> InlineKeyboardMarkup:
    return kb.keyboard(
        [
            kb.button(t("chat-button-confirm"), "y", proposal.draft_id, proposal.nonce, "ok"),
            kb.button(t("chat-button-cancel"), "y", proposal.draft_id, proposal.nonce, "no"),
        ]
    )


def done_text(t: Translator, change: Change) -> str:
    if change.kind == REVOKE:
        return t(
            "members-revoked",
            name=esc(change.name),
            role=t(f"role-{change.before_role}"),
            org=esc(change.before_org),
        )
    return t(
        "members-moved",
        name=esc(change.name),
        role=t(f"role-{change.after_role}"),
        org=esc(change.after_org),
    )


def told_text(t: Translator, change: Change) -> str:
    """What the person concerned is told, in their language."""
    if change.kind == REVOKE:
        return t(
            "members-told-revoked",
            role=t(f"role-{change.before_role}"),
            org=esc(change.before_org),
            org_name=esc(change.before_org_name),
            program=esc(change.program_code),
        )
    return t(
        "members-told-moved",
        role=t(f"role-{change.after_role}"),
        org=esc(change.after_org),
        org_name=esc(change.after_org_name),
        program=esc(change.program_code),
        before_role=t(f"role-{change.before_role}"),
        before_org=esc(change.before_org),
    )


def parse_move(args: list[str]) -> tuple[str, str, str | None] | None:
    """`NAME… ORG [role]` → (name, org, role or None); None when it is not that shape."""
    words = list(args)
    role = words.pop() if words and words[-1].lower() in ROLES else None
    if len(words) < 2:
        return None
    org = words.pop()
    return " ".join(words), org, role.lower() if role else None


# --- commands -----------------------------------------------------------------------------------


async def _leader_or_explain(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Who | None:
    """The speaker if they lead their program, in a private chat; otherwise say why not."""
    me = await _member_or_explain(update, context)
    if me is None:
        return None
    assert me.member is not None
    if not me.member.leading:
        await reply(update, me.t("op-members_not_allowed"))
        return None
    return me


def _roster(context: ContextTypes.DEFAULT_TYPE, me: Who) -> Roster:
    assert me.member is not None
    member, svc = me.member, services(context)
    with svc.db.read() as s:
        return roster_for_leader(
            session=s, program_id=member.program_id, actor_telegram_id=me.user_id
        )


async def members_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/thanhvien`: who acts for each organization, and the gaps with an invite button each."""
    me = await _leader_or_explain(update, context)
    if me is None:
        return
    try:
        roster = _roster(context, me)
    except OperationError as exc:
        await reply(update, refusal(me.t, exc))
        return
    text = roster_text(me.t, roster, bold=_bold)
    if roster.gaps:
        text += "\n" + me.t("members-gaps-hint")
    await reply(update, text, gap_buttons(me.t, roster))


async def revoke_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/thuhoi [NAME]`: read back a revoke (a picker without a name); `/thuhoi moi`: the
    unused invitations."""
    me = await _leader_or_explain(update, context)
    if me is None:
        return
    args = context.args or []
    if len(args) == 1 and args[0].lower() in INVITES_WORDS:
        await _show_invites(update, context, me)
        return
    if not args:
        await _show_picker(update, context, me, 0, PICK_REVOKE, PAGE_REVOKE)
        return
    await _propose_typed(update, context, me, " ".join(args), REVOKE, None, None)


async def move_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/chuyen [NAME ORG [role]]`: read back a move (a picker without arguments)."""
    me = await _leader_or_explain(update, context)
    if me is None:
        return
    args = context.args or []
    if not args:
        await _show_picker(update, context, me, 0, PICK_MOVE, PAGE_MOVE)
        return
    parsed = parse_move(args)
    if parsed is None:
        await reply(update, me.t("members-move-usage", roles=", ".join(ROLES)))
        return
    name, org, role = parsed
    await _propose_typed(update, context, me, name, MOVE, org, role)


async def _show_picker(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    me: Who,
    page: int,
    action: str,
    page_action: str,
) -> None:
    try:
        roster = _roster(context, me)
    except OperationError as exc:
        await reply(update, refusal(me.t, exc))
        return
    text, markup = picker(me.t, roster, page, action, page_action)
    await edit_or_reply(update, text, markup)


async def _propose_typed(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    me: Who,
    name: str,
    kind: str,
    org: str | None,
    role: str | None,
) -> None:
    member = me.member
    assert member is not None
    svc = services(context)
    key = source_key(update)
    chat = update.effective_chat
    assert chat is not None

    def work(s: Any) -> Proposal:
        return propose_named_change(
            session=s,
            program_id=member.program_id,
            name=name,
            actor_telegram_id=me.user_id,
            kind=kind,
            org_code=org,
            role=role,
            chat_id=chat.id,
            source_key=key,
            now=svc.clock(),
        )

    try:
        proposal = svc.db.run_write(work)
    except OperationError as exc:
        await reply(update, refusal(me.t, exc))
        return
    await reply(update, readback(me.t, proposal.change), confirm_buttons(me.t, proposal))


async def _show_invites(update: Update, context: ContextTypes.DEFAULT_TYPE, me: Who) -> None:
    member = me.member
    assert member is not None
    svc = services(context)
    try:
        with svc.db.read() as s:
            invites = pending_invites(
                session=s,
                program_id=member.program_id,
                actor_telegram_id=me.user_id,
                now=svc.clock(),
            )
    except OperationError as exc:
        await edit_or_reply(update, refusal(me.t, exc))
        return
    if not invites:
        await edit_or_reply(update, me.t("members-invites-none"))
        return
    lines = [me.t("members-invites-title", count=len(invites))]
    buttons = []
    for n, invite in enumerate(invites, start=1):
        lines.append(
            me.t(
                "members-invite-line",
                org=esc(invite.org_code),
                role=me.t(f"role-{invite.role}"),
                expires=date_text(me.t, local_day(invite.expires_at, member)),
            )
        )
        buttons.append(
            kb.button(
                me.t("members-button-cancel-invite", org=invite.org_code, n=n),
                "u",
                CANCEL_INVITE,
                invite.invite_id,
                0,
                0,
            )
        )
    await edit_or_reply(update, "\n".join(lines), kb.keyboard(*kb.rows(buttons, 1)))


# --- buttons ------------------------------------------------------------------------------------


async def member_pressed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, press: kb.Press
) -> None:
    """A `u` button: re-authorize the presser for the program of what it names, then act."""
    query = update.callback_query
    assert query is not None
    me = who(update, context)
    action = press.args[0]
    a, b, c = press.number(1), press.number(2), press.number(3)
    try:
        if action == GAP:
            await _invite_gap(update, context, me, a)
        elif action in (PAGE_REVOKE, PAGE_MOVE):
            await _page(update, context, me, action, a)
        elif action in (PICK_REVOKE, PICK_MOVE, MOVE_ORG, MOVE_ROLE):
            await _pick(update, context, me, action, a, b, c)
        elif action == INVITES:
            if me.member is None or not me.member.leading:
                raise OperationError("members_not_allowed")
            await query.answer()
            await _show_invites(update, context, me)
        else:
            await _cancel_invite(update, context, me, a)
    except OperationError as exc:
        await query.answer(refusal(me.t, exc)[:200], show_alert=True)


async def _invite_gap(
    update: Update, context: ContextTypes.DEFAULT_TYPE, me: Who, org_id: int
) -> None:
    query = update.callback_query
    assert query is not None
    svc = services(context)
    info = svc.db.run_write(
        lambda s: invite_for_org(
            session=s, org_id=org_id, actor_telegram_id=me.user_id, now=svc.clock()
        )
    )
    await query.answer()
    await reply(
        update,
        me.t(
            "chat-invite-made",
            org=esc(info.org),
            org_name=esc(info.org_name),
            role=me.t(f"role-{info.role}"),
            link=esc(deep_link(context.bot.username, info.code)),
            code=esc(info.code),
            expires=date_text(me.t, local_day(info.expires_at, me.member)),
        ),
    )


async def _page(
    update: Update, context: ContextTypes.DEFAULT_TYPE, me: Who, action: str, page: int
) -> None:
    query = update.callback_query
    assert query is not None
    if me.member is None or not me.member.leading:
        raise OperationError("members_not_allowed")
    roster = _roster(context, me)
    pick = PICK_REVOKE if action == PAGE_REVOKE else PICK_MOVE
    text, markup = picker(me.t, roster, page, pick, action)
    await query.answer()
    await edit_or_reply(update, text, markup)


async def _pick(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    me: Who,
    action: str,
    membership_id: int,
    org_id: int,
    role_index: int,
) -> None:
    """A person chosen (then, for a move, an organization and a role)."""
    query = update.callback_query
    assert query is not None
    svc = services(context)
    with svc.db.read() as s:
        roster = member_choice(
            session=s, membership_id=membership_id, actor_telegram_id=me.user_id
        )
    target = next(m for m in roster.members if m.membership_id == membership_id)
    orgs = {o.org_id: o for o in roster.organizations}
    if action in (MOVE_ORG, MOVE_ROLE) and org_id not in orgs:
        raise OperationError("stale_button")
    if action == PICK_MOVE:
        buttons = [
            kb.button(o.code, "u", MOVE_ORG, membership_id, o.org_id, 0)
            for o in roster.organizations
        ]
        text = me.t(
            "members-move-org",
            name=esc(target.name),
            role=me.t(f"role-{target.role}"),
            org=esc(target.org_code),
        )
        await query.answer()
        await edit_or_reply(update, text, kb.keyboard(*kb.rows(buttons, 3)))
        return
    if action == MOVE_ORG:
        buttons = [
            kb.button(me.t(f"role-{role}"), "u", MOVE_ROLE, membership_id, org_id, n)
            for n, role in enumerate(ROLES)
        ]
        text = me.t("members-move-role", name=esc(target.name), org=esc(orgs[org_id].code))
        await query.answer()
        await edit_or_reply(update, text, kb.keyboard(*kb.rows(buttons, 2)))
        return
    if action == MOVE_ROLE and role_index >= len(ROLES):
        raise OperationError("stale_button")
    kind = REVOKE if action == PICK_REVOKE else MOVE
    org_code = orgs[org_id].code if kind == MOVE else None
    role = ROLES[role_index] if kind == MOVE else None
    key = source_key(update)
    chat = update.effective_chat
    assert chat is not None
    proposal = svc.db.run_write(
        lambda s: propose_change(
            session=s,
            actor_telegram_id=me.user_id,
            membership_id=membership_id,
            kind=kind,
            org_code=org_code,
            role=role,
            chat_id=chat.id,
            source_key=key,
            now=svc.clock(),
        )
    )
    await query.answer()
    await edit_or_reply(update, readback(me.t, proposal.change), confirm_buttons(me.t, proposal))


async def _cancel_invite(
    update: Update, context: ContextTypes.DEFAULT_TYPE, me: Who, invite_id: int
) -> None:
    query = update.callback_query
    assert query is not None
    svc = services(context)
    cancelled = svc.db.run_write(
        lambda s: cancel_invite(
            session=s, invite_id=invite_id, actor_telegram_id=me.user_id, now=svc.clock()
        )
    )
    await query.answer()
    await reply(
        update,
        me.t(
            "members-invite-cancelled",
            org=esc(cancelled.org_code),
            role=me.t(f"role-{cancelled.role}"),
        ),
    )


async def change_pressed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, press: kb.Press
) -> None:
    """Confirm or Cancel a revoke or a move read back; the person concerned is told."""
    query = update.callback_query
    assert query is not None
    me = who(update, context)
    change = await decide(
        update,
        context,
        me,
        press,
        confirm=confirm_change,
        cancel=cancel_change,
        cancelled_key="members-cancelled",
    )
    if change is None:
        return
    if change.again:
        await query.answer(me.t("members-already"))
        return
    await query.answer()
    await edit_or_reply(update, done_text(me.t, change))
    if change.telegram_id is None or change.telegram_id == me.user_id:
        return
    try:
        await context.bot.send_message(
            change.telegram_id,
            told_text(translator(change.language), change),
            parse_mode=ParseMode.HTML,
        )
    except TelegramError as exc:  # the change is done; telling is a courtesy
        log.warning("could not tell %s of their %s: %s", change.telegram_id, change.kind, exc)

"""Tasks by chat, for the committee's leaders (chair, vice-chairs, secretariat).

`/giao` (`/assign`) gives a task in one typed line (grammar in `storage.task_edits`), or, sent
alone, step by step: kind (buttons) → title (typed) → lead (buttons, paged) → partners (toggle
buttons) → deadline (typed) → targets (typed, or skip). `/suaviec CODE ...` (`/edittask`)
changes the fields it names; `/huyviec CODE lý do` (`/canceltask`) cancels a task.

Everything is read back with Confirm / Cancel and done only on Confirm, through a draft kept in
the database (pressed twice, done once). Then the officers of the lead and partner
organizations are told at once, each in their language.
"""

from __future__ import annotations

import logging
import secrets
from datetime import date
from decimal import Decimal
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import keyboards as kb
from bot.chat import (
    STEP_PROGRAM,
    Who,
    command_text,
    edit_or_reply,
    esc,
    expect_answer,
    first_word,
    for_person,
    local_day,
    message_day,
    reply,
    services,
    source_key,
    who,
    who_for,
)
from bot.drafts import decide
from bot.i18n import Translator, translator
from bot.render import date_text, number
from bot.reporting import _member_or_explain, refusal
from storage.conversations import clear_step, set_step
from storage.errors import OperationError
from storage.people import Member, member_for
from storage.task_edits import (
    TaskLine,
    TaskOutcome,
    TaskPlan,
    cancel_task_draft,
    confirm_task_draft,
    plan_new_task,
    plan_task_cancel,
    plan_task_edit,
    program_orgs,
    read_kind,
    read_targets,
    read_task_line,
    save_task_draft,
)
from storage.typed_reports import IndicatorInfo
from storage.vietnamese import VietnameseParseError

log = logging.getLogger(__name__)

STEP_KIND, STEP_TITLE, STEP_LEAD, STEP_PARTNERS, STEP_DUE, STEP_TARGETS = (
    "assign_kind",
    "assign_title",
    "assign_lead",
    "assign_partners",
    "assign_due",
    "assign_targets",
)
STEPS = frozenset({STEP_KIND, STEP_TITLE, STEP_LEAD, STEP_PARTNERS, STEP_DUE, STEP_TARGETS})
ORG_PAGE = 8  # organizations per page of buttons
_KIND_LETTERS = {"c": "common", "r": "registered", "f": "focus"}


# --- rendering (pure) ----------------------------------------------------------------------------


def partners_text(t: Translator, partners: Any) -> str:
    if partners == "all":
        return t("assign-partners-all")
    return t("list-separator").join(esc(c) for c in partners) or t("assign-partners-none")


def due_text(t: Translator, due: date | None) -> str:
    return date_text(t, due) if due is not None else t("assign-due-ongoing")


def targets_text(t: Translator, targets: dict[str, Decimal], units: dict[str, str]) -> str:
    if not targets:
        return t("assign-targets-none")
    return t("list-separator").join(
        t("value-with-unit", value=number(t, v), unit=esc(units.get(c, c)))
        for c, v in targets.items()
    )


_FIELDS = ("title", "lead", "partners", "due", "targets")


def field_text(t: Translator, plan: TaskPlan, name: str, units: dict[str, str]) -> str:
    if name == "title":
        return esc(plan.title)
    if name == "lead":
        return esc(plan.lead)
    if name == "partners":
        return partners_text(t, plan.partners)
    if name == "due":
        return due_text(t, plan.due)
    return targets_text(t, plan.targets, units)


def plan_lines(t: Translator, plan: TaskPlan, units: dict[str, str]) -> list[str]:
    """A task's plan, a line per field."""
    return [
        t("assign-line-code", task=esc(plan.code), kind=t(f"assign-kind-{plan.kind}")),
        *(t(f"assign-line-{n}", value=field_text(t, plan, n, units)) for n in _FIELDS),
    ]


def change_lines(
    t: Translator, before: TaskPlan, after: TaskPlan, units: dict[str, str]
) -> list[str]:
    """The fields a change changes: before → after."""
    return [
        t(
            "assign-line-change",
            field=t(f"assign-field-{n}"),
            before=field_text(t, before, n, units),
            after=field_text(t, after, n, units),
        )
        for n in _FIELDS
        if field_text(t, before, n, units) != field_text(t, after, n, units)
    ]


def readback(t: Translator, payload: dict[str, Any], units: dict[str, str]) -> str:
    """What the leader asked for, said back before anything changes."""
    action = payload["action"]
    if action == "give":
        plan = TaskPlan.from_json(payload["after"])
        lines = [t("assign-readback-give"), *plan_lines(t, plan, units)]
        if not payload.get("code_given"):
            lines.append(t("assign-code-generated"))
        return "\n".join(lines)
    before = TaskPlan.from_json(payload["before"])
    if action == "edit":
        after = TaskPlan.from_json(payload["after"])
        title = t("assign-readback-edit", task=esc(before.code), title=esc(before.title))
        return "\n".join([title, *change_lines(t, before, after, units)])
    return "\n".join(
        [
            t("assign-readback-cancel", task=esc(before.code), title=esc(before.title)),
            t("assign-line-reason", reason=esc(payload.get("reason", ""))),
            t("assign-cancel-effect"),
        ]
    )


def notice_text(t: Translator, outcome: TaskOutcome, leads: bool, units: dict[str, str]) -> str:
    """What an officer of the lead or a partner organization is told."""
    role = t("assign-role-lead") if leads else t("assign-role-partner")
    if outcome.action == "give":
        assert outcome.after is not None
        return "\n".join(
            [t("assign-notice-give", role=role), *plan_lines(t, outcome.after, units)]
        )
    assert outcome.before is not None
    if outcome.action == "edit":
        assert outcome.after is not None
        return "\n".join(
            [
                t(
                    "assign-notice-edit",
                    task=esc(outcome.before.code),
                    title=esc(outcome.after.title),
                ),
                *change_lines(t, outcome.before, outcome.after, units),
            ]
        )
    return "\n".join(
        [
            t(
                "assign-notice-cancel",
                task=esc(outcome.before.code),
                title=esc(outcome.before.title),
            ),
            t("assign-line-reason", reason=esc(outcome.reason)),
        ]
    )


def draft_buttons(t: Translator, draft_id: int, nonce: str) -> InlineKeyboardMarkup:
    return kb.keyboard(
        [
            kb.button(t("chat-button-confirm"), "t", draft_id, nonce, "ok"),
            kb.button(t("chat-button-cancel"), "t", draft_id, nonce, "no"),
        ]
    )


# --- shared --------------------------------------------------------------------------------------


async def _leader_or_explain(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Who | None:
    """The speaker if bound, in private and leading the program; otherwise say why not."""
    me = await _member_or_explain(update, context)
    if me is None:
        return None
    assert me.member is not None
    if not me.member.leading:
        await reply(update, me.t("op-task_not_allowed"))
        return None
    return me


def _indicators(context: ContextTypes.DEFAULT_TYPE, member: Member) -> list[IndicatorInfo]:
    return [IndicatorInfo(c, u, k) for c, u, k in services(context).vocabulary(member).indicators]


def _read(
    context: ContextTypes.DEFAULT_TYPE,
    me: Who,
    member: Member,
    text: str,
    today: date,
    *,
    giving: bool,
) -> TaskLine:
    return read_task_line(
        text,
        org_codes=services(context).vocabulary(member).org_ids,
        indicators=_indicators(context, member),
        today=today,
        lang=me.lang,
        giving=giving,
    )


async def _refuse(
    update: Update, me: Who, exc: OperationError | VietnameseParseError, hint: str
) -> None:
    await reply(update, refusal(me.t, exc) + "\n\n" + me.t(hint))


async def _read_back(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    me: Who,
    member: Member,
    payload: dict[str, Any],
) -> None:
    """Keep the draft and say it back with Confirm / Cancel."""
    svc = services(context)
    key = source_key(update)
    chat = update.effective_chat
    assert chat is not None

    def work(s: Any) -> Any:
        clear_step(session=s, person_id=member.person_id)
        return save_task_draft(
            session=s,
            source_key=key,
            member=member,
            chat_id=chat.id,
            payload=payload,
            now=svc.clock(),
        )

    try:
        draft = svc.db.run_write(work)
    except OperationError as exc:
        await reply(update, refusal(me.t, exc))
        return
    units = svc.vocabulary(member).units
    await reply(
        update, readback(me.t, draft.payload, units), draft_buttons(me.t, draft.id, draft.nonce)
    )


# --- /giao in one line ---------------------------------------------------------------------------


async def assign_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/giao trongtam "title" chủ trì HND; ...`: read back a new task; alone: step by step."""
    me = await _leader_or_explain(update, context)
    if me is None:
        return
    member = me.member
    assert member is not None
    text = command_text(update)
    if not text:
        await _start_steps(update, context, me, member)
        return
    today = message_day(update, context, member)
    svc = services(context)
    try:
        line = _read(context, me, member, text, today, giving=True)
        with svc.db.read() as s:
            plan, given = plan_new_task(session=s, member=member, line=line, today=today)
    except (OperationError, VietnameseParseError) as exc:
        await _refuse(update, me, exc, "assign-usage")
        return
    payload = {"action": "give", "after": plan.to_json(), "code_given": given}
    await _read_back(update, context, me, member, payload)


async def edit_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/suaviec CODE hạn 30/9; phối hợp TD`: read back the change of the fields named."""
    me = await _leader_or_explain(update, context)
    if me is None:
        return
    member = me.member
    assert member is not None
    code, rest = first_word(command_text(update))
    if not code or not rest.strip():
        await reply(update, me.t("assign-edit-usage"))
        return
    today = message_day(update, context, member)
    svc = services(context)
    try:
        line = _read(context, me, member, rest, today, giving=False)
        with svc.db.read() as s:
            before, after = plan_task_edit(
                session=s, member=member, code=code.rstrip(":"), line=line, today=today
            )
    except (OperationError, VietnameseParseError) as exc:
        await _refuse(update, me, exc, "assign-edit-usage")
        return
    payload = {"action": "edit", "before": before.to_json(), "after": after.to_json()}
    await _read_back(update, context, me, member, payload)


async def cancel_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/huyviec CODE lý do`: read back the cancellation of a task."""
    me = await _leader_or_explain(update, context)
    if me is None:
        return
    member = me.member
    assert member is not None
    code, reason = first_word(command_text(update))
    if not code:
        await reply(update, me.t("assign-cancel-usage"))
        return
    reason = reason.strip()
    svc = services(context)
    try:
        with svc.db.read() as s:
            before = plan_task_cancel(session=s, member=member, code=code.rstrip(":"))
    except OperationError as exc:
        await _refuse(update, me, exc, "assign-cancel-usage")
        return
    if not reason:
        await reply(update, me.t("assign-cancel-reason-missing", task=esc(before.code)))
        return
    payload = {"action": "cancel", "before": before.to_json(), "reason": reason[:1000]}
    await _read_back(update, context, me, member, payload)


# --- Confirm / Cancel ----------------------------------------------------------------------------


async def draft_pressed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, press: kb.Press
) -> None:
    """Confirm or Cancel a task draft; storage re-checks that the presser owns it and leads."""
    query = update.callback_query
    assert query is not None
    me = who_for(update, context, "draft", press.number(0))
    outcome = await decide(
        update,
        context,
        me,
        press,
        confirm=confirm_task_draft,
        cancel=cancel_task_draft,
        cancelled_key="assign-draft-cancelled",
    )
    if outcome is None:
        return
    svc = services(context)
    if outcome.again:
        await query.answer(me.t("assign-already"))
        return
    await query.answer(me.t("assign-done-short"))
    with svc.db.read() as s:
        member = member_for(session=s, telegram_id=me.user_id, program_id=outcome.program_id)
    units = svc.vocabulary(member).units if member is not None else {}
    told = await _tell(context, outcome, units)
    plan = outcome.after or outcome.before
    assert plan is not None
    lines = [me.t(f"assign-done-{outcome.action}", task=esc(plan.code), told=told)]
    if outcome.action == "give":
        lines += plan_lines(me.t, plan, units)
    await edit_or_reply(update, "\n".join(lines))


async def _tell(
    context: ContextTypes.DEFAULT_TYPE, outcome: TaskOutcome, units: dict[str, str]
) -> int:
    """Tell the officers concerned at once; one unreachable officer does not stop the others."""
    told = 0
    for notice in outcome.notices:
        t = translator(notice.language)
        try:
            await context.bot.send_message(
                notice.telegram_id,
                for_person(
                    context,
                    notice.telegram_id,
                    outcome.program_id,
                    t,
                    notice_text(t, outcome, notice.leads, units),
                ),
                parse_mode=ParseMode.HTML,
            )
            told += 1
        except TelegramError as exc:
            log.warning("could not tell %s about task: %s", notice.telegram_id, exc)
    return told


# --- step by step --------------------------------------------------------------------------------


def _kind_buttons(t: Translator, nonce: str) -> InlineKeyboardMarkup:
    kinds = [
        [kb.button(t(f"assign-kind-{k}").capitalize(), "g", nonce, "k", letter)]
        for letter, k in _KIND_LETTERS.items()
    ]
    return kb.keyboard(*kinds, [kb.button(t("assign-button-quit"), "g", nonce, "x", 0)])


def _org_buttons(
    t: Translator,
    nonce: str,
    orgs: list[tuple[int, str, str]],
    page: int,
    *,
    chosen: Any = None,
    lead: str | None = None,
) -> InlineKeyboardMarkup:
    """The lead's buttons (chosen None), or the partners' toggles (chosen: codes or "all")."""
    if chosen is not None:
        orgs = [o for o in orgs if o[1] != lead]
    shown = orgs[page * ORG_PAGE : (page + 1) * ORG_PAGE]
    buttons: list[InlineKeyboardButton] = []
    for org_id, code, _ in shown:
        if chosen is None:
            buttons.append(kb.button(code, "g", nonce, "l", org_id))
        else:
            mark = "✅ " if chosen == "all" or code in chosen else ""
            buttons.append(kb.button(mark + code, "g", nonce, "p", org_id))
    page_kind = "lp" if chosen is None else "pp"
    nav = []
    if page > 0:
        nav.append(kb.button(t("chat-page-previous"), "g", nonce, page_kind, page - 1))
    if (page + 1) * ORG_PAGE < len(orgs):
        nav.append(kb.button(t("chat-page-next"), "g", nonce, page_kind, page + 1))
    last = [kb.button(t("assign-button-quit"), "g", nonce, "x", 0)]
    if chosen is not None:
        mark = "✅ " if chosen == "all" else ""
        last = [
            kb.button(mark + t("assign-partners-all"), "g", nonce, "pa", 0),
            kb.button(t("assign-button-done"), "g", nonce, "pd", 0),
            *last,
        ]
    return kb.keyboard(*kb.rows(buttons, 4), nav, last)


async def _start_steps(
    update: Update, context: ContextTypes.DEFAULT_TYPE, me: Who, member: Member
) -> None:
    nonce = secrets.token_hex(3)
    expect_answer(context, member, STEP_KIND, {"n": nonce, STEP_PROGRAM: member.program_id})
    await reply(update, me.t("assign-step-kind"), _kind_buttons(me.t, nonce))


def _save_step(
    context: ContextTypes.DEFAULT_TYPE, member: Member, step: str, data: dict[str, Any]
) -> None:
    svc = services(context)
    svc.db.run_write(
        lambda s: set_step(
            session=s, person_id=member.person_id, step=step, data=data, now=svc.clock()
        )
    )


def _orgs(context: ContextTypes.DEFAULT_TYPE, member: Member) -> list[tuple[int, str, str]]:
    with services(context).db.read() as s:
        return program_orgs(session=s, program_id=member.program_id)


def _partners_prompt(t: Translator, data: dict[str, Any]) -> str:
    return t(
        "assign-step-partners",
        lead=esc(data["lead"]),
        partners=partners_text(t, data.get("partners", [])),
    )


async def _ask(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    me: Who,
    member: Member,
    step: str,
    data: dict[str, Any],
    *,
    edit: bool = False,
) -> None:
    """Move to `step` and ask for it."""
    _save_step(context, member, step, data)
    t, nonce = me.t, data["n"]
    markup: InlineKeyboardMarkup | None = None
    if step == STEP_TITLE:
        text = t("assign-step-title", kind=t(f"assign-kind-{data['kind']}"))
    elif step == STEP_LEAD:
        text = t("assign-step-lead", title=esc(data["title"]))
        markup = _org_buttons(t, nonce, _orgs(context, member), data.get("lp", 0))
    elif step == STEP_PARTNERS:
        text = _partners_prompt(t, data)
        markup = _org_buttons(
            t,
            nonce,
            _orgs(context, member),
            data.get("pp", 0),
            chosen=data.get("partners", []),
            lead=data["lead"],
        )
    elif step == STEP_DUE:
        text = t("assign-step-due")
    else:
        text = t("assign-step-targets")
        markup = kb.keyboard([kb.button(t("assign-button-no-targets"), "g", nonce, "ts", 0)])
    if edit:
        await edit_or_reply(update, text, markup)
    else:
        await reply(update, text, markup)


async def _finish_steps(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    me: Who,
    member: Member,
    data: dict[str, Any],
    targets: dict[str, Decimal],
) -> None:
    """Every answer is in: check the task and read it back."""
    partners = data.get("partners", [])
    line = TaskLine(
        kind=data["kind"],
        title=data["title"],
        lead=data["lead"],
        partners="all" if partners == "all" else tuple(partners),
        due_said=True,
        due=date.fromisoformat(data["due"]) if data.get("due") else None,
        targets=targets,
    )
    today = local_day(services(context).clock(), member)
    try:
        with services(context).db.read() as s:
            plan, given = plan_new_task(session=s, member=member, line=line, today=today)
    except OperationError as exc:
        await reply(update, refusal(me.t, exc))
        return
    payload = {"action": "give", "after": plan.to_json(), "code_given": given}
    await _read_back(update, context, me, member, payload)


async def step_answer(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    me: Who,
    name: str,
    data: dict[str, Any],
    text: str,
) -> None:
    """A typed answer to a step of `/giao` (the title, the deadline, the targets; a kind, the
    lead or the partners typed instead of pressed)."""
    member = _stepping_member(context, me, data)
    if member is None:
        services(context).db.run_write(
            lambda s: clear_step(session=s, person_id=me.member.person_id)  # type: ignore[union-attr]
        )
        await reply(update, me.t("op-task_not_allowed"))
        return
    today = message_day(update, context, member)
    try:
        if name == STEP_KIND:
            kind = read_kind(text)
            if kind is None:
                await reply(update, me.t("assign-step-kind"), _kind_buttons(me.t, data["n"]))
                return
            await _ask(update, context, me, member, STEP_TITLE, {**data, "kind": kind})
        elif name == STEP_TITLE:
            line = _read(
                context, me, member, f"tên «{text.replace('»', '')}»", today, giving=False
            )
            await _ask(update, context, me, member, STEP_LEAD, {**data, "title": line.title})
        elif name == STEP_LEAD:
            line = _read(context, me, member, "chủ trì " + text, today, giving=False)
            await _ask(
                update,
                context,
                me,
                member,
                STEP_PARTNERS,
                {**data, "lead": line.lead, "partners": []},
            )
        elif name == STEP_PARTNERS:
            line = _read(context, me, member, "phối hợp " + text, today, giving=False)
            partners = (
                line.partners
                if line.partners == "all"
                else [c for c in line.partners or () if c != data["lead"]]
            )
            await _ask(update, context, me, member, STEP_DUE, {**data, "partners": partners})
        elif name == STEP_DUE:
            line = _read(context, me, member, "hạn " + text, today, giving=False)
            if line.due is not None and line.due < today:
                raise OperationError("task_due_past", due=date_text(me.t, line.due))
            due = line.due.isoformat() if line.due else None
            await _ask(update, context, me, member, STEP_TARGETS, {**data, "due": due})
        else:
            targets = read_targets(text, _indicators(context, member), lang=me.lang)
            await _finish_steps(update, context, me, member, data, targets)
    except (OperationError, VietnameseParseError) as exc:
        await reply(update, refusal(me.t, exc) + "\n\n" + me.t("assign-step-again"))


def _stepping_member(
    context: ContextTypes.DEFAULT_TYPE, me: Who, data: dict[str, Any]
) -> Member | None:
    """The person in the program the conversation is about, if they still lead it."""
    with services(context).db.read() as s:
        member = member_for(session=s, telegram_id=me.user_id, program_id=data.get(STEP_PROGRAM))
    return member if member is not None and member.leading else None


async def step_pressed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, press: kb.Press
) -> None:
    """A button of `/giao` step by step: re-read the person's step, and act if it is still it."""
    query = update.callback_query
    assert query is not None
    me = who(update, context, with_step=True)
    nonce, action, arg = press.args
    step = me.step
    if me.member is None or step is None or step[0] not in STEPS or step[1].get("n") != nonce:
        await query.answer(me.t("op-stale_button"), show_alert=True)
        return
    name, data = step
    member = _stepping_member(context, me, data)
    if member is None:
        await query.answer(me.t("op-task_not_allowed"), show_alert=True)
        return
    svc = services(context)
    await query.answer()
    if action == "x":
        svc.db.run_write(lambda s: clear_step(session=s, person_id=member.person_id))
        await edit_or_reply(update, me.t("assign-step-quit"))
    elif action == "k" and name == STEP_KIND:
        await _ask(
            update,
            context,
            me,
            member,
            STEP_TITLE,
            {**data, "kind": _KIND_LETTERS[arg]},
            edit=True,
        )
    elif action == "lp" and name == STEP_LEAD:
        await _ask(update, context, me, member, STEP_LEAD, {**data, "lp": int(arg)}, edit=True)
    elif action == "l" and name == STEP_LEAD:
        code = _org_code(context, member, int(arg))
        if code is not None:
            await _ask(
                update,
                context,
                me,
                member,
                STEP_PARTNERS,
                {**data, "lead": code, "partners": []},
                edit=True,
            )
    elif action in ("p", "pa", "pp") and name == STEP_PARTNERS:
        partners = data.get("partners", [])
        if action == "pa":
            partners = [] if partners == "all" else "all"
        elif action == "p":
            code = _org_code(context, member, int(arg))
            partners = [] if partners == "all" else list(partners)
            if code is not None and code != data["lead"]:
                partners = (
                    [c for c in partners if c != code] if code in partners else [*partners, code]
                )
        page = int(arg) if action == "pp" else data.get("pp", 0)
        await _ask(
            update,
            context,
            me,
            member,
            STEP_PARTNERS,
            {**data, "partners": partners, "pp": page},
            edit=True,
        )
    elif action == "pd" and name == STEP_PARTNERS:
        await _ask(update, context, me, member, STEP_DUE, data, edit=True)
    elif action == "ts" and name == STEP_TARGETS:
        await _finish_steps(update, context, me, member, data, {})


def _org_code(context: ContextTypes.DEFAULT_TYPE, member: Member, org_id: int) -> str | None:
    return next((code for i, code, _ in _orgs(context, member) if i == org_id), None)

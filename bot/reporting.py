"""Officers report: `/viec` lists their work, `/baocao` (buttons or one typed line), `/xong`
closes a task, `/sua` corrects one's last report, a captioned photo or file is evidence.

Whatever is understood is read back with Confirm / Edit / Cancel and recorded only on Confirm,
through a draft kept in the database (see `storage.conversations`): Confirm pressed twice, or a
message delivered twice, records one report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import keyboards as kb
from bot.chat import (
    MESSAGE_LIMIT,
    STEP_PROGRAM,
    Who,
    command_text,
    edit_or_reply,
    esc,
    expect_answer,
    first_word,
    local_day,
    message_day,
    reply,
    services,
    source_key,
    who,
    who_for,
)
from bot.i18n import Translator
from bot.onboarding import private_only
from bot.render import date_text, number
from storage.conversations import (
    Draft,
    ReportRef,
    cancel_draft,
    clear_step,
    confirm_draft,
    last_report_of,
    open_draft,
    payload_values,
    report_ref,
    save_draft,
    set_step,
    values_of,
)
from storage.errors import OperationError
from storage.operations import check_report, record_report
from storage.people import Member
from storage.rules import Status
from storage.typed_reports import TaskInfo
from storage.vietnamese import (
    Quantity,
    VietnameseParseError,
    parse_date,
    parse_quantity,
    unit_scale,
)
from storage.worklists import (
    OrgTask,
    TaskFacts,
    org_tasks,
    registered_count,
    report_values,
    task_facts,
    task_facts_by_id,
)

PAGE = 8  # tasks per page of the work list and of the report picker
TITLE_WIDTH = 70
STEP_VALUE, STEP_NOTE, STEP_EDIT, STEP_CORRECT, STEP_DIFFICULTY = (
    "value",
    "note",
    "edit",
    "correct",
    "difficulty",
)


def refusal(t: Translator, error: OperationError | VietnameseParseError) -> str:
    return t(f"op-{error.code}", **{k: esc(v) for k, v in error.params.items()})


def short(text: str, width: int = TITLE_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


async def _member_or_explain(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    *,
    with_step: bool = False,
    me: Who | None = None,
) -> Who | None:
    """The speaker (`me`, else who sent the update) if they are bound and in a private chat;
    otherwise say why not."""
    me = me or who(update, context, with_step=with_step)
    if me.member is None:
        if update.callback_query is not None:
            await update.callback_query.answer(me.t("chat-not-member-short"), show_alert=True)
        else:
            await reply(update, me.t("chat-join-how"))
        return None
    if not me.private:
        await private_only(update, context, me)
        return None
    return me


# --- rendering (pure) ---------------------------------------------------------------------------


def figure_text(
    t: Translator, unit: str, value: Decimal | None, qualifier: str | None, target: Decimal | None
) -> str:
    if value is None:
        return t("chat-figure-not-reported", unit=esc(unit), target=number(t, target or 0))
    shown = number(t, value)
    if qualifier:
        shown = t(f"qualifier-{qualifier}", value=shown)
    shown = t("value-with-unit", value=shown, unit=esc(unit))
    if target is not None:
        shown = t("value-with-target", value=shown, target=number(t, target))
    return shown


def task_line(t: Translator, task: OrgTask) -> str:
    """One task of the work list: code, title, deadline, state, the figures reported."""
    if task.status is Status.OVERDUE:
        when = t("chat-task-overdue", due=date_text(t, task.deadline), days=task.days_late)
    elif task.done_on is not None:
        when = t("chat-task-done", date=date_text(t, task.done_on))
    else:
        when = t("chat-task-due", due=date_text(t, task.due))
    if task.awaiting:
        when = t("chat-task-awaiting", when=when)
    role = t("chat-task-lead") if task.leads else t("chat-task-partner")
    figures = "; ".join(
        figure_text(t, f.unit, f.value, f.qualifier, f.target) for f in task.figures
    )
    line = t(
        "chat-task-line", task=esc(task.code), title=esc(short(task.title)), role=role, when=when
    )
    return line + (t("chat-task-figures", figures=figures) if figures else "")


def work_list(t: Translator, member: Member, tasks: list[OrgTask], page: int) -> str:
    """The organization's tasks grouped by status, one page of them."""
    lines = [t("chat-tasks-title", org=esc(member.org_code), count=len(tasks))]
    if not tasks:
        return "\n".join([*lines, t("chat-tasks-none")])
    counts = {s: sum(1 for x in tasks if x.status is s) for s in Status}
    lines.append(
        t(
            "chat-tasks-counts",
            overdue=counts[Status.OVERDUE],
            in_progress=counts[Status.IN_PROGRESS],
            done=counts[Status.DONE_ON_TIME] + counts[Status.DONE_LATE],
        )
    )
    shown = tasks[page * PAGE : (page + 1) * PAGE]
    current: Status | None = None
    for task in shown:
        if task.status is not current:
            current = task.status
            lines += ["", f"<b>{esc(t(f'status-{current.value}').capitalize())}</b>"]
        lines.append(task_line(t, task))
    pages = (len(tasks) + PAGE - 1) // PAGE
    if pages > 1:
        lines += ["", t("chat-page", page=page + 1, pages=pages)]
    return "\n".join(lines)


def page_buttons(tasks: list[Any], page: int, kind: str, t: Translator) -> list[Any]:
    pages = (len(tasks) + PAGE - 1) // PAGE
    nav = []
    if page > 0:
        nav.append(kb.button(t("chat-page-previous"), kind, page - 1))
    if page + 1 < pages:
        nav.append(kb.button(t("chat-page-next"), kind, page + 1))
    return nav


def readback(
    t: Translator,
    payload: dict[str, Any],
    title: str,
    units: dict[str, str],
    targets: dict[str, Decimal] | None = None,
) -> str:
    """What the bot understood, said back before anything is recorded (with the task's
    targets beside the figures)."""
    lines = [
        t("chat-readback-correction") if payload.get("corrects") else t("chat-readback-title"),
        t("chat-readback-task", task=esc(payload["task"]), title=esc(short(title))),
        t("chat-readback-org", org=esc(payload["org"])),
    ]
    said = payload.get("said", {})
    for code, quantity in values_of(payload).items():
        target = (targets or {}).get(code, Decimal(said[code]) if code in said else None)
        value = figure_text(t, units.get(code, code), quantity.value, quantity.qualifier, target)
        lines.append(t("chat-readback-value", indicator=esc(code), value=value))
    if payload.get("done"):
        lines.append(
            t("chat-readback-done", date=date_text(t, date.fromisoformat(payload["completed_on"])))
        )
    if payload.get("note"):
        lines.append(t("chat-readback-note", note=esc(payload["note"])))
    lines.append(
        t("chat-readback-date", date=date_text(t, date.fromisoformat(payload["effective_on"])))
    )
    return "\n".join(lines)


def draft_buttons(t: Translator, draft: Draft) -> InlineKeyboardMarkup:
    return kb.keyboard(
        [
            kb.button(t("chat-button-confirm"), "d", draft.id, draft.nonce, "ok"),
            kb.button(t("chat-button-edit"), "d", draft.id, draft.nonce, "ed"),
            kb.button(t("chat-button-cancel"), "d", draft.id, draft.nonce, "no"),
        ]
    )


# --- /viec ------------------------------------------------------------------------------------


async def tasks_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the tasks the officer's organization leads or partners on."""
    me = await _member_or_explain(update, context)
    if me is None:
        return
    await _show_tasks(update, context, me, 0, "v")


async def _show_tasks(
    update: Update, context: ContextTypes.DEFAULT_TYPE, me: Who, page: int, kind: str
) -> None:
    member = me.member
    assert member is not None
    svc = services(context)
    today = local_day(svc.clock(), member)
    with svc.db.read() as s:
        tasks = org_tasks(
            session=s, program_id=member.program_id, org_id=member.org_id, as_of=today
        )
    if kind == "b":
        tasks = [x for x in tasks if x.done_on is None]
    pages = max(1, (len(tasks) + PAGE - 1) // PAGE)
    page = min(page, pages - 1)
    shown = tasks[page * PAGE : (page + 1) * PAGE]
    buttons = [kb.button(f"📝 {x.code}", "r", x.id) for x in shown]
    markup = kb.keyboard(*kb.rows(buttons, 4), page_buttons(tasks, page, kind, me.t))
    if kind == "b":
        text = me.t("chat-report-choose-task") if tasks else me.t("chat-report-nothing-open")
    else:
        text = work_list(me.t, member, tasks, page)
    if update.callback_query is not None:
        await update.callback_query.answer()
        await edit_or_reply(update, text, markup)
    else:
        await reply(update, text, markup)


async def page_pressed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, press: kb.Press
) -> None:
    me = await _member_or_explain(update, context)
    if me is not None:
        await _show_tasks(update, context, me, press.number(), press.kind)


# --- drafting ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Understood:
    """What a typed line said: its task, organization, values, targets said and remark."""

    facts: TaskFacts
    org: str
    values: dict[str, Quantity]
    said: dict[str, Decimal]
    note: str | None


async def _draft_report(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    me: Who,
    *,
    facts: TaskFacts | None = None,
    org: str = "",
    values: dict[str, Quantity] | None = None,
    said: dict[str, Decimal] | None = None,
    done: bool | None = None,
    completed_on: date | None = None,
    note: str | None = None,
    corrects: int | None = None,
    effective_on: date | None = None,
    understand: Callable[[Any], Understood] | None = None,
) -> None:
    """Check what was understood, keep it as a draft and read it back with its buttons.

    `understand` reads a typed line inside the same transaction, so that reading, checking
    and keeping the draft cost one round of the database."""
    member = me.member
    assert member is not None
    svc = services(context)
    day = effective_on or message_day(update, context, member)
    key = source_key(update)
    chat = update.effective_chat
    assert chat is not None
    now = svc.clock()

    def work(s: Any) -> tuple[Draft, TaskFacts, bool]:
        # Checked and kept in one transaction: what is read back is what Confirm will record.
        if understand is not None:
            u = understand(s)
            facts_, org_, values_, said_, note_ = u.facts, u.org, u.values, u.said, u.note
        else:
            assert facts is not None
            facts_, org_, values_, said_, note_ = facts, org, values or {}, said or {}, note
        check = check_report(
            session=s,
            program_code=member.program_code,
            task_code=facts_.code,
            org_code=org_,
            effective_on=day,
            values=values_,
            done=done,
            completed_on=completed_on,
            author_telegram_id=me.user_id,
            require_closing=True,
            corrects_id=corrects,
        )
        payload: dict[str, Any] = {
            "program": member.program_code,
            "task": check.task,
            "title": facts_.title,
            "targets": {k: str(v) for k, v in facts_.targets.items()},
            "org": check.org,
            "effective_on": day.isoformat(),
            "values": payload_values(values_),
            "said": {k: str(v) for k, v in said_.items()},
            "done": done,
            "completed_on": check.completed_on.isoformat() if check.completed_on else None,
            "note": note_,
            "corrects": corrects,
        }
        draft = _save(s, key, member, chat.id, payload, now)
        return draft, facts_, check.pending_verification

    try:
        draft, read, waits = svc.db.run_write(work)
    except (OperationError, VietnameseParseError) as exc:
        task = str(exc.params.get("task", ""))
        if exc.code == "unknown_task" and await _in_other_program(update, context, me, task):
            return
        await reply(update, refusal(me.t, exc))
        return
    units = svc.vocabulary(member).units
    text = readback(me.t, draft.payload, read.title, units, read.targets)
    if waits:  # the program verifies completions: Confirm will not count it done yet
        text += "\n" + me.t("chat-verify-readback", task=esc(draft.payload["task"]))
    if update.callback_query is not None:
        await update.callback_query.answer()
    await reply(update, text, draft_buttons(me.t, draft))


async def _in_other_program(
    update: Update, context: ContextTypes.DEFAULT_TYPE, me: Who, code: str
) -> bool:
    """A task code of another of the person's programs: ask which program (True)."""
    from bot.programs import ask_other_program

    return await ask_other_program(update, context, me, code)


def _save(
    s: Any, key: str, member: Member, chat_id: int, payload: dict[str, Any], now: Any
) -> Draft:
    clear_step(session=s, person_id=member.person_id)
    return save_draft(
        session=s,
        source_key=key,
        member=member,
        chat_id=chat_id,
        kind="report",
        payload=payload,
        now=now,
    )


def _facts(me: Who, context: ContextTypes.DEFAULT_TYPE, code: str) -> TaskFacts | None:
    member = me.member
    assert member is not None
    with services(context).db.read() as s:
        return task_facts(session=s, program_id=member.program_id, code=code)


async def typed_report(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    me: Who,
    text: str,
    *,
    corrects: ReportRef | None = None,
    default_task: str | None = None,
) -> None:
    """Read one typed line ("R09: đã xây dựng 14/20 tổ tự quản") and read it back."""
    member = me.member
    assert member is not None
    svc = services(context)
    reader = svc.reader(member, me.lang)
    if default_task is not None and first_word(text)[0].rstrip(":").upper() != default_task:
        text = f"{default_task} {text}"

    def understand(s: Any) -> Understood:
        found: dict[str, TaskFacts] = {}

        def find_task(code: str) -> TaskInfo | None:
            facts = task_facts(session=s, program_id=member.program_id, code=code)
            if facts is None:
                return None
            found[facts.code] = facts
            return TaskInfo(facts.code, facts.targets)

        typed = reader.read(text, find_task)
        facts = found[typed.task]
        return Understood(
            facts=facts,
            org=typed.org or _default_org(member, facts),
            values=dict(typed.values),
            said=dict(typed.targets_said),
            note=typed.remark or None,
        )

    await _draft_report(
        update,
        context,
        me,
        understand=understand,
        corrects=corrects.id if corrects is not None else None,
        effective_on=corrects.effective_on if corrects is not None else None,
    )


def _default_org(member: Member, facts: TaskFacts) -> str:
    """An officer reports for their organization; the chair or secretariat, by default, for
    the task's lead."""
    return facts.lead_code if member.leading else member.org_code


# --- /baocao ----------------------------------------------------------------------------------


async def report_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/baocao R27 LN 2100` reads the line; `/baocao` alone offers the open tasks."""
    me = await _member_or_explain(update, context)
    if me is None:
        return
    text = command_text(update)
    if text:
        await typed_report(update, context, me, text)
    else:
        await _show_tasks(update, context, me, 0, "b")


async def _pressed_task(
    update: Update, context: ContextTypes.DEFAULT_TYPE, task_id: int
) -> tuple[Who, Member, TaskFacts] | None:
    """The presser (bound, in private) and the task a button names; a task that is not (or no
    longer) in their program is a stale button, said in the answer."""
    me = await _member_or_explain(update, context, me=who_for(update, context, "task", task_id))
    if me is None:
        return None
    member = me.member
    assert member is not None and update.callback_query is not None
    with services(context).db.read() as s:
        facts = task_facts_by_id(session=s, program_id=member.program_id, task_id=task_id)
    if facts is None:
        await update.callback_query.answer(me.t("op-stale_button"), show_alert=True)
        return None
    return me, member, facts


async def task_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE, press: kb.Press) -> None:
    """A task button: what to report on it (an indicator, done, a note)."""
    pressed = await _pressed_task(update, context, press.number())
    if pressed is None:
        return
    me, member, facts = pressed
    assert update.callback_query is not None
    svc = services(context)
    with svc.db.read() as s:
        mine = org_tasks_one(s, member, facts, local_day(svc.clock(), member))
    if mine is None:
        await update.callback_query.answer(me.t("op-stale_button"), show_alert=True)
        return
    vocabulary = svc.vocabulary(member)
    units, ids = vocabulary.units, vocabulary.indicator_ids
    codes = list(dict.fromkeys([*facts.targets, *(f.indicator for f in mine.figures)]))
    buttons = [
        kb.button(f"{code} ({units.get(code, '')})", "i", facts.id, ids[code])
        for code in codes
        if code in ids
    ]
    extra = [kb.button(me.t("chat-button-other-indicator"), "i", facts.id, 0)]
    if facts.lead_code == member.org_code or member.leading:
        extra.append(kb.button(me.t("chat-button-done"), "k", facts.id))
    extra.append(kb.button(me.t("chat-button-note"), "n", facts.id))
    markup = kb.keyboard(*kb.rows(buttons, 2), extra)
    await update.callback_query.answer()
    await reply(
        update,
        me.t(
            "chat-report-what",
            task=esc(facts.code),
            title=esc(short(facts.title)),
            line=task_line(me.t, mine),
        ),
        markup,
    )


def org_tasks_one(s: Any, member: Member, facts: TaskFacts, today: date) -> OrgTask | None:
    """The task as it appears in the organization's work list today (None: not its task)."""
    found = org_tasks(
        session=s,
        program_id=member.program_id,
        org_id=member.org_id,
        as_of=today,
        task_id=facts.id,
    )
    if found:
        return found[0]
    return None if not member.leading else _as_org_task(facts)


def _as_org_task(facts: TaskFacts) -> OrgTask:
    status = Status.DONE_ON_TIME if facts.done_on else Status.IN_PROGRESS
    return OrgTask(
        facts.id,
        facts.code,
        facts.title,
        facts.kind,
        False,
        status,
        facts.deadline,
        facts.due,
        0,
        facts.done_on,
        (),
    )


async def indicator_chosen(
    update: Update, context: ContextTypes.DEFAULT_TYPE, press: kb.Press
) -> None:
    """An indicator button: wait for its number (0: any indicator, typed as a line)."""
    pressed = await _pressed_task(update, context, press.number(0))
    if pressed is None:
        return
    me, member, facts = pressed
    assert update.callback_query is not None
    svc = services(context)
    indicator_id = press.number(1)
    units = svc.vocabulary(member).units
    ids = {v: k for k, v in svc.vocabulary(member).indicator_ids.items()}
    if indicator_id and indicator_id not in ids:
        await update.callback_query.answer(me.t("op-stale_button"), show_alert=True)
        return
    if indicator_id == 0:
        step: dict[str, Any] = {"task": facts.code}
        prompt = me.t("chat-report-type-line", task=esc(facts.code))
        name = STEP_EDIT
    else:
        code = ids[indicator_id]
        step = {"task": facts.code, "indicator": code}
        prompt = me.t(
            "chat-report-type-number",
            task=esc(facts.code),
            indicator=esc(code),
            unit=esc(units.get(code, "")),
        )
        name = STEP_VALUE
    expect_answer(context, member, name, step)
    await update.callback_query.answer()
    await reply(update, prompt)


async def done_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE, press: kb.Press) -> None:
    """The "done" button: a completion as of today, read back."""
    pressed = await _pressed_task(update, context, press.number())
    if pressed is None:
        return
    me, member, facts = pressed
    day = local_day(services(context).clock(), member)
    await _draft_report(
        update,
        context,
        me,
        facts=facts,
        org=_default_org(member, facts),
        values={},
        done=True,
        completed_on=day,
        effective_on=day,
    )


async def note_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE, press: kb.Press) -> None:
    """The "note" button: wait for the note's text."""
    pressed = await _pressed_task(update, context, press.number())
    if pressed is None:
        return
    me, member, facts = pressed
    assert update.callback_query is not None
    expect_answer(context, member, STEP_NOTE, {"task": facts.code})
    await update.callback_query.answer()
    await reply(update, me.t("chat-report-type-note", task=esc(facts.code)))


# --- plain text -------------------------------------------------------------------------------


async def text_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A typed message in private chat: the answer to a step, or a report in one line."""
    message = update.effective_message
    assert message is not None and message.text is not None
    me = await _member_or_explain(update, context, with_step=True)
    if me is None:
        return
    member = me.member
    assert member is not None
    text = message.text.strip()
    if len(text) > MESSAGE_LIMIT:
        await reply(update, me.t("chat-too-long", limit=MESSAGE_LIMIT))
        return
    svc = services(context)
    step = me.step
    if step is None:
        await typed_report(update, context, me, text)
        return
    name, data = step
    if name.startswith("assign_"):
        from bot.assign import step_answer

        await step_answer(update, context, me, name, data, text)
        return
    if name == "verify_reason":  # bot.verification.STEP_RETURN_REASON
        from bot.verification import reason_given

        await reason_given(update, context, me, data, text)
        return
    if name == STEP_DIFFICULTY:
        from bot.requests import record_difficulty_text

        await record_difficulty_text(update, context, me, text)
        return
    facts = _facts(me, context, data["task"])
    if facts is None:
        svc.db.run_write(lambda s: clear_step(session=s, person_id=member.person_id))
        await reply(update, me.t("op-unknown_task", task=esc(data["task"])))
        return
    if name == STEP_VALUE:
        with svc.db.read() as s:
            unit = svc.vocabulary(member).units.get(data["indicator"], "")
        try:
            quantity = parse_quantity(text, unit_scale=unit_scale(unit), lang=me.lang)
        except VietnameseParseError as exc:
            await reply(update, refusal(me.t, exc))
            return
        await _draft_report(
            update,
            context,
            me,
            facts=facts,
            org=_default_org(member, facts),
            values={data["indicator"]: quantity},
        )
    elif name == STEP_NOTE:
        await _draft_report(
            update,
            context,
            me,
            facts=facts,
            org=_default_org(member, facts),
            values={},
            note=text[:2000],
        )
    elif name == STEP_CORRECT:
        with svc.db.read() as s:
            earlier = report_ref(session=s, report_id=data["report"])
        await typed_report(update, context, me, text, corrects=earlier, default_task=facts.code)
    else:  # STEP_EDIT
        await typed_report(update, context, me, text, default_task=facts.code)


# --- the draft's buttons ----------------------------------------------------------------------


async def draft_pressed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, press: kb.Press
) -> None:
    """Confirm, Edit or Cancel a draft, re-checking that the presser owns it and may do it."""
    from bot.drafts import decide  # bot.drafts imports this module (`refusal`)

    query = update.callback_query
    assert query is not None
    me = who(update, context)
    if press.args[2] == "ed":
        try:
            await _edit_draft(update, context, me, press.number(0), press.args[1])
        except OperationError as exc:
            await query.answer(refusal(me.t, exc)[:200], show_alert=True)
        return
    outcome = await decide(
        update,
        context,
        me,
        press,
        confirm=confirm_draft,
        cancel=cancel_draft,
        cancelled_key="chat-draft-cancelled",
    )
    if outcome is None:
        return
    if outcome.again:
        await query.answer(me.t("chat-draft-already"), show_alert=False)
        return
    me = who(update, context, program_id=outcome.draft.program_id)
    await query.answer(me.t("chat-recorded-short"))
    if outcome.draft.kind == "extension":
        from bot.requests import extension_confirmed

        await extension_confirmed(update, context, me, outcome)
        return
    if outcome.report is not None and outcome.report.pending_verification:
        from bot.verification import completion_waiting

        await completion_waiting(update, context, me, outcome)
        return
    await edit_or_reply(
        update,
        recorded_text(me, context, outcome.draft.payload, outcome.draft.report_id),
        kb.keyboard([kb.button(me.t("chat-button-correct"), "c", outcome.draft.report_id)]),
    )


def recorded_text(
    me: Who, context: ContextTypes.DEFAULT_TYPE, payload: dict[str, Any], report_id: int | None
) -> str:
    """What was recorded; for a completion, the task's status and the organization's count."""
    member = me.member
    assert member is not None
    svc = services(context)
    units = svc.vocabulary(member).units
    targets = {k: Decimal(v) for k, v in payload.get("targets", {}).items()}
    lines = [
        me.t("chat-recorded"),
        *readback(me.t, payload, payload.get("title", ""), units, targets).split("\n")[1:-1],
    ]
    if not payload.get("done"):
        return "\n".join(lines)
    # A completion: the task's resulting status and the organization's new count.
    org_id = svc.vocabulary(member).org_ids.get(payload["org"], member.org_id)
    with svc.db.read() as s:
        facts = task_facts(session=s, program_id=member.program_id, code=payload["task"])
        counted = registered_count(session=s, program_id=member.program_id, org_id=org_id)
    if facts is not None and facts.done_on is not None:
        status = Status.DONE_ON_TIME if facts.done_on <= facts.deadline else Status.DONE_LATE
        lines.append(
            me.t(
                "chat-recorded-status",
                task=esc(facts.code),
                status=me.t(f"status-{status.value}"),
                deadline=date_text(me.t, facts.deadline),
            )
        )
        lines.append(
            me.t("chat-recorded-count", org=esc(payload["org"]), done=counted[0], total=counted[1])
        )
    return "\n".join(lines)


async def _edit_draft(
    update: Update, context: ContextTypes.DEFAULT_TYPE, me: Who, draft_id: int, nonce: str
) -> None:
    """Edit: drop the draft and wait for the line again (its task already known)."""
    query = update.callback_query
    assert query is not None
    svc = services(context)
    member = me.member
    if member is None:
        await query.answer(me.t("chat-not-member-short"), show_alert=True)
        return
    now = svc.clock()

    def work(s: Any) -> Draft:
        draft = open_draft(session=s, draft_id=draft_id, nonce=nonce, telegram_id=me.user_id)
        cancel_draft(session=s, draft_id=draft_id, nonce=nonce, telegram_id=me.user_id, now=now)
        step = STEP_CORRECT if draft.payload.get("corrects") else STEP_EDIT
        data = {"task": draft.payload["task"], "report": draft.payload.get("corrects")}
        data[STEP_PROGRAM] = draft.program_id  # the line typed next lands in the draft's program
        set_step(session=s, person_id=member.person_id, step=step, data=data, now=now)
        return draft

    draft = svc.db.run_write(work)
    await query.answer()
    await edit_or_reply(update, me.t("chat-report-type-line", task=esc(draft.payload["task"])))


# --- /xong ------------------------------------------------------------------------------------


async def done_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/xong R19 [12/6]`: the lead organization closes its task (read back first)."""
    me = await _member_or_explain(update, context)
    if me is None:
        return
    member = me.member
    assert member is not None
    args = context.args or []
    if not args:
        await reply(update, me.t("chat-done-usage"))
        return
    facts = _facts(me, context, args[0].rstrip(":"))
    if facts is None:
        if not await _in_other_program(update, context, me, args[0].rstrip(":")):
            await reply(update, me.t("op-unknown_task", task=esc(args[0])))
        return
    today = message_day(update, context, member)
    completed = today
    if len(args) > 1:
        try:
            completed = parse_date(" ".join(args[1:]), today=today)
        except VietnameseParseError as exc:
            await reply(update, refusal(me.t, exc))
            return
    await _draft_report(
        update,
        context,
        me,
        facts=facts,
        org=_default_org(member, facts),
        values={},
        done=True,
        completed_on=completed,
        effective_on=today,
    )


# --- /sua -------------------------------------------------------------------------------------


async def correct_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/sua R09 15 mô hình` corrects one's last report on R09; `/sua R09` asks for the line."""
    me = await _member_or_explain(update, context)
    if me is None:
        return
    text = command_text(update)
    code, rest = first_word(text)
    if not code:
        await reply(update, me.t("chat-correct-usage"))
        return
    facts = _facts(me, context, code.rstrip(":"))
    if facts is None:
        if not await _in_other_program(update, context, me, code.rstrip(":")):
            await reply(update, me.t("op-unknown_task", task=esc(code)))
        return
    await _start_correction(update, context, me, facts, rest)


async def _start_correction(
    update: Update, context: ContextTypes.DEFAULT_TYPE, me: Who, facts: TaskFacts, rest: str
) -> None:
    member = me.member
    assert member is not None
    svc = services(context)
    with svc.db.read() as s:
        earlier = last_report_of(session=s, person_id=member.person_id, task_id=facts.id)
        units = svc.vocabulary(member).units
        values = (
            report_values(session=s, report_id=earlier.id)
            if earlier is not None and earlier.id is not None
            else {}
        )
    if earlier is None:
        await reply(update, me.t("chat-correct-nothing", task=esc(facts.code)))
        return
    if rest:
        await typed_report(update, context, me, rest, corrects=earlier, default_task=facts.code)
        return
    shown = "; ".join(
        figure_text(me.t, units.get(c, c), q.value, q.qualifier, None) for c, q in values.items()
    ) or me.t("chat-correct-no-figures")
    expect_answer(context, member, STEP_CORRECT, {"task": facts.code, "report": earlier.id})
    if update.callback_query is not None:
        await update.callback_query.answer()
    await reply(
        update,
        me.t(
            "chat-correct-prompt",
            task=esc(facts.code),
            date=date_text(me.t, earlier.effective_on),
            figures=shown,
        ),
    )


async def correct_pressed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, press: kb.Press
) -> None:
    """The "correct" button under a recorded report."""
    report_id = press.number()
    me = await _member_or_explain(
        update, context, me=who_for(update, context, "report", report_id)
    )
    if me is None:
        return
    member = me.member
    assert member is not None and update.callback_query is not None
    with services(context).db.read() as s:
        report = report_ref(session=s, report_id=press.number())
        facts = (
            task_facts_by_id(session=s, program_id=member.program_id, task_id=report.task_id)
            if report is not None and report.author_id == member.person_id
            else None
        )
    if facts is None:
        await update.callback_query.answer(me.t("op-not_your_report", task="?"), show_alert=True)
        return
    await _start_correction(update, context, me, facts, "")


# --- evidence ---------------------------------------------------------------------------------


async def evidence(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A photo or file whose caption starts with a task code is that task's evidence."""
    message = update.effective_message
    assert message is not None
    me = await _member_or_explain(update, context)
    if me is None:
        return
    member = me.member
    assert member is not None
    file_id = (
        message.photo[-1].file_id
        if message.photo
        else message.document.file_id
        if message.document
        else None
    )
    code, rest = first_word(message.caption or "")
    facts = _facts(me, context, code.rstrip(":")) if code else None
    elsewhere = file_id is not None and bool(code) and facts is None
    if elsewhere and await _in_other_program(update, context, me, code.rstrip(":")):
        return
    if file_id is None or facts is None:
        await reply(
            update,
            me.t("chat-evidence-how") if not code else me.t("op-unknown_task", task=esc(code)),
        )
        return
    svc = services(context)
    day = message_day(update, context, member)
    org = _default_org(member, facts)
    key = source_key(update)
    try:
        svc.db.run_write(
            lambda s: record_report(
                session=s,
                program_code=member.program_code,
                task_code=facts.code,
                org_code=org,
                effective_on=day,
                evidence=[file_id],
                note=rest.strip() or None,
                author_telegram_id=me.user_id,
                source_key=key,
                now=svc.clock(),
            )
        )
    except OperationError as exc:
        await reply(update, refusal(me.t, exc))
        return
    await reply(update, me.t("chat-evidence-kept", task=esc(facts.code), org=esc(org)))

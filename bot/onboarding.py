"""Joining and settings: `/start CODE` redeems an invitation, `/trogiup` says what one can do,
`/ngonngu` picks the language, `/moi` lets the secretariat invite from the chat."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import keyboards as kb
from bot.chat import Who, esc, local_day, name_program, reply, services, who
from bot.i18n import Translator, translator
from bot.render import date_text
from storage.errors import OperationError
from storage.groups import record_restored
from storage.operations import LEADING_ROLES
from storage.people import ROLES, Member, create_invite, redeem_invite, set_language

INVITERS = frozenset({"chair", "secretary"})


def deep_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"


def help_text(t: Translator, member: Member | None) -> str:
    """What this person can do, by role; how to join for people not bound yet."""
    if member is None:
        return t("chat-join-how")
    lines = [
        t(
            "chat-you-are",
            name=esc(member.name),
            role=t(f"role-{member.role}"),
            org=esc(member.org_code),
            org_name=esc(member.org_name),
            program=esc(member.program_code),
        ),
        "",
        t("chat-help-officer"),
    ]
    if member.role in LEADING_ROLES:
        lines += ["", t("chat-help-leading"), "", t("assign-help"), "", t("chat-help-verify")]
    if member.role in INVITERS:
        lines += ["", t("chat-help-inviter")]
    if member.role in LEADING_ROLES:
        lines += ["", t("plan-help")]
    if member.role in LEADING_ROLES:
        lines += ["", t("members-help")]
    if member.programs > 1:
        lines += ["", t("programs-help", count=member.programs)]
    return "\n".join(lines)


def private_only_markup(t: Translator, bot_username: str | None) -> InlineKeyboardMarkup | None:
    if not bot_username:
        return None
    button = InlineKeyboardButton(t("chat-open-private"), url=f"https://t.me/{bot_username}")
    return InlineKeyboardMarkup([[button]])


async def private_only(update: Update, context: ContextTypes.DEFAULT_TYPE, me: Who) -> None:
    """In a group: details are for private chats only."""
    await reply(update, me.t("chat-private-only"), private_only_markup(me.t, context.bot.username))


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Redeem an invitation (`/start CODE`), or greet."""
    me = who(update, context)
    if not me.private:
        await private_only(update, context, me)
        return
    chat = update.effective_chat
    if chat is not None:
        # Speaking to the bot again lifts a block the reminder sender recorded.
        chat_id, svc = chat.id, services(context)
        svc.db.run_write(lambda s: record_restored(session=s, chat_id=chat_id, now=svc.clock()))
    code = context.args[0] if context.args else None
    if code is None:
        await reply(
            update,
            me.t("chat-welcome-back") + "\n\n" + help_text(me.t, me.member)
            if me.member
            else help_text(me.t, None),
        )
        return
    svc = services(context)
    user = update.effective_user
    assert user is not None
    try:
        member = svc.db.run_write(
            lambda s: redeem_invite(
                session=s,
                code=code,
                telegram_id=user.id,
                name=user.full_name,
                language=None,
                now=svc.clock(),
            )
        )
    except OperationError as exc:
        await reply(update, me.t(f"op-{exc.code}", **exc.params))
        return
    t = translator(member.language or me.lang)
    name_program(update, t, member)  # the program joined, when the person now has several
    await reply(update, t("chat-joined") + "\n\n" + help_text(t, member))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say what the person can do here."""
    me = who(update, context)
    if not me.private:
        await reply(update, me.t("chat-help-group"))
        return
    await reply(update, help_text(me.t, me.member))


async def language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Choose Vietnamese or English: `/ngonngu en`, or the buttons."""
    me = who(update, context)
    choice = (context.args[0].lower() if context.args else "")[:2]
    if choice in ("vi", "en"):
        await _set_language(update, context, choice)
        return
    markup = kb.keyboard([kb.button("Tiếng Việt", "l", "vi"), kb.button("English", "l", "en")])
    await reply(update, me.t("chat-language-choose"), markup)


async def _set_language(update: Update, context: ContextTypes.DEFAULT_TYPE, lang: str) -> None:
    svc = services(context)
    user = update.effective_user
    assert user is not None
    svc.db.run_write(
        lambda s: set_language(
            session=s, telegram_id=user.id, name=user.full_name, language=lang, now=svc.clock()
        )
    )
    await reply(update, translator(lang)("chat-language-set"))


async def language_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE, lang: str) -> None:
    """The language button."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    await _set_language(update, context, lang)


async def invite(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/moi ORG [role]`: the secretariat or chair makes a one-time invitation link."""
    me = who(update, context)
    if me.member is None:
        await reply(update, me.t("chat-join-how"))
        return
    if not me.private:
        await private_only(update, context, me)
        return
    if me.member.role not in INVITERS:
        await reply(update, me.t("chat-invite-not-allowed"))
        return
    args = context.args or []
    if not args or len(args) > 2 or (len(args) == 2 and args[1] not in ROLES):
        await reply(update, me.t("chat-invite-usage", roles=", ".join(ROLES)))
        return
    svc = services(context)
    member = me.member
    role = args[1] if len(args) == 2 else "officer"
    try:
        info = svc.db.run_write(
            lambda s: create_invite(
                session=s,
                program_code=member.program_code,
                org_code=args[0],
                role=role,
                created_by=f"tg:{me.user_id}",
                now=svc.clock(),
            )
        )
    except OperationError as exc:
        await reply(update, me.t(f"op-{exc.code}", **exc.params))
        return
    username = context.bot.username
    await reply(
        update,
        me.t(
            "chat-invite-made",
            org=esc(info.org),
            org_name=esc(info.org_name),
            role=me.t(f"role-{info.role}"),
            link=esc(deep_link(username, info.code)),
            code=esc(info.code),
            expires=date_text(me.t, local_day(info.expires_at, member)),
        ),
    )

"""The Telegram Application: every handler wired in one place, in the order they are tried.

`build_application` makes the Application for a token, a database and a Bot API base URL (any
Bot API-compatible server, or Telegram's); `phoihop run` polls with it. Tests build the same
Application with an offline request object, or against the fake Bot API over HTTP.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from telegram import BotCommand, BotCommandScopeAllPrivateChats, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest

from bot import (
    assign,
    group_life,
    members,
    onboarding,
    plan_chat,
    programs,
    reminder_chat,
    reporting,
    requests,
    scheduling,
    status,
    verification,
)
from bot import keyboards as kb
from bot.chat import SERVICES, Services, reply, utc_now, who
from bot.i18n import LANGUAGES, Language, translator
from bot.telegram_bot import PhoihopBot
from storage.database import Database, unavailable

log = logging.getLogger(__name__)

# (Vietnamese command, English alias, handler): Telegram allows [a-z0-9_] only.
COMMANDS = (
    ("start", "start", onboarding.start),
    ("trogiup", "help", onboarding.help_command),
    ("viec", "tasks", reporting.tasks_command),
    ("baocao", "report", reporting.report_command),
    ("xong", "done", reporting.done_command),
    ("sua", "fix", reporting.correct_command),
    ("giahan", "extend", requests.extend_command),
    ("khokhan", "issue", requests.difficulty_command),
    ("tinhhinh", "status", status.status_command),
    ("quahan", "overdue", status.overdue_command),
    ("xuat", "export", status.export_command),
    ("ngonngu", "lang", onboarding.language),
    ("moi", "invite", onboarding.invite),
    ("nhacnho", "reminders", reminder_chat.reminders_command),
    ("nhom", "group", reminder_chat.group_command),
    ("giao", "assign", assign.assign_command),
    ("suaviec", "edittask", assign.edit_command),
    ("huyviec", "canceltask", assign.cancel_command),
    ("chuongtrinh", "program", programs.program_command),
    ("kehoach", "plan", plan_chat.plan_command),
    ("thanhvien", "members", members.members_command),
    ("thuhoi", "revoke", members.revoke_command),
    ("chuyen", "move", members.move_command),
    ("duyet", "verify", verification.verify_command),
)
# The menu shows these, in this order (start is implied by Telegram's own button).
MENU = (
    "viec",
    "baocao",
    "xong",
    "tinhhinh",
    "quahan",
    "sua",
    "giahan",
    "khokhan",
    "nhacnho",
    "chuongtrinh",
    "ngonngu",
    "trogiup",
)


Pressed = Callable[[Update, ContextTypes.DEFAULT_TYPE, kb.Press], Awaitable[None]]


async def _language_pressed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, press: kb.Press
) -> None:
    await onboarding.language_pressed(update, context, press.args[0])


# Each kind of button (its grammar is in bot/keyboards.py) and the feature it belongs to.
BUTTONS: dict[str, Pressed] = {
    "d": reporting.draft_pressed,
    "v": reporting.page_pressed,
    "b": reporting.page_pressed,
    "r": reporting.task_chosen,
    "i": reporting.indicator_chosen,
    "k": reporting.done_chosen,
    "n": reporting.note_chosen,
    "c": reporting.correct_pressed,
    "x": requests.extension_decided,
    "s": status.section_pressed,
    "q": status.section_pressed,
    "w": status.section_pressed,
    "m": reminder_chat.reminders_pressed,
    "l": _language_pressed,
    "g": assign.step_pressed,
    "t": assign.draft_pressed,
    "h": programs.program_pressed,
    "p": plan_chat.plan_pressed,
    "u": members.member_pressed,
    "y": members.change_pressed,
    "a": verification.completion_pressed,
}


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every button: parse its data strictly, then hand it to its feature, which re-authorizes."""
    query = update.callback_query
    assert query is not None
    press = kb.parse(query.data)
    if press is None:
        await query.answer(who(update, context).t("op-stale_button"), show_alert=True)
        return
    await BUTTONS[press.kind](update, context, press)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command we do not have: say which ones there are."""
    me = who(update, context)
    if me.private:
        await reply(update, me.t("chat-unknown-command"))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log what went wrong and apologize; the failed step's transaction recorded nothing."""
    if unavailable(context.error):
        # The intake processes the update again once the database is back: that is the answer.
        log.warning("update %s waits for the database", getattr(update, "update_id", "?"))
        return
    log.error("update %s failed", getattr(update, "update_id", "?"), exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            lang = who(update, context).t if update.effective_user else translator("vi")
            if update.callback_query is not None:
                await update.callback_query.answer(lang("chat-error-internal")[:200])
            else:
                await reply(update, lang("chat-error-internal"))
        except Exception:  # the apology must never raise in its turn
            log.exception("could not apologize for update %s", update.update_id)


async def register_commands(app: Application) -> None:  # type: ignore[type-arg]
    """The command menu, in Vietnamese (the default) and English."""
    for lang in LANGUAGES:
        t = translator(lang)
        commands = [BotCommand(name, t(f"command-{name}")) for name in MENU]
        if lang == "en":
            aliases = {vi: en for vi, en, _ in COMMANDS}
            commands = [BotCommand(aliases[name], t(f"command-{name}")) for name in MENU]
        for language_code in (None, lang) if lang == "vi" else (lang,):
            try:
                await app.bot.set_my_commands(
                    commands,
                    scope=BotCommandScopeAllPrivateChats(),
                    language_code=language_code,
                )
            except TelegramError as exc:  # a menu is a nicety; the bot works without it
                log.warning("could not set the %s command menu: %s", lang, exc)


def build_application(
    *,
    token: str,
    db: Database,
    base_url: str = "https://api.telegram.org/bot",
    base_file_url: str | None = None,
    default_language: Language = "vi",
    clock: Callable[[], datetime] = utc_now,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    register_menu: bool = True,
    reminders: bool = True,
) -> Application:  # type: ignore[type-arg]
    """The bot: handlers of every feature over one database. With `reminders`, running it
    (`run_polling`) also runs the reminders' planning job and paced sender (`bot.scheduling`)."""
    # Telegram's defaults as ApplicationBuilder sets them: a pool for the handlers' calls, one
    # connection for getUpdates.
    bot = PhoihopBot(
        token,
        base_url=base_url,
        base_file_url=base_file_url or base_url.replace("/bot", "/file/bot"),
        request=request or HTTPXRequest(connection_pool_size=256),
        get_updates_request=get_updates_request or HTTPXRequest(connection_pool_size=1),
    )
    builder = ApplicationBuilder().bot(bot).concurrent_updates(False)
    if register_menu or reminders:

        async def post_init(application: Application) -> None:  # type: ignore[type-arg]
            if register_menu:
                await register_commands(application)
            if reminders:
                await scheduling.start_reminders(application)

        builder = builder.post_init(post_init)
    if reminders:
        builder = builder.post_stop(scheduling.stop_reminders)
        builder = builder.post_shutdown(scheduling.stop_reminders)
    app = builder.build()
    app.bot_data[SERVICES] = Services(db=db, default_language=default_language, clock=clock)

    # 0. Before all: a person in several programs who never chose one is asked which program.
    app.add_handler(TypeHandler(Update, programs.gate), group=-1)

    # 1. Commands, Vietnamese and English names alike.
    for vi, en, handler in COMMANDS:
        app.add_handler(CommandHandler([vi, en] if vi != en else vi, handler))
    # 2. Buttons.
    app.add_handler(CallbackQueryHandler(pressed))
    # 3. A plan file (.xlsx, .yaml, .yml) in a private chat: a leader's plan to preview; an
    #    officer's captioned file goes on to the evidence handler from there.
    app.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE
            & (
                filters.Document.FileExtension("xlsx")
                | filters.Document.FileExtension("yaml")
                | filters.Document.FileExtension("yml")
            ),
            plan_chat.plan_file,
        )
    )
    # 3b. Evidence: photos and files with a caption, in private chats.
    app.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE & (filters.PHOTO | filters.Document.ALL),
            reporting.evidence,
        )
    )
    # 4. Typed text in private chats: the answer to a step, or a one-line report.
    app.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, reporting.text_message
        )
    )
    # 5. Any other command.
    app.add_handler(MessageHandler(filters.COMMAND, unknown_command))
    # 6. Group life: a group upgraded to a supergroup; the bot removed, blocked or back.
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, group_life.migrated))
    app.add_handler(
        ChatMemberHandler(group_life.membership_changed, ChatMemberHandler.MY_CHAT_MEMBER)
    )
    app.add_error_handler(on_error)
    return app

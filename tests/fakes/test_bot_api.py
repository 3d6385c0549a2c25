"""The fake Bot API, driven by a real python-telegram-bot `Bot` over HTTP.

Each test proves one thing the fake does as Telegram does, so that end-to-end tests built on it
can trust a pass. pytest-asyncio is not installed: coroutines run under `asyncio.run`.
"""

from __future__ import annotations

import asyncio
import json
import ssl
import threading
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Awaitable, Callable, Iterator
from datetime import timedelta
from functools import partial
from typing import Any, TypeVar

import pytest
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)
from telegram.request import HTTPXRequest

from tests.fakes.bot_api import FakeBotAPI, RateLimits, parse_html, tiny_png, utf16_len

TOKEN = "123456:TEST-token_abc"
USER = 1001
OTHER = 1002
GROUP = -2001
T = TypeVar("T")
# httpx builds an SSL context per client (~50 ms); the fake speaks plain HTTP, so share one.
SSL_CONTEXT = ssl.create_default_context()
# PTB warns when its int-valued `retry_after` is read; the tests read it on purpose.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI(TOKEN) as fake:
        fake.add_user(USER, first_name="Lan")
        fake.add_user(OTHER, first_name="Minh")
        fake.add_group(GROUP, title="Ban điều phối", members=[USER, OTHER])
        yield fake


class Client:
    """A PTB Bot pointed at the fake, on one event loop kept for the whole test."""

    def __init__(self, api: FakeBotAPI, token: str = TOKEN) -> None:
        self.bot = Bot(
            token,
            base_url=api.base_url,
            base_file_url=api.base_file_url,
            request=HTTPXRequest(httpx_kwargs={"verify": SSL_CONTEXT}),
            get_updates_request=HTTPXRequest(httpx_kwargs={"verify": SSL_CONTEXT}),
        )
        self._runner = asyncio.Runner()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._runner.run(self.bot.shutdown())
        self._runner.close()

    def __call__(self, action: Callable[[Bot], Awaitable[T]]) -> T:
        """Runs `action` with the bot, initialising it (getMe) on first use."""

        async def go() -> T:
            await self.bot.initialize()
            return await action(self.bot)

        return self._runner.run(go())

    def send(self, text: str, **kwargs: Any) -> Message:
        return self(lambda bot: bot.send_message(USER, text, **kwargs))


@pytest.fixture
def tg(api: FakeBotAPI) -> Iterator[Client]:
    with Client(api) as client:
        yield client


def seconds(retry_after: int | timedelta) -> float:
    return retry_after.total_seconds() if isinstance(retry_after, timedelta) else retry_after


def retry_after_of(error: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return seconds(error.retry_after)


def keyboard(callback_data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton("Xác nhận", callback_data=callback_data)]])


def post_raw(api: FakeBotAPI, method: str, body: bytes, content_type: str) -> tuple[int, Any]:
    request = urllib.request.Request(
        f"{api.base_url}{api.token}/{method}",
        data=body,
        headers={"Content-Type": content_type},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


# --- identity and routing ---------------------------------------------------------------------


def test_get_me_answers_the_bot_user(api: FakeBotAPI, tg: Client) -> None:
    """getMe returns a User PTB accepts, with the fake bot's username."""
    me = tg(lambda bot: bot.get_me())
    assert me.username == "phoihop_test_bot" and me.is_bot and me.id == 123456


def test_foreign_token_is_unauthorized(api: FakeBotAPI) -> None:
    """A token the fake was not created with answers 401, which PTB raises as InvalidToken."""
    with Client(api, token="999:WRONG") as stranger, pytest.raises(InvalidToken, match="rejected"):
        stranger(lambda bot: bot.get_me())
    assert (api.errors[-1].status, api.errors[-1].error) == (401, "Unauthorized")


def test_unknown_method_is_not_found(api: FakeBotAPI, tg: Client) -> None:
    """An unknown method answers 404 Not Found, like Telegram."""
    with pytest.raises(EndPointNotFound):
        tg(lambda bot: bot.do_api_request("sendHologram", api_kwargs={"x": 1}))
    status, body = post_raw(api, "sendHologram", b"", "application/json")
    assert (status, body["description"]) == (404, "Not Found")


def test_json_bodies_are_accepted(api: FakeBotAPI) -> None:
    """A request with an application/json body is decoded like a form."""
    payload = {"chat_id": USER, "text": "<b>Chào</b>", "parse_mode": "HTML"}
    status, body = post_raw(api, "sendMessage", json.dumps(payload).encode(), "application/json")
    assert status == 200 and body["result"]["text"] == "Chào"
    assert body["result"]["entities"] == [{"type": "bold", "offset": 0, "length": 4}]


# --- chats --------------------------------------------------------------------------------------


def test_unknown_chat_is_refused(api: FakeBotAPI, tg: Client) -> None:
    """Sending to a chat the fake does not know answers "chat not found"."""
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        tg(lambda bot: bot.send_message(424242, "xin chào"))


def test_blocked_user_is_forbidden(api: FakeBotAPI, tg: Client) -> None:
    """A user who blocked the bot answers 403, raised by PTB as Forbidden."""
    api.block(USER)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        tg.send("xin chào")
    assert api.sent_messages(USER) == []


def test_user_who_never_started_the_bot_cannot_be_written_to(api: FakeBotAPI, tg: Client) -> None:
    """The bot may not write first to a user who never wrote to it; it may once they have."""
    api.add_user(3003, has_started_bot=False)
    with pytest.raises(Forbidden, match="can't initiate conversation"):
        tg(lambda bot: bot.send_message(3003, "xin chào"))
    api.send_text(3003, "/start")
    assert tg(lambda bot: bot.send_message(3003, "xin chào")).text == "xin chào"


def test_get_chat_and_member(api: FakeBotAPI, tg: Client) -> None:
    """getChat and getChatMember return objects PTB de-jsons; strangers are not found."""
    chat = tg(lambda bot: bot.get_chat(GROUP))
    assert chat.title == "Ban điều phối" and chat.type == "group"
    api.set_member(GROUP, OTHER, "administrator")
    member = tg(lambda bot: bot.get_chat_member(GROUP, OTHER))
    assert member.status == "administrator" and member.user.first_name == "Minh"
    with pytest.raises(BadRequest, match=r"(?i)user not found"):
        tg(lambda bot: bot.get_chat_member(GROUP, 777))


# --- text ---------------------------------------------------------------------------------------


def test_text_of_4096_is_accepted_and_4097_refused(api: FakeBotAPI, tg: Client) -> None:
    """The 4096-character limit holds exactly; the text is stored as sent."""
    text = "ệ" * 4096
    assert tg.send(text).text == text
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        tg.send(text + "a")


def test_length_counts_utf16_code_units(api: FakeBotAPI, tg: Client) -> None:
    """An emoji outside the BMP counts twice, as Telegram counts UTF-16 code units."""
    tg.send("😀" * 2048)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        tg.send("😀" * 2048 + "a")


def test_length_counts_the_visible_text_after_html(api: FakeBotAPI, tg: Client) -> None:
    """Tags and entity escapes do not count towards the limit; the visible text does."""
    message = tg.send("<b>" + "&lt;" * 4096 + "</b>", parse_mode=ParseMode.HTML)
    assert message.text == "<" * 4096
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        tg.send("<b>" + "&lt;" * 4097 + "</b>", parse_mode=ParseMode.HTML)


def test_empty_text_is_refused(api: FakeBotAPI, tg: Client) -> None:
    """Empty text, or text that is empty once formatted and trimmed, is refused."""
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        tg.send("<b> </b>", parse_mode=ParseMode.HTML)


def test_valid_html_is_accepted_with_its_entities(api: FakeBotAPI, tg: Client) -> None:
    """Supported tags become entities with UTF-16 offsets; escapes are decoded."""
    html = (
        '<b>Việc</b> &amp; <i>hạn</i>: <a href="https://example.vn/a?b=1&amp;c=2">xem</a> '
        '<tg-spoiler>bí</tg-spoiler> <pre><code class="language-python">x = 1</code></pre> '
        "<blockquote expandable>trích</blockquote> 😀<u>u</u>"
    )
    message = tg.send(html, parse_mode=ParseMode.HTML)
    assert message.text == "Việc & hạn: xem bí x = 1 trích 😀u"
    kinds = [(e.type, e.offset, e.length) for e in message.entities]
    assert kinds == [
        ("bold", 0, 4),
        ("italic", 7, 3),
        ("text_link", 12, 3),
        ("spoiler", 16, 2),
        ("pre", 19, 5),
        ("expandable_blockquote", 25, 5),
        ("underline", 33, 1),
    ]
    assert message.entities[2].url == "https://example.vn/a?b=1&c=2"
    assert message.entities[4].language == "python"


@pytest.mark.parametrize(
    ("html", "error"),
    [
        ("<b>đậm", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>đậm</i>", 'Unmatched end tag at byte offset 9, expected "</b>", found "</i>"'),
        ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<a href=x>y</a", "Unclosed end tag at byte offset 11"),
        ("Tom & Jerry", "unescaped '&' at byte offset 4"),
        ("2 > 1", "unescaped '>' at byte offset 2"),
    ],
)
def test_bad_html_is_refused(api: FakeBotAPI, tg: Client, html: str, error: str) -> None:
    """Malformed HTML, unsupported tags and unescaped <, &, > are refused as can't parse."""
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities") as raised:
        tg.send(html, parse_mode=ParseMode.HTML)
    assert str(api.errors[-1].error).startswith(f"Bad Request: can't parse entities: {error}")
    assert raised.value.message.lower().startswith("can't parse entities")


def test_telegram_keeps_bare_ampersands_without_strict_escaping() -> None:
    """Without strict_html_escaping the parser keeps a bare & or > the way Telegram does."""
    assert parse_html("Tom & Jerry > 1 &nbsp;") == ("Tom & Jerry > 1 &nbsp;", [])
    assert parse_html("&#273;&#x1EC7;&quot") == ('đệ"', [])


def test_markdown_v2_needs_reserved_characters_escaped(api: FakeBotAPI, tg: Client) -> None:
    """MarkdownV2 refuses an unescaped reserved character and parses escaped text."""
    with pytest.raises(BadRequest, match="reserved and must be escaped"):
        tg.send("Hạn: 14.06.", parse_mode=ParseMode.MARKDOWN_V2)
    message = tg.send(r"*Hạn*: 14\.06 ||bí|| [xem](https://example.vn)", parse_mode="MarkdownV2")
    assert message.text == "Hạn: 14.06 bí xem"
    assert [e.type for e in message.entities] == ["bold", "spoiler", "text_link"]
    with pytest.raises(BadRequest, match=r"(?i)can't find end of bold entity at byte offset 0"):
        tg.send("*đậm", parse_mode=ParseMode.MARKDOWN_V2)


def test_unknown_parse_mode_is_refused(api: FakeBotAPI, tg: Client) -> None:
    """Only HTML, MarkdownV2 and Markdown are parse modes."""
    with pytest.raises(BadRequest, match=r"(?i)unsupported parse_mode"):
        tg.send("x", parse_mode="Textile")


# --- reply markup -------------------------------------------------------------------------------


def test_callback_data_of_64_bytes_is_accepted_and_65_refused(api: FakeBotAPI, tg: Client) -> None:
    """callback_data is limited in UTF-8 bytes, not characters: 22 Vietnamese letters overflow."""
    fits = "ệ" * 21 + "a"  # 3 bytes each: 64 bytes, 22 characters
    assert len(fits.encode()) == 64
    message = tg.send("Chọn", reply_markup=keyboard(fits))
    assert message.reply_markup is not None
    assert message.reply_markup.inline_keyboard[0][0].callback_data == fits
    too_long = "ệ" * 22  # 66 bytes, only 22 characters
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        tg.send("Chọn", reply_markup=keyboard(too_long))
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        tg.send("Chọn", reply_markup=keyboard("a" * 65))


def test_inline_buttons_need_exactly_one_valid_action(api: FakeBotAPI, tg: Client) -> None:
    """A button with a bad URL, or with text only, is refused; a reply keyboard is accepted."""
    bad_url = InlineKeyboardMarkup([[InlineKeyboardButton("Mở", url="http://localhost/x")]])
    with pytest.raises(BadRequest, match=r"(?i)inline keyboard button url"):
        tg.send("x", reply_markup=bad_url)
    status, body = post_raw(
        api,
        "sendMessage",
        json.dumps(
            {"chat_id": USER, "text": "x", "reply_markup": {"inline_keyboard": [[{"text": "a"}]]}}
        ).encode(),
        "application/json",
    )
    assert status == 400 and "Text buttons are unallowed" in body["description"]
    message = tg.send("x", reply_markup=ReplyKeyboardMarkup([["Có", "Không"]]))
    assert message.reply_markup is None  # reply keyboards are not part of the message


# --- edits, deletes, callback queries -----------------------------------------------------------


def test_edits_change_the_stored_message_and_refuse_no_ops(api: FakeBotAPI, tg: Client) -> None:
    """editMessageText updates the message; the same content again, or no message, is refused."""
    sent = tg.send("Bản nháp", reply_markup=keyboard("ok"))

    async def edit(bot: Bot) -> Message | bool:
        return await bot.edit_message_text(
            "Đã xác nhận", chat_id=USER, message_id=sent.message_id, reply_markup=keyboard("ok")
        )

    edited = tg(edit)
    assert isinstance(edited, Message) and edited.edit_date is not None
    assert api.last_message(USER) is not None
    assert api.last_message(USER) == api.sent_messages(USER)[-1]
    assert api.sent_messages(USER)[-1]["text"] == "Đã xác nhận"
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        tg(edit)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        tg(lambda bot: bot.edit_message_text("x", chat_id=USER, message_id=999))
    # Editing without reply_markup removes the keyboard, as on Telegram.
    tg(lambda bot: bot.edit_message_text("Xong", chat_id=USER, message_id=sent.message_id))
    assert "reply_markup" not in api.sent_messages(USER)[-1]


def test_delete_removes_the_message_once(api: FakeBotAPI, tg: Client) -> None:
    """deleteMessage hides the message from sent_messages; deleting it again is refused."""
    sent = tg.send("tạm")
    assert tg(lambda bot: bot.delete_message(USER, sent.message_id)) is True
    assert api.sent_messages(USER) == []
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        tg(lambda bot: bot.delete_message(USER, sent.message_id))


def test_callback_query_is_answered_at_most_once(api: FakeBotAPI, tg: Client) -> None:
    """A callback query can be answered once; a second answer or an unknown id is refused."""
    sent = tg.send("Chọn", reply_markup=keyboard("confirm:7"))
    query_id = api.press(USER, sent.to_dict(), "confirm:7")
    assert tg(lambda bot: bot.answer_callback_query(query_id, text="Đã ghi")) is True
    assert api.callback_answer(query_id) == {"show_alert": False, "text": "Đã ghi"}
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        tg(lambda bot: bot.answer_callback_query(query_id))
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        tg(lambda bot: bot.answer_callback_query("123"))
    other = api.press(USER, sent.to_dict(), "confirm:7")
    with pytest.raises(BadRequest, match=r"(?i)message_too_long"):
        tg(lambda bot: bot.answer_callback_query(other, text="x" * 201))
    with pytest.raises(ValueError, match="no button"):
        api.press(USER, sent.to_dict(), "confirm:8")


# --- commands -----------------------------------------------------------------------------------


def test_set_my_commands_validates_and_stores_per_scope_and_language(
    api: FakeBotAPI, tg: Client
) -> None:
    """Valid commands are stored by scope and language; bad names, sizes and counts refused."""
    good = [BotCommand("start", "Bắt đầu"), BotCommand("bao_cao", "Báo cáo tiến độ")]
    assert tg(lambda bot: bot.set_my_commands(good, language_code="vi")) is True
    got = tg(lambda bot: bot.get_my_commands(language_code="vi"))
    assert [c.command for c in got] == ["start", "bao_cao"]
    assert tg(lambda bot: bot.get_my_commands()) == ()
    assert api.commands(language_code="vi")[1]["description"] == "Báo cáo tiến độ"
    cases = [
        ([BotCommand("Start", "x")], "bot_command_invalid"),
        ([BotCommand("/start", "x")], "bot_command_invalid"),
        ([BotCommand("a" * 33, "x")], "bot_command_invalid"),
        ([BotCommand("start", " ")], "command description must be non-empty"),
        ([BotCommand("start", "x" * 257)], "bot_command_description_invalid"),
        ([BotCommand(f"c{i}", "x") for i in range(101)], "bot_commands_too_much"),
    ]
    for commands, error in cases:
        with pytest.raises(BadRequest, match=f"(?i){error}"):
            tg(partial(Bot.set_my_commands, commands=commands))
    assert tg(lambda bot: bot.delete_my_commands(language_code="vi")) is True
    assert api.commands(language_code="vi") == []


# --- files --------------------------------------------------------------------------------------


def test_send_document_multipart_and_get_file_round_trip(api: FakeBotAPI, tg: Client) -> None:
    """A multipart upload keeps its bytes exactly; getFile and the download return them."""
    content = b"PK\x03\x04\r\n--binary\r\n\x00\xff" * 100

    async def upload_and_fetch(bot: Bot) -> tuple[Message, bytes]:
        message = await bot.send_document(
            USER,
            content,
            filename="bảng-kế-hoạch.xlsx",
            caption="<b>Kế hoạch</b>",
            parse_mode="HTML",
        )
        assert message.document is not None
        file = await bot.get_file(message.document.file_id)
        return message, bytes(await file.download_as_bytearray())

    message, downloaded = tg(upload_and_fetch)
    assert downloaded == content
    assert message.document is not None and message.document.file_name == "bảng-kế-hoạch.xlsx"
    assert message.caption == "Kế hoạch"
    upload = api.calls_to("sendDocument")[-1].params["document"]
    assert upload.data == content
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        tg(lambda bot: bot.send_document(USER, "no-such-file-id"))


def test_photos_must_be_images(api: FakeBotAPI, tg: Client) -> None:
    """sendPhoto answers sizes for a real image and refuses bytes that are not one."""
    message = tg(lambda bot: bot.send_photo(USER, tiny_png(1600, 900)))
    assert (message.photo[-1].width, message.photo[-1].height) == (1280, 720)
    with pytest.raises(BadRequest, match=r"(?i)image_process_failed"):
        tg(lambda bot: bot.send_photo(USER, b"not an image"))


def test_user_uploads_are_known_to_get_file(api: FakeBotAPI, tg: Client) -> None:
    """A document a user sends can be fetched by its file_id."""
    update = api.send_document(USER, b"a;b\n1;2\n", file_name="so-lieu.csv")
    file_id = update["message"]["document"]["file_id"]

    async def fetch(bot: Bot) -> bytes:
        return bytes(await (await bot.get_file(file_id)).download_as_bytearray())

    assert tg(fetch) == b"a;b\n1;2\n"
    with pytest.raises(BadRequest, match=r"(?i)invalid file_id"):
        tg(lambda bot: bot.get_file("nope"))


# --- updates ------------------------------------------------------------------------------------


def test_get_updates_delivers_pushed_updates_and_offset_confirms(
    api: FakeBotAPI, tg: Client
) -> None:
    """Pushed updates come in order with commands marked; an offset drops earlier ones."""
    first = api.send_text(USER, "/start@phoihop_test_bot abc", chat_id=GROUP)
    api.send_text(USER, "xin chào")
    updates = tg(lambda bot: bot.get_updates())
    assert [u.update_id for u in updates] == [first["update_id"], first["update_id"] + 1]
    command = updates[0].message
    assert command is not None and command.chat.id == GROUP
    assert command.entities[0].type == "bot_command" and command.entities[0].length == 23
    assert api.pending_updates() == 2
    rest = tg(lambda bot: bot.get_updates(offset=updates[0].update_id + 1))
    assert [u.update_id for u in rest] == [updates[1].update_id]
    assert api.pending_updates() == 1
    assert tg(lambda bot: bot.get_updates(offset=rest[0].update_id + 1)) == ()
    assert api.pending_updates() == 0


def test_long_poll_returns_as_soon_as_an_update_is_pushed(api: FakeBotAPI, tg: Client) -> None:
    """getUpdates with a timeout waits, then answers at once when an update arrives."""
    threading.Timer(0.2, api.send_text, args=(USER, "đây")).start()
    started = time.monotonic()
    updates = tg(lambda bot: bot.get_updates(timeout=10))
    assert time.monotonic() - started < 3
    assert len(updates) == 1 and updates[0].message is not None
    assert updates[0].message.text == "đây"


def test_redelivered_update_comes_again_despite_the_offset(api: FakeBotAPI, tg: Client) -> None:
    """redeliver hands out an already confirmed update once more, with its update_id."""
    update = api.send_text(USER, "/done 3")
    tg(lambda bot: bot.get_updates(offset=update["update_id"] + 1))
    assert api.pending_updates() == 0
    api.redeliver(update["update_id"])
    again = tg(lambda bot: bot.get_updates(offset=update["update_id"] + 1))
    assert [u.update_id for u in again] == [update["update_id"]]
    assert tg(lambda bot: bot.get_updates(offset=update["update_id"] + 1)) == ()


def test_get_updates_conflicts_with_a_webhook(api: FakeBotAPI, tg: Client) -> None:
    """While a webhook is set getUpdates answers 409 Conflict; deleteWebhook ends that."""
    assert tg(lambda bot: bot.set_webhook("https://bot.example.vn/hook")) is True
    assert api.webhook_url == "https://bot.example.vn/hook"
    with pytest.raises(Conflict):
        tg(lambda bot: bot.get_updates())
    with pytest.raises(BadRequest, match=r"(?i)https url must be provided"):
        tg(lambda bot: bot.set_webhook("http://bot.example.vn/hook"))
    tg(lambda bot: bot.delete_webhook())
    assert tg(lambda bot: bot.get_updates()) == ()


# --- failures -----------------------------------------------------------------------------------


def test_429_storm_answers_retry_after(api: FakeBotAPI, tg: Client) -> None:
    """storm_429 makes the next calls to a chat answer 429; PTB raises RetryAfter with it."""
    api.storm_429(2, retry_after=7, chat_id=USER)
    for _ in range(2):
        with pytest.raises(RetryAfter) as raised:
            tg.send("x")
        assert retry_after_of(raised.value) == 7
    assert tg.send("x").text == "x"
    assert api.errors[-1].error == "Too Many Requests: retry after 7"


def test_rate_limits_refuse_a_burst_in_one_chat() -> None:
    """With rate limits on, sending faster than 1/s to one chat past the burst answers 429."""
    with FakeBotAPI(TOKEN, rate_limits=RateLimits(per_chat_burst=3)) as api:
        api.add_user(USER)
        api.add_user(OTHER)

        async def burst(bot: Bot) -> None:
            for i in range(3):
                await bot.send_message(USER, f"tin {i}")
            with pytest.raises(RetryAfter) as raised:
                await bot.send_message(USER, "một tin nữa")
            assert retry_after_of(raised.value) == 1
            await bot.send_message(OTHER, "chat khác vẫn gửi được")

        with Client(api) as tg:
            tg(burst)
        assert len(api.sent_messages(USER)) == 3 and len(api.sent_messages(OTHER)) == 1


def test_group_limit_is_twenty_a_minute() -> None:
    """In a group at most per_group_per_minute messages go through; retry_after is honest."""
    limits = RateLimits(per_chat_per_second=1000, per_chat_burst=1000, per_group_per_minute=20)
    with FakeBotAPI(TOKEN, rate_limits=limits) as api:
        api.add_group(GROUP)

        async def flood(bot: Bot) -> float:
            for i in range(20):
                await bot.send_message(GROUP, f"tin {i}")
            with pytest.raises(RetryAfter) as raised:
                await bot.send_message(GROUP, "tin 21")
            return retry_after_of(raised.value)

        with Client(api) as tg:
            assert 55 <= tg(flood) <= 60


def test_transient_failures_raise_network_errors(api: FakeBotAPI, tg: Client) -> None:
    """fail_next answers 502 and drop_next closes the connection; both are NetworkErrors."""
    api.fail_next(1, method="sendMessage")
    with pytest.raises(NetworkError, match="Bad Gateway"):
        tg.send("x")
    api.drop_next(1, method="sendMessage", after_processing=True)
    with pytest.raises(NetworkError):
        tg.send("đã gửi mà không biết")
    assert api.sent_messages(USER)[-1]["text"] == "đã gửi mà không biết"
    api.drop_next(1, method="sendMessage")
    with pytest.raises(NetworkError):
        tg.send("không gửi")
    assert api.sent_messages(USER)[-1]["text"] == "đã gửi mà không biết"
    assert tg.send("ổn rồi").text == "ổn rồi"


def test_wait_for_reports_the_last_calls_when_it_times_out(api: FakeBotAPI, tg: Client) -> None:
    """wait_for raises AssertionError listing the last calls, so a failing e2e test explains."""
    tg.send("xin chào")
    with pytest.raises(AssertionError, match=r"sendMessage .*xin chào"):
        api.wait_for(lambda a: len(a.sent_messages()) > 1, timeout=0.1)


# --- a real Application -------------------------------------------------------------------------


def test_application_polls_and_replies_end_to_end(api: FakeBotAPI) -> None:
    """A PTB Application polling the fake answers a command and a button press."""

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_html("<b>Chào</b> Lan", reply_markup=keyboard("ok"))

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("Đã nhận")
        await query.edit_message_text("Đã xác nhận")

    async def scenario() -> None:
        app: Application[Any, Any, Any, Any, Any, Any] = (
            ApplicationBuilder()
            .token(api.token)
            .base_url(api.base_url)
            .base_file_url(api.base_file_url)
            .build()
        )
        app.add_handler(CommandHandler("start", start))
        app.add_handler(CallbackQueryHandler(pressed))
        async with app:
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0, timeout=1)
            api.send_text(USER, "/start")
            await asyncio.to_thread(api.wait_for, lambda a: a.last_message(USER) is not None)
            reply = api.last_message(USER)
            assert reply is not None and reply["text"] == "Chào Lan"
            query_id = api.press(USER, reply, "ok")
            await asyncio.to_thread(
                api.wait_for, lambda a: a.sent_messages(USER)[-1]["text"] == "Đã xác nhận"
            )
            assert api.callback_answer(query_id) == {"show_alert": False, "text": "Đã nhận"}
            await app.updater.stop()
            await app.stop()

    asyncio.run(scenario())
    assert api.errors == []
    assert utf16_len("Chào Lan") == 8

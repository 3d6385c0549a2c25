"""Drive the bot offline, the way python-telegram-bot's own tests do: an offline request object
answers the Bot API (checking what Telegram checks) and records every call; updates are built as
Telegram would send them and handed to `Application.process_update`."""

from __future__ import annotations

import html
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

from telegram import Update
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

from bot.app import build_application
from storage.database import Database

TOKEN = "123456:TEST-TOKEN"
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "phoihop", "username": "phoihop_bot"}
_ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-spoiler",
    "span",
}


class BadRequestError(Exception):
    pass


class _HTMLCheck(HTMLParser):
    """Telegram's HTML: known tags, properly nested; the visible text is what counts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag not in _ALLOWED_TAGS:
            raise BadRequestError(f'can\'t parse entities: unsupported start tag "{tag}"')
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            raise BadRequestError(f'can\'t parse entities: unmatched end tag "{tag}"')

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def visible_text(text: str, parse_mode: str | None) -> str:
    """The text Telegram shows (and counts) for a message in this parse mode."""
    if parse_mode != "HTML":
        return text
    if re.search(r"<(?![/a-zA-Z])|&(?!(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)", text):
        raise BadRequestError("can't parse entities: unescaped < or &")
    check = _HTMLCheck()
    check.feed(text)
    check.close()
    if check.stack:
        raise BadRequestError(f'can\'t parse entities: unclosed tag "{check.stack[-1]}"')
    return html.unescape("".join(check.text))


@dataclass
class Sent:
    """A message the bot sent (text as now, after any edit) and its buttons."""

    chat_id: int
    message_id: int
    text: str
    buttons: list[list[dict[str, Any]]]
    method: str

    def button_data(self) -> list[str]:
        return [b["callback_data"] for row in self.buttons for b in row if "callback_data" in b]

    def find_button(self, label_part: str) -> str:
        for row in self.buttons:
            for b in row:
                if label_part in b["text"] and "callback_data" in b:
                    return str(b["callback_data"])
        raise AssertionError(f"no button {label_part!r} in {self.buttons}")


@dataclass
class OfflineRequest(BaseRequest):
    """Answers the Bot API offline and records calls; refuses what Telegram refuses."""

    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    messages: dict[tuple[int, int], Sent] = field(default_factory=dict)
    order: list[Sent] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    # Files sent: (chat id, file name, content).
    files: list[tuple[int, str, bytes]] = field(default_factory=list)
    _next_id: int = 1000

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def do_request(  # type: ignore[override]
        self, url: str, method: str, request_data: RequestData | None = None, **_: Any
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        params: dict[str, Any] = dict(request_data.parameters) if request_data is not None else {}
        self.calls.append((name, params))
        if request_data is not None and request_data.contains_files:
            for part in request_data.multipart_data.values():
                filename, content = part[0], part[1]
                data = content if isinstance(content, bytes) else content.read()
                self.files.append((int(params["chat_id"]), str(filename), data))
        try:
            result = self._answer(name, params)
        except BadRequestError as exc:
            self.errors.append((name, str(exc)))
            body = {"ok": False, "error_code": 400, "description": f"Bad Request: {exc}"}
            return 400, json.dumps(body).encode()
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def _buttons(self, params: dict[str, Any]) -> list[list[dict[str, Any]]]:
        markup = params.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        rows: list[list[dict[str, Any]]] = (markup or {}).get("inline_keyboard", [])
        for row in rows:
            for b in row:
                data = b.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= 64:
                    raise BadRequestError("BUTTON_DATA_INVALID")
        return rows

    def _text(self, params: dict[str, Any]) -> str:
        text = str(params.get("text", ""))
        shown = visible_text(text, params.get("parse_mode"))
        if not shown.strip():
            raise BadRequestError("message text is empty")
        if len(shown.encode("utf-16-le")) // 2 > 4096:
            raise BadRequestError("message is too long")
        return text

    def _answer(self, name: str, params: dict[str, Any]) -> Any:
        if name == "getMe":
            return BOT_USER
        if name in ("setMyCommands", "deleteMyCommands", "sendChatAction"):
            return True
        if name == "answerCallbackQuery":
            if len(str(params.get("text", ""))) > 200:
                raise BadRequestError("MESSAGE_TOO_LONG")
            self.answers.append(params)
            return True
        if name in ("sendMessage", "sendDocument", "sendPhoto"):
            text = self._text(params) if name == "sendMessage" else str(params.get("caption", ""))
            chat_id = int(params["chat_id"])
            self._next_id += 1
            sent = Sent(chat_id, self._next_id, text, self._buttons(params), name)
            self.messages[(chat_id, sent.message_id)] = sent
            self.order.append(sent)
            return self._message_json(sent)
        if name in ("editMessageText", "editMessageReplyMarkup"):
            key = (int(params["chat_id"]), int(params["message_id"]))
            if key not in self.messages:
                raise BadRequestError("message to edit not found")
            sent = self.messages[key]
            if name == "editMessageText":
                sent.text = self._text(params)
            sent.buttons = self._buttons(params)
            return self._message_json(sent)
        raise BadRequestError(f"method {name} not expected in tests")

    def _message_json(self, sent: Sent) -> dict[str, Any]:
        return {
            "message_id": sent.message_id,
            "date": int(datetime.now(UTC).timestamp()),
            "chat": {"id": sent.chat_id, "type": "private" if sent.chat_id > 0 else "group"},
            "from": BOT_USER,
            "text": sent.text,
        }


class Chat:
    """A conversation test: people send texts, files and presses; the bot's replies are kept."""

    def __init__(self, app: Application, request: OfflineRequest, clock: list[datetime]) -> None:  # type: ignore[type-arg]
        self.app = app
        self.request = request
        self._clock = clock
        self._update_id = 0
        self._message_id = 0
        self._callback_id = 0

    # the clock ---------------------------------------------------------------------------------
    def set_now(self, moment: datetime) -> None:
        self._clock[0] = moment

    @property
    def now(self) -> datetime:
        return self._clock[0]

    # building updates ------------------------------------------------------------------------
    def _user(self, user_id: int, language_code: str | None = "vi") -> dict[str, Any]:
        user = {"id": user_id, "is_bot": False, "first_name": f"Người {user_id}"}
        if language_code:
            user["language_code"] = language_code
        return user

    def _chat(self, user_id: int, chat_id: int | None) -> dict[str, Any]:
        if chat_id is None or (chat_id == user_id and chat_id > 0):
            return {"id": user_id, "type": "private", "first_name": f"Người {user_id}"}
        return {"id": chat_id, "type": "supergroup", "title": "Ban Chỉ đạo"}

    def message_update(
        self,
        user_id: int,
        text: str | None = None,
        *,
        chat_id: int | None = None,
        caption: str | None = None,
        photo: bool = False,
        document: bool = False,
        language_code: str | None = "vi",
    ) -> dict[str, Any]:
        self._update_id += 1
        self._message_id += 1
        message: dict[str, Any] = {
            "message_id": self._message_id,
            "date": int(self.now.timestamp()),
            "chat": self._chat(user_id, chat_id),
            "from": self._user(user_id, language_code),
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                command = text.split(maxsplit=1)[0]
                message["entities"] = [
                    {"type": "bot_command", "offset": 0, "length": len(command)}
                ]
        if photo:
            message["photo"] = [
                {
                    "file_id": f"photo-{self._message_id}",
                    "file_unique_id": f"u{self._message_id}",
                    "width": 800,
                    "height": 600,
                }
            ]
        if document:
            message["document"] = {
                "file_id": f"doc-{self._message_id}",
                "file_unique_id": f"d{self._message_id}",
                "file_name": "bien-ban.pdf",
            }
        if caption is not None:
            message["caption"] = caption
        return {"update_id": self._update_id, "message": message}

    def press_update(self, user_id: int, data: str, sent: Sent | None = None) -> dict[str, Any]:
        self._update_id += 1
        self._callback_id += 1
        sent = sent or self.last(user_id)
        return {
            "update_id": self._update_id,
            "callback_query": {
                "id": f"cb{self._callback_id}",
                "from": self._user(user_id),
                "chat_instance": "ci",
                "data": data,
                "message": {
                    "message_id": sent.message_id,
                    "date": int(self.now.timestamp()),
                    "chat": self._chat(sent.chat_id, sent.chat_id),
                    "from": BOT_USER,
                    "text": sent.text,
                },
            },
        }

    # acting ---------------------------------------------------------------------------------
    async def deliver(self, update: dict[str, Any]) -> list[Sent]:
        """Hand one update to the bot; the messages it sent (or edited) in reply."""
        before = len(self.request.order)
        edits_before = {k: v.text for k, v in self.request.messages.items()}
        await self.app.process_update(Update.de_json(update, self.app.bot))
        new = self.request.order[before:]
        edited = [
            v
            for k, v in self.request.messages.items()
            if k in edits_before and edits_before[k] != v.text
        ]
        return [*edited, *new]

    async def send(self, user_id: int, text: str, **kw: Any) -> list[Sent]:
        return await self.deliver(self.message_update(user_id, text, **kw))

    async def say(self, user_id: int, text: str, **kw: Any) -> Sent:
        """Send a text; the one reply (the last, if several)."""
        replies = await self.send(user_id, text, **kw)
        assert replies, f"no reply to {text!r}"
        return replies[-1]

    async def press(self, user_id: int, data: str, sent: Sent | None = None) -> list[Sent]:
        return await self.deliver(self.press_update(user_id, data, sent))

    def last(self, chat_id: int) -> Sent:
        for sent in reversed(self.request.order):
            if sent.chat_id == chat_id:
                return sent
        raise AssertionError(f"nothing was sent to {chat_id}")

    def last_answer(self) -> dict[str, Any]:
        return self.request.answers[-1]


@asynccontextmanager
async def chat_with(db: Database, now: datetime) -> AsyncIterator[Chat]:
    """The bot over `db`, offline, its clock at `now` (movable with `Chat.set_now`)."""
    clock = [now]
    request = OfflineRequest()
    app = build_application(
        token=TOKEN,
        db=db,
        base_url="http://offline.invalid/bot",
        clock=lambda: clock[0],
        request=request,
        get_updates_request=OfflineRequest(),
        register_menu=False,
    )
    async with app:
        yield Chat(app, request, clock)

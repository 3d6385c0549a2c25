"""A strict fake of the Telegram Bot API, served over real HTTP for end-to-end tests.

`FakeBotAPI` listens on 127.0.0.1 (a free port) in a background thread and answers the Bot API
methods the bot uses the way Telegram does: the same JSON envelopes, HTTP status codes and, where
known, Telegram's own error descriptions. python-telegram-bot talks to it unchanged::

    with FakeBotAPI() as api:
        api.add_user(42, first_name="Lan")
        app = (
            ApplicationBuilder().token(api.token)
            .base_url(api.base_url).base_file_url(api.base_file_url).build()
        )
        ...  # start polling
        api.send_text(42, "/start")
        api.wait_for(lambda a: a.last_message(42) is not None)

It is strict on purpose: it refuses what Telegram refuses (unknown chats, blocked users,
over-long texts, malformed HTML or MarkdownV2, oversized callback data, invalid commands, ...), so
that a message that passes here does not fail in production for a reason the fake ignored. The
one place it is *stricter* than Telegram is `strict_html_escaping` (on by default): Telegram keeps
a bare `&` or `>` in HTML text as it is, the fake refuses it, because unescaped user content is
always a bug even when the test's content happens to be harmless.

Tests act as users (`send_text`, `send_photo`, `send_document`, `press`, `push_raw`,
`redeliver`), look at what the bot did (`calls`, `errors`, `sent_messages`, `last_message`,
`callback_answer`, `commands`) and inject failures (`rate_limits`, `storm_429`, `fail_next`,
`drop_next`). All state sits behind one lock whose condition variable also wakes long polls.
"""

from __future__ import annotations

import contextlib
import copy
import email.message
import itertools
import json
import math
import mimetypes
import re
import socket
import string
import struct
import threading
import time
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Literal, Self
from urllib.parse import parse_qsl, unquote, urlsplit

JSON = dict[str, Any]

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_COMMANDS = 100
MAX_COMMAND_DESCRIPTION = 256
MAX_INLINE_BUTTONS = 100
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024

COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
# Update types Telegram leaves out unless they are asked for by name.
OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
CALLBACK_QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
_TOKEN = re.compile(r"(\d+):[\w-]+")
_BOT_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?")


class ApiError(Exception):
    """A refusal, answered as Telegram's `{"ok": false, ...}` envelope."""

    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def envelope(self) -> JSON:
        """The JSON body Telegram answers with."""
        body: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _bad(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


def _entities_error(detail: str) -> ApiError:
    return _bad(f"can't parse entities: {detail}")


@dataclass(frozen=True)
class UploadedFile:
    """A file sent in a multipart/form-data request."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Call:
    """One request the bot made: its method, decoded parameters, and how the fake answered.

    `params` holds decoded values (ints, JSON objects, `UploadedFile` for uploads); `status` is
    the HTTP status (0 when the fake dropped the connection, 499 for a long poll the client
    abandoned before it was answered); `error` is the refusal's description, None when the call
    succeeded; `result` is what was answered.
    """

    method: str
    params: dict[str, Any]
    at: float
    status: int = 200
    error: str | None = None
    result: Any = None

    @property
    def ok(self) -> bool:
        """Whether the call was answered with `"ok": true`."""
        return self.error is None and self.status == HTTPStatus.OK


@dataclass(frozen=True)
class RateLimits:
    """Telegram's documented flood limits for sending messages (sendMessage/Photo/Document).

    At most `per_chat_per_second` messages a second in one chat, after a burst of
    `per_chat_burst`; at most `per_group_per_minute` in one group; at most `global_per_second`
    overall. Exceeding any answers 429 with `retry_after`.
    """

    per_chat_per_second: float = 1.0
    per_chat_burst: int = 3
    per_group_per_minute: int = 20
    global_per_second: int = 30


# --- Text: entity parsing as Telegram does it ---------------------------------------------------


def utf16_len(text: str) -> int:
    """The length of `text` the way Telegram counts it: in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode())


class _Builder:
    """Collects visible text and entities, offsets counted in UTF-16 code units."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.offset = 0
        self.entities: list[JSON] = []

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.offset += utf16_len(text)

    def entity(self, kind: str, start: int, end: int | None = None, /, **extra: Any) -> None:
        stop = self.offset if end is None else end
        if stop > start:
            self.entities.append({"type": kind, "offset": start, "length": stop - start, **extra})

    def since(self, part_index: int) -> str:
        return "".join(self.parts[part_index:])

    def result(self) -> tuple[str, list[JSON]]:
        entities = sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.parts), entities


_HTML_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
_HTML_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_HTML_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACE = frozenset(" \t\r\n\v\f")


def _is_space(char: str) -> bool:
    # Past the end reads as "" - Telegram's C string terminator, which it also counts as space.
    return char == "" or char in _SPACE


def _decode_html_entity(text: str, pos: int) -> tuple[str, int] | None:
    """Telegram's decoding of the `&...` at `pos`: the character and the index after it."""
    n = len(text)
    end = pos + 1
    if end < n and text[end] == "#":
        end += 1
        code = 0
        hexadecimal = end < n and text[end] == "x"
        if hexadecimal:
            end += 1
        digits = string.hexdigits if hexadecimal else string.digits
        while end < n and text[end] in digits:
            code = code * (16 if hexadecimal else 10) + int(text[end], 16)
            end += 1
            if code >= 0x10FFFF:
                return None
        if code == 0 or 0xD800 <= code <= 0xDFFF:
            return None
        char = chr(code)
    else:
        while end < n and text[end] in string.ascii_letters:
            end += 1
        named = _HTML_NAMED.get(text[pos + 1 : end])
        if named is None:
            return None
        char = named
    if end < n and text[end] == ";":
        end += 1
    return char, end


@dataclass
class _OpenTag:
    tag: str
    argument: str
    offset: int
    part_index: int


def parse_html(text: str, *, strict_escaping: bool = False) -> tuple[str, list[JSON]]:
    """Telegram's HTML parse mode: the visible text and its entities, or `ApiError`.

    A port of TDLib's `parse_html`, with its error descriptions. With `strict_escaping`, a bare
    `&` (one that is not an entity Telegram decodes) or `>` is refused too.
    """
    out = _Builder()
    stack: list[_OpenTag] = []
    n = len(text)

    def at(k: int) -> str:
        return text[k] if k < n else ""

    i = 0
    while i < n:
        char = text[i]
        if char == "&":
            decoded = _decode_html_entity(text, i)
            if decoded is not None:
                out.add(decoded[0])
                i = decoded[1]
                continue
        if strict_escaping and char in "&>":
            escape = "&amp;" if char == "&" else "&gt;"
            raise _entities_error(
                f"unescaped {char!r} at byte offset {_byte_offset(text, i)}, write {escape} "
                "(refused by the fake's strict_html_escaping; Telegram would keep it)"
            )
        if char != "<":
            out.add(char)
            i += 1
            continue
        begin_index, begin = i, _byte_offset(text, i)
        i += 1
        if at(i) != "/":
            while not _is_space(at(i)) and at(i) != ">":
                i += 1
            if at(i) == "":
                raise _entities_error(f"Unclosed start tag at byte offset {begin}")
            tag = text[begin_index + 1 : i].lower()
            if tag not in _HTML_TAGS:
                raise _entities_error(f'Unsupported start tag "{tag}" at byte offset {begin}')
            argument, i = _html_attributes(text, i, tag, begin)
            i += 1  # the '>'
            if tag == "span" and argument != "spoiler":
                raise _entities_error(
                    f'Tag "span" must have class "tg-spoiler" at byte offset {begin}'
                )
            stack.append(_OpenTag(tag, argument, out.offset, len(out.parts)))
            continue
        if not stack:
            raise _entities_error(f"Unexpected end tag at byte offset {begin}")
        i += 1
        name_start = i
        while not _is_space(at(i)) and at(i) != ">":
            i += 1
        end_name = text[name_start:i].lower()
        while at(i) != "" and at(i) in _SPACE:
            i += 1
        if at(i) != ">":
            raise _entities_error(f"Unclosed end tag at byte offset {begin}")
        i += 1
        opened = stack.pop()
        if end_name and end_name != opened.tag:
            raise _entities_error(
                f'Unmatched end tag at byte offset {begin}, expected "</{opened.tag}>", '
                f'found "</{end_name}>"'
            )
        _close_html_entity(out, opened)
    if stack:
        raise _entities_error(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    for entity in out.entities:
        if entity["type"] == "code":
            entity.pop("language", None)
    return out.result()


def _html_attributes(text: str, i: int, tag: str, begin: int) -> tuple[str, int]:
    """Reads the attributes of a start tag from `i`; returns its argument and the '>' index."""
    n = len(text)

    def at(k: int) -> str:
        return text[k] if k < n else ""

    argument = ""
    while at(i) != ">":
        while at(i) != "" and at(i) in _SPACE:
            i += 1
        if at(i) == ">":
            break
        if at(i) == "":
            raise _entities_error(f"Unclosed start tag at byte offset {begin}")
        name_start = i
        while not _is_space(at(i)) and at(i) not in "=>/\"'":
            i += 1
        name = text[name_start:i]
        if not name:
            raise _entities_error(
                f'Empty attribute name in the tag "{tag}" at byte offset {begin}'
            )
        while at(i) != "" and at(i) in _SPACE:
            i += 1
        if at(i) != "=":
            if tag == "blockquote" and name == "expandable":
                argument = "1"
                continue
            raise _entities_error(
                "Expected equal sign in declaration of an attribute of the tag "
                f'"{tag}" at byte offset {begin}'
            )
        i += 1
        while at(i) != "" and at(i) in _SPACE:
            i += 1
        if at(i) == "":
            raise _entities_error(f"Unclosed start tag at byte offset {begin}")
        if at(i) not in "'\"":
            token_start = i
            while at(i) != "" and ((at(i).isascii() and at(i).isalnum()) or at(i) in ".-"):
                i += 1
            value = text[token_start:i].lower()
            if not _is_space(at(i)) and at(i) != ">":
                offset = _byte_offset(text, token_start)
                raise _entities_error(f"Unexpected end of name token at byte offset {offset}")
        else:
            quote = text[i]
            i += 1
            chars: list[str] = []
            while at(i) != "" and at(i) != quote:
                if at(i) == "&":
                    decoded = _decode_html_entity(text, i)
                    if decoded is not None:
                        chars.append(decoded[0])
                        i = decoded[1]
                        continue
                chars.append(text[i])
                i += 1
            if at(i) == quote:
                i += 1
            if at(i) == "":
                raise _entities_error(f"Unclosed start tag at byte offset {begin}")
            value = "".join(chars)
        if tag == "a" and name == "href":
            argument = value
        elif tag == "code" and name == "class" and value.startswith("language-"):
            argument = value.removeprefix("language-")
        elif tag == "span" and name == "class" and value.startswith("tg-"):
            argument = value.removeprefix("tg-")
        elif tag == "tg-emoji" and name == "emoji-id":
            argument = value
    return argument, i


def _close_html_entity(out: _Builder, opened: _OpenTag) -> None:
    tag, start = opened.tag, opened.offset
    if tag in _HTML_SIMPLE:
        out.entity(_HTML_SIMPLE[tag], start)
    elif tag == "a":
        url = opened.argument or out.since(opened.part_index)
        if url_problem(url) is None:
            out.entity("text_link", start, url=_normalize_url(url))
    elif tag == "code":
        out.entity("code", start, **({"language": opened.argument} if opened.argument else {}))
    elif tag == "pre":
        last = out.entities[-1] if out.entities else None
        length = out.offset - start
        if last and last["type"] == "code" and (last["offset"], last["length"]) == (start, length):
            out.entities.pop()
            language = last.get("language")
            out.entity("pre", start, **({"language": language} if language else {}))
        else:
            out.entity("pre", start)
    elif tag == "blockquote":
        out.entity("expandable_blockquote" if opened.argument else "blockquote", start)
    elif tag == "tg-emoji":
        if not opened.argument.isdigit():
            raise _entities_error("Invalid custom emoji identifier specified")
        out.entity("custom_emoji", start, custom_emoji_id=opened.argument)


_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MDV2_NAMES = {
    "italic": "Italic",
    "bold": "Bold",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
}


@dataclass
class _OpenMark:
    kind: str
    offset: int
    byte_offset: int
    part_index: int
    argument: str = ""


def parse_markdown_v2(text: str) -> tuple[str, list[JSON]]:
    """Telegram's MarkdownV2 parse mode: the visible text and its entities, or `ApiError`."""
    out = _Builder()
    stack: list[_OpenMark] = []
    n = len(text)
    quote: tuple[int, bool] | None = None  # (offset, expandable)

    def at(k: int) -> str:
        return text[k] if k < n else ""

    i = 0
    while i < n:
        char = text[i]
        top = stack[-1].kind if stack else None
        in_code = top in ("code", "pre")
        if not in_code and (i == 0 or text[i - 1] == "\n"):
            if text.startswith("**>", i) or char == ">":
                if quote is None:
                    quote = (out.offset, char == "*")
                i += 3 if char == "*" else 1
                continue
            if quote is not None:  # the quote ends with the line before, not with its newline
                kind = "expandable_blockquote" if quote[1] else "blockquote"
                out.entity(kind, quote[0], out.offset - 1)
                quote = None
        if char == "\\" and at(i + 1) != "" and 0 < ord(at(i + 1)) <= 126:
            out.add(text[i + 1])
            i += 2
            continue
        if (in_code and char != "`") or char not in _MDV2_RESERVED:
            out.add(char)
            i += 1
            continue
        expandable_end = (
            quote and quote[1] and text.startswith("||", i) and at(i + 2) in ("", "\n")
        )
        if expandable_end and top != "spoiler":
            i += 2
            continue
        is_end = (
            top is not None
            and {
                "bold": char == "*",
                "italic": char == "_" and at(i + 1) != "_",
                "underline": char == "_" and at(i + 1) == "_",
                "strikethrough": char == "~",
                "spoiler": char == "|" and at(i + 1) == "|",
                "code": char == "`",
                "pre": text.startswith("```", i),
                "text_link": char == "]",
                "custom_emoji": char == "]",
            }[top]
        )
        if not is_end:
            i = _open_markdown_v2(text, i, out, stack)
            continue
        opened = stack.pop()
        if opened.kind in ("text_link", "custom_emoji"):
            url, i = _markdown_v2_link(text, i, out, opened)
            if opened.kind == "custom_emoji":
                emoji_id = url.removeprefix("tg://emoji?id=")
                if not url.startswith("tg://emoji?id=") or not emoji_id.isdigit():
                    raise _entities_error("Custom emoji entity must contain a tg://emoji URL")
                out.entity("custom_emoji", opened.offset, custom_emoji_id=emoji_id)
            elif url_problem(url) is None:
                out.entity("text_link", opened.offset, url=_normalize_url(url))
        elif opened.kind == "pre":
            extra = {"language": opened.argument} if opened.argument else {}
            out.entity("pre", opened.offset, **extra)
            i += 2
        else:
            out.entity(opened.kind, opened.offset)
            if opened.kind in ("underline", "spoiler"):
                i += 1
        i += 1
    if stack:
        opened = stack[-1]
        raise _entities_error(
            f"Can't find end of {_MDV2_NAMES[opened.kind]} entity at byte offset "
            f"{opened.byte_offset}"
        )
    if quote is not None:
        out.entity("expandable_blockquote" if quote[1] else "blockquote", quote[0])
    return out.result()


def _open_markdown_v2(text: str, i: int, out: _Builder, stack: list[_OpenMark]) -> int:
    """Opens the entity the reserved character at `i` starts; returns the next index."""
    char = text[i]
    following = text[i + 1] if i + 1 < len(text) else ""
    mark = _OpenMark("", out.offset, _byte_offset(text, i), len(out.parts))
    if char == "_":
        mark.kind = "underline" if following == "_" else "italic"
        i += 2 if following == "_" else 1
    elif char in "*~[":
        mark.kind = {"*": "bold", "~": "strikethrough", "[": "text_link"}[char]
        i += 1
    elif char == "|" and following == "|":
        mark.kind = "spoiler"
        i += 2
    elif char == "!" and following == "[":
        mark.kind = "custom_emoji"
        i += 2
    elif char == "`" and text.startswith("```", i):
        mark.kind = "pre"
        i += 3
        end = i
        while end < len(text) and not _is_space(text[end]) and text[end] != "`":
            end += 1
        if end > i and end < len(text) and text[end] != "`":
            mark.argument = text[i:end]
            i = end
        if text.startswith("\n", i):
            i += 1
    elif char == "`":
        mark.kind = "code"
        i += 1
    else:
        raise _entities_error(
            f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
        )
    stack.append(mark)
    return i


def _markdown_v2_link(text: str, i: int, out: _Builder, opened: _OpenMark) -> tuple[str, int]:
    """The URL after the `]` at `i` (or the link text when there is none), and where it ends."""
    if not text.startswith("(", i + 1):
        return out.since(opened.part_index), i
    j = i + 2
    chars: list[str] = []
    while j < len(text) and text[j] != ")":
        if text[j] == "\\" and j + 1 < len(text) and 0 < ord(text[j + 1]) <= 126:
            chars.append(text[j + 1])
            j += 2
            continue
        chars.append(text[j])
        j += 1
    if j >= len(text):
        raise _entities_error(
            f"Can't find end of a URL at byte offset {_byte_offset(text, i + 2)}"
        )
    return "".join(chars), j


def parse_markdown(text: str) -> tuple[str, list[JSON]]:
    """Telegram's legacy Markdown parse mode: the visible text and entities, or `ApiError`."""
    out = _Builder()
    n = len(text)
    i = 0
    while i < n:
        char = text[i]
        if char == "\\" and i + 1 < n and text[i + 1] in "_*`[":
            out.add(text[i + 1])
            i += 2
            continue
        if char not in "_*`[":
            out.add(char)
            i += 1
            continue
        begin = _byte_offset(text, i)
        end_char = "]" if char == "[" else char
        is_pre = text.startswith("```", i)
        i += 3 if is_pre else 1
        language = ""
        if is_pre:
            end = i
            while end < n and not _is_space(text[end]) and text[end] != "`":
                end += 1
            if end > i and end < n and text[end] != "`":
                language, i = text[i:end], end
            if text.startswith("\n", i):
                i += 1
        start, part_index = out.offset, len(out.parts)
        while i < n and not (text.startswith("```", i) if is_pre else text[i] == end_char):
            out.add(text[i])
            i += 1
        if i >= n:
            raise _entities_error(f"Can't find end of the entity starting at byte offset {begin}")
        if char == "[":
            url = out.since(part_index)
            if text.startswith("(", i + 1):
                close = text.find(")", i + 2)
                url, i = (text[i + 2 :], n - 1) if close < 0 else (text[i + 2 : close], close)
            if url_problem(url) is None:
                out.entity("text_link", start, url=_normalize_url(url))
        elif is_pre:
            out.entity("pre", start, **({"language": language} if language else {}))
            i += 2
        else:
            out.entity({"_": "italic", "*": "bold", "`": "code"}[char], start)
        i += 1
    return out.result()


def format_text(
    text: str, parse_mode: str | None, *, strict_html_escaping: bool = False
) -> tuple[str, list[JSON]]:
    """The visible text and entities of `text` under `parse_mode` (None: plain text)."""
    mode = (parse_mode or "").lower()
    if mode == "":
        return text, []
    if mode == "html":
        return parse_html(text, strict_escaping=strict_html_escaping)
    if mode == "markdownv2":
        return parse_markdown_v2(text)
    if mode == "markdown":
        return parse_markdown(text)
    raise _bad("unsupported parse_mode")


def _trim(text: str, entities: list[JSON]) -> tuple[str, list[JSON]]:
    """Strips surrounding whitespace as Telegram does, moving the entities along."""
    left = text.lstrip()
    lead = utf16_len(text) - utf16_len(left)
    result = left.rstrip()
    total = utf16_len(result)
    kept: list[JSON] = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, total)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return result, kept


# --- URLs and reply markup ----------------------------------------------------------------------

_HOST_LABEL = re.compile(r"(?!-)[\w-]{1,63}(?<!-)")
_BARE_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):(?!\d)")
_IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


def url_problem(url: str) -> str | None:
    """Why Telegram refuses `url` in a button or link (None: accepted).

    http(s) URLs need a host with a dot and an alphabetic top-level domain (so no `localhost`);
    a URL without a scheme is taken as http; tg:// URLs are accepted; other schemes are not.
    """
    if not url or any(ch.isspace() for ch in url):
        return "Wrong HTTP URL"
    bare_scheme = _BARE_SCHEME.match(url)
    if "://" not in url and bare_scheme and bare_scheme[1].lower() != "tg":
        return "Unsupported URL protocol"  # mailto:, javascript:, ...
    parts = urlsplit(url if "://" in url else f"http://{url}")
    scheme = parts.scheme.lower()
    if scheme == "tg":
        return None if parts.netloc or parts.path else "Wrong URL"
    if scheme not in ("http", "https"):
        return "Unsupported URL protocol"
    try:
        host = parts.hostname
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        return "Wrong port number specified in the URL"
    if not host:
        return "Wrong HTTP URL"
    if _IPV4.fullmatch(host):
        return None if all(int(octet) < 256 for octet in host.split(".")) else "Wrong HTTP URL"
    labels = host.split(".")
    if len(labels) < 2 or not all(_HOST_LABEL.fullmatch(label) for label in labels):
        return "Wrong HTTP URL"
    tld = labels[-1]
    if not ((tld.isalpha() and len(tld) >= 2) or tld.startswith("xn--")):
        return "Wrong HTTP URL"
    return None


def _normalize_url(url: str) -> str:
    return url if "://" in url else f"http://{url}"


def check_reply_markup(markup: Any, *, inline_only: bool = False) -> JSON | None:
    """Validates a reply_markup as Telegram does; returns what a sent message shows of it.

    Only inline keyboards are part of a message; reply keyboards, remove_keyboard and
    force_reply are accepted and return None.
    """
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise _bad("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        return _check_inline_keyboard(markup["inline_keyboard"])
    if inline_only:
        raise _bad("inline keyboard expected")
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _bad('field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays')
        for row in rows:
            for button in row:
                text = button if isinstance(button, str) else None
                if isinstance(button, dict):
                    text = button.get("text")
                if not isinstance(text, str):
                    raise _bad('can\'t parse keyboard button: Field "text" must be of type String')
                if not text.strip():
                    raise _bad("keyboard button text is empty")
        return None
    if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
        return None
    raise _bad("can't parse reply keyboard markup JSON object")


def _check_inline_keyboard(rows: Any) -> JSON:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise _bad(
            'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
        )
    if sum(len(row) for row in rows) > MAX_INLINE_BUTTONS:
        raise _bad("reply markup is too long")
    for row in rows:
        for button in row:
            if not isinstance(button, dict):
                raise _bad(
                    "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
                )
            if not isinstance(button.get("text"), str):
                raise _bad(
                    'can\'t parse inline keyboard button: Field "text" must be of type String'
                )
            actions = [name for name in _BUTTON_ACTIONS if name in button]
            if not actions:
                raise _bad(
                    "can't parse inline keyboard button: Text buttons are unallowed in the inline "
                    "keyboard"
                )
            if len(actions) > 1:
                raise _bad(
                    "can't parse inline keyboard button: exactly one of the optional fields must "
                    f"be used, found {', '.join(actions)}"
                )
            if "callback_data" in button:
                data = button["callback_data"]
                if not isinstance(data, str):
                    raise _bad(
                        'can\'t parse inline keyboard button: Field "callback_data" must be of '
                        "type String"
                    )
                if not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES:
                    raise _bad("BUTTON_DATA_INVALID")
            if "url" in button:
                url = button["url"]
                if not isinstance(url, str):
                    raise _bad(
                        'can\'t parse inline keyboard button: Field "url" must be of type String'
                    )
                problem = url_problem(url)
                if problem:
                    raise _bad(f"inline keyboard button URL '{url}' is invalid: {problem}")
    return {"inline_keyboard": rows}


# --- Request decoding ---------------------------------------------------------------------------

_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "commands",
        "scope",
        "allowed_updates",
        "link_preview_options",
        "reply_parameters",
        "menu_button",
        "media",
    }
)
_INT_FIELDS = frozenset(
    {
        "chat_id",
        "message_id",
        "offset",
        "limit",
        "timeout",
        "user_id",
        "reply_to_message_id",
        "cache_time",
        "max_connections",
        "message_thread_id",
    }
)
_BOOL_FIELDS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "show_alert",
        "drop_pending_updates",
        "disable_web_page_preview",
        "allow_sending_without_reply",
        "has_spoiler",
        "disable_content_type_detection",
        "show_caption_above_media",
        "allow_paid_broadcast",
    }
)


def _header_params(value: str, header: str = "content-type") -> email.message.Message:
    message = email.message.Message()
    message[header] = value
    return message


def _coerce(key: str, value: Any) -> Any:
    """A form field's value decoded: PTB sends every non-string parameter JSON-encoded."""
    if not isinstance(value, str):
        return value
    if key in _JSON_FIELDS:
        try:
            return json.loads(value)
        except ValueError:
            return value  # refused where the method reads it
    if key in _INT_FIELDS:
        try:
            return int(value)
        except ValueError:
            return value
    if key in _BOOL_FIELDS and value.lower() in ("true", "false", "1", "0"):
        return value.lower() in ("true", "1")
    return value


def _parse_multipart(body: bytes, boundary: str) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    values: dict[str, Any] = {}
    files: dict[str, UploadedFile] = {}
    for chunk in body.split(b"--" + boundary.encode())[1:]:
        if chunk.startswith(b"--"):
            break
        part = chunk.removeprefix(b"\r\n").removesuffix(b"\r\n")
        head, separator, data = part.partition(b"\r\n\r\n")
        if not separator:
            raise _bad("can't parse multipart/form-data request")
        headers = email.message.Message()
        for line in head.decode("utf-8", "replace").split("\r\n"):
            name, _, value = line.partition(":")
            if name.strip():
                headers[name.strip()] = value.strip()
        field_name = headers.get_param("name", header="content-disposition")
        if not isinstance(field_name, str):
            continue
        filename = headers.get_filename()
        if filename is None:
            values[field_name] = data.decode("utf-8", "replace")
        else:
            files[field_name] = UploadedFile(filename, headers.get_content_type(), data)
    return values, files


def decode_request(content_type: str, body: bytes, query: str) -> dict[str, Any]:
    """The parameters of a Bot API request, from its query string and body, decoded."""
    values: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    files: dict[str, UploadedFile] = {}
    header = _header_params(content_type or "application/x-www-form-urlencoded")
    kind = header.get_content_type()
    if body:
        if kind == "application/json":
            try:
                decoded = json.loads(body)
            except ValueError as exc:
                raise _bad("can't parse JSON object") from exc
            if not isinstance(decoded, dict):
                raise _bad("can't parse JSON object")
            values.update(decoded)
        elif kind == "multipart/form-data":
            boundary = header.get_param("boundary")
            if not isinstance(boundary, str):
                raise _bad("can't parse multipart/form-data request")
            form, files = _parse_multipart(body, boundary)
            values.update(form)
        else:
            values.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    params = {key: _coerce(key, value) for key, value in values.items()}
    params.update(files)
    for key, value in list(params.items()):
        if isinstance(value, str) and value.startswith("attach://"):
            attached = files.get(value.removeprefix("attach://"))
            if attached is not None:
                params[key] = attached
    return params


def _int_param(params: Mapping[str, Any], key: str, *, required: bool = False) -> int | None:
    value = params.get(key)
    if value is None or value == "":
        if required:
            raise _bad(f"{key} is empty")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad(f'field "{key}" must be of type Integer')
    return value


def _str_param(params: Mapping[str, Any], key: str) -> str | None:
    value = params.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _bad(f'field "{key}" must be of type String')
    return str(value)


def _json_param(params: Mapping[str, Any], key: str, what: str) -> Any:
    value = params.get(key)
    if isinstance(value, str):
        raise _bad(f"can't parse {what} JSON object")
    return value


# --- Images -------------------------------------------------------------------------------------


def tiny_png(width: int = 2, height: int = 2) -> bytes:
    """A valid white PNG image of the given size, for photo uploads in tests."""
    raw = b"".join(b"\x00" + b"\xff\xff\xff" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, JPEG, GIF or WebP image; None when it is none of them."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return 512, 512
    if data.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 <= len(data) and data[i] == 0xFF:
            marker = data[i + 1]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return int(width), int(height)
            (segment,) = struct.unpack(">H", data[i + 2 : i + 4])
            i += 2 + int(segment)
    return None


# --- Server state -------------------------------------------------------------------------------


@dataclass
class _StoredMessage:
    message: JSON
    from_bot: bool
    seq: int
    deleted: bool = False


@dataclass
class _Chat:
    data: JSON
    next_message_id: int = 1
    messages: dict[int, _StoredMessage] = field(default_factory=dict)
    members: dict[int, str] = field(default_factory=dict)

    @property
    def id(self) -> int:
        return int(self.data["id"])

    @property
    def is_group(self) -> bool:
        return self.data["type"] in ("group", "supergroup")


@dataclass
class _StoredFile:
    kind: Literal["document", "photo"]
    file_unique_id: str
    data: bytes
    file_path: str


@dataclass(eq=False)
class _Queued:
    update: JSON
    forced: bool = False


@dataclass
class _Fault:
    kind: Literal["429", "status", "drop"]
    remaining: int
    method: str | None
    chat_id: int | None
    retry_after: int = 0
    status: int = 502
    after_processing: bool = False


class _RateLimiter:
    def __init__(self) -> None:
        self.buckets: dict[int, tuple[float, float]] = {}
        self.groups: dict[int, deque[float]] = {}
        self.overall: deque[float] = deque()

    def take(self, limits: RateLimits, chat_id: int, is_group: bool) -> int | None:
        """Counts one message, or returns the seconds to wait when a limit is reached."""
        now = time.monotonic()
        burst = float(limits.per_chat_burst)
        tokens, stamp = self.buckets.get(chat_id, (burst, now))
        tokens = min(burst, tokens + (now - stamp) * limits.per_chat_per_second)
        self.buckets[chat_id] = (tokens, now)
        waits: list[float] = []
        if tokens < 1:
            waits.append((1 - tokens) / limits.per_chat_per_second)
        window = self.groups.setdefault(chat_id, deque())
        while window and window[0] <= now - 60:
            window.popleft()
        if is_group and len(window) >= limits.per_group_per_minute:
            waits.append(window[0] + 60 - now)
        while self.overall and self.overall[0] <= now - 1:
            self.overall.popleft()
        if len(self.overall) >= limits.global_per_second:
            waits.append(self.overall[0] + 1 - now)
        if waits:
            return max(1, math.ceil(max(waits)))
        self.buckets[chat_id] = (tokens - 1, now)
        if is_group:
            window.append(now)
        self.overall.append(now)
        return None


_MEMBER_STATUSES = frozenset({"creator", "administrator", "member", "left", "kicked"})


def _member(user: JSON, status: str) -> JSON:
    member: JSON = {"status": status, "user": user}
    if status == "kicked":
        member["until_date"] = 0
    elif status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(
            dict.fromkeys(
                (
                    "can_be_edited",
                    "is_anonymous",
                    "can_manage_chat",
                    "can_delete_messages",
                    "can_manage_video_chats",
                    "can_restrict_members",
                    "can_promote_members",
                    "can_change_info",
                    "can_invite_users",
                    "can_post_stories",
                    "can_edit_stories",
                    "can_delete_stories",
                ),
                False,
            )
        )
        member["can_manage_chat"] = True
    return member


class FakeBotAPI:
    """A strict fake Telegram Bot API server over real HTTP; see the module docstring.

    `token` is the only token it accepts (others: 401 Unauthorized). `rate_limits` turns on
    Telegram's flood limits (True: the documented ones; or a `RateLimits`); off by default so
    ordinary tests may send quickly. `strict_html_escaping` refuses a bare `&` or `>` in HTML.
    """

    def __init__(
        self,
        token: str = "123:ABC",
        *,
        rate_limits: bool | RateLimits = False,
        strict_html_escaping: bool = True,
        bot_username: str = "phoihop_test_bot",
        bot_first_name: str = "Phối hợp (test)",
    ) -> None:
        match = _TOKEN.fullmatch(token)
        if match is None:
            raise ValueError(f"not a bot token: {token!r}")
        self.token = token
        self.strict_html_escaping = strict_html_escaping
        self.bot_user: JSON = {
            "id": int(match[1]),
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self._cond = threading.Condition(threading.RLock())
        self._limits: RateLimits | None = None
        self.set_rate_limits(rate_limits)
        self._limiter = _RateLimiter()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._users: dict[int, JSON] = {}
        self._started_bot: set[int] = set()
        self._blocked: set[int] = set()
        self._chats: dict[int, _Chat] = {}
        self._queue: list[_Queued] = []
        self._history: dict[int, JSON] = {}
        self._next_update_id = 1
        self._poll_generation = 0
        self._allowed_updates: frozenset[str] | None = None
        self._calls: list[Call] = []
        self._callback_queries: dict[str, JSON | None] = {}  # id -> the answer, once answered
        self._files: dict[str, _StoredFile] = {}
        self._paths: dict[str, str] = {}  # file_path -> file_id
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        self._menu_buttons: dict[int | None, JSON] = {}
        self._webhook: JSON = {"url": ""}
        self._migrated: dict[int, int] = {}  # a group upgraded to a supergroup -> its new id
        self._faults: list[_Fault] = []
        self._seq = itertools.count(1)
        self._handlers: dict[str, Callable[[dict[str, Any]], Any]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "deleteWebhook": self._delete_webhook,
            "setWebhook": self._set_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "setChatMenuButton": self._set_chat_menu_button,
            "getChatMenuButton": self._get_chat_menu_button,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "sendDocument": self._send_document,
            "sendPhoto": self._send_photo,
            "sendChatAction": self._send_chat_action,
            "getFile": self._get_file,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
        }
        self._method_names = {name.lower(): name for name in self._handlers}

    # --- lifecycle ------------------------------------------------------------------------------

    def start(self) -> Self:
        """Starts serving on 127.0.0.1 on a free port, in a background thread."""
        if self._server is not None:
            raise RuntimeError("FakeBotAPI already started")
        self._stopping = False
        server = _Server(("127.0.0.1", 0), self)
        thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        thread.name = f"FakeBotAPI:{server.server_address[1]}"
        self._server, self._thread = server, thread
        thread.start()
        return self

    def stop(self) -> None:
        """Stops serving: wakes long polls, closes every connection, joins the thread."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        server.shutdown()
        server.close_connections()
        server.server_close()
        thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The TCP port the server listens on."""
        if self._server is None:
            raise RuntimeError("FakeBotAPI not started")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """For `Bot(token, base_url=...)`: the token and method name are appended to it."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """For `Bot(token, base_file_url=...)`: where files returned by getFile are fetched."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    # --- configuration --------------------------------------------------------------------------

    def set_rate_limits(self, limits: bool | RateLimits) -> None:
        """Turns flood limits on (True: Telegram's documented ones, or given ones) or off."""
        with self._cond:
            self._limits = RateLimits() if limits is True else (limits or None)
            self._limiter = _RateLimiter()

    def add_user(
        self,
        user_id: int,
        first_name: str = "Người dùng",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "vi",
        has_started_bot: bool = True,
    ) -> JSON:
        """Registers a user and their private chat with the bot (same id); returns the User.

        With `has_started_bot=False` the bot may not write first (403, as Telegram) until the
        user sends it something.
        """
        if user_id <= 0:
            raise ValueError("user ids are positive")
        user: JSON = {"id": user_id, "is_bot": False, "first_name": first_name}
        chat: JSON = {"id": user_id, "type": "private", "first_name": first_name}
        for key, value in (("last_name", last_name), ("username", username)):
            if value is not None:
                user[key] = chat[key] = value
        if language_code is not None:
            user["language_code"] = language_code
        with self._cond:
            self._users[user_id] = user
            existing = self._chats.get(user_id)
            if existing is None:
                self._chats[user_id] = _Chat(chat, members={user_id: "member"})
            else:
                existing.data = chat
            if has_started_bot:
                self._started_bot.add(user_id)
            else:
                self._started_bot.discard(user_id)
        return copy.deepcopy(user)

    def add_group(
        self,
        chat_id: int,
        title: str = "Nhóm phối hợp",
        *,
        username: str | None = None,
        members: Iterable[int] = (),
    ) -> JSON:
        """Registers a group (a supergroup when the id is -100...); returns the Chat."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        kind = "supergroup" if chat_id <= -1_000_000_000_000 else "group"
        chat: JSON = {"id": chat_id, "type": kind, "title": title}
        if username is not None:
            chat["username"] = username
        with self._cond:
            group = self._chats.setdefault(chat_id, _Chat(chat))
            group.data = chat
            for user_id in members:
                self._require_user(user_id)
                group.members[user_id] = "member"
        return copy.deepcopy(chat)

    def set_member(self, chat_id: int, user_id: int, status: str) -> None:
        """Sets what getChatMember answers: creator, administrator, member, left or kicked."""
        if status not in _MEMBER_STATUSES:
            raise ValueError(f"unknown member status {status!r}")
        with self._cond:
            self._require_chat(chat_id).members[user_id] = status

    def block(self, user_id: int) -> None:
        """The user blocks the bot: sending to them answers 403 "bot was blocked by the user"."""
        with self._cond:
            self._require_user(user_id)
            self._blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        """The user unblocks the bot."""
        with self._cond:
            self._blocked.discard(user_id)

    def upgrade_group(self, chat_id: int, new_chat_id: int, by_user: int) -> list[JSON]:
        """`by_user` upgrades the group to a supergroup with a new id, as Telegram does: the
        members move over, the old chat answers every request with 400 and
        `migrate_to_chat_id`, and the service messages (`migrate_to_chat_id` in the old chat,
        `migrate_from_chat_id` in the new) are queued as updates; returns those updates."""
        if new_chat_id > -1_000_000_000_000:
            raise ValueError("a supergroup's id is -100...")
        with self._cond:
            old = self._require_chat(chat_id)
            if not old.is_group or old.data["type"] != "group":
                raise ValueError("only a basic group is upgraded")
            user = self._require_user(by_user)
            data: JSON = {**old.data, "id": new_chat_id, "type": "supergroup"}
            self._chats[new_chat_id] = _Chat(data, members=dict(old.members))
            told = self._new_message(old, user, from_bot=False)
            told["migrate_to_chat_id"] = new_chat_id
            first = self._push({"message": told})
            self._migrated[chat_id] = new_chat_id
            came = self._new_message(self._chats[new_chat_id], user, from_bot=False)
            came["migrate_from_chat_id"] = chat_id
            return [first, self._push({"message": came})]

    def set_webhook_error(self, message: str, at: int | None = None) -> None:
        """Telegram could not deliver to the webhook set: getWebhookInfo reports
        `last_error_date` (`at`, default now) and `last_error_message`."""
        with self._cond:
            if not self._webhook["url"]:
                raise RuntimeError("no webhook is set")
            self._webhook["last_error_date"] = int(time.time()) if at is None else at
            self._webhook["last_error_message"] = message

    def add_file(
        self,
        content: bytes,
        *,
        file_name: str = "file.bin",
        kind: Literal["document", "photo"] = "document",
    ) -> str:
        """Registers a file the bot may get with getFile or send by id; returns its file_id."""
        with self._cond:
            return self._store_file(kind, content, file_name)

    # --- acting as users ------------------------------------------------------------------------

    def send_text(self, user_id: int, text: str, *, chat_id: int | None = None) -> JSON:
        """The user writes `text` (private chat, or the group `chat_id`); returns the update.

        A leading "/command" (or "/command@bot") gets its bot_command entity, as Telegram adds.
        """
        with self._cond:
            message = self._user_message(user_id, chat_id)
            message["text"] = text
            command = _BOT_COMMAND.match(text)
            if command and not _continues_word(text, command.end()):
                length = utf16_len(command.group())
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
            return self._push({"message": message})

    def send_photo(
        self,
        user_id: int,
        content: bytes | None = None,
        *,
        caption: str | None = None,
        chat_id: int | None = None,
    ) -> JSON:
        """The user sends a photo (a small PNG by default); getFile then knows its sizes."""
        data = content if content is not None else tiny_png(320, 240)
        with self._cond:
            message = self._user_message(user_id, chat_id)
            message["photo"] = self._photo_sizes(data, "photo.jpg")
            if caption is not None:
                message["caption"] = caption
            return self._push({"message": message})

    def send_document(
        self,
        user_id: int,
        content: bytes = b"%PDF-1.4\n",
        *,
        file_name: str = "bao-cao.pdf",
        mime_type: str | None = None,
        caption: str | None = None,
        chat_id: int | None = None,
    ) -> JSON:
        """The user sends a document; getFile then knows its file_id."""
        with self._cond:
            message = self._user_message(user_id, chat_id)
            document = self._document(content, file_name, mime_type)
            message["document"] = document
            if caption is not None:
                message["caption"] = caption
            return self._push({"message": message})

    def press(
        self, user_id: int, message: JSON, callback_data: str, *, check_button: bool = True
    ) -> str:
        """The user presses an inline button of `message` (one the bot sent); returns the id.

        With `check_button` the message's current keyboard must hold a button with this
        callback_data, as a user can only press what they see.
        """
        with self._cond:
            user = self._require_user(user_id)
            chat = self._require_chat(int(message["chat"]["id"]))
            stored = chat.messages.get(int(message["message_id"]))
            if stored is None or stored.deleted or not stored.from_bot:
                raise ValueError(f"no message {message['message_id']} of the bot in {chat.id}")
            if check_button:
                rows = stored.message.get("reply_markup", {}).get("inline_keyboard", [])
                datas = [button.get("callback_data") for row in rows for button in row]
                if callback_data not in datas:
                    raise ValueError(f"no button with callback_data {callback_data!r}: {datas}")
            query_id = str(4_000_000_000_000_000_000 + next(self._seq))
            self._callback_queries[query_id] = None
            query: JSON = {
                "id": query_id,
                "from": user,
                "message": stored.message,
                "chat_instance": str((chat.id * 2_654_435_761) % 2**63),
                "data": callback_data,
            }
            self._push({"callback_query": query})
            return query_id

    def push_raw(self, update: JSON) -> JSON:
        """Queues `update` as is (an update_id is assigned when it has none); returns it."""
        with self._cond:
            update = copy.deepcopy(update)
            update_id = update.pop("update_id", None)
            if update_id is not None:
                self._next_update_id = max(self._next_update_id, int(update_id))
            return self._push(update, update_id)

    def redeliver(self, update_id: int) -> None:
        """Delivers an update again, as Telegram does when the bot did not confirm it in time.

        The copy is handed out by the next getUpdates whatever its offset, then forgotten.
        """
        with self._cond:
            update = self._history.get(update_id)
            if update is None:
                raise KeyError(f"no update {update_id} was ever pushed")
            self._queue.append(_Queued(copy.deepcopy(update), forced=True))
            self._cond.notify_all()

    # --- failures -------------------------------------------------------------------------------

    def storm_429(
        self,
        count: int,
        *,
        retry_after: int = 5,
        chat_id: int | None = None,
        method: str | None = None,
    ) -> None:
        """The next `count` calls (to `chat_id` / `method` when given) answer 429.

        Calls to getUpdates are left alone unless `method="getUpdates"`.
        """
        self._add_fault(_Fault("429", count, method, chat_id, retry_after=retry_after))

    def fail_next(
        self,
        count: int = 1,
        *,
        status: int = 502,
        chat_id: int | None = None,
        method: str | None = None,
    ) -> None:
        """The next `count` calls answer a transient server error (502 Bad Gateway by default)."""
        self._add_fault(_Fault("status", count, method, chat_id, status=status))

    def drop_next(
        self,
        count: int = 1,
        *,
        after_processing: bool = False,
        chat_id: int | None = None,
        method: str | None = None,
    ) -> None:
        """The next `count` calls get their connection closed without an answer.

        With `after_processing` the call takes effect first (the message is sent) and only the
        answer is lost, as when a response times out in transit.
        """
        fault = _Fault("drop", count, method, chat_id, after_processing=after_processing)
        self._add_fault(fault)

    def _add_fault(self, fault: _Fault) -> None:
        if fault.remaining < 1:
            raise ValueError("count must be positive")
        with self._cond:
            self._faults.append(fault)

    # --- observing ------------------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """Every request so far, in order, accepted or refused."""
        with self._cond:
            return list(self._calls)

    @property
    def errors(self) -> list[Call]:
        """The refused requests and dropped connections; not the long polls clients abandoned.

        (A stopping PTB updater cancels its long poll and confirms the offset with a new
        getUpdates, which ends the old one with 409 Conflict; nobody is left to read it.)
        """
        with self._cond:
            return [call for call in self._calls if call.error is not None and call.status != 499]

    def calls_to(self, method: str) -> list[Call]:
        """The requests to one method."""
        with self._cond:
            return [call for call in self._calls if call.method == method]

    def sent_messages(
        self, chat_id: int | None = None, *, include_deleted: bool = False, start: int = 0
    ) -> list[JSON]:
        """Messages the bot sent (to `chat_id`, or anywhere), in order, as they are now; from
        the `start`th on (only those are copied: cheap enough to wait on from many threads)."""
        with self._cond:
            chats = [self._chats[chat_id]] if chat_id in self._chats else []
            if chat_id is None:
                chats = list(self._chats.values())
            stored = [
                message
                for chat in chats
                for message in chat.messages.values()
                if message.from_bot and (include_deleted or not message.deleted)
            ]
            stored.sort(key=lambda message: message.seq)
            return [copy.deepcopy(message.message) for message in stored[start:]]

    def last_message(self, chat_id: int) -> JSON | None:
        """The last message the bot sent to `chat_id` and did not delete, if any."""
        messages = self.sent_messages(chat_id)
        return messages[-1] if messages else None

    def callback_update(self, query_id: str) -> JSON:
        """The update that carried callback query `query_id` (to deliver it to a webhook)."""
        with self._cond:
            for update in reversed(self._history.values()):
                if update.get("callback_query", {}).get("id") == query_id:
                    return copy.deepcopy(update)
        raise KeyError(f"no callback query {query_id}")

    def callback_answer(self, query_id: str) -> JSON | None:
        """How the bot answered a callback query (text, show_alert, ...), None if not yet."""
        with self._cond:
            if query_id not in self._callback_queries:
                raise KeyError(f"no callback query {query_id}")
            return copy.deepcopy(self._callback_queries[query_id])

    def commands(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        """The bot's commands for a scope (default scope by default) and language."""
        key = _canonical_scope(scope or {"type": "default"})
        with self._cond:
            return copy.deepcopy(self._commands.get((key, language_code), []))

    @property
    def webhook_url(self) -> str:
        """The URL setWebhook stored ("" when none)."""
        with self._cond:
            return str(self._webhook["url"])

    def pending_updates(self) -> int:
        """How many updates are queued and not yet confirmed by a getUpdates offset."""
        with self._cond:
            return len(self._queue)

    def wait_for(
        self, predicate: Callable[[FakeBotAPI], object], timeout: float = 5.0, *, what: str = ""
    ) -> None:
        """Waits until `predicate(api)` is true; AssertionError with the last calls if never.

        A predicate that raises (AssertionError, LookupError, TypeError, ...) counts as false.
        """
        deadline = time.monotonic() + timeout
        failure: Exception | None = None
        while True:
            try:
                if predicate(self):
                    return
                failure = None
            except (AssertionError, LookupError, TypeError, AttributeError, ValueError) as exc:
                failure = exc
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            with self._cond:
                self._cond.wait(min(remaining, 0.05))
        lines = [f"condition {what or predicate!r} not met within {timeout}s"]
        if failure is not None:
            lines.append(f"last check raised {failure!r}")
        lines.append("last calls:")
        lines += [f"  {_describe(call)}" for call in self.calls[-15:]] or ["  (none)"]
        raise AssertionError("\n".join(lines))

    # --- HTTP entry points (server threads) -----------------------------------------------------

    def _handle(
        self,
        token: str,
        method_name: str,
        content_type: str,
        body: bytes,
        query: str,
        client_gone: Callable[[], bool] = lambda: False,
    ) -> tuple[int, JSON | None]:
        """Answers one Bot API request: (HTTP status, envelope), envelope None to drop it."""
        method = self._method_names.get(method_name.lower(), method_name)
        at = time.time()
        params: dict[str, Any] = {}
        drop_after = False
        with self._cond:
            try:
                decode_error: ApiError | None = None
                try:
                    params = decode_request(content_type, body, query)
                except ApiError as exc:
                    decode_error = exc
                if token != self.token:
                    known_format = _TOKEN.fullmatch(token) is not None
                    raise ApiError(401, "Unauthorized") if known_format else _not_found()
                handler = self._handlers.get(method)
                if handler is None:
                    raise _not_found()
                if decode_error is not None:
                    raise decode_error
                fault = self._take_fault(method, params)
                if fault is not None:
                    if fault.kind == "drop" and not fault.after_processing:
                        error = "connection dropped before processing (injected)"
                        self._record(Call(method, params, at, 0, error))
                        return 0, None
                    drop_after = fault.kind == "drop"
                    if fault.kind == "429":
                        raise _too_many(fault.retry_after)
                    if fault.kind == "status":
                        phrase = HTTPStatus(fault.status).phrase
                        raise ApiError(fault.status, phrase)
                result = copy.deepcopy(handler(params))
            except ApiError as err:
                if method == "getUpdates" and err.code == HTTPStatus.CONFLICT and client_gone():
                    error = "client closed the connection before the answer (abandoned long poll)"
                    self._record(Call(method, params, at, 499, error))
                    return 0, None
                self._record(Call(method, params, at, err.code, err.description))
                return err.code, err.envelope()
            if drop_after:
                error = "connection dropped after processing (injected)"
                self._record(Call(method, params, at, 0, error, result))
                return 0, None
            self._record(Call(method, params, at, 200, None, result))
            return 200, {"ok": True, "result": result}

    def _download(self, path: str) -> tuple[int, bytes]:
        prefix = f"/file/bot{self.token}/"
        path = unquote(path)
        with self._cond:
            file_id = self._paths.get(path.removeprefix(prefix))
            if not path.startswith(prefix) or file_id is None:
                return 404, json.dumps(_not_found().envelope()).encode()
            return 200, self._files[file_id].data

    def _record(self, call: Call) -> None:
        self._calls.append(call)
        self._cond.notify_all()

    def _take_fault(self, method: str, params: Mapping[str, Any]) -> _Fault | None:
        for fault in self._faults:
            if fault.method is None and method == "getUpdates":
                continue
            if fault.method is not None and fault.method.lower() != method.lower():
                continue
            if fault.chat_id is not None and params.get("chat_id") != fault.chat_id:
                continue
            fault.remaining -= 1
            if fault.remaining == 0:
                self._faults.remove(fault)
            return fault
        return None

    # --- helpers (lock held) --------------------------------------------------------------------

    def _require_user(self, user_id: int) -> JSON:
        user = self._users.get(user_id)
        if user is None:
            raise KeyError(f"user {user_id} not registered: call add_user first")
        return user

    def _require_chat(self, chat_id: int) -> _Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            raise KeyError(f"chat {chat_id} not registered: call add_user / add_group first")
        return chat

    def _user_message(self, user_id: int, chat_id: int | None) -> JSON:
        user = self._require_user(user_id)
        chat = self._require_chat(user_id if chat_id is None else chat_id)
        if chat.is_group:
            if chat.members.get(user_id) in ("left", "kicked"):
                raise ValueError(f"user {user_id} is not a member of {chat.id}")
            chat.members.setdefault(user_id, "member")
        elif chat.id != user_id:
            raise ValueError("a user writes only in their own private chat")
        else:
            self._started_bot.add(user_id)
        return self._new_message(chat, user, from_bot=False)

    def _new_message(self, chat: _Chat, sender: JSON, *, from_bot: bool) -> JSON:
        message_id = chat.next_message_id
        chat.next_message_id += 1
        message: JSON = {
            "message_id": message_id,
            "from": sender,
            "chat": chat.data,
            "date": int(time.time()),
        }
        chat.messages[message_id] = _StoredMessage(message, from_bot, next(self._seq))
        return message

    def _push(self, update: JSON, update_id: int | None = None) -> JSON:
        if update_id is None:
            update_id = self._next_update_id
            self._next_update_id += 1
        else:
            self._next_update_id = max(self._next_update_id, update_id + 1)
        full = {"update_id": update_id, **copy.deepcopy(update)}
        self._history[update_id] = full
        self._queue.append(_Queued(full))
        self._cond.notify_all()
        return copy.deepcopy(full)

    def _resolve_chat(self, params: Mapping[str, Any], *, sending: bool) -> _Chat:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise _bad("chat_id is empty")
        chat: _Chat | None = None
        if isinstance(raw, int) and not isinstance(raw, bool):
            chat = self._chats.get(raw)
        elif isinstance(raw, str) and raw.startswith("@"):
            chat = next(
                (
                    c
                    for c in self._chats.values()
                    if c.is_group and c.data.get("username") == raw[1:]
                ),
                None,
            )
        if chat is None:
            raise _bad("chat not found")
        if chat.id in self._migrated:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": self._migrated[chat.id]},
            )
        if sending and not chat.is_group:
            if chat.id in self._blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if chat.id not in self._started_bot:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        return chat

    def _formatted(
        self,
        params: Mapping[str, Any],
        key: Literal["text", "caption"],
    ) -> tuple[str, list[JSON]]:
        """The visible text (or caption) and entities of a message being sent or edited."""
        raw = _str_param(params, key)
        if key == "text" and not raw:
            raise _bad("message text is empty")
        if not raw:
            return "", []
        mode = _str_param(params, "parse_mode")
        entities_key = "entities" if key == "text" else "caption_entities"
        explicit = _json_param(params, entities_key, "message entities")
        if explicit is not None and not mode:
            visible, entities = raw, _checked_entities(explicit, raw)
        else:
            visible, entities = format_text(
                raw, mode, strict_html_escaping=self.strict_html_escaping
            )
        visible, entities = _trim(visible, entities)
        if key == "text":
            if not visible:
                raise _bad("message text is empty")
            if utf16_len(visible) > MAX_TEXT_LENGTH:
                raise _bad("message is too long")
        elif utf16_len(visible) > MAX_CAPTION_LENGTH:
            raise _bad("message caption is too long")
        return visible, entities

    def _reply_to(self, chat: _Chat, params: Mapping[str, Any]) -> JSON | None:
        reply = _json_param(params, "reply_parameters", "reply parameters")
        message_id = _int_param(params, "reply_to_message_id")
        lenient = bool(params.get("allow_sending_without_reply"))
        if isinstance(reply, dict):
            message_id = reply.get("message_id")
            lenient = bool(reply.get("allow_sending_without_reply", lenient))
            if reply.get("chat_id") not in (None, chat.id):
                raise _bad("replies to other chats are not supported by the fake")
        elif reply is not None:
            raise _bad("can't parse reply parameters JSON object")
        if message_id is None:
            return None
        stored = chat.messages.get(message_id) if isinstance(message_id, int) else None
        if stored is None or stored.deleted:
            if lenient:
                return None
            raise _bad("message to be replied not found")
        quoted = dict(stored.message)
        quoted.pop("reply_to_message", None)
        return quoted

    def _throttle(self, chat: _Chat) -> None:
        if self._limits is None:
            return
        wait = self._limiter.take(self._limits, chat.id, chat.is_group)
        if wait is not None:
            raise _too_many(wait)

    def _bot_message(self, chat: _Chat, reply: JSON | None) -> JSON:
        sender = {key: self.bot_user[key] for key in ("id", "is_bot", "first_name", "username")}
        message = self._new_message(chat, sender, from_bot=True)
        if reply is not None:
            message["reply_to_message"] = reply
        return message

    def _stored(self, chat: _Chat, params: Mapping[str, Any], missing: str) -> _StoredMessage:
        if params.get("inline_message_id"):
            raise _bad("MESSAGE_ID_INVALID")
        message_id = _int_param(params, "message_id")
        if message_id is None:
            raise _bad("message identifier is not specified")
        stored = chat.messages.get(message_id)
        if stored is None or stored.deleted:
            raise _bad(missing)
        return stored

    def _store_file(self, kind: Literal["document", "photo"], data: bytes, name: str) -> str:
        number = next(self._seq)
        prefix = "BQACAgIAAxkBAAI" if kind == "document" else "AgACAgIAAxkBAAI"
        file_id = f"{prefix}{number:08d}fake"
        extension = name.rsplit(".", 1)[-1] if "." in name else "bin"
        path = f"{kind}s/file_{number}.{extension}"
        self._files[file_id] = _StoredFile(kind, f"AgAD{number:08d}", data, path)
        self._paths[path] = file_id
        return file_id

    def _document(self, data: bytes, file_name: str, mime_type: str | None) -> JSON:
        file_id = self._store_file("document", data, file_name)
        return {
            "file_id": file_id,
            "file_unique_id": self._files[file_id].file_unique_id,
            "file_name": file_name,
            "mime_type": mime_type
            or mimetypes.guess_type(file_name)[0]
            or "application/octet-stream",
            "file_size": len(data),
        }

    def _photo_sizes(self, data: bytes, name: str) -> list[JSON]:
        size = image_size(data)
        if size is None:
            raise _bad("IMAGE_PROCESS_FAILED")
        width, height = size
        if width < 1 or height < 1 or width + height > 10_000 or max(size) > 20 * min(size):
            raise _bad("PHOTO_INVALID_DIMENSIONS")
        sizes: list[JSON] = []
        for limit in (90, 320, 800, 1280):
            scale = min(1.0, limit / max(width, height))
            scaled = (max(1, round(width * scale)), max(1, round(height * scale)))
            if sizes and (sizes[-1]["width"], sizes[-1]["height"]) == scaled:
                continue
            file_id = self._store_file("photo", data, name)
            sizes.append(
                {
                    "file_id": file_id,
                    "file_unique_id": self._files[file_id].file_unique_id,
                    "width": scaled[0],
                    "height": scaled[1],
                    "file_size": len(data),
                }
            )
        return sizes

    def _scope_key(self, params: Mapping[str, Any]) -> str:
        scope = _json_param(params, "scope", "bot command scope") or {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in _SCOPES:
            raise _bad("can't parse BotCommandScope JSON object")
        if scope["type"] in ("chat", "chat_administrators", "chat_member"):
            self._resolve_chat(scope, sending=False)
        if scope["type"] == "chat_member" and scope.get("user_id") not in self._users:
            raise _bad("user not found")
        return _canonical_scope(scope)

    # --- methods (lock held) --------------------------------------------------------------------

    def _get_me(self, params: dict[str, Any]) -> JSON:
        return self.bot_user

    def _get_updates(self, params: dict[str, Any]) -> list[JSON]:
        if self._webhook["url"]:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        offset = _int_param(params, "offset")
        limit = min(max(_int_param(params, "limit") or 100, 1), 100)
        timeout = params.get("timeout") or 0
        if isinstance(timeout, str):
            try:
                timeout = float(timeout)
            except ValueError:
                raise _bad('field "timeout" must be of type Integer') from None
        if isinstance(timeout, bool) or not isinstance(timeout, int | float):
            raise _bad('field "timeout" must be of type Integer')
        allowed = _json_param(params, "allowed_updates", "allowed updates")
        if allowed is not None:
            if not isinstance(allowed, list) or not all(isinstance(a, str) for a in allowed):
                raise _bad("can't parse allowed updates JSON object")
            self._allowed_updates = frozenset(allowed) or None
        self._confirm(offset)
        self._poll_generation += 1
        generation = self._poll_generation
        deadline = time.monotonic() + timeout
        while True:
            batch = self._deliver(limit)
            remaining = deadline - time.monotonic()
            if batch or remaining <= 0 or self._stopping:
                return batch
            self._cond.wait(remaining)
            if self._poll_generation != generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one "
                    "bot instance is running",
                )

    def _confirm(self, offset: int | None) -> None:
        if offset is None:
            return
        if offset < 0:
            regular = [queued for queued in self._queue if not queued.forced]
            keep = {id(queued) for queued in regular[offset:]}
            self._queue = [q for q in self._queue if q.forced or id(q) in keep]
        else:
            self._queue = [q for q in self._queue if q.forced or q.update["update_id"] >= offset]

    def _deliver(self, limit: int) -> list[JSON]:
        # Telegram never delivers an update of a type the bot did not ask for: it is dropped.
        self._queue = [q for q in self._queue if self._is_allowed(q.update)]
        forced = [q for q in self._queue if q.forced]
        batch = (forced + [q for q in self._queue if not q.forced])[:limit]
        handed = {id(q) for q in batch if q.forced}
        self._queue = [q for q in self._queue if id(q) not in handed]
        return [q.update for q in batch]

    def _is_allowed(self, update: JSON) -> bool:
        kind = next((key for key in update if key != "update_id"), "")
        if self._allowed_updates is None:
            return kind not in OPT_IN_UPDATES
        return kind in self._allowed_updates

    def _delete_webhook(self, params: dict[str, Any]) -> bool:
        self._webhook = {"url": ""}
        if params.get("drop_pending_updates") is True:
            self._queue.clear()
        return True

    def _set_webhook(self, params: dict[str, Any]) -> bool:
        url = _str_param(params, "url") or ""
        if not url:
            return self._delete_webhook(params)
        parts = urlsplit(url)
        if parts.scheme != "https":
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        if (parts.port or 443) not in (80, 88, 443, 8443):
            raise _bad("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
        self._webhook = {
            "url": url,
            "max_connections": _int_param(params, "max_connections") or 40,
        }
        allowed = _json_param(params, "allowed_updates", "allowed updates")
        if isinstance(allowed, list):
            self._webhook["allowed_updates"] = allowed
        if params.get("drop_pending_updates") is True:
            self._queue.clear()
        return True

    def _get_webhook_info(self, params: dict[str, Any]) -> JSON:
        return {
            **self._webhook,
            "has_custom_certificate": False,
            "pending_update_count": len(self._queue),
        }

    def _set_my_commands(self, params: dict[str, Any]) -> bool:
        commands = _json_param(params, "commands", "commands")
        if commands is None:
            commands = []
        if not isinstance(commands, list):
            raise _bad("can't parse commands JSON object")
        if len(commands) > MAX_COMMANDS:
            raise _bad("BOT_COMMANDS_TOO_MUCH")
        checked: list[JSON] = []
        for command in commands:
            if not isinstance(command, dict):
                raise _bad("can't parse BotCommand: BotCommand must be an Object")
            for name in ("command", "description"):
                if name not in command:
                    raise _bad(f"can't parse BotCommand: Can't find field \"{name}\"")
                if not isinstance(command[name], str):
                    raise _bad(f'can\'t parse BotCommand: Field "{name}" must be of type String')
            if not COMMAND_NAME.fullmatch(command["command"]):
                raise _bad("BOT_COMMAND_INVALID")
            description = command["description"].strip()
            if not description:
                raise _bad("command description must be non-empty")
            if len(description) > MAX_COMMAND_DESCRIPTION:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
            checked.append({"command": command["command"], "description": description})
        key = (self._scope_key(params), self._language_code(params))
        if checked:
            self._commands[key] = checked
        else:
            self._commands.pop(key, None)
        return True

    def _language_code(self, params: Mapping[str, Any]) -> str:
        code = _str_param(params, "language_code") or ""
        if code and not re.fullmatch(r"[a-z]{2}", code):
            raise _bad("LANG_CODE_INVALID")
        return code

    def _get_my_commands(self, params: dict[str, Any]) -> list[JSON]:
        key = (self._scope_key(params), self._language_code(params))
        return self._commands.get(key, [])

    def _delete_my_commands(self, params: dict[str, Any]) -> bool:
        self._commands.pop((self._scope_key(params), self._language_code(params)), None)
        return True

    def _set_chat_menu_button(self, params: dict[str, Any]) -> bool:
        chat_id = None
        if params.get("chat_id") is not None:
            chat = self._resolve_chat(params, sending=False)
            if chat.is_group:
                raise _bad("chat not found")
            chat_id = chat.id
        button = _json_param(params, "menu_button", "menu button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in _MENU_BUTTONS:
            raise _bad("can't parse menu button JSON object")
        if button["type"] == "web_app":
            web_app = button.get("web_app")
            url = web_app.get("url") if isinstance(web_app, dict) else None
            if (
                not button.get("text")
                or not isinstance(url, str)
                or not url.startswith("https://")
            ):
                raise _bad("can't parse menu button JSON object")
        self._menu_buttons[chat_id] = button
        return True

    def _get_chat_menu_button(self, params: dict[str, Any]) -> JSON:
        chat_id = None
        if params.get("chat_id") is not None:
            chat_id = self._resolve_chat(params, sending=False).id
        button = self._menu_buttons.get(chat_id) or self._menu_buttons.get(None)
        return button or {"type": "default"}

    def _send_message(self, params: dict[str, Any]) -> JSON:
        chat = self._resolve_chat(params, sending=True)
        text, entities = self._formatted(params, "text")
        markup = check_reply_markup(_json_param(params, "reply_markup", "reply keyboard markup"))
        reply = self._reply_to(chat, params)
        self._throttle(chat)
        message = self._bot_message(chat, reply)
        message["text"] = text
        if entities:
            message["entities"] = entities
        if markup:
            message["reply_markup"] = markup
        return message

    def _edit_message_text(self, params: dict[str, Any]) -> JSON:
        chat = self._resolve_chat(params, sending=True)
        stored = self._stored(chat, params, "message to edit not found")
        if not stored.from_bot:
            raise _bad("message can't be edited")
        message = stored.message
        if "text" not in message:
            raise _bad("there is no text in the message to edit")
        text, entities = self._formatted(params, "text")
        markup = check_reply_markup(
            _json_param(params, "reply_markup", "reply keyboard markup"), inline_only=True
        )
        current = (message["text"], message.get("entities", []), message.get("reply_markup"))
        if (text, entities, markup) == current:
            raise _bad(NOT_MODIFIED)
        message["text"] = text
        _set_optional(message, "entities", entities)
        _set_optional(message, "reply_markup", markup)
        message["edit_date"] = max(int(time.time()), message["date"])
        return message

    def _edit_message_reply_markup(self, params: dict[str, Any]) -> JSON:
        chat = self._resolve_chat(params, sending=True)
        stored = self._stored(chat, params, "message to edit not found")
        if not stored.from_bot:
            raise _bad("message can't be edited")
        markup = check_reply_markup(
            _json_param(params, "reply_markup", "reply keyboard markup"), inline_only=True
        )
        if markup == stored.message.get("reply_markup"):
            raise _bad(NOT_MODIFIED)
        _set_optional(stored.message, "reply_markup", markup)
        stored.message["edit_date"] = max(int(time.time()), stored.message["date"])
        return stored.message

    def _delete_message(self, params: dict[str, Any]) -> bool:
        chat = self._resolve_chat(params, sending=False)
        self._stored(chat, params, "message to delete not found").deleted = True
        return True

    def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        query_id = _str_param(params, "callback_query_id")
        if not query_id:
            raise _bad("callback_query_id is empty")
        if query_id not in self._callback_queries or self._callback_queries[query_id] is not None:
            raise _bad(CALLBACK_QUERY_INVALID)
        text = _str_param(params, "text")
        if text is not None and utf16_len(text) > MAX_CALLBACK_ANSWER_LENGTH:
            raise _bad("MESSAGE_TOO_LONG")
        if params.get("url"):
            raise _bad("URL_INVALID")
        answer: JSON = {"show_alert": bool(params.get("show_alert"))}
        if text is not None:
            answer["text"] = text
        cache_time = _int_param(params, "cache_time")
        if cache_time is not None:
            answer["cache_time"] = cache_time
        self._callback_queries[query_id] = answer
        return True

    def _media_file(
        self, params: Mapping[str, Any], key: Literal["document", "photo"]
    ) -> tuple[UploadedFile | None, str | None]:
        """The uploaded file, or the file_id / URL, sent as `key`."""
        value = params.get(key)
        if value is None or value == "":
            raise _bad(f"there is no {key} in the request")
        if isinstance(value, UploadedFile):
            if not value.data:
                raise _bad("file must be non-empty")
            if len(value.data) > MAX_UPLOAD_BYTES:
                raise ApiError(413, "Request Entity Too Large")
            return value, None
        if not isinstance(value, str):
            raise _bad(f'field "{key}" must be of type String')
        known = self._files.get(value)
        if known is not None:
            if known.kind != key:
                raise _bad(f"can't use file of type {known.kind.title()} as {key.title()}")
            return None, value
        if urlsplit(value).scheme in ("http", "https") and url_problem(value) is None:
            return None, value
        raise _bad("wrong file identifier/HTTP URL specified")

    def _send_document(self, params: dict[str, Any]) -> JSON:
        chat = self._resolve_chat(params, sending=True)
        upload, reference = self._media_file(params, "document")
        caption, entities = self._formatted(params, "caption")
        markup = check_reply_markup(_json_param(params, "reply_markup", "reply keyboard markup"))
        reply = self._reply_to(chat, params)
        self._throttle(chat)
        if upload is not None:
            document = self._document(upload.data, upload.filename, upload.content_type)
        elif reference is not None and reference in self._files:
            stored = self._files[reference]
            name = stored.file_path.rsplit("/", 1)[-1]
            document = {
                "file_id": reference,
                "file_unique_id": stored.file_unique_id,
                "file_name": name,
                "mime_type": mimetypes.guess_type(name)[0] or "application/octet-stream",
                "file_size": len(stored.data),
            }
        else:
            name = urlsplit(reference or "").path.rsplit("/", 1)[-1] or "file"
            document = self._document(b"", name, None)
        message = self._bot_message(chat, reply)
        message["document"] = document
        _add_caption(message, caption, entities, markup)
        return message

    def _send_photo(self, params: dict[str, Any]) -> JSON:
        chat = self._resolve_chat(params, sending=True)
        upload, reference = self._media_file(params, "photo")
        caption, entities = self._formatted(params, "caption")
        markup = check_reply_markup(_json_param(params, "reply_markup", "reply keyboard markup"))
        reply = self._reply_to(chat, params)
        if upload is not None:
            sizes = self._photo_sizes(upload.data, upload.filename)
        elif reference is not None and reference in self._files:
            sizes = self._photo_sizes(self._files[reference].data, "photo.jpg")
        else:
            sizes = self._photo_sizes(tiny_png(640, 480), "photo.jpg")
        self._throttle(chat)
        message = self._bot_message(chat, reply)
        message["photo"] = sizes
        _add_caption(message, caption, entities, markup)
        return message

    def _send_chat_action(self, params: dict[str, Any]) -> bool:
        self._resolve_chat(params, sending=True)
        if _str_param(params, "action") not in CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        return True

    def _get_file(self, params: dict[str, Any]) -> JSON:
        file_id = _str_param(params, "file_id")
        if not file_id:
            raise _bad("file_id is empty")
        stored = self._files.get(file_id)
        if stored is None:
            raise _bad("invalid file_id")
        if len(stored.data) > MAX_DOWNLOAD_BYTES:
            raise _bad("file is too big")
        return {
            "file_id": file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }

    def _get_chat(self, params: dict[str, Any]) -> JSON:
        chat = self._resolve_chat(params, sending=False)
        return {
            **chat.data,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def _get_chat_member(self, params: dict[str, Any]) -> JSON:
        chat = self._resolve_chat(params, sending=False)
        user_id = _int_param(params, "user_id", required=True)
        assert user_id is not None
        if user_id == self.bot_user["id"]:
            status = chat.members.get(user_id, "member")
            bot = {key: self.bot_user[key] for key in ("id", "is_bot", "first_name", "username")}
            return _member(bot, status)
        user = self._users.get(user_id)
        if user is None:
            raise _bad("user not found")
        return _member(user, chat.members.get(user_id, "left"))


_SCOPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
_MENU_BUTTONS = frozenset({"commands", "web_app", "default"})


def _canonical_scope(scope: Mapping[str, Any]) -> str:
    return json.dumps(
        {key: scope[key] for key in ("type", "chat_id", "user_id") if key in scope},
        sort_keys=True,
    )


def _continues_word(text: str, index: int) -> bool:
    return index < len(text) and (text[index].isalnum() or text[index] in "_@/")


def _checked_entities(entities: Any, text: str) -> list[JSON]:
    if not isinstance(entities, list):
        raise _bad("can't parse message entities JSON object")
    total = utf16_len(text)
    for entity in entities:
        if not isinstance(entity, dict) or not isinstance(entity.get("type"), str):
            raise _bad("can't parse MessageEntity: MessageEntity must be an Object")
        offset, length = entity.get("offset"), entity.get("length")
        if not isinstance(offset, int) or not isinstance(length, int):
            raise _bad('can\'t parse MessageEntity: Field "offset" must be of type Integer')
        if offset < 0 or length < 1 or offset + length > total:
            raise _entities_error(f"entity beyond the end of the text at UTF-16 offset {offset}")
    return list(entities)


def _set_optional(message: JSON, key: str, value: Any) -> None:
    if value:
        message[key] = value
    else:
        message.pop(key, None)


def _add_caption(message: JSON, caption: str, entities: list[JSON], markup: JSON | None) -> None:
    if caption:
        message["caption"] = caption
    if entities:
        message["caption_entities"] = entities
    if markup:
        message["reply_markup"] = markup


def _not_found() -> ApiError:
    return ApiError(404, "Not Found")


def _too_many(retry_after: int) -> ApiError:
    return ApiError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


def _describe(call: Call) -> str:
    shown = {
        key: (
            f"<file {value.filename}, {len(value.data)} bytes>"
            if isinstance(value, UploadedFile)
            else value
        )
        for key, value in call.params.items()
    }
    text = json.dumps(shown, ensure_ascii=False, default=str)
    if len(text) > 200:
        text = text[:197] + "..."
    outcome = "ok" if call.error is None else f"{call.status} {call.error}"
    return f"{call.method} {text} -> {outcome}"


# --- HTTP plumbing ------------------------------------------------------------------------------

_API_PATH = re.compile(r"/bot([^/]*)/([^/]*)")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], fake: FakeBotAPI) -> None:
        super().__init__(address, _Handler)
        self.fake = fake
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()

    def opened(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.add(connection)

    def closed(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.discard(connection)

    def close_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up (a cancelled long poll) are no error worth printing."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        # Headers and body leave in separate writes: without this, Nagle's algorithm and the
        # client's delayed ACK add ~40 ms to every call.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.opened(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.closed(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the fake's `calls` is the log."""

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _serve(self) -> None:
        body = self._read_body()
        fake = self.server.fake
        if fake._stopping:
            self._drop()
            return
        parts = urlsplit(self.path)
        content_type = "application/json"
        if parts.path.startswith("/file/bot"):
            status, payload = fake._download(parts.path)
            if status == 200:
                content_type = "application/octet-stream"
        else:
            match = _API_PATH.fullmatch(parts.path)
            envelope: JSON | None = _not_found().envelope()
            status = 404
            if match is not None:
                status, envelope = fake._handle(
                    unquote(match[1]),
                    match[2],
                    self.headers.get("Content-Type", ""),
                    body,
                    parts.query,
                    self._client_gone,
                )
            if envelope is None:
                self._drop()
                return
            payload = json.dumps(envelope, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _client_gone(self) -> bool:
        """Whether the client closed its end (peeks without consuming anything)."""
        try:
            self.connection.setblocking(False)
            try:
                return bool(self.connection.recv(1, socket.MSG_PEEK) == b"")
            finally:
                self.connection.setblocking(True)
        except BlockingIOError:
            return False
        except OSError:
            return True

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

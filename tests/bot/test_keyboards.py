"""Callback data and long texts: what the chat sends always fits Telegram's limits."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import keyboards as kb
from bot.chat import MESSAGE_LIMIT, split_text


@pytest.mark.parametrize(
    ("kind", "args"),
    [
        ("d", (999_999_999_999, "abcdef", "ok")),
        ("r", (999_999_999_999,)),
        ("i", (999_999_999_999, 999_999_999_999)),
        ("x", (999_999_999_999, "r")),
        ("c", (999_999_999_999,)),
        ("v", (9999,)),
        ("l", ("en",)),
    ],
)
def test_the_longest_callback_data_fits_in_64_bytes(kind: str, args: tuple[object, ...]) -> None:
    """Every kind of button, with the largest ids, stays under Telegram's 64 bytes and parses."""
    data = kb.data(kind, *args)
    assert len(data.encode()) <= kb.CALLBACK_LIMIT
    press = kb.parse(data)
    assert press is not None and press.kind == kind and press.args == tuple(map(str, args))


@pytest.mark.parametrize(
    "data",
    [
        "",
        "d",
        "d:1:abcdef:yes",
        "d:1:ABCDEF:ok",
        "r:-1",
        "r:1:2",
        "z:1",
        "l:fr",
        "r:1\n",
        "i:1",
        "x:1:a:b",
        "r:" + "9" * 13,
        "đ:1",
    ],
)
def test_anything_else_is_not_a_press(data: str) -> None:
    """Data that does not match its grammar exactly is refused (a stale or forged button)."""
    assert kb.parse(data) is None


def test_building_unparsable_data_is_a_bug() -> None:
    """A button whose data would not parse back is refused when it is made."""
    with pytest.raises(ValueError, match="grammar"):
        kb.data("r", "x")


@given(st.lists(st.text(alphabet="ab <>\n", min_size=0, max_size=900), max_size=30))
def test_long_texts_split_between_lines_under_the_limit(lines: list[str]) -> None:
    """Pieces are at most 4096 characters, cut between lines, and together are the text."""
    text = "\n".join(lines) * 3
    pieces = split_text(text)
    assert all(len(p) <= MESSAGE_LIMIT for p in pieces)
    if all(len(line) <= MESSAGE_LIMIT for line in text.split("\n")):
        assert "\n".join(pieces) == text


def test_a_long_summary_splits_in_two() -> None:
    """A list longer than one message goes in two messages, no line cut."""
    text = "\n".join(f"• R{n:04d} nhiệm vụ" for n in range(400))
    pieces = split_text(text)
    assert [len(p) <= MESSAGE_LIMIT for p in pieces] == [True, True]
    assert "\n".join(pieces) == text


def test_every_kind_of_button_has_its_handler() -> None:
    """A press that parses always reaches a feature: the grammar and the dispatch table agree."""
    from bot.app import BUTTONS

    assert set(BUTTONS) == set(kb._GRAMMAR)

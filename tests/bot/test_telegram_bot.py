"""PhoihopBot: a callback query answered twice (a press processed again after a kill) is let
go quietly; every other refusal of Telegram still raises."""

from __future__ import annotations

import asyncio

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest

from bot.telegram_bot import PhoihopBot
from tests.fakes.bot_api import FakeBotAPI

TOKEN = "7000009:Bot-token-for-phoihop-tests"
USER = 850001


def test_an_answered_query_answered_again_is_a_no_op() -> None:
    """The second answer of one press returns False instead of raising; a bad answer raises."""
    with FakeBotAPI(token=TOKEN) as api:
        api.add_user(USER)

        async def scenario() -> tuple[bool, bool]:
            async with PhoihopBot(TOKEN, base_url=api.base_url) as bot:
                button = InlineKeyboardButton("Xác nhận", callback_data="d:1:abcdef:ok")
                keyboard = InlineKeyboardMarkup([[button]])
                sent = await bot.send_message(USER, "Ghi nhận?", reply_markup=keyboard)
                query = api.press(USER, sent.to_dict(), "d:1:abcdef:ok")
                first = await bot.answer_callback_query(query, text="Đã ghi")
                again = await bot.answer_callback_query(query, text="Đã ghi")
                fresh = api.press(USER, sent.to_dict(), "d:1:abcdef:ok")
                with pytest.raises(BadRequest, match=r"(?i)message_too_long"):
                    await bot.answer_callback_query(fresh, text="x" * 201)
                return first, again

        assert asyncio.run(scenario()) == (True, False)

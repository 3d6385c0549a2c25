"""Simulated officers for the fault and replica tests: bound to the sample's organizations, each
typing reports ("CT01 123 hội nghị"), waiting for the readback and pressing Confirm."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from storage.database import Database
from storage.models import utcnow
from storage.people import create_invite, redeem_invite
from tests.fakes.bot_api import FakeBotAPI

ORGS = (
    "BDVTU", "BCHQS", "CA", "MTTQ", "TD", "HLHPN", "HND", "HCCB", "LDLD", "BDBP", "HCTD",
    "BTGTU", "SLDTBXH", "HNCT", "DPTTH",
)  # fmt: skip
OFFICERS = {840001 + n: ORGS[n % len(ORGS)] for n in range(20)}
JSON = dict[str, Any]


def bind(db: Database, officers: Mapping[int, str] = OFFICERS) -> None:
    """Each officer redeems an invitation for their organization of the sample program."""
    with db.write() as s:
        for user, org in officers.items():
            code = create_invite(
                session=s, program_code="CTPH-2019", org_code=org, role="officer",
                created_by="test", now=utcnow(),
            ).code  # fmt: skip
            redeem_invite(
                session=s, code=code, telegram_id=user, name=f"Cán bộ {user}", language="vi",
                now=utcnow(),
            )  # fmt: skip


def value(user: int, round_: int) -> int:
    """A number no other report carries (under 10.000 and without a thousands dot up to 999,
    so it reads the same in any notation): 30 rounds per officer at most."""
    return (user - 840000) * 30 + round_


def confirm_button(message: JSON) -> str | None:
    for row in message.get("reply_markup", {}).get("inline_keyboard", []):
        for button in row:
            if "Xác nhận" in button["text"]:
                return str(button["callback_data"])
    return None


def report(
    api: FakeBotAPI,
    user: int,
    round_: int,
    *,
    wait: float,
    what: str,
    deliver: Callable[[JSON], object] | None = None,
) -> None:
    """One report: type it, wait for its readback, press Confirm, wait for the answer. With
    `deliver`, each update is also handed to the bot that way (a webhook); else the bot polls."""
    wanted = f"{value(user, round_)} hội nghị"
    before = len(api.sent_messages(user))
    update = api.send_text(user, f"CT01 {wanted}")
    if deliver is not None:
        deliver(update)

    def readbacks(a: FakeBotAPI) -> list[JSON]:
        sent = a.sent_messages(user, start=before)
        return [m for m in sent if confirm_button(m) and wanted in m.get("text", "")]

    api.wait_for(readbacks, timeout=wait, what=f"readback of {wanted} to {user} ({what})")
    readback = readbacks(api)[-1]
    data = confirm_button(readback)
    assert data is not None
    query = api.press(user, readback, data)
    if deliver is not None:
        deliver(api.callback_update(query))

    def answered(a: FakeBotAPI) -> bool:
        return a.callback_answer(query) is not None

    api.wait_for(answered, timeout=wait, what=f"Confirm of {wanted} answered ({what})")

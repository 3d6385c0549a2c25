"""Webhook mode: `phoihop run --webhook URL` as a user starts it. Telegram's requests without the
secret token get 403 and store nothing; with it, the update is stored before the 200 and then
processed; /healthz answers."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from storage.database import Database
from storage.models import IncomingUpdate
from storage.updates import DONE
from tests.fakes.bot_api import FakeBotAPI

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "7000005:Webhook-token-for-phoihop-tests"
URL = "https://bot.example.org/tg/hook"
SECRET = "s3cret_for-the-webhook"
USER = 840001
RUN = [sys.executable, "-m", "bot.cli", "run"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    with FakeBotAPI(token=TOKEN) as fake:
        fake.add_user(USER, first_name="Lan")
        yield fake


@pytest.fixture
def served(plan_db: Database, api: FakeBotAPI, tmp_path: Path) -> Iterator[str]:
    """`phoihop run --webhook` in its own process; the local address Telegram would post to."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": plan_db.url,
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "PHOIHOP_WEBHOOK_SECRET": SECRET,
        "PHOIHOP_REMINDERS_PLANNING": "off",
        "PYTHONUNBUFFERED": "1",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    log_path = tmp_path / "bot.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [*RUN, "--webhook", URL, "--listen", "127.0.0.1", "--port", str(port)],
            cwd=tmp_path,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        api.wait_for(lambda a: a.webhook_url == URL, timeout=30, what="setWebhook")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            assert process.wait(timeout=20) == 0
        finally:
            if process.poll() is None:
                process.kill()
        output = log_path.read_text()
        assert "Traceback" not in output, output


def _post(base: str, body: bytes, secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(base + "/tg/hook", data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def _get(base: str, path: str) -> tuple[int, Any]:
    with urllib.request.urlopen(base + path, timeout=10) as response:
        return int(response.status), json.loads(response.read())


def _update(update_id: int, text: str) -> bytes:
    user = {"id": USER, "is_bot": False, "first_name": "Lan"}
    message = {
        "message_id": update_id,
        "date": int(time.time()),
        "chat": {"id": USER, "type": "private", "first_name": "Lan"},
        "from": user,
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
    return json.dumps({"update_id": update_id, "message": message}).encode()


def _stored(db: Database) -> dict[int, str]:
    with db.read() as s:
        return {u.update_id: u.status for u in s.exec(select(IncomingUpdate)).all()}


@pytest.mark.slow
def test_webhook_needs_the_secret_and_stores_before_it_answers(
    plan_db: Database, api: FakeBotAPI, served: str
) -> None:
    hook = api.calls_to("setWebhook")[-1].params
    assert hook["secret_token"] == SECRET
    assert "callback_query" in hook["allowed_updates"]

    status, health = _get(served, "/healthz")
    assert (status, health["ok"], health["database"], health["pending"]) == (200, True, "ok", 0)

    # Without the secret, or with a wrong one: 403, and nothing kept or done.
    assert _post(served, _update(501, "/trogiup"), None) == 403
    assert _post(served, _update(502, "/trogiup"), "wrong") == 403
    assert _post(served, b"not json", SECRET) == 400
    assert _stored(plan_db) == {}

    # With it: the row is committed when the 200 arrives; then the update is processed.
    assert _post(served, _update(503, "/trogiup"), SECRET) == 200
    assert 503 in _stored(plan_db)
    api.wait_for(lambda a: len(a.sent_messages(USER)) == 1, timeout=10, what="the reply")

    # Telegram delivers it again (it did not hear our 200): kept once, answered once.
    assert _post(served, _update(503, "/trogiup"), SECRET) == 200
    assert _post(served, _update(504, "/trogiup"), SECRET) == 200
    api.wait_for(lambda a: len(a.sent_messages(USER)) == 2, timeout=10, what="the second reply")
    deadline = time.monotonic() + 10
    while _stored(plan_db) != {503: DONE, 504: DONE}:
        assert time.monotonic() < deadline, _stored(plan_db)
        time.sleep(0.05)
    time.sleep(0.3)
    assert len(api.sent_messages(USER)) == 2
    status, health = _get(served, "/healthz")
    assert (status, health["pending"]) == (200, 0)
    assert api.errors == []


def test_a_webhook_url_must_be_https(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from bot.cli import main

    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    db = tmp_path / "never.db"
    url = f"sqlite:///{db}"
    assert main(["run", "--database-url", url, "--webhook", "http://bot.example.org/h"]) == 1
    assert "https://" in capsys.readouterr().err
    assert not db.exists(), "refused before the database was opened"

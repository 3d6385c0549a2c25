"""`phoihop run` in its own process against the fake Bot API, for the end-to-end tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from tests.fakes.bot_api import FakeBotAPI

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def bot_running(
    database_url: str, api: FakeBotAPI, workdir: Path, *, env: Mapping[str, str] | None = None
) -> Iterator[subprocess.Popen[str]]:
    """`phoihop run` on `database_url`, polling `api`, from `workdir` (its log in `bot.log`
    there), once it has set its command menu; `env` adds to its environment. Stopped by SIGINT
    (killed if it has not stopped 20 s later); its log must hold no traceback."""
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "PYTHONUNBUFFERED": "1",
        # The code under test, wherever this checkout is (not only an installed copy).
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        **(env or {}),
    }
    log_path = workdir / "bot.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run"],
        cwd=workdir,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        api.wait_for(
            lambda a: a.commands({"type": "all_private_chats"}, "en"),
            timeout=30,
            what="command menu",
        )
        yield process
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        output = log_path.read_text()
        assert "Traceback" not in output, output

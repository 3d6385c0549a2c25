"""Replicas of `phoihop run --webhook` on one database, and Telegram delivering to them through a
load balancer: for the replica tests and `bench/bench_intake.py`.

Each replica is its own process listening on a local port, with the same webhook secret and the
fake Bot API as its Telegram; `Cluster.deliver` posts an update to the next replica in turn (round
robin, as a load balancer would) and returns once the replica answered 200, which it does only
after the update is stored.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tests.fakes.bot_api import FakeBotAPI

ROOT = Path(__file__).resolve().parents[2]
SECRET = "Replica-secret_0123456789"
HOOK_URL = "https://bot.example.org/tg/hook"
HOOK_PATH = "/tg/hook"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    """`replicas` bot processes in webhook mode on the database at `url`."""

    def __init__(
        self,
        url: str,
        api: FakeBotAPI,
        logs: Path,
        *,
        replicas: int,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.url = url
        self.api = api
        self.logs = logs
        self.ports = [free_port() for _ in range(replicas)]
        self.env = {
            **os.environ,
            "DATABASE_URL": url,
            "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_API_BASE_URL": api.base_url,
            "PHOIHOP_WEBHOOK_SECRET": SECRET,
            "PHOIHOP_REMINDERS_PLANNING": "off",
            "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
            **(env or {}),
        }
        self.processes: list[subprocess.Popen[str]] = []
        self._next = itertools.cycle(range(replicas))
        self._lock = threading.Lock()

    def start(self, timeout: float = 60) -> None:
        """Starts every replica and waits until each answers its health check."""
        for n, port in enumerate(self.ports):
            with (self.logs / f"replica{n}.log").open("w") as out:
                command = [
                    sys.executable, "-m", "bot.cli", "run", "--webhook", HOOK_URL,
                    "--listen", "127.0.0.1", "--port", str(port),
                ]  # fmt: skip
                env = {**self.env, "PHOIHOP_INSTANCE": f"replica-{n}"}
                process = subprocess.Popen(
                    command, cwd=self.logs, env=env, stdout=out, stderr=subprocess.STDOUT,
                    text=True,
                )  # fmt: skip
                self.processes.append(process)
        deadline = time.monotonic() + timeout
        for port in self.ports:
            while not self.healthy(port):
                if time.monotonic() > deadline:
                    raise AssertionError(f"replica on port {port} did not start: {self.log()}")
                time.sleep(0.1)

    def healthy(self, port: int) -> bool:
        try:
            url = f"http://127.0.0.1:{port}/healthz"
            with urllib.request.urlopen(url, timeout=5) as response:
                return bool(json.loads(response.read()).get("ok"))
        except (OSError, ValueError):
            return False

    def deliver(self, update: Mapping[str, Any], attempts: int = 50) -> int:
        """Posts `update` to the next replica, as Telegram through a load balancer; the port
        that took it. Telegram retries what was not answered 200, and so does this."""
        body = json.dumps(update).encode()
        headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}
        for _ in range(attempts):
            with self._lock:
                port = self.ports[next(self._next)]
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{HOOK_PATH}", data=body, headers=headers, method="POST"
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    if response.status == 200:
                        return port
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.1)
        raise AssertionError(f"no replica took update {update.get('update_id')}")

    def stop(self) -> list[int]:
        """SIGTERM to every replica; their exit codes."""
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        codes = []
        for process in self.processes:
            try:
                codes.append(process.wait(timeout=30))
            except subprocess.TimeoutExpired:
                process.kill()
                codes.append(process.wait(timeout=10))
        return codes

    def log(self) -> str:
        return "\n".join(
            f"--- replica {n}\n" + (self.logs / f"replica{n}.log").read_text()[-3000:]
            for n in range(len(self.ports))
            if (self.logs / f"replica{n}.log").exists()
        )

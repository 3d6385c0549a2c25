"""Webhook mode: Telegram POSTs each update to us; it is stored before we answer 200.

`phoihop run --webhook URL` serves the URL's path on `--listen`/`--port` (behind any reverse
proxy that forwards to it) with tornado, and calls setWebhook with the secret token. A request
without the right `X-Telegram-Bot-Api-Secret-Token` gets 403 and nothing is stored; a good one
is stored (committed) before the 200, so Telegram delivers again whatever we did not keep; then
the intake processes it as in polling mode (`bot.intake`). `GET /healthz` answers a small JSON:
whether the database answers, and how many updates wait.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import tornado.httpserver
import tornado.web

from bot.intake import ALLOWED_UPDATES, Intake
from storage.updates import pending_count

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_PATH = "/healthz"


@dataclass(frozen=True, slots=True)
class WebhookOptions:
    """Where Telegram posts (`url`, https), the secret it sends, where we listen."""

    url: str
    secret: str
    listen: str = "0.0.0.0"
    port: int = 8080

    @property
    def path(self) -> str:
        return urlsplit(self.url).path or "/"


class UpdateHandler(tornado.web.RequestHandler):
    """POST of one update: checked, stored, answered 200, then processed."""

    def initialize(self, intake: Intake, secret: str) -> None:
        self.intake = intake
        self.secret = secret

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            log.warning("webhook request without the right secret from %s", self.request.remote_ip)
            self.send_error(403)
            return
        try:
            update = json.loads(self.request.body)
        except ValueError:
            update = None
        if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
            self.send_error(400)
            return
        try:
            await self.intake.store([update])
        except Exception:  # not stored: Telegram will deliver it again
            log.exception("could not store update %s", update["update_id"])
            self.send_error(503)
            return
        self.set_status(200)
        await self.finish()
        self.intake.wake()


class HealthHandler(tornado.web.RequestHandler):
    """GET: {"ok", "database", "pending"}; 503 when the database does not answer."""

    def initialize(self, intake: Intake) -> None:
        self.intake = intake

    async def get(self) -> None:
        body: dict[str, Any] = {"ok": True, "mode": "webhook", "database": "ok"}
        try:
            body["pending"] = await asyncio.to_thread(self._pending)
        except Exception as exc:
            log.warning("health: the database does not answer: %s", exc)
            body.update(ok=False, database="unreachable", pending=None)
            self.set_status(503)
        self.set_header("Content-Type", "application/json")
        await self.finish(json.dumps(body))

    def _pending(self) -> int:
        with self.intake.db.read() as s:
            return pending_count(s)


def make_app(intake: Intake, options: WebhookOptions) -> tornado.web.Application:
    return tornado.web.Application(
        [
            (HEALTH_PATH, HealthHandler, {"intake": intake}),
            (re.escape(options.path), UpdateHandler, {"intake": intake, "secret": options.secret}),
        ]
    )


async def serve_webhook(intake: Intake, options: WebhookOptions, stop: asyncio.Event) -> None:
    """Listens, sets the webhook, processes stored updates until `stop`."""
    server = tornado.httpserver.HTTPServer(make_app(intake, options), xheaders=True)
    server.listen(options.port, options.listen)
    log.info("listening on %s:%s%s", options.listen, options.port, options.path)
    worker = asyncio.create_task(intake.work(stop), name="update intake")
    try:
        await intake.application.bot.set_webhook(
            url=options.url,
            secret_token=options.secret,
            allowed_updates=list(ALLOWED_UPDATES),
        )
        log.info("webhook set to %s", options.url)
        await stop.wait()
    finally:
        server.stop()
        stop.set()
        intake.wake()
        await worker
        await server.close_all_connections()

"""Operations: `phoihop backup` (a consistent copy of the database) and `phoihop doctor` (is
everything the bot needs in place?).

Both return plain results; `bot.cli` prints them in the user's language. The doctor talks to the
Bot API through python-telegram-bot's `Bot` at the configured base URL, like `phoihop run`.
"""

from __future__ import annotations

import os
import shlex
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import col, select
from telegram import Bot, ChatMember
from telegram.error import ChatMigrated, Forbidden, InvalidToken, TelegramError

from storage.database import Database
from storage.models import Program

Verdict = Literal["ok", "warning", "problem"]


class BackupRefusedError(Exception):
    """The backup cannot be made; `key` and `params` name why, for the catalogs."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


# --- backup ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SqliteBackup:
    """A copy made: where, its size in bytes, and PRAGMA integrity_check's answer."""

    path: Path
    size: int
    integrity: str


@dataclass(frozen=True)
class PostgresBackup:
    """What to run instead: the pg_dump command line (without any password)."""

    command: str


def backup(url: str, target: Path, *, force: bool = False) -> SqliteBackup | PostgresBackup:
    """Back the database at `url` up to `target`.

    SQLite: a consistent copy with sqlite3's online backup API (safe while the bot runs: it reads
    one snapshot, writers carry on), verified with `PRAGMA integrity_check`; written beside the
    target and renamed into place, so a failed backup leaves no partial file. PostgreSQL: nothing
    is written; the equivalent pg_dump command is returned. An existing `target` is refused
    unless `force`."""
    parsed = sa.make_url(url)
    backend = parsed.get_backend_name()
    if backend in ("postgresql", "postgres"):
        return PostgresBackup(pg_dump_command(url, target))
    if backend != "sqlite":
        raise BackupRefusedError("backup-unsupported", backend=backend)
    source = parsed.database
    if not source or source == ":memory:" or source.startswith("file:"):
        raise BackupRefusedError("backup-no-file", url=url)
    source_path = Path(source)
    if not source_path.is_file():
        raise BackupRefusedError("backup-missing", path=str(source_path))
    if target.exists() and not force:
        raise BackupRefusedError("backup-exists", path=str(target))
    if target.resolve() == source_path.resolve():
        raise BackupRefusedError("backup-same-file", path=str(target))
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        src = sqlite3.connect(f"file:{source_path}?mode=rw", uri=True, timeout=30)
        try:
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst)
                # One self-contained file: the copy need not be in WAL mode like the original.
                dst.execute("PRAGMA journal_mode=DELETE")
                rows = dst.execute("PRAGMA integrity_check").fetchall()
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise BackupRefusedError("backup-failed", detail=str(exc)) from None
    integrity = "\n".join(str(row[0]) for row in rows)
    if integrity != "ok":
        partial.unlink(missing_ok=True)
        raise BackupRefusedError("backup-corrupt", detail=integrity)
    os.replace(partial, target)
    return SqliteBackup(target, target.stat().st_size, integrity)


def pg_dump_command(url: str, target: Path) -> str:
    """The pg_dump command that backs up the database at `url` to `target` (custom format,
    restorable with pg_restore). Host, port, user and database come from the URL; the password
    never does (pg_dump asks for it, or reads PGPASSWORD or ~/.pgpass)."""
    parsed = sa.make_url(url)
    parts = ["pg_dump"]
    for option, value in (
        ("--host", parsed.host),
        ("--port", parsed.port),
        ("--username", parsed.username),
    ):
        if value:
            parts += [option, str(value)]
    parts += ["--format=custom", "--file", str(target)]
    if parsed.database:
        parts += ["--dbname", parsed.database]
    return shlex.join(parts)


# --- doctor ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One check's verdict, with the catalog key (and its parameters) that explains it."""

    verdict: Verdict
    key: str
    params: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Group:
    """A program's committee group, as the database knows it."""

    program: str
    chat_id: int


def check_database(url: str) -> tuple[list[Finding], list[Group] | None]:
    """Is the database reachable and its schema current? And the committee groups it names
    (None when it could not be read)."""
    safe = sa.make_url(url).render_as_string(hide_password=True)
    db = Database(url)
    try:
        try:
            state = db.schema_state()
        except SQLAlchemyError as exc:
            detail = str(getattr(exc, "orig", exc)).splitlines()[0]
            return [
                Finding("problem", "doctor-db-unreachable", {"url": safe, "detail": detail})
            ], []
        if state == "empty":
            return [Finding("problem", "doctor-db-empty", {"url": safe})], None
        if state == "outdated":
            current = db.current_revision() or "-"
            head = db.head_revision() or "-"
            finding = Finding(
                "problem", "doctor-db-outdated", {"url": safe, "current": current, "head": head}
            )
            return [finding], None
        with db.read() as session:
            rows = session.exec(
                select(Program.code, Program.group_chat_id)
                .where(col(Program.group_chat_id).is_not(None))
                .order_by(col(Program.code))
            ).all()
        groups = [Group(code, chat_id) for code, chat_id in rows if chat_id is not None]
        revision = db.current_revision() or "-"
        return [Finding("ok", "doctor-db-ok", {"url": safe, "revision": revision})], groups
    finally:
        db.dispose()


def _file_url(base_url: str) -> str:
    return base_url.replace("/bot", "/file/bot")


async def check_telegram(
    token: str | None, base_url: str, groups: list[Group] | None
) -> list[Finding]:
    """The token (getMe), the webhook (getWebhookInfo) and, for each committee group, whether
    the bot is still in it and can read what is said there (`groups` None: not checked)."""
    if not token:
        return [Finding("problem", "doctor-token-missing")]
    try:
        bot = Bot(token, base_url=base_url, base_file_url=_file_url(base_url))
    except InvalidToken:
        return [Finding("problem", "doctor-token-rejected", {"api": base_url})]
    try:
        async with bot:
            return await _telegram_findings(bot, base_url, groups)
    except InvalidToken:
        return [Finding("problem", "doctor-token-rejected", {"api": base_url})]
    except TelegramError as exc:
        detail = str(exc) or type(exc).__name__
        return [Finding("problem", "doctor-api-unreachable", {"api": base_url, "detail": detail})]


async def _telegram_findings(bot: Bot, base_url: str, groups: list[Group] | None) -> list[Finding]:
    me = bot.bot  # getMe, made by `async with bot`
    findings = [Finding("ok", "doctor-token-ok", {"username": me.username, "api": base_url})]
    info = await bot.get_webhook_info()
    if not info.url:
        findings.append(Finding("ok", "doctor-webhook-none"))
    else:
        params: dict[str, object] = {"url": info.url, "pending": info.pending_update_count}
        if info.last_error_message:
            params["error"] = info.last_error_message
            findings.append(Finding("warning", "doctor-webhook-error", params))
        else:
            findings.append(Finding("ok", "doctor-webhook-set", params))
    if groups is None:
        return findings
    if not groups:
        findings.append(Finding("ok", "doctor-groups-none"))
    reads_all = bool(me.can_read_all_group_messages)
    for group in groups:
        findings.append(await _group_finding(bot, group, reads_all, me.username or "-"))
    return findings


async def _group_finding(bot: Bot, group: Group, reads_all: bool, username: str) -> Finding:
    params: dict[str, object] = {"program": group.program, "chat": str(group.chat_id)}
    try:
        member = await bot.get_chat_member(group.chat_id, bot.id)
    except ChatMigrated as exc:
        params["new_chat"] = str(exc.new_chat_id)
        return Finding("problem", "doctor-group-migrated", params)
    except Forbidden as exc:
        params["detail"] = str(exc)
        return Finding("problem", "doctor-group-gone", params)
    except TelegramError as exc:  # "chat not found" and the like
        params["detail"] = str(exc)
        return Finding("problem", "doctor-group-gone", params)
    status = member.status
    if status in (ChatMember.LEFT, ChatMember.BANNED) or (
        status == ChatMember.RESTRICTED and not getattr(member, "is_member", True)
    ):
        params["detail"] = status
        return Finding("problem", "doctor-group-gone", params)
    if status in (ChatMember.ADMINISTRATOR, ChatMember.OWNER):
        return Finding("ok", "doctor-group-admin", params)
    if reads_all:
        return Finding("ok", "doctor-group-reads-all", params)
    params["username"] = username
    return Finding("warning", "doctor-group-privacy", params)


def exit_code(findings: list[Finding]) -> int:
    """0 when no check found a problem (warnings allowed), 1 otherwise."""
    return 1 if any(f.verdict == "problem" for f in findings) else 0


def render_findings(findings: list[Finding], t: Callable[..., str]) -> str:
    """One verdict line per check (its explanation indented under it), then the summary."""
    lines = []
    for finding in findings:
        mark = t(f"doctor-verdict-{finding.verdict}")
        text = t(finding.key, **finding.params)
        first, *rest = text.splitlines()
        lines.append(f"{mark} {first}")
        lines += [f"      {line}" for line in rest]
    problems = sum(f.verdict == "problem" for f in findings)
    warnings = sum(f.verdict == "warning" for f in findings)
    if problems:
        lines.append(t("doctor-summary-problems", problems=problems, warnings=warnings))
    elif warnings:
        lines.append(t("doctor-summary-warnings", warnings=warnings))
    else:
        lines.append(t("doctor-summary-ok"))
    return "\n".join(lines) + "\n"

"""The `phoihop` command line: database, plans, report logs, status and the demo.

Every command validates its arguments and files before it opens the database, so a bad call
changes nothing. Exit codes: 0 done, 1 refused (bad file, unknown program ...), 2 bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from bot.i18n import LANGUAGES, Translator, translator
from bot.render import (
    TEXT_LIST_LIMIT,
    render_issue,
    render_operation_error,
    render_status,
    status_json,
)
from config.settings import SAMPLE_PLAN, SAMPLE_REPORTS, Settings
from storage.database import Database
from storage.documents import DocumentError, load_plan, load_report_log
from storage.errors import OperationError
from storage.models import utcnow
from storage.operations import replay_log
from storage.people import ROLES, create_invite
from storage.plans import export_plan, get_program, import_plan
from storage.summaries import program_status
from storage.vietnamese import VietnameseParseError, format_date, parse_date

if TYPE_CHECKING:
    from bot.webhook import WebhookOptions

DEMO_AS_OF = date(2019, 6, 14)


class RefusalError(Exception):
    """A command that cannot go on; its message is already in the user's language."""


def _parser(t: Translator) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="phoihop", description=t("cli-description"))
    parser.add_argument("--database-url", help=t("cli-help-database-url"))
    parser.add_argument("--lang", choices=LANGUAGES, help=t("cli-help-lang"))
    # The same two options after the command (`phoihop status P --lang en`) win over the
    # global ones; SUPPRESS keeps an absent one from resetting the global value.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database-url", default=argparse.SUPPRESS, help=t("cli-help-database-url")
    )
    common.add_argument(
        "--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help=t("cli-help-lang")
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add = sub.add_parser

    def sub_parser(name: str, **kw: Any) -> argparse.ArgumentParser:
        return add(name, parents=[common], **kw)

    db = sub_parser("db", help=t("cli-help-db"))
    db.add_argument("action", choices=["upgrade", "current"])

    imp = sub_parser("import", help=t("cli-help-import"))
    imp.add_argument("plan", type=Path, metavar="PLAN")
    imp.add_argument("--dry-run", action="store_true", help=t("cli-help-dry-run"))

    exp = sub_parser("export", help=t("cli-help-export"))
    exp.add_argument("program", metavar="PROGRAM")
    exp.add_argument("file", type=Path, metavar="FILE")
    exp.add_argument(
        "--kind", choices=["plan", "status", "review", "chart"], help=t("cli-help-export-kind")
    )
    exp.add_argument("--as-of", metavar="DATE", help=t("cli-help-as-of"))
    exp.add_argument("--period", metavar="PERIOD", help=t("cli-help-period"))

    rep = sub_parser("replay", help=t("cli-help-replay"))
    rep.add_argument("log", type=Path, metavar="LOG")
    rep.add_argument("--program", help=t("cli-help-program"))

    st = sub_parser("status", help=t("cli-help-status"))
    st.add_argument("program", metavar="PROGRAM")
    _status_options(st, t)

    inv = sub_parser("invite", help=t("cli-help-invite"))
    inv.add_argument("program", metavar="PROGRAM")
    inv.add_argument("org", metavar="ORG")
    inv.add_argument("--role", choices=ROLES, default="officer", help=t("cli-help-role"))
    inv.add_argument("--bot-username", help=t("cli-help-bot-username"))

    mem = sub_parser("members", help=t("cli-help-members"))
    mem.add_argument("program", metavar="PROGRAM")

    run = sub_parser("run", help=t("cli-help-run"))
    run.add_argument("--webhook", metavar="URL", help=t("cli-help-webhook"))
    run.add_argument("--listen", metavar="HOST", help=t("cli-help-listen"))
    run.add_argument("--port", type=int, metavar="N", help=t("cli-help-port"))

    rem = sub_parser("reminders", help=t("cli-help-reminders"))
    rem_sub = rem.add_subparsers(dest="action", required=True, metavar="ACTION")
    rem_status = rem_sub.add_parser(
        "status", parents=[common], help=t("cli-help-reminders-status")
    )
    rem_status.add_argument("program", metavar="PROGRAM", nargs="?")
    rem_preview = rem_sub.add_parser(
        "preview", parents=[common], help=t("cli-help-reminders-preview")
    )
    rem_preview.add_argument("program", metavar="PROGRAM")
    rem_preview.add_argument(
        "--from", dest="first", metavar="DD/MM/YYYY", required=True, help=t("cli-help-from")
    )
    rem_preview.add_argument(
        "--to", dest="last", metavar="DD/MM/YYYY", required=True, help=t("cli-help-to")
    )
    rem_preview.add_argument("--json", action="store_true", help=t("cli-help-json"))

    bak = sub_parser("backup", help=t("cli-help-backup"))
    bak.add_argument("file", type=Path, metavar="FILE", help=t("cli-help-backup-file"))
    bak.add_argument("--force", action="store_true", help=t("cli-help-force"))

    sub_parser("doctor", help=t("cli-help-doctor"))

    demo = sub_parser("demo", help=t("cli-help-demo"))
    demo.add_argument("--keep", type=Path, metavar="FILE.db", help=t("cli-help-keep"))
    demo.add_argument("--json", action="store_true", help=t("cli-help-json"))
    return parser


def _status_options(parser: argparse.ArgumentParser, t: Translator) -> None:
    parser.add_argument("--as-of", metavar="DATE", help=t("cli-help-as-of"))
    parser.add_argument("--org", metavar="ORG", help=t("cli-help-org"))
    parser.add_argument("--json", action="store_true", help=t("cli-help-json"))


def _early_language(argv: Sequence[str], settings: Settings) -> str:
    for n, arg in enumerate(argv):
        if arg == "--lang" and n + 1 < len(argv):
            return argv[n + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return settings.default_language


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run one command; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    out = out or sys.stdout
    try:
        settings = Settings()
    except ValidationError as exc:
        print(translator("vi")("cli-error", message=str(exc.errors()[0]["msg"])), file=sys.stderr)
        return 2
    t = translator(_early_language(argv, settings))
    args = _parser(t).parse_args(argv)
    url = args.database_url or settings.database_url
    try:
        return _COMMANDS[args.command](args, t, url, out)
    except RefusalError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except OperationError as exc:
        print(t("cli-error", message=render_operation_error(exc, t)), file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        detail = str(getattr(exc, "orig", exc)).splitlines()[0]
        print(t("cli-db-unreachable", url=_safe_url(url), detail=detail), file=sys.stderr)
        return 1


def _safe_url(url: str) -> str:
    from sqlalchemy import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url


def _document_error(exc: DocumentError, path: Path, t: Translator, *, source: str) -> RefusalError:
    lines = [t("cli-document-error", path=str(path), count=len(exc.issues))]
    lines += [render_issue(issue, t, source=source) for issue in exc.issues]
    return RefusalError("\n".join(lines))


def _open(url: str, t: Translator, *, create: bool) -> Database:
    """The database, its schema current. `create` makes the schema in an empty database;
    otherwise an empty or outdated one is refused with what to run."""
    db = Database(url)
    state = db.schema_state()
    if state == "current":
        return db
    if state == "empty" and create:
        db.upgrade()
        return db
    db.dispose()
    if state == "empty":
        raise RefusalError(t("cli-error", message=t("cli-db-empty")))
    raise RefusalError(t("cli-db-outdated"))


def _cmd_db(args: argparse.Namespace, t: Translator, url: str, out: TextIO) -> int:
    db = Database(url)
    try:
        if args.action == "upgrade":
            db.upgrade()
        print(t("cli-db-upgraded", revision=db.current_revision() or "-"), file=out)
    finally:
        db.dispose()
    return 0


def _cmd_import(args: argparse.Namespace, t: Translator, url: str, out: TextIO) -> int:
    source = "sheet" if args.plan.suffix.lower() == ".xlsx" else "yaml"
    try:
        plan = load_plan(args.plan)
    except DocumentError as exc:
        raise _document_error(exc, args.plan, t, source=source) from None
    db = _open(url, t, create=True)
    try:
        with db.write() as session:
            changes = import_plan(
                session=session, plan=plan, actor="cli", now=utcnow(), dry_run=args.dry_run
            )
            if args.dry_run:
                session.rollback()
    finally:
        db.dispose()
    if changes.created:
        print(
            t(
                "cli-import-created",
                program=plan.program.code,
                orgs=len(plan.organizations),
                indicators=len(plan.indicators),
                periods=len(plan.periods),
                tasks=len(plan.tasks),
            ),
            file=out,
        )
    elif not changes.any:
        print(t("cli-import-unchanged", program=plan.program.code), file=out)
    else:
        tasks, orgs = changes.tasks, changes.organizations
        print(
            t(
                "cli-import-updated",
                program=plan.program.code,
                added=len(tasks.added),
                changed=len(tasks.changed),
                removed=len(tasks.removed),
                orgs_added=len(orgs.added),
                orgs_changed=len(orgs.changed),
                orgs_removed=len(orgs.removed),
            ),
            file=out,
        )
    return 0


_KIND_OF_SUFFIX = {".xlsx": "plan", ".docx": "review", ".png": "chart"}
_SUFFIX_OF_KIND = {"plan": ".xlsx", "status": ".xlsx", "review": ".docx", "chart": ".png"}


def _cmd_export(args: argparse.Namespace, t: Translator, url: str, out: TextIO) -> int:
    from storage.workbook import write_plan_workbook

    suffix = args.file.suffix.lower()
    kind = args.kind or _KIND_OF_SUFFIX.get(suffix)
    if kind is None or _SUFFIX_OF_KIND[kind] != suffix:
        raise RefusalError(t("cli-error", message=t("cli-export-format", path=str(args.file))))
    if kind != "plan":
        return _export_document(args, kind, t, url, out)
    db = _open(url, t, create=False)
    try:
        with db.read() as session:
            plan = export_plan(session=session, program_code=args.program)
    finally:
        db.dispose()
    write_plan_workbook(plan, args.file)
    print(t("cli-exported", program=args.program, path=str(args.file)), file=out)
    return 0


def _export_document(
    args: argparse.Namespace, kind: str, t: Translator, url: str, out: TextIO
) -> int:
    """The status workbook, the review draft or the chart, as of a date."""
    from bot.exports.documents import KINDS, write_document

    document = next(k for k in KINDS if k == kind)
    db = _open(url, t, create=False)
    try:
        with db.read() as session:
            zone = get_program(session, args.program).timezone
            as_of = _as_of(args.as_of, t, zone)
            write_document(
                session=session,
                kind=document,
                program_code=args.program,
                as_of=as_of,
                t=t,
                path_or_stream=args.file,
                period_code=args.period,
            )
    finally:
        db.dispose()
    print(
        t(
            f"cli-exported-{kind}",
            program=args.program,
            path=str(args.file),
            date=format_date(as_of),
        ),
        file=out,
    )
    return 0


def _cmd_replay(args: argparse.Namespace, t: Translator, url: str, out: TextIO) -> int:
    try:
        log = load_report_log(args.log)
    except DocumentError as exc:
        raise _document_error(exc, args.log, t, source="yaml") from None
    db = _open(url, t, create=False)
    try:
        with db.write() as session:
            result = replay_log(session=session, log=log, now=utcnow(), program_code=args.program)
    except DocumentError as exc:
        raise _document_error(exc, args.log, t, source="log") from None
    finally:
        db.dispose()
    print(
        t(
            "cli-replayed",
            program=result.program,
            recorded=result.recorded,
            duplicates=result.duplicates,
            people=result.people,
        ),
        file=out,
    )
    return 0


def _as_of(text: str | None, t: Translator, zone: str) -> date:
    today = datetime.now(ZoneInfo(zone)).date()
    if text is None:
        return today
    try:
        return parse_date(text, today=today)
    except VietnameseParseError as exc:
        message = render_operation_error(exc, t)
        raise RefusalError(t("cli-bad-option", option="--as-of", message=message)) from None


def _print_status(
    db: Database,
    program: str,
    as_of_text: str | None,
    org: str | None,
    as_json: bool,
    t: Translator,
    out: TextIO,
) -> None:
    with db.read() as session:
        prog = get_program(session, program)
        as_of = _as_of(as_of_text, t, prog.timezone)
        status = program_status(
            session=session,
            program_code=program,
            as_of=as_of,
            org_code=org,
            limit=None if as_json else TEXT_LIST_LIMIT,
        )
        org_name = next((o.name for o in status.organizations if o.code == org), None)
    if as_json:
        json.dump(status_json(status), out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        out.write(render_status(status, t, org_name=org_name))


def _cmd_status(args: argparse.Namespace, t: Translator, url: str, out: TextIO) -> int:
    db = _open(url, t, create=False)
    try:
        _print_status(db, args.program, args.as_of, args.org, args.json, t, out)
    finally:
        db.dispose()
    return 0


def _cmd_demo(args: argparse.Namespace, t: Translator, url: str, out: TextIO) -> int:
    del url  # the demo always runs on a fresh embedded database
    with tempfile.TemporaryDirectory(prefix="phoihop-demo-") as tmp:
        path = args.keep or Path(tmp) / "demo.db"
        if path.exists():
            path.unlink()
        db = Database(f"sqlite:///{path}")
        try:
            db.upgrade()
            plan = load_plan(SAMPLE_PLAN)
            log = load_report_log(SAMPLE_REPORTS)
            now = utcnow()
            with db.write() as session:
                import_plan(session=session, plan=plan, actor="demo", now=now)
                replay_log(session=session, log=log, now=now, program_code=plan.program.code)
            if not args.json:
                out.write(t("cli-demo-intro", path=str(path), date=format_date(DEMO_AS_OF)))
                out.write("\n\n")
            _print_status(db, plan.program.code, "14/06/2019", None, args.json, t, out)
        finally:
            db.dispose()
    return 0


def _cmd_invite(args: argparse.Namespace, t: Translator, url: str, out: TextIO) -> int:
    settings = Settings()
    db = _open(url, t, create=False)
    try:
        with db.write() as session:
            info = create_invite(
                session=session,
                program_code=args.program,
                org_code=args.org,
                role=args.role,
                created_by="cli",
                now=utcnow(),
            )
            zone = ZoneInfo(get_program(session, args.program).timezone)
    finally:
        db.dispose()
    username = args.bot_username or settings.telegram_bot_username
    expires = format_date(info.expires_at.astimezone(zone).date())
    print(
        t(
            "cli-invite-made",
            org=info.org,
            org_name=info.org_name,
            role=t(f"role-{info.role}"),
            code=info.code,
            expires=expires,
        ),
        file=out,
    )
    if username:
        print(
            t("cli-invite-link", link=f"https://t.me/{username.lstrip('@')}?start={info.code}"),
            file=out,
        )
    else:
        print(t("cli-invite-no-username", code=info.code), file=out)
    return 0


def _cmd_members(args: argparse.Namespace, t: Translator, url: str, out: TextIO) -> int:
    from bot.members import roster_text
    from storage.members import members_by_code

    db = _open(url, t, create=False)
    try:
        with db.read() as session:
            roster = members_by_code(session=session, program_code=args.program)
    finally:
        db.dispose()
    print(roster_text(t, roster), file=out)
    if roster.gaps:
        print(t("cli-members-gap-hint", program=roster.program_code), file=out)
    return 0


def _cmd_run(args: argparse.Namespace, t: Translator, url: str, out: TextIO) -> int:
    settings = Settings()
    if not settings.telegram_bot_token:
        raise RefusalError(t("cli-run-no-token"))
    import asyncio

    from bot import logs
    from bot.app import build_application
    from bot.intake import serve

    logs.configure(settings.log_level, settings.log_format)
    webhook = _webhook_options(args, settings, t, out)
    db = _open(url, t, create=True)
    app = build_application(
        token=settings.telegram_bot_token,
        db=db,
        base_url=settings.telegram_api_base_url,
        default_language=settings.default_language,
    )
    print(t("cli-run-starting", url=_safe_url(url), api=settings.telegram_api_base_url), file=out)
    try:
        # Every update is stored before it has any effect (bot/intake.py), polling or webhook.
        asyncio.run(
            serve(
                app,
                db,
                webhook=webhook,
                instance=settings.instance,
                lease=timedelta(seconds=settings.update_lease),
            )
        )
    finally:
        db.dispose()
    return 0


def _webhook_options(
    args: argparse.Namespace, settings: Settings, t: Translator, out: TextIO
) -> WebhookOptions | None:
    import secrets

    from bot.webhook import WebhookOptions

    url = args.webhook or settings.webhook_url
    if not url:
        return None
    if not url.startswith("https://"):
        raise RefusalError(t("cli-run-webhook-not-https", url=url))
    secret = settings.webhook_secret
    if not secret:
        print(t("cli-run-webhook-secret-generated"), file=out)
        secret = secrets.token_urlsafe(32)
    listen = args.listen or settings.webhook_listen
    port = args.port or settings.webhook_port
    print(t("cli-run-webhook", url=url, listen=listen, port=port), file=out)
    return WebhookOptions(url=url, secret=secret, listen=listen, port=port)


def _cmd_reminders(args: argparse.Namespace, t: Translator, url: str, out: TextIO) -> int:
    """`reminders status [PROGRAM]`: the outbox; `reminders preview PROGRAM --from --to`: what
    would be sent to whom and when, without sending."""
    from bot.reminder_texts import outbox_status, preview, preview_json, preview_text

    db = _open(url, t, create=False)
    try:
        with db.read() as session:
            if args.action == "status":
                program = get_program(session, args.program) if args.program else None
                out.write(outbox_status(session, t, program))
                return 0
            program = get_program(session, args.program)
            first = _day_option(args.first, "--from", t, program.timezone)
            last = _day_option(args.last, "--to", t, program.timezone)
            if last < first:
                message = t(
                    "cli-reminders-bad-range", start=format_date(first), end=format_date(last)
                )
                raise RefusalError(t("cli-bad-option", option="--to", message=message))
            planned = preview(session, t, program, first, last)
    finally:
        db.dispose()
    if args.json:
        json.dump(preview_json(planned, t), out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        out.write(preview_text(planned, t))
    return 0


def _day_option(text: str, option: str, t: Translator, zone: str) -> date:
    try:
        return parse_date(text, today=datetime.now(ZoneInfo(zone)).date())
    except VietnameseParseError as exc:
        message = render_operation_error(exc, t)
        raise RefusalError(t("cli-bad-option", option=option, message=message)) from None


def _cmd_backup(args: argparse.Namespace, t: Translator, url: str, out: TextIO) -> int:
    """A consistent copy of a SQLite database; for PostgreSQL, the pg_dump command to run."""
    from bot.ops import BackupRefusedError, PostgresBackup, backup

    try:
        result = backup(url, args.file, force=args.force)
    except BackupRefusedError as exc:
        raise RefusalError(t("cli-error", message=t(exc.key, **exc.params))) from None
    if isinstance(result, PostgresBackup):
        print(t("backup-postgres", command=result.command), file=out)
    else:
        done = t(
            "backup-done", path=str(result.path), size=result.size, integrity=result.integrity
        )
        print(done, file=out)
    return 0


def _cmd_doctor(args: argparse.Namespace, t: Translator, url: str, out: TextIO) -> int:
    """Check the token, the database, the webhook and each committee group: one verdict line
    each; exit code 1 when any check found a problem."""
    import asyncio

    from bot.ops import check_database, check_telegram, exit_code, render_findings

    settings = Settings()
    findings, groups = check_database(url)
    findings += asyncio.run(
        check_telegram(settings.telegram_bot_token, settings.telegram_api_base_url, groups)
    )
    out.write(render_findings(findings, t))
    return exit_code(findings)


_COMMANDS = {
    "invite": _cmd_invite,
    "members": _cmd_members,
    "run": _cmd_run,
    "db": _cmd_db,
    "import": _cmd_import,
    "export": _cmd_export,
    "replay": _cmd_replay,
    "status": _cmd_status,
    "demo": _cmd_demo,
    "reminders": _cmd_reminders,
    "backup": _cmd_backup,
    "doctor": _cmd_doctor,
}


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

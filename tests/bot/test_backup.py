"""`phoihop backup FILE`: a consistent SQLite copy while the bot writes; the pg_dump command for
PostgreSQL; an existing file is never overwritten without --force."""

from __future__ import annotations

import contextlib
import io
import sqlite3
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.cli import main
from bot.i18n import translator
from bot.ops import pg_dump_command
from storage.database import Database
from storage.models import AuditEntry, utcnow

vi, en = translator("vi"), translator("en")


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def audit_rows(path: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(path) as conn:
        return [(int(i), str(k)) for i, k in conn.execute("SELECT id, entity_key FROM auditentry")]


def test_a_copy_made_while_a_writer_is_busy_is_whole_and_sound(tmp_path: Path) -> None:
    """Rows committed before the backup are all in the copy; rows written during it are in or
    out as whole transactions; the copy passes integrity_check and is a plain file."""
    source = tmp_path / "live.db"
    db = Database(f"sqlite:///{source}")
    db.upgrade()
    stop = threading.Event()
    written = [0]

    def writer() -> None:
        while not stop.is_set():
            with db.write() as session:
                for _ in range(5):
                    written[0] += 1
                    key = f"row-{written[0]}"
                    session.add(AuditEntry(actor="test", action="t", entity="t", entity_key=key))

    with db.write() as session:
        for n in range(2000):
            session.add(AuditEntry(actor="test", action="t", entity="t", entity_key=f"pre-{n}"))
    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while written[0] < 55:  # the writer is well under way (50 rows committed)
            stop.wait(0.01)
        target = tmp_path / "copy.db"
        code, out = run("--database-url", f"sqlite:///{source}", "backup", str(target))
    finally:
        stop.set()
        thread.join()
    db.dispose()
    assert code == 0, out
    copied = audit_rows(target)
    original = audit_rows(source)
    assert len(copied) >= 2050
    assert len(copied) % 5 == 0  # whole transactions of the writer
    assert copied == original[: len(copied)]
    with sqlite3.connect(target) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    size = target.stat().st_size
    assert out.strip() == vi("backup-done", path=str(target), size=size, integrity="ok")
    assert not (tmp_path / ".copy.db.partial").exists()
    # The copy is a working phoihop database.
    copy = Database(f"sqlite:///{target}")
    assert copy.schema_state() == "current"
    copy.dispose()


def test_an_existing_file_is_refused_unless_forced(tmp_path: Path) -> None:
    source = tmp_path / "live.db"
    db = Database(f"sqlite:///{source}")
    db.upgrade()
    db.dispose()
    target = tmp_path / "old-backup.db"
    target.write_bytes(b"keep me")
    url = f"sqlite:///{source}"
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code, _ = run("--lang", "en", "--database-url", url, "backup", str(target))
    assert code == 1
    assert en("backup-exists", path=str(target)) in err.getvalue()
    assert target.read_bytes() == b"keep me"
    code, _ = run("--database-url", f"sqlite:///{source}", "backup", str(target), "--force")
    assert code == 0
    with sqlite3.connect(target) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_missing_database_file_is_refused_without_creating_it(tmp_path: Path) -> None:
    source = tmp_path / "nothing.db"
    target = tmp_path / "copy.db"
    code, _ = run("--database-url", f"sqlite:///{source}", "backup", str(target))
    assert code == 1
    assert not source.exists() and not target.exists()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "postgresql+psycopg://alice:s3cret@db.example.org:5433/phoihop",
            "pg_dump --host db.example.org --port 5433 --username alice --format=custom "
            "--file /tmp/x/phoihop.dump --dbname phoihop",
        ),
        (
            "postgres://bob:pa%20ss@localhost/records",
            "pg_dump --host localhost --username bob --format=custom "
            "--file /tmp/x/phoihop.dump --dbname records",
        ),
    ],
)
def test_postgresql_gets_the_pg_dump_command_without_the_password(
    url: str, expected: str, tmp_path: Path
) -> None:
    target = tmp_path / "phoihop.dump"
    assert pg_dump_command(url, Path("/tmp/x/phoihop.dump")) == expected
    code, out = run("--lang", "en", "--database-url", url, "backup", str(target))
    assert code == 0
    assert "s3cret" not in out and "pa ss" not in out and "pa%20ss" not in out
    assert "pg_dump --host" in out and str(target) in out
    assert not target.exists()


def test_the_test_database_gets_its_own_command(db_url: str, tmp_path: Path) -> None:
    """On each backend under test: SQLite is copied; PostgreSQL is told what to run."""
    db = Database(db_url)
    db.upgrade()
    with db.write() as session:
        session.add(AuditEntry(actor="test", action="t", entity="t", entity_key="x", at=utcnow()))
    db.dispose()
    target = tmp_path / "backup.out"
    code, out = run("--database-url", db_url, "backup", str(target))
    assert code == 0
    if sa.make_url(db_url).get_backend_name() == "sqlite":
        assert [k for _, k in audit_rows(target)] == ["x"]
    else:
        assert not target.exists()
        parsed = sa.make_url(db_url)
        assert f"--dbname {parsed.database}" in out
        if parsed.password:
            assert parsed.password not in out

"""The database layer: migrations match the models, timestamps stay aware, writers never clash."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import Session, SQLModel

from storage.database import Database
from storage.documents import PlanDocument
from storage.models import AuditEntry, Report, from_milli, to_milli
from storage.operations import record_report
from storage.plans import import_plan
from storage.summaries import program_status
from storage.vietnamese import Quantity

from ..conftest import NOW


def test_migrations_create_exactly_the_models(db: Database) -> None:
    """Alembic's head schema and the SQLModel tables agree (no forgotten migration)."""
    with db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []
    assert db.schema_state() == "current"


def test_schema_state_of_a_fresh_database(tmp_path: Path) -> None:
    """A database never migrated is 'empty'; upgrading makes it 'current'."""
    fresh = Database(f"sqlite:///{tmp_path / 'fresh.db'}")
    assert fresh.schema_state() == "empty"
    fresh.upgrade()
    assert fresh.schema_state() == "current"
    fresh.dispose()


def test_timestamps_are_aware_and_utc(db: Database) -> None:
    """A timestamp written in any zone is read back as the same instant, in UTC."""
    hanoi = timezone(timedelta(hours=7))
    at = datetime(2019, 6, 14, 17, 30, tzinfo=hanoi)
    with db.write() as s:
        s.add(AuditEntry(at=at, actor="t", action="a", entity="e"))
    with db.read() as s:
        (got,) = s.connection().execute(sa.select(AuditEntry.at)).scalars()  # type: ignore[call-overload]
    assert got == at and got.tzinfo is not None and got.utcoffset() == timedelta(0)
    with pytest.raises(sa.exc.StatementError), db.write() as s:
        s.add(AuditEntry(at=datetime(2019, 1, 1), actor="t", action="a", entity="e"))  # noqa: DTZ001


@pytest.mark.parametrize("value", ["0", "1", "12.5", "2.8", "0.001", "7050", "123456789.125"])
def test_milli_values_are_exact(value: str) -> None:
    """Values survive the integer-thousandths storage exactly."""
    assert from_milli(to_milli(Decimal(value))) == Decimal(value)


def test_concurrent_writers_never_see_database_is_locked(
    db: Database, sample_plan: PlanDocument
) -> None:
    """Eight writers recording at once all succeed, and every report counts once."""
    with db.write() as s:
        import_plan(session=s, plan=sample_plan, actor="t", now=NOW)
    errors: list[BaseException] = []
    per_thread = 20
    orgs = ["BDVTU", "BCHQS", "CA", "MTTQ", "TD", "HLHPN", "HND", "HCCB"]

    def writer(org: str) -> None:
        try:
            for n in range(per_thread):

                def one(s: Session, n: int = n) -> object:
                    return record_report(
                        session=s, program_code="CTPH-2019", task_code="CT01", org_code=org,
                        effective_on=date(2019, 6, 1), source_key=f"{org}:{n}", now=NOW,
                        values={"HN": Quantity(Decimal(n + 1))},
                    )  # fmt: skip

                db.run_write(one)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(org,)) for org in orgs]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    with db.read() as s:
        n = s.connection().execute(sa.select(sa.func.count()).select_from(Report)).scalar()
        st = program_status(session=s, program_code="CTPH-2019", as_of=date(2019, 6, 2))
    assert n == len(orgs) * per_thread
    ct01 = next(t for t in st.task_totals if t.task == "CT01")
    # Each organization's latest value is its last one (n = 20), so the total is 8 x 20.
    assert ct01.indicators[0].total.value == len(orgs) * per_thread


def test_sqlite_runs_in_wal_mode(db: Database) -> None:
    """The embedded database uses WAL and a busy timeout."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000


def test_now_is_utc() -> None:
    """The fixtures' clock is aware."""
    assert NOW.tzinfo is UTC

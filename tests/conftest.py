"""Shared fixtures: a migrated database on SQLite, and on PostgreSQL when a test URL is set.

Every test gets a database of its own: a fresh SQLite file, or a fresh PostgreSQL schema that is
dropped afterwards, so tests never see each other's data. Set PHOIHOP_TEST_DATABASE_URL (as
`.ci/run` does) to run every `db` test on PostgreSQL too.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from config.settings import SAMPLE_PLAN, SAMPLE_REPORTS
from storage.database import Database
from storage.documents import PlanDocument, ReportLog, load_plan, load_report_log
from storage.operations import replay_log
from storage.plans import import_plan

PG_URL = os.environ.get("PHOIHOP_TEST_DATABASE_URL")
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]
NOW = datetime(2019, 6, 14, 10, 0, tzinfo=UTC)
SAMPLE_AS_OF = date(2019, 6, 14)


def pg_schema_url(base: str, schema: str) -> str:
    """A URL whose connections use `schema` (created beforehand) as their search path."""
    url = sa.make_url(base)
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False
    )


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database of its own, on each backend under test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    assert PG_URL is not None
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        yield pg_schema_url(PG_URL, schema)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """A migrated, empty database."""
    database = Database(db_url)
    database.upgrade()
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def sample_plan() -> PlanDocument:
    return load_plan(SAMPLE_PLAN)


@pytest.fixture(scope="session")
def sample_log() -> ReportLog:
    return load_report_log(SAMPLE_REPORTS)


@pytest.fixture
def sample_db(db: Database, sample_plan: PlanDocument, sample_log: ReportLog) -> Database:
    """The sample program with its whole report log replayed."""
    with db.write() as session:
        import_plan(session=session, plan=sample_plan, actor="test", now=NOW)
        replay_log(session=session, log=sample_log, now=NOW)
    return db

"""Fixtures of the chat tests: async tests run on asyncio through anyio's pytest plugin."""

from __future__ import annotations

import pytest

from config.settings import SAMPLE_PLAN
from storage.database import Database
from storage.documents import load_plan
from storage.plans import import_plan
from tests.conftest import NOW


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def plan_db(db: Database) -> Database:
    """The sample plan, nobody bound and nothing reported yet."""
    with db.write() as session:
        import_plan(session=session, plan=load_plan(SAMPLE_PLAN), actor="test", now=NOW)
    return db

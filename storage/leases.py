"""Leases on scheduled jobs: one holder at a time among the processes sharing a database.

A holder takes a job's lease when nobody holds it, when it already holds it (renewing it), or
when the holder's lease ran out (it stopped or died). The lease is written with a conditional
UPDATE, so two processes racing for it cannot both win.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from storage.models import JobLease, table

_LEASE = table(JobLease)


def take_lease(*, session: Session, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
    """Take or renew `name` for `holder` until `now + ttl`; whether `holder` now holds it.

    A lease ending further ahead than `ttl` (a clock that went back) counts as run out."""
    conn = session.connection()
    module = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(
        module.insert(_LEASE)
        .values(name=name, holder=holder, until=now + ttl)
        .on_conflict_do_nothing(index_elements=["name"])
    )
    taken = conn.execute(
        sa.update(_LEASE)
        .where(
            _LEASE.c.name == name,
            sa.or_(
                _LEASE.c.holder == holder,
                _LEASE.c.until < now,
                _LEASE.c.until > now + ttl,
            ),
        )
        .values(holder=holder, until=now + ttl)
    )
    return bool(taken.rowcount)


def release_lease(*, session: Session, name: str, holder: str) -> None:
    """Give the lease back (a clean stop), so that another process may take it at once."""
    session.connection().execute(
        sa.delete(_LEASE).where(_LEASE.c.name == name, _LEASE.c.holder == holder)
    )


def live_holders(*, session: Session, prefix: str, now: datetime) -> int:
    """How many leases named `prefix`... are held now (by processes alive within their ttl)."""
    query = (
        sa.select(sa.func.count())
        .select_from(_LEASE)
        .where(_LEASE.c.name.startswith(prefix, autoescape=True), _LEASE.c.until >= now)
    )
    return int(session.connection().execute(query).scalar_one())

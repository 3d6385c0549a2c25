"""Plans in and out of the database: import (create or update, keeping every report) and export.

An import is one transaction: it is applied whole or not at all. Organizations, indicators,
periods and tasks are matched by code; what disappeared from the plan is deactivated, never
deleted, so its reports stay on record. Rows are written in bulk so that a plan of 100,000 tasks
imports in seconds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from storage.derived import refresh_task_state
from storage.documents import (
    CommitteeSpec,
    IndicatorSpec,
    OrganizationSpec,
    PeriodSpec,
    PlanDocument,
    ProgramSpec,
    TaskSpec,
)
from storage.errors import OperationError
from storage.models import (
    AuditEntry,
    Extension,
    Indicator,
    Organization,
    Period,
    Program,
    Task,
    TaskPartner,
    TaskTarget,
    from_milli,
    table,
    to_milli,
)

_BATCH = 5000


@dataclass
class SectionChanges:
    """Codes added, changed and removed (deactivated) in one section of a plan."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.added or self.changed or self.removed)


@dataclass
class PlanChanges:
    """What an import did (or, as a preview, would do)."""

    program: str
    created: bool
    program_changed: bool = False
    organizations: SectionChanges = field(default_factory=SectionChanges)
    indicators: SectionChanges = field(default_factory=SectionChanges)
    periods: SectionChanges = field(default_factory=SectionChanges)
    tasks: SectionChanges = field(default_factory=SectionChanges)

    @property
    def any(self) -> bool:
        sections = (self.organizations, self.indicators, self.periods, self.tasks)
        return self.created or self.program_changed or any(s.any for s in sections)


def _program_fields(spec: ProgramSpec, committee: CommitteeSpec) -> dict[str, Any]:
    return {
        "title": spec.title,
        "document": spec.document,
        "level": spec.level,
        "area": spec.area,
        "start": spec.start,
        "end": spec.end,
        "timezone": spec.timezone,
        "language": spec.language,
        "document_form": spec.document_form,
        "verification": spec.verification,
        "committee_name": committee.name,
        "standing_org": committee.standing_org,
        "chair_org": committee.chair_org,
        "vice_chair_orgs": list(committee.vice_chair_orgs),
    }


def import_plan(
    *, session: Session, plan: PlanDocument, actor: str, now: datetime, dry_run: bool = False
) -> PlanChanges:
    """Create the plan's program or update it to match the plan, keeping every report.

    With `dry_run` nothing is written (the caller's transaction is rolled back by the caller
    anyway; this just skips the work) and the returned changes are a preview.
    """
    conn = session.connection()
    program = session.exec(select(Program).where(Program.code == plan.program.code)).first()
    fields = _program_fields(plan.program, plan.committee) | {"reminders": plan.reminders}
    changes = PlanChanges(program=plan.program.code, created=program is None)
    if program is None:
        if dry_run:
            changes.organizations.added = [o.code for o in plan.organizations]
            changes.indicators.added = [i.code for i in plan.indicators]
            changes.periods.added = [p.code for p in plan.periods]
            changes.tasks.added = [t.code for t in plan.tasks]
            return changes
        program = Program(code=plan.program.code, created_at=now, updated_at=now, **fields)
        session.add(program)
        session.flush()
    else:
        if any(getattr(program, k) != v for k, v in fields.items()):
            changes.program_changed = True
            if not dry_run:
                for k, v in fields.items():
                    setattr(program, k, v)
                program.updated_at = now
                session.add(program)
                session.flush()
    assert program.id is not None
    pid = program.id

    org_ids = _sync_simple(
        conn, Organization, pid, plan.organizations, _org_row, changes.organizations, dry_run
    )
    ind_ids = _sync_simple(
        conn, Indicator, pid, plan.indicators, _indicator_row, changes.indicators, dry_run
    )
    period_ids = _sync_simple(
        conn, Period, pid, plan.periods, _period_row, changes.periods, dry_run
    )
    _sync_tasks(conn, pid, plan, org_ids, ind_ids, period_ids, changes.tasks, now, dry_run)
    if not dry_run:
        refresh_task_state(conn, pid)  # deadlines follow the plan's, periods' and program's dates

    if not dry_run and changes.any:
        # The chat caches a program's indicators and organizations by this stamp.
        program.updated_at = now
        session.add(program)
        session.add(
            AuditEntry(
                program_id=pid,
                at=now,
                actor=actor,
                action="import_plan" if not changes.created else "create_program",
                entity="program",
                entity_key=plan.program.code,
                detail=_changes_detail(changes),
            )
        )
        session.flush()
    return changes


def _changes_detail(changes: PlanChanges) -> dict[str, Any]:
    detail: dict[str, Any] = {"program_changed": changes.program_changed}
    for name in ("organizations", "indicators", "periods", "tasks"):
        section: SectionChanges = getattr(changes, name)
        # Keep the audit row small for huge plans: counts, and codes only when few.
        detail[name] = {
            kind: (codes if len(codes) <= 200 else {"count": len(codes)})
            for kind, codes in (
                ("added", section.added),
                ("changed", section.changed),
                ("removed", section.removed),
            )
            if codes
        }
    return detail


def _org_row(spec: OrganizationSpec, position: int) -> dict[str, Any]:
    return {"code": spec.code, "name": spec.name, "position": position, "active": True}


def _indicator_row(spec: IndicatorSpec, position: int) -> dict[str, Any]:
    return {
        "code": spec.code,
        "unit": spec.unit,
        "kind": spec.kind,
        "position": position,
        "active": True,
    }


def _period_row(spec: PeriodSpec, position: int) -> dict[str, Any]:
    return {
        "code": spec.code,
        "name": spec.name,
        "start": spec.start,
        "end": spec.end,
        "cutoff": spec.cutoff,
        "report_due": spec.report_due,
        "meeting": spec.meeting,
        "position": position,
        "active": True,
    }


def _sync_simple(
    conn: sa.Connection,
    model: type[Organization] | type[Indicator] | type[Period],
    program_id: int,
    specs: Sequence[Any],
    to_row: Any,
    changes: SectionChanges,
    dry_run: bool,
) -> dict[str, int]:
    """Upsert rows matched by code; deactivate the ones the plan no longer has."""
    tbl = table(model)
    existing = {
        r.code: r._mapping
        for r in conn.execute(sa.select(tbl).where(tbl.c.program_id == program_id))
    }
    inserts, updates = [], []
    for position, spec in enumerate(specs):
        row = to_row(spec, position)
        old = existing.get(row["code"])
        if old is None:
            inserts.append({"program_id": program_id, **row})
            changes.added.append(row["code"])
        elif any(old[k] != v for k, v in row.items()):
            updates.append({"b_id": old["id"], **row})
            if any(old[k] != v for k, v in row.items() if k != "position"):
                changes.changed.append(row["code"])
    planned = {to_row(s, 0)["code"] for s in specs}
    for code, old in existing.items():
        if code not in planned and old["active"]:
            updates.append({"b_id": old["id"], "active": False})
            changes.removed.append(code)
    if not dry_run:
        if inserts:
            conn.execute(sa.insert(tbl), inserts)
        for upd in updates:
            values = {k: v for k, v in upd.items() if k != "b_id"}
            conn.execute(sa.update(tbl).where(tbl.c.id == upd["b_id"]).values(**values))
    ids = {
        r.code: r.id
        for r in conn.execute(
            sa.select(tbl.c.code, tbl.c.id).where(tbl.c.program_id == program_id)
        )
    }
    if dry_run:
        # Rows a real import would insert get stand-in ids (negative: never a real one), so
        # that the tasks naming them can be compared too.
        ids |= {row["code"]: -n for n, row in enumerate(inserts, start=1)}
    return ids


@dataclass(frozen=True)
class _TaskShape:
    """The planned content of a task, compared field by field on re-import."""

    row: dict[str, Any]
    partners: tuple[int, ...]
    targets: Mapping[int, int]
    counts_toward: str | None


def _task_shape(
    spec: TaskSpec,
    position: int,
    org_ids: Mapping[str, int],
    ind_ids: Mapping[str, int],
    period_ids: Mapping[str, int],
) -> _TaskShape:
    partners_all = spec.partners == "all"
    partner_ids = () if partners_all else tuple(org_ids[c] for c in spec.partners)
    return _TaskShape(
        row={
            "code": spec.code,
            "kind": spec.kind,
            "title": spec.title,
            "lead_org_id": org_ids[spec.lead],
            "partners_all": partners_all,
            "original_due": spec.due,
            "period_id": period_ids[spec.period] if spec.period else None,
            "content_area": spec.content_area,
            "position": position,
            "active": True,
        },
        partners=partner_ids,
        targets={ind_ids[k]: to_milli(v) for k, v in spec.targets.items()},
        counts_toward=spec.counts_toward,
    )


def _sync_tasks(
    conn: sa.Connection,
    pid: int,
    plan: PlanDocument,
    org_ids: Mapping[str, int],
    ind_ids: Mapping[str, int],
    period_ids: Mapping[str, int],
    changes: SectionChanges,
    now: datetime,
    dry_run: bool,
) -> None:
    t = table(Task)
    tp = table(TaskPartner)
    tt = table(TaskTarget)
    existing = {
        r.code: r._mapping for r in conn.execute(sa.select(t).where(t.c.program_id == pid))
    }
    code_of = {m["id"]: code for code, m in existing.items()}
    old_partners: dict[int, list[int]] = {}
    old_targets: dict[int, dict[int, int]] = {}
    if existing:
        for task_id, org_id in conn.execute(
            sa.select(tp.c.task_id, tp.c.org_id)
            .join(t, t.c.id == tp.c.task_id)
            .where(t.c.program_id == pid)
            .order_by(tp.c.task_id, tp.c.position)
        ):
            old_partners.setdefault(task_id, []).append(org_id)
        for task_id, ind_id, value in conn.execute(
            sa.select(tt.c.task_id, tt.c.indicator_id, tt.c.value_milli)
            .join(t, t.c.id == tt.c.task_id)
            .where(t.c.program_id == pid)
        ):
            old_targets.setdefault(task_id, {})[ind_id] = value
    extended = _extended_dues(conn, pid)

    # A plan of 100,000 tasks is streamed: rows are compared, built and written a chunk at a
    # time, never all held at once (the plan document alone is already large).
    inserts: list[dict[str, Any]] = []
    relink: list[int] = []  # positions of tasks whose partners/targets must be (re)written
    planned: set[str] = set()

    def write(rows: list[dict[str, Any]], tbl: sa.Table, *, at_least: int = 1) -> None:
        if len(rows) >= at_least:
            if not dry_run:
                conn.execute(sa.insert(tbl), rows)
            rows.clear()

    for pos, spec in enumerate(plan.tasks):
        shape = _task_shape(spec, pos, org_ids, ind_ids, period_ids)
        code = spec.code
        planned.add(code)
        old = existing.get(code)
        if old is None:
            due = shape.row["original_due"]
            inserts.append(
                {"program_id": pid, "due": due, "created_at": now, "updated_at": now, **shape.row}
            )
            write(inserts, t, at_least=_BATCH)
            changes.added.append(code)
            relink.append(pos)
            continue
        tid = old["id"]
        old_toward = code_of.get(old["counts_toward_id"]) if old["counts_toward_id"] else None
        row_changed = any(old[k] != v for k, v in shape.row.items() if k != "position")
        links_changed = (
            shape.partners != tuple(old_partners.get(tid, ()))
            or dict(shape.targets) != old_targets.get(tid, {})
            or shape.counts_toward != old_toward
        )
        if row_changed or links_changed:
            changes.changed.append(code)
        if (row_changed or old["position"] != pos) and not dry_run:
            due = extended.get(tid, shape.row["original_due"])
            conn.execute(
                sa.update(t).where(t.c.id == tid).values(due=due, updated_at=now, **shape.row)
            )
        if links_changed:
            relink.append(pos)
    write(inserts, t)
    for code, old in existing.items():
        if code not in planned and old["active"]:
            changes.removed.append(code)
            if not dry_run:
                conn.execute(
                    sa.update(t).where(t.c.id == old["id"]).values(active=False, updated_at=now)
                )
    if dry_run:
        return

    ids = {
        r.code: r.id
        for r in conn.execute(sa.select(t.c.code, t.c.id).where(t.c.program_id == pid))
    }
    for i in range(0, len(relink), _BATCH):
        specs = [plan.tasks[pos] for pos in relink[i : i + _BATCH]]
        old_ids = [ids[spec.code] for spec in specs if spec.code in existing]
        if old_ids:
            conn.execute(sa.delete(tp).where(tp.c.task_id.in_(old_ids)))
            conn.execute(sa.delete(tt).where(tt.c.task_id.in_(old_ids)))
        partner_rows = [
            {"task_id": ids[spec.code], "org_id": org_ids[org], "position": n}
            for spec in specs
            if spec.partners != "all"
            for n, org in enumerate(spec.partners)
        ]
        target_rows = [
            {"task_id": ids[spec.code], "indicator_id": ind_ids[ind], "value_milli": to_milli(v)}
            for spec in specs
            for ind, v in spec.targets.items()
        ]
        write(partner_rows, tp)
        write(target_rows, tt)
        for spec in specs:
            toward = ids[spec.counts_toward] if spec.counts_toward else None
            if spec.code not in existing and toward is None:
                continue
            conn.execute(
                sa.update(t).where(t.c.id == ids[spec.code]).values(counts_toward_id=toward)
            )


def _extended_dues(conn: sa.Connection, pid: int) -> dict[int, date]:
    """The deadline after the latest approved extension, per task that has one."""
    ext = table(Extension)
    rows = conn.execute(
        sa.select(ext.c.task_id, ext.c.new_due)
        .where(ext.c.program_id == pid, ext.c.status == "approved")
        .order_by(ext.c.decided_on, ext.c.id)
    )
    return {row.task_id: row.new_due for row in rows}


def get_program(session: Session, code: str) -> Program:
    """The program with this code, or an `OperationError('unknown_program')`."""
    program = session.exec(select(Program).where(Program.code == code)).first()
    if program is None:
        raise OperationError("unknown_program", program=code)
    return program


def list_programs(session: Session) -> list[Program]:
    """Every program, by code."""
    return list(session.exec(select(Program).order_by(Program.code)).all())


def export_plan(*, session: Session, program_code: str) -> PlanDocument:
    """The program's current plan as a document (active rows only, in plan order)."""
    program = get_program(session, program_code)
    pid = program.id
    conn = session.connection()
    o, i, p = (table(m) for m in (Organization, Indicator, Period))
    t, tp, tt = (table(m) for m in (Task, TaskPartner, TaskTarget))
    orgs = conn.execute(
        sa.select(o.c.id, o.c.code, o.c.name)
        .where(o.c.program_id == pid, o.c.active)
        .order_by(o.c.position, o.c.id)
    ).all()
    org_code = dict(conn.execute(sa.select(o.c.id, o.c.code).where(o.c.program_id == pid)).all())
    inds = conn.execute(
        sa.select(i.c.id, i.c.code, i.c.unit, i.c.kind)
        .where(i.c.program_id == pid, i.c.active)
        .order_by(i.c.position, i.c.id)
    ).all()
    ind_code = dict(conn.execute(sa.select(i.c.id, i.c.code).where(i.c.program_id == pid)).all())
    periods = conn.execute(
        sa.select(p).where(p.c.program_id == pid, p.c.active).order_by(p.c.position, p.c.id)
    ).all()
    period_code = {r.id: r.code for r in periods}
    tasks = conn.execute(
        sa.select(t).where(t.c.program_id == pid, t.c.active).order_by(t.c.position, t.c.id)
    ).all()
    task_code = {r.id: r.code for r in tasks}
    partners: dict[int, list[str]] = {}
    for task_id, org_id in conn.execute(
        sa.select(tp.c.task_id, tp.c.org_id)
        .join(t, t.c.id == tp.c.task_id)
        .join(o, o.c.id == tp.c.org_id)
        .where(t.c.program_id == pid)
        .order_by(tp.c.task_id, tp.c.position)
    ):
        partners.setdefault(task_id, []).append(org_code[org_id])
    targets: dict[int, dict[str, Decimal]] = {}
    for task_id, ind_id, value in conn.execute(
        sa.select(tt.c.task_id, tt.c.indicator_id, tt.c.value_milli)
        .join(t, t.c.id == tt.c.task_id)
        .join(i, i.c.id == tt.c.indicator_id)
        .where(t.c.program_id == pid)
        .order_by(tt.c.task_id, i.c.position, i.c.id)
    ):
        targets.setdefault(task_id, {})[ind_code[ind_id]] = from_milli(value)
    return PlanDocument(
        program=ProgramSpec(
            code=program.code,
            title=program.title,
            document=program.document,
            level=program.level,
            area=program.area,
            start=program.start,
            end=program.end,
            timezone=program.timezone,
            language=program.language,
            document_form=program.document_form,
            verification=program.verification,
        ),
        committee=CommitteeSpec(
            name=program.committee_name,
            standing_org=program.standing_org,
            chair_org=program.chair_org,
            vice_chair_orgs=tuple(program.vice_chair_orgs),
        ),
        organizations=tuple(OrganizationSpec(code=r.code, name=r.name) for r in orgs),
        indicators=tuple(IndicatorSpec(code=r.code, unit=r.unit, kind=r.kind) for r in inds),
        periods=tuple(
            PeriodSpec(
                code=r.code,
                name=r.name,
                start=r.start,
                end=r.end,
                cutoff=r.cutoff,
                report_due=r.report_due,
                meeting=r.meeting,
            )
            for r in periods
        ),
        tasks=tuple(
            TaskSpec(
                code=r.code,
                kind=r.kind,
                title=r.title,
                lead=org_code[r.lead_org_id],
                partners="all" if r.partners_all else tuple(partners.get(r.id, ())),
                due=r.original_due,
                targets=targets.get(r.id, {}),
                counts_toward=task_code.get(r.counts_toward_id) if r.counts_toward_id else None,
                period=period_code.get(r.period_id) if r.period_id else None,
                content_area=r.content_area,
            )
            for r in tasks
        ),
        reminders=program.reminders,
    )

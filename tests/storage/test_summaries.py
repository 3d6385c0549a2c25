"""The chair's figures for the sample, as of several dates, on every backend."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from storage.database import Database
from storage.documents import PlanDocument, ReportLog
from storage.operations import replay_log
from storage.plans import import_plan
from storage.rules import Status
from storage.summaries import ProgramStatus, program_status

from ..conftest import NOW, SAMPLE_AS_OF

PROGRAM = "CTPH-2019"


def status_of(db: Database, as_of: date, org: str | None = None) -> ProgramStatus:
    with db.read() as session:
        return program_status(session=session, program_code=PROGRAM, as_of=as_of, org_code=org)


def kind_figures(status: ProgramStatus, kind: str) -> tuple[int, int, int, int, int, int]:
    k = status.kinds[kind]
    return (k.done, k.total, k.on_time, k.late, k.in_progress, k.overdue)


def totals(status: ProgramStatus) -> dict[str, dict[str, Decimal]]:
    return {
        t.task: {line.indicator: line.total.value for line in t.indicators}
        for t in status.task_totals
    }


def test_sample_headline_and_four_way_split(sample_db: Database) -> None:
    """DESIGN.md's worked example: 6/9 common and 24/37 registered, split four ways."""
    status = status_of(sample_db, SAMPLE_AS_OF)
    assert kind_figures(status, "common") == (6, 9, 5, 1, 2, 1)
    assert kind_figures(status, "registered") == (24, 37, 22, 2, 10, 3)
    assert (status.kinds["common"].done, status.kinds["common"].due) == (6, 7)
    assert (status.kinds["registered"].done, status.kinds["registered"].due) == (24, 27)
    late = sorted(c for c, s in status.statuses.items() if s is Status.DONE_LATE)
    assert late == ["CT08", "R16", "R32"]


def test_sample_registered_per_lead(sample_db: Database) -> None:
    """Each organization's registered tasks done/total, exactly as DESIGN.md lists them."""
    status = status_of(sample_db, SAMPLE_AS_OF)
    got = {o.code: f"{o.registered_done}/{o.registered_total}" for o in status.organizations}
    assert got == {
        "BDVTU": "3/3", "BCHQS": "2/3", "CA": "2/3", "MTTQ": "1/3", "TD": "2/3",
        "HLHPN": "2/3", "HND": "2/3", "HCCB": "1/2", "LDLD": "2/2", "BDBP": "1/2",
        "HCTD": "2/2", "BTGTU": "1/2", "SLDTBXH": "1/2", "HNCT": "1/2", "DPTTH": "1/2",
    }  # fmt: skip


def test_sample_overdue_with_days_late(sample_db: Database) -> None:
    """CT09, R09, R27 and R33 are overdue, each 14 days late, with their leads."""
    status = status_of(sample_db, SAMPLE_AS_OF)
    assert [(x.code, x.lead, x.deadline, x.days_late) for x in status.overdue] == [
        ("CT09", "BDVTU", date(2019, 5, 31), 14),
        ("R09", "CA", date(2019, 5, 31), 14),
        ("R27", "BDBP", date(2019, 5, 31), 14),
        ("R33", "SLDTBXH", date(2019, 5, 31), 14),
    ]
    assert status.upcoming == []


def test_sample_task_totals(sample_db: Database) -> None:
    """Indicator totals per common task sum the organizations' latest values."""
    got = totals(status_of(sample_db, SAMPLE_AS_OF))
    assert got["CT01"] == {"HN": 163, "LN": 44850}
    assert got["CT02"] == {"NGUOI": 1600}
    assert got["CT04"] == {"NHA": 210, "TIEN": 7050}
    assert got["CT05"] == {"BUOI": 795, "LN": 62000}
    assert got["CT06"] == {"SQ": 20115, "TIEN": 5120}
    assert got["R14"] == {"KM": Decimal("12.5")}


def test_sample_breakdown_and_program_totals_respect_counts_toward(sample_db: Database) -> None:
    """CT04's houses are broken down by organization; R16/R25 count toward CT04 and are not
    added again into the program's totals."""
    status = status_of(sample_db, SAMPLE_AS_OF)
    ct04 = next(t for t in status.task_totals if t.task == "CT04")
    nha = next(line for line in ct04.indicators if line.indicator == "NHA")
    assert {org: a.value for org, a in nha.by_org} == {
        "BCHQS": 25, "MTTQ": 120, "TD": 20, "HLHPN": 15, "LDLD": 10, "HCTD": 20,
    }  # fmt: skip
    assert nha.target == 200
    program = {t.indicator: t.total.value for t in status.program_totals}
    assert program["NHA"] == 210  # not 210 + 15 (R16) + 10 (R25)
    assert program["SQ"] == 20115 + 500 + 2500  # CT06 + R15 + R35; R24, R29 count toward CT06
    assert program["TIEN"] == 7050 + 5120 + 4350 + 250 + 3000


def test_as_of_end_of_march_differs_exactly_as_the_log_implies(sample_db: Database) -> None:
    """Replaying history: on 31/03 only the eight reports made by then count."""
    status = status_of(sample_db, date(2019, 3, 31))
    assert kind_figures(status, "common") == (1, 9, 1, 0, 8, 0)
    assert kind_figures(status, "registered") == (7, 37, 7, 0, 30, 0)
    assert status.overdue == []
    assert totals(status) == {
        "CT02": {"NGUOI": 1600},
        "R01": {"VB": 1},
        "R06": {"BUOI": 40},
        "R10": {"TIEN": 4350},
        "R14": {"KM": Decimal("12.5")},
        "R26": {"NGUOI": 40},
        "R29": {"SQ": 3000, "TIEN": 1200},
        "R35": {"SQ": 2500},
    }
    assert [x.code for x in status.upcoming][:3] == ["CT08", "R32", "R07"]


def test_a_deadline_passes_the_next_day(sample_db: Database) -> None:
    """On 01/04 CT08 and R32, due 31/03 and not yet done, are one day overdue."""
    status = status_of(sample_db, date(2019, 4, 1))
    assert [(x.code, x.days_late) for x in status.overdue] == [("CT08", 1), ("R32", 1)]


def test_history_replay_equals_the_record_as_it_stood(
    db: Database, sample_plan: PlanDocument, sample_log: ReportLog
) -> None:
    """Status as of a past date, replayed from history, equals the status computed from the
    derived tables back when the log had only reached that date."""
    dates = [date(2019, 1, 1), date(2019, 3, 31), date(2019, 5, 27), date(2019, 6, 11)]
    with db.write() as session:
        import_plan(session=session, plan=sample_plan, actor="test", now=NOW)
    as_it_stood = {}
    for as_of in dates:
        prefix = sample_log.model_copy(
            update={"reports": tuple(r for r in sample_log.reports if r.date <= as_of)}
        )
        with db.write() as session:
            replay_log(session=session, log=prefix, now=NOW)
        as_it_stood[as_of] = status_of(db, as_of)
    with db.write() as session:
        result = replay_log(session=session, log=sample_log, now=NOW)
    assert result.recorded == len([r for r in sample_log.reports if r.date > dates[-1]])
    for as_of in dates:
        assert status_of(db, as_of) == as_it_stood[as_of]


def test_organization_view(sample_db: Database) -> None:
    """An organization's view counts the tasks it leads or partners on, and its own figures."""
    status = status_of(sample_db, SAMPLE_AS_OF, org="HND")
    assert [o.code for o in status.organizations] == ["HND"]
    hnd = status.organizations[0]
    assert (hnd.registered_done, hnd.registered_total, hnd.common_contributions) == (2, 3, 2)
    got = totals(status)
    assert got["CT01"] == {"HN": 22, "LN": 6150}
    assert got["CT05"] == {"BUOI": 420, "LN": 33000}
    assert set(status.statuses) == {"CT01", "CT03", "CT05", "CT07", "R11", "R19", "R20", "R21"}

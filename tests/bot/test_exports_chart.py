"""The status chart of the sample: the plotted counts per organization, and the PNG."""

from __future__ import annotations

import io
from pathlib import Path

from bot.exports.chart import MAX_BARS, STATUS_ORDER, ChartData, render_chart, status_chart
from bot.i18n import translator
from storage.database import Database
from storage.registers import task_register
from storage.rules import Status
from storage.summaries import program_status

from ..conftest import SAMPLE_AS_OF

PROGRAM = "CTPH-2019"
ROOT = Path(__file__).resolve().parents[2]
SAMPLE_CHART = ROOT / "docs" / "chart-sample.png"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# (on time, late, in progress, overdue) of the registered tasks each organization leads.
EXPECTED = {
    "BDVTU": (3, 0, 0, 0), "BCHQS": (2, 0, 1, 0), "CA": (2, 0, 0, 1), "MTTQ": (1, 0, 2, 0),
    "TD": (2, 0, 1, 0), "HLHPN": (1, 1, 1, 0), "HND": (2, 0, 1, 0), "HCCB": (1, 0, 1, 0),
    "LDLD": (2, 0, 0, 0), "BDBP": (1, 0, 0, 1), "HCTD": (2, 0, 0, 0), "BTGTU": (1, 0, 1, 0),
    "SLDTBXH": (0, 1, 0, 1), "HNCT": (1, 0, 1, 0), "DPTTH": (1, 0, 1, 0),
}  # fmt: skip


def sample_chart(db: Database) -> tuple[ChartData, ChartData]:
    t = translator("vi")
    with db.read() as session:
        status = program_status(session=session, program_code=PROGRAM, as_of=SAMPLE_AS_OF)
        register = task_register(session=session, program_code=PROGRAM, as_of=SAMPLE_AS_OF)
    return status_chart(status, t), status_chart(register, t)


def test_plotted_counts(sample_db: Database) -> None:
    """Per organization, in plan order, its registered tasks in the four statuses: the same
    from the status and from the register, and adding up to DESIGN.md's x/y."""
    from_status, from_register = sample_chart(sample_db)
    assert from_status == from_register
    assert dict(zip(from_status.organizations, from_status.counts, strict=True)) == EXPECTED
    assert list(from_status.organizations) == list(EXPECTED)
    assert from_status.of("CA") == {
        Status.DONE_ON_TIME: 2, Status.DONE_LATE: 0, Status.IN_PROGRESS: 0, Status.OVERDUE: 1,
    }  # fmt: skip
    assert STATUS_ORDER[3] is Status.OVERDUE
    totals = [sum(c) for c in from_status.counts]
    assert sum(totals) == 37
    assert sum(c[0] + c[1] for c in from_status.counts) == 24


def test_png_rendered(sample_db: Database) -> None:
    data, _ = sample_chart(sample_db)
    for lang in ("vi", "en"):
        stream = io.BytesIO()
        render_chart(data, translator(lang), stream)
        assert stream.getvalue().startswith(PNG_MAGIC)
        assert len(stream.getvalue()) > 10_000


def test_empty_chart() -> None:
    from datetime import date

    stream = io.BytesIO()
    render_chart(ChartData("X", date(2019, 1, 1), (), ()), translator("vi"), stream)
    assert stream.getvalue().startswith(PNG_MAGIC)


def test_many_organizations_cut_to_the_largest() -> None:
    """Past MAX_BARS organizations, the chart draws those with the most tasks."""
    from datetime import date

    orgs = tuple(f"O{n}" for n in range(MAX_BARS + 10))
    counts = tuple((n, 0, 1, 0) for n in range(len(orgs)))
    stream = io.BytesIO()
    render_chart(ChartData("X", date(2019, 1, 1), orgs, counts), translator("en"), stream)
    assert stream.getvalue().startswith(PNG_MAGIC)


def test_committed_sample_chart_exists() -> None:
    """docs/chart-sample.png is the sample's chart (made by `write_sample_chart`)."""
    assert SAMPLE_CHART.read_bytes().startswith(PNG_MAGIC)


def write_sample_chart(db: Database, path: Path = SAMPLE_CHART) -> None:
    """Render the sample's chart as of 14/06/2019 to `path` (docs/chart-sample.png)."""
    data, _ = sample_chart(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    render_chart(data, translator("vi"), path)

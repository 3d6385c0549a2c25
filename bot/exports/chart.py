"""The status chart: per lead organization, its registered tasks stacked by the four statuses.

`status_chart` says what is plotted (pure, and what the tests assert); `render_chart` draws it
with matplotlib's Agg backend as a PNG: horizontal bars, one per organization in plan order from
the top, large type for a phone, four fixed colours, a legend with the status names and a title
with the program and date.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO

from bot.i18n import Translator
from bot.render import date_text
from storage.registers import TaskRegister
from storage.rules import Status
from storage.summaries import ProgramStatus

STATUS_ORDER = (Status.DONE_ON_TIME, Status.DONE_LATE, Status.IN_PROGRESS, Status.OVERDUE)
COLOURS = {
    Status.DONE_ON_TIME: "#2e7d32",  # green
    Status.DONE_LATE: "#9ccc65",  # light green
    Status.IN_PROGRESS: "#1e88e5",  # blue
    Status.OVERDUE: "#e53935",  # red
}


@dataclass(frozen=True)
class ChartData:
    """What the chart plots: per organization (plan order) the counts of the registered tasks
    it leads in each status, in `STATUS_ORDER`; organizations that lead none are left out."""

    program: str
    as_of: date
    organizations: tuple[str, ...]
    counts: tuple[tuple[int, int, int, int], ...]

    def of(self, org: str) -> dict[Status, int]:
        row = self.counts[self.organizations.index(org)]
        return dict(zip(STATUS_ORDER, row, strict=True))


def status_chart(source: ProgramStatus | TaskRegister, t: Translator | None = None) -> ChartData:
    """The counts to plot, from the register or from a status: the registered tasks
    (nhiệm vụ đăng ký chủ trì) each organization leads, as the summary counts them per
    organization ("2/3"), so both give the same data. `t` is not needed for the counts; it is
    accepted so that callers pass the same arguments as to `render_chart`.
    """
    del t
    if isinstance(source, TaskRegister):
        per_org: dict[str, Counter[Status]] = {}
        for task in source.tasks:
            if task.kind == "registered":
                per_org.setdefault(task.lead, Counter())[task.status] += 1
        orgs = [code for code, _ in source.organizations if code in per_org]
        return ChartData(
            program=source.program,
            as_of=source.as_of,
            organizations=tuple(orgs),
            counts=tuple(_row(per_org[code]) for code in orgs),
        )
    rows = [
        (o.code, (o.registered_on_time, o.registered_late, o.registered_in_progress,
                  o.registered_overdue))
        for o in source.organizations
        if o.registered_total
    ]  # fmt: skip
    return ChartData(
        program=source.program,
        as_of=source.as_of,
        organizations=tuple(code for code, _ in rows),
        counts=tuple(counts for _, counts in rows),
    )


def _row(counter: Counter[Status]) -> tuple[int, int, int, int]:
    a, b, c, d = (counter[s] for s in STATUS_ORDER)
    return (a, b, c, d)


MAX_BARS = 60


def render_chart(data: ChartData, t: Translator, path_or_stream: str | Path | IO[bytes]) -> None:
    """Draw `data` as a PNG. Past `MAX_BARS` organizations, the ones with the most tasks are
    drawn (in plan order), so the bars stay readable on a phone."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    orgs, counts = list(data.organizations), list(data.counts)
    if len(orgs) > MAX_BARS:
        keep = set(sorted(range(len(orgs)), key=lambda n: -sum(counts[n]))[:MAX_BARS])
        orgs = [o for n, o in enumerate(orgs) if n in keep]
        counts = [c for n, c in enumerate(counts) if n in keep]
    height = max(4.0, 1.6 + 0.42 * len(orgs))
    fig = Figure(figsize=(7.2, height), dpi=150)
    ax = fig.add_subplot()
    positions = list(range(len(orgs)))
    left = [0] * len(orgs)
    for n, status in enumerate(STATUS_ORDER):
        widths = [row[n] for row in counts]
        ax.barh(
            positions, widths, left=left, color=COLOURS[status], height=0.7,
            label=t(f"status-{status.value}"), edgecolor="white", linewidth=0.5,
        )  # fmt: skip
        left = [a + b for a, b in zip(left, widths, strict=True)]
    for y, total, row in zip(positions, left, counts, strict=True):
        ax.text(total, y, f" {row[0] + row[1]}/{total}", va="center", fontsize=10)
    ax.set_yticks(positions, orgs, fontsize=11)
    ax.invert_yaxis()  # the plan's first organization on top
    ax.set_xlabel(t("chart-axis"), fontsize=11)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlim(0, max([*left, 1]) * 1.15)
    ax.spines[["top", "right"]].set_visible(False)
    if not orgs:
        ax.text(0.5, 0.5, t("chart-empty"), ha="center", va="center", transform=ax.transAxes)
    title = [
        t("chart-title", program=data.program),
        t("chart-as-of", date=date_text(t, data.as_of)),
    ]
    if len(orgs) < len(data.organizations):
        title.append(t("chart-cut", shown=len(orgs), total=len(data.organizations)))
    fig.suptitle("\n".join(title), fontsize=13)
    ax.legend(
        loc="upper center", bbox_to_anchor=(0.5, -0.9 / height), ncols=2, fontsize=10,
        frameon=False,
    )  # fmt: skip
    fig.tight_layout()
    fig.savefig(path_or_stream, format="png")

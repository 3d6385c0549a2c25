"""A deterministic generator of a large program and its report history, for the benchmark.

`make_plan` builds a plan shaped like a real province-level program, only much bigger: by default
100 organizations and 100,000 tasks (about 10% common tasks with several partners or all of them,
85% registered, 5% focus tasks of a period), 20 indicators with Vietnamese units, two periods,
deadlines spread over 2019, some targets and some tasks that count toward a common task.

`make_reports` yields the report history, oldest first: by default 1,000,000 reports made between
2019-01-01 and 2019-12-20 by a task's lead or one of its partners, each with one or two indicator
values, some of them corrections of an earlier figure; about 60% of the tasks are reported done by
their lead, with completion dates around the deadline.

Both are pure functions of their arguments and seed: the same call gives the same data.

    .venv/bin/python bench/generate.py --out bench/data/plan.yaml
    .venv/bin/python bench/generate.py --tasks 2000 --out bench/data/plan.yaml \\
        --reports 20000 --reports-out bench/data/reports.yaml
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from storage.documents import (
    CommitteeSpec,
    IndicatorSpec,
    OrganizationSpec,
    PeriodSpec,
    PlanDocument,
    ProgramSpec,
    TaskSpec,
    check_plan,
)

PROGRAM_CODE = "BENCH-2019"
YEAR_START = date(2019, 1, 1)
YEAR_END = date(2019, 12, 31)
LAST_REPORT_DAY = date(2019, 12, 20)

# Provincial member organizations (as in the shared sample), then more of their kind.
_PROVINCIAL = (
    ("BDVTU", "Ban Dân vận Tỉnh ủy"),
    ("BCHQS", "Bộ CHQS tỉnh"),
    ("CA", "Công an tỉnh"),
    ("MTTQ", "Ủy ban MTTQ Việt Nam tỉnh"),
    ("TD", "Tỉnh đoàn"),
    ("HLHPN", "Hội LHPN tỉnh"),
    ("HND", "Hội Nông dân tỉnh"),
    ("HCCB", "Hội CCB tỉnh"),
    ("LDLD", "Liên đoàn Lao động tỉnh"),
    ("BDBP", "Bộ CHBĐBP tỉnh"),
    ("HCTD", "Hội Chữ thập đỏ tỉnh"),
    ("BTGTU", "Ban Tuyên giáo Tỉnh ủy"),
    ("SLDTBXH", "Sở LĐ-TB&XH"),
    ("HNCT", "Hội Người cao tuổi tỉnh"),
    ("DPTTH", "Đài PT-TH tỉnh"),
    ("SYT", "Sở Y tế"),
    ("SGDDT", "Sở Giáo dục và Đào tạo"),
    ("SNNPTNT", "Sở Nông nghiệp và PTNT"),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
    ("BDT", "Ban Dân tộc tỉnh"),
)
# District-level counterparts: (code prefix, name pattern).
_DISTRICT_KINDS = (
    ("MTTQ", "Ủy ban MTTQ huyện {d}"),
    ("HND", "Hội Nông dân huyện {d}"),
    ("HLHPN", "Hội LHPN huyện {d}"),
    ("HCCB", "Hội CCB huyện {d}"),
    ("DTN", "Huyện đoàn {d}"),
    ("BCHQS", "Ban CHQS huyện {d}"),
    ("CA", "Công an huyện {d}"),
    ("BDV", "Ban Dân vận Huyện ủy {d}"),
)
_DISTRICTS = (
    "Minh Giang", "An Lạc", "Hòa An", "Phú Bình", "Thanh Sơn", "Tân Lập", "Đồng Xuân",
    "Vĩnh Phúc", "Kim Sơn", "Lạc Thủy", "Yên Hưng", "Bình Lục",
)  # fmt: skip

# (code, unit, kind, typical size of a year's figure, decimals allowed)
_INDICATORS: tuple[tuple[str, str, str, int, bool], ...] = (
    ("HN", "hội nghị", "count", 60, False),
    ("BUOI", "buổi", "count", 200, False),
    ("LOP", "lớp", "count", 40, False),
    ("MH", "mô hình", "count", 25, False),
    ("LN", "lượt người", "reach", 20_000, False),
    ("NGUOI", "người", "persons", 1_500, False),
    ("NHA", "ngôi nhà", "objects", 80, False),
    ("SQ", "suất quà", "objects", 5_000, False),
    ("TIEN", "triệu đồng", "money", 3_000, True),
    ("NC", "ngày công", "workdays", 4_000, False),
    ("KM", "km", "length", 30, True),
    ("XA", "xã", "units", 15, False),
    ("VU", "vụ việc", "cases", 120, False),
    ("DVM", "đơn vị máu", "objects", 2_500, False),
    ("SP", "tác phẩm", "products", 300, False),
    ("VB", "văn bản", "documents", 90, False),
    ("HO", "hộ", "households", 1_200, False),
    ("CAY", "cây xanh", "objects", 10_000, False),
    ("HB", "suất học bổng", "objects", 600, False),
    ("TVV", "tình nguyện viên", "persons", 3_000, False),
)

_TITLES = (
    "Quán triệt, tuyên truyền chỉ thị, nghị quyết",
    "Vận động thanh niên nhập ngũ",
    "Giúp xã đạt chuẩn nông thôn mới",
    "Xây, sửa nhà hộ nghèo, gia đình chính sách",
    "Chuyển giao KHKT trồng trọt, chăn nuôi",
    "Tặng quà người có công, hộ nghèo",
    "Tham mưu phương án PCTT-TKCN",
    "Kiểm tra Ban Chỉ đạo cấp huyện",
    "Hướng dẫn thi đua Dân vận khéo",
    "Tuyên truyền phòng chống ma túy",
    "Tổ tự quản an ninh trật tự khu dân cư",
    "Quỹ Vì người nghèo",
    "Giám sát chính sách an sinh xã hội",
    "Ngày hội Đại đoàn kết toàn dân tộc",
    "Thanh niên tình nguyện hè",
    "Làm đường giao thông nông thôn",
    "Học bổng học sinh nghèo vượt khó",
    "Hiến máu tình nguyện",
    "Trồng cây xanh, bảo vệ môi trường",
    "Hòa giải ở cơ sở",
)

COMMON_SHARE = 0.10
FOCUS_SHARE = 0.05
DONE_SHARE = 0.60


def _day(offset: int) -> date:
    return YEAR_START + timedelta(days=offset)


def _organizations(count: int) -> list[OrganizationSpec]:
    orgs = [OrganizationSpec(code=c, name=n) for c, n in _PROVINCIAL[:count]]
    n = 0
    while len(orgs) < count:
        district = _DISTRICTS[n // len(_DISTRICT_KINDS) % len(_DISTRICTS)]
        prefix, pattern = _DISTRICT_KINDS[n % len(_DISTRICT_KINDS)]
        number = n // len(_DISTRICT_KINDS) + 1
        name = pattern.format(d=district)
        if number > len(_DISTRICTS):
            name += f" ({number})"
        orgs.append(OrganizationSpec(code=f"{prefix}-H{number:02d}", name=name))
        n += 1
    return orgs


def _periods() -> list[PeriodSpec]:
    return [
        PeriodSpec(
            code="6T-2019",
            name="6 tháng đầu năm 2019",
            start=date(2019, 1, 1),
            end=date(2019, 6, 30),
            cutoff=date(2019, 6, 7),
            report_due=date(2019, 6, 10),
            meeting=date(2019, 6, 14),
        ),
        PeriodSpec(
            code="N-2019",
            name="Năm 2019",
            start=date(2019, 1, 1),
            end=date(2019, 12, 31),
            cutoff=date(2019, 12, 6),
            report_due=date(2019, 12, 10),
            meeting=date(2019, 12, 20),
        ),
    ]


def make_plan(orgs: int = 100, tasks: int = 100_000, seed: int = 1) -> PlanDocument:
    """A program of `orgs` organizations and `tasks` tasks, the same for the same arguments."""
    if orgs < 2:
        raise ValueError("a program needs at least 2 organizations")
    rng = random.Random(seed)
    organizations = _organizations(orgs)
    org_codes = [o.code for o in organizations]
    indicators = [IndicatorSpec(code=c, unit=u, kind=k) for c, u, k, _, _ in _INDICATORS]
    sizes = {c: size for c, _, _, size, _ in _INDICATORS}
    ind_codes = [i.code for i in indicators]

    n_common = max(1, round(tasks * COMMON_SHARE))
    n_focus = round(tasks * FOCUS_SHARE)
    n_registered = max(0, tasks - n_common - n_focus)
    specs: list[TaskSpec] = []
    common_codes: list[str] = []
    width = max(5, len(str(tasks)))

    def due_date(never_share: float) -> date | None:
        if rng.random() < never_share:
            return None  # "thường xuyên"
        return _day(14 + rng.randrange(350))

    def targets() -> dict[str, Decimal]:
        if rng.random() >= 0.3:
            return {}
        chosen = rng.sample(ind_codes, 1 if rng.random() < 0.8 else 2)
        return {c: Decimal(max(1, round(sizes[c] * rng.uniform(0.5, 1.5)))) for c in chosen}

    for n in range(1, n_common + 1):
        lead = rng.choice(org_codes)
        partners: tuple[str, ...] | str
        if rng.random() < 0.3:
            partners = "all"
        else:
            others = [c for c in org_codes if c != lead]
            partners = tuple(rng.sample(others, min(len(others), rng.randint(3, 8))))
        code = f"CT{n:0{width}d}"
        common_codes.append(code)
        specs.append(
            TaskSpec(
                code=code,
                kind="common",
                title=f"{rng.choice(_TITLES)} (đợt {n})",
                lead=lead,
                partners=partners,
                due=due_date(0.05),
                targets=targets(),
                content_area=f"ND{rng.randint(1, 7)}",
            )
        )
    for n in range(1, n_registered + 1):
        lead = rng.choice(org_codes)
        others = [c for c in org_codes if c != lead]
        toward = rng.choice(common_codes) if rng.random() < 0.024 else None
        specs.append(
            TaskSpec(
                code=f"R{n:0{width}d}",
                kind="registered",
                title=f"{rng.choice(_TITLES)} ({lead}, số {n})",
                lead=lead,
                partners=tuple(rng.sample(others, min(len(others), rng.randint(0, 3)))),
                due=due_date(0.05),
                targets=targets(),
                counts_toward=toward,
                content_area=f"ND{rng.randint(1, 7)}",
            )
        )
    for n in range(1, n_focus + 1):
        lead = rng.choice(org_codes)
        others = [c for c in org_codes if c != lead]
        specs.append(
            TaskSpec(
                code=f"TT{n:0{width}d}",
                kind="focus",
                title=f"Nhiệm vụ trọng tâm: {rng.choice(_TITLES).lower()} (số {n})",
                lead=lead,
                partners=tuple(rng.sample(others, min(len(others), rng.randint(1, 4)))),
                due=due_date(0.4),
                targets=targets(),
                period=rng.choice(("6T-2019", "N-2019")),
            )
        )

    return PlanDocument(
        program=ProgramSpec(
            code=PROGRAM_CODE,
            title="Chương trình phối hợp (dữ liệu thử tải, hư cấu) năm 2019",
            document="99-CTr/BCĐ, ngày 02/01/2019",
            level="province",
            area="tỉnh Hòa Sơn",
            start=YEAR_START,
            end=YEAR_END,
        ),
        committee=CommitteeSpec(
            name="Ban Chỉ đạo phối hợp (thử tải)",
            standing_org=org_codes[0],
            chair_org=org_codes[0],
            vice_chair_orgs=tuple(org_codes[1:3]),
        ),
        organizations=tuple(organizations),
        indicators=tuple(indicators),
        periods=tuple(_periods()),
        tasks=tuple(specs),
    )


# --- reports ---------------------------------------------------------------------------------


class Value(NamedTuple):
    """One indicator value of a report, in thousandths (as stored), with its qualifier."""

    indicator: str
    value_milli: int
    qualifier: str | None


class ReportRow(NamedTuple):
    """One generated report: made on `date` by `org` about `task`."""

    effective_on: date
    org: str
    task: str
    values: tuple[Value, ...]
    done: bool | None
    completed_on: date | None
    note: str | None


@dataclass(frozen=True, slots=True)
class _TaskFacts:
    code: str
    lead: str
    partners: tuple[str, ...]  # empty with partners_all
    partners_all: bool
    indicators: tuple[str, ...]
    scale: tuple[float, ...]  # a year's figure per indicator, per reporting organization
    deadline: date


def _task_facts(plan: PlanDocument, rng: random.Random) -> list[_TaskFacts]:
    sizes = {c: (size, dec) for c, _, _, size, dec in _INDICATORS}
    codes = [i.code for i in plan.indicators if i.code in sizes]
    period_end = {p.code: p.end for p in plan.periods}
    facts = []
    for t in plan.tasks:
        inds = list(t.targets) or rng.sample(codes, 1 if rng.random() < 0.6 else 2)
        inds = [c for c in inds if c in sizes] or [codes[0]]
        deadline = t.due or (period_end[t.period] if t.period else plan.program.end)
        share = 0.15 if t.kind == "common" else 1.0
        facts.append(
            _TaskFacts(
                code=t.code,
                lead=t.lead,
                partners=() if t.partners == "all" else t.partners,
                partners_all=t.partners == "all",
                indicators=tuple(inds),
                scale=tuple(sizes[c][0] * share * rng.uniform(0.3, 1.7) for c in inds),
                deadline=deadline,
            )
        )
    return facts


def make_reports(plan: PlanDocument, n: int = 1_000_000, seed: int = 1) -> Iterator[ReportRow]:
    """`n` reports on the plan, oldest first, made between 2019-01-01 and 2019-12-20."""
    rng = random.Random(seed * 7919 + 17)
    facts = _task_facts(plan, rng)
    org_codes = [o.code for o in plan.organizations]
    decimals = {c for c, _, _, _, dec in _INDICATORS if dec}
    days = (LAST_REPORT_DAY - YEAR_START).days + 1

    # About 60% of the tasks are reported done by their lead, around their deadline.
    n_done = min(round(len(facts) * DONE_SHARE), n // 2)
    done_by_day: dict[int, list[tuple[int, date]]] = {}
    for index in sorted(rng.sample(range(len(facts)), n_done)):
        f = facts[index]
        offset = (f.deadline - YEAR_START).days + round(rng.gauss(-8, 15))
        offset = max(1, min(days - 1, offset))
        made = min(days - 1, offset + rng.choice((0, 0, 0, 1, 2, 5)))
        done_by_day.setdefault(made, []).append((index, _day(offset)))

    # The other reports, spread over the days, busier in the two weeks before each cut-off.
    weights = [
        2.0 if any(0 <= (cut - _day(d)).days < 14 for cut in _CUTOFFS) else 1.0
        for d in range(days)
    ]
    n_regular = n - n_done
    scale = n_regular / sum(weights)
    per_day, carried = [], 0.0
    for w in weights:
        carried += w * scale
        k = int(carried)
        per_day.append(k)
        carried -= k
    per_day[-1] += n_regular - sum(per_day)

    kind_weight = {"common": 6.0, "registered": 1.0, "focus": 2.0}
    cum_weights: list[float] = []
    acc = 0.0
    for t in plan.tasks:
        acc += kind_weight[t.kind]
        cum_weights.append(acc)
    indices = range(len(facts))

    def values(f: _TaskFacts, offset: int, correction: bool) -> tuple[Value, ...]:
        chosen: Sequence[int] = range(len(f.indicators))
        if len(f.indicators) > 1 and rng.random() < 0.5:
            chosen = (rng.randrange(len(f.indicators)),)
        out = []
        progress = (offset + 1) / days
        for k in chosen:
            code = f.indicators[k]
            figure = f.scale[k] * progress * rng.uniform(0.85, 1.15)
            if correction:
                figure *= 0.9  # a figure reported too high earlier, corrected down
            milli = round(figure * 2) * 500 if code in decimals else max(1, round(figure)) * 1000
            r = rng.random()
            qualifier = (
                "approx" if r < 0.05 else "over" if r < 0.07 else "more_than" if r < 0.08 else None
            )
            out.append(Value(code, milli, qualifier))
        return tuple(out)

    def partner(f: _TaskFacts) -> str:
        if f.partners_all:
            org = rng.choice(org_codes)
            return org if org != f.lead else org_codes[0 if f.lead != org_codes[0] else 1]
        return rng.choice(f.partners) if f.partners else f.lead

    for offset in range(days):
        today = _day(offset)
        for index in rng.choices(indices, cum_weights=cum_weights, k=per_day[offset]):
            f = facts[index]
            from_lead = rng.random() < (0.25 if f.partners_all or len(f.partners) > 2 else 0.75)
            org = f.lead if from_lead else partner(f)
            correction = rng.random() < 0.03
            # Now and then a partner says "done": kept, but it does not close the task.
            done = True if not from_lead and rng.random() < 0.005 else None
            yield ReportRow(
                effective_on=today,
                org=org,
                task=f.code,
                values=values(f, offset, correction),
                done=done,
                completed_on=today if done else None,
                note="đính chính số liệu" if correction else None,
            )
        for index, completed in done_by_day.get(offset, ()):
            f = facts[index]
            yield ReportRow(
                effective_on=today,
                org=f.lead,
                task=f.code,
                values=values(f, offset, False),
                done=True,
                completed_on=completed,
                note=None,
            )


_CUTOFFS = (date(2019, 6, 7), date(2019, 12, 6))


# --- YAML --------------------------------------------------------------------------------------


def _number(value: Decimal | int) -> int | float:
    d = Decimal(value)
    return int(d) if d == d.to_integral_value() else float(d)


def _plain(value: Any) -> Any:
    """Dumped model data as YAML-friendly values: lists, real dates, plain numbers."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return _number(value)
    return value


def plan_to_yaml_data(plan: PlanDocument) -> dict[str, Any]:
    """The plan as the data of a plan file (DESIGN.md, 'Plan file'), defaults left out."""
    data: dict[str, Any] = _plain(
        plan.model_dump(mode="python", exclude_defaults=True, exclude_none=True)
    )
    return data


def reports_to_yaml_data(rows: Sequence[ReportRow]) -> dict[str, Any]:
    """Reports as the data of a report log (qualifiers and notes are not part of that format)."""
    out = []
    for r in rows:
        entry: dict[str, Any] = {"date": r.effective_on, "org": r.org, "task": r.task}
        if r.values:
            entry["values"] = {
                v.indicator: _number(Decimal(v.value_milli) / 1000) for v in r.values
            }
        if r.done is not None:
            entry["done"] = r.done
            if r.completed_on is not None and r.completed_on != r.effective_on:
                entry["completed_on"] = r.completed_on
        out.append(entry)
    return {"program": PROGRAM_CODE, "reports": out}


def _dump(data: Any, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    with path.open("w", encoding="utf-8") as fh:
        yaml.dump(data, fh, Dumper=dumper, allow_unicode=True, sort_keys=False, width=120)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--orgs", type=int, default=100)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="write the plan as YAML here")
    parser.add_argument("--reports", type=int, default=0, help="how many reports to generate")
    parser.add_argument("--reports-out", type=Path, help="write the reports as a report log here")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    plan = make_plan(orgs=args.orgs, tasks=args.tasks, seed=args.seed)
    problems = check_plan(plan)
    if problems:
        print(
            f"generated plan has {len(problems)} problems, first: {problems[0]}", file=sys.stderr
        )
        return 1
    print(f"plan: {len(plan.tasks)} tasks in {time.perf_counter() - started:.1f} s")
    if args.out:
        _dump(plan_to_yaml_data(plan), args.out)
        print(f"wrote {args.out}")
    if args.reports:
        started = time.perf_counter()
        rows = list(make_reports(plan, args.reports, seed=args.seed))
        done = sum(1 for r in rows if r.done)
        print(
            f"reports: {len(rows)} ({done} done) in {time.perf_counter() - started:.1f} s, "
            f"{rows[0].effective_on} .. {rows[-1].effective_on}"
        )
        if args.reports_out:
            _dump(reports_to_yaml_data(rows), args.reports_out)
            print(f"wrote {args.reports_out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

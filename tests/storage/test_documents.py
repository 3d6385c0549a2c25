"""Plan documents: every problem of a plan file is an exact `Issue` naming where it is."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from config.settings import SAMPLE_PLAN, SAMPLE_REPORTS
from storage.documents import (
    DocumentError,
    Issue,
    PlanDocument,
    load_plan,
    load_report_log,
    parse_plan,
    parse_report_log,
)

Plan = dict[str, Any]

# Row numbers are 1-based positions in their section: 9 common tasks come first, so R09 is 18.
R09_ROW = 18
R08_ROW = 17


@pytest.fixture
def plan() -> Plan:
    """The sample plan as plain YAML data, a fresh copy for each test to break."""
    data = yaml.safe_load(SAMPLE_PLAN.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return copy.deepcopy(data)


def task(plan: Plan, code: str) -> dict[str, Any]:
    found: dict[str, Any] = next(t for t in plan["tasks"] if t["code"] == code)
    return found


def issues_of(plan: Plan) -> list[Issue]:
    with pytest.raises(DocumentError) as caught:
        parse_plan(plan)
    return caught.value.issues


def where(issue: Issue) -> tuple[str, int | None, str | None, str | None, str]:
    return (issue.section, issue.row, issue.key, issue.field, issue.code)


def test_the_sample_plan_parses(plan: Plan) -> None:
    """The unmodified sample is a valid plan with its 15 organizations and 46 tasks."""
    parsed = parse_plan(plan)
    assert isinstance(parsed, PlanDocument)
    assert parsed.program.code == "CTPH-2019"
    assert len(parsed.organizations) == 15
    assert len(parsed.tasks) == 46
    assert parsed == load_plan(SAMPLE_PLAN)


@pytest.mark.parametrize(
    ("mutate", "expected", "params"),
    [
        pytest.param(
            lambda p: task(p, "R09").update(lead="XYZ"),
            ("tasks", R09_ROW, "R09", "lead", "unknown_org"),
            {"value": "XYZ"},
            id="unknown-lead",
        ),
        pytest.param(
            lambda p: task(p, "R09").update(partners=["MTTQ", "XYZ"]),
            ("tasks", R09_ROW, "R09", "partners", "unknown_org"),
            {"value": "XYZ"},
            id="unknown-partner",
        ),
        pytest.param(
            lambda p: task(p, "R09").update(partners=["MTTQ", "CA"]),
            ("tasks", R09_ROW, "R09", "partners", "partner_is_lead"),
            {"value": "CA"},
            id="partner-is-lead",
        ),
        pytest.param(
            lambda p: task(p, "R09").update(code="R08"),
            ("tasks", R09_ROW, "R08", "code", "duplicate_code"),
            {"value": "R08", "first_row": str(R08_ROW)},
            id="duplicate-task-code",
        ),
        pytest.param(
            lambda p: p["organizations"].append({"code": "HND", "name": "Hội Nông dân (2)"}),
            ("organizations", 16, "HND", "code", "duplicate_code"),
            {"value": "HND", "first_row": "7"},
            id="duplicate-org-code",
        ),
        pytest.param(
            lambda p: task(p, "R09").update(targets={"ZZ": 3}),
            ("tasks", R09_ROW, "R09", "targets", "unknown_indicator"),
            {"value": "ZZ"},
            id="unknown-indicator",
        ),
        pytest.param(
            lambda p: task(p, "R09").update(targets={"MH": -3}),
            ("tasks", R09_ROW, "R09", "targets", "negative_number"),
            {"value": "MH: -3"},
            id="negative-target",
        ),
        pytest.param(
            lambda p: task(p, "R09").update(period="Q9"),
            ("tasks", R09_ROW, "R09", "period", "unknown_period"),
            {"value": "Q9"},
            id="unknown-period",
        ),
        pytest.param(
            lambda p: task(p, "R09").update(counts_toward="CT99"),
            ("tasks", R09_ROW, "R09", "counts_toward", "unknown_task"),
            {"value": "CT99"},
            id="counts-toward-unknown-task",
        ),
        pytest.param(
            # R16 itself counts toward CT04: one level only.
            lambda p: task(p, "R09").update(counts_toward="R16"),
            ("tasks", R09_ROW, "R09", "counts_toward", "counts_toward_chain"),
            {"value": "R16"},
            id="counts-toward-chain",
        ),
        pytest.param(
            lambda p: task(p, "R09").update(counts_toward="R09"),
            ("tasks", R09_ROW, "R09", "counts_toward", "counts_toward_chain"),
            {"value": "R09"},
            id="counts-toward-itself",
        ),
        pytest.param(
            lambda p: p["program"].update(timezone="Mars/Olympus"),
            ("program", None, None, "timezone", "bad_timezone"),
            {"value": "Mars/Olympus"},
            id="bad-timezone",
        ),
        pytest.param(
            lambda p: p["program"].update(end=date(2018, 12, 31)),
            ("program", None, None, "end", "end_before_start"),
            {"start": "2019-01-01", "end": "2018-12-31"},
            id="program-end-before-start",
        ),
        pytest.param(
            lambda p: p["periods"][0].update(end=date(2018, 12, 31)),
            ("periods", 1, "6T-2019", "end", "end_before_start"),
            {"start": "2019-01-01", "end": "2018-12-31"},
            id="period-end-before-start",
        ),
        pytest.param(
            lambda p: p["committee"].update(chair_org="ZZ"),
            ("committee", None, None, "chair_org", "unknown_org"),
            {"value": "ZZ"},
            id="unknown-chair-org",
        ),
    ],
)
def test_cross_reference_problem_is_one_exact_issue(
    plan: Plan,
    mutate: Callable[[Plan], None],
    expected: tuple[str, int | None, str | None, str | None, str],
    params: dict[str, str],
) -> None:
    """Each broken reference is reported once, naming section, row, key, field and code."""
    mutate(plan)
    issues = issues_of(plan)
    assert [where(i) for i in issues] == [expected]
    assert issues[0].params == params


@pytest.mark.parametrize(
    ("mutate", "expected", "value"),
    [
        pytest.param(
            lambda p: task(p, "R09").update(due="2019-02-30"),
            ("tasks", R09_ROW, None, "due", "bad_date"),
            "2019-02-30",
            id="bad-date",
        ),
        pytest.param(
            lambda p: p["program"].update(start="2019-13-01"),
            ("program", None, None, "start", "bad_date"),
            "2019-13-01",
            id="bad-program-date",
        ),
        pytest.param(
            lambda p: task(p, "R09").pop("title"),
            ("tasks", R09_ROW, None, "title", "missing"),
            "",
            id="missing-title",
        ),
        pytest.param(
            lambda p: task(p, "R09").update(owner="CA"),
            ("tasks", R09_ROW, None, "owner", "unknown_field"),
            "CA",
            id="unknown-field",
        ),
        pytest.param(
            lambda p: p.update(extra_section=1),
            ("extra_section", None, None, None, "unknown_field"),
            "1",
            id="unknown-top-level-key",
        ),
        pytest.param(
            lambda p: task(p, "R09").update(kind="other"),
            ("tasks", R09_ROW, None, "kind", "bad_choice"),
            "other",
            id="bad-kind",
        ),
        pytest.param(
            lambda p: task(p, "R09").update(targets={"MH": "nhiều"}),
            ("tasks", R09_ROW, None, "targets.MH", "bad_number"),
            "nhiều",
            id="target-not-a-number",
        ),
        pytest.param(
            lambda p: task(p, "R09").update(code="R 09"),
            ("tasks", R09_ROW, None, "code", "bad_code"),
            "R 09",
            id="bad-code",
        ),
        pytest.param(
            lambda p: p.update(tasks={"R01": "x"}),
            ("tasks", None, None, None, "bad_list"),
            "",
            id="tasks-not-a-list",
        ),
    ],
)
def test_field_problem_is_one_exact_issue(
    plan: Plan,
    mutate: Callable[[Plan], None],
    expected: tuple[str, int | None, str | None, str | None, str],
    value: str,
) -> None:
    """A value of the wrong shape is reported once, naming section, row, field and code."""
    mutate(plan)
    issues = issues_of(plan)
    assert [where(i) for i in issues] == [expected]
    assert issues[0].params["value"] == value


def test_bad_kind_lists_the_allowed_choices(plan: Plan) -> None:
    """A bad choice tells which values are allowed, for the message to quote them."""
    task(plan, "R09")["kind"] = "other"
    (issue,) = issues_of(plan)
    choices = issue.params["choices"]
    assert all(kind in choices for kind in ("common", "registered", "focus"))


def test_partners_neither_list_nor_all_is_one_issue(plan: Plan) -> None:
    """`partners: some` (neither a list nor `all`) is reported once, on the partners field."""
    task(plan, "R09")["partners"] = "some"
    issues = issues_of(plan)
    assert [(i.section, i.row, i.field) for i in issues] == [("tasks", R09_ROW, "partners")]


def test_several_cross_reference_problems_are_all_reported_sorted(plan: Plan) -> None:
    """Every problem is reported at once, ordered by section, row and field."""
    task(plan, "R33")["lead"] = "XYZ"
    task(plan, "R09")["targets"] = {"ZZ": 1}
    task(plan, "R09")["period"] = "Q9"
    task(plan, "CT01")["counts_toward"] = "CT99"
    plan["program"]["timezone"] = "Nowhere/City"
    plan["committee"]["standing_org"] = "QQ"
    plan["organizations"].append({"code": "CA", "name": "Công an (trùng)"})
    issues = issues_of(plan)
    assert [where(i) for i in issues] == [
        ("committee", None, None, "standing_org", "unknown_org"),
        ("organizations", 16, "CA", "code", "duplicate_code"),
        ("program", None, None, "timezone", "bad_timezone"),
        ("tasks", 1, "CT01", "counts_toward", "unknown_task"),
        ("tasks", R09_ROW, "R09", "period", "unknown_period"),
        ("tasks", R09_ROW, "R09", "targets", "unknown_indicator"),
        ("tasks", 42, "R33", "lead", "unknown_org"),
    ]
    assert issues == sorted(issues, key=Issue.sort_key)


def test_several_field_problems_are_all_reported_in_order(plan: Plan) -> None:
    """Shape problems in different sections and rows all come back, in document order."""
    plan["program"]["start"] = "hôm qua"
    task(plan, "CT02").pop("lead")
    task(plan, "R09")["kind"] = "other"
    task(plan, "R20")["due"] = "2019-02-30"
    issues = issues_of(plan)
    assert [where(i) for i in issues] == [
        ("program", None, None, "start", "bad_date"),
        ("tasks", 2, None, "lead", "missing"),
        ("tasks", R09_ROW, None, "kind", "bad_choice"),
        ("tasks", 29, None, "due", "bad_date"),
    ]
    assert issues == sorted(issues, key=Issue.sort_key)


# --- files -------------------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    """A plan file that does not exist is one file-level issue naming the path."""
    path = tmp_path / "none.yaml"
    with pytest.raises(DocumentError) as caught:
        load_plan(path)
    assert caught.value.issues == [Issue("file", "file_not_found", params={"path": str(path)})]


def test_yaml_syntax_error_names_its_line(tmp_path: Path) -> None:
    """A YAML syntax error is one file-level issue whose row is the 1-based line of the error."""
    lines = SAMPLE_PLAN.read_text(encoding="utf-8").splitlines()
    assert lines[5].startswith("  title:")
    lines[5] = "  title: Chương trình: năm 2019"  # 'mapping values are not allowed here'
    path = tmp_path / "plan.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DocumentError) as caught:
        load_plan(path)
    (issue,) = caught.value.issues
    assert where(issue) == ("file", 6, None, None, "yaml_syntax")
    assert "mapping values are not allowed" in issue.params["detail"]


@pytest.mark.parametrize(
    "text", ["- just\n- a list\n", "plain text\n", ""], ids=["list", "scalar", "empty"]
)
def test_a_file_that_is_not_a_mapping(tmp_path: Path, text: str) -> None:
    """A YAML file whose top level is not a mapping is one document-level issue."""
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DocumentError) as caught:
        load_plan(path)
    assert caught.value.issues == [Issue("document", "bad_mapping")]


@pytest.mark.parametrize("name", ["plan.txt", "plan.json", "plan"])
def test_unknown_file_extension(tmp_path: Path, name: str) -> None:
    """Only .yaml, .yml and .xlsx plans are read; anything else is refused before reading."""
    path = tmp_path / name
    path.write_text(SAMPLE_PLAN.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(DocumentError) as caught:
        load_plan(path)
    assert caught.value.issues == [Issue("file", "unknown_format", params={"path": str(path)})]


def test_yml_extension_is_read(tmp_path: Path) -> None:
    """A plan saved as .yml (upper or lower case) reads like a .yaml one."""
    path = tmp_path / "plan.YML"
    path.write_text(SAMPLE_PLAN.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_plan(path) == load_plan(SAMPLE_PLAN)


def test_impossible_iso_date_in_a_yaml_file_is_an_issue(tmp_path: Path) -> None:
    """`due: 2019-02-30` written in a plan file is a bad_date issue, not a crash."""
    text = SAMPLE_PLAN.read_text(encoding="utf-8")
    assert "  due: 2019-05-31\n  targets: {MH: 20}" in text  # R09
    path = tmp_path / "plan.yaml"
    path.write_text(
        text.replace("  due: 2019-05-31\n  targets: {MH: 20}", "  due: 2019-02-30\n"),
        encoding="utf-8",
    )
    with pytest.raises(DocumentError) as caught:
        load_plan(path)
    assert [i.code for i in caught.value.issues] == ["bad_date"]


# --- report logs -------------------------------------------------------------------------------


def test_the_sample_report_log_parses() -> None:
    """The sample log has its 17 people and 54 reports, dated up to 14/06/2019."""
    log = load_report_log(SAMPLE_REPORTS)
    assert (len(log.people), len(log.reports), log.as_of) == (17, 54, date(2019, 6, 14))


def test_report_log_problems_name_their_entry() -> None:
    """A report with a bad date, an unknown field or a non-number value names its row."""
    data = yaml.safe_load(SAMPLE_REPORTS.read_text(encoding="utf-8"))
    data["reports"][2]["date"] = "30/02/2019"
    data["reports"][4]["who"] = "x"
    data["reports"][6]["values"] = {"TIEN": "nhiều"}
    with pytest.raises(DocumentError) as caught:
        parse_report_log(data)
    assert [where(i) for i in caught.value.issues] == [
        ("reports", 3, None, "date", "bad_date"),
        ("reports", 5, None, "who", "unknown_field"),
        ("reports", 7, None, "values.TIEN", "bad_number"),
    ]


def test_report_log_that_is_not_a_mapping() -> None:
    """A report log whose top level is a list is one document-level issue."""
    with pytest.raises(DocumentError) as caught:
        parse_report_log([{"date": "2019-01-01"}])
    assert caught.value.issues == [Issue("document", "bad_mapping")]

"""The `phoihop` command line: the demo, the whole import-replay-status-export flow, refusals."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import yaml

from bot.cli import main
from config.settings import SAMPLE_PLAN, SAMPLE_REPORTS

GOLDEN = Path(__file__).with_name("golden")
P = "CTPH-2019"

# The worked example of DESIGN.md, as of 14/06/2019.
REGISTERED_BY_LEAD = {
    "BDVTU": (3, 3),
    "BCHQS": (2, 3),
    "CA": (2, 3),
    "MTTQ": (1, 3),
    "TD": (2, 3),
    "HLHPN": (2, 3),
    "HND": (2, 3),
    "HCCB": (1, 2),
    "LDLD": (2, 2),
    "BDBP": (1, 2),
    "HCTD": (2, 2),
    "BTGTU": (1, 2),
    "SLDTBXH": (1, 2),
    "HNCT": (1, 2),
    "DPTTH": (1, 2),
}
OVERDUE = [
    {"task": "CT09", "lead": "BDVTU", "due": "2019-05-31", "days_late": 14},
    {"task": "R09", "lead": "CA", "due": "2019-05-31", "days_late": 14},
    {"task": "R27", "lead": "BDBP", "due": "2019-05-31", "days_late": 14},
    {"task": "R33", "lead": "SLDTBXH", "due": "2019-05-31", "days_late": 14},
]
TASK_TOTALS = {
    "CT01": {"HN": 163, "LN": 44850},
    "CT02": {"NGUOI": 1600},
    "CT04": {"NHA": 210, "TIEN": 7050},
    "CT05": {"BUOI": 795, "LN": 62000},
    "CT06": {"SQ": 20115, "TIEN": 5120},
}


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> Run:
    """Run the command line as a user would; argparse's own exits become exit codes."""
    capsys.readouterr()  # forget whatever came before
    out = io.StringIO()
    try:
        code = main(list(argv), out=out)
    except SystemExit as exc:  # argparse refuses bad usage by exiting
        code = exc.code if isinstance(exc.code, int) else 1
    captured = capsys.readouterr()
    return Run(code, out.getvalue() + captured.out, captured.err)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def snapshot(url: str) -> dict[str, int]:
    """Row counts of every table; {} when the database is missing or has no tables.

    Never creates a SQLite file that is not there."""
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return {}
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            names = sa.inspect(conn).get_table_names()
            return {
                name: conn.execute(
                    sa.select(sa.func.count()).select_from(sa.table(name))
                ).scalar_one()
                for name in names
            }
    finally:
        engine.dispose()


def status_of(capsys: pytest.CaptureFixture[str], url: str, *options: str) -> dict[str, Any]:
    run = cli(capsys, "--database-url", url, "status", P, "--json", *options)
    assert run.code == 0, run.err
    data: dict[str, Any] = json.loads(run.out)
    return data


def golden(name: str) -> str:
    return (GOLDEN / name).read_text(encoding="utf-8")


@pytest.fixture
def loaded(db_url: str, capsys: pytest.CaptureFixture[str]) -> str:
    """A database (each backend) holding the sample plan and its whole report log, via the CLI."""
    assert cli(capsys, "--database-url", db_url, "import", str(SAMPLE_PLAN)).code == 0
    assert cli(capsys, "--database-url", db_url, "replay", str(SAMPLE_REPORTS)).code == 0
    return db_url


@pytest.fixture
def fresh(tmp_path: Path) -> str:
    """The URL of a SQLite file that does not exist yet."""
    return sqlite_url(tmp_path / "fresh" / "phoihop.db")


def assert_worked_example(data: dict[str, Any]) -> None:
    """The JSON figures of DESIGN.md's worked example, as of 14/06/2019."""
    assert data["program"] == P
    assert data["as_of"] == "2019-06-14"
    assert data["org"] is None
    assert data["kinds"]["common"] == {
        "done": 6,
        "total": 9,
        "on_time": 5,
        "late": 1,
        "in_progress": 2,
        "overdue": 1,
        "due": 7,
    }
    assert data["kinds"]["registered"] == {
        "done": 24,
        "total": 37,
        "on_time": 22,
        "late": 2,
        "in_progress": 10,
        "overdue": 3,
        "due": 27,
    }
    orgs = data["organizations"]
    assert set(orgs) == set(REGISTERED_BY_LEAD)
    assert {
        code: (o["registered_done"], o["registered_total"]) for code, o in orgs.items()
    } == REGISTERED_BY_LEAD
    assert [{k: x[k] for k in ("task", "lead", "due", "days_late")} for x in data["overdue"]] == (
        OVERDUE
    )
    assert all(x["extended_due"] is None for x in data["overdue"])
    assert {task: data["task_totals"][task] for task in TASK_TOTALS} == TASK_TOTALS
    statuses = data["statuses"]
    assert [c for c, s in statuses.items() if s == "done_late"] == ["CT08", "R16", "R32"]


# --- the demo ----------------------------------------------------------------------------------


def test_demo_prints_the_worked_example(capsys: pytest.CaptureFixture[str]) -> None:
    """`phoihop demo` says, in Vietnamese, exactly the figures of DESIGN.md's worked example."""
    run = cli(capsys, "demo")
    assert run.code == 0, run.err
    assert run.err == ""
    lines = run.out.splitlines()
    assert lines[0].startswith("Bản trình diễn phoihop: cơ sở dữ liệu SQLite mới (")
    assert "14/06/2019" in lines[0]
    for expected in [
        "Tính đến ngày 14/06/2019",
        "Hoàn thành 6/9 nhiệm vụ chung, 24/37 nhiệm vụ đăng ký chủ trì.",
        "Nhiệm vụ chung: hoàn thành 6/9",
        "• hoàn thành quá hạn: 1 (CT08)",
        "• quá hạn chưa hoàn thành: 1 (CT09)",
        "• tỷ lệ hoàn thành trên số nhiệm vụ đã đến hạn: 6/7 (85,7%)",
        "Nhiệm vụ đăng ký chủ trì: hoàn thành 24/37",
        "• hoàn thành đúng hạn: 22",
        "• hoàn thành quá hạn: 2 (R16, R32)",
        "• đang thực hiện trong hạn: 10",
        "• quá hạn chưa hoàn thành: 3 (R09, R27, R33)",
        "• tỷ lệ hoàn thành trên số nhiệm vụ đã đến hạn: 24/27 (88,9%)",
        "• BDVTU: 3/3 · quá hạn: CT09",
        "• MTTQ: 1/3",
        "• CA: 2/3 · quá hạn: R09",
        "• BDBP: 1/2 · quá hạn: R27",
        "• SLDTBXH: 1/2 · quá hạn: R33",
        "Quá hạn chưa hoàn thành (4):",
    ]:
        assert expected in lines, expected
    # "hoàn thành đúng hạn" and "đang thực hiện trong hạn" of the common tasks
    common = lines.index("Nhiệm vụ chung: hoàn thành 6/9")
    assert lines[common + 1 : common + 5] == [
        "• hoàn thành đúng hạn: 5",
        "• hoàn thành quá hạn: 1 (CT08)",
        "• đang thực hiện trong hạn: 2",
        "• quá hạn chưa hoàn thành: 1 (CT09)",
    ]
    for code, (done, total) in REGISTERED_BY_LEAD.items():
        assert any(line.startswith(f"• {code}: {done}/{total}") for line in lines), code
    overdue = [line for line in lines if "quá 14 ngày" in line]
    assert [line.split(" ")[1] for line in overdue] == ["CT09", "R09", "R27", "R33"]
    assert all(", hạn 31/05/2019, quá 14 ngày: " in line for line in overdue)
    for figures in [
        "163 hội nghị (chỉ tiêu 150), 44.850 lượt người",
        "1.600 người (chỉ tiêu 1.600)",
        "210 ngôi nhà (chỉ tiêu 200), 7.050 triệu đồng",
        "795 buổi, 62.000 lượt người",
        "20.115 suất quà, 5.120 triệu đồng",
    ]:
        assert any(line.endswith(": " + figures) for line in lines), figures


@pytest.mark.parametrize(
    ("argv", "name"), [((), "demo-vi.txt"), (("--lang", "en"), "demo-en.txt")], ids=["vi", "en"]
)
def test_demo_output_matches_the_golden_file(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], name: str
) -> None:
    """The whole demo text, line for line, is the reviewed golden file (but its temp path)."""
    run = cli(capsys, *argv, "demo")
    assert run.code == 0, run.err
    first, rest = run.out.split("\n", 1)
    expected_first, expected_rest = golden(name).split("\n", 1)
    assert first.split("(")[0] == expected_first.split("(")[0]
    assert rest == expected_rest


def test_english_demo_headline(capsys: pytest.CaptureFixture[str]) -> None:
    """`--lang en demo` says the same figures in English."""
    run = cli(capsys, "--lang", "en", "demo")
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert "Done: 6/9 common tasks, 24/37 registered tasks." in lines
    assert "As of 14/06/2019" in lines
    assert any(line.endswith(": 163 hội nghị (target 150), 44,850 lượt người") for line in lines)


def test_demo_json_is_the_worked_example(capsys: pytest.CaptureFixture[str]) -> None:
    """`phoihop demo --json` prints only the JSON of the worked example."""
    run = cli(capsys, "demo", "--json")
    assert run.code == 0, run.err
    assert_worked_example(json.loads(run.out))


def test_demo_keep_leaves_a_usable_database(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`demo --keep FILE` leaves the demo database there for `status` to read later."""
    path = tmp_path / "demo.db"
    run = cli(capsys, "demo", "--keep", str(path))
    assert run.code == 0, run.err
    assert str(path) in run.out.splitlines()[0]
    assert_worked_example(status_of(capsys, sqlite_url(path), "--as-of", "14/06/2019"))
    # Running it again over the kept file starts afresh rather than doubling anything.
    assert cli(capsys, "demo", "--keep", str(path)).code == 0
    assert_worked_example(status_of(capsys, sqlite_url(path), "--as-of", "14/06/2019"))


# --- the whole flow ----------------------------------------------------------------------------


def test_full_flow_on_a_fresh_database(
    capsys: pytest.CaptureFixture[str], db_url: str, tmp_path: Path
) -> None:
    """import, replay (twice), status in both languages, as of other dates, by organization."""
    url = ("--database-url", db_url)
    run = cli(capsys, *url, "import", str(SAMPLE_PLAN))
    assert (run.code, run.err) == (0, "")
    assert run.out == (
        "Đã tạo chương trình CTPH-2019: 15 cơ quan, 16 chỉ tiêu, 2 kỳ báo cáo, 46 nhiệm vụ.\n"
    )

    run = cli(capsys, *url, "replay", str(SAMPLE_REPORTS))
    assert (run.code, run.err) == (0, "")
    assert run.out == ("CTPH-2019: đã ghi 54 báo cáo mới, 0 báo cáo đã có từ trước; 17 người.\n")
    counts = snapshot(db_url)

    run = cli(capsys, *url, "replay", str(SAMPLE_REPORTS))
    assert (run.code, run.err) == (0, "")
    assert run.out == ("CTPH-2019: đã ghi 0 báo cáo mới, 54 báo cáo đã có từ trước; 17 người.\n")
    assert snapshot(db_url) == counts

    run = cli(capsys, *url, "import", str(SAMPLE_PLAN))
    assert run.out == "Kế hoạch CTPH-2019 không có gì thay đổi.\n"
    assert snapshot(db_url) == counts

    # The status the CLI prints is the one the demo prints, line for line.
    run = cli(capsys, *url, "status", P, "--as-of", "14/06/2019")
    assert (run.code, run.err) == (0, "")
    assert run.out == golden("demo-vi.txt").split("\n", 2)[2]
    run = cli(capsys, *url, "--lang", "en", "status", P, "--as-of", "14/6/2019")
    assert (run.code, run.err) == (0, "")
    assert "Done: 6/9 common tasks, 24/37 registered tasks." in run.out.splitlines()
    assert run.out == golden("demo-en.txt").split("\n", 2)[2]
    # --lang may also follow the command, as the issue writes it.
    after = cli(capsys, *url, "status", P, "--as-of", "14/6/2019", "--lang", "en")
    assert (after.code, after.out) == (0, run.out)

    assert_worked_example(status_of(capsys, db_url, "--as-of", "14/06/2019"))

    early = status_of(capsys, db_url, "--as-of", "31/03/2019")
    assert early["as_of"] == "2019-03-31"
    assert early["kinds"]["common"]["done"] == 1
    assert early["kinds"]["registered"]["done"] == 7

    today = status_of(capsys, db_url)
    assert today["as_of"] == datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date().isoformat()


def test_status_of_one_organization(capsys: pytest.CaptureFixture[str], loaded: str) -> None:
    """`status --org HND` shows the part of the Farmers' Association, in text and JSON."""
    run = cli(
        capsys, "--database-url", loaded, "status", P, "--as-of", "14/06/2019", "--org", "HND"
    )
    assert (run.code, run.err) == (0, "")
    lines = run.out.splitlines()
    assert "Phần việc của HND (Hội Nông dân tỉnh)" in lines
    assert "• HND: 2/3" in lines
    assert not any(line.startswith("• BDVTU:") for line in lines)
    data = status_of(capsys, loaded, "--as-of", "14/06/2019", "--org", "HND")
    assert data["org"] == "HND"
    hnd = data["organizations"]["HND"]
    assert (hnd["registered_done"], hnd["registered_total"]) == (2, 3)
    # Only tasks HND leads or partners on: CT01 and CT07 (all), CT03, CT05, R11, R19, R20, R21.
    assert set(data["statuses"]) == {"CT01", "CT03", "CT05", "CT07", "R11", "R19", "R20", "R21"}


def test_export_then_import_gives_the_same_status(
    capsys: pytest.CaptureFixture[str], loaded: str, tmp_path: Path
) -> None:
    """A plan exported to Excel and imported into another database gives the same figures."""
    xlsx = tmp_path / "out.xlsx"
    run = cli(capsys, "--database-url", loaded, "export", P, str(xlsx))
    assert (run.code, run.err) == (0, "")
    assert run.out == f"Đã xuất kế hoạch CTPH-2019 ra tệp {xlsx}.\n"
    assert xlsx.stat().st_size > 0

    other = sqlite_url(tmp_path / "other.db")
    run = cli(capsys, "--database-url", other, "import", str(xlsx))
    assert (run.code, run.err) == (0, "")
    assert run.out.startswith("Đã tạo chương trình CTPH-2019: 15 cơ quan")
    assert cli(capsys, "--database-url", other, "replay", str(SAMPLE_REPORTS)).code == 0
    for as_of in ("14/06/2019", "31/03/2019", "31/12/2019"):
        assert status_of(capsys, other, "--as-of", as_of) == status_of(
            capsys, loaded, "--as-of", as_of
        )
    # Importing the exported plan back over the original changes nothing.
    run = cli(capsys, "--database-url", loaded, "import", str(xlsx))
    assert run.out == "Kế hoạch CTPH-2019 không có gì thay đổi.\n"


def test_import_dry_run_writes_nothing(
    capsys: pytest.CaptureFixture[str], loaded: str, tmp_path: Path
) -> None:
    """`import --dry-run` of a changed plan says what would change and changes nothing."""
    plan = yaml.safe_load(SAMPLE_PLAN.read_text(encoding="utf-8"))
    plan["tasks"] = [t for t in plan["tasks"] if t["code"] != "R37"]
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    before = snapshot(loaded)
    run = cli(capsys, "--database-url", loaded, "import", str(path), "--dry-run")
    assert (run.code, run.err) == (0, "")
    assert "nhiệm vụ thêm 0, sửa 0, bỏ 1" in run.out
    assert snapshot(loaded) == before
    assert status_of(capsys, loaded, "--as-of", "14/06/2019")["kinds"]["registered"]["total"] == 37


def test_db_upgrade_and_current(capsys: pytest.CaptureFixture[str], fresh: str) -> None:
    """`db upgrade` makes the schema; `db current` then names the same revision."""
    up = cli(capsys, "--database-url", fresh, "db", "upgrade")
    assert (up.code, up.err) == (0, "")
    current = cli(capsys, "--database-url", fresh, "db", "current")
    assert current.code == 0
    assert up.out == current.out
    assert up.out.startswith("Cơ sở dữ liệu đã ở phiên bản mới nhất (")
    assert "(-)" not in up.out


# --- refusals ----------------------------------------------------------------------------------


def write_plan(tmp_path: Path, data: Any, name: str = "plan.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def sample_plan_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(SAMPLE_PLAN.read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize(
    ("lang", "message"),
    [("vi", "không tìm thấy tệp"), ("en", "not found")],
)
def test_import_of_a_missing_file(
    capsys: pytest.CaptureFixture[str], fresh: str, tmp_path: Path, lang: str, message: str
) -> None:
    """A plan file that is not there is refused, said in the user's language; no database."""
    missing = tmp_path / "none.yaml"
    run = cli(capsys, "--lang", lang, "--database-url", fresh, "import", str(missing))
    assert run.code == 1
    assert run.out == ""
    assert str(missing) in run.err and message in run.err
    assert not Path(fresh.removeprefix("sqlite:///")).exists()


def test_import_of_a_yaml_syntax_error(
    capsys: pytest.CaptureFixture[str], loaded: str, tmp_path: Path
) -> None:
    """A broken YAML file is refused with its line; the database keeps what it had."""
    path = tmp_path / "plan.yaml"
    path.write_text("program:\n  code: X\n  title: a: b\n", encoding="utf-8")
    before = snapshot(loaded)
    run = cli(capsys, "--database-url", loaded, "import", str(path))
    assert run.code == 1
    assert run.err.splitlines() == [
        f"Không dùng được {path}: 1 lỗi. Chưa có gì thay đổi.",
        "• tệp dòng 3: tệp YAML sai cú pháp: mapping values are not allowed in this context",
    ]
    assert snapshot(loaded) == before


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "vi",
            "• mục «tasks» phần tử thứ 18 (R09) trường «lead»: "
            "không có cơ quan mã «XYZ» trong danh sách cơ quan thành viên.",
        ),
        (
            "en",
            "• section “tasks” item 18 (R09) field “lead”: "
            "no organization with code “XYZ” among the member organizations.",
        ),
    ],
)
def test_import_of_a_plan_with_an_unknown_lead(
    capsys: pytest.CaptureFixture[str], loaded: str, tmp_path: Path, lang: str, expected: str
) -> None:
    """An unknown lead is refused naming the task's row, its code and `lead`; the plan in the
    database stays as it was."""
    data = sample_plan_data()
    next(t for t in data["tasks"] if t["code"] == "R09")["lead"] = "XYZ"
    path = write_plan(tmp_path, data)
    before, status = snapshot(loaded), status_of(capsys, loaded, "--as-of", "14/06/2019")
    run = cli(capsys, "--lang", lang, "--database-url", loaded, "import", str(path))
    assert run.code == 1
    assert run.out == ""
    assert run.err.splitlines()[1:] == [expected]
    assert str(path) in run.err.splitlines()[0]
    assert snapshot(loaded) == before
    assert status_of(capsys, loaded, "--as-of", "14/06/2019") == status


def test_import_reports_every_problem(
    capsys: pytest.CaptureFixture[str], fresh: str, tmp_path: Path
) -> None:
    """Several problems in one plan are all listed, and the fresh database stays empty."""
    data = sample_plan_data()
    next(t for t in data["tasks"] if t["code"] == "R09")["lead"] = "XYZ"
    next(t for t in data["tasks"] if t["code"] == "R33")["targets"] = {"ZZ": 1}
    data["program"]["timezone"] = "Mars/Olympus"
    path = write_plan(tmp_path, data)
    run = cli(capsys, "--database-url", fresh, "import", str(path))
    assert run.code == 1
    lines = run.err.splitlines()
    assert lines[0] == f"Không dùng được {path}: 3 lỗi. Chưa có gì thay đổi."
    assert lines[1].startswith("• mục «program» trường «timezone»: múi giờ «Mars/Olympus»")
    assert lines[2].startswith("• mục «tasks» phần tử thứ 18 (R09) trường «lead»")
    assert lines[3].startswith("• mục «tasks» phần tử thứ 42 (R33) trường «targets»")
    assert snapshot(fresh) == {}


def test_import_of_an_impossible_date(
    capsys: pytest.CaptureFixture[str], fresh: str, tmp_path: Path
) -> None:
    """`due: 2019-02-30` in a plan file is refused with a message, not a traceback."""
    text = SAMPLE_PLAN.read_text(encoding="utf-8").replace("due: 2019-02-28", "due: 2019-02-30")
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    run = cli(capsys, "--database-url", fresh, "import", str(path))
    assert run.code == 1
    assert "2019-02-30" in run.err
    assert snapshot(fresh) == {}


def test_import_of_an_unknown_file_type(
    capsys: pytest.CaptureFixture[str], fresh: str, tmp_path: Path
) -> None:
    """A plan that is neither .yaml nor .xlsx is refused by its name, before anything else."""
    path = tmp_path / "plan.txt"
    path.write_text(SAMPLE_PLAN.read_text(encoding="utf-8"), encoding="utf-8")
    run = cli(capsys, "--database-url", fresh, "import", str(path))
    assert run.code == 1
    assert "không nhận dạng được loại tệp" in run.err and str(path) in run.err
    assert snapshot(fresh) == {}


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        (
            "vi",
            "Lỗi: Không có chương trình mã «NOPE». "
            "Hãy nhập kế hoạch trước: phoihop import KẾ_HOẠCH.yaml",
        ),
        (
            "en",
            "Error: No program with code “NOPE”. Import its plan first: phoihop import PLAN.yaml",
        ),
    ],
)
def test_status_of_an_unknown_program(
    capsys: pytest.CaptureFixture[str], loaded: str, lang: str, message: str
) -> None:
    """Asking for a program that is not there is refused by name."""
    before = snapshot(loaded)
    run = cli(capsys, "--lang", lang, "--database-url", loaded, "status", "NOPE")
    assert (run.code, run.out) == (1, "")
    assert run.err.strip() == message
    assert snapshot(loaded) == before


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("31/02/2019", "Giá trị không hợp lệ cho --as-of: Không có ngày «31/02/2019»"),
        ("hello", "Giá trị không hợp lệ cho --as-of: «hello» không đọc được thành ngày"),
    ],
)
def test_status_with_a_bad_date(
    capsys: pytest.CaptureFixture[str], loaded: str, as_of: str, message: str
) -> None:
    """An impossible or unreadable `--as-of` is refused, saying what is wrong with it."""
    run = cli(capsys, "--database-url", loaded, "status", P, "--as-of", as_of)
    assert (run.code, run.out) == (1, "")
    assert run.err.startswith(message), run.err


def test_status_with_a_bad_date_in_english(
    capsys: pytest.CaptureFixture[str], loaded: str
) -> None:
    """The `--as-of` refusal is in English for `--lang en`."""
    run = cli(capsys, "--lang", "en", "--database-url", loaded, "status", P, "--as-of", "hello")
    assert run.code == 1
    assert run.err.startswith("Invalid value for --as-of: Cannot read “hello” as a date")


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("vi", "Lỗi: Không có cơ quan mã «ZZZ» trong chương trình."),
        ("en", "Error: No organization with code “ZZZ” in the program."),
    ],
)
def test_status_of_an_unknown_organization(
    capsys: pytest.CaptureFixture[str], loaded: str, lang: str, message: str
) -> None:
    """`--org` with a code that is not a member organization is refused by name."""
    run = cli(capsys, "--lang", lang, "--database-url", loaded, "status", P, "--org", "ZZZ")
    assert (run.code, run.out) == (1, "")
    assert run.err.strip() == message


@pytest.mark.parametrize(
    ("name", "kind"), [("out.csv", None), ("out.xls", None), ("out", None), ("a.png", "review")]
)
def test_export_to_an_unknown_kind_of_file(
    capsys: pytest.CaptureFixture[str], loaded: str, tmp_path: Path, name: str, kind: str | None
) -> None:
    """Export writes .xlsx, .docx or .png, each of its kind; anything else is refused and no
    file appears."""
    target = tmp_path / name
    extra = ["--kind", kind] if kind else []
    run = cli(capsys, "--database-url", loaded, "export", P, str(target), *extra)
    assert (run.code, run.out) == (1, "")
    assert run.err.strip() == (
        f"Lỗi: Không xuất được ra {target}: tệp phải là .xlsx (kế hoạch, hoặc --kind status "
        "cho bảng tình hình), .docx (dự thảo báo cáo) hoặc .png (biểu đồ)."
    )
    assert not target.exists()


def test_export_writes_the_review_documents(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`phoihop export` writes the status workbook, the review draft and the chart as of a
    date; each opens with its library and holds the sample's headline."""
    import docx
    import openpyxl

    url = sqlite_url(tmp_path / "d.db")
    assert cli(capsys, "import", str(SAMPLE_PLAN), "--database-url", url).code == 0
    assert cli(capsys, "replay", str(SAMPLE_REPORTS), "--database-url", url).code == 0
    for name, extra in (("t.xlsx", ["--kind", "status"]), ("b.docx", []), ("c.png", [])):
        run = cli(
            capsys,
            "export",
            P,
            str(tmp_path / name),
            "--as-of",
            "14/06/2019",
            "--database-url",
            url,
            *extra,
        )
        assert run.code == 0, run.err
        assert "tính đến ngày 14/06/2019" in run.out
    book = openpyxl.load_workbook(tmp_path / "t.xlsx", read_only=True)
    cells = {
        str(c)
        for ws in book.worksheets
        for row in ws.iter_rows(values_only=True)
        for c in row
        if c is not None
    }
    assert any("6/9" in c for c in cells) and any("24/37" in c for c in cells)
    text = "\n".join(p.text for p in docx.Document(str(tmp_path / "b.docx")).paragraphs)
    assert "6/9 nhiệm vụ chung" in text
    assert (tmp_path / "c.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    bad = cli(
        capsys, "export", P, str(tmp_path / "x.docx"), "--as-of", "31/2", "--database-url", url
    )
    assert bad.code == 1 and not (tmp_path / "x.docx").exists()


def test_export_of_an_unknown_program(
    capsys: pytest.CaptureFixture[str], loaded: str, tmp_path: Path
) -> None:
    """Exporting a program that is not there is refused and writes no file."""
    target = tmp_path / "out.xlsx"
    run = cli(capsys, "--database-url", loaded, "export", "NOPE", str(target))
    assert run.code == 1
    assert "Không có chương trình mã «NOPE»" in run.err
    assert not target.exists()


def test_replay_of_a_log_with_an_unknown_task(
    capsys: pytest.CaptureFixture[str], db_url: str, tmp_path: Path
) -> None:
    """A log entry on a task that is not in the plan is refused naming its row, and nothing
    of the log is recorded, not even the valid entries before it."""
    assert cli(capsys, "--database-url", db_url, "import", str(SAMPLE_PLAN)).code == 0
    log = yaml.safe_load(SAMPLE_REPORTS.read_text(encoding="utf-8"))
    log["reports"][4]["task"] = "R99"
    path = tmp_path / "log.yaml"
    path.write_text(yaml.safe_dump(log, allow_unicode=True), encoding="utf-8")
    before = snapshot(db_url)
    assert before["report"] == 0
    run = cli(capsys, "--database-url", db_url, "replay", str(path))
    assert (run.code, run.out) == (1, "")
    assert run.err.splitlines() == [
        f"Không dùng được {path}: 1 lỗi. Chưa có gì thay đổi.",
        "• mục «reports» phần tử thứ 5 (R99): Không có nhiệm vụ mã «R99» trong chương trình.",
    ]
    assert snapshot(db_url) == before
    statuses = status_of(capsys, db_url, "--as-of", "14/06/2019")["statuses"]
    assert set(statuses.values()) <= {"in_progress", "overdue"}


def test_replay_on_an_empty_database(capsys: pytest.CaptureFixture[str], fresh: str) -> None:
    """Replaying a log before any plan was imported says to import a plan first."""
    run = cli(capsys, "--database-url", fresh, "replay", str(SAMPLE_REPORTS))
    assert (run.code, run.out) == (1, "")
    assert run.err.strip() == (
        "Lỗi: Cơ sở dữ liệu còn trống. Hãy nhập kế hoạch trước: phoihop import KẾ_HOẠCH.yaml"
    )
    assert snapshot(fresh) == {}


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        (
            "vi",
            "Lỗi: Cơ sở dữ liệu còn trống. Hãy nhập kế hoạch trước: phoihop import KẾ_HOẠCH.yaml",
        ),
        ("en", "Error: The database is empty. Import a plan first: phoihop import PLAN.yaml"),
    ],
)
def test_status_on_an_empty_database(
    capsys: pytest.CaptureFixture[str], db_url: str, lang: str, message: str
) -> None:
    """`status` on a database never imported into says what to do, and creates nothing."""
    run = cli(capsys, "--lang", lang, "--database-url", db_url, "status", P)
    assert (run.code, run.out) == (1, "")
    assert run.err.strip() == message
    assert snapshot(db_url) == {}


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param((), id="no-command"),
        pytest.param(("frobnicate",), id="unknown-command"),
        pytest.param(("status",), id="status-without-program"),
        pytest.param(("import",), id="import-without-file"),
        pytest.param(("--lang", "fr", "demo"), id="unknown-language"),
        pytest.param(("db", "downgrade"), id="unknown-db-action"),
        pytest.param(("status", P, "--bogus"), id="unknown-option"),
        pytest.param(("status", P, "--as-of"), id="option-without-value"),
    ],
)
def test_usage_errors_exit_2(
    capsys: pytest.CaptureFixture[str], fresh: str, argv: tuple[str, ...]
) -> None:
    """A malformed command line exits with code 2 and a usage message on stderr."""
    run = cli(capsys, "--database-url", fresh, *argv)
    assert run.code == 2
    assert "usage: phoihop" in run.err
    assert snapshot(fresh) == {}


# --- the bot and its invitations ---------------------------------------------------------------


def test_run_without_a_token_says_how_to_get_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`phoihop run` with no TELEGRAM_BOT_TOKEN explains @BotFather and exits non-zero,
    creating nothing."""
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    url = sqlite_url(tmp_path / "bot.db")
    run = cli(capsys, "run", "--database-url", url)
    assert run.code == 1
    assert "@BotFather" in run.err and "TELEGRAM_BOT_TOKEN" in run.err
    assert not (tmp_path / "bot.db").exists()
    english = cli(capsys, "run", "--lang", "en")
    assert english.code == 1 and "Create a bot with @BotFather" in english.err


def test_invite_prints_a_one_time_link_and_code(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`phoihop invite PROGRAM ORG --role R` prints the code, its expiry and the deep link;
    an unknown organization or role is refused."""
    monkeypatch.delenv("TELEGRAM_BOT_USERNAME", raising=False)
    url = sqlite_url(tmp_path / "p.db")
    assert cli(capsys, "import", str(SAMPLE_PLAN), "--database-url", url).code == 0
    made = cli(
        capsys,
        "invite",
        P,
        "HND",
        "--role",
        "chair",
        "--bot-username",
        "phoihop_bot",
        "--database-url",
        url,
    )
    assert made.code == 0, made.err
    code = made.out.split("Mã mời: ")[1].split()[0]
    assert len(code) == 12
    assert f"https://t.me/phoihop_bot?start={code}" in made.out
    assert "Lời mời Trưởng ban của HND (Hội Nông dân tỉnh), dùng một lần" in made.out
    bare = cli(capsys, "invite", P, "CA", "--database-url", url)
    assert bare.code == 0 and "/start " in bare.out
    unknown = cli(capsys, "invite", P, "XYZ", "--database-url", url)
    assert unknown.code == 1 and "XYZ" in unknown.err
    bad_role = cli(capsys, "invite", P, "CA", "--role", "boss", "--database-url", url)
    assert bad_role.code == 2

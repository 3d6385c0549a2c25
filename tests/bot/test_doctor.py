"""`phoihop doctor` against the strict fake Bot API over HTTP: one verdict line per check, exit
code 1 only when something is a problem."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlmodel import select

from bot.cli import main
from bot.i18n import translator
from storage.database import Database
from storage.models import Program
from tests.fakes.bot_api import FakeBotAPI

vi, en = translator("vi"), translator("en")
TOKEN = "7000002:doctor-token-for-phoihop-tests"
GROUP = -1001234567890
OK, WARNING, PROBLEM = (vi(f"doctor-verdict-{v}") for v in ("ok", "warning", "problem"))


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeBotAPI]:
    monkeypatch.chdir(tmp_path)  # no .env of the working directory
    with FakeBotAPI(token=TOKEN) as fake:
        fake.add_group(GROUP, "Ban Chỉ đạo CTPH-2019")
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
        monkeypatch.setenv("TELEGRAM_API_BASE_URL", fake.base_url)
        yield fake


@pytest.fixture
def grouped_db(plan_db: Database) -> Database:
    """The sample program, its committee group bound."""
    bind(plan_db, GROUP)
    return plan_db


def doctor(url: str, *extra: str) -> tuple[int, list[str]]:
    out = io.StringIO()
    code = main([*extra, "--database-url", url, "doctor"], out=out)
    return code, out.getvalue().splitlines()


def verdicts(lines: list[str]) -> list[str]:
    """The verdict of each check, in order (Vietnamese output)."""
    marks = {OK: "ok", WARNING: "warning", PROBLEM: "problem"}
    return [v for line in lines for m, v in marks.items() if line.startswith(f"{m} ")]


def bind(db: Database, chat_id: int) -> None:
    with db.write() as session:
        program = session.exec(select(Program).where(Program.code == "CTPH-2019")).one()
        program.group_chat_id = chat_id
        session.add(program)


def test_all_ok(api: FakeBotAPI, grouped_db: Database) -> None:
    api.bot_user["can_read_all_group_messages"] = True
    code, lines = doctor(grouped_db.url)
    assert code == 0, lines
    assert verdicts(lines) == ["ok", "ok", "ok", "ok"]
    text = "\n".join(lines)
    assert vi("doctor-token-ok", username="phoihop_test_bot", api=api.base_url) in text
    assert vi("doctor-webhook-none") in text
    assert vi("doctor-group-reads-all", program="CTPH-2019", chat=str(GROUP)) in text
    assert lines[-1] == vi("doctor-summary-ok")


def test_an_administrator_reads_the_group_even_in_privacy_mode(
    api: FakeBotAPI, grouped_db: Database
) -> None:
    api.set_member(GROUP, api.bot_user["id"], "administrator")
    code, lines = doctor(grouped_db.url, "--lang", "en")
    assert code == 0
    assert f"{en('doctor-verdict-ok')} " + en(
        "doctor-group-admin", program="CTPH-2019", chat=str(GROUP)
    ) in "\n".join(lines)


def test_no_token_is_a_problem_that_says_how_to_get_one(
    api: FakeBotAPI, grouped_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN")
    code, lines = doctor(grouped_db.url)
    assert code == 1
    assert verdicts(lines) == ["ok", "problem"]
    assert "@BotFather" in "\n".join(lines) and "/newbot" in "\n".join(lines)
    assert not api.calls  # nothing asked of Telegram without a token


def test_an_unknown_token_is_a_problem(
    api: FakeBotAPI, grouped_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "7000003:not-the-right-token")
    code, lines = doctor(grouped_db.url, "--lang", "en")
    assert code == 1
    assert (
        f"{en('doctor-verdict-problem')} "
        + en("doctor-token-rejected", api=api.base_url).splitlines()[0]
        in lines
    )


def test_privacy_mode_without_admin_rights_is_a_warning_with_the_fix(
    api: FakeBotAPI, grouped_db: Database
) -> None:
    code, lines = doctor(grouped_db.url)
    assert code == 0  # a warning is not a problem
    assert verdicts(lines) == ["ok", "ok", "ok", "warning"]
    text = "\n".join(lines)
    assert "/setprivacy" in text and "@phoihop_test_bot" in text
    assert lines[-1] == vi("doctor-summary-warnings", warnings=1)
    assert any(call.method == "getChatMember" for call in api.calls)


@pytest.mark.parametrize("status", ["kicked", "left"])
def test_a_bot_no_longer_in_the_group_is_a_problem(
    api: FakeBotAPI, grouped_db: Database, status: str
) -> None:
    api.bot_user["can_read_all_group_messages"] = True
    api.set_member(GROUP, api.bot_user["id"], status)
    code, lines = doctor(grouped_db.url)
    assert code == 1
    assert verdicts(lines) == ["ok", "ok", "ok", "problem"]
    gone = vi("doctor-group-gone", program="CTPH-2019", chat=str(GROUP), detail=status)
    assert f"{PROBLEM} {gone.splitlines()[0]}" in lines
    assert lines[-1] == vi("doctor-summary-problems", problems=1, warnings=0)


def test_an_unknown_group_is_a_problem(api: FakeBotAPI, plan_db: Database) -> None:
    bind(plan_db, -4242)
    code, lines = doctor(plan_db.url)
    assert code == 1
    assert any("-4242" in line and line.startswith(PROBLEM) for line in lines)


def test_no_group_bound_is_fine(api: FakeBotAPI, plan_db: Database) -> None:
    code, lines = doctor(plan_db.url)
    assert code == 0
    assert f"{OK} {vi('doctor-groups-none')}" in lines


def test_a_webhook_is_reported_with_its_error(api: FakeBotAPI, grouped_db: Database) -> None:
    api.bot_user["can_read_all_group_messages"] = True
    hook = "https://bot.example.org/telegram"
    answer = httpx.post(f"{api.base_url}{TOKEN}/setWebhook", json={"url": hook})
    assert answer.json()["ok"]
    code, lines = doctor(grouped_db.url)
    assert code == 0
    assert f"{OK} {vi('doctor-webhook-set', url=hook, pending=0)}" in lines
    api.set_webhook_error("Connection timed out")
    code, lines = doctor(grouped_db.url)
    assert code == 0
    error = vi("doctor-webhook-error", url=hook, pending=0, error="Connection timed out")
    assert f"{WARNING} {error.splitlines()[0]}" in lines


def test_an_empty_database_is_a_problem_naming_the_fix(api: FakeBotAPI, db_url: str) -> None:
    code, lines = doctor(db_url)
    assert code == 1
    assert lines[0].startswith(PROBLEM)
    assert "phoihop db upgrade" in "\n".join(lines)
    assert verdicts(lines)[1:] == ["ok", "ok"]  # the token and the webhook are still checked


def test_an_outdated_schema_is_a_problem_naming_the_fix(api: FakeBotAPI, db_url: str) -> None:
    database = Database(db_url)
    database.upgrade("0001")
    database.dispose()
    code, lines = doctor(db_url, "--lang", "en")
    assert code == 1
    first = en("doctor-db-outdated", url=_safe(db_url), current="0001", head=_head(db_url))
    assert lines[0] == f"{en('doctor-verdict-problem')} {first.splitlines()[0]}"
    assert "Run: phoihop db upgrade" in "\n".join(lines)


def test_an_unreachable_database_is_a_problem(api: FakeBotAPI, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'no' / 'such' / 'dir' / 'x.db'}"
    code, lines = doctor(url)
    assert code == 1
    assert lines[0].startswith(PROBLEM)


def test_every_finding_of_the_doctor_has_its_texts() -> None:
    source = (Path(__file__).parents[2] / "bot" / "ops.py").read_text(encoding="utf-8")
    keys = set(re.findall(r'"((?:doctor|backup)-[a-z-]+)"', source))
    assert len(keys) > 15
    for t in (vi, en):
        assert all(t.has(key) for key in keys), sorted(k for k in keys if not t.has(k))


def _safe(url: str) -> str:
    import sqlalchemy as sa

    return sa.make_url(url).render_as_string(hide_password=True)


def _head(url: str) -> str:
    database = Database(url)
    try:
        return database.head_revision() or "-"
    finally:
        database.dispose()


def test_a_group_upgraded_without_the_bot_knowing_is_a_problem(
    api: FakeBotAPI, plan_db: Database
) -> None:
    old, new, leader = -4005, -1004005000000, 900100
    api.add_user(leader)
    api.add_group(old, members=[leader])
    bind(plan_db, old)
    api.upgrade_group(old, new, leader)
    code, lines = doctor(plan_db.url)
    assert code == 1
    first = vi("doctor-group-migrated", program="CTPH-2019", chat=str(old), new_chat=str(new))
    assert f"{PROBLEM} {first.splitlines()[0]}" in lines

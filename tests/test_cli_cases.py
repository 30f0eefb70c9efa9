"""``dpa cases`` (the JSON contract and the table) and ``dpa db``."""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.cases.new_case import NewCase
from bot.cases.records import CaseSummary
from bot.cases.repository import CaseRepository
from bot.commands import cases as cases_command
from bot.commands import db as db_command
from bot.config import PROJECT_ROOT
from bot.db.engine import dispose_engine
from bot.db.schema import current_revision, head_revision, upgrade_database

CONTRACT_FIELDS = {
    "reference", "request_type", "status", "received_on", "clock_started_on", "due_on",
    "extended", "conversation_id",
    "full_name", "previous_names", "date_of_birth", "address", "postcode", "previous_addresses",
    "email", "phone",
}


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """DATABASE_URL and DPA_VAR_DIR pointing at a fresh temporary var/ directory."""
    var_dir = tmp_path / "var"
    url = f"sqlite:///{var_dir / 'dpa.sqlite3'}"
    monkeypatch.setenv("DPA_VAR_DIR", str(var_dir))
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("COUNCIL_NATION", raising=False)
    yield url
    dispose_engine(url)


@pytest.fixture
def seeded(database: str) -> dict[str, CaseSummary]:
    """Three cases dated from the real today (the command has no clock to inject)."""
    upgrade_database(database)
    repo = CaseRepository.from_url(database)
    now = datetime.now(timezone.utc)
    today = repo.today()
    overdue = repo.create_case(
        NewCase(request_type="request_erasure", full_name="Ben Okafor", email="ben@example.org",
                conversation_id="conv-ben"),
        received_at=datetime(2025, 1, 1, 10, tzinfo=timezone.utc),
    )
    overdue = repo.record_event(overdue.reference, "id_received", date(2025, 1, 1), "jsmith")
    running = repo.create_case(
        NewCase(request_type="request_access", full_name="Ada Lovelace", email="ada@example.org",
                phone="01632 960001", date_of_birth=date(1985, 12, 10),
                address="1 Analytical Row", postcode="NT1 1AA", previous_names="Ada Byron",
                conversation_id="conv-ada"),
        received_at=now,
    )
    running = repo.record_event(running.reference, "id_received", today, "jsmith")
    on_hold = repo.create_case(
        NewCase(request_type="request_rectification", full_name="Chloe Price",
                conversation_id="conv-chloe"),
        received_at=now - timedelta(minutes=1),
    )
    return {"overdue": overdue, "running": running, "on_hold": on_hold}


def run_cases(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="dpa")
    commands = parser.add_subparsers()
    cases_command.register(commands)
    db_command.register(commands)
    args = parser.parse_args(list(argv))
    code = args.handler(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _references(output: str) -> list[str]:
    return [case["reference"] for case in json.loads(output)]


def test_json_on_a_fresh_var_directory_is_an_empty_list(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cases(capsys, "cases", "--json")
    assert code == 0 and json.loads(out) == []
    assert current_revision(database) == head_revision()  # it migrated the new database


def test_json_lists_every_case_with_the_contract_fields(
    seeded: dict[str, CaseSummary], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cases(capsys, "cases", "--json")
    assert code == 0
    listed = {case["reference"]: case for case in json.loads(out)}
    assert set(listed) == {case.reference for case in seeded.values()}
    for case in listed.values():
        assert CONTRACT_FIELDS <= set(case)

    ada = listed[seeded["running"].reference]
    assert ada["request_type"] == "request_access" and ada["status"] == "clock_running"
    assert ada["received_on"] == seeded["running"].received_on.isoformat()
    assert ada["clock_started_on"] == ada["received_on"]
    assert date.fromisoformat(ada["due_on"]) == seeded["running"].due_on
    assert ada["extended"] is False and ada["conversation_id"] == "conv-ada"
    assert (ada["full_name"], ada["email"], ada["phone"]) == (
        "Ada Lovelace", "ada@example.org", "01632 960001",
    )
    assert (ada["date_of_birth"], ada["postcode"], ada["previous_names"]) == (
        "1985-12-10", "NT1 1AA", "Ada Byron",
    )

    chloe = listed[seeded["on_hold"].reference]
    assert chloe["status"] == "awaiting_id"
    assert chloe["clock_started_on"] is None and chloe["due_on"] is None


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["--status", "awaiting_id"], ["on_hold"]),
        (["--type", "request_erasure"], ["overdue"]),
        (["--overdue"], ["overdue"]),
        (["--due-within", "40"], ["running"]),
        (["--due-within", "1"], []),
        (["--awaiting-id"], ["on_hold"]),
        (["--search", "lovelace"], ["running"]),
        ([], ["overdue", "running", "on_hold"]),  # soonest due first, on hold last
    ],
)
def test_filters(
    seeded: dict[str, CaseSummary],
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    expected: list[str],
) -> None:
    code, out, _ = run_cases(capsys, "cases", "--json", *argv)
    assert code == 0
    assert _references(out) == [seeded[name].reference for name in expected]


def test_the_table_is_aligned_and_readable(
    seeded: dict[str, CaseSummary], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cases(capsys, "cases")
    assert code == 0
    header, *rows, footer = out.splitlines()
    assert header.split() == ["REFERENCE", "TYPE", "STATUS", "RECEIVED", "DUE", "NAME"]
    assert footer == "3 cases"
    assert len(rows) == 3
    for column in ("TYPE", "STATUS", "RECEIVED", "DUE", "NAME"):
        start = header.index(column)
        assert all(row[start - 2 : start] == "  " and row[start] != " " for row in rows), column
    running = seeded["running"]
    ada = next(row for row in rows if row.startswith(running.reference))
    assert ada.split()[:5] == [
        running.reference, "request_access", "clock_running",
        running.received_on.isoformat(), running.due_on.isoformat(),
    ]
    assert ada.endswith("Ada Lovelace")
    chloe = next(row for row in rows if row.startswith(seeded["on_hold"].reference))
    assert chloe.split()[4] == "-"  # no due date while on hold


def test_the_table_says_when_there_are_no_cases(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cases(capsys, "cases", "--overdue")[:2] == (0, "No cases.\n")


def test_bad_filter_values_fail_with_a_message(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cases(capsys, "cases", "--type", "ask_cost")
    assert (code, out) == (2, "") and "unknown request type 'ask_cost'" in err
    code, _, err = run_cases(capsys, "cases", "--status", "open")
    assert code == 2 and "unknown status" in err
    with pytest.raises(SystemExit) as exited:
        run_cases(capsys, "cases", "--due-within", "-1")
    assert exited.value.code == 2


def _subprocess_env(database: str) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = database
    env["DPA_VAR_DIR"] = os.environ["DPA_VAR_DIR"]
    return env


def _cli_importable() -> str | None:
    """Why ``python -m bot`` cannot start (a sibling command module missing), or None."""
    probe = subprocess.run(
        [sys.executable, "-c", "import bot.cli"], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    if probe.returncode == 0:
        return None
    return probe.stderr.strip().splitlines()[-1] if probe.stderr.strip() else "import failed"


def test_python_dash_m_bot_cases_json(seeded: dict[str, CaseSummary], database: str) -> None:
    problem = _cli_importable()
    if problem:
        pytest.skip(f"python -m bot cannot start yet: {problem}")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "cases", "--json"],
        cwd=PROJECT_ROOT, env=_subprocess_env(database), capture_output=True, text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    assert {case["reference"] for case in listed} == {c.reference for c in seeded.values()}
    assert all(CONTRACT_FIELDS <= set(case) for case in listed)


def test_db_upgrade_migrates_and_reports_the_revision(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cases(capsys, "db", "current")[0] == 1  # never migrated
    code, out, _ = run_cases(capsys, "db", "upgrade")
    assert code == 0
    assert out.strip() == f"{database}: case tables at revision {head_revision()} (head)"
    assert current_revision(database) == head_revision()
    assert run_cases(capsys, "db", "upgrade")[0] == 0  # again: a no-op
    code, out, _ = run_cases(capsys, "db", "current")
    assert code == 0 and "up to date" in out


def test_python_dash_m_bot_db_upgrade(database: str) -> None:
    from bot.cli import COMMAND_MODULES

    if db_command not in COMMAND_MODULES:
        pytest.skip("bot.commands.db is not registered in bot/cli.py yet")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "db", "upgrade"],
        cwd=PROJECT_ROOT, env=_subprocess_env(database), capture_output=True, text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert current_revision(database) == head_revision()

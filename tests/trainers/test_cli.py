"""``dpa inbox ...`` and ``dpa purge`` as a trainer runs them (through ``bot.cli.main``),
on a temporary database and a copy of the project's training data."""
from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.cli import main
from bot.commands import inbox as inbox_command
from bot.config import PROJECT_ROOT
from bot.db.engine import dispose_engine, get_engine
from bot.rasa.events import create_events_table
from tests.trainers.support import Conversation
from tests.trainers.written import added_lines

NOW = time.time()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "project"
    shutil.copytree(PROJECT_ROOT / "data" / "nlu", root / "data" / "nlu")
    shutil.copy(PROJECT_ROOT / "domain.yml", root / "domain.yml")
    monkeypatch.setattr(
        inbox_command, "_paths",
        lambda: (
            root / "data" / "nlu", root / "domain.yml", root / "tests" / "nlu" / "holdout.yml"
        ),
    )
    return root


@pytest.fixture
def engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    var_dir = tmp_path / "var"
    url = f"sqlite:///{var_dir / 'dpa.sqlite3'}"
    monkeypatch.setenv("DPA_VAR_DIR", str(var_dir))
    monkeypatch.setenv("DATABASE_URL", url)
    for name in ("INBOX_MIN_CONFIDENCE", "INBOX_MIN_MARGIN", "TRANSCRIPT_RETENTION_DAYS"):
        monkeypatch.delenv(name, raising=False)
    engine = get_engine(url)
    create_events_table(engine)
    yield engine
    dispose_engine(url)


def fill(engine: Engine) -> None:
    (Conversation(engine, "resident-1", start=NOW - 3600).session_start()
     .user("wot do u hold on Jane Smith", ("ask_what_data_held", 0.45),
           ("request_access", 0.40), fallback=True).reply("action_default_ask_affirmation")
     .user("how much does it cost", ("ask_cost", 0.98), ("ask_deadline", 0.01)).reply("utter_cost")
     .user("pls gimme the thing", ("request_access", 0.62), ("ask_rights", 0.2))
     .reply("action_start_request"))
    (Conversation(engine, "resident-2", start=NOW - 400 * 86400).session_start()
     .user("hi", ("greet", 0.99)).reply("utter_greet"))


def dpa(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def items(capsys) -> list[dict]:
    code, out, _ = dpa(capsys, "inbox", "list", "--json")
    assert code == 0
    return json.loads(out)


def test_list_shows_redacted_items_with_the_models_guess(engine, project, capsys) -> None:
    fill(engine)
    listed = items(capsys)
    assert [item["text"] for item in listed] == [
        "pls gimme the thing",  # newest first among equally frequent items
        "wot do u hold on [NAME]",
    ]
    fallback = listed[1]
    assert fallback["reasons"] == ["not_understood", "fallback", "low_confidence", "ambiguous"]
    intents = (fallback["intent"], fallback["second_intent"])
    assert intents == ("ask_what_data_held", "request_access")
    assert fallback["conversation_id"] == "resident-1" and fallback["count"] == 1
    assert fallback["last_seen"].endswith("Z") and len(fallback["id"]) == 10
    code, out, _ = dpa(capsys, "inbox", "list", "--limit", "1")
    assert code == 0 and "pls gimme the thing" in out and "1 of 2 items" in out
    assert "Jane" not in out
    _, out, _ = dpa(capsys, "inbox", "list", "--min-confidence", "0.5", "--min-margin", "0.01")
    assert "pls gimme the thing" not in out  # 0.62 is confident enough at 0.5


def test_label_adds_the_example_and_the_item_leaves_the_inbox(engine, project, capsys) -> None:
    fill(engine)
    item = next(i for i in items(capsys) if i["text"] == "wot do u hold on [NAME]")
    requests_file = project / "data" / "nlu" / "requests.yml"
    before = requests_file.read_text(encoding="utf-8")
    code, out, err = dpa(capsys, "inbox", "label", item["id"][:6], "request_access")
    assert code == 0, err
    assert "Added to" in out and "request_access" in out
    added = added_lines(before, requests_file.read_text(encoding="utf-8"))
    assert added == "    - wot do u hold on [NAME]" and "Jane" not in added
    assert [i["text"] for i in items(capsys)] == ["pls gimme the thing"]
    code, _, err = dpa(capsys, "inbox", "label", item["id"], "request_access")
    assert code == 1 and "no inbox item" in err


def test_label_refuses_an_unknown_intent_and_accepts_a_new_one(engine, project, capsys) -> None:
    fill(engine)
    item = next(i for i in items(capsys) if i["text"] == "pls gimme the thing")
    code, _, err = dpa(capsys, "inbox", "label", item["id"], "request_acces")
    assert code == 1 and "did you mean request_access" in err
    code, out, _ = dpa(capsys, "inbox", "label", item["id"], "ask_gimme", "--new-intent")
    assert code == 0 and "domain.yml" in out
    assert "ask_gimme" in (project / "data" / "nlu" / "new_intents.yml").read_text()


def test_label_with_an_edited_text(engine, project, capsys) -> None:
    fill(engine)
    item = next(i for i in items(capsys) if i["text"] == "pls gimme the thing")
    code, out, _ = dpa(capsys, "inbox", "label", item["id"], "request_access",
                       "--text", "pls gimme my records, I'm Ben Okafor")
    assert code == 0 and "pls gimme my records, I'm [NAME]" in out


def test_dismiss(engine, project, capsys) -> None:
    fill(engine)
    first, second = items(capsys)
    code, out, _ = dpa(capsys, "inbox", "dismiss", first["id"])
    assert code == 0 and first["id"] in out
    assert [i["id"] for i in items(capsys)] == [second["id"]]
    code, _, err = dpa(capsys, "inbox", "dismiss", "zzzzzzzz")
    assert code == 1 and "no inbox item" in err


def test_story(engine, project, capsys, tmp_path) -> None:
    fill(engine)
    code, out, _ = dpa(capsys, "inbox", "story", "resident-1")
    assert code == 0 and out.startswith('version: "3.1"\nstories:\n- story: "conversation ')
    assert "[NAME]" in out and "Jane" not in out and "resident-1" not in out
    target = tmp_path / "tests" / "test_from_transcripts.yml"
    code, out, _ = dpa(capsys, "inbox", "story", "resident-1", "--out", str(target))
    assert code == 0 and target.exists()
    code, _, err = dpa(capsys, "inbox", "story", "nobody")
    assert code == 1 and "no conversation" in err


def test_purge_by_age_and_by_conversation(engine, project, capsys) -> None:
    fill(engine)

    def count() -> int:
        with engine.connect() as connection:
            return connection.execute(sa.text("SELECT count(*) FROM events")).scalar()

    total = count()
    code, out, _ = dpa(capsys, "purge", "--dry-run")
    assert code == 0 and "older than 180 days" in out and "would delete 6 tracker event(s)" in out
    assert count() == total
    code, out, _ = dpa(capsys, "purge")
    assert code == 0 and "deleted 6 tracker event(s)" in out and "1 conversation(s)" in out
    code, out, _ = dpa(capsys, "purge", "--conversation", "resident-1")
    assert code == 0 and f"deleted {total - 6} tracker event(s)" in out and "0 handoff(s)" in out
    assert count() == 0
    code, _, err = dpa(capsys, "purge", "--conversation", "x", "--older-than", "3")
    assert code == 2 and "not both" in err


def test_retention_period_from_the_environment(engine, project, capsys, monkeypatch) -> None:
    fill(engine)
    monkeypatch.setenv("TRANSCRIPT_RETENTION_DAYS", "500")
    code, out, _ = dpa(capsys, "purge", "--dry-run")
    assert code == 0 and "older than 500 days" in out and "would delete 0 tracker" in out


def test_a_database_without_a_tracker_store(tmp_path, monkeypatch, project, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'empty' / 'dpa.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("DPA_VAR_DIR", str(tmp_path / "empty"))
    code, _, err = dpa(capsys, "inbox", "list")
    assert code == 1 and "no Rasa tracker store" in err
    dispose_engine(url)

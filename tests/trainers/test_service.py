"""TrainerTools: what the staff console calls, blocking and off the event loop."""
from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT, load_settings
from bot.db.engine import dispose_engine, get_engine
from bot.rasa.events import create_events_table
from bot.trainers.labelling import LabellingError
from bot.trainers.service import TrainerTools
from tests.trainers.support import Conversation


@pytest.fixture
def tools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DPA_VAR_DIR", str(tmp_path / "var"))
    url = f"sqlite:///{tmp_path / 'var' / 'dpa.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    engine = get_engine(url)
    create_events_table(engine)
    (Conversation(engine, "resident-1").session_start()
     .user("I'm Jane Smith, wot do u hold", ("ask_what_data_held", 0.5),
           ("request_access", 0.45), fallback=True).reply("action_two_stage_fallback")
     .user("pls gimme the thing", ("request_access", 0.62), ("ask_rights", 0.2)).reply())
    shutil.copytree(PROJECT_ROOT / "data" / "nlu", tmp_path / "nlu")
    yield TrainerTools(load_settings(), nlu_dir=tmp_path / "nlu",
                       domain_path=PROJECT_ROOT / "domain.yml",
                       holdout=tmp_path / "holdout.yml")
    dispose_engine(url)


async def test_the_console_can_list_label_dismiss_export_and_erase(tools) -> None:
    items = await tools.inbox_async()
    assert [i.text for i in items] == ["pls gimme the thing", "I'm [NAME], wot do u hold"]
    strict = await tools.inbox_async(tools.options(min_confidence=0.6, min_margin=0.01))
    assert [i.text for i in strict] == ["I'm [NAME], wot do u hold"]
    result = await tools.label_async(items[1].id, "request_access")
    assert result.written and result.path.name == "requests.yml"
    assert await tools.dismiss_async(items[0].id)
    assert await tools.inbox_async() == []
    with pytest.raises(LabellingError):
        await tools.label_async(items[0].id, "request_access")
    story = await tools.story_async("resident-1")
    assert "[NAME]" in story and "Jane" not in story
    report = await tools.erase_async("resident-1")
    assert report.events > 0


def test_holding_out_from_the_console(tools) -> None:
    [first, second] = tools.inbox()
    result = tools.label(first.id, "request_access", holdout=True)
    assert result.path == tools.holdout
    assert [i.id for i in tools.inbox()] == [second.id]  # held-out messages leave the inbox too
    assert "wot do u hold" in tools.holdout.read_text() or "gimme" in tools.holdout.read_text()


def test_conversations_are_named_by_a_keyed_hash_for_the_console(tools) -> None:
    ref = tools.conversation_ref("resident-1")
    assert len(ref) == 16 and "resident" not in ref
    assert tools.find_conversation(ref) == "resident-1"
    assert tools.find_conversation(ref.upper()) == "resident-1"
    assert tools.find_conversation("resident-1") is None  # the raw id is no way in
    assert tools.find_conversation("0" * 16) is None
    other_secret = TrainerTools(replace(tools.settings, session_secret="another"))
    assert other_secret.conversation_ref("resident-1") != ref


def test_saving_a_story_appends_it_once(tools, tmp_path: Path) -> None:
    stories = tmp_path / "tests" / "test_from_transcripts.yml"
    tools = replace(tools, stories=stories)
    assert tools.save_story("resident-1") is True
    assert tools.save_story("resident-1") is False
    text = stories.read_text()
    assert text.count("- story:") == 1 and "Jane" not in text
    assert "request_access" in tools.intents()

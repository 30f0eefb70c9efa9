"""A conversation becomes a redacted Rasa test story that Rasa's own reader accepts."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import yaml
from sqlalchemy.engine import Engine

from bot.config import PROJECT_ROOT
from bot.db.engine import dispose_engine, get_engine
from bot.rasa.events import create_events_table
from bot.trainers.stories import (
    append_story,
    influential_slots,
    story_name,
    story_yaml,
)
from bot.trainers.tracker_events import read_story_events
from tests.trainers.support import Conversation

DOMAIN = PROJECT_ROOT / "domain.yml"


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path / 'dpa.sqlite3'}"
    engine = get_engine(url)
    create_events_table(engine)
    yield engine
    dispose_engine(url)


def fill(engine: Engine) -> None:
    (Conversation(engine, "resident-9").session_start()
     .user("hi I'm Jane Smith", ("greet", 0.9)).reply("utter_greet")
     .user("delete my data pls", ("request_erasure", 0.95))
     .action("action_start_request").slot("request_type", "request_erasure")
     .action("request_form").active_loop("request_form").slot("requested_slot", "full_name")
     .action("action_listen")
     .user("jane smith", ("inform", 0.8)).action("request_form")
     .slot("full_name", "jane smith").slot("requested_slot", "email").action("action_listen")
     .user("/request_human", ("request_human", 1.0))
     .action("action_deactivate_loop").active_loop(None).action("action_handoff")
     .action("action_listen"))


def test_story_from_a_conversation(engine: Engine) -> None:
    fill(engine)
    events = read_story_events(engine, "resident-9")
    story = story_yaml(events, "a story", slots={"request_type"})
    assert "Jane" not in story and "jane" not in story
    [parsed] = yaml.safe_load('version: "3.1"\nstories:\n' + story)["stories"]
    assert parsed["story"] == "a story"
    assert parsed["steps"] == [
        {"user": "hi I'm [NAME]", "intent": "greet"},
        {"action": "utter_greet"},
        {"user": "delete my data pls", "intent": "request_erasure"},
        {"action": "action_start_request"},
        {"slot_was_set": [{"request_type": "request_erasure"}]},
        {"action": "request_form"},
        {"active_loop": "request_form"},
        {"user": "[NAME]", "intent": "inform"},  # a bare name, typed when one was asked
        {"action": "request_form"},
        {"intent": "request_human"},  # a button: the intent alone
        {"action": "action_deactivate_loop"},
        {"active_loop": None},
        {"action": "action_handoff"},
    ]


def test_rasa_reads_the_story_as_a_test_story(engine: Engine, tmp_path: Path) -> None:
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader

    fill(engine)
    out = tmp_path / "tests" / "test_from_transcripts.yml"
    name = story_name("resident-9", date(2026, 11, 23))
    append_story(out, story_yaml(read_story_events(engine, "resident-9"), name,
                                 slots=influential_slots(DOMAIN)))
    append_story(out, story_yaml(read_story_events(engine, "resident-9"), name + " again",
                                 slots=influential_slots(DOMAIN)))
    assert YAMLStoryReader.is_test_stories_file(str(out))
    steps = YAMLStoryReader(Domain.load(str(DOMAIN))).read_from_file(str(out))
    assert [step.block_name for step in steps] == [name, name + " again"]
    assert "resident-9" not in out.read_text()


def test_influential_slots_follow_the_domain(tmp_path: Path) -> None:
    domain = tmp_path / "domain.yml"
    domain.write_text(
        "slots:\n"
        "  a: {type: categorical, values: [x], influence_conversation: true}\n"
        "  b: {type: text, influence_conversation: false}\n"
        "  c: {type: bool}\n"
        "  d: {type: any}\n",
        encoding="utf-8",
    )
    assert influential_slots(domain) == {"a", "c"}
    # The forms fill every slot but one: whether a request resumes after a hand-back.
    assert influential_slots(DOMAIN) == {"resume_request"}


def test_append_refuses_a_file_whose_last_section_is_not_stories(tmp_path: Path) -> None:
    path = tmp_path / "test_x.yml"
    path.write_text('version: "3.1"\nstories:\n- story: s\n  steps:\n  - intent: greet\n'
                    "rules:\n- rule: r\n  steps:\n  - intent: greet\n", encoding="utf-8")
    before = path.read_text()
    with pytest.raises(ValueError, match="last section"):
        append_story(path, "- story: t\n  steps:\n  - intent: greet\n")
    assert path.read_text() == before


def test_an_empty_conversation_has_no_story() -> None:
    with pytest.raises(ValueError):
        story_yaml([], "x", slots=set())


def test_slot_values_are_redacted_like_the_answers_they_hold(engine: Engine) -> None:
    (Conversation(engine, "resident-7").session_start()
     .slot("full_name", "kwame mensah").slot("email", "k@example.com").slot("extended", True))
    values = {e.name: e.value for e in read_story_events(engine, "resident-7") if e.kind == "slot"}
    assert values == {"full_name": "[NAME]", "email": "[EMAIL]", "extended": True}

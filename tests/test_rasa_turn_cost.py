"""What keeps a turn cheap in Rasa: the incremental tracker store gives exactly what Rasa's
SQLTrackerStore gives, reading only new rows, and reads everything again when rows were
deleted; the action result check accepts and refuses as Rasa's does."""
from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

pytest.importorskip("rasa")

from rasa.core.tracker_store import SQLTrackerStore  # noqa: E402
from rasa.shared.core.domain import Domain  # noqa: E402
from rasa.shared.core.events import (  # noqa: E402
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker  # noqa: E402

from bot.config import PROJECT_ROOT  # noqa: E402
from bot.rasa.tracker_store import IncrementalSQLTrackerStore  # noqa: E402


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(PROJECT_ROOT / "domain.yml"))


def _turn(n: int) -> list:
    return [UserUttered(f"message {n}", {"name": "greet", "confidence": 0.9}),
            ActionExecuted("utter_greet"), BotUttered(f"reply {n}"),
            ActionExecuted("action_listen")]


async def _say(store, domain, sender: str, events: list) -> None:
    tracker = await store.retrieve(sender) or DialogueStateTracker(sender, domain.slots)
    tracker.update_with_events(events, domain)
    await store.save(tracker)


def _states(tracker: DialogueStateTracker) -> list:
    return [e.as_dict() for e in tracker.events]


async def test_reads_what_rasa_reads_parsing_only_new_rows(tmp_path: Path, domain, monkeypatch):
    db = str(tmp_path / "events.sqlite3")
    ours = IncrementalSQLTrackerStore(domain=domain, dialect="sqlite", db=db)
    rasas = SQLTrackerStore(domain=domain, dialect="sqlite", db=db)  # another process
    assert await ours.retrieve("a") is None

    await _say(ours, domain, "a", [ActionExecuted("action_session_start"), SessionStarted(),
                                   SlotSet("full_name", "Jane Smith"),
                                   ActionExecuted("action_listen")])
    for n in range(3):
        await _say(ours, domain, "a", _turn(n))
    await _say(rasas, domain, "a", _turn(99))  # written by another worker
    parsed: list[str] = []
    original = IncrementalSQLTrackerStore._add_new_rows

    def counting(self, session, sender_id, known):
        before = len(known.events)
        original(self, session, sender_id, known)
        parsed.append(f"{len(known.events) - before}")

    monkeypatch.setattr(IncrementalSQLTrackerStore, "_add_new_rows", counting)
    got, expected = await ours.retrieve("a"), await rasas.retrieve("a")
    assert _states(got) == _states(expected)
    assert got.get_slot("full_name") == "Jane Smith"
    assert got.latest_message.text == "message 99"
    # Only the rows written since the last retrieve: our last turn and the other worker's.
    assert parsed == ["8"]

    # A new session: like Rasa, only its events.
    await _say(rasas, domain, "a", [ActionExecuted("action_session_start"), SessionStarted(),
                                    ActionExecuted("action_listen")])
    got, expected = await ours.retrieve("a"), await rasas.retrieve("a")
    assert _states(got) == _states(expected) and len(got.events) == 2


async def test_deleted_rows_mean_everything_is_read_again(tmp_path: Path, domain):
    db = tmp_path / "events.sqlite3"
    ours = IncrementalSQLTrackerStore(domain=domain, dialect="sqlite", db=str(db))
    for n in range(3):
        await _say(ours, domain, "b", _turn(n))
    assert len((await ours.retrieve("b")).events) == 12
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.begin() as connection:  # retention removes the oldest turn
        first = connection.execute(sa.text(
            "SELECT id FROM events WHERE sender_id = 'b' ORDER BY id LIMIT 4")).scalars().all()
        connection.execute(sa.text(f"DELETE FROM events WHERE id IN ({','.join(map(str, first))})"))
    got = await ours.retrieve("b")
    assert [e.text for e in got.events if isinstance(e, UserUttered)] == ["message 1", "message 2"]
    with engine.begin() as connection:  # an erasure removes the conversation
        connection.execute(sa.text("DELETE FROM events WHERE sender_id = 'b'"))
    assert await ours.retrieve("b") is None
    engine.dispose()


def test_action_results_are_checked_as_rasa_checks_them():
    from jsonschema import ValidationError
    from rasa.core.actions.action import RemoteAction

    from bot.rasa import action_validation

    action_validation.install()
    action = RemoteAction("action_answer_question", None)
    assert action._validate_action_result({"events": [], "responses": [{"text": "hi"}]})
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result({"events": "not a list"})


def test_past_states_are_computed_once_per_prediction_and_stay_right(domain, monkeypatch):
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.rasa import past_states

    tracker = DialogueStateTracker.from_events(
        "c", [ActionExecuted("action_listen"), *_turn(1), SlotSet("full_name", "Jane Smith")],
        domain.slots)
    expected = tracker.past_states(domain)  # before install: Rasa's own
    expected_ml = tracker.past_states(domain, ignore_rule_only_turns=True)
    past_states.install()
    computed: list[int] = []
    original = type(domain).states_for_tracker_history

    def counting(self, *args, **kwargs):
        computed.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(type(domain), "states_for_tracker_history", counting)
    first = tracker.past_states(domain)
    first[-1]["edited"] = {"by": "a caller"}  # callers edit what they get
    assert tracker.past_states(domain) == expected
    assert tracker.past_states(domain, ignore_rule_only_turns=True) == expected_ml
    assert len(computed) == 2  # once per set of arguments
    tracker.update(UserUttered("more", {"name": "thank", "confidence": 0.9}))
    later = tracker.past_states(domain)
    assert len(computed) == 3 and later != expected  # a new event: computed again

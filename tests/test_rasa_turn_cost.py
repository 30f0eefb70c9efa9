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


def _conversation() -> list:
    """Events of a conversation with every kind that rewrites Rasa's history: a fallback
    (the utterance undone), a form (its steps folded), a new session, a followup."""
    from rasa.shared.core.events import (
        ActiveLoop,
        FollowupAction,
        UserUtteranceReverted,
    )

    def said(intent: str) -> UserUttered:
        return UserUttered(intent, {"name": intent, "confidence": 0.9})

    events = [ActionExecuted("action_session_start"), SessionStarted(),
              ActionExecuted("action_listen")]
    for n in range(3):
        events += _turn(n)
    events += [said("nlu_fallback"), ActionExecuted("action_default_fallback"),
               UserUtteranceReverted(), ActionExecuted("action_listen")]
    events += [said("request_access"), ActionExecuted("request_form"),
               ActiveLoop("request_form"), SlotSet("requested_slot", "full_name"),
               ActionExecuted("action_listen")]
    for value in ("Jane Smith", "none"):
        events += [said("inform"), ActionExecuted("request_form"),
                   SlotSet("full_name", value), ActionExecuted("action_listen")]
    events += [said("affirm"), ActionExecuted("request_form"), ActiveLoop(None),
               SlotSet("requested_slot", None), FollowupAction("utter_greet"),
               ActionExecuted("utter_greet", hide_rule_turn=True),
               ActionExecuted("action_listen")]
    for n in range(3, 6):
        events += _turn(n)
    events += [ActionExecuted("action_session_start"), SessionStarted(),
               ActionExecuted("action_listen"), *_turn(7), *_turn(8)]
    return events


def test_past_states_carry_on_and_equal_rasas_at_every_step(domain, monkeypatch):
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.rasa import past_states

    def rasas(tracker, **arguments):
        return domain.states_for_tracker_history(tracker, **arguments)

    arguments = [{}, {"ignore_rule_only_turns": True,
                      "rule_only_data": {"slots": ["requested_slot"], "loops": []}},
                 {"omit_unset_slots": True}]
    events = _conversation()
    expected = []
    reference = DialogueStateTracker("step", domain.slots)
    for event in events:  # Rasa's answer after every event, before install
        reference.update(event)
        expected.append([rasas(reference, **a) for a in arguments])

    past_states.install()
    replays: list[int] = []
    original = DialogueStateTracker.applied_events

    def counting(self):
        replays.append(1)
        return original(self)

    monkeypatch.setattr(DialogueStateTracker, "applied_events", counting)
    tracker = DialogueStateTracker("step", domain.slots)
    for n, event in enumerate(events):
        if n % 2:  # as a worker gets it: the same tracker, one event more
            tracker.update(event)
        else:  # or rebuilt from the store's rows: new objects, equal to the ones replayed
            tracker = DialogueStateTracker.from_dict(
                "step", [e.as_dict() for e in events[:n + 1]], domain.slots)
        for a, want in zip(arguments, expected[n], strict=True):
            got = tracker.past_states(domain, **a)
            assert got == want, (n, event, a)
            got.append({"edited": {"by": "a caller"}})  # callers edit what they get:
            if got[-2].get("user"):  # the list, and the last state, as the featurizer does
                got[-2]["user"].pop("intent", None)
            assert tracker.past_states(domain, **a) == want
    # Replayed from the start only where the history was rewritten, not on every call.
    assert 0 < len(replays) < len(events) * len(arguments) / 3


def _state(tracker) -> dict:
    """Everything a tracker holds, comparable (slots by value and whether set)."""
    state = {k: v for k, v in vars(tracker).items() if not k.startswith("_dpa")}
    state["events"] = list(tracker.events)
    state["slots"] = {n: (s.value, s._has_been_set) for n, s in tracker.slots.items()}
    return state


def test_applied_events_and_copies_equal_rasas_at_every_step(domain):
    from rasa.shared.core.events import ActionExecutionRejected, LoopInterrupted
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.rasa import tracker_replays

    events = _conversation()
    # A form interrupted and a form action rejected: what changes the loop's state in place.
    at = next(n for n, e in enumerate(events) if getattr(e, "name", None) == "request_form")
    events[at + 3:at + 3] = [LoopInterrupted(True), ActionExecutionRejected("request_form")]
    rasas_copy, rasas_applied = DialogueStateTracker.copy, DialogueStateTracker.applied_events
    expected = []
    reference = DialogueStateTracker("step", domain.slots)
    for event in events:  # Rasa's answers after every event, before install
        reference.update(event)
        expected.append((rasas_applied(reference), _state(rasas_copy(reference))))

    tracker_replays.install()
    assert DialogueStateTracker.copy is not rasas_copy
    tracker = DialogueStateTracker("step", domain.slots)
    for n, event in enumerate(events):
        if n % 2:
            tracker.update(event)
        else:  # rebuilt from the store's rows: new objects, equal to the ones seen before
            tracker = DialogueStateTracker.from_dict(
                "step", [e.as_dict() for e in events[:n + 1]], domain.slots)
        applied, copied = expected[n]
        assert tracker.applied_events() == applied, (n, event)
        assert tracker.applied_events() == applied  # asked twice in a turn, as Rasa does
        duplicate = tracker.copy()
        assert _state(duplicate) == copied, (n, event)
        if tracker.active_loop is not None:  # the copy's loop is its own
            assert duplicate.active_loop is not tracker.active_loop
        duplicate.update(SlotSet("full_name", "someone else"))
        assert tracker.get_slot("full_name") != "someone else"

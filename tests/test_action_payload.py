"""The action server call sends the recent events only (bot/rasa/action_payload.py): the same
state Rasa sends, everything our actions and rasa-sdk read from the events unchanged, and a
payload that stays the same size however long the conversation."""
from __future__ import annotations

import json

import pytest

pytest.importorskip("rasa")

from rasa.core.actions.action import RemoteAction  # noqa: E402
from rasa.shared.core.domain import Domain  # noqa: E402
from rasa.shared.core.events import (  # noqa: E402
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker  # noqa: E402
from rasa.utils.endpoints import EndpointConfig  # noqa: E402
from rasa_sdk import Tracker  # noqa: E402

from actions.handoff import RECENT_USER_TURNS, handoff_reason  # noqa: E402
from actions.settings import settings  # noqa: E402
from actions.status import _client  # noqa: E402
from bot.cases.status_limits import CLIENT_TAG_KEY, client_tag  # noqa: E402
from bot.config import PROJECT_ROOT  # noqa: E402
from bot.rasa import action_payload  # noqa: E402


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(PROJECT_ROOT / "domain.yml"))


def _user(text: str, intent: str, **metadata) -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 0.9},
                       parse_data={"intent": {"name": intent, "confidence": 0.9},
                                   "intent_ranking": [{"name": intent, "confidence": 0.9}],
                                   "entities": [], "text": text},
                       input_channel="rest", metadata=metadata)


def _tag(address: str) -> str:
    return client_tag(settings().status_check_secret, address)


def _question(n: int, intent: str = "ask_fee") -> list:
    return [_user(f"question {n}", intent, dpa_transcript_message_id=n,
                  **{CLIENT_TAG_KEY: _tag(f"192.0.2.{n % 250}")}),
            ActionExecuted("action_answer_question"), BotUttered(f"answer {n}"),
            ActionExecuted("action_listen")]


def _tracker(domain: Domain, questions: int, ending: list | None = None) -> DialogueStateTracker:
    tracker = DialogueStateTracker("conversation-1", domain.slots)
    events = [ActionExecuted("action_session_start"), SessionStarted(),
              ActionExecuted("action_listen")]
    intents = ["ask_fee", "nlu_fallback", "make_complaint", "request_human"]
    for n in range(questions):
        events += _question(n, intents[n % len(intents)] if n > questions - 6 else "ask_fee")
    tracker.update_with_events(events + (ending or []), domain)
    return tracker


def _calls(tracker: DialogueStateTracker, domain: Domain) -> tuple[dict, dict]:
    """(what Rasa 3.6 sends, what we send) for one custom action call."""
    action = RemoteAction("validate_request_form", EndpointConfig("http://localhost:5055"))
    assert RemoteAction._action_call_format is not action_payload.action_call_format
    rasas = RemoteAction._action_call_format(action, tracker, domain)
    ours = action_payload.action_call_format(action, tracker, domain)
    return rasas, ours


# A form's turn ends with the slots the form extracted: what slots_to_validate reads. Built
# when a test runs, not at import: the client tag is signed with the secret of that moment.
def form_ending() -> list:
    return [
        ActiveLoop("request_form"), SlotSet("requested_slot", "full_name"),
        ActionExecuted("action_listen"),
        _user("Jane Smith", "inform", dpa_transcript_message_id=999,
              **{CLIENT_TAG_KEY: _tag("198.51.100.7")}),
        SlotSet("full_name", "Jane Smith"), SlotSet("postcode", "AB1 2CD"),
    ]


def no_ending() -> list:
    return []


def rewound_ending() -> list:
    return [UserUtteranceReverted(), ActionExecuted("action_listen")]


def test_the_margin_is_twice_what_our_actions_read():
    assert action_payload.USER_TURNS_SENT >= 2 * RECENT_USER_TURNS


def test_a_short_conversation_is_sent_exactly_as_rasa_sends_it(domain):
    rasas, ours = _calls(_tracker(domain, 3, form_ending()), domain)
    assert ours == rasas


@pytest.mark.parametrize("ending", [no_ending, form_ending, rewound_ending],
                         ids=["questions", "form", "rewound"])
def test_what_actions_read_is_unchanged_in_a_long_conversation(domain, ending):
    rasas, ours = _calls(_tracker(domain, 60, ending()), domain)
    assert len(ours["tracker"]["events"]) < len(rasas["tracker"]["events"]) / 5
    # Everything but the events is what Rasa sends: slots, latest message, loop, domain.
    assert {k: v for k, v in ours.items() if k != "tracker"} == \
        {k: v for k, v in rasas.items() if k != "tracker"}
    assert {k: v for k, v in ours["tracker"].items() if k != "events"} == \
        {k: v for k, v in rasas["tracker"].items() if k != "events"}
    # The events sent are Rasa's last ones, unchanged.
    sent = ours["tracker"]["events"]
    assert rasas["tracker"]["events"][-len(sent):] == sent
    full, trimmed = Tracker.from_dict(rasas["tracker"]), Tracker.from_dict(ours["tracker"])
    # Ours: the handoff reason (the last four user intents), the status check's client tag.
    assert handoff_reason(trimmed) == handoff_reason(full)
    assert _client(trimmed) == _client(full) is not None
    # rasa-sdk's: the form's extracted slots, the channel, the last event and actions.
    assert trimmed.slots_to_validate() == full.slots_to_validate()
    assert trimmed.get_latest_input_channel() == full.get_latest_input_channel()
    assert trimmed.current_state() == {**full.current_state(), "events": sent}
    for skip in range(4):
        assert trimmed.get_last_event_for("action", skip=skip) == \
            full.get_last_event_for("action", skip=skip)
        assert trimmed.get_last_event_for("user", skip=skip) == \
            full.get_last_event_for("user", skip=skip)
    assert trimmed.applied_events() == full.applied_events()[-len(trimmed.applied_events()):]
    assert trimmed.latest_message == full.latest_message
    assert trimmed.active_loop == full.active_loop
    if ending is form_ending:
        assert trimmed.slots_to_validate() == {"full_name": "Jane Smith", "postcode": "AB1 2CD"}


def test_a_long_conversations_payload_stays_bounded(domain):
    sizes = {}
    for questions in (20, 120, 400):
        rasas, ours = _calls(_tracker(domain, questions), domain)
        sizes[questions] = (len(json.dumps(rasas)), len(json.dumps(ours)))
    # The same number of events whatever the length (their texts differ by a digit or two).
    assert max(s for _, s in sizes.values()) - min(s for _, s in sizes.values()) < 200
    assert sizes[400][0] > 5 * sizes[400][1]  # Rasa's grows with the conversation


def test_the_tail_starts_at_the_action_listen_before_the_user_message(domain):
    tracker = _tracker(domain, 30)
    events = list(tracker.events)
    start = action_payload.tail_start(tracker.events)
    assert isinstance(events[start], ActionExecuted)
    assert events[start].action_name == "action_listen"
    assert isinstance(events[start + 1], UserUttered)
    assert sum(isinstance(e, UserUttered) for e in events[start:]) == \
        action_payload.USER_TURNS_SENT
    assert action_payload.tail_start(list(_tracker(domain, 2).events)) == 0


def test_install_replaces_rasas_call_format(monkeypatch):
    monkeypatch.setattr(action_payload, "_installed", False)
    monkeypatch.setattr(RemoteAction, "_action_call_format", RemoteAction._action_call_format)
    action_payload.install()
    assert RemoteAction._action_call_format is action_payload.action_call_format

"""The inbox, story export and erasure on a tracker store filled by the real assistant.

Real conversations with the trained model over Rasa's REST channel (the stack fixture:
Rasa, action server and web app on their own SQLite database). What the inbox should pick
is worked out independently, from the trackers Rasa serves over its HTTP API.
"""
from __future__ import annotations

import json
import secrets
import urllib.parse
import urllib.request

import pytest
import yaml

from bot.config import PROJECT_ROOT
from bot.db.engine import get_engine
from bot.trainers.inbox import BEFORE_HANDOFF, FALLBACK, build_inbox
from bot.trainers.nlu_files import NluIndex
from bot.trainers.redaction import redact
from bot.trainers.retention import erase_conversation
from bot.trainers.stories import story_yaml
from bot.trainers.tracker_events import read_story_events, read_user_turns
from tests.e2e.chat import Chat

pytestmark = pytest.mark.e2e

# Text the model cannot read at all: keyboard mashing with the keyboard left on another
# script. No word or character of it is in the training data, so the classifier ranks every
# intent equally (bot/rasa/nlu_components.py) and the assistant must fall back. (Latin
# keyboard mashing such as "asdf ghjk" is out_of_scope with confidence, as
# data/nlu/out_of_scope.yml teaches; and "data data data" is a word the model knows.)
GIBBERISH = "жжж ффф ыыы"
BEFORE_PERSON = "my name is Jane Smith and the thing with the stuff is all wrong"
PERSON = "I want to talk to a real person"


def tracker(settings, conversation_id: str) -> dict:
    query = urllib.parse.urlencode({"token": settings.rasa_token})
    url = f"{settings.rasa_url}/conversations/{urllib.parse.quote(conversation_id)}/tracker?{query}"
    with urllib.request.urlopen(url, timeout=60) as response:
        return json.loads(response.read())


def expected_picks(settings, conversation_id: str) -> dict[str, set[str]]:
    """Redacted text -> reasons, from Rasa's own view of the conversation."""
    users = [e for e in tracker(settings, conversation_id)["events"] if e["event"] == "user"]
    picks: dict[str, set[str]] = {}
    for position, event in enumerate(users):
        if event["text"].startswith("/"):
            continue
        parse = event["parse_data"]
        ranking = [r for r in parse["intent_ranking"] if r["name"] != "nlu_fallback"]
        reasons = set()
        if parse["intent"]["name"] == "nlu_fallback":
            reasons.add("fallback")
        if ranking and ranking[0]["confidence"] < settings.inbox_min_confidence:
            reasons.add("low_confidence")
        if (len(ranking) > 1
                and ranking[0]["confidence"] - ranking[1]["confidence"]
                < settings.inbox_min_margin):
            reasons.add("ambiguous")
        following = users[position + 1] if position + 1 < len(users) else None
        if following and following["parse_data"]["intent"]["name"] == "request_human" \
                and parse["intent"]["name"] != "request_human":
            reasons.add("before_handoff")
        if reasons:
            picks.setdefault(redact(" ".join(event["text"].split())), set()).update(reasons)
    return picks


def test_the_inbox_picks_what_the_real_assistant_misunderstood(stack, stack_settings):
    run = secrets.token_hex(4)
    first, second = f"trainer-e2e-a-{run}", f"trainer-e2e-b-{run}"
    chat = Chat(stack_settings.rasa_url, first)
    chat.say("hello")
    chat.say(GIBBERISH)
    chat.say(BEFORE_PERSON)
    handed_over = chat.say(PERSON)
    assert handed_over  # the handoff reply
    other = Chat(stack_settings.rasa_url, second)
    other.say(GIBBERISH)

    engine = get_engine(stack_settings.database_url)
    turns = [t for t in read_user_turns(engine) if t.conversation_id in (first, second)]
    items = build_inbox(turns, known=NluIndex.load(PROJECT_ROOT / "data" / "nlu"))
    by_text = {item.text: item for item in items}

    # The real model falls back on it (intents.md: "must fall back rather than guess").
    assert GIBBERISH in by_text, f"did not fall back: {expected_picks(stack_settings, first)}"
    gibberish = by_text[GIBBERISH]
    assert FALLBACK in gibberish.reasons and gibberish.count == 2
    assert set(gibberish.conversation_ids) == {first, second}
    # The message before asking for a person, redacted.
    before = by_text["my name is [NAME] and the thing with the stuff is all wrong"]
    assert BEFORE_HANDOFF in before.reasons and before.conversation_ids == [first]
    assert PERSON not in by_text
    # Exactly what Rasa's own trackers say should be picked, for the same reasons.
    expected: dict[str, set[str]] = {}
    for conversation in (first, second):
        for text, reasons in expected_picks(stack_settings, conversation).items():
            expected.setdefault(text, set()).update(reasons)
    expected = {t: r for t, r in expected.items() if not NluIndex.load(
        PROJECT_ROOT / "data" / "nlu").contains(t)}
    assert {t: set(i.reasons) for t, i in by_text.items()} == expected
    assert "Jane" not in json.dumps([item.as_dict() for item in items])

    # The conversation as a test story: redacted, and valid YAML with the handoff in it.
    story = story_yaml(read_story_events(engine, first), "from e2e", slots=set())
    steps = yaml.safe_load("stories:\n" + story)["stories"][0]["steps"]
    assert {"action": "action_handoff"} in steps
    assert {"user": GIBBERISH, "intent": "nlu_fallback"} in steps
    assert "Jane" not in story

    # Erasure removes the conversation from Rasa's store (Rasa then knows nothing of it).
    report = erase_conversation(engine, first)
    assert report.events > 0
    assert not [t for t in read_user_turns(engine, conversation_id=first)]
    assert [e for e in tracker(stack_settings, first)["events"] if e["event"] == "user"] == []
    assert list(read_user_turns(engine, conversation_id=second))

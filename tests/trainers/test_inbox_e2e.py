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
from bot.trainers.inbox import BEFORE_HANDOFF, FALLBACK, NOT_UNDERSTOOD, build_inbox
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


# What "didn't understand" looks like in Rasa's events, named independently of the inbox's
# code: the responses data/responses has for it, and the fallback actions that say it.
NOT_UNDERSTOOD_RESPONSES = {"utter_default", "utter_ask_rephrase", "utter_ask_affirmation"}
FALLBACK_ACTIONS = {"action_default_fallback", "action_default_ask_affirmation",
                    "action_default_ask_rephrase"}
FALLBACK_LOOP = "action_two_stage_fallback"  # also closes its loop on an understood message


def expected_picks(settings, conversation_id: str) -> dict[str, set[str]]:
    """Redacted text -> reasons, from Rasa's own view of the conversation."""
    events = tracker(settings, conversation_id)["events"]
    users = [e for e in events if e["event"] == "user"]
    replies: list[set[str]] = []  # per user event: responses and actions until the next one
    in_form: list[bool] = []  # per user event: a form was asking a question
    buttons: list[set[str]] = []  # per user event: the buttons just offered
    requested, loop, offered = None, None, set()
    for event in events:
        if event["event"] == "user":
            replies.append(set())
            in_form.append(requested is not None and loop not in (None, FALLBACK_LOOP))
            buttons.append(offered)
        elif event["event"] == "bot":
            if replies:
                replies[-1].add((event.get("metadata") or {}).get("utter_action") or "")
            offered = {str(b.get(k) or "").lstrip("/").casefold()
                       for b in (event.get("data") or {}).get("buttons") or []
                       for k in ("payload", "title")}
        elif event["event"] == "action" and replies:
            replies[-1].add(event.get("name") or "")
        elif event["event"] == "slot" and event.get("name") == "requested_slot":
            requested = event.get("value")
        elif event["event"] == "active_loop":
            loop = event.get("name")
    picks: dict[str, set[str]] = {}
    for position, event in enumerate(users):
        said_not_understood = bool(replies[position]
                                   & (NOT_UNDERSTOOD_RESPONSES | FALLBACK_ACTIONS))
        if event["text"].startswith("/") or event["text"].strip().casefold() in buttons[position]:
            continue  # a button
        if in_form[position] and not said_not_understood:
            continue  # a form answer
        parse = event["parse_data"]
        ranking = [r for r in parse["intent_ranking"] if r["name"] != "nlu_fallback"]
        reasons = set()
        if said_not_understood:
            reasons.add("not_understood")
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
    # Answers to a form's questions, a button's value typed and a name: never picked.
    other.say("I'd like a copy of all the records the council has about me")
    other.say("myself")
    other.say("Kwame Mensah")
    other.say("none")

    engine = get_engine(stack_settings.database_url)
    turns = [t for t in read_user_turns(engine) if t.conversation_id in (first, second)]
    items = build_inbox(turns, known=NluIndex.load(PROJECT_ROOT / "data" / "nlu"))
    by_text = {item.text: item for item in items}

    # The real model falls back on it (intents.md: "must fall back rather than guess").
    assert GIBBERISH in by_text, f"did not fall back: {expected_picks(stack_settings, first)}"
    gibberish = by_text[GIBBERISH]
    assert FALLBACK in gibberish.reasons and gibberish.count == 2
    assert NOT_UNDERSTOOD in gibberish.reasons  # the assistant said so, too
    assert set(gibberish.conversation_ids) == {first, second}
    # The message before asking for a person, redacted.
    before = by_text["my name is [NAME] and the thing with the stuff is all wrong"]
    assert BEFORE_HANDOFF in before.reasons and before.conversation_ids == [first]
    assert PERSON not in by_text
    assert "myself" not in by_text and "[NAME]" not in by_text and "none" not in by_text
    # Exactly what Rasa's own trackers say should be picked, for the same reasons.
    expected: dict[str, set[str]] = {}
    for conversation in (first, second):
        for text, reasons in expected_picks(stack_settings, conversation).items():
            expected.setdefault(text, set()).update(reasons)
    expected = {t: r for t, r in expected.items() if not NluIndex.load(
        PROJECT_ROOT / "data" / "nlu").contains(t)}
    assert {t: set(i.reasons) for t, i in by_text.items()} == expected
    assert "Jane" not in json.dumps([item.as_dict() for item in items])
    assert "Kwame" not in json.dumps([item.as_dict() for item in items])

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

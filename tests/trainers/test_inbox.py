"""The inbox: which messages are picked, how they are grouped and ordered, and that only
redacted text comes out of the tracker store. Against a real SQLite file and, when the
machine has one, a real PostgreSQL (a hand-filled ``events`` table shaped like Rasa's)."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.db.engine import get_engine
from bot.rasa.events import create_events_table
from bot.trainers.inbox import (
    AMBIGUOUS,
    BEFORE_HANDOFF,
    FALLBACK,
    LOW_CONFIDENCE,
    NOT_UNDERSTOOD,
    DismissedStore,
    InboxOptions,
    build_inbox,
    find_item,
    item_id,
    load_inbox,
    reasons_for,
)
from bot.trainers.tracker_events import (
    TrackerStoreMissing,
    UserTurn,
    conversation_ids,
    read_user_turns,
)
from tests.trainers.support import Conversation, drop_events_table


def turn(text, *ranking, intent=None, conversation="c1", at=1.0, actions=(), payload=False,
         **context):
    ranking = tuple(ranking)
    top = ranking[0] if ranking else (None, None)
    return UserTurn(
        conversation_id=conversation, event_id=int(at), timestamp=at, text=text,
        intent=intent or top[0], confidence=top[1], ranking=ranking, actions=tuple(actions),
        is_payload=payload, **context,
    )


# -- which messages, and why (pure) ----------------------------------------------------------


@pytest.mark.parametrize(
    "message,expected",
    [
        (turn("blah", ("ask_cost", 0.5), ("greet", 0.2), intent="nlu_fallback"),
         [FALLBACK, LOW_CONFIDENCE]),
        (turn("how much", ("ask_cost", 0.65), ("ask_deadline", 0.2)), [LOW_CONFIDENCE]),
        (turn("copy pls", ("request_access", 0.82), ("request_portability", 0.75)), [AMBIGUOUS]),
        (turn("hello", ("greet", 0.99), ("thank", 0.01)), []),
        (turn("/affirm", ("affirm", 0.3), payload=True), []),
        (turn("i am furious", ("make_complaint", 0.95), ("deny", 0.01),
              actions=["action_handoff"]), []),
        (turn("get me a human", ("request_human", 0.97), ("greet", 0.01),
              actions=["action_handoff"]), []),
        (turn("whatever", ("ask_cost", 0.9), ("greet", 0.05), intent="nlu_fallback",
              actions=["action_handoff"]), [FALLBACK, BEFORE_HANDOFF]),
        # Confident, yet the reply was "didn't understand": picked whatever the confidence.
        (turn("is it free for pensioners", ("ask_cost", 0.97), ("greet", 0.01),
              actions=["action_answer"], replies=("utter_default",)), [NOT_UNDERSTOOD]),
        (turn("eh?", ("greet", 0.99), ("thank", 0.01), replies=("utter_ask_rephrase",)),
         [NOT_UNDERSTOOD]),
        (turn("wot u got", ("ask_what_data_held", 0.92), ("greet", 0.01),
              actions=["action_two_stage_fallback"], replies=("utter_ask_affirmation",)),
         [NOT_UNDERSTOOD]),
        # The two-stage fallback closing its loop on an understood message: not a miss.
        (turn("I want a copy of my file", ("request_access", 0.98), ("greet", 0.01),
              actions=["action_two_stage_fallback", "request_form"]), []),
        # Button values, pressed or typed, and payload-like codes: never.
        (turn("council_tax_bill", ("inform", 0.3), ("greet", 0.2)), []),
        (turn("All", ("inform", 0.3), ("greet", 0.2), buttons=("all", "All of it")), []),
        (turn("Someone else", ("inform", 0.3), ("greet", 0.2), requested_slot="subject"), []),
        # Form answers the form took: never; but a form answer met with "didn't understand"
        # is picked.
        (turn("[NAME]", ("inform", 0.4), ("greet", 0.3), intent="nlu_fallback",
              requested_slot="full_name", active_loop="request_form",
              actions=["request_form"]), []),
        (turn("why do u want that", ("ask_why_needed", 0.4), ("greet", 0.3),
              requested_slot="full_name", active_loop="request_form",
              replies=("utter_ask_rephrase",)), [NOT_UNDERSTOOD, LOW_CONFIDENCE]),
        # A form question pending but the fallback loop running: not a form answer.
        (turn("no", ("deny", 0.5), ("affirm", 0.3), requested_slot="full_name",
              active_loop="action_two_stage_fallback"), [LOW_CONFIDENCE]),
    ],
)
def test_reasons(message: UserTurn, expected: list[str]) -> None:
    assert reasons_for(message, None) == expected


def test_a_message_followed_by_asking_for_a_person_is_picked() -> None:
    understood = turn("tell me about bins", ("out_of_scope", 0.95), ("greet", 0.01))
    then = turn("talk to a person", ("request_human", 0.99), at=2.0)
    assert reasons_for(understood, then) == [BEFORE_HANDOFF]
    assert reasons_for(understood, None) == []


def test_thresholds_are_tunable() -> None:
    message = turn("how much", ("ask_cost", 0.8), ("ask_deadline", 0.1))
    assert reasons_for(message, None) == []
    assert reasons_for(message, None, min_confidence=0.9) == [LOW_CONFIDENCE]
    assert reasons_for(message, None, min_margin=0.8) == [AMBIGUOUS]


def test_duplicates_are_grouped_with_count_latest_time_and_conversations() -> None:
    turns = [
        turn("Blah  blah", ("ask_cost", 0.4), conversation="a", at=10.0),
        turn("blah blah", ("ask_cost", 0.5), conversation="b", at=30.0),
        turn("BLAH BLAH", ("ask_cost", 0.3), conversation="c", at=20.0),
        turn("other", ("greet", 0.6), conversation="d", at=40.0),
    ]
    items = build_inbox(turns)
    assert [item.count for item in items] == [3, 1]
    grouped = items[0]
    assert grouped.id == item_id("blah blah") == item_id("Blah  blah")
    assert grouped.last_seen == 30.0 and grouped.text == "blah blah"
    assert grouped.confidence == 0.5  # from the latest occurrence
    assert grouped.conversation_ids == ["b", "c", "a"]
    assert [item.text for item in build_inbox(turns, sort="newest")] == ["other", "blah blah"]


def test_most_frequent_first_then_newest() -> None:
    turns = [
        turn("old once", ("greet", 0.3), conversation="a", at=1.0),
        turn("new once", ("greet", 0.3), conversation="b", at=5.0),
        turn("twice", ("greet", 0.3), conversation="c", at=2.0),
        turn("twice", ("greet", 0.3), conversation="d", at=3.0),
    ]
    assert [item.text for item in build_inbox(turns)] == ["twice", "new once", "old once"]


def test_resident_choice_after_did_you_mean_is_a_suggestion() -> None:
    turns = [
        turn("wot u got on me", ("ask_what_data_held", 0.4), intent="nlu_fallback",
             actions=["action_default_ask_affirmation"]),
        turn("/request_access", ("request_access", 1.0), at=2.0, payload=True),
    ]
    [item] = build_inbox(turns)
    assert item.suggested_intent == "request_access"


def test_find_item_by_unique_prefix() -> None:
    items = build_inbox([turn("blah", ("greet", 0.2))])
    assert find_item(items, items[0].id[:6]) is items[0]
    assert find_item(items, items[0].id[:3]) is None
    assert find_item(items, "ffffffffff") is None


def test_dismissed_ids_are_kept_without_text(tmp_path: Path) -> None:
    store = DismissedStore.in_var_dir(tmp_path)
    assert store.ids() == set()
    store.add(["abc1234567"])
    store.add(["def1234567"])
    assert store.ids() == {"abc1234567", "def1234567"}
    assert json.loads(store.path.read_text()) == {"dismissed": ["abc1234567", "def1234567"]}


# -- from a real database --------------------------------------------------------------------


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = get_engine(database_url)
    create_events_table(engine)
    yield engine
    drop_events_table(engine)


@pytest.fixture
def nlu_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "nlu"
    directory.mkdir()
    (directory / "conversation.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - hello there\n',
        encoding="utf-8",
    )
    return directory


def fill(engine: Engine) -> None:
    (Conversation(engine, "resident-1", start=1_000.0).session_start()
     .user("hello there", ("greet", 0.6), ("thank", 0.1)).reply("utter_greet")
     .user("my name is Jane Smith, wot do u hold", ("ask_what_data_held", 0.45),
           ("request_access", 0.40), fallback=True)
     .reply("action_default_ask_affirmation")
     .user("/request_access", ("request_access", 1.0)).reply("action_start_request")
     .user("what about the bins", ("out_of_scope", 0.96), ("greet", 0.01)).reply("utter_oos")
     .user("just get me a person", ("request_human", 0.98), ("greet", 0.01))
     .reply("action_handoff"))
    (Conversation(engine, "resident-2", start=2_000.0).session_start()
     .user("My name is Ben Okafor, wot do u hold", ("ask_what_data_held", 0.5),
           ("request_access", 0.3), fallback=True)
     .reply("action_default_ask_affirmation")
     .user("how much is it", ("ask_cost", 0.93), ("ask_deadline", 0.02)).reply("utter_cost")
     .action("request_form").active_loop("request_form").slot("requested_slot", "full_name")
     .user("kwame mensah", ("inform", 0.51), ("greet", 0.2)).reply("request_form"))


def test_inbox_from_the_tracker_store(engine: Engine, nlu_dir: Path) -> None:
    fill(engine)
    items = load_inbox(engine, nlu_dir)
    texts = {item.text: item for item in items}
    assert set(texts) == {
        "My name is [NAME], wot do u hold",  # fell back, twice (grouped after redaction;
        # the latest spelling shown)
        "what about the bins",  # the resident asked for a person right after
        # not "[NAME]": low confidence, but a form answer the form took
    }
    grouped = texts["My name is [NAME], wot do u hold"]
    assert grouped.count == 2 and grouped.conversation_ids == ["resident-2", "resident-1"]
    # replied "did you mean ...?"; fell back; 0.45 is low; 0.45 vs 0.40 is close
    assert grouped.reasons == [NOT_UNDERSTOOD, FALLBACK, LOW_CONFIDENCE, AMBIGUOUS]
    assert (grouped.intent, grouped.second_intent) == ("ask_what_data_held", "request_access")
    assert grouped.suggested_intent == "request_access"
    assert items[0] is grouped  # most frequent first
    assert texts["what about the bins"].reasons == [BEFORE_HANDOFF]
    dumped = json.dumps([item.as_dict() for item in items])
    for secret in ("Jane", "Smith", "Ben", "Okafor", "kwame", "mensah"):
        assert secret not in dumped


def test_labelled_and_dismissed_messages_leave_the_inbox(
    engine: Engine, nlu_dir: Path, tmp_path: Path
) -> None:
    fill(engine)
    # "hello there" had low confidence but is already an example: never shown
    assert "hello there" not in [item.text for item in load_inbox(engine, nlu_dir)]
    dismissed = DismissedStore.in_var_dir(tmp_path / "var")
    dismissed.add([item_id("what about the bins")])
    texts = [item.text for item in load_inbox(engine, nlu_dir, dismissed)]
    assert "what about the bins" not in texts and len(texts) == 1


def test_since_limits_to_recent_messages(engine: Engine, nlu_dir: Path) -> None:
    fill(engine)
    items = load_inbox(engine, nlu_dir, options=InboxOptions(since=1_500.0))
    assert all(item.conversation_ids == ["resident-2"] for item in items)


def test_turns_carry_the_actions_run_in_reply(engine: Engine) -> None:
    fill(engine)
    turns = list(read_user_turns(engine, conversation_id="resident-1"))
    assert [t.actions for t in turns] == [
        ("utter_greet",), ("action_default_ask_affirmation",), ("action_start_request",),
        ("utter_oos",), ("action_handoff",),
    ]
    assert conversation_ids(engine) == ["resident-2", "resident-1"]


def test_the_inbox_shows_the_question_and_leaves_out_buttons_and_form_answers(
    engine: Engine, nlu_dir: Path
) -> None:
    """The trainer's afternoon from the issue: 14 items, 6 of them "[NAME]", "all",
    "council_tax_bill"; and a confident message answered "didn't understand" missing."""
    (Conversation(engine, "resident-3", start=3_000.0).session_start()
     .bot("Hello Priya Shah, how can I help?", utter="utter_greet")
     .user("is it free for pensioners", ("ask_cost", 0.97), ("greet", 0.01))
     .bot("Sorry, I didn't understand that.", utter="utter_default").reply("action_answer")
     .bot("Which records?", utter="utter_ask_records",
          buttons=(("All of them", "all"), ("Council tax", "council_tax_bill")))
     .user("all", ("inform", 0.3), ("greet", 0.2)).reply("request_form")
     .user("council_tax_bill", ("inform", 0.2), ("greet", 0.1)).reply("request_form")
     .active_loop("request_form").slot("requested_slot", "full_name")
     .bot("What is your full name?", utter="utter_ask_full_name")
     .user("priya shah", ("inform", 0.3), fallback=True).reply("request_form"))
    items = load_inbox(engine, nlu_dir)
    assert [item.text for item in items] == ["is it free for pensioners"]
    [item] = items
    assert item.reasons == [NOT_UNDERSTOOD]
    assert item.question == "Hello [NAME], how can I help?"  # the bot's words redacted too
    assert item.preselected == "ask_cost"
    assert "Priya" not in json.dumps([i.as_dict() for i in items])


def test_a_database_without_a_tracker_store_says_so(database_url: str, nlu_dir: Path) -> None:
    with pytest.raises(TrackerStoreMissing):
        load_inbox(get_engine(database_url), nlu_dir)


def test_trainer_modules_import_without_rasa() -> None:
    import subprocess
    import sys

    code = (
        "import sys, bot.trainers.inbox, bot.trainers.labelling, bot.trainers.stories, "
        "bot.trainers.retention, bot.commands.inbox, bot.commands.purge; "
        "print(any(m == 'rasa' or m.startswith('rasa.') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("text,expected", [
    (None, None),
    ("Which records?", "Which records?"),
    ("Hello, I'm the council's assistant. " * 6 + "What is your full name?",
     "… Hello, I'm the council's assistant. What is your full name?"),
    ("x" * 200, "…" + "x" * 159),
])
def test_the_question_is_the_end_of_the_assistants_message(text, expected) -> None:
    from bot.trainers.inbox import QUESTION_CHARS, question_excerpt

    shown = question_excerpt(text, 70 if text and "council" in text else QUESTION_CHARS)
    assert shown == expected

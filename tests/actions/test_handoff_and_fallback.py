"""Handing a chat to staff, the "did you mean ...?" fallback, and the deadline answer."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from rasa_sdk import Action
from rasa_sdk.events import ConversationPaused

from actions import answers, fallback, forms, handoff, requests, status, summary
from actions import answers as answer_actions
from actions.answers import ActionAnswerQuestion
from actions.fallback import ActionDefaultAskAffirmation
from actions.handoff import ActionHandoff, handoff_reason
from actions.settings import case_repository, settings
from bot.chat.handoffs import HandoffStore
from bot.conversation.intent_labels import INTENT_LABELS, NOT_SUGGESTED
from bot.conversation.wording import long_date
from bot.rules.deadlines import due_date, received_on
from tests.actions.support import (
    LONG_DATE,
    SENDER_ID,
    action_event,
    make_tracker,
    response_text,
    run_action,
    user_event,
)


def conversation(domain: dict, *intents: str, sender_id: str = SENDER_ID):
    """A tracker whose user messages had these intents, in order (with bot turns between)."""
    events: list[dict] = [action_event("action_session_start")]
    for number, intent in enumerate(intents):
        events += [action_event("action_listen"), user_event(f"message {number}", intent),
                   action_event("utter_default")]
    events.append(action_event("action_listen"))
    return make_tracker(domain, text=f"message {len(intents) - 1}", intent=intents[-1],
                        events=events, sender_id=sender_id)


# -- action_handoff --------------------------------------------------------------------------


@pytest.mark.parametrize(("intents", "reason"), [
    (["request_human"], "asked for a person"),
    (["greet", "ask_cost", "request_human"], "asked for a person"),
    (["make_complaint", "deny", "request_human"], "complaint"),
    (["nlu_fallback", "nlu_fallback", "request_human"], "repeated misunderstanding"),
    (["greet", "nlu_fallback"], "repeated misunderstanding"),
    # only the last four messages count: an old complaint or one slip is not the reason
    (["make_complaint", "greet", "ask_cost", "thank", "request_human"], "asked for a person"),
    (["nlu_fallback", "greet", "request_human"], "asked for a person"),
])
async def test_the_handoff_records_why_and_pauses_the_assistant(domain, case_db, intents, reason):
    tracker = conversation(domain, *intents)
    assert handoff_reason(tracker) == reason

    outcome = await run_action(ActionHandoff(), tracker, domain)

    assert outcome.responses == ["utter_handoff_started"]
    assert outcome.events == [ConversationPaused()]
    [handoff] = HandoffStore.from_url(case_db).for_conversation(SENDER_ID)
    assert handoff.reason == reason
    assert handoff.status == "waiting"
    assert handoff.requested_at.tzinfo is not None


async def test_asking_again_while_waiting_does_not_queue_the_chat_twice(domain, case_db):
    tracker = conversation(domain, "request_human")
    await run_action(ActionHandoff(), tracker, domain)
    again = await run_action(ActionHandoff(), tracker, domain)
    assert again.events == [ConversationPaused()]
    assert len(HandoffStore.from_url(case_db).for_conversation(SENDER_ID)) == 1


async def test_each_conversation_gets_its_own_handoff(domain, case_db):
    await run_action(ActionHandoff(), conversation(domain, "request_human", sender_id="a"), domain)
    await run_action(ActionHandoff(), conversation(domain, "make_complaint", sender_id="b"),
                     domain)
    waiting = HandoffStore.from_url(case_db).waiting()
    assert [(h.conversation_id, h.reason) for h in waiting] == [
        ("a", "asked for a person"), ("b", "complaint")]


async def test_when_the_handoff_cannot_be_recorded_the_assistant_says_so_and_stays(
    domain, tmp_path: Path, use_database
):
    use_database(f"sqlite:///{tmp_path / 'never-migrated.sqlite3'}")  # no handoff table
    outcome = await run_action(ActionHandoff(), conversation(domain, "request_human"), domain)
    assert outcome.responses == ["utter_handoff_unavailable"]
    assert outcome.events == []  # not paused: nobody would answer
    said = response_text(domain, outcome.messages[0])
    assert "dpo@" in said


# -- action_default_ask_affirmation ----------------------------------------------------------


async def ask_affirmation(domain: dict, ranking: list[dict]):
    tracker = make_tracker(domain, text="erm the thing about my stuff", intent="nlu_fallback",
                           confidence=ranking[0]["confidence"] if ranking else 0.3,
                           ranking=ranking)
    return await run_action(ActionDefaultAskAffirmation(), tracker, domain)


async def test_fallback_offers_the_two_likeliest_meaningful_intents(domain):
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.41},
        {"name": "inform", "confidence": 0.22},
        {"name": "ask_cost", "confidence": 0.15},
        {"name": "request_access", "confidence": 0.18},
        {"name": "affirm", "confidence": 0.12},
        {"name": "greet", "confidence": 0.05},
    ]
    outcome = await ask_affirmation(domain, ranking)
    [message] = outcome.messages
    assert message["response"] == "utter_ask_affirmation"
    assert "utter_ask_affirmation" in domain["responses"]
    assert message["buttons"] == [
        {"title": "Get a copy of my information", "payload": "/request_access"},
        {"title": "Does it cost anything?", "payload": "/ask_cost"},
        {"title": "Something else", "payload": "/out_of_scope"},
    ]
    assert outcome.events == []


@pytest.mark.parametrize("skipped", sorted(NOT_SUGGESTED))
async def test_fallback_never_suggests_intents_that_mean_nothing_alone(domain, skipped):
    ranking = [{"name": skipped, "confidence": 0.6}, {"name": "ask_retention", "confidence": 0.2}]
    outcome = await ask_affirmation(domain, ranking)
    payloads = [b["payload"] for b in outcome.messages[0]["buttons"]]
    assert payloads == ["/ask_retention", "/out_of_scope"]


async def test_fallback_with_nothing_meaningful_offers_only_something_else(domain):
    outcome = await ask_affirmation(domain, [{"name": "nlu_fallback", "confidence": 0.3}])
    assert outcome.messages[0]["buttons"] == [{"title": "Something else",
                                               "payload": "/out_of_scope"}]


def test_every_intent_that_can_be_offered_has_a_plain_english_label(domain):
    offerable = set(domain["intents"]) - NOT_SUGGESTED
    missing = sorted(offerable - set(INTENT_LABELS))
    assert missing == []
    for intent in offerable:
        assert "_" not in INTENT_LABELS[intent], intent


# -- action_answer_question: the deadline ---------------------------------------------------------


async def test_deadline_answer_fills_in_real_dates(domain):
    tracker = make_tracker(domain, text="how long do you have to reply?", intent="ask_deadline")
    outcome = await run_action(ActionAnswerQuestion(), tracker, domain)
    [message] = outcome.messages
    assert message["response"] == "utter_answer_ask_deadline"
    today = received_on(datetime.now(timezone.utc))
    assert message["received_on"] == long_date(today)
    assert message["due_on"] == long_date(due_date(today))
    assert message["extended_due_on"] == long_date(due_date(today, extended=True))
    for key in ("received_on", "due_on", "extended_due_on"):
        assert LONG_DATE.match(message[key])
    said = response_text(domain, message)
    assert "{" not in said and message["extended_due_on"] in said


async def test_deadline_answer_uses_the_councils_nation(domain, monkeypatch):
    monkeypatch.setenv("COUNCIL_NATION", "scotland")
    settings.cache_clear()
    case_repository.cache_clear()
    nations: list[str] = []
    real = answer_actions.due_date

    def spy(start, nation="england-and-wales", **options):
        nations.append(nation)
        return real(start, nation, **options)

    monkeypatch.setattr(answer_actions, "due_date", spy)
    await run_action(ActionAnswerQuestion(), make_tracker(domain, intent="ask_deadline"), domain)
    assert nations == ["scotland", "scotland"]


def test_every_action_the_domain_lists_is_implemented(domain):
    """Rasa calls actions by name: a typo here means 'action not found' at run time."""
    modules = (answers, fallback, forms, handoff, requests, status, summary)
    implemented = {
        obj().name()
        for module in modules
        for obj in vars(module).values()
        if isinstance(obj, type) and issubclass(obj, Action) and obj.__module__ == module.__name__
    }
    custom = {a for a in domain["actions"] if a.startswith(("action_", "validate_"))}
    assert custom == implemented

"""action_answer_question: the question asked is answered, and a second question in the same
message too, outside a form and inside one. The other questions are classified by Rasa's
/model/parse, here a stand-in Rasa over real HTTP (tests/e2e/test_two_questions.py uses the
real model)."""
from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from actions.answers import ActionAnswerQuestion
from actions.forms import ValidateRequestForm
from actions.settings import settings
from tests.actions.support import form_turn, make_tracker, run_action
from tests.web.stand_in_rasa import TOKEN, StandInRasa


@pytest.fixture
async def rasa(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[StandInRasa]:
    stand_in = await StandInRasa().start()
    monkeypatch.setenv("RASA_URL", stand_in.url)
    monkeypatch.setenv("RASA_TOKEN", TOKEN)
    settings.cache_clear()
    yield stand_in
    await stand_in.close()
    settings.cache_clear()


async def _ask(domain, text: str, intent: str):
    tracker = make_tracker(domain, text=text, intent=intent)
    return await run_action(ActionAnswerQuestion(), tracker, domain)


async def test_one_question_gets_its_answer_and_rasa_is_not_asked(domain, rasa):
    outcome = await _ask(domain, "how much does it cost?", "ask_cost")
    assert outcome.responses == ["utter_answer_ask_cost"]
    assert rasa.parsed == []


async def test_two_questions_get_two_answers_in_the_order_asked(domain, rasa):
    rasa.parses = {"how much does it cost": ("ask_cost", 0.97),
                   "how long will it take": ("ask_deadline", 0.91)}
    outcome = await _ask(domain, "how much does it cost and how long will it take?", "ask_cost")
    assert outcome.responses == ["utter_answer_ask_cost", "utter_answer_ask_deadline"]
    assert rasa.parsed == ["how much does it cost", "how long will it take"]
    assert outcome.messages[1]["due_on"]  # the deadline answer has its real dates


async def test_answers_come_in_the_order_asked_whatever_the_whole_message_scored(domain, rasa):
    rasa.parses = {"what ID do I need": ("ask_id_requirements", 0.95),
                   "is there a fee": ("ask_cost", 0.88)}
    outcome = await _ask(domain, "what ID do I need and is there a fee", "ask_cost")
    assert outcome.responses == ["utter_answer_ask_id_requirements", "utter_answer_ask_cost"]


async def test_the_whole_messages_question_is_answered_even_if_no_part_scored_it(domain, rasa):
    rasa.parses = {"what ID do I need": ("ask_id_requirements", 0.95),
                   "is there a fee": ("nlu_fallback", 0.45)}
    outcome = await _ask(domain, "what ID do I need and is there a fee", "ask_cost")
    assert outcome.responses == ["utter_answer_ask_cost", "utter_answer_ask_id_requirements"]


async def test_an_unsure_second_question_is_not_answered(domain, rasa):
    rasa.parses = {"how much does it cost": ("ask_cost", 0.97),
                   "what about the other thing": ("ask_security", 0.41)}
    outcome = await _ask(domain, "how much does it cost? what about the other thing", "ask_cost")
    assert outcome.responses == ["utter_answer_ask_cost"]


async def test_the_same_question_twice_is_answered_once(domain, rasa):
    rasa.parses = {"is it free": ("ask_cost", 0.9), "do I have to pay": ("ask_cost", 0.9)}
    outcome = await _ask(domain, "is it free? do I have to pay?", "ask_cost")
    assert outcome.responses == ["utter_answer_ask_cost"]


async def test_a_request_beside_a_question_is_offered_not_started(domain, rasa):
    rasa.parses = {"can you delete my data": ("request_erasure", 0.93),
                   "how long do you keep it": ("ask_retention", 0.96)}
    outcome = await _ask(domain, "can you delete my data? also how long do you keep it",
                         "ask_retention")
    # the offer comes last, though asked first: the message ends with its question
    assert outcome.responses == ["utter_answer_ask_retention", "utter_offer_request"]
    offer = outcome.messages[1]
    assert offer["request_intent"] == "request_erasure"
    assert offer["request_label"].startswith("deleting your personal information")
    assert outcome.events == []  # no form opened without the resident's say-so


async def test_at_most_three_answers_to_one_message(domain, rasa):
    rasa.parses = {"is it free": ("ask_cost", 0.9), "how long": ("ask_deadline", 0.9),
                   "what ID": ("ask_id_requirements", 0.9), "who is the DPO": ("contact_dpo", 0.9)}
    outcome = await _ask(domain, "is it free? how long? what ID? who is the DPO?", "ask_cost")
    assert outcome.responses == ["utter_answer_ask_cost", "utter_answer_ask_deadline",
                                 "utter_answer_ask_id_requirements"]


@pytest.mark.parametrize("status", [401, 500])
async def test_rasa_refusing_the_parse_leaves_the_first_answer(domain, rasa, status):
    rasa.status = status
    outcome = await _ask(domain, "how much does it cost and how long will it take?", "ask_cost")
    assert outcome.responses == ["utter_answer_ask_cost"]


async def test_rasa_unreachable_leaves_the_first_answer(domain, monkeypatch):
    monkeypatch.setenv("RASA_URL", "http://127.0.0.1:9")  # the discard port: nothing listens
    settings.cache_clear()
    outcome = await _ask(domain, "how much does it cost and how long will it take?", "ask_cost")
    assert outcome.responses == ["utter_answer_ask_cost"]


async def test_the_residents_words_never_reach_the_log(domain, monkeypatch, caplog):
    monkeypatch.setenv("RASA_URL", "http://127.0.0.1:9")
    settings.cache_clear()
    await _ask(domain, "is my address 12 High Street needed and how long will it take?",
               "ask_why_needed")
    assert "High Street" not in caplog.text


async def _ask_at_date_of_birth(domain, text: str):
    """The access form is waiting for the date of birth; the resident asks instead."""
    return await form_turn(
        ValidateRequestForm(), domain, "date_of_birth", text, intent="ask_cost",
        confidence=0.9, slots={"request_type": "request_access", "subject": "self",
                               "full_name": "Ada Lovelace", "previous_names": "none"})


async def test_two_questions_mid_form_are_both_answered_then_the_form_asks_again(domain, rasa):
    rasa.parses = {"how much does this cost": ("ask_cost", 0.95),
                   "how long will it take": ("ask_deadline", 0.93)}
    turn = await _ask_at_date_of_birth(
        domain, "how much does this cost and how long will it take?")
    assert turn.responses == ["utter_answer_ask_cost", "utter_answer_ask_deadline"]
    assert turn.next_slot == "date_of_birth"


async def test_a_request_mentioned_mid_form_is_not_offered(domain, rasa):
    rasa.parses = {"how much does this cost": ("ask_cost", 0.95),
                   "can you delete my data too": ("request_erasure", 0.9)}
    turn = await _ask_at_date_of_birth(
        domain, "how much does this cost? can you delete my data too")
    assert turn.responses == ["utter_answer_ask_cost"]
    assert turn.next_slot == "date_of_birth"

"""action_answer_question: the question asked is answered, and a second question in the same
message too, outside a form and inside one. The other questions are classified by Rasa's
/model/parse, here a stand-in Rasa over real HTTP (tests/e2e/test_two_questions.py uses the
real model)."""
from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from actions.answers import ActionAnswerQuestion
from actions.fallback import ActionSplitOrClarify
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


# -- a message that fell back as a whole: split first (action_split_or_clarify) ------------


async def _fell_back(domain, text: str):
    tracker = make_tracker(domain, text=text, intent="nlu_fallback", confidence=0.3)
    return await run_action(ActionSplitOrClarify(), tracker, domain)


async def test_two_clear_questions_in_a_message_that_fell_back_are_answered(domain, rasa):
    rasa.parses = {"how much does it cost": ("ask_cost", 0.93),
                   "how long does it take": ("ask_deadline", 0.88)}
    outcome = await _fell_back(domain, "how much does it cost and how long does it take?")
    assert outcome.responses == ["utter_answer_ask_cost", "utter_answer_ask_deadline"]
    assert outcome.events == []  # answered: no "did you mean ...?"


async def test_a_part_still_unclear_is_said_to_be(domain, rasa):
    rasa.parses = {"how much does it cost": ("ask_cost", 0.93),
                   "what about the thingy": ("nlu_fallback", 0.3)}
    outcome = await _fell_back(domain, "how much does it cost? what about the thingy")
    assert outcome.responses == ["utter_answer_ask_cost", "utter_rest_unclear"]
    assert "utter_rest_unclear" in domain["responses"]


async def test_one_unclear_question_goes_to_the_two_stage_fallback_without_asking_rasa(
        domain, rasa):
    outcome = await _fell_back(domain, "erm the thing about my stuff")
    assert outcome.messages == []
    assert outcome.events == [{"event": "followup", "timestamp": None,
                               "name": "action_two_stage_fallback"}]
    assert rasa.parsed == []


async def test_parts_all_unclear_go_to_the_two_stage_fallback(domain, rasa):
    rasa.parses = {"the thing with the stuff": ("nlu_fallback", 0.3),
                   "what about the other bit": ("ask_security", 0.41)}
    outcome = await _fell_back(domain, "the thing with the stuff? what about the other bit")
    assert outcome.messages == []
    assert [e["name"] for e in outcome.events] == ["action_two_stage_fallback"]


async def test_rasa_unreachable_falls_back_as_before(domain, monkeypatch):
    monkeypatch.setenv("RASA_URL", "http://127.0.0.1:9")
    settings.cache_clear()
    outcome = await _fell_back(domain, "how much does it cost and how long does it take?")
    assert outcome.messages == []
    assert [e["name"] for e in outcome.events] == ["action_two_stage_fallback"]


# -- "why do you need my data?" outside a form -------------------------------------------


@pytest.mark.parametrize("intent", ["ask_why_needed", "ask_why_collect"])
async def test_why_do_you_need_my_data_outside_a_form_gets_the_councils_reasons(
        domain, rasa, intent):
    outcome = await _ask(domain, "why do you need my data", intent)
    assert outcome.responses == ["utter_answer_ask_why_collect"]


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

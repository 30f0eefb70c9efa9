"""Finding the separate questions in one message, and which to answer in what order."""
from __future__ import annotations

import pytest

from bot.conversation.compound import PartsAnswer, answer_order, answer_parts, split_questions


@pytest.mark.parametrize(("text", "questions"), [
    ("how much does it cost and how long will it take?",
     ["how much does it cost", "how long will it take"]),
    ("what ID do I need and is there a fee", ["what ID do I need", "is there a fee"]),
    ("can you delete my data? also how long do you keep it",
     ["can you delete my data", "how long do you keep it"]),
    ("Is it free? How long does it take? Who do I send ID to?",
     ["Is it free", "How long does it take", "Who do I send ID to"]),
    ("who is the DPO, and what is the ICO phone number",
     ["who is the DPO", "what is the ICO phone number"]),
    ("Can I ask for my data & is there a charge", ["Can I ask for my data", "is there a charge"]),
    ("what data do you hold. And why do you need it?",
     ["what data do you hold", "why do you need it"]),
    ("is it free\nhow long does it take", ["is it free", "how long does it take"]),
    ("a? b? c? d? how much? how long? what ID? who? where do I send it?",
     # at most four, one-word parts dropped
     ["how much", "how long", "what ID", "where do I send it"]),
])
def test_separate_questions_are_found_in_order(text, questions):
    assert split_questions(text) == questions


@pytest.mark.parametrize("text", [
    "how much does it cost?",
    "I want my records and my son's records",  # "and" not followed by a question
    "what data do you hold and why",  # "why" alone is not a second question
    "where and how do I send it",
    "Hi, how much does it cost?",  # a greeting is not a question
    "Thanks. What ID do I need?",
    "my housing and council tax records",
    "/ask_cost",  # a button's payload
    "",
])
def test_one_question_stays_whole(text):
    assert split_questions(text) == [text.strip()]


ANSWERABLE = frozenset({"ask_cost", "ask_deadline", "ask_id_requirements", "contact_dpo",
                        "request_erasure"})


def _order(first, classified, limit=3):
    return answer_order(first, classified, answerable=ANSWERABLE,
                        offer_last={"request_erasure"}, min_confidence=0.6, limit=limit)


def test_answers_follow_the_order_asked():
    assert _order("ask_deadline", [("ask_cost", 0.9), ("ask_deadline", 0.8)]) == [
        "ask_cost", "ask_deadline"]


def test_the_whole_messages_intent_comes_first_when_no_part_matched_it():
    assert _order("ask_cost", [("ask_deadline", 0.9), ("nlu_fallback", 0.45)]) == [
        "ask_cost", "ask_deadline"]


def test_unsure_unanswerable_and_repeated_parts_are_left_out():
    assert _order("ask_cost", [("ask_cost", 0.9), ("ask_deadline", 0.59), ("greet", 0.99),
                               ("ask_cost", 0.95), (None, 0.0)]) == ["ask_cost"]


def test_requests_are_offered_after_the_answers():
    assert _order("ask_cost", [("request_erasure", 0.9), ("ask_cost", 0.9)]) == [
        "ask_cost", "request_erasure"]


def test_the_limit_never_drops_the_whole_messages_intent():
    classified = [("ask_deadline", 0.9), ("ask_id_requirements", 0.9), ("contact_dpo", 0.9),
                  ("ask_cost", 0.9)]
    assert _order("ask_cost", classified, limit=3) == [
        "ask_cost", "ask_deadline", "ask_id_requirements"]
    assert _order("ask_deadline", classified, limit=2) == ["ask_deadline", "ask_id_requirements"]


def _parts(classified):
    return answer_parts(classified, answerable=ANSWERABLE, offer_last={"request_erasure"},
                        min_confidence=0.6)


def test_a_message_that_fell_back_is_answered_by_its_clear_parts():
    assert _parts([("ask_cost", 0.9), ("ask_deadline", 0.8)]) == PartsAnswer(
        ["ask_cost", "ask_deadline"], unclear=0)


def test_parts_that_fell_back_or_are_unsure_are_counted_as_unclear():
    assert _parts([("ask_cost", 0.9), ("nlu_fallback", 0.3), ("ask_deadline", 0.5),
                   (None, 0.0)]) == PartsAnswer(["ask_cost"], unclear=3)


def test_clear_parts_that_need_no_answer_are_neither_answered_nor_unclear():
    assert _parts([("greet", 0.95), ("ask_cost", 0.9)]) == PartsAnswer(["ask_cost"], unclear=0)


def test_nothing_clear_to_answer_means_falling_back_as_usual():
    assert _parts([("greet", 0.95), ("nlu_fallback", 0.3)]).order == []
    assert _parts([]).order == []

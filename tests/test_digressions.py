"""Questions asked mid-form are told apart from answers."""
from __future__ import annotations

import pytest

from bot.conversation.digressions import (
    Digression,
    detect_digression,
    looks_like_question,
    meaning_mid_form,
    meaning_outside_form,
)


@pytest.mark.parametrize("text", ["why do you need my date of birth?", "how much does it cost",
                                  "Is it free?", "what happens next?"])
def test_looks_like_question(text):
    assert looks_like_question(text)


@pytest.mark.parametrize("text", ["Jane Smith", "all my housing records", "3 March 1984"])
def test_answers_do_not_look_like_questions(text):
    assert not looks_like_question(text)


def test_invalid_structured_answer_with_question_intent_is_a_digression():
    why = detect_digression("ask_why_needed", 0.9, "why do you need that",
                            answer_was_valid=False, free_text=False)
    assert why == Digression("ask_why_needed")
    assert detect_digression("ask_cost", 0.7, "is there a fee",
                             answer_was_valid=False, free_text=False) == Digression("ask_cost")


def test_valid_structured_answer_is_never_a_digression():
    assert detect_digression("ask_cost", 0.99, "jane@example.com",
                             answer_was_valid=True, free_text=False) is None


def test_free_text_needs_question_form_and_high_confidence():
    assert detect_digression("ask_data_sharing", 0.95,
                             "records about sharing my data with the police",
                             answer_was_valid=True, free_text=True) is None
    assert detect_digression("ask_cost", 0.95, "how much will this cost?",
                             answer_was_valid=True, free_text=True) == Digression("ask_cost")
    assert detect_digression("ask_cost", 0.5, "how much will this cost?",
                             answer_was_valid=True, free_text=True) is None


def test_non_question_intents_are_answers():
    assert detect_digression("inform", 0.99, "why", answer_was_valid=False, free_text=False) is None
    assert detect_digression(None, 0.0, "x", answer_was_valid=False, free_text=False) is None


@pytest.mark.parametrize("text", ["why do you need my data?", "what do you want my details for",
                                  "why are you asking", "is that necessary",
                                  "what's that for", "why?"])
def test_why_collect_mid_form_is_why_this_question_is_asked(text):
    assert detect_digression("ask_why_collect", 0.9, text, answer_was_valid=False,
                             free_text=False) == Digression("ask_why_needed")


def test_what_data_is_used_for_mid_form_stays_the_general_question():
    assert detect_digression("ask_why_collect", 0.9, "what do you use my data for?",
                             answer_was_valid=False, free_text=False) == Digression(
                                 "ask_why_collect")


def test_outside_a_form_why_needed_is_the_general_question():
    assert meaning_outside_form("ask_why_needed") == "ask_why_collect"
    assert meaning_outside_form("ask_cost") == "ask_cost"
    assert meaning_mid_form("ask_cost", "do you need to charge") == "ask_cost"

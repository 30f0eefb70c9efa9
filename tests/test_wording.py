"""What residents read: dates, the case-logged message, the status message."""
from __future__ import annotations

from datetime import date

from bot.conversation.intent_labels import INTENT_LABELS, likeliest_intents
from bot.conversation.wording import case_logged_message, case_status_message, join_words, long_date


def test_long_date():
    assert long_date(date(2027, 1, 4)) == "Monday 4 January 2027"


def test_join_words():
    assert join_words([]) == ""
    assert join_words(["a"]) == "a"
    assert join_words(["a", "b", "c"]) == "a, b and c"


def test_case_logged_waiting_for_id_gives_the_date_if_it_arrived_today():
    text = case_logged_message(
        reference="DPA-7KQ4-M2XP", on_behalf=False, documents=["your passport"],
        due_on=None, due_if_documents_today=date(2026, 12, 23),
        dpo_email="dpo@example.org", dpo_postal_address="1 Street",
    )
    assert "DPA-7KQ4-M2XP" in text
    assert "your passport" in text and "dpo@example.org" in text
    assert "starts on the day we receive" in text
    assert "Wednesday 23 December 2026" in text
    assert "here in the chat" in text  # the widget's upload, beside email and post


def test_a_request_not_logged_yet_cannot_take_documents_in_the_chat():
    text = case_logged_message(
        reference="DPA-7KQ4-M2XP", on_behalf=False, documents=["your passport"],
        due_on=None, due_if_documents_today=date(2026, 12, 23),
        dpo_email="dpo@example.org", dpo_postal_address="1 Street", queued=True,
    )
    assert "will be logged as soon as possible" in text
    assert "here in the chat" not in text and "by email to dpo@example.org" in text


def test_case_logged_with_running_clock_states_the_due_date():
    text = case_logged_message(
        reference="DPA-7KQ4-M2XP", on_behalf=False, documents=[], due_on=date(2026, 12, 23),
        due_if_documents_today=None, dpo_email="d", dpo_postal_address="p",
    )
    assert "We must answer by Wednesday 23 December 2026" in text
    assert "send us" not in text


def test_status_message_running_and_waiting():
    running = case_status_message(reference="R", status="clock_running", due_on=date(2026, 12, 23),
                                  waiting_for=[])
    assert "Wednesday 23 December 2026" in running
    waiting = case_status_message(reference="R", status="awaiting_id", due_on=None,
                                  waiting_for=["id"])
    assert "proof of identity" in waiting and "must answer by" not in waiting


def test_every_contract_intent_has_a_label():
    from tests.contract import contract_intents

    for name in contract_intents():
        assert name in INTENT_LABELS, name


def test_likeliest_intents_skips_meaningless_guesses():
    ranking = [{"name": "nlu_fallback", "confidence": 0.9}, {"name": "inform", "confidence": 0.5},
               {"name": "ask_cost", "confidence": 0.3}, {"name": "ask_rights", "confidence": 0.1},
               {"name": "greet", "confidence": 0.05}]
    assert likeliest_intents(ranking) == ["ask_cost", "ask_rights"]

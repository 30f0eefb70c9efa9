"""Around the request form with the real model and action server: "why do you need my data?"
inside and outside the form, and a resident stuck at a question being offered a person or to
finish later instead of the same help again."""
from __future__ import annotations

import pytest

from tests.e2e.chat import Chat, requested_slot

pytestmark = pytest.mark.e2e

GENERAL_REASONS = "We only collect and use your information when we need it"
DATE_OF_BIRTH_REASON = "We use the date of birth to find the right records"


def _to_the_date_of_birth(chat: Chat, settings) -> None:
    chat.say("I'd like a copy of all the records the council has about me")
    chat.say("myself")
    chat.say("Jane Smith")
    chat.say("none")
    assert requested_slot(settings, chat.sender) == "date_of_birth"


def test_why_do_you_need_my_data_outside_and_inside_the_form(stack, stack_settings):
    chat = Chat(stack_settings.rasa_url, "e2e-why-my-data")
    outside = chat.say("why do you need my data")
    assert GENERAL_REASONS in outside, outside  # why the council processes data
    _to_the_date_of_birth(chat, stack_settings)
    inside = chat.say("why do you need my data?")
    assert DATE_OF_BIRTH_REASON in inside, inside  # why this question is asked
    assert GENERAL_REASONS not in inside
    assert requested_slot(stack_settings, chat.sender) == "date_of_birth"


def test_three_non_answers_offer_a_person_or_finishing_later(stack, stack_settings):
    chat = Chat(stack_settings.rasa_url, "e2e-stuck-at-a-question")
    _to_the_date_of_birth(chat, stack_settings)
    chat.say("hmm")
    second = chat.say("ugh")
    assert "/request_human" in [b["payload"] for b in chat.buttons()], second  # the help
    assert "/cancel" not in [b["payload"] for b in chat.buttons()]
    third = chat.say("not that again")
    assert "finish another time" in third, third
    assert [b["payload"] for b in chat.buttons()] == ["/request_human", "/cancel", "skip"]
    assert requested_slot(stack_settings, chat.sender) == "date_of_birth"
    handed_over = chat.say("/request_human")
    assert "member of our data protection team" in handed_over or "Data Protection Officer" \
        in handed_over, handed_over
    assert requested_slot(stack_settings, chat.sender) is None

"""Two questions in one message get two answers: the real model, action server and Rasa's
parse API through the REST channel."""
from __future__ import annotations

import pytest

from tests.e2e.chat import Chat

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("text", ["how much does it cost and how long do you have to reply?",
                                  "how much does it cost and how long does it take?"])
def test_cost_and_time_limit_asked_together_are_both_answered(stack, stack_settings, text):
    """Both answers whether or not the model can place the message as a whole (when it
    cannot, the fallback splits it into its questions before asking "did you mean ...?")."""
    chat = Chat(stack_settings.rasa_url, f"e2e-two-questions-{len(text)}")
    reply = chat.say(text)
    assert "asking for your personal information is free" in reply.lower(), reply
    assert "we must answer by" in reply.lower(), reply
    assert reply.lower().index("is free") < reply.lower().index("we must answer by")


def test_a_request_beside_a_question_is_offered_with_a_button(stack, stack_settings):
    chat = Chat(stack_settings.rasa_url, "e2e-question-and-request")
    reply = chat.say("can you delete my data? also how long do you keep it")
    assert "keep" in reply.lower()
    assert "would you like to start that request now" in reply.lower(), reply
    assert "/request_erasure" in [b["payload"] for b in chat.buttons()]
    started = chat.say("/request_erasure")
    assert "about you, or are you asking for someone else" in started


def test_one_question_still_gets_one_answer(stack, stack_settings):
    chat = Chat(stack_settings.rasa_url, "e2e-one-question")
    reply = chat.say("what ID do I need to send?")
    assert "we must answer by" not in reply.lower()
    assert len(chat.replies[-1]) >= 1

"""After staff hand a conversation back, the assistant answers again as usual.

Staff hand back through the hub, which posts Rasa's ``resume`` event with an
``action_listen`` (``bot.web.rasa_client.RESUME_EVENTS``); these tests post the same events
over Rasa's HTTP API and then talk to the real model and action server.
"""
from __future__ import annotations

import json
import urllib.request

import pytest

from bot.web.rasa_client import RESUME_EVENTS
from tests.e2e.chat import Chat

pytestmark = pytest.mark.e2e


def _resume(stack_settings, sender: str) -> None:
    request = urllib.request.Request(
        f"{stack_settings.rasa_url}/conversations/{sender}/tracker/events"
        f"?token={stack_settings.rasa_token}&include_events=NONE",
        data=json.dumps(RESUME_EVENTS).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200


@pytest.mark.parametrize("ask_for_person", ["/request_human", "can I talk to a real person please"])
def test_questions_are_answered_after_a_hand_back(stack, stack_settings, ask_for_person):
    chat = Chat(stack_settings.rasa_url, f"e2e-handback-{len(ask_for_person)}")
    chat.say("hello")
    handed = chat.say(ask_for_person)
    assert handed, "the handoff said nothing"
    assert chat.say("is anyone there?") == "", "a paused assistant must stay silent"

    _resume(stack_settings, chat.sender)

    answer = chat.say("how much does it cost?").lower()
    assert "free" in answer or "fee" in answer, answer
    assert "did you mean" not in answer and "rephrase" not in answer, answer
    deadline = chat.say("how long do you have to reply to a subject access request?").lower()
    assert "month" in deadline, deadline

"""After staff hand a conversation back, the assistant answers again as usual.

Staff hand back through the hub, which posts Rasa's ``resume`` event with an
``action_listen`` (``bot.web.rasa_client.RESUME_EVENTS``); these tests post the same events
over Rasa's HTTP API and then talk to the real model and action server.
"""
from __future__ import annotations

import json
import urllib.request

import pytest

from bot.web.rasa_client import HANDED_BACK_INTENT, RESUME_EVENTS
from tests.e2e.chat import Chat, requested_slot

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


def _trigger_handed_back(stack_settings, sender: str) -> str:
    """What the hub does after the resume: inject EXTERNAL_handed_back, run the turn."""
    request = urllib.request.Request(
        f"{stack_settings.rasa_url}/conversations/{sender}/trigger_intent"
        f"?token={stack_settings.rasa_token}&include_events=NONE",
        data=json.dumps({"name": HANDED_BACK_INTENT}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        body = json.loads(response.read())
    return "\n".join(m.get("text", "") for m in body.get("messages", []))


def test_a_request_carries_on_where_it_was_after_a_hand_back(stack, stack_settings):
    """Asked for a person at the email question: after the hand back the assistant says
    where the resident was, asks for the email again, and the request goes on from there
    with every earlier answer kept (the postcode is not asked again)."""
    chat = Chat(stack_settings.rasa_url, "e2e-handback-mid-request")
    chat.say("I want a copy of the information you hold about me")
    for answer in ("myself", "Ann Example", "none", "2 March 1984",
                   "12 High Street, Chester CH1 1AA"):
        chat.say(answer)
    assert requested_slot(stack_settings, chat.sender) == "email"
    assert chat.say("can I speak to a real person please"), "the handoff said nothing"
    assert requested_slot(stack_settings, chat.sender) is None

    _resume(stack_settings, chat.sender)
    said = _trigger_handed_back(stack_settings, chat.sender)
    assert "We were at: your email address." in said, said
    assert "email address can we use" in said, said  # the question itself, asked again
    assert requested_slot(stack_settings, chat.sender) == "email"

    chat.say("ann@example.org")
    assert requested_slot(stack_settings, chat.sender) == "phone"


def test_choosing_the_request_again_carries_on_instead_of_starting_again(stack, stack_settings):
    chat = Chat(stack_settings.rasa_url, "e2e-handback-chosen-again")
    chat.say("I want a copy of the information you hold about me")
    chat.say("myself")
    chat.say("Ann Example")
    chat.say("can I speak to a real person please")
    _resume(stack_settings, chat.sender)  # closed by staff: no carrying on until asked

    said = chat.say("I want a copy of the information you hold about me")
    assert "We were at: any previous names." in said, said
    assert requested_slot(stack_settings, chat.sender) == "previous_names"


def test_nothing_to_carry_on_after_a_hand_back_without_a_request(stack, stack_settings):
    chat = Chat(stack_settings.rasa_url, "e2e-handback-no-request")
    chat.say("can I speak to a real person please")
    _resume(stack_settings, chat.sender)
    assert _trigger_handed_back(stack_settings, chat.sender) == ""
    answer = chat.say("how much does it cost?").lower()
    assert "free" in answer or "fee" in answer, answer

"""A request made for someone else, answered as people really type: the real model and
action server through the REST channel, with wrong answers along the way.

Several of these answers ("I have lasting power of attorney", "the old photos ...") are
below the NLU fallback threshold out of context; inside the form they must still be taken as
answers, never turned into "did you mean ...?". Each wrong answer must be re-asked with its
reason, and the case must record who it is for, on what authority, and what to send."""
from __future__ import annotations

import pytest

from bot.cases.repository import CaseRepository
from bot.conversation.request_form import AUTHORITY_EVIDENCE
from tests.e2e.chat import Chat, requested_slot

pytestmark = pytest.mark.e2e

# (the question the form is waiting on, what the resident types, words the reply must contain)
CONVERSATION = [
    ("subject", "on behalf of my mum", ["right to act for them"]),  # "my mum": a parent
    ("authority", "I have lasting power of attorney", ["their full name"]),
    ("subject_name", "Margaret Jones", ["your full name"]),
    ("full_name", "David Jones", ["have they been known by any other names"]),
    ("previous_names", "no", ["their date of birth"]),
    ("date_of_birth", "next week", ["couldn't read that as a date"]),
    ("date_of_birth", "1st January 1850", ["that would make them 176 years old"]),
    ("date_of_birth", "14/07/1962", ["address"]),
    ("address", "14 Park Road, Chester", ["postcode"]),
    ("postcode", "CH99 ZZZ", ["doesn't look like a UK postcode"]),
    ("postcode", "CH1 2NP", ["email"]),
    ("email", "david@@example.com", ["more than one @"]),
    ("email", "david.jones@example.com", ["phone"]),
    ("phone", "0123", ["too short"]),
    ("phone", "07700 900456", []),
    ("erasure_what", "the old photos and notes on her adult social care file", []),
    ("erasure_ground", "she no longer uses the service so you don't need it", []),
    ("response_format", "by email", []),
    ("id_document", "driving licence", []),
    ("address_document", "council tax bill", ["Margaret Jones", "14 July 1962", "CH1 2NP"]),
]


def test_erasure_for_a_parent_by_power_of_attorney_with_wrong_answers(stack, stack_settings):
    sender = "e2e-on-behalf-attorney"
    chat = Chat(stack_settings.rasa_url, sender)
    opening = chat.say("please delete all the information you hold about my mother")
    assert "about you, or are you asking for someone else" in opening

    for slot, text, expected in CONVERSATION:
        assert requested_slot(stack_settings, sender) == slot, (slot, chat.replies[-1])
        reply = chat.say(text)
        assert "did you mean" not in reply.lower(), (text, reply)
        for words in expected:
            assert words.lower() in reply.lower(), (text, words, reply)

    assert requested_slot(stack_settings, sender) == "confirmed"
    logged = chat.say("yes that's all correct")
    assert "DPA-" in logged, logged
    assert AUTHORITY_EVIDENCE["power_of_attorney"] in logged

    [case] = CaseRepository.from_url(stack_settings.database_url).list_cases(
        conversation_id=sender)
    assert case.request_type == "request_erasure"
    assert case.reference in logged
    assert case.on_behalf and case.requires_authority
    assert case.subject_name == "Margaret Jones" and case.full_name == "David Jones"
    assert case.relationship == "parent" and case.authority == "power_of_attorney"  # from "my mum"
    assert case.date_of_birth.isoformat() == "1962-07-14"
    assert case.postcode == "CH1 2NP" and case.email == "david.jones@example.com"
    assert case.phone and case.phone.replace(" ", "").endswith("7700900456")
    assert case.status == "awaiting_id" and case.due_on is None
    assert {"id", "authority"} <= set(case.waiting_for)

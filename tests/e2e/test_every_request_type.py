"""Every request type can be completed through the REST channel with the real model and
action server: the test answers whatever question the form asks next (read from the
tracker's requested_slot), as a resident would, and finds the case logged."""
from __future__ import annotations

import pytest

from bot.cases.repository import CaseRepository
from bot.cases.vocabulary import REQUEST_TYPES
from tests.e2e.chat import Chat, requested_slot

pytestmark = pytest.mark.e2e

OPENERS = {  # the same openers as the test stories (tests/test_requests.yml)
    "request_access": "I'd like a copy of all the records the council has about me",
    "request_erasure": "please delete all the information you hold about me",
    "request_rectification": "my date of birth is wrong on my council tax account and needs correcting",
    "request_restriction": "please stop using my data until you've checked it is accurate",
    "object_processing": "I object to the council processing my personal data for research",
    "request_portability": "I want my data in a machine readable format so I can move it to another provider",
    "object_automated_decision": "a computer decided my application and I want a human to look at it",
    "stop_direct_marketing": "stop sending me marketing emails",
}

ANSWERS = {
    "subject": "someone else",
    "relationship": "my daughter",
    "authority": "parental responsibility",
    "subject_name": "Amy Smith",
    "full_name": "Jane Smith",
    "previous_names": "Jane Taylor",
    "date_of_birth": "5th June 2012",
    "address": "12 High Street, Chester CH1 2NP",
    "postcode": "CH1 2NP",
    "email": "jane.smith@example.com",
    "phone": "07700 900123",
    "previous_addresses": "none",
    "access_what": "her school and social care records",
    "access_period": "2018 to 2024",
    "erasure_what": "the photos on her school file",
    "erasure_ground": "I withdraw my consent",
    "rectification_wrong": "the address on her council tax account",
    "rectification_correct": "Flat 2, 12 High Street",
    "restriction_what": "her housing records",
    "restriction_reason": "the data is inaccurate",
    "objection_what": "using her details for research surveys",
    "objection_grounds": "it causes her distress to be contacted",
    "portability_what": "the details she gave in her application",
    "portability_destination": "to me",
    "decision_what": "the school transport decision in September",
    "decision_concern": "have a person review it",
    "marketing_channels": "emails and texts",
    "response_format": "electronic",
    "id_document": "passport",
    "address_document": "utility bill",
    "confirmed": "/affirm",
}


@pytest.mark.parametrize("request_type", REQUEST_TYPES)
def test_request_type_can_be_completed(stack, stack_settings, request_type):
    sender = f"e2e-every-{request_type}"
    chat = Chat(stack_settings.rasa_url, sender)
    chat.say(OPENERS[request_type])
    asked: list[str] = []
    for _ in range(40):
        slot = requested_slot(stack_settings, sender)
        if slot is None:
            break
        asked.append(slot)
        chat.say(ANSWERS[slot])
    assert asked and asked[-1] == "confirmed", asked
    assert len(asked) == len(set(asked)), f"a question was asked twice: {asked}"
    [case] = CaseRepository.from_url(stack_settings.database_url).list_cases(
        conversation_id=sender)
    assert case.request_type == request_type
    assert case.on_behalf and case.subject_name == "Amy Smith"
    assert case.reference in chat.replies[-1][0]["text"]

"""The status-check and handoff steps of a request, for the fault tests of both kinds.

A status check needs a case to look up: :func:`seed_case` logs one straight into the fault
stack's database (as if a resident had made it earlier), and the resident gives its
reference and email. A handoff is a resident asking for a person; what staff see of it is
checked through the real console (:class:`tests.faults.conftest.Officer`) and the queue
table (``dpa_handoffs``).
"""
from __future__ import annotations

import secrets
from datetime import datetime, timezone

from bot.cases.new_case import NewCase
from bot.cases.repository import CaseRepository
from bot.chat.handoffs import WAITING, HandoffRecord, HandoffStore
from bot.config import Settings

# What the assistant says when the handoff is recorded (utter_handoff_started), when it is
# kept in the outbox (HANDOFF_QUEUED_TEXT), and when the status store cannot be read.
HANDOFF_STARTED = "I've asked a member of our data protection team to join this chat"
HANDOFF_QUEUED = "Our systems are busy just now, so it may take longer than usual"
STORE_UNAVAILABLE = "I can't look up requests just now"
NOT_MATCHED = "I couldn't find a request that matches those details"
ASK_IDENTITY = "please also give the email address or the date of birth"
ASK_PERSON, ASK_PERSON_SHOWN = "/request_human", "Talk to a person"
CHECK_STATUS, CHECK_STATUS_SHOWN = "/check_case_status", "Check on my request"


def seed_case(settings: Settings) -> tuple[str, str]:
    """A logged request to check on: its reference and the email it was made with."""
    email = f"check-{secrets.token_hex(3)}@example.org"
    case = CaseRepository.from_url(settings.database_url).create_case(
        NewCase(request_type="request_access", full_name="Ann Checker", email=email,
                requires_id=False),
        received_at=datetime.now(timezone.utc),
    )
    return case.reference, email


def status_answer(reference: str) -> str:
    """How the status reply begins (bot.conversation.wording.case_status_message)."""
    return f"Request {reference}: "


def claims_handoff(text: str) -> bool:
    """Whether something the resident was shown says staff were asked to join."""
    return HANDOFF_STARTED in text


def handoffs_of(settings: Settings, conversation_id: str) -> list[HandoffRecord]:
    return HandoffStore.from_url(settings.database_url).for_conversation(conversation_id)


def one_waiting_handoff(settings: Settings, conversation_id: str) -> HandoffRecord:
    """Exactly one handoff for the conversation, waiting for staff."""
    handoffs = handoffs_of(settings, conversation_id)
    assert len(handoffs) == 1, handoffs
    assert handoffs[0].status == WAITING
    return handoffs[0]

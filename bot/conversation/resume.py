"""Carrying on with a request after an interruption: where the resident was, in words.

A resident who asks for a person halfway through a request keeps every answer: the form is
switched off while staff have the chat, and the slots stay on the tracker. When staff hand
back (or the resident chooses the same request again) the assistant says where they were
and the form asks the pending question. Pure logic: the actions (``actions/handoff.py``,
``actions/requests.py``) and the staff console's "request so far" panel both use it.
"""
from __future__ import annotations

from collections.abc import Mapping

from bot.conversation.request_form import ALL_FORM_SLOTS, required_slots

# The question still to answer, as the resident would name it ("We were at: ...").
PENDING_WORDS: Mapping[str, str] = {
    "subject": "who the request is about",
    "relationship": "who the person is to you",
    "authority": "what lets you act for them",
    "subject_name": "their full name",
    "full_name": "your full name",
    "previous_names": "any previous names",
    "date_of_birth": "the date of birth",
    "address": "the address",
    "postcode": "the postcode",
    "email": "your email address",
    "phone": "your phone number",
    "previous_addresses": "any previous addresses",
    "access_what": "what information you want",
    "access_period": "the period to search",
    "erasure_what": "what to delete",
    "erasure_ground": "why it should be deleted",
    "rectification_wrong": "what is wrong",
    "rectification_correct": "what it should say",
    "restriction_what": "what to stop using",
    "restriction_reason": "why we should pause using it",
    "objection_what": "what you object to",
    "objection_grounds": "your reasons",
    "portability_what": "which information to transfer",
    "portability_destination": "where to send it",
    "decision_what": "which decision it is about",
    "decision_concern": "what you would like us to do",
    "marketing_channels": "which marketing to stop",
    "response_format": "how you would like the response",
    "id_document": "the proof of identity you will send",
    "address_document": "the proof of address you will send",
    "confirmed": "checking your answers before we send the request",
    "change_field": "which answer to change",
}


def pending_question(request_type: str | None, slots: Mapping[str, object]) -> str | None:
    """The first question of this request's plan still unanswered (what the form asks
    next), or None when there is no request or nothing is left to ask."""
    for slot in required_slots(request_type, slots):
        if slots.get(slot) is None:
            return slot
    return None


def answered(request_type: str | None, slots: Mapping[str, object]) -> list[str]:
    """The questions of this request already answered, in the order they were asked."""
    return [slot for slot in required_slots(request_type, slots)
            if slot not in ("confirmed", "change_field") and slots.get(slot) is not None]


def has_answers(slots: Mapping[str, object]) -> bool:
    """Whether any question of a request was answered (so there is something to keep)."""
    return any(slots.get(slot) is not None for slot in ALL_FORM_SLOTS
               if slot not in ("confirmed", "change_field"))


def pending_words(slot: str) -> str:
    return PENDING_WORDS.get(slot, slot.replace("_", " "))


def carry_on_message(request_label: str, slot: str | None) -> str:
    """What the assistant says when it carries on with a request (the form then asks the
    pending question itself)."""
    opening = f"Let's carry on with your request: {request_label}. Your answers so far are kept."
    if slot is None:
        return opening
    return f"{opening} We were at: {pending_words(slot)}."


def request_logged_by_staff_message(reference: str | None) -> str:
    if reference:
        return (f"The member of staff logged your request for you: your reference is "
                f"{reference}. Is there anything else I can help with?")
    return ("The member of staff logged your request for you. "
            "Is there anything else I can help with?")


REQUEST_CANCELLED_BY_STAFF_TEXT = (
    "The member of staff cancelled the request you were making, so nothing was sent. "
    "Is there anything else I can help with?"
)

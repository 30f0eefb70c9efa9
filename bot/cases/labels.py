"""The words staff read for every stored code: statuses, requests, events, documents, chats.

One home for them, used by the console's template filters, the CSV export and the printable
page. The codes themselves stay in the database and in the JSON export (the contract other
systems read); the widget speaks to residents in its own words (``bot.conversation``), and
the document and format choices are the form's own labels, so a resident and an officer
name the same passport the same way.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from bot.conversation.intent_labels import INTENT_LABELS
from bot.conversation.request_form import CHOICES, FIELD_LABELS
from bot.rules.deadlines import plain_date

STATUS_LABELS: dict[str, str] = {
    "awaiting_id": "Awaiting proof of identity",
    "awaiting_address": "Awaiting proof of address",
    "awaiting_authority": "Awaiting authority",
    "awaiting_fee": "Awaiting fee",
    "clock_running": "Clock running",
    "clarification_requested": "Clarification requested",
    "extended": "Extended",
    "completed": "Completed",
    "refused": "Refused",
    "withdrawn": "Withdrawn",
}
CLOSED_STATUSES = ("completed", "refused", "withdrawn")

# Request types as an officer names them (the widget's INTENT_LABELS speak as the resident).
REQUEST_LABELS: dict[str, str] = {
    "request_access": "Subject access (a copy of their information)",
    "request_erasure": "Erasure (delete their information)",
    "request_rectification": "Rectification (correct their information)",
    "request_restriction": "Restriction (pause the use of their information)",
    "object_processing": "Objection to processing",
    "request_portability": "Data portability",
    "object_automated_decision": "Challenge to an automated decision",
    "stop_direct_marketing": "Stop direct marketing",
}

EVENT_LABELS: dict[str, str] = {
    "created": "Case logged",
    "received": "Request received",
    "id_received": "Proof of identity checked",
    "address_received": "Proof of address checked",
    "authority_received": "Authority received",
    "fee_requested": "Fee asked for",
    "fee_received": "Fee received",
    "clarification_requested": "Clarification asked for",
    "clarification_received": "Clarification received",
    "extended": "Extended by two months",
    "completed": "Completed",
    "refused": "Refused",
    "withdrawn": "Withdrawn",
    "note": "Note",
    "viewed": "Viewed",
    "details_changed": "Details corrected",
    "assigned": "Assigned",
}

WAITING_LABELS: dict[str, str] = {
    "id": "proof of identity",
    "address": "proof of address",
    "authority": "evidence of authority",
    "fee": "fee",
    "clarification": "clarification",
}

# The requester's details staff may correct, in the order the case page shows them.
DETAIL_LABELS: dict[str, str] = {
    "full_name": "Name",
    "previous_names": "Previous names",
    "date_of_birth": "Date of birth",
    "address": "Address",
    "postcode": "Postcode",
    "previous_addresses": "Previous addresses",
    "email": "Email",
    "phone": "Phone",
}

# Choices the form offers whose own label speaks as the resident ("My child").
_STAFF_CHOICES: dict[str, dict[str, str]] = {
    "subject": {"self": "The resident", "other": "Someone else (the resident acts for them)"},
    "relationship": {"child": "Their child", "parent": "Their parent",
                     "partner": "Their partner", "client": "Their client",
                     "relative": "A relative", "other": "Someone else"},
    "authority": {"signed_consent": "Signed consent"},
}

# Live chats: why a person was asked for (the assistant stores words or an intent name) and
# where the handoff stands.
HANDOFF_REASONS: dict[str, str] = {
    "request_human": "Asked for a person",
    "asked for a person": "Asked for a person",
    "make_complaint": "Complaint",
    "complaint": "Complaint",
    "nlu_fallback": "Repeated misunderstanding",
    "repeated misunderstanding": "Repeated misunderstanding",
    "case_logging_failed": "The case could not be logged",
    "the case could not be logged": "The case could not be logged",
}
HANDOFF_STATUSES: dict[str, str] = {
    "waiting": "Waiting for a person",
    "claimed": "With a member of staff",
    "closed": "Closed",
    "returned": "Handed back to the assistant",
}

# Complaints made in chat (bot/cases/complaints.py).
COMPLAINT_STATUSES: dict[str, str] = {
    "new": "New",
    "in_progress": "Being looked into",
    "resolved": "Resolved",
}

# Intents staff see in a transcript ("what the assistant understood").
_INTENT_WORDS = {"inform": "Giving details", "nlu_fallback": "Not understood",
                 "affirm": "Yes", "deny": "No", "skip": "Skip"}


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, _words(status))


def request_label(request_type: str) -> str:
    return REQUEST_LABELS.get(request_type, _words(request_type))


def event_label(kind: str) -> str:
    return EVENT_LABELS.get(kind, _words(kind))


def waiting_words(waiting_for: Iterable[str]) -> str:
    return ", ".join(WAITING_LABELS.get(w, w) for w in waiting_for) or "nothing"


def choice_label(slot: str, value: object) -> str:
    """A stored choice (``passport``, ``electronic``, ``power_of_attorney``) in words."""
    if value is None or value == "":
        return ""
    text = str(value)
    staff = _STAFF_CHOICES.get(slot, {})
    if text in staff:
        return staff[text]
    for choice in CHOICES.get(slot, ()):
        if choice.value == text:
            return choice.label
    return text


# The form's labels that speak to the resident ("Your full name"), as staff read them.
_STAFF_FIELDS: dict[str, str] = {
    "subject": "Who the request is about",
    "relationship": "Relationship to the resident",
    "authority": "Authority to act for them",
    "subject_name": "Name of the person it is about",
    "full_name": "Name",
    "objection_what": "What they object to",
    "objection_grounds": "Their reasons",
    "decision_concern": "Their concern",
    "response_format": "Response format",
    "id_document": "Proof of identity to send",
    "address_document": "Proof of address to send",
}


def answer_label(key: str) -> str:
    """The question an answer (``erasure_ground``) replied to, as staff read it."""
    return _STAFF_FIELDS.get(key) or FIELD_LABELS.get(key, _words(key))


def answer_value(key: str, value: object) -> str:
    return choice_label(key, value) if key in CHOICES else str(value)


def intent_label(intent: str) -> str:
    return _INTENT_WORDS.get(intent) or INTENT_LABELS.get(intent) or _words(intent)


def intent_labels() -> dict[str, str]:
    """Every intent's label, for the live transcript's script (it gets codes from the hub)."""
    return {intent: intent_label(intent) for intent in (*INTENT_LABELS, *_INTENT_WORDS)}


def handoff_reason(reason: str) -> str:
    return HANDOFF_REASONS.get(reason.strip().lower(), reason)


def handoff_status(status: str, claimed_by: str | None = None) -> str:
    if status == "claimed" and claimed_by:
        return f"With {claimed_by}"
    return HANDOFF_STATUSES.get(status, _words(status))


def complaint_status(status: str) -> str:
    return COMPLAINT_STATUSES.get(status, _words(status))


def day_label(day: date | None, empty: str = "—") -> str:
    """A date in words (``Tue 10 Mar 2026``); the one format of every page and message."""
    return empty if day is None else plain_date(day)


def yes_no(value: bool | None) -> str:
    return "" if value is None else ("Yes" if value else "No")


def _words(code: str) -> str:
    """A code nobody gave a label yet, at least without underscores."""
    return code.replace("_", " ").capitalize()

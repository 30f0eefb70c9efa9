"""Plain-English labels for intents: the "did you mean ...?" buttons and the staff console.

Names are the interface from intents.md; labels are what a resident reads.
"""
from __future__ import annotations

INTENT_LABELS: dict[str, str] = {
    "request_access": "Get a copy of my information",
    "request_erasure": "Delete my information",
    "request_rectification": "Correct my information",
    "request_restriction": "Pause the use of my information",
    "object_processing": "Object to how my information is used",
    "request_portability": "Get my data in a portable format",
    "object_automated_decision": "Challenge an automated decision",
    "stop_direct_marketing": "Stop direct marketing",
    "ask_rights": "What are my rights?",
    "ask_cost": "Does it cost anything?",
    "ask_deadline": "How long do you have to reply?",
    "ask_id_requirements": "What ID do I need?",
    "ask_response_format": "What format will I get it in?",
    "ask_on_behalf": "Asking for someone else",
    "ask_what_data_held": "What information do you collect?",
    "ask_why_collect": "Why do you collect it?",
    "ask_lawful_basis": "What is your legal reason?",
    "ask_data_sharing": "Who do you share it with?",
    "ask_international_transfer": "Is it sent outside the UK?",
    "ask_retention": "How long do you keep it?",
    "ask_security": "How do you keep it safe?",
    "ask_exemptions": "What can you withhold?",
    "ask_cookies": "Cookies on the website",
    "make_complaint": "Make a complaint",
    "contact_dpo": "Contact the Data Protection Officer",
    "check_case_status": "Check on my request",
    "request_human": "Talk to a person",
    "greet": "Say hello",
    "goodbye": "End the chat",
    "thank": "Say thanks",
    "affirm": "Yes",
    "deny": "No",
    "bot_challenge": "Am I talking to a bot?",
    "out_of_scope": "Something else",
    "inform": "Give details",
    "cancel": "Cancel",
    "ask_why_needed": "Why do you need this?",
    "skip": "Skip",
}

# Intents never offered as a guess: they mean nothing without context (or, like
# EXTERNAL_handed_back, are injected by the hub and never typed).
NOT_SUGGESTED = frozenset({"nlu_fallback", "inform", "affirm", "deny", "skip", "cancel",
                           "out_of_scope", "EXTERNAL_handed_back"})


def label(intent: str) -> str:
    return INTENT_LABELS.get(intent, intent.replace("_", " ").capitalize())


def likeliest_intents(ranking: list[dict], count: int = 2) -> list[str]:
    """The ``count`` most likely meaningful intents from Rasa's intent ranking."""
    ordered = sorted(ranking, key=lambda item: item.get("confidence", 0.0), reverse=True)
    names = [item["name"] for item in ordered if item.get("name") not in NOT_SUGGESTED]
    return names[:count]

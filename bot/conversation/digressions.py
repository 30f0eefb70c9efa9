"""Tell an answer to the form's question from a question asked in the middle of a form.

A resident filling in a request may ask "why do you need my date of birth?" or "how much
does this cost?". The form captures every message as the answer to its question, so its
validator asks this module whether the message was really a question, and which answer
to give before asking again.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Intents whose answer is a response named utter_answer_<intent> (or, for ask_deadline,
# computed dates); check_case_status and request_human are handled outside the form.
QUESTION_INTENTS = frozenset({
    "ask_rights", "ask_cost", "ask_deadline", "ask_id_requirements", "ask_response_format",
    "ask_on_behalf", "ask_what_data_held", "ask_why_collect", "ask_lawful_basis",
    "ask_data_sharing", "ask_international_transfer", "ask_retention", "ask_security",
    "ask_exemptions", "ask_cookies", "make_complaint", "contact_dpo",
})
WHY_NEEDED = "ask_why_needed"
WHY_COLLECT = "ask_why_collect"
OTHER_DIGRESSIONS = frozenset({"bot_challenge", "check_case_status"})

_QUESTION_START = re.compile(
    r"^\s*(why|what|how|when|who|where|which|can|could|do|does|did|is|are|will|would|"
    r"should|shall|may|must|have|has)\b",
    re.IGNORECASE,
)


# "why do you need my data?" means two things. Outside a form it asks why the council
# processes personal data (ask_why_collect, its general answer). In the middle of a form it
# asks why *this question* is asked, so it gets the question's own reason (ask_why_needed,
# utter_why_<slot>), whichever of the two the model chose. "What do you use my data for?"
# mid-form, with no word of needing or asking, keeps the general answer.
_ASKS_WHY_THIS_QUESTION = re.compile(
    r"\b(need|needs|needed|want|wants|ask|asking|asked|require|requires|required|"
    r"necessary|have to|got to|must|for what|what for)\b"
    r"|\bwhat(?:'?s| is)\s+(?:that|this)\b|\bwhy\s+(?:that|this)\b|^\s*why\s*\?*\s*$",
    re.IGNORECASE,
)


def meaning_mid_form(intent: str | None, text: str) -> str | None:
    """The intent a question has when it is asked in the middle of a form."""
    if intent == WHY_COLLECT and _ASKS_WHY_THIS_QUESTION.search(text):
        return WHY_NEEDED
    return intent


def meaning_outside_form(intent: str | None) -> str | None:
    """The intent a question has outside a form: with no form question pending, "why do
    you need that?" can only be about the council's reasons in general."""
    return WHY_COLLECT if intent == WHY_NEEDED else intent


def looks_like_question(text: str) -> bool:
    return text.rstrip().endswith("?") or bool(_QUESTION_START.match(text))


@dataclass(frozen=True)
class Digression:
    """The message was a question: answer it (intent), then ask the form's question again."""

    intent: str


def detect_digression(
    intent: str | None,
    confidence: float,
    text: str,
    *,
    answer_was_valid: bool,
    free_text: bool,
    threshold: float = 0.6,
    free_text_threshold: float = 0.8,
) -> Digression | None:
    """Decide whether a form answer was in fact a question to answer first.

    A valid structured answer (a real date, email, postcode, ...) is never a digression,
    however the classifier labelled it. A free-text answer ("all my housing records") is a
    digression only when it is also phrased as a question, so details that mention costs or
    sharing are not mistaken for questions.
    """
    if intent is None or answer_was_valid and not free_text:
        return None
    intent = meaning_mid_form(intent, text)
    if intent not in QUESTION_INTENTS | OTHER_DIGRESSIONS | {WHY_NEEDED}:
        return None
    if free_text:
        if confidence >= free_text_threshold and looks_like_question(text):
            return Digression(intent)
        return None
    if confidence >= threshold or looks_like_question(text):
        return Digression(intent)
    return None

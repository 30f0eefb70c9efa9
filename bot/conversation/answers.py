"""Reading one answer to a request question: the canonical values it sets, or the problem.

The one reader of answers, used by the chat form's validator (``actions/forms.py``) and by
the staff console when an officer finishes a request for a resident
(``bot/staff/views/handoff_request.py``), so both accept and refuse exactly the same
answers, with the same reasons. Pure (no Rasa): ``slots`` are the answers given so far.
The summary's own questions (``confirmed``, ``change_field``) need the classifier's intent
and stay with the form.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from bot.conversation.request_form import CHOICES, OPTIONAL_SLOTS, read_choice
from bot.conversation.validation.checked import Checked
from bot.conversation.validation.dates import check_date_of_birth
from bot.conversation.validation.email import check_email
from bot.conversation.validation.names import check_full_name
from bot.conversation.validation.phone import check_uk_phone
from bot.conversation.validation.postcode import check_uk_postcode, extract_uk_postcode
from bot.conversation.validation.skip import is_skip_answer

NAME_SLOTS = frozenset({"full_name", "subject_name"})
FREE_TEXT_SLOTS = frozenset({
    "access_what", "access_period", "erasure_what", "rectification_wrong",
    "rectification_correct", "restriction_what", "objection_what", "objection_grounds",
    "portability_what", "portability_destination", "decision_what", "decision_concern",
    "marketing_channels", "previous_names", "previous_addresses",
})
STRUCTURED_CHECKS: dict[str, Callable[[str], Checked]] = {
    "date_of_birth": check_date_of_birth,
    "email": check_email,
    "phone": check_uk_phone,
    "postcode": check_uk_postcode,
}
NOT_GIVEN = "not given"
UNCLEAR_CHOICE = "Sorry, I didn't catch which one you meant. Please choose one of the options."
NO_CONTACT_LEFT = ("We need a way to contact you: please give a phone number, "
                   "as you skipped the email address.")

SlotResult = dict[str, Any]


def read_answer(slot: str, text: str, slots: Mapping[str, Any]) -> tuple[SlotResult, str | None]:
    """(slot values to set, problem) for one answer; problem is None when usable."""
    text = text.strip()
    if slot in OPTIONAL_SLOTS and is_skip_answer(text):
        return {slot: "none"}, None
    if slot == "subject":
        return read_subject(text)
    if slot in CHOICES:
        choice = read_choice(slot, text)
        if choice is None:
            return {}, UNCLEAR_CHOICE
        return {slot: choice}, None
    if slot in NAME_SLOTS:
        checked = check_full_name(text)
        return ({slot: checked.value}, None) if checked.ok else ({}, checked.problem)
    if slot == "email":
        if is_skip_answer(text):
            # Without an email the phone becomes the only contact: ask it again if it
            # was skipped before (e.g. the email was changed to "skip" at the summary).
            values: SlotResult = {slot: NOT_GIVEN}
            if slots.get("phone") in ("none", NOT_GIVEN):
                values["phone"] = None
            return values, None
        checked = check_email(text)
        return ({slot: checked.value}, None) if checked.ok else ({}, checked.problem)
    if slot == "phone" and is_skip_answer(text):
        if slots.get("email") not in (None, NOT_GIVEN):
            return {slot: "none"}, None
        return {}, NO_CONTACT_LEFT
    if slot in STRUCTURED_CHECKS:
        structured: Checked[Any]
        if slot == "date_of_birth":  # reasons worded for whoever the request is about
            structured = check_date_of_birth(text, them=slots.get("subject") == "other")
        else:
            structured = STRUCTURED_CHECKS[slot](text)
        if not structured.ok:
            return {}, structured.problem
        value = structured.value
        stored = value.isoformat() if isinstance(value, date) else value
        return {slot: stored}, None
    if slot == "address":
        return read_address(text)
    if len(text) < 2:
        return {}, "Please tell me a little more, in a few words."
    return {slot: text[:2000]}, None


def read_subject(text: str) -> tuple[SlotResult, str | None]:
    """Who the request is about; "for my mum" also answers the relationship question,
    and "a friend" is someone else even without the words."""
    subject = read_choice("subject", text)
    relationship = read_choice("relationship", text)
    if subject is None and relationship is not None:
        subject = "other"
    if subject is None:
        return {}, UNCLEAR_CHOICE
    values: SlotResult = {"subject": subject}
    if subject == "other" and relationship not in (None, "other"):
        values["relationship"] = relationship
    return values, None


def read_address(text: str) -> tuple[SlotResult, str | None]:
    if len(text) < 5 or not any(ch.isalpha() for ch in text):
        return {}, "Please type your full address, for example 12 High Street, Chester."
    # A postcode inside the address answers the postcode question too; a new address
    # without one clears the old postcode so that it is asked again.
    postcode = extract_uk_postcode(text)
    return {"address": text[:500], "postcode": postcode}, None

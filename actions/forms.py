"""Validation of the request form: which questions, and whether each answer can be used.

The plan of questions and the reading of answers live in ``bot`` (pure, unit-tested); this
module only turns them into Rasa events and messages. Every message typed while the form is
active reaches the requested slot (``from_text``), so questions asked mid-form
("why do you need my date of birth?") are recognised here, answered, and the form's
question asked again.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.answers import answer_every_question
from bot.conversation.digressions import detect_digression
from bot.conversation.request_form import (
    ALL_FORM_SLOTS,
    CHOICES,
    OPTIONAL_SLOTS,
    changeable_fields,
    read_choice,
    read_field_choice,
    required_slots,
)
from bot.conversation.validation.checked import Checked
from bot.conversation.validation.dates import check_date_of_birth
from bot.conversation.validation.email import check_email
from bot.conversation.validation.names import check_full_name
from bot.conversation.validation.phone import check_uk_phone
from bot.conversation.validation.postcode import check_uk_postcode, extract_uk_postcode
from bot.conversation.validation.skip import is_skip_answer

# How each slot's answer is read.
NAME_SLOTS = {"full_name", "subject_name"}
FREE_TEXT_SLOTS = {
    "access_what", "access_period", "erasure_what", "rectification_wrong",
    "rectification_correct", "restriction_what", "objection_what", "objection_grounds",
    "portability_what", "portability_destination", "decision_what", "decision_concern",
    "marketing_channels", "previous_names", "previous_addresses",
}
STRUCTURED_CHECKS: dict[str, Callable[[str], Checked]] = {
    "date_of_birth": check_date_of_birth,
    "email": check_email,
    "phone": check_uk_phone,
    "postcode": check_uk_postcode,
}
NOT_GIVEN = "not given"
UNCLEAR_CHOICE = "Sorry, I didn't catch which one you meant. Please choose one of the options."
MAX_FAILURES_BEFORE_HELP = 2
# After this many answers to one question that could not be used, the same help is not
# offered again: the resident is offered a person (who sees the answers so far) or to stop
# for now and finish another time, beside skipping where the question may be skipped.
MAX_FAILURES_BEFORE_OFFER = 3
# The summary and the choice of what to change can never be skipped: skipping them would
# end the form without a decision.
NEVER_SKIPPED = frozenset({"confirmed", "change_field"})

SlotResult = dict[str, Any]


def _latest_intent(tracker: Tracker) -> tuple[str | None, float]:
    intent = (tracker.latest_message or {}).get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


def _is_skip(text: str) -> bool:
    return is_skip_answer(text)


class ValidateRequestForm(FormValidationAction):
    """Asks what a request needs and checks each answer, re-asking with the reason."""

    def name(self) -> str:
        return "validate_request_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        return required_slots(tracker.get_slot("request_type"), tracker.slots)

    # -- the shared path every answer takes ---------------------------------------------

    async def _check(
        self,
        slot: str,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> SlotResult:
        text = str(value or "").strip()
        result, problem = self._read(slot, text, tracker)
        intent, confidence = _latest_intent(tracker)
        digression = detect_digression(
            intent,
            confidence,
            text,
            answer_was_valid=problem is None,
            # Names are checked loosely (any two words pass), so a question typed at the
            # name question must be recognised as a question, not stored as a name.
            free_text=slot in FREE_TEXT_SLOTS | NAME_SLOTS,
        )
        if digression is not None:
            await answer_every_question(digression.intent, text, dispatcher, domain, slot=slot)
            return {slot: None}
        if problem is None:
            return {**result, "failed_attempts": None}

        failures = int(tracker.get_slot("failed_attempts") or 0) + 1
        no_contact_left = slot == "phone" and tracker.get_slot("email") in (None, NOT_GIVEN)
        skippable = slot not in NEVER_SKIPPED and not no_contact_left
        if failures > MAX_FAILURES_BEFORE_HELP and _is_skip(text) and skippable:
            dispatcher.utter_message(response="utter_skipped_for_staff")
            return {slot: NOT_GIVEN, "failed_attempts": None}
        dispatcher.utter_message(text=problem)
        if failures >= MAX_FAILURES_BEFORE_OFFER:
            dispatcher.utter_message(
                response="utter_form_stuck" if skippable else "utter_form_stuck_no_skip")
        elif failures >= MAX_FAILURES_BEFORE_HELP:
            dispatcher.utter_message(response="utter_form_help")
        return {slot: None, "failed_attempts": failures}

    def _read(self, slot: str, text: str, tracker: Tracker) -> tuple[SlotResult, str | None]:
        """(slot values to set, problem) for one answer; problem is None when usable."""
        if slot in OPTIONAL_SLOTS and _is_skip(text):
            return {slot: "none"}, None
        if slot == "subject":
            return self._read_subject(text)
        if slot in CHOICES:
            choice = read_choice(slot, text)
            if choice is None:
                return {}, UNCLEAR_CHOICE
            return {slot: choice}, None
        if slot in NAME_SLOTS:
            checked = check_full_name(text)
            return ({slot: checked.value}, None) if checked.ok else ({}, checked.problem)
        if slot == "email":
            if _is_skip(text):
                # Without an email the phone becomes the only contact: ask it again if it
                # was skipped before (e.g. the email was changed to "skip" at the summary).
                values: SlotResult = {slot: NOT_GIVEN}
                if tracker.get_slot("phone") in ("none", NOT_GIVEN):
                    values["phone"] = None
                return values, None
            checked = check_email(text)
            return ({slot: checked.value}, None) if checked.ok else ({}, checked.problem)
        if slot == "phone":
            if _is_skip(text) and tracker.get_slot("email") not in (None, NOT_GIVEN):
                return {slot: "none"}, None
            if _is_skip(text):
                return {}, (
                    "We need a way to contact you: please give a phone number, "
                    "as you skipped the email address."
                )
        if slot in STRUCTURED_CHECKS:
            structured: Checked[Any]
            if slot == "date_of_birth":  # reasons worded for whoever the request is about
                structured = check_date_of_birth(
                    text, them=tracker.get_slot("subject") == "other")
            else:
                structured = STRUCTURED_CHECKS[slot](text)
            if not structured.ok:
                return {}, structured.problem
            value = structured.value
            stored = value.isoformat() if isinstance(value, date) else value
            return {slot: stored}, None
        if slot == "address":
            return self._read_address(text)
        if slot == "confirmed":
            return self._read_confirmation(text, tracker)
        if slot == "change_field":
            return self._read_change(text, tracker)
        if len(text) < 2:
            return {}, "Please tell me a little more, in a few words."
        return {slot: text[:2000]}, None

    @staticmethod
    def _read_subject(text: str) -> tuple[SlotResult, str | None]:
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

    @staticmethod
    def _read_address(text: str) -> tuple[SlotResult, str | None]:
        if len(text) < 5 or not any(ch.isalpha() for ch in text):
            return {}, "Please type your full address, for example 12 High Street, Chester."
        # A postcode inside the address answers the postcode question too; a new address
        # without one clears the old postcode so that it is asked again.
        postcode = extract_uk_postcode(text)
        return {"address": text[:500], "postcode": postcode}, None

    @staticmethod
    def _read_confirmation(text: str, tracker: Tracker) -> tuple[SlotResult, str | None]:
        intent, _ = _latest_intent(tracker)
        lowered = text.lower()
        if intent == "affirm" or lowered in ("yes", "y", "yes, send it", "correct"):
            return {"confirmed": True}, None
        if intent == "deny" or lowered in ("no", "n", "change something"):
            return {"confirmed": False}, None
        request_type = tracker.get_slot("request_type")
        field = read_field_choice(text, changeable_fields(request_type, tracker.slots))
        if field:  # "change my email" at the summary goes straight to that question
            return {"confirmed": None, field: None, "change_field": None}, None
        return {}, "Please choose \"Yes, send it\" or \"Change something\"."

    @staticmethod
    def _read_change(text: str, tracker: Tracker) -> tuple[SlotResult, str | None]:
        request_type = tracker.get_slot("request_type")
        field = read_field_choice(text, changeable_fields(request_type, tracker.slots))
        if field is None:
            return {}, "Which answer would you like to change? Please choose one of the buttons."
        values: SlotResult = {field: None, "change_field": None, "confirmed": None}
        if field == "subject":  # who it is about decides which other questions apply
            values.update({"relationship": None, "authority": None, "subject_name": None})
        return values, None


def _make_validator(slot: str) -> Callable[..., Awaitable[SlotResult]]:
    async def validate(
        self: ValidateRequestForm,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> SlotResult:
        return await self._check(slot, value, dispatcher, tracker, domain)

    validate.__name__ = f"validate_{slot}"
    validate.__doc__ = f"Check the answer to the {slot.replace('_', ' ')} question."
    return validate


for _slot in ALL_FORM_SLOTS:
    setattr(ValidateRequestForm, f"validate_{_slot}", _make_validator(_slot))

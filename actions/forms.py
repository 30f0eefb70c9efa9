"""Validation of the request form: which questions, and whether each answer can be used.

The plan of questions and the reading of answers live in ``bot`` (pure, unit-tested); this
module only turns them into Rasa events and messages. Every message typed while the form is
active reaches the requested slot (``from_text``), so questions asked mid-form
("why do you need my date of birth?") are recognised here, answered, and the form's
question asked again.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.answers import answer_every_question
from bot.conversation.answers import (
    FREE_TEXT_SLOTS,
    NAME_SLOTS,
    NOT_GIVEN,
    SlotResult,
    read_answer,
)
from bot.conversation.digressions import detect_digression
from bot.conversation.request_form import (
    ALL_FORM_SLOTS,
    changeable_fields,
    read_field_choice,
    required_slots,
)
from bot.conversation.validation.skip import is_skip_answer

MAX_FAILURES_BEFORE_HELP = 2
# After this many answers to one question that could not be used, the same help is not
# offered again: the resident is offered a person (who sees the answers so far) or to stop
# for now and finish another time, beside skipping where the question may be skipped.
MAX_FAILURES_BEFORE_OFFER = 3
# The summary and the choice of what to change can never be skipped: skipping them would
# end the form without a decision.
NEVER_SKIPPED = frozenset({"confirmed", "change_field"})


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
        latest_text = str((tracker.latest_message or {}).get("text") or "").strip()
        if value is not None and text and text != latest_text:
            # Not what the resident just typed: an answer accepted earlier, validated again
            # because the form came back (after a handoff, or the request chosen again).
            # It was read once already ("not given", an ISO date): keep it as it is.
            return {slot: value}
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
            await answer_every_question(digression.intent, text, dispatcher, domain, slot=slot,
                                        conversation_id=tracker.sender_id)
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
        if slot == "confirmed":
            return self._read_confirmation(text, tracker)
        if slot == "change_field":
            return self._read_change(text, tracker)
        return read_answer(slot, text, tracker.slots)

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

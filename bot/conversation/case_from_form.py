"""The case a completed request form describes, each answer read again as the form reads it.

The form checks every answer as the resident gives it, but the submitting action only sees
the tracker's slots, and a tracker can be written without the form (a forged call to the
action server). So before a case is stored every answer is checked again with the form's
own validators; one that does not pass refuses the whole case, rather than storing a
formula as a name or a date of birth from 1900.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from bot.cases.new_case import NewCase
from bot.conversation.request_form import CHOICES, needs_id, type_specific_answers
from bot.conversation.validation.checked import Checked
from bot.conversation.validation.dates import check_date_of_birth
from bot.conversation.validation.email import check_email
from bot.conversation.validation.names import check_full_name
from bot.conversation.validation.phone import check_uk_phone
from bot.conversation.validation.postcode import check_uk_postcode

# What the form stores for a question the resident skipped or declined.
NOT_ANSWERED = (None, "", "none", "not given")
# The form's limits on free text (actions/forms.py): at least a couple of characters.
MIN_FREE_TEXT = 2
MAX_FREE_TEXT = 2000
MIN_ADDRESS = 5
MAX_ADDRESS = 500

_CHECKS: dict[str, Callable[[str], Checked[Any]]] = {
    "full_name": check_full_name,
    "subject_name": check_full_name,
    "email": check_email,
    "phone": check_uk_phone,
    "postcode": check_uk_postcode,
}


class UnusableAnswer(ValueError):
    """A slot holds what the form would not have accepted; names the slot, never the value."""

    def __init__(self, slot: str) -> None:
        super().__init__(f"the {slot} answer is not one the form accepts")
        self.slot = slot


def new_case_from_form(slots: Mapping[str, Any], conversation_id: str) -> NewCase:
    """The case the form's answers describe; raises UnusableAnswer if any answer fails."""
    request_type = slots["request_type"]
    on_behalf = slots.get("subject") == "other"

    def given(name: str) -> Any:
        value = slots.get(name)
        if value in NOT_ANSWERED:
            return None
        return _recheck(name, value, them=on_behalf)

    return NewCase(
        request_type=request_type,
        full_name=given("full_name") or "not given",
        conversation_id=conversation_id,
        previous_names=given("previous_names"),
        date_of_birth=given("date_of_birth"),
        address=given("address"),
        postcode=given("postcode"),
        previous_addresses=given("previous_addresses"),
        email=given("email"),
        phone=given("phone"),
        on_behalf=on_behalf,
        subject_name=given("subject_name") if on_behalf else None,
        relationship=given("relationship") if on_behalf else None,
        authority=given("authority") if on_behalf else None,
        answers=type_specific_answers(request_type, slots),
        period=given("access_period"),
        services=given("access_what"),
        response_format="portable" if request_type == "request_portability"
        else given("response_format"),
        id_document=given("id_document"),
        address_document=given("address_document"),
        requires_id=needs_id(request_type),
        requires_address=needs_id(request_type),
    )


def _recheck(slot: str, value: Any, *, them: bool) -> Any:
    """The answer as the form would have stored it, or UnusableAnswer."""
    if not isinstance(value, str):
        raise UnusableAnswer(slot)
    if slot == "date_of_birth":
        return _date_of_birth(value, them=them)
    if slot in _CHECKS:
        checked = _CHECKS[slot](value)
        if not checked.ok:
            raise UnusableAnswer(slot)
        return checked.value
    if slot in CHOICES:
        if value not in {choice.value for choice in CHOICES[slot]}:
            raise UnusableAnswer(slot)
        return value
    text = value.strip()
    if slot == "address":
        if not MIN_ADDRESS <= len(text) <= MAX_ADDRESS or not any(ch.isalpha() for ch in text):
            raise UnusableAnswer(slot)
        return text
    if not MIN_FREE_TEXT <= len(text) <= MAX_FREE_TEXT:
        raise UnusableAnswer(slot)
    return text


def _date_of_birth(value: str, *, them: bool) -> date:
    checked = check_date_of_birth(value, them=them)
    if not checked.ok or checked.value is None:
        raise UnusableAnswer("date_of_birth")
    return checked.value

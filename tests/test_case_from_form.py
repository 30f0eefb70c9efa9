"""The case the request form's slots describe, each answer re-read with the form's validators."""
from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bot.conversation.case_from_form import UnusableAnswer, new_case_from_form

SLOTS: dict[str, Any] = {
    "request_type": "request_access",
    "subject": "self",
    "full_name": "Ada Lovelace",
    "previous_names": "none",
    "date_of_birth": "1984-03-03",
    "address": "12 High Street, Chester CH1 2NP",
    "postcode": "CH1 2NP",
    "email": "ada@example.org",
    "phone": "07700 900123",
    "previous_addresses": "3 Old Road, Chester",
    "access_what": "all my housing records",
    "access_period": "2015 to 2019",
    "response_format": "electronic",
    "id_document": "passport",
    "address_document": "council_tax_bill",
    "confirmed": True,
}


def test_answers_the_form_accepted_make_the_case_unchanged() -> None:
    case = new_case_from_form(SLOTS, "conv-1")
    assert (case.full_name, case.email, case.phone, case.postcode) == (
        "Ada Lovelace", "ada@example.org", "07700 900123", "CH1 2NP"
    )
    assert case.date_of_birth == date(1984, 3, 3)
    assert (case.services, case.period, case.previous_names) == (
        "all my housing records", "2015 to 2019", None
    )
    assert case.conversation_id == "conv-1" and case.requires_id and not case.on_behalf


def test_skipped_answers_are_not_given() -> None:
    slots = {**SLOTS, "date_of_birth": "not given", "email": "not given", "full_name": None}
    case = new_case_from_form(slots, "conv-1")
    assert case.date_of_birth is None and case.email is None
    assert case.full_name == "not given"


@pytest.mark.parametrize(
    "slot, value",
    [
        ("full_name", "=1+1"),
        ("full_name", "@SUM(A1)"),
        ("email", "=1+1"),
        ("date_of_birth", "1900-01-01"),
        ("date_of_birth", "2999-01-01"),
        ("phone", "+1 202 555 0100"),
        ("postcode", "not a postcode"),
        ("response_format", "fax"),
        ("id_document", "=1+1"),
        ("address", "=1"),
        ("access_what", "x"),
        ("access_what", "x" * 2001),
        ("email", 42),
    ],
)
def test_an_answer_the_form_would_refuse_refuses_the_case(slot: str, value: Any) -> None:
    with pytest.raises(UnusableAnswer) as raised:
        new_case_from_form({**SLOTS, slot: value}, "conv-1")
    assert raised.value.slot == slot
    assert str(raised.value) == f"the {slot} answer is not one the form accepts"  # no value


def test_someone_elses_details_are_checked_too() -> None:
    slots = {**SLOTS, "subject": "other", "subject_name": "=1+1", "relationship": "child",
             "authority": "parental_responsibility"}
    with pytest.raises(UnusableAnswer):
        new_case_from_form(slots, "conv-1")
    case = new_case_from_form({**slots, "subject_name": "Byron Lovelace"}, "conv-1")
    assert case.on_behalf and case.subject_name == "Byron Lovelace"

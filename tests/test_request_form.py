"""The request form's plan of questions and its reading of answers (pure logic)."""
from __future__ import annotations

import pytest

from bot.cases.vocabulary import REQUEST_TYPES
from bot.conversation.request_form import (
    ALL_FORM_SLOTS,
    CHOICES,
    DETAIL_SLOTS,
    FIELD_LABELS,
    changeable_fields,
    documents_to_send,
    read_choice,
    read_field_choice,
    required_slots,
    summary_lines,
)


def test_every_request_intent_has_a_plan():
    assert set(REQUEST_TYPES) == set(DETAIL_SLOTS)
    for request_type in REQUEST_TYPES:
        plan = required_slots(request_type, {})
        assert plan[0] == "subject"
        assert plan[-1] == "confirmed"
        assert all(slot in ALL_FORM_SLOTS for slot in plan)
        for slot in DETAIL_SLOTS[request_type]:
            assert slot in plan


def test_unknown_request_type_asks_nothing():
    assert required_slots(None, {}) == []
    assert required_slots("ask_cost", {}) == []


def test_acting_for_someone_else_adds_authority_questions():
    mine = required_slots("request_access", {"subject": "self"})
    theirs = required_slots("request_access", {"subject": "other"})
    assert "authority" not in mine and "relationship" not in mine
    assert theirs.index("relationship") < theirs.index("authority") < theirs.index("full_name")


def test_access_asks_previous_addresses_and_period():
    plan = required_slots("request_access", {"subject": "self"})
    assert {"previous_addresses", "access_what", "access_period"} <= set(plan)
    assert "previous_addresses" not in required_slots("request_erasure", {"subject": "self"})


def test_marketing_needs_no_id_nor_format():
    plan = required_slots("stop_direct_marketing", {"subject": "self"})
    assert "id_document" not in plan and "response_format" not in plan
    assert "marketing_channels" in plan


def test_portability_is_always_portable():
    plan = required_slots("request_portability", {"subject": "self"})
    assert "response_format" not in plan
    assert "portability_destination" in plan


def test_declining_the_summary_asks_what_to_change():
    plan = required_slots("request_erasure", {"subject": "self", "confirmed": False})
    assert plan[-1] == "change_field"


def test_every_asked_slot_has_a_summary_label():
    for request_type in REQUEST_TYPES:
        for slot in required_slots(request_type, {"subject": "other"}):
            if slot not in ("confirmed", "change_field"):
                assert slot in FIELD_LABELS


@pytest.mark.parametrize(
    ("slot", "text", "expected"),
    [
        ("subject", "myself", "self"),
        ("subject", "It's for me", "self"),
        ("subject", "someone else", "other"),
        ("subject", "for my son", "other"),
        ("relationship", "my daughter", "child"),
        ("relationship", "She's my mum", "parent"),
        ("relationship", "my client", "client"),
        ("relationship", "my brother", "relative"),
        ("authority", "I have lasting power of attorney", "power_of_attorney"),
        ("authority", "I'm his mother", "parental_responsibility"),
        ("authority", "she signed a consent form", "signed_consent"),
        ("response_format", "by email please", "electronic"),
        ("response_format", "a paper copy in the post", "paper"),
        ("response_format", "I'd like to come in to the office", "in_person"),
        ("response_format", "CSV file", "portable"),
        ("response_format", "paper", "paper"),
        ("id_document", "my passport", "passport"),
        ("id_document", "driving licence", "driving_licence"),
        ("address_document", "council tax bill", "council_tax_bill"),
        ("address_document", "a gas bill", "utility_bill"),
        ("address_document", "bank statement", "bank_statement"),
        ("address_document", "credit card statement", "credit_card_statement"),
        ("address_document", "HMRC letter", "hmrc_document"),
        ("erasure_ground", "I withdraw my consent", "consent_withdrawn"),
        ("erasure_ground", "you don't need it any more, no longer needed", "no_longer_needed"),
        ("restriction_reason", "the data is inaccurate", "accuracy_contested"),
    ],
)
def test_read_choice(slot, text, expected):
    assert read_choice(slot, text) == expected


@pytest.mark.parametrize("slot", sorted(CHOICES))
def test_button_payloads_and_labels_read_back(slot):
    for choice in CHOICES[slot]:
        assert read_choice(slot, choice.value) == choice.value
        assert read_choice(slot, choice.label) == choice.value


def test_unclear_choice_is_none():
    assert read_choice("id_document", "a library card") is None
    assert read_choice("response_format", "hmm") is None


def test_summary_reads_back_every_answer():
    slots = {"subject": "self", "full_name": "Jane Smith", "date_of_birth": "1984-03-03",
             "email": "jane@example.com", "response_format": "paper", "id_document": "passport"}
    lines = summary_lines("a copy of your information", "request_access", slots)
    assert lines[0] == "Request: a copy of your information"
    assert "Your full name: Jane Smith" in lines
    assert "Date of birth: 3 March 1984" in lines
    assert "How you'd like the response: Paper copy by post" in lines
    assert "Phone: not given" in lines
    assert not any(line.startswith("confirmed") for line in lines)


def test_change_field_by_button_or_words():
    fields = changeable_fields("request_access", {"subject": "self"})
    assert read_field_choice("email", fields) == "email"
    assert read_field_choice("I need to change my date of birth", fields) == "date_of_birth"
    assert read_field_choice("the postcode is wrong", fields) == "postcode"
    assert read_field_choice("banana", fields) is None


def test_documents_to_send():
    mine = documents_to_send("request_access", {"subject": "self", "id_document": "passport",
                                                 "address_document": "bank_statement"})
    assert mine == ["your passport", "your bank statement (up to 3 months old)"]
    theirs = documents_to_send("request_access", {"subject": "other", "authority": "power_of_attorney",
                                                   "id_document": "passport", "address_document": "tv_licence"})
    assert theirs[-1] == "the power of attorney"
    assert documents_to_send("stop_direct_marketing", {"subject": "self"}) == []

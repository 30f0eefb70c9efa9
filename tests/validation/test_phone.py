"""UK phone numbers (bot.conversation.validation.phone)."""
from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.conversation.validation.phone import check_uk_phone, extract_uk_phone
from tests.validation.support import assert_problem


@pytest.mark.parametrize(
    "text, phone",
    [
        ("07700 900123", "07700 900123"),
        ("07700900123", "07700 900123"),
        ("0770 0900 123", "07700 900123"),
        ("+44 7700 900123", "07700 900123"),
        ("+447700900123", "07700 900123"),
        ("+44 (0)7700 900123", "07700 900123"),
        ("+44 (0) 7700-900-123", "07700 900123"),
        ("+44 07700 900123", "07700 900123"),
        ("0044 7700 900123", "07700 900123"),
        ("447700900123", "07700 900123"),
        ("(0)7700 900123", "07700 900123"),
        ("01244 977100", "01244 977100"),
        ("(01244) 977100", "01244 977100"),
        ("01244-977-100", "01244 977100"),
        ("01244.977.100", "01244 977100"),
        ("+44 1244 977100", "01244 977100"),
        ("020 7946 0018", "020 7946 0018"),
        ("02079460018", "020 7946 0018"),
        ("0113 496 0000", "0113 496 0000"),
        ("0121 496 0018", "0121 496 0018"),
        ("015394 12345", "015394 12345"),  # a six-digit area code (Hawkshead)
        ("0169773456", "016977 3456"),  # ten digits (Brampton)
        ("0300 123 4567", "0300 123 4567"),
        ("0800 123456", "0800 123456"),
        ("0808 157 0000", "0808 157 0000"),
        ("my number is 07700 900123", "07700 900123"),
        ("call me on 01244 977100 after 5", "01244 977100"),
        ("01244 977100 ext 23", "01244 977100"),
    ],
)
def test_uk_phone_numbers_accepted_and_formatted(text: str, phone: str) -> None:
    checked = check_uk_phone(text)
    assert checked.ok, checked.problem
    assert checked.value == phone


@pytest.mark.parametrize(
    "text, key_words",
    [
        ("", ["doesn't look like a phone number"]),
        ("hello", ["doesn't look like a phone number", "07700 900123"]),
        ("0770O 900123", ["letter in it"]),
        ("my number is 07700 90012", ["mobile", "11 digits"]),
        ("01244 9771", ["too short", "10 or 11 digits"]),
        ("077009001234", ["too long", "10 or 11 digits"]),
        ("07700 90012", ["mobile", "11 digits"]),
        ("020 7946 001", ["02", "11 digits"]),
        ("0845 123 456", ["08", "11 digits"]),
        ("+33 1 23 45 67 89", ["outside the UK", "+44"]),
        ("0033 1 23 45 67 89", ["outside the UK"]),
        ("+1 212 555 0100", ["outside the UK"]),
        ("7700900123", ["0 at the start"]),
        ("0400 123 4567", ["don't start with 04"]),
        ("0609 123 4567", ["don't start with 06"]),
        ("0909 123 4567", ["premium-rate"]),
        ("07700 900123 or 01244 977100", ["just one"]),
    ],
)
def test_uk_phone_numbers_refused_with_the_reason(text: str, key_words: list[str]) -> None:
    assert_problem(check_uk_phone(text), *key_words)


@pytest.mark.parametrize(
    "text, phone",
    [
        ("call me on +44 (0) 1244 977100 after 5pm", "01244 977100"),
        ("ref 123, mobile 07700 900123", "07700 900123"),
        ("٠٧٧٠٠ ٩٠٠١٢٣", None),  # only 0-9 are dialled
        ("no number here", None),
        ("0909 123 4567", None),
    ],
)
def test_extract_uk_phone(text: str, phone: str | None) -> None:
    assert extract_uk_phone(text) == phone


@given(
    st.tuples(
        st.sampled_from("12345789"), st.text(alphabet=string.digits, min_size=8, max_size=8)
    ).map(lambda parts: "7" + "".join(parts)),
    st.sampled_from(["0{a} {b}", "+44 {a} {b}", "+44 (0){a} {b}", "0044-{a}-{b}", "(0{a}) {b}"]),
)
def test_any_mobile_in_any_usual_form_normalises_idempotently(digits: str, form: str) -> None:
    canonical = f"0{digits[:4]} {digits[4:]}"
    typed = form.format(a=digits[:4], b=digits[4:])
    assert check_uk_phone(typed).value == canonical
    assert check_uk_phone(canonical).value == canonical

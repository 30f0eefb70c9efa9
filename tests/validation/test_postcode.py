"""UK postcodes (bot.conversation.validation.postcode)."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.conversation.validation.postcode import check_uk_postcode, extract_uk_postcode
from tests.validation.support import assert_problem


@pytest.mark.parametrize(
    "text, postcode",
    [
        ("ch12np", "CH1 2NP"),
        ("CH1 2NP", "CH1 2NP"),
        ("  ch1   2np ", "CH1 2NP"),
        ("12 High St, Chester CH1 2NP", "CH1 2NP"),
        ("my postcode is ch4 7ab thanks", "CH4 7AB"),
        ("M1 1AE", "M1 1AE"),  # A9
        ("B33 8TH", "B33 8TH"),  # A99
        ("CR2 6XH", "CR2 6XH"),  # AA9
        ("DN55 1PT", "DN55 1PT"),  # AA99
        ("W1A 0AX", "W1A 0AX"),  # A9A
        ("EC1A 1BB", "EC1A 1BB"),  # AA9A
        ("sw1a1aa", "SW1A 1AA"),
        ("GIR 0AA", "GIR 0AA"),
        ("gir0aa", "GIR 0AA"),
        ("CH1 2NP, CH1 2NP", "CH1 2NP"),  # the same one twice is still one
    ],
)
def test_uk_postcodes_accepted_and_normalised(text: str, postcode: str) -> None:
    checked = check_uk_postcode(text)
    assert checked.ok, checked.problem
    assert checked.value == postcode


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello",
        "12345",
        "CH1",  # the outward code only
        "2NP",
        "CH1 2N",
        "CH1 2NPX",
        "CHX1 2NP",
        "CH123 2NP",
        "QH1 2NP",  # Q never starts a postcode
        "CI1 2NP",  # I is never second
        "CH1 2NO",  # O is never in the inward code (a zero typed as a letter?)
        "CH1 2CP",
        "W1I 0AX",  # I is not a third-position letter
        "EC1C 1BB",  # C is not a fourth-position letter
        "75008 Paris",
        "SW1A-1AA",
        "CH١ 2NP",  # only 0-9 are postcode digits
    ],
)
def test_not_uk_postcodes(text: str) -> None:
    assert_problem(check_uk_postcode(text), "doesn't look like a UK postcode", "CH1 2NP")


def test_two_different_postcodes_is_a_question() -> None:
    assert_problem(check_uk_postcode("CH1 2NP or SW1A 1AA"), "more than one postcode")


@pytest.mark.parametrize(
    "text, postcode",
    [
        ("Flat 2, 12 High St, Chester, ch1 2np", "CH1 2NP"),
        ("I moved from SW1A 1AA to CH1 2NP", "SW1A 1AA"),
        ("12 High Street, Chester", None),
        ("", None),
    ],
)
def test_extract_uk_postcode(text: str, postcode: str | None) -> None:
    assert extract_uk_postcode(text) == postcode


# The official letters for each position, spelt out here independently of the module.
_digit = st.sampled_from("0123456789")
_first = st.sampled_from("ABCDEFGHIJKLMNOPRSTUWYZ")
_second = st.sampled_from("ABCDEFGHKLMNOPQRSTUVWXY")
_outward = st.one_of(
    st.tuples(_first, _digit),
    st.tuples(_first, _digit, _digit),
    st.tuples(_first, _second, _digit),
    st.tuples(_first, _second, _digit, _digit),
    st.tuples(_first, _digit, st.sampled_from("ABCDEFGHJKPSTUW")),
    st.tuples(_first, _second, _digit, st.sampled_from("ABEHMNPRVWXY")),
).map("".join)
_inward = st.tuples(_digit, *[st.sampled_from("ABDEFGHJLNPQRSTUWXYZ")] * 2).map("".join)


@given(_outward, _inward, st.sampled_from(["", " ", "  "]), st.booleans())
def test_any_valid_postcode_normalises_idempotently(
    outward: str, inward: str, space: str, lower: bool
) -> None:
    canonical = f"{outward} {inward}"
    typed = f"{outward}{space}{inward}"
    typed = typed.lower() if lower else typed
    assert check_uk_postcode(typed).value == canonical
    assert check_uk_postcode(canonical).value == canonical
    assert check_uk_postcode(f"12 High St, Chester {typed}").value == canonical
    assert extract_uk_postcode(f"It's {typed}, thanks") == canonical

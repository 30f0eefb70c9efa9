"""Case references typed back (bot.conversation.validation.reference)."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.conversation.validation.reference import check_case_reference
from bot.rules import references
from tests.validation.support import assert_problem


@pytest.mark.parametrize(
    "text",
    [
        "DPA-7KQ4-M2XP",
        "dpa-7kq4-m2xp",
        "dpa 7kq4 m2xp",
        "DPA7KQ4M2XP",
        "DPA--7KQ4--M2XP",
        "DPA 7KQ-4M2XP",
        "dpa.7kq4.m2xp",
        "DPA_7KQ4_M2XP",
        "my reference is dpa-7kq4-m2xp, thanks",
        "It's DPA 7KQ4M2XP.",
        "my DPA requests ref is DPA-7KQ4-M2XP",
        "7KQ4-M2XP",  # the DPA left off, when the answer is only the reference
        "7kq4m2xp",
    ],
)
def test_case_references_accepted_and_normalised(text: str) -> None:
    checked = check_case_reference(text)
    assert checked.ok, checked.problem
    assert checked.value == "DPA-7KQ4-M2XP"


@pytest.mark.parametrize(
    "text, key_words",
    [
        ("", ["look like DPA-7KQ4-M2XP"]),
        ("hello", ["look like DPA-7KQ4-M2XP"]),
        ("SKIP THAT", ["look like"]),  # eight letters, but no digit and no DPA
        ("ABCD-EFGH", ["look like"]),
        ("DPA-7KQ4-M2X", ["DPA and then eight"]),
        ("DPA-7KQ4-M2XPQ", ["DPA and then eight"]),
        ("DPA-0KQ4-M2XP", ["no O, I, 0 or 1"]),
        ("DPA-OKQ4-M2XP", ["no O, I, 0 or 1"]),
        ("dpa-1kq4-m2xp", ["no O, I, 0 or 1"]),
        ("DPA-IKQ4-M2XP", ["no O, I, 0 or 1"]),
        ("DPA-7KQ4-M2XP and DPA-ABCD-EFG2", ["just one"]),
    ],
)
def test_case_references_refused_with_the_reason(text: str, key_words: list[str]) -> None:
    assert_problem(check_case_reference(text), *key_words)


def test_case_references_agree_with_the_case_store() -> None:
    """Every reference the store hands out is read back unchanged, however it is typed."""
    for _ in range(200):
        reference = references.new_reference()
        assert check_case_reference(reference).value == reference
        assert check_case_reference(reference.lower().replace("-", " ")).value == reference
        assert references.normalise_reference(check_case_reference(reference).value) == reference


_symbols = st.text(alphabet="23456789ABCDEFGHJKLMNPQRSTUVWXYZ", min_size=8, max_size=8)


@given(_symbols, st.sampled_from(["-", " ", "", "--", " - "]), st.booleans())
def test_any_reference_however_typed_normalises(symbols: str, sep: str, lower: bool) -> None:
    canonical = f"DPA-{symbols[:4]}-{symbols[4:]}"
    typed = f"DPA{sep}{symbols[:4]}{sep}{symbols[4:]}"
    typed = typed.lower() if lower else typed
    assert check_case_reference(typed).value == canonical
    assert check_case_reference(f"my reference is {typed} thanks").value == canonical
    assert check_case_reference(canonical).value == canonical


def test_a_reference_whose_symbols_start_with_dpa() -> None:
    assert check_case_reference("DPA-DPA2-3456").value == "DPA-DPA2-3456"
    assert check_case_reference("dpa dpa2 3456").value == "DPA-DPA2-3456"

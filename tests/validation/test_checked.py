"""The shared result type, and what every reader promises: no Rasa, never an exception."""
from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.conversation.validation.checked import Checked
from bot.conversation.validation.dates import check_date_of_birth
from bot.conversation.validation.email import check_email, extract_email
from bot.conversation.validation.names import check_full_name
from bot.conversation.validation.phone import check_uk_phone, extract_uk_phone
from bot.conversation.validation.postcode import check_uk_postcode, extract_uk_postcode
from bot.conversation.validation.reference import check_case_reference
from bot.conversation.validation.skip import is_skip_answer


def test_checked_is_either_a_value_or_a_problem() -> None:
    assert Checked.good("x").ok and Checked.good("x").problem is None
    assert not Checked.bad("why").ok and Checked.bad("why").value is None
    with pytest.raises(ValueError):
        Checked(value=None, problem=None)
    with pytest.raises(ValueError):
        Checked(value="x", problem="why")


def test_the_module_imports_neither_rasa_nor_the_case_store() -> None:
    modules = ", ".join(
        f"bot.conversation.validation.{name}"
        for name in ("checked", "dates", "email", "names", "phone", "postcode", "reference", "skip")
    )
    code = (
        f"import sys, {modules}; "
        "bad = {m.split('.')[0] for m in sys.modules} & {'rasa', 'rasa_sdk', 'sqlalchemy'}; "
        "print(*bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


_CHECKS = [
    check_email, check_uk_postcode, check_uk_phone, check_full_name, check_case_reference,
]
_EXTRACTS = [extract_email, extract_uk_postcode, extract_uk_phone]

# Text made of the pieces the parsers look for, so the odd corners are reached, not just noise.
_date_like = st.lists(
    st.sampled_from(
        ["3", "3rd", "31", "29", "02", "13", "00", "0", "84", "1984", "2026", "99999", "march",
         "may", "feb", "of", "the", "sat", "/", "-", ".", "'", ",", "+44", "@", "dpa", "²", "٣"]
    ),
    max_size=8,
).map(" ".join)


@settings(max_examples=150)
@given(st.one_of(st.text(), _date_like), st.dates(), st.integers(0, 130))
def test_nothing_typed_makes_a_check_raise(text: str, today: date, min_age: int) -> None:
    results = [check(text) for check in _CHECKS]
    results.append(
        check_date_of_birth(text, today=today, min_age=min_age, max_age=max(min_age, 120))
    )
    for result in results:
        assert isinstance(result, Checked)
        assert result.ok == (result.problem is None) and (result.value is None) != result.ok
        assert result.ok or result.problem.strip()
    for extract in _EXTRACTS:
        found = extract(text)
        assert found is None or isinstance(found, str)
    assert isinstance(is_skip_answer(text), bool)


@pytest.mark.parametrize("value", [None, 42, ["jane@example.com"], b"CH1 2NP"])
def test_values_that_are_not_text_are_refused_not_raised(value: object) -> None:
    for check in [*_CHECKS, check_date_of_birth]:
        assert not check(value).ok  # type: ignore[arg-type]
    for extract in _EXTRACTS:
        assert extract(value) is None  # type: ignore[arg-type]
    assert is_skip_answer(value) is False  # type: ignore[arg-type]

"""What the tests of the answer readers share: a fixed today and a check of the reason given."""
from __future__ import annotations

from datetime import date

from bot.conversation.validation.checked import Checked

TODAY = date(2026, 5, 14)


def d(text: str) -> date:
    return date.fromisoformat(text)


def assert_problem(checked: Checked, *key_words: str) -> None:
    """Refused, with a reason that mentions each of ``key_words`` (case-insensitive)."""
    assert not checked.ok, f"expected a problem, got {checked.value!r}"
    assert checked.value is None
    for word in key_words:
        assert word.lower() in checked.problem.lower(), (word, checked.problem)

"""Declining an optional question (bot.conversation.validation.skip)."""
from __future__ import annotations

import pytest

from bot.conversation.validation.skip import is_skip_answer


@pytest.mark.parametrize(
    "text",
    [
        "skip", "Skip", "skip it", "Skip this question", "pass",
        "none", "None.", "nothing", "nil", "n/a", "N/A", "n.a.", "na", "not applicable",
        "no", "No!", "nope", "no thanks", "no thank you",
        "no email", "No phone number", "no mobile", "no case reference",
        "I'd rather not say", "I’d rather not say", "rather not", "prefer not to say",
        "I would rather not answer",
        "don't have one", "I don't have one", "I dont have an email", "I do not have a phone",
        "No, I don't have one", "sorry, I don't have one", "haven't got one",
        "I haven't got a mobile", "don't know", "not sure", "no idea", "can't remember",
        "leave it blank", "-",
    ],
)
def test_skip_answers(text: str) -> None:
    assert is_skip_answer(text)


@pytest.mark.parametrize(
    "text",
    [
        "", "   ", "yes", "Nora", "Noel Smith", "Nonie", "no 12 high street",
        "None Street, Chester", "not sure which one", "jane@example.com", "07700 900123",
        "3 March 1984", "skipton", "I don't have one but my wife does: jane@example.com",
        "none " * 30,
    ],
)
def test_real_answers_are_not_skips(text: str) -> None:
    assert not is_skip_answer(text)

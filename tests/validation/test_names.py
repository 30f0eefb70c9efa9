"""People's names (bot.conversation.validation.names)."""
from __future__ import annotations

import pytest

from bot.conversation.validation.names import check_full_name
from tests.validation.support import assert_problem


@pytest.mark.parametrize(
    "text, name",
    [
        ("Jane Smith", "Jane Smith"),
        ("jane smith", "Jane Smith"),  # all lower: title-cased
        ("JANE SMITH", "Jane Smith"),  # all capitals: title-cased
        ("  jane   smith  ", "Jane Smith"),
        ("mary-jane o'neill", "Mary-Jane O'Neill"),
        ("Ronan McDonald", "Ronan McDonald"),  # mixed case is the resident's own spelling
        ("Aisha al-Rashid", "Aisha al-Rashid"),
        ("Ludwig van Beethoven", "Ludwig van Beethoven"),
        ("Siobhán O’Neill", "Siobhán O'Neill"),  # a phone's curly apostrophe
        ("josé álvarez", "José Álvarez"),
        ("Дмитрий Иванов", "Дмитрий Иванов"),
        ("प्रिया शर्मा", "प्रिया शर्मा"),
        ("J. R. R. Tolkien", "J. R. R. Tolkien"),  # initials keep their full stops
        ("Jane S.", "Jane S."),
        ("my name is jane smith", "Jane Smith"),
        ("My full name is Jane Smith.", "Jane Smith"),
        ("It's Jane Smith", "Jane Smith"),
        ("I'm Jane O'Neill", "Jane O'Neill"),
        ("Hi, I'm Jane Smith!", "Jane Smith"),
        ("hello my name is jane smith", "Jane Smith"),
        ("Yes, Jane Smith", "Jane Smith"),
        ("name: Jane Smith", "Jane Smith"),
        ("Name:Jane Smith", "Jane Smith"),
        ("Im Yoon-ah", "Im Yoon-ah"),  # a surname, not "I'm"
        ("A" + "b" * 48 + " " + "C" + "d" * 49, "A" + "b" * 48 + " " + "C" + "d" * 49),  # 100
    ],
)
def test_full_names_accepted(text: str, name: str) -> None:
    checked = check_full_name(text)
    assert checked.ok, checked.problem
    assert checked.value == name


@pytest.mark.parametrize(
    "text, key_words",
    [
        ("", ["type your name"]),
        ("my name is", ["type your name"]),
        ("j", ["letters"]),
        ("!!", ["type your name"]),
        ("'-", ["letters"]),
        ("12345", ["numbers"]),
        ("Jane Sm1th", ["numbers"]),
        ("Jane @ Smith", ["only letters, spaces, hyphens and apostrophes"]),
        ("Jane_Smith", ["only letters"]),
        ("Jane - Smith", ["start and end with a letter"]),
        ("-Jane Smith", ["start and end with a letter"]),
        ("Jane Smith-", ["start and end with a letter"]),
        ("Jane", ["full name", "first name and surname"]),
        ("A" + "b" * 50 + " " + "C" + "d" * 50, ["too long", "100"]),
    ],
)
def test_full_names_refused_with_the_reason(text: str, key_words: list[str]) -> None:
    assert_problem(check_full_name(text), *key_words)


def test_a_single_name_only_when_the_caller_allows_it() -> None:
    assert check_full_name("Madonna", require_surname=False).value == "Madonna"
    assert check_full_name("it's cher", require_surname=False).value == "Cher"
    assert_problem(check_full_name("j", require_surname=False), "letters")

"""What every reader of a resident's answer returns, and the tidying they all share.

Residents answer in a chat box, so answers arrive with extra words ("my email is ..."), in
any case and spacing, and sometimes wrong. Each ``check_*`` function of this package returns
a :class:`Checked`: the normalised value, or a plain-English reason addressed to the resident
that the form shows before asking again. They never raise on what a person typed (only on a
programming mistake, such as ``min_age > max_age``), never log (the answers are personal
data), and import nothing from Rasa, so the form's rules are tested in milliseconds.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

# Longer answers are not a single date, email, ... and are not worth parsing (a pasted
# letter would only slow the action server down).
MAX_ANSWER_LENGTH = 500


@dataclass(frozen=True)
class Checked(Generic[T]):
    """The outcome of reading one answer: a normalised value, or the reason it can't be used."""

    value: T | None
    problem: str | None

    def __post_init__(self) -> None:
        # Exactly one of the two, so callers can trust ``ok`` and never show "None".
        if (self.value is None) == (self.problem is None):
            raise ValueError("Checked needs either a value or a problem, not both or neither")

    @property
    def ok(self) -> bool:
        return self.problem is None

    @classmethod
    def good(cls, value: T) -> Checked[T]:
        return cls(value=value, problem=None)

    @classmethod
    def bad(cls, problem: str) -> Checked[T]:
        return cls(value=None, problem=problem)


def usable_text(text: object) -> str | None:
    """The answer stripped, or None when it is not text or too long to be one value."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    if len(text) > MAX_ANSWER_LENGTH:
        return None
    return text


# Curly quotes from phones' keyboards; a name or email typed on a phone should match the
# same name typed on a computer.
_APOSTROPHES = str.maketrans(dict.fromkeys("\u2019\u2018\u02bc`\u00b4", "'"))
_HYPHENS = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2212", "-"))


def tidy(text: str) -> str:
    """NFC, straight apostrophes and hyphens, single spaces."""
    text = unicodedata.normalize("NFC", text).translate(_APOSTROPHES).translate(_HYPHENS)
    return " ".join(text.split())

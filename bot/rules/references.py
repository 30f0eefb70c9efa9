"""Case references residents read out and type back: ``DPA-7KQ4-M2XP``.

Random rather than sequential, so one reference says nothing about another (and cannot be
guessed by counting). The alphabet leaves out 0/O and 1/I, which people confuse when they
copy a reference from a screen or say it on the phone. Eight symbols from 32 give 2**40
references; the store retries on the rare collision.
"""
from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
PREFIX = "DPA"
GROUPS = 2
GROUP_LENGTH = 4
SYMBOLS = GROUPS * GROUP_LENGTH  # after the prefix, not counting the dashes
# What people put between the parts when they type a reference (a regex character class).
SEPARATOR = r"[\s\-–—_.]"  # dashes as typed, and as word processors make them

REFERENCE_PATTERN = re.compile(
    rf"^{PREFIX}(?:-[{ALPHABET}]{{{GROUP_LENGTH}}}){{{GROUPS}}}$"
)
_SEPARATORS = re.compile(rf"{SEPARATOR}+")


def new_reference() -> str:
    """A fresh random reference (uniqueness is the store's job)."""
    groups = (
        "".join(secrets.choice(ALPHABET) for _ in range(GROUP_LENGTH)) for _ in range(GROUPS)
    )
    return "-".join((PREFIX, *groups))


def normalise_reference(text: str) -> str | None:
    """The canonical form of what someone typed, or None if it cannot be a reference.

    Accepts any case, spaces or dots for dashes, and a missing ``DPA`` prefix, because
    residents type references from letters and emails. Confusable letters are not guessed
    at: "O" is not silently read as a zero, so a mistyped reference simply matches nothing.
    """
    if not isinstance(text, str):
        return None
    compact = _SEPARATORS.sub("", text.strip().upper())
    if compact.startswith(PREFIX):
        compact = compact[len(PREFIX):]
    if len(compact) != SYMBOLS:
        return None
    groups = [compact[i : i + GROUP_LENGTH] for i in range(0, len(compact), GROUP_LENGTH)]
    candidate = "-".join((PREFIX, *groups))
    return candidate if REFERENCE_PATTERN.match(candidate) else None


def is_reference(text: str) -> bool:
    """Whether ``text`` is already a reference in canonical form."""
    return isinstance(text, str) and bool(REFERENCE_PATTERN.match(text))

"""Case references typed back by residents, in the format :mod:`bot.rules.references` defines."""
from __future__ import annotations

import re

from bot.conversation.validation.checked import Checked, tidy, usable_text
from bot.rules.references import ALPHABET, PREFIX, SEPARATOR, SYMBOLS, normalise_reference

REFERENCE_EXAMPLE = "DPA-7KQ4-M2XP"
_NOT_A_REFERENCE = (
    f"Case references look like {REFERENCE_EXAMPLE}. Please check yours and type it again."
)
# Looser than the format on purpose (any letter or digit, a few separators anywhere), so
# that a mistyped reference gets a reason rather than "that's not a reference".
_SEP = rf"{SEPARATOR}{{0,3}}"
_TYPED_SYMBOLS = rf"((?:[A-Z0-9]{_SEP}){{{SYMBOLS - 1}}}[A-Z0-9])"
_REFERENCE_IN_TEXT = re.compile(rf"(?<![A-Z0-9]){PREFIX}{_SEP}{_TYPED_SYMBOLS}(?![A-Z0-9])")
_BARE_REFERENCE = re.compile(_TYPED_SYMBOLS)


def _reference_from(symbols: str) -> Checked[str]:
    symbols = re.sub(SEPARATOR, "", symbols)
    if any(ch not in ALPHABET for ch in symbols):
        return Checked.bad(
            "There's no O, I, 0 or 1 in our case references, so please check what you typed. "
            f"They look like {REFERENCE_EXAMPLE}."
        )
    reference = normalise_reference(PREFIX + symbols)  # the prefix: symbols may start DPA
    return Checked.good(reference) if reference else Checked.bad(_NOT_A_REFERENCE)


def check_case_reference(text: str) -> Checked[str]:
    """A case reference in its canonical form, DPA-7KQ4-M2XP, however it was typed.

    Any case, spaces, dots or hyphens anywhere, inside a sentence; the DPA may be left off
    when the answer is only the reference. Confusable characters (0/O, 1/I) are never in a
    reference and are not guessed at: the resident is asked to check.
    """
    answer = usable_text(text)
    if not answer:
        return Checked.bad(_NOT_A_REFERENCE)
    upper = tidy(answer).upper()
    found = [_reference_from(m.group(1)) for m in _REFERENCE_IN_TEXT.finditer(upper)]
    good = list(dict.fromkeys(c.value for c in found if c.value is not None))
    if len(good) > 1:
        # "my DPA requests ref is DPA-..." : a reference with a digit is the likelier one.
        with_digits = [ref for ref in good if any(ch.isdigit() for ch in ref)]
        if len(with_digits) != 1:
            return Checked.bad("Please give just one case reference.")
        good = with_digits
    if good:
        return Checked.good(good[0])
    if found:
        return found[0]
    bare = _BARE_REFERENCE.fullmatch(upper)
    # Without the DPA, only an answer with a digit in it: "SKIP THAT" is eight letters too.
    if bare and any(ch.isdigit() for ch in upper):
        return _reference_from(bare.group(1))
    if PREFIX in upper:
        return Checked.bad(
            f"That case reference doesn't look complete: it should be DPA and then eight "
            f"letters and numbers, like {REFERENCE_EXAMPLE}."
        )
    return Checked.bad(_NOT_A_REFERENCE)

"""UK postcodes in Royal Mail's format, on their own or inside an address."""
from __future__ import annotations

import re

from bot.conversation.validation.checked import MAX_ANSWER_LENGTH, Checked, usable_text

POSTCODE_EXAMPLE = "CH1 2NP"
_NOT_A_POSTCODE = f"That doesn't look like a UK postcode; it should look like {POSTCODE_EXAMPLE}."

# Royal Mail's format, with the letters each position can hold (BS 7666): Q, V, X never
# start a postcode; I, J, Z are never second; the inward code never uses C, I, K, M, O, V.
_FIRST = "[ABCDEFGHIJKLMNOPRSTUWYZ]"
_SECOND = "[ABCDEFGHKLMNOPQRSTUVWXY]"
_THIRD = "[ABCDEFGHJKPSTUW]"  # A9A, e.g. W1A
_FOURTH = "[ABEHMNPRVWXY]"  # AA9A, e.g. SW1A
_INWARD_LETTER = "[ABDEFGHJLNPQRSTUWXYZ]"
_OUTWARD = (
    rf"(?:{_FIRST}\d{{1,2}}|{_FIRST}{_SECOND}\d{{1,2}}"  # A9, A99, AA9, AA99
    rf"|{_FIRST}\d{_THIRD}|{_FIRST}{_SECOND}\d{_FOURTH})"  # A9A, AA9A
)
_INWARD = rf"\d{_INWARD_LETTER}{{2}}"
_POSTCODE = re.compile(
    rf"(?<![A-Z0-9])"
    rf"(?:(?P<outward>{_OUTWARD})\s*(?P<inward>{_INWARD})|(?P<gir>GIR)\s*(?P<gir_inward>0AA))"
    rf"(?![A-Z0-9])",
    re.ASCII,  # only 0-9 are postcode digits
)


def _postcodes_in(text: str) -> list[str]:
    """Every postcode in ``text``, normalised ("CH1 2NP"), in order and without repeats."""
    found: list[str] = []
    for match in _POSTCODE.finditer(text.upper()):
        outward = match.group("outward") or match.group("gir")
        inward = match.group("inward") or match.group("gir_inward")
        postcode = f"{outward} {inward}"
        if postcode not in found:
            found.append(postcode)
    return found


def check_uk_postcode(text: str) -> Checked[str]:
    """A UK postcode in the official format, upper case with one space ("ch12np" -> "CH1 2NP").

    Accepts the postcode on its own or inside an address line ("12 High St, Chester CH1 2NP").
    """
    answer = usable_text(text)
    if not answer:
        return Checked.bad(_NOT_A_POSTCODE)
    found = _postcodes_in(answer)
    if len(found) > 1:
        return Checked.bad(
            "I found more than one postcode there. Please give just the one you want us to use."
        )
    return Checked.good(found[0]) if found else Checked.bad(_NOT_A_POSTCODE)


def extract_uk_postcode(text: str) -> str | None:
    """The first UK postcode in a message (an address, a sentence), normalised; else None."""
    if not isinstance(text, str):
        return None
    found = _postcodes_in(text[: MAX_ANSWER_LENGTH * 4])
    return found[0] if found else None

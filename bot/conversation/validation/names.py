"""People's names as they write them, in any alphabet, without the "my name is" around them."""
from __future__ import annotations

import re
import unicodedata

from bot.conversation.validation.checked import Checked, tidy, usable_text

MAX_NAME_LENGTH = 100

# "Hi, I'm Jane Smith", "my name's Jane Smith", "Name: Jane Smith" -> "Jane Smith".
_NAME_INTRO = (
    r"(?:(?:my\s+)?(?:full\s+)?name(?:\s+is(?:\s+|$)|'s(?:\s+|$)|\s*[:\-]\s*)"
    r"|(?:it'?s|it\s+is|i'm|i\s+am|this\s+is)(?:\s+|$))"
)
_GREETING = r"(?:hi|hello|hey|yes|yeah|ok|okay|sure)(?:\s+there)?"
_NAME_LEAD_IN = re.compile(
    rf"^(?:{_GREETING}\s*[,!.]\s*|{_GREETING}\s+(?={_NAME_INTRO}))?(?:{_NAME_INTRO})?",
    re.IGNORECASE,
)
_NAME_PUNCTUATION = {"'", "-", "."}
_NAME_TOO_LONG = f"That's too long for a name. Please keep it to {MAX_NAME_LENGTH} characters."


def _is_name_word(word: str) -> bool:
    """Starts with a letter and ends with one (or its accent), or with an initial's full stop."""
    word = word[:-1] if word.endswith(".") else word
    return (
        bool(word)
        and unicodedata.category(word[0]).startswith("L")
        and unicodedata.category(word[-1])[0] in "LM"
    )


def check_full_name(text: str, *, require_surname: bool = True) -> Checked[str]:
    """A person's name as they write it: letters (any alphabet), spaces, hyphens, apostrophes.

    Lead-ins ("my name is", "I'm") are dropped. The capitals are the resident's own
    (McDonald, al-Rashid, van Dyke), except that an all-lower or all-capitals answer is
    title-cased, as that is how it is typed in a hurry, not how it is spelt. Full stops after
    initials are accepted. With ``require_surname`` a single word is refused.
    """
    answer = usable_text(text)
    if answer is None:
        return Checked.bad(_NAME_TOO_LONG)
    name = tidy(answer)
    name = _NAME_LEAD_IN.sub("", name).strip(" ,!?")
    if name.endswith(".") and not re.search(r"(?:^|\s)[^\W\d_]\.$", name):
        name = name.rstrip(". ")  # a sentence's full stop, not an initial's
    if not name:
        return Checked.bad("Please type your name, for example Jane Smith.")
    if len(name) > MAX_NAME_LENGTH:
        return Checked.bad(_NAME_TOO_LONG)
    if any(ch.isdigit() for ch in name):
        return Checked.bad("Your name can't have numbers in it. Please type it using letters.")
    allowed = all(
        unicodedata.category(ch)[0] in "LM" or ch == " " or ch in _NAME_PUNCTUATION for ch in name
    )
    if not allowed:
        return Checked.bad(
            "Please use only letters, spaces, hyphens and apostrophes in your name, "
            "for example Jane O'Neill-Smith."
        )
    if sum(ch.isalpha() for ch in name) < 2:
        return Checked.bad("Please type your name using letters, for example Jane Smith.")
    words = name.split(" ")
    if not all(_is_name_word(word) for word in words):
        return Checked.bad(
            "Please check your name: each part should start and end with a letter, "
            "for example Mary-Jane O'Neill."
        )
    if require_surname and len(words) < 2:
        return Checked.bad("Please give your full name, first name and surname.")
    cased = [ch for ch in name if ch.islower() or ch.isupper()]
    if cased and (all(ch.islower() for ch in cased) or all(ch.isupper() for ch in cased)):
        name = name.title()
    return Checked.good(name)

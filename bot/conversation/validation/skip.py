"""Telling "no", "n/a" or "I'd rather not say" (declining an optional question) from an answer."""
from __future__ import annotations

import re

from bot.conversation.validation.checked import tidy

_FILLER = r"(?:um+|erm+|er+|oh|ah|well|sorry|thanks|thank\s+you|ta|cheers|please|ok|okay)"
# What a resident says they don't have: "an email", "a mobile number", "one", ...
_THING = (
    r"(?:an?\s+|any\s+|my\s+)?"
    r"(?:e-?mail(?:\s+address)?|phone(?:\s+number)?|mobile(?:\s+number)?|number|landline"
    r"|post\s?code|reference(?:\s+number)?|case\s+(?:reference|number)|ref|address"
    r"|one|it|that|any|anything)"
)
_DECLINE = r"(?:say|give\s+(?:it|that)|share\s+(?:it|that)|answer)"
_SKIP_PHRASES = re.compile(
    rf"""^(?:(?:{_FILLER}|no|nope)\s+)*(?:
        skip(?:\s+(?:it|this|that|this\s+one|that\s+one|(?:this|that|the)\s+question))?
      | pass | none | nothing | nil | na | n\s?a | not\s+applicable | not\s+needed
      | no | nope | nah | no\s+thanks | no\s+thank\s+you | no\s+ta
      | no\s+{_THING}
      | (?:i'?d\s+|i\s+would\s+)?(?:rather|prefer)\s+not(?:\s+to)?(?:\s+{_DECLINE})?
      | prefer\s+not\s+to\s+say | not\s+telling | none\s+of\s+your\s+business
      | (?:i\s+)?(?:do\s+not|don'?t)\s+
        (?:want\s+to\s+{_DECLINE}|have(?:\s+{_THING})?|know(?:\s+it)?)
      | (?:i\s+)?(?:have\s+not|haven'?t)\s+got(?:\s+{_THING})?
      | (?:i\s+)?(?:can'?t|cannot)\s+remember(?:\s+it)?
      | not\s+sure | no\s+idea | unknown | dunno | leave\s+(?:it\s+)?blank | leave\s+it
    )(?:\s+{_FILLER})*$""",
    re.VERBOSE,
)


def is_skip_answer(text: str) -> bool:
    """Whether the resident is declining an optional question rather than answering it.

    Matches the whole answer ("no", "n/a", "I'd rather not say", "don't have one"), never a
    word inside one, so "no 12 High Street" or "Nora" is an answer.
    """
    if not isinstance(text, str) or len(text) > 100:
        return False
    lowered = tidy(text).lower()
    if lowered in {"-", "--", "."}:
        return True
    lowered = re.sub(r"(?<=\w)[/.](?=\w)", "", lowered)  # n/a, n.a.
    lowered = " ".join(re.sub(r"[^\w\s'-]", " ", lowered).split())
    return bool(lowered) and bool(_SKIP_PHRASES.fullmatch(lowered))

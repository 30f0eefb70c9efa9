"""Email addresses: well formed (as far as can be told without sending one), found in a sentence."""
from __future__ import annotations

import re

from bot.conversation.validation.checked import MAX_ANSWER_LENGTH, Checked, tidy, usable_text

EMAIL_EXAMPLE = "jane@example.com"
MAX_EMAIL_LENGTH = 254  # RFC 5321's limit on a forward path
MAX_EMAIL_LOCAL_LENGTH = 64
MAX_DOMAIN_LABEL_LENGTH = 63

_LOCAL_ALLOWED = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.\-]")
_DOMAIN_ALLOWED = re.compile(r"[A-Za-z0-9.\-]")
_TLD = re.compile(r"[A-Za-z]{2,63}|xn--[A-Za-z0-9\-]{1,59}")
_NOT_ONE_EMAIL = f"Please type just your email address, for example {EMAIL_EXAMPLE}."
_EMAIL_CANDIDATE = re.compile(r"\S+@\S+")
# Punctuation that wraps or ends an address in a sentence: <jane@x.com>, "jane@x.com."
_EMAIL_WRAPPING = "<>()[]{}\"',;:.!?"
# Words that may come before the address in an answer ("my email address is ...").
_EMAIL_LEAD_IN_WORDS = {
    "my", "email", "e-mail", "mail", "address", "is", "it's", "its", "it", "that's", "thats",
    "use", "please", "yes", "yeah", "sure", "ok", "okay", "hi", "hello", "here", "you", "can",
    "reach", "contact", "me", "at", "on", "send", "to", "try", "the", "mine", "an", "a",
    "it'll", "be", "would", "could", "via", "by", "and",
}


def _email_problem(address: str) -> str | None:
    """Why ``address`` (one token, trimmed) is not a usable email address, or None."""
    if "@" not in address:
        return f"That email address is missing the @. It should look like {EMAIL_EXAMPLE}."
    if any(ch.isspace() for ch in address):
        return "That email address has a space in it. Please type it again without spaces."
    if address.count("@") > 1:
        return "That email address has more than one @ in it. Please check it and type it again."
    local, domain = address.split("@")
    if not local:
        return (
            "That email address is missing the part before the @, "
            f"like the jane in {EMAIL_EXAMPLE}."
        )
    if not domain:
        return (
            "That email address is missing the part after the @, "
            f"like the example.com in {EMAIL_EXAMPLE}."
        )
    bad = sorted({ch for ch in local if not _LOCAL_ALLOWED.fullmatch(ch)})
    bad += sorted({ch for ch in domain if not _DOMAIN_ALLOWED.fullmatch(ch)} - set(bad))
    if bad:
        shown = " ".join(bad)
        return f"That email address has something in it that email addresses can't have: {shown}"
    if ".." in address:
        return "That email address has two dots in a row. Please check it and type it again."
    if local.startswith(".") or local.endswith("."):
        return "The part of that email address before the @ can't start or end with a dot."
    if len(address) > MAX_EMAIL_LENGTH or len(local) > MAX_EMAIL_LOCAL_LENGTH:
        return "That email address is too long. Please check it and type it again."
    if domain.startswith(".") or domain.endswith("."):
        return "The part of that email address after the @ can't start or end with a dot."
    labels = domain.split(".")
    if len(labels) < 2:
        return (
            "That email address is missing its ending after the @, like .com or .co.uk "
            f"(for example {EMAIL_EXAMPLE})."
        )
    if any(
        len(label) > MAX_DOMAIN_LABEL_LENGTH or label.startswith("-") or label.endswith("-")
        for label in labels
    ):
        return "The part of that email address after the @ doesn't look right. Please check it."
    if not _TLD.fullmatch(labels[-1]):
        return (
            f"The ending of that email address (.{labels[-1]}) doesn't look right; "
            "it should be like .com or .co.uk."
        )
    return None


def _normalise_email(address: str) -> str:
    """Trimmed, domain in lower case; the part before the @ is kept as typed (it may matter)."""
    local, domain = address.split("@")
    return f"{local}@{domain.lower()}"


def _strip_wrapping(token: str) -> str:
    token = token.strip(_EMAIL_WRAPPING)
    if token.lower().startswith("mailto:"):
        token = token[len("mailto:"):]
    return token


def check_email(text: str) -> Checked[str]:
    """A pragmatic check that an email address is well formed, with the reason when not.

    It cannot tell whether the mailbox exists; it catches what people mistype (a space, a
    missing @ or ending, two dots). "My email is jane@example.com" gives the address.
    """
    answer = usable_text(text)
    if answer is None:
        return Checked.bad(f"Please type just your email address, for example {EMAIL_EXAMPLE}.")
    answer = tidy(answer).translate(str.maketrans("\uff20", "@"))
    if not answer:
        return Checked.bad(f"Please type your email address, for example {EMAIL_EXAMPLE}.")
    tokens = answer.split(" ")
    at_tokens = [i for i, token in enumerate(tokens) if "@" in token]
    if len(at_tokens) > 1 and sum(
        _email_problem(_strip_wrapping(tokens[i])) is None for i in at_tokens
    ) > 1:
        return Checked.bad("Please give just one email address.")
    if len(at_tokens) != 1:
        # No @ at all, or several pieces of one broken address: judge the whole answer.
        return Checked.bad(_email_problem(_strip_wrapping(answer)) or _NOT_ONE_EMAIL)
    at = at_tokens[0]
    token = _strip_wrapping(tokens[at])
    before, after = tokens[:at], tokens[at + 1 :]
    glued_before = tokens[at].startswith(("@", ".")) or (
        before and before[-1].endswith((".", "-", "_", "@"))
    )
    glued_after = after and (
        tokens[at].endswith(("@", ".", "-"))
        or after[0].startswith((".", "@", "-"))
        or (token.count("@") == 1 and "." not in token.split("@")[1])
    )
    words_before = (word.lower().strip(":,.!-") for word in before)
    lead_in = all(word in _EMAIL_LEAD_IN_WORDS for word in words_before if word)
    if glued_before or glued_after or not lead_in:
        return Checked.bad(_email_problem(answer) or _NOT_ONE_EMAIL)
    problem = _email_problem(token)
    return Checked.bad(problem) if problem else Checked.good(_normalise_email(token))


def extract_email(text: str) -> str | None:
    """The first well-formed email address anywhere in a message, normalised; else None."""
    if not isinstance(text, str):
        return None
    for match in _EMAIL_CANDIDATE.finditer(tidy(text[: MAX_ANSWER_LENGTH * 4])):
        candidate = _strip_wrapping(match.group())
        if _email_problem(candidate) is None:
            return _normalise_email(candidate)
    return None

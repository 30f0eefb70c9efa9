"""Special categories named as a topic, which are no one's special category data.

"Does the council collect data about ethnicity or religion?", "Is trade union membership
special category data?", "Does the council use facial recognition?", "Can a
prisoner make a request?": the words name a *kind* of data or a technology, and say nothing
about the resident. A trainer needs them intact to label the question, so they are set
aside before the special category rules run and put back after
(:func:`bot.trainers.redaction_special.redact_special_categories`).

What is set aside is the category's own name ("ethnicity", "biometric data", "criminal
offence data"), never what a person is or has: "my ethnicity" says nothing, "I'm Kurdish"
does, and "my trade union membership" says the resident is a member, so a possessive keeps
that one redacted.
"""
from __future__ import annotations

import re

_I = re.IGNORECASE
# One private-use character per phrase set aside: no rule matches it, none is a letter.
_FIRST_SENTINEL = 0xE100

# "my biometric data" says the resident's was taken, "my religious beliefs" that they hold
# some; "biometric data" alone names the kind.
_NOT_SOMEONES = r"(?<!\bmy\s)(?<!\bour\s)(?<!\bhis\s)(?<!\bher\s)(?<!\btheir\s)"
_TOPIC = re.compile(
    r"\b(?:"
    # the names of the categories and of the data
    r"ethnicity|ethnic\s+origins?|religion|" + _NOT_SOMEONES + r"religious\s+beliefs|"
    r"medical\s+history|medical\s+records|health\s+records|health\s+data|"
    r"criminal\s+(?:records?|offence|offences|convictions?)\s+(?:data|information|checks?)|"
    r"offence\s+data|special\s+category\s+data|"
    + _NOT_SOMEONES + r"(?:biometric\s+(?:data|information)|genetic\s+(?:data|information)|"
    r"trade\s+union\s+membership)|"
    # a technology the council may use, not a scan of anyone: "do you use facial recognition"
    # ("the facial recognition camera" on its own may be the one that scanned the resident)
    r"(?:(?<=\buse\s)|(?<=\buses\s)|(?<=\busing\s))facial\s+recognition"
    r"(?!\s+(?:on|of|to|at|with)\s+(?:me|him|her|us|them|my|our)\b)|"
    # a question about people in general: "can a prisoner ...", "do prisoners ..."
    r"(?<=\bcan\s)a\s+prisoner|(?<=\bcould\s)a\s+prisoner|(?<=\bdo\s)prisoners|"
    # a care leaver or school leaver is no Brexit voter
    r"(?:care|school)\s+leavers?"
    r")\b",
    _I,
)


def set_aside_topics(text: str) -> tuple[str, list[str]]:
    """``text`` with each topic phrase replaced by a sentinel, and the phrases in order."""
    found: list[str] = []

    def replace(match: re.Match[str]) -> str:
        found.append(match.group(0))
        return chr(_FIRST_SENTINEL + len(found) - 1)

    return _TOPIC.sub(replace, text), found


def put_back_topics(text: str, found: list[str]) -> str:
    """The phrases :func:`set_aside_topics` took out, back where they were."""
    for index, phrase in enumerate(found):
        text = text.replace(chr(_FIRST_SENTINEL + index), phrase)
    return text

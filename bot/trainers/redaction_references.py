"""Case references in a resident's message, however they are typed.

The council's references (:mod:`bot.rules.references`, ``DPA-7KQ4-M2XP``) come with any
separator or none, with the prefix typed loosely (``dpa``, ``D.P.A.``) or left out, a
character at a time, read out in the NATO alphabet ("delta papa alpha, two four ..."), or
only in part ("DPA-2Q8W", "it ends X4K2"). A group made of English words ("DPA form data")
is no reference.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from re import Match, Pattern

from bot.rules import references
from bot.trainers.redaction_names import is_english

REFERENCE = "[REFERENCE]"
_I = re.IGNORECASE
ReplaceFn = Callable[[Match[str]], str]


# Any letter or digit, not only the alphabet's: a mistyped reference is redacted too.
_REFERENCE_GROUP = rf"[A-Z0-9]{{{references.GROUP_LENGTH}}}"
# The prefix however it is typed ("DPA", "dpa", "D.P.A."), then the groups with any
# separator a resident might type between them ("-", "/", "|", ": ", " - ", none).
_PREFIX = r"\.?".join(references.PREFIX) + r"\.?"
_GAP = r"[\W_]{0,3}"
_REFERENCE = re.compile(
    rf"\b{_PREFIX}(?:{_GAP}{_REFERENCE_GROUP}){{{references.GROUPS}}}\b", _I
)
# Typed or read out a character at a time: "dpa 5 r 3 t - 8 x k w".
_SPACED_REFERENCE = re.compile(
    rf"\b{_PREFIX}(?:{references.SEPARATOR}*[A-Z0-9]){{{references.SYMBOLS}}}\b", _I
)
# Without the prefix: "7KQ4-M2XP", "7kq4 / m2xp", "7KQ4M2XP", "KQMX|7K2P".
_BARE_REFERENCE = re.compile(
    rf"\b{_REFERENCE_GROUP}(?:(\s*[\-–—_./\\|:,]\s*|\s{{1,2}}|){_REFERENCE_GROUP})"
    rf"{{{references.GROUPS - 1}}}\b",
    _I,
)
_REFERENCE_CUE = re.compile(
    r"\b((?:case\s+|request\s+)?(?:ref(?:erence)?\.?|case)(?:\s+(?:number|no\.?|num|#))?"
    r"\s*(?:is|was|:|#|-)?\s*)([A-Z0-9][A-Z0-9\-/]{2,}[A-Z0-9])\b",
    _I,
)



_BARE_CANDIDATE = re.compile(r"\b(?=" + _BARE_REFERENCE.pattern + ")", _I)


def redact_bare_references(text: str) -> str:
    """Every bare reference, tried at each word so that "with 62m9-hyv8" finds the one
    after "with" (a plain ``sub`` would try "with 62m9", refuse it, and move past)."""
    out, position = [], 0
    for start in (m.start() for m in _BARE_CANDIDATE.finditer(text)):
        if start < position:
            continue
        match = _BARE_REFERENCE.match(text, start)
        if match is None or _bare_reference(match) != REFERENCE:
            continue
        out.append(text[position:start])
        out.append(REFERENCE)
        position = match.end()
    out.append(text[position:])
    return "".join(out)


def prefixed_reference(match: Match[str]) -> str:
    """A prefixed reference, unless the "groups" are words: "DPA form data"."""
    groups = re.findall(r"[A-Za-z0-9]+", match.group(0))[-references.GROUPS:]
    if all(g.isalpha() and is_english(g) for g in groups):
        return match.group(0)
    return REFERENCE


def _bare_reference(match: Match[str]) -> str:
    """A reference without its prefix. With a mark between the groups ("7KQ4-M2XP",
    "KQMX/7K2P") it mixes letters and digits; typed with a space or nothing between
    ("7kq4 m2xp", "7KQ4M2XP") each group holds a digit, so "with 2024" is no reference.
    After "ref"/"case number" any two groups will do (see :func:`_cued_reference`)."""
    token = match.group(0)
    groups = re.findall(r"[A-Za-z0-9]+", token)
    if any(g.isalpha() and is_english(g) for g in groups):
        return token
    letters = sum(c.isalpha() for c in token)
    digits = sum(c.isdigit() for c in token)
    if not letters or not digits:
        return token
    marked = bool(match.group(1) and match.group(1).strip())
    if marked or all(any(c.isdigit() for c in g) for g in groups):
        return REFERENCE
    return token


# After "ref"/"reference"/"case (number)": any two groups, whatever their letters.
_CUED_GROUPS = re.compile(
    r"\b((?:case\s+|request\s+|sar\s+|enquiry\s+|complaint\s+)?(?:ref(?:erence)?\.?|case|"
    r"request|enquiry|complaint|ticket)(?:\s+(?:number|no\.?|num|id|#))?"
    rf"\s*(?:is|was|:|#|-)?\s*)({_REFERENCE_GROUP}{_GAP}{_REFERENCE_GROUP})\b",
    _I,
)


def cued_groups(match: Match[str]) -> str:
    groups = re.findall(r"[A-Za-z0-9]+", match.group(2))
    if any(g.isalpha() and is_english(g) for g in groups):
        return match.group(0)
    return match.group(1) + REFERENCE


def cued_reference(match: Match[str]) -> str:
    if any(c.isdigit() for c in match.group(2)):
        return match.group(1) + REFERENCE
    return match.group(0)



# Part of a reference after the prefix ("DPA-2Q8W", "DPA-4FJ8-K2N", the rest cut off): a
# group mixing letters and digits, so "the DPA 2018" is no reference.
_PARTIAL_REFERENCE = re.compile(
    rf"\b{_PREFIX}{_GAP}(?=[A-Z]*\d)(?=\d*[A-Z])[A-Z0-9]{{{references.GROUP_LENGTH}}}"
    rf"(?:{_GAP}[A-Z0-9]{{1,3}})?\b",
    _I,
)
# Read out in the NATO alphabet, with digits or number words between: "delta papa alpha,
# two four six eight, bravo charlie delta foxtrot". Three spelling words and six symbols in
# all make a reference; "alpha" or "echo" alone in a sentence is no code.
_NATO = (
    r"(?:alpha|alfa|bravo|charlie|delta|echo|foxtrot|golf|hotel|india|juliet|juliett|kilo|"
    r"lima|mike|november|oscar|papa|quebec|romeo|sierra|tango|uniform|victor|whiskey|whisky|"
    r"x-ray|xray|yankee|zulu)"
)
_SPOKEN_DIGIT = r"(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|\d)"
_NATO_SYMBOL = rf"(?:{_NATO}|{_SPOKEN_DIGIT}|dash|hyphen)"
_NATO_REFERENCE = re.compile(
    rf"\b(?=(?:{_NATO_SYMBOL}[\s,\-]+){{0,12}}?{_NATO}\b(?:[\s,\-]+{_NATO_SYMBOL}\b)*?"
    rf"[\s,\-]+{_NATO}\b(?:[\s,\-]+{_NATO_SYMBOL}\b)*?[\s,\-]+{_NATO}\b)"
    rf"{_NATO_SYMBOL}(?:[\s,\-]+{_NATO_SYMBOL}\b){{5,}}",
    _I,
)

EARLY_REFERENCE_RULES: list[tuple[Pattern[str], str | ReplaceFn]] = [
    (_NATO_REFERENCE, REFERENCE),
    (_REFERENCE, prefixed_reference),
    (_SPACED_REFERENCE, REFERENCE),
    (_CUED_GROUPS, cued_groups),
    (_PARTIAL_REFERENCE, REFERENCE),
]
REFERENCE_CUE_RULES: list[tuple[Pattern[str], str | ReplaceFn]] = [
    (_REFERENCE_CUE, cued_reference),
]

"""How far an address goes: the words before and after a part already found.

The other address rules find a part ("[ADDRESS]" for "6 Victoria Pathway", "Marlston
House", "flat 40 liverpool rd"); people write more around it, and each of these is part of
the address by where it stands:

- before it, where the dwelling is in the building or the site: "basement", "top flat,",
  "Ground floor flat,", "Fl 5", "Pitch 14,", "Stables Flat,", "flat three,", "it's number 9
  on";
- after it, where in the building ("[ADDRESS] (upstairs)"), the rest of the street's name
  or the town: "[ADDRESS] Lane" (a building's name taken first, "Peckforton Hall Lane"),
  "[ADDRESS] West", "[ADDRESS] Tattenhall" (a word on no English word list), "[ADDRESS]
  The Sidings", and a town on the next line of a written address ("14 Mill Lane,\\nUpton
  by Chester");
- between two parts, a lower-case house or building name ("[ADDRESS] the maltings
  [ADDRESS]");
- on its own: a house number spelt out ("sixty two princes avenue"), a house named after
  "house name is", a boat ("Narrowboat Kingfisher").

:func:`bot.trainers.redaction_addresses.redact_address_parts` calls
:func:`redact_address_extent` in its merging loop, so a part found here is merged with its
neighbours like any other.
"""
from __future__ import annotations

import re
from re import Match

from bot.trainers.redaction_names import is_english
from bot.trainers.redaction_words import COMMON_WORDS, NOT_STREET_NAME, STREET_TYPES

ADDRESS = "[ADDRESS]"
_I = re.IGNORECASE
_NUMBER_WORD = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundred)"
)
_SPELT_HOUSE_NUMBER = _NUMBER_WORD + r"(?:[\s\-]+(?:and\s+)?" + _NUMBER_WORD + r"){0,2}"
_CAP = r"[A-ZÀ-ÞŴŶ][a-zà-ÿŵŷ'’\-]+"

# Where in the building or site, just before an address part.
_BEFORE = re.compile(
    r"\b(?:(?:(?:basement|top|ground|attic|upstairs|downstairs|garden|back|front|"
    r"(?:ground|first|second|third|top|\d{1,2}(?:st|nd|rd|th))\s+floor)(?:\s+flat)?)"
    r"|" + _CAP.replace("[A-Z", "(?-i:[A-Z", 1).replace("]+", "]+)", 1) + r"\s+flat"
    r"|fl\.?\s*\d{1,4}[a-z]?|(?:flat|apartment|apt\.?|unit|room|bungalow)\s*(?:\d{1,4}[a-z]?|"
    + _SPELT_HOUSE_NUMBER + r"|[a-h](?=\s*,))"
    r"|(?:pitch|plot|berth|mooring)"
    r"|(?:(?:house\s+)?(?:number|no\.?)\s*)?\d{1,4}[a-z]?\s+(?:on|in)"
    r")[\s,]*(?=\[ADDRESS\])",
    _I,
)
# Where in the building, in brackets just after a part: "[ADDRESS] (upstairs)".
_WHERE_AFTER = re.compile(
    r"\[ADDRESS\]\s*\((?:upstairs|downstairs|basement|attic|rear|back|front|top|"
    r"(?:ground|first|second|third|top)\s+floor)(?:\s+(?:flat|floor))?\)",
    _I,
)
# The rest of a street's name after a part, and a compass word or "The ..." after it.
_STREET_AFTER = re.compile(
    r"\[ADDRESS\]\s+(?i:" + STREET_TYPES[3:-1] + r"|house|cottage|lodge|farm|hall|barn)\b\.?"
)
# A compass word, a town's second word or a city: "[ADDRESS] West", "[ADDRESS] Port",
# "[ADDRESS] by Chester", "[ADDRESS] Chester".
_QUALIFIER_AFTER = re.compile(
    r"\[ADDRESS\]\s+(?:(?:by|on|upon|under)\s+" + _CAP + r"|North|South|East|West|Upper|"
    r"Lower|Road|End|Village|Port|Bridge|Heath|Green|Chester|Manchester|Liverpool|Wrexham|"
    r"Warrington|Crewe|Birmingham|London)\b"
)
# A capitalised word alone after "[ADDRESS], " that ends the clause is its town, even an
# English word ("[ADDRESS], Barrow.").
_TOWN_ENDING_CLAUSE = re.compile(r"\[ADDRESS\],\s+(" + _CAP + r")(?=\s*(?:[.;\n]|$))")
# Where a home is kept: "[ADDRESS], moored at [ADDRESS]".
_KEPT_AT = re.compile(
    r"\[ADDRESS\],?\s+(?i:moored|berthed|parked|sited|pitched)\s+(?i:at|on|in|by)\s+\[ADDRESS\]"
)
_THE_AFTER = re.compile(r"\[ADDRESS\],?\s+The\s+(" + _CAP + r"(?:\s+" + _CAP + r")?)")
# A word on no word list right after a part: a village or town ("[ADDRESS] Saighton").
_UNKNOWN_AFTER = re.compile(r"\[ADDRESS\]\s+(" + _CAP + r")\b")
# A written address's next line, of capitalised words and a town's small words.
_TOWN_WORD = r"(?:" + _CAP + r"|by|on|upon|under|le|in|the|y|yr)"
_NEXT_LINE = re.compile(
    r"\[ADDRESS\],?[ \t]*\n[ \t]*(" + _CAP + r"(?:[ \t]+" + _TOWN_WORD + r"){0,3})[ \t]*,?"
    r"(?=[ \t]*(?:\n|$|\[POSTCODE\]))"
)
# A lower-case name between two parts: "[ADDRESS] the maltings [ADDRESS]".
_BETWEEN = re.compile(r"\[ADDRESS\],?\s+(the\s+[a-z]+(?:\s+[a-z]+)?),?\s+\[ADDRESS\]")
_SPELT_AND_STREET = re.compile(
    r"\b" + _SPELT_HOUSE_NUMBER + r",?\s+((?:[a-z][a-z'’.\-]*\s+){1,3})" + STREET_TYPES
    + r"\b\.?",
    _I,
)
_HOUSE_NAMED = re.compile(
    r"(?i:\b(?:house|property|cottage|farm|home)(?:'s)?\s+(?:name\s+is|is\s+called|called|"
    r"named)\s+)((?:(?i:the)\s+)?" + _CAP + r"(?:\s+" + _CAP + r"){0,2})"
)
_BOAT = re.compile(
    r"\b(?i:narrow\s*boat|house\s*boat|barge|nb|boat\s+called|boat\s+named)\s+(?:(?i:the)\s+)?"
    + _CAP + r"(?:\s+" + _CAP + r")?"
)
_SIGN_OFFS = frozenset("regards yours thanks thank cheers best kind many love sincerely".split())


def _plain(word: str) -> bool:
    low = word.lower()
    return low in COMMON_WORDS or low in NOT_STREET_NAME


def _unknown_after(match: Match[str]) -> str:
    word = match.group(1)
    return match.group(0) if _plain(word) or is_english(word) else ADDRESS


def _town_ending_clause(match: Match[str]) -> str:
    word = match.group(1).lower()
    return match.group(0) if word in _SIGN_OFFS or word in COMMON_WORDS else ADDRESS


def _the_after(match: Match[str]) -> str:
    return match.group(0) if any(_plain(w) for w in match.group(1).split()) else ADDRESS


def _next_line(match: Match[str]) -> str:
    first = match.group(1).split()[0].lower()
    if first in _SIGN_OFFS or _plain(first):
        return match.group(0)
    return ADDRESS


def _between(match: Match[str]) -> str:
    words = match.group(1).split()[1:]
    return match.group(0) if any(_plain(w) for w in words) else ADDRESS


def _spelt_and_street(match: Match[str]) -> str:
    words = match.group(1).split()
    return match.group(0) if any(w.lower() in NOT_STREET_NAME for w in words) else ADDRESS


def redact_address_extent(text: str) -> str:
    """``text`` with the address words around its [ADDRESS] parts taken in, and the parts
    above that stand alone replaced."""
    text = _SPELT_AND_STREET.sub(_spelt_and_street, text)
    text = _HOUSE_NAMED.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)] + ADDRESS, text)
    text = _BOAT.sub(ADDRESS, text)
    if ADDRESS not in text:
        return text
    text = _BEFORE.sub("", text)
    text = _WHERE_AFTER.sub(ADDRESS, text)
    text = _STREET_AFTER.sub(ADDRESS, text)
    text = _QUALIFIER_AFTER.sub(ADDRESS, text)
    text = _THE_AFTER.sub(_the_after, text)
    text = _UNKNOWN_AFTER.sub(_unknown_after, text)
    text = _TOWN_ENDING_CLAUSE.sub(_town_ending_clause, text)
    text = _KEPT_AT.sub(ADDRESS, text)
    text = _NEXT_LINE.sub(_next_line, text)
    return _BETWEEN.sub(_between, text)

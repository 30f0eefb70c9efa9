"""Addresses beyond "12 Acacia Avenue": house names, flats, streets without a number, Welsh
street names, and the town after them, so an address goes as one [ADDRESS].

Runs after :mod:`bot.trainers.redaction`'s house-number-and-street rule: these rules find
the parts that rule cannot ("Orchard House", "Flat 7", "Ffordd Wrecsam", "sealand road"),
then neighbouring parts separated by commas are merged and the town that follows is taken
in ("[ADDRESS], Saltney" becomes "[ADDRESS]").
"""
from __future__ import annotations

import re
from re import Match

from bot.trainers.redaction_names import is_english
from bot.trainers.redaction_words import COMMON_WORDS, NOT_STREET_NAME

ADDRESS = "[ADDRESS]"
_I = re.IGNORECASE

# Street types that, after a name, make a street even without a house number.
_STREET = (
    r"(?:road|street|lane|avenue|close|drive|crescent|grove|terrace|gardens|place|square|"
    r"mews|walk|way|rise|row|parade|boulevard|paddocks|meadows|drove|wynd|circus|wharf|quay|"
    r"basin|marina|moorings|docks?|view|court|grange|green|park|gate|hill|mount|vale|"
    r"fold|brow|chase|heights|meadow|fields|croft|dene|garth|holme|lea|nook|side|ings|"
    r"precinct|approach|esplanade|promenade|embankment|gardens)"
)
_BUILDING = (
    r"(?:house|cottage|cottages|court|lodge|farm|barn|hall|manor|rectory|vicarage|"
    r"bungalow|flats|mansions|tower|buildings|care\s+home|nursing\s+home|villa|grange|mill|"
    r"croft|chambers|heights|point|annexe|farmhouse)"
)
_CAP = r"(?:[A-Z][\w'’\-]*|[A-Z]{2,})"
_UNIT = re.compile(
    r"\b(?:c/o\s+)?(?:(?:ground|first|second|top|basement|lower|upper)\s+floor\s+flat|"
    r"(?:flat|room|bungalow|apartment|apt|unit|maisonette)\s*\d+[a-z]?)\b(?![.,]\d)",
    _I,
)
_PATTERNS = [
    # Orchard House, The Old Rectory, Beechwood Care Home, Manor Farm, kingsway house
    re.compile(r"\b(?:The\s+)?(?:" + _CAP + r"\s+){0,2}" + _CAP + r"\s+" + _BUILDING.replace(
        "(?:", "(?:(?i:", 1) + r")\b"),
    re.compile(r"\b[a-z]{3,}\s+(?:house|court|lodge|cottage|farm)\b(?=\s*,)"),
    re.compile(r"\b(?:\d{1,4}[a-z]?\s+)?The\s+(?:Barn|Cottage|Bungalow|Lodge|Granary|Stables|Coach\s+House|"
               r"Old\s+\w+|Paddocks|Willows|Laurels|Limes|Beeches|Firs|Hollies)\b"),
    # Church Road, Llanfair Road, The Paddocks; lower case after "live on"
    re.compile(r"\b(?:\d{1,4}[a-z]?\s+)?(?:The\s+)?(?:" + _CAP + r"\s+){1,3}"
               + _STREET.replace("(?:", "(?:(?i:", 1) + r")\b"),
    re.compile(r"(?<=\bon\s)(?:[a-z]{3,}\s+){1,2}" + _STREET + r"\b"),
    re.compile(r"\b[a-z]{3,}\s+(?:street|road|lane|avenue)\b"),
    # Welsh: Ffordd Wrecsam, Heol y Bont, Ty Newydd, Pen y Bryn
    re.compile(r"\b(?:Ffordd|Heol|Stryd|Lon|Lôn|Ty|Tŷ|Bryn|Pen|Maes|Cae|Plas)\s+(?:y\s+|yr\s+)?"
               + _CAP + r"\b"),
    # 17 Kingsway, 3 Dukesway
    re.compile(r"\b(?:c/o\s+)?\d{1,4}[a-z]?\s+[A-Z][a-z]+(?:way|gate|side|field|fields|croft|"
               r"dale|moor|wood|bank|brook)\b"),
    re.compile(r"\b(?:c/o|flat|room|bungalow|apartment|apt|unit)\s*\[ADDRESS\]", _I),
]
# Parts that are an address whatever their words (numbered, "The ...", Welsh, "c/o").
_ALWAYS = (2, 6, 7, 8)
_GLUE = re.compile(r"\[ADDRESS\](?:\s*,\s*|\s+)(?=\[ADDRESS\])")
_NUMBERED_PART = re.compile(r"\[ADDRESS\](\s*,\s*)\d{1,4}[a-z]?\s+[a-z]+\b(?!\s+(?:years?|times))")
_TOWN_AFTER = re.compile(
    r"\[ADDRESS\](?:,\s*|\s+(?=[A-Za-zÀ-ÿ'’\-]+(?:\s+[A-Za-zÀ-ÿ'’\-]+)?\s*\[POSTCODE\]))"
    r"((?:[A-Za-zÀ-ÿ'’\-]+)(?:\s+[A-Za-zÀ-ÿ'’\-]+)?)\b"
)
_PART_BEFORE = re.compile(
    r"(?<![\w\]])((?:The\s+)?" + _CAP + r"(?:\s+(?:y\s+)?" + _CAP + r"){0,2}),\s*(?=\[ADDRESS\])"
)


def _unit(match: Match[str]) -> str:
    return ADDRESS


def _part(match: Match[str]) -> str:
    words = re.findall(r"[^\W\d][\w'’\-]*", match.group(0))
    names = [w for w in words[:-1] if w.lower() not in ("the", "c", "o", "y", "yr")]
    if words and words[0] in ("Ffordd", "Heol", "Stryd", "Lon", "Lôn", "Ty", "Tŷ"):
        return ADDRESS
    if not names or all(w.lower() in COMMON_WORDS or w.lower() in NOT_STREET_NAME
                        for w in names):
        return match.group(0)  # "the road", "Council Tax House": ordinary words
    if match.group(0).islower() and any(is_english(w) for w in names):
        return match.group(0)
    return ADDRESS


def _town(match: Match[str]) -> str:
    """The town after an address: the words up to the first ordinary one."""
    words = match.group(1).split()
    if is_english(words[0]) or words[0].lower() in COMMON_WORDS:
        return match.group(0)
    if len(words) > 1 and (is_english(words[1]) or words[1].lower() in COMMON_WORDS):
        return ADDRESS + match.group(0)[match.group(0).rindex(words[1]) - 1 :]
    return ADDRESS


def _before(match: Match[str]) -> str:
    words = [w for w in match.group(1).split() if w not in ("The", "y")]
    if any(is_english(w) for w in words):
        return match.group(0)
    return ADDRESS + ", "


def redact_address_parts(text: str) -> str:
    """The address parts the numbered-street rule leaves, merged into one [ADDRESS]."""
    text = _UNIT.sub(_unit, text)
    for index, pattern in enumerate(_PATTERNS):
        text = pattern.sub(ADDRESS if index in _ALWAYS else _part, text)
    for _ in range(3):
        before = text
        text = _GLUE.sub("", text)
        text = _NUMBERED_PART.sub(ADDRESS, text)
        text = _GLUE.sub("", text)
        text = _TOWN_AFTER.sub(_town, text)
        text = _PART_BEFORE.sub(_before, text)
        text = _GLUE.sub("", text)
        if text == before:
            break
    return text

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

from bot.trainers.redaction_address_extent import redact_address_extent
from bot.trainers.redaction_names import is_english, is_ordinary
from bot.trainers.redaction_places import redact_place_details, redact_places
from bot.trainers.redaction_words import COMMON_WORDS, NOT_STREET_NAME

ADDRESS = "[ADDRESS]"
_I = re.IGNORECASE

# Street types that, after a name, make a street even without a house number.
_STREET = (
    r"(?:road|street|lane|avenue|close|drive|crescent|grove|terrace|gardens|place|square|"
    r"mews|walk|way|rise|row|parade|boulevard|paddocks|meadows|drove|wynd|circus|wharf|quay|"
    r"basin|marina|moorings|docks?|view|court|grange|green|park|gate|hill|mount|vale|"
    r"fold|brow|chase|heights|meadow|fields|croft|dene|garth|holme|lea|nook|side|ings|"
    r"precinct|approach|esplanade|promenade|embankment|gardens|estate)"
)
_BUILDING = (
    r"(?:house|cottage|cottages|court|lodge|farm|barn|hall|manor|rectory|vicarage|"
    r"bungalow|flats|mansions|tower|buildings|care\s+home|nursing\s+home|villa|grange|mill|"
    r"croft|chambers|heights|point|annexe|farmhouse)"
)
_CAP = r"(?:[A-Z][\w'’\-]*|[A-Z]{2,})"
_UNIT = re.compile(
    r"\b(?:c/o\s+)?(?:(?:ground|first|second|top|basement|lower|upper)\s+floor\s+flat|"
    r"(?:flat|room|bungalow|apartment|apt|unit|maisonette|plot|pitch|mooring|berth|suite|"
    r"studio|bedsit|caravan|chalet|house)\s*\d+[a-z]?(?=\s*,|\s+(?:the\s+)?[A-Za-z]+\s+"
    r"(?:road|street|lane|avenue|close|drive|way|house|court)\b)|"
    r"(?:flat|room|bungalow|apartment|apt|unit|maisonette|plot|pitch|mooring|berth)\s*\d+[a-z]?|"
    r"block\s+[A-Z0-9]\b|p\.?\s?o\.?\s+box\s+\d+)\b(?![.,]\d)",
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
    re.compile(r"\b[a-z]{3,}\s+(?:street|road|lane|avenue|crescent|terrace|grove|gardens|mews|"
               r"rd|st|ave)\b"),
    # Welsh: Ffordd Wrecsam, Heol y Bont, Ty Newydd, Pen y Bryn
    re.compile(r"\b(?:Ffordd|Heol|Stryd|Lon|Lôn|Ty|Tŷ|Bryn|Pen|Maes|Cae|Plas|Llys|Clos|Rhodfa|"
               r"Cilgant|Nant|Tan|Ael|Bro|Parc|Gwel|Hafod|Cwrt)\s+(?:y\s+|yr\s+|'r\s+)?"
               + _CAP + r"\b"),
    # 17 Kingsway, 3 Dukesway
    re.compile(r"\b(?:c/o\s+)?\d{1,4}[a-z]?\s+[A-Z][a-z]+(?:way|gate|side|field|fields|croft|"
               r"dale|moor|wood|bank|brook)\b"),
    re.compile(r"\b(?:c/o|flat|room|bungalow|apartment|apt|unit)\s*\[ADDRESS\]", _I),
]
# After "I live on/at", "we're at", "moved to", "address is": lower-case streets and house
# names ("live on elm drive", "we're at rose cottage") whatever their words.
_LOCATION_CUE = (
    r"(?<![\w])(?:(?:live|lives|living|lived|moved|moving|staying|stay|based|resident)\s+"
    r"(?:at|on|in|to|down)|(?:i'?m|we'?re|i\s+am|we\s+are|she'?s|he'?s|they'?re)\s+(?:at|on)|"
    r"address\s+(?:is|was)|address:|sent\s+to|send\s+(?:it\s+)?to|deliver(?:ed)?\s+to|"
    r"(?:flat|room)\s+(?:above|over|behind)\s+(?:the\s+)?[a-z]+(?:\s+[a-z]+)?\s+on)\s+"
)
_CUED_PLACE = re.compile(
    r"(?i:" + _LOCATION_CUE + r")(?:(?i:the)\s+)?((?:\d{1,4}[a-z]?,?\s+)?(?:(?i:the)\s+)?"
    r"(?:[a-z][\w'’\-]*\s+){1,3}(?i:" + _STREET[3:-1] + r"|" + _BUILDING[3:-1] + r"|rd|st|ave))\b"
)
# "8 the paddocks", "3 the old forge"
_NUMBERED_THE = re.compile(
    r"\b\d{1,4}[a-z]?\s+the\s+(?:old\s+[a-z]+|paddocks|willows|laurels|limes|beeches|firs|"
    r"hollies|elms|oaks|poplars|pines|maltings|stables|granary|barn|cottage|bungalow|lodge|"
    r"orchard|spinney|coppice|meadows|sidings|ridgeway|crescent|green|square|parade|"
    r"avenue|close|drive|grove|walk|rise|brow|dell|glade|hollow|nook)\b",
    _I,
)
# Parts that are an address whatever their words (numbered, "The ...", Welsh, "c/o").
_ALWAYS = (2, 6, 7, 8)
_GLUE = re.compile(r"\[ADDRESS\](?:\s*[,/|&]\s*|\s+(?:and\s+)?)(?=\[ADDRESS\])")
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


def _cued_place(match: Match[str]) -> str:
    place = match.group(1)
    words = [w for w in re.findall(r"[^\W\d][\w'’\-]*", place)[:-1] if w.lower() != "the"]
    if not words or any(w.lower() in NOT_STREET_NAME or w.lower() in _NOT_PLACE for w in words):
        return match.group(0)
    return match.group(0)[: match.start(1) - match.start(0)] + ADDRESS


# Words that make "on the waiting list way" or "at the same house" no street or house name.
_NOT_PLACE = frozenset(
    """same wrong right other next last first new old waiting council my your our his her
    their this that way home school work main high back side busy quiet end bottom top
    corner""".split()
) | frozenset(  # a city, county or country is no one's address
    """chester cheshire wales england scotland ireland britain uk london manchester liverpool
    birmingham""".split()
)
# A town after an address, "I live in" or a home: "[ADDRESS] in Hoole", "we live in
# saltney", "our old house in Frodsham".
_TOWN_IN = re.compile(
    r"(\[ADDRESS\]\s+(?:in|near)\s+|(?i:\b(?:live|lives|living|lived|based|moved|i'?m|we'?re|"
    r"i\s+am|we\s+are|house|home|flat|bungalow|cottage|address)\s+(?:in|to|near)\s+))([A-Za-zÀ-ÿ'’\-]+(?:\s+[A-Z][A-Za-zÀ-ÿ'’\-]+)?)\b"
)


def _town_in(match: Match[str]) -> str:
    words = match.group(2).split()
    first = words[0]
    if (first.lower() in COMMON_WORDS or first.lower() in NOT_STREET_NAME
            or first.lower() in _NOT_PLACE or is_ordinary(first)
            or (first.islower() and is_english(first))):
        return match.group(0)
    if len(words) > 1 and is_ordinary(words[1]) and words[1].lower() not in _TOWN_WORDS:
        return match.group(1) + ADDRESS + match.group(0)[match.group(0).rindex(words[1]) - 1 :]
    return match.group(1) + ADDRESS


# "44 hamilton street hoole": a town typed straight after the street, ending the clause.
_TOWN_AT_END = re.compile(r"\[ADDRESS\]\s+([A-Za-zÀ-ÿ'’\-]{3,})(?=\s*(?:[,.;!?\n]|$|\[POSTCODE\]))")


def _town_at_end(match: Match[str]) -> str:
    word = match.group(1)
    if (word.lower() in COMMON_WORDS or word.lower() in NOT_STREET_NAME
            or word.lower() in _NOT_PLACE or is_english(word)):
        return match.group(0)
    return ADDRESS


_CITIES = frozenset("chester manchester liverpool birmingham london".split())
_TOWN_WORDS = frozenset("port bay bridge town city green heath end park vale hill on upon".split())


_TOWN_PREFIX = frozenset(
    """great little upper lower north south east west new old long high nether market kings
    church bishops castle saint st lt gt""".split()
)


def _town(match: Match[str]) -> str:
    """The town after an address: the words up to the first ordinary one ("[ADDRESS],
    Hoole", "[ADDRESS], great boughton", "[ADDRESS], Chester")."""
    words = match.group(1).split()
    first = words[0].lower()
    if (len(words) > 1 and first in _TOWN_PREFIX and not is_ordinary(words[1])
            and words[1].lower() not in COMMON_WORDS):
        return ADDRESS
    if (is_ordinary(words[0]) or first in COMMON_WORDS) and first not in _CITIES:
        return match.group(0)
    if len(words) > 1 and (is_ordinary(words[1]) or words[1].lower() in COMMON_WORDS) \
            and words[1].lower() not in _TOWN_WORDS:
        return ADDRESS + match.group(0)[match.group(0).rindex(words[1]) - 1 :]
    return ADDRESS


def _before(match: Match[str]) -> str:
    words = [w for w in match.group(1).split() if w not in ("The", "y", "Y", "Yr")]
    if any(is_english(w) for w in words):
        return match.group(0)
    return ADDRESS + ", "


def redact_address_parts(text: str) -> str:
    """The address parts the numbered-street rule leaves, merged into one [ADDRESS]."""
    text = _UNIT.sub(_unit, text)
    text = redact_places(text)
    text = _CUED_PLACE.sub(_cued_place, text)
    text = _NUMBERED_THE.sub(ADDRESS, text)
    text = redact_address_extent(text)
    for index, pattern in enumerate(_PATTERNS):
        text = pattern.sub(ADDRESS if index in _ALWAYS else _part, text)
    for _ in range(3):
        before = text
        text = _GLUE.sub("", text)
        text = _NUMBERED_PART.sub(ADDRESS, text)
        text = _GLUE.sub("", text)
        text = _TOWN_AFTER.sub(_town, text)
        text = _TOWN_IN.sub(_town_in, text)
        text = _TOWN_AT_END.sub(_town_at_end, text)
        text = _PART_BEFORE.sub(_before, text)
        text = redact_place_details(text)
        text = redact_address_extent(text)
        text = _GLUE.sub("", text)
        if text == before:
            break
    return text

"""Addresses told the way people tell them, beyond "number + street + town".

- house numbers without a street: "at number 41", "no 11", "hse no 12", "Rhif 9" (Welsh),
  "2F2" (an Edinburgh flat), "Flat C", "2nd floor", "from 4b";
- streets in Welsh and Scots, in any case: "heol y felin", "Rhodfa'r Môr", "Kirk Brae";
- a dwelling described by what is near it: "the flat above Boots", "the bungalow at the end of
  meadow close", "the room above the chippy on [ADDRESS]";
- sites, and what follows an address: "Lower Park site", "[ADDRESS] off the A49 between
  Cotebrook and Tarporley", "[ADDRESS] 22" (a number after the street), "[ADDRESS] (Wrexham)",
  "[ADDRESS], near Delamere", "[ADDRESS] / [ADDRESS] / Chester".

Each rule is about the grammar of an address (what kind of word comes where), not about any
particular street; :mod:`bot.trainers.redaction_addresses` calls them and merges the parts.
"""
from __future__ import annotations

import re
from re import Match

from bot.trainers.redaction_names import is_english
from bot.trainers.redaction_words import COMMON_WORDS, NOT_STREET_NAME

ADDRESS = "[ADDRESS]"
_I = re.IGNORECASE
_PLACE_WORD = r"[A-Za-zÀ-ÿŵŷŴŶ'’\-]+"
_CAP_PLACE = r"[A-ZÀ-ÞŴŶ][A-Za-zÀ-ÿŵŷ'’\-]+"

# A house number on its own, where the words around say it is one.
_HOUSE_NUMBER = re.compile(
    r"(?:(?<=\bat\s)|(?<=\bfrom\s)|(?<=\bto\s)|(?<=\bin\s)|(?<=,\s)|(?<=^)|"
    r"(?<=\bat\sthe\s))"
    r"(?:(?:house|hse)\s+)?(?:number|no\.?|num|rhif)\s*\d{1,4}[a-z]?\b(?!\s*(?:%|years?|times|"
    r"days?|weeks?|months?|pages?|of\b))"
    r"|\b(?:hse|house)\s+no\.?\s*(?=\d|\[ADDRESS\])"
    r"|\b\d{1,2}F\d{1,2}\b"  # Edinburgh: second floor, flat 2
    r"|\b(?:flat|apartment|apt|unit)\s+[A-H]\b"
    r"|\b(?:ground|basement|\d{1,2}(?:st|nd|rd|th)|first|second|third|top)\s+floor\b(?=\s*,)"
    r"|\b(?:croft|plot|pitch|berth|mooring)\s+\d{1,4}[a-z]?\b"
    r"|(?:(?<=\bat\s)|(?<=\bfrom\s)|(?<=\bin\s)|(?<=\bat\sthe\s))\d{1,4}[a-hA-H]\b(?![\w\-])",
    _I,
)
# Welsh and Scots street words, which are no English words: matched in any case.
_CELTIC_STREET = re.compile(
    r"\b(?:\d{1,4}[a-z]?,?\s+)?(?:ffordd|heol|stryd|rhodfa|lon|lôn|bwthyn|tyddyn|fferm|"
    r"plas|llys|maes|cwrt|clos|cilgant|teras)(?:['’]r|\s+(?:y|yr|'r))?\s+" + _PLACE_WORD
    + r"(?:\s+(?:y|yr)\s+" + _PLACE_WORD + r"|\s+" + _CAP_PLACE + r")?(?:\s+\d{1,4}\b)?",
    _I,
)
_SCOTS_STREET = re.compile(
    r"\b(?:\d{1,4}[a-z]?,?\s+)?(?:" + _CAP_PLACE + r"\s+){1,2}(?:Brae|Wynd|Loan|Vennel|Gait|"
    r"Yett|Neuk)\b" r"|\b\d{1,4}[a-z]?\s+[a-z]{3,}\s+(?:brae|wynd|vennel|"
    r"wlk|cres|gdns|clo|terr|pde|grn|sq|pl)\b"
)
# "Frodsham St", "Walker St": a capitalised word and "St" not followed by a saint's name.
_SHORT_STREET = re.compile(r"\b(?:" + _CAP_PLACE + r"\s+)(?:St|Rd|Ave|Ln|Cres|Gdns|Wlk)\b\.?"
                           r"(?!\s+[A-Z][a-z])")
# A dwelling told by what is near it.
_DWELLING = (
    r"\b(?:the|a)\s+(?:(?:little|big|blue|red|green|white|yellow|end|corner|old|new|first|"
    r"second|top|bottom|static|downstairs|upstairs|back)\s+)?(?:house|flat|room|bungalow|"
    r"bedsit|caravan|farmhouse|cottage|maisonette|barge|boat|annexe|shop|unit|terrace)\s+"
    r"(?:right\s+)?(?:above|over|below|under|behind|opposite|beside|next\s+(?:door\s+)?to|near|"
    r"at\s+the\s+(?:end|top|bottom|back)\s+of|on\s+the\s+corner\s+of|at|on|off|in)\s+"
)
_DESCRIBED_BEFORE = re.compile(_DWELLING + r"[^.!?;\[\n]{0,60}?\[ADDRESS\]", _I)
_DESCRIBED_NAMED = re.compile(
    r"(?i:" + _DWELLING + r")(?:(?i:the)\s+)?" + _CAP_PLACE + r"(?:\s+" + _CAP_PLACE + r")*"
)
# The rest of the clause only after a word of place ("above", "at the end of"), and never
# "the house in my name" (whose it is, not where).
_SPATIAL_DWELLING = _DWELLING.replace(r"|at|on|off|in)\s+", r")\s+")
_DESCRIBED_CLAUSE = re.compile(
    _SPATIAL_DWELLING + r"(?!(?:my|your|his|her|their|our)\s+name)"
    r"(?:(?!\b(?:and|but|so|because|please|pls|i|we|can|could|is|was)\b)"
    r"[^.,!?;\[\n]){3,60}",
    _I,
)
_SITE_WORDS = re.compile(r"\b(?:(?i:the)\s+)?(?:" + _CAP_PLACE
                   + r"\s+){1,2}(?:site|caravan\s+park|park\s+homes?|"
                   r"estate)\b(?!\s+(?:visit|meeting|manager))")
_AFTER = re.compile(
    r"\[ADDRESS\](?:"
    r"\s+off\s+the\s+[ABM]\d{1,4}\b"
    r"|\s+between\s+" + _CAP_PLACE + r"\s+and\s+" + _CAP_PLACE +
    r"|\s+(?!(?:19|20)\d\d\b)\d{1,4}[a-z]?\b(?!\s*(?:%|years?|times|days?|weeks?|months?|am|pm|"
    r"[:.]\d))"
    r"|\s*\(" + _CAP_PLACE + r"(?:\s+" + _CAP_PLACE + r")?\)"
    r"|,?\s+(?:near|nr\.?|in|outside)\s+(?:" + _CAP_PLACE + r")(?:[\s\-]+(?:" + _CAP_PLACE
    + r"|yn|on|upon|under|le|by))*"
    r"|,\s+Isle\s+of\s+" + _CAP_PLACE +
    r"|,\s+(?:" + _CAP_PLACE + r")(?:\s+" + _CAP_PLACE + r"){1,2}(?=\s*(?:,|\[POSTCODE\]|$))"
    r"|(?:\s*/\s*|\s*\|\s*)(?:\[ADDRESS\]|" + _CAP_PLACE + r")"
    r")",
)
# The second word of a town's name that is also an ordinary word: "Ellesmere Port".
_TOWN_ENDINGS = frozenset("port bay bridge town city green heath end park vale hill cross".split())
_LINKS = frozenset(
    "off the between and near nr in outside isle of yn on upon under le by".split()
)


def _after(match: Match[str]) -> str:
    tail = match.group(0)[len(ADDRESS):]
    words = re.findall(r"[A-Za-zÀ-ÿŵŷ'’\-]+", tail)
    names = [w for w in words if len(w) > 1 and w.lower() not in _LINKS]
    if any((w.lower() in COMMON_WORDS or w.lower() in NOT_STREET_NAME
            or (is_english(w) and not w[0].isupper()))
           and not (i and w.lower() in _TOWN_ENDINGS) for i, w in enumerate(names)):
        return match.group(0)
    return ADDRESS


# "lives at 88 Boughton": a number and a place name after "live at", whoever lives there.
_LIVES_AT_NUMBER = re.compile(
    r"(\b(?:live|lives|lived|living|stay|stays|staying)\s+at\s+)(\d{1,4}[a-z]?\s+" + _CAP_PLACE
    + r")\b"
)


# A number word before an address part ("Rhif [ADDRESS]", "hse no [ADDRESS]"); a dwelling
# described after one ("[ADDRESS], above the nail bar on [ADDRESS]"); a street after an
# address whatever its words ("[ADDRESS], Back Lane"); a town before the postcode.
_NUMBER_BEFORE = re.compile(r"\b(?:(?:house|hse)\s+)?(?:number|no\.?|num|rhif)\s*\[ADDRESS\]", _I)
_DESCRIBED_BETWEEN = re.compile(
    r"\[ADDRESS\],?\s+(?:right\s+)?(?:above|over|below|under|behind|opposite|beside|"
    r"next\s+(?:door\s+)?to|near)\s+[^.!?;\[\n]{0,40}?\[ADDRESS\]", _I)
_STREET_AFTER = re.compile(
    r"\[ADDRESS\],\s+(?:" + _CAP_PLACE + r"\s+){1,2}(?:Road|Street|Lane|Avenue|Close|Drive|Way|"
    r"Crescent|Grove|Terrace|Gardens|Place|Square|Row|Walk|Hill|Green|Park|View|Rise|Court)\b")
_TOWN_BEFORE_POSTCODE = re.compile(
    r"\[ADDRESS\],\s+" + _CAP_PLACE + r"(?:\s+" + _CAP_PLACE + r"){0,2}(?=\s*,?\s*\[POSTCODE\])")
_TRAILING_TOWN = re.compile(
    r"\[ADDRESS\]\s+([a-z]{4,})(?=\s+(?:pls|please|plz|thanks|thx|ta|x+)\b)")


# Cheap tests first: most messages hold no house number and no dwelling word.
_MAY_HAVE_NUMBER = re.compile(r"\d|flat|floor", _I)
_MAY_DESCRIBE = re.compile(r"\b(?:house|flat|room|bungalow|bedsit|caravan|farmhouse|cottage|"
                           r"maisonette|barge|boat|annexe|shop|unit|terrace)\b", _I)


def _site(match: Match[str]) -> str:
    words = [w for w in re.findall(r"[A-Za-zÀ-ÿŵŷ'’\-]+", match.group(0))[:-1]
             if w.lower() != "the"]
    if any(w.isupper() or w.lower() in COMMON_WORDS for w in words):
        return match.group(0)  # "the ICO site", "the Council estate"
    return ADDRESS


def redact_places(text: str) -> str:
    """The address parts above as [ADDRESS] (before the parts are merged)."""
    text = _CELTIC_STREET.sub(ADDRESS, text)
    text = _SCOTS_STREET.sub(ADDRESS, text)
    text = _SHORT_STREET.sub(ADDRESS, text)
    text = _LIVES_AT_NUMBER.sub(
        lambda m: m.group(0) if m.group(2).split()[-1].lower() in COMMON_WORDS
        else m.group(1) + ADDRESS, text)
    text = _SITE_WORDS.sub(_site, text)
    return text


def redact_place_details(text: str) -> str:
    """Numbers, descriptions and what follows an [ADDRESS]; run with the merging."""
    if _MAY_HAVE_NUMBER.search(text):
        text = _HOUSE_NUMBER.sub(ADDRESS, text)
    if "[ADDRESS]" in text:
        text = _NUMBER_BEFORE.sub(ADDRESS, text)
        text = _DESCRIBED_BETWEEN.sub(ADDRESS, text)
        text = _STREET_AFTER.sub(ADDRESS, text)
        text = _TOWN_BEFORE_POSTCODE.sub(ADDRESS, text)
        text = _TRAILING_TOWN.sub(
            lambda m: m.group(0) if is_english(m.group(1)) else ADDRESS, text)
        text = _DESCRIBED_BEFORE.sub(ADDRESS, text)
        text = _AFTER.sub(_after, text)
    if not _MAY_DESCRIBE.search(text):
        return text
    text = _DESCRIBED_NAMED.sub(ADDRESS, text)
    return _DESCRIBED_CLAUSE.sub(ADDRESS, text)

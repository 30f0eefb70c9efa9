"""Replace residents' personal data with placeholders before a trainer sees a message.

Trainers read real messages to improve the assistant, and labelled messages end up in
``data/nlu/`` (committed to git), so everything that identifies a resident is replaced
first: ``my name is Jane Smith, born 3rd March 1984`` becomes ``my name is [NAME], born
[DATE]``. Pure text in, text out: no Rasa, no database, milliseconds per message.

What is replaced, in this order (earlier kinds are matched first so that, say, the digits of
an email address are never taken for a phone number):

=================  ============================================================================
``[EMAIL]``        addresses, also spelt out ("jane at example dot com")
``[REFERENCE]``    case references (``DPA-7KQ4-M2XP`` and the ways people type them, see
                   :mod:`bot.rules.references`), and whatever follows "reference"/"case number"
``[NI_NUMBER]``    National Insurance numbers (``QQ 12 34 56 C``)
``[PHONE]``        UK numbers in every common layout, ``+44``/``0044``/``(0)``, and digits
                   after "phone"/"mobile"/"call me on"
``[POSTCODE]``     full UK postcodes, and a district after "postcode" (``CH1``)
``[DATE]``         numeric and written dates (``03/03/1984``, ``3rd March 1984``, ``March 3``),
                   and anything date-like after "born"/"date of birth"/"DOB"
``[ADDRESS]``      house number + street (``12 Acacia Avenue``, ``flat 3, 4 Mill Lane``), and
                   the rest of the clause after "my address is"/"I live at"
``[NAME]``         names after "my name is", "I'm", "this is", "called", "formerly", "née",
                   after titles (Mr, Mrs, Dr, ...), and runs of two or more capitalised words
                   that are not ordinary words ("Jane Smith", not "Council Tax")
``[NUMBER]``       any other run of seven or more digits (account, NHS and payroll numbers)
=================  ============================================================================

The cue-based name rules live in :mod:`bot.trainers.redaction_name_cues`, names found by
the words around them in :mod:`bot.trainers.redaction_name_context`, addresses told by
what is near them in :mod:`bot.trainers.redaction_places`, and the council's own published
contact details, which are kept, in :mod:`bot.trainers.redaction_published`.

Beside these, in their own modules: IP addresses, cards, bank details, licences,
registrations and any number spelt out (:mod:`bot.trainers.redaction_identifiers`); house
names, flats and towns (:mod:`bot.trainers.redaction_addresses`); names found from Faker's
name lists, chosen there and said why (:mod:`bot.trainers.redaction_names`); and special
category phrases, one placeholder per category so a trainer still sees what a message is
about (:mod:`bot.trainers.redaction_special`).

Years on their own ("my council tax records from 2019") and month-year periods ("since
March 2019") are not personal and are kept, because they carry the meaning trainers need;
a year right after "born"/"DOB" is replaced. The rules lean towards replacing too much:
an ordinary word lost to ``[NAME]`` costs a trainer a moment, a name kept costs a resident
their privacy.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from re import Match, Pattern

from bot.rules import references
from bot.trainers.redaction_addresses import redact_address_parts
from bot.trainers.redaction_identifiers import (
    BANK,
    CARD,
    EARLY_RULES_MORE,
    IDENTIFIER_RULES,
    IP_ADDRESS,
    LATE_IDENTIFIER_RULES,
    LATE_RULES_MORE,
    LICENCE,
    VEHICLE,
    redact_spoken_emails,
)
from bot.trainers.redaction_name_context import redact_names_by_context
from bot.trainers.redaction_name_cues import ANY_WORD, redact_capitalised_runs, redact_cued_names
from bot.trainers.redaction_names import is_english, redact_names
from bot.trainers.redaction_published import put_back, set_aside
from bot.trainers.redaction_special import SPECIAL_PLACEHOLDERS, redact_special_categories
from bot.trainers.redaction_words import COMMON_WORDS, NOT_STREET_NAME

NAME = "[NAME]"
EMAIL = "[EMAIL]"
PHONE = "[PHONE]"
POSTCODE = "[POSTCODE]"
DATE = "[DATE]"
REFERENCE = "[REFERENCE]"
ADDRESS = "[ADDRESS]"
NI_NUMBER = "[NI_NUMBER]"
NUMBER = "[NUMBER]"
PLACEHOLDERS = (
    NAME, EMAIL, PHONE, POSTCODE, DATE, REFERENCE, ADDRESS, NI_NUMBER, NUMBER,
    IP_ADDRESS, CARD, BANK, VEHICLE, LICENCE, *SPECIAL_PLACEHOLDERS,
)

_I = re.IGNORECASE

# -- emails ----------------------------------------------------------------------------------

_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_EMAIL_SPELT = re.compile(
    r"\b[\w.+-]+(?:\s+dot\s+[\w+-]+)*\s*(?:\(at\)|\[at\]|\sat\s)\s*[\w-]+"
    r"(?:\s*(?:\(dot\)|\[dot\]|\sdot\s|\.)\s*"
    r"[a-z]{2,})*\s*(?:\(dot\)|\[dot\]|\sdot\s)\s*(?:com|org|net|uk|co|gov|ac|nhs|me|io)\b"
    r"(?:\s*(?:\.|\sdot\s)\s*uk\b)?",
    _I,
)

# -- case references (bot.rules.references: DPA-XXXX-XXXX, typed loosely) --------------------

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

# -- National Insurance numbers --------------------------------------------------------------

_NI_SEP = r"[\s\-.–]{0,2}"
_NI = re.compile(
    # any two letters: residents copy the "QQ" of HMRC's own examples too
    r"\b[A-Z]" + _NI_SEP + r"[A-Z]" + _NI_SEP
    + r"\d{2}" + _NI_SEP + r"\d{2}" + _NI_SEP + r"\d{2}" + _NI_SEP + r"[A-D]\b",
    _I,
)
_NI_CUE = re.compile(
    r"\b((?:national\s+insurance|n\.?i\.?|nino|nat\.?\s*ins\.?)(?:\s+(?:number|no\.?|num))?\s*(?:is|:)?\s*)"
    r"([A-Z]" + _NI_SEP + r"[A-Z](?:" + _NI_SEP + r"\d){6}(?:" + _NI_SEP + r"[A-D])?)\b",
    _I,
)

# -- phone numbers ---------------------------------------------------------------------------

_SEP = r"[\s\-.]?"
_PHONE_INTERNATIONAL = re.compile(
    r"(?<![\w+])(?:\+\s?44|0044)\s?(?:\(0\)\s?)?[1-9](?:" + _SEP + r"\d){8,9}(?!\d)"
)
# 01/02/03 landlines, 07 mobiles, 08 freephone, with the area code in brackets or not.
_PHONE_NATIONAL = re.compile(r"(?<![\w+])(?<!\d-)\(?0[1-9](?:[\s\-.)]{0,2}\d){8,9}(?!\d)")
_PHONE_CUE = re.compile(
    r"\b((?:(?:tele)?phone|mobile|mob|tel|landline|(?:my|contact|home|work)\s+number|"
    r"call\s+me\s+on|ring\s+me\s+on|"
    r"text\s+me\s+on|contact\s+me\s+on|reach\s+me\s+on)(?:\s+(?:number|no\.?))?"
    r"\s*(?:is|:)?\s*)(\+?\(?\d[\d\s\-()]{4,}\d)",
    _I,
)

# -- postcodes -------------------------------------------------------------------------------

_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?(?:\s*|[\-–.]|\s-\s)\d[A-Z]{2}\b", _I)
_POSTCODE_CUE = re.compile(
    r"\b((?:post\s?code|outward\s+code)(?:\s+(?:district|area))?\s*(?:is|was|:|"
    r"(?:starts|begins|starting|beginning)(?:\s+with)?)?\s*)([A-Z]{1,2}\d[A-Z\d]?)\b", _I
)

# -- dates -----------------------------------------------------------------------------------

_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)"
)
# Month first ("March 3rd"): "may" and "march" are also ordinary words, so they must be
# capitalised there ("you may 2 ..." is not a date); the other names in any case.
_MONTH_FIRST = (
    r"(?:May|March|MAY|MARCH|(?i:january|february|april|june|july|august|september|october|"
    r"november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec))"
)
_ORDINAL = r"(?:st|nd|rd|th)"
_YEAR = r"(?:\d{4}|'\d{2}|\d{2}(?!\d))"
_DATES = [
    # 2024-03-03, 1984/3/3
    re.compile(r"\b\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2}\b"),
    # 03/03/1984, 3.3.84, 03-03-1984
    re.compile(r"\b\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})\b"),
    # 03 03 1984
    re.compile(r"\b\d{1,2}\s\d{1,2}\s(?:19|20)\d{2}\b"),
    # 3rd March 1984, 3 of march, the 3rd of Mar '84, 3-Mar-1984
    re.compile(
        r"\b\d{1,2}" + _ORDINAL + r"?(?:\s+of)?[\s\-/.]*" + _MONTH + r"\b\.?"
        r"(?:,?[\s\-/.]*" + _YEAR + r")?",
        _I,
    ),
    # March 3rd, 1984; Mar 3 84
    re.compile(
        r"\b" + _MONTH_FIRST + r"\.?\s+(?:the\s+)?\d{1,2}" + _ORDINAL + r"?\b"
        r"(?:,?\s+" + _YEAR + r")?"
    ),
]
_ORDINAL_WORD = (
    r"(?:(?:twenty|thirty)[\s\-]+(?:first|second|third|fourth|fifth|sixth|seventh|eighth|"
    r"ninth)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|"
    r"twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|"
    r"twentieth|thirtieth)"
)
_NUMBER_WORD = (
    r"(?:oh|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
    r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|"
    r"seventy|eighty|ninety|hundred|thousand)"
)
_YEAR_WORDS = r"(?:" + _NUMBER_WORD + r"(?:[\s\-]+(?:and\s+)?" + _NUMBER_WORD + r"){0,5})"
_WORD_DATE = re.compile(
    r"\b(?:the\s+)?" + _ORDINAL_WORD + r"(?:\s+of)?[\s,]+" + _MONTH + r"\b"
    r"(?:,?\s+(?:" + _YEAR_WORDS + r"|\d{2,4})\b)?",
    _I,
)
_HOLIDAY_DATE = re.compile(
    r"\b(?:christmas|boxing|new\s+year'?s|valentine'?s|hallowe'?en|bonfire|st\s+\w+'s)"
    r"(?:\s+(?:day|eve|night))?,?\s+(?:19|20)\d{2}\b",
    _I,
)
_THE_DATE = re.compile(r"\bthe\s+\[DATE\]", _I)
_BIRTH_CUE = re.compile(
    r"\b((?:born(?:\s+(?:on|in))?|date\s+of\s+birth(?:\s+(?:is|was))?|d\.?o\.?b\.?"
    r"(?:\s+(?:is|was))?|birthday(?:\s+(?:is|was))?)\s*[:\-]?\s*)"
    r"((?:" + _MONTH + r"\.?\s+)?(?:\d{4}|\d{6,8})|" + _MONTH + r"\.?\s+'?\d{2})\b",
    _I,
)

# -- addresses -------------------------------------------------------------------------------

_STREET = (
    r"(?:road|rd|street|st|lane|ln|avenue|ave|close|cl|drive|dr|way|crescent|cres|court|ct|"
    r"place|pl|gardens|gdns|grove|gr|terrace|terr|square|sq|hill|park|view|walk|row|mews|rise|"
    r"green|parade|boulevard|mount|vale|bank|fields|meadow|meadows|wharf|yard|cottages|"
    r"villas|croft|chase|heights|approach|glade|wynd|broadway|promenade|quay|gate|brow|"
    r"end|side|hollow|dell|fold|garth|nook|ride|cross|passage|alley|arcade|market|"
    r"pavement|highway|spinney|copse|common|orchard|pastures|paddock|paddocks|ridge|ridgeway|"
    r"field|glen|grange|hey|leys|lea|estate|precinct|circus|circle|loop|drove|dene|holme|"
    r"esplanade|embankment|sidings|link|links|ct|av)"
)
_HOUSE_AND_STREET = re.compile(
    r"\b(?:(?:flat|apartment|apt|unit)\s*\d+[a-z]?,?\s+)?"
    r"\d{1,4}[a-z]?(?:\s*[-–]\s*\d{1,4}[a-z]?)?,?\s+"
    r"((?:[a-z][a-z'’.\-]*\s+){1,3})" + _STREET + r"\b\.?",
    _I,
)
_FLAT = re.compile(r"\b(?:flat|apartment|apt)\s*\d+[a-z]?\b", _I)
_ADDRESS_CUE = re.compile(
    r"\b((?:my|our|his|her|their)\s+(?:(?:home|new|old|current|previous|postal|last)\s+)?"
    r"address(?:\s+(?:is|was|used\s+to\s+be)\s*:?|\s*:)\s*|address\s*:\s*|"
    r"address\s+line\s+\d\s*:\s*|(?:(?:my|new|old)\s+)?addy\s+(?:is|was)\s*:?\s*|"
    r"(?:i|we)\s+(?:now\s+|currently\s+|used\s+to\s+)?(?:live|lived|moved)\s+(?:at|to)\s+)"
    # the rest of the clause, up to where the resident moves on to something else
    r"((?:(?!\b(?:e-?mail|phone|mobile|tel|call|ring|ref|reference|my|and|but|dob|born|date|"
    r"please|can|could|i|since|until|from|for|will|would|do|does|is|are|which|who|what|when|"
    r"how|why|if|so|as|because|with|anymore|now|to|ur|your|in|near|last|on|about|after|"
    r"before|then|there|here|back|yesterday|today|recently|ago|years?|months?|weeks?|but|"
    r"or|thanks|thank|cheers|regards)\b)[^.!?\n;])+)",
    _I,
)
_LONG_NUMBER = re.compile(r"(?<![\w\[])\d{7,}(?![\w\]])")


ReplaceFn = Callable[[Match[str]], str]


def _keep_cue(placeholder: str) -> ReplaceFn:
    """Replace group 2 of a cue pattern, keeping the cue (group 1): "postcode [POSTCODE]"."""
    return lambda match: match.group(1) + placeholder


_BARE_CANDIDATE = re.compile(r"\b(?=" + _BARE_REFERENCE.pattern + ")", _I)


def _redact_bare_references(text: str) -> str:
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


def _reference(match: Match[str]) -> str:
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


def _cued_groups(match: Match[str]) -> str:
    groups = re.findall(r"[A-Za-z0-9]+", match.group(2))
    if any(g.isalpha() and is_english(g) for g in groups):
        return match.group(0)
    return match.group(1) + REFERENCE


def _cued_reference(match: Match[str]) -> str:
    if any(c.isdigit() for c in match.group(2)):
        return match.group(1) + REFERENCE
    return match.group(0)


def _cued_phone(match: Match[str]) -> str:
    digits = sum(c.isdigit() for c in match.group(2))
    return match.group(1) + PHONE if digits >= 6 else match.group(0)


def _house_and_street(match: Match[str]) -> str:
    words = match.group(1).split()
    if any(word.lower().strip(".'’") in NOT_STREET_NAME for word in words):
        return match.group(0)
    return ADDRESS


def _address_clause(match: Match[str]) -> str:
    rest = match.group(2)
    if not rest.strip() or rest.strip() in PLACEHOLDERS or "\ue000" in rest:
        return match.group(1) + rest
    trailing = rest[len(rest.rstrip()):]
    return match.group(1) + ADDRESS + trailing


_EARLY_RULES: list[tuple[Pattern[str], str | ReplaceFn]] = [
    (_EMAIL, EMAIL),
    (_REFERENCE, _reference),
    (_SPACED_REFERENCE, REFERENCE),
    (_CUED_GROUPS, _cued_groups),
    (_NI, NI_NUMBER),
    *EARLY_RULES_MORE,
    *IDENTIFIER_RULES,
]
_RULES: list[tuple[Pattern[str], str | ReplaceFn]] = [
    (_EMAIL_SPELT, EMAIL),
    (_REFERENCE_CUE, _cued_reference),
    (_NI_CUE, _keep_cue(NI_NUMBER)),
    (_PHONE_INTERNATIONAL, PHONE),
    (_PHONE_NATIONAL, PHONE),
    (_PHONE_CUE, _cued_phone),
    (_POSTCODE, POSTCODE),
    (_POSTCODE_CUE, _keep_cue(POSTCODE)),
    (_WORD_DATE, DATE),
    (_HOLIDAY_DATE, DATE),
    *[(pattern, DATE) for pattern in _DATES],
    (_THE_DATE, DATE),
    (_BIRTH_CUE, _keep_cue(DATE)),
    (_HOUSE_AND_STREET, _house_and_street),
    (_ADDRESS_CUE, _address_clause),
    (_FLAT, ADDRESS),
]
_AFTER_ADDRESS_RULES = LATE_RULES_MORE

# Rasa reads "[text](entity)", "[text]{...}" and "[a][b]" in training examples as entity
# annotations: a placeholder must never be followed directly by one of those brackets.
_GLUED_BRACKETS = re.compile(r"\](?=[\[({])")


EXPECTING_NAME, EXPECTING_ADDRESS = "name", "address"
_EXPECTED_PLACEHOLDER = {EXPECTING_NAME: NAME, EXPECTING_ADDRESS: ADDRESS}
_WORD_RUN = re.compile(rf"(?<![\w\[])(?:{ANY_WORD})(?:[\s,]+(?:{ANY_WORD}))*(?![\w\]])")


def _uncommon_words(placeholder: str) -> ReplaceFn:
    """Runs of words that are not ordinary words, typed where a name or address was asked."""

    def replace(match: Match[str]) -> str:
        pieces = re.split(r"([\s,]+)", match.group(0))
        out: list[str] = []
        pending = False
        for piece in pieces:
            if not piece or re.fullmatch(r"[\s,]+", piece):
                if not pending:
                    out.append(piece)
                continue
            if piece.lower() in COMMON_WORDS or piece.lower() in NOT_STREET_NAME:
                if pending and out and out[-1] == placeholder:
                    out.append(" ")
                pending = False
                out.append(piece)
            elif not pending:
                out.append(placeholder)
                pending = True
        return "".join(out)

    return replace


def redact(text: str, *, expecting: str | None = None) -> str:
    """``text`` with every kind of personal data above replaced by its placeholder.

    ``expecting``: ``"name"`` or ``"address"`` when the message answers a question asking
    for one (a form's requested slot). Then any word that is not an ordinary word is taken
    to be part of it, so a bare "kwame mensah" or "rose cottage" is caught too.
    """
    if not text:
        return text
    text, published = set_aside(text)
    for pattern, replacement in _EARLY_RULES:
        text = pattern.sub(replacement, text)
    text = redact_spoken_emails(text)
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    text = _redact_bare_references(text)
    text = redact_address_parts(text)
    if any(c.isdigit() for c in text) or "[EMAIL]" in text:
        for pattern, replacement in _AFTER_ADDRESS_RULES:
            text = pattern.sub(replacement, text)
    text = redact_special_categories(text)
    text = redact_cued_names(text)
    text = redact_names(text)
    text = redact_capitalised_runs(text)
    text = redact_names_by_context(text)
    if expecting in _EXPECTED_PLACEHOLDER:
        text = _WORD_RUN.sub(_uncommon_words(_EXPECTED_PLACEHOLDER[expecting]), text)
    for pattern, replacement in LATE_IDENTIFIER_RULES:
        text = pattern.sub(replacement, text)
    text = _LONG_NUMBER.sub(NUMBER, text)
    return put_back(_GLUED_BRACKETS.sub("] ", text), published)


def redact_value(value: object) -> object:
    """A slot value or other event field with any personal data in it replaced.

    Strings are redacted; lists and dicts element by element; numbers and booleans kept
    (they come from categorical questions, not from what a resident typed).
    """
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [redact_value(item) for item in value]
    if isinstance(value, dict):
        return {key: redact_value(item) for key, item in value.items()}
    return value

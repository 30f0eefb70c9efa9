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

Case references live in :mod:`bot.trainers.redaction_references`, dates in
:mod:`bot.trainers.redaction_dates`, and how far an address goes around a part found in
:mod:`bot.trainers.redaction_address_extent`. The cue-based name rules live in
:mod:`bot.trainers.redaction_name_cues`, names found by
the words around them in :mod:`bot.trainers.redaction_name_context`, addresses told by
what is near them in :mod:`bot.trainers.redaction_places`, and the council's own published
contact details, which are kept, in :mod:`bot.trainers.redaction_published`.

Beside these, in their own modules: IP addresses, cards, bank details, licences,
registrations and any number spelt out (:mod:`bot.trainers.redaction_identifiers`); house
names, flats and towns (:mod:`bot.trainers.redaction_addresses`); names found from Faker's
name lists, chosen there and said why (:mod:`bot.trainers.redaction_names`); and special
category phrases, one placeholder per category so a trainer still sees what a message is
about (:mod:`bot.trainers.redaction_special`).

Beside all these rules, a learned recogniser (:mod:`bot.trainers.redaction_learned`, a CRF
trained on the annotated corpora) marks words the rules kept, with the same placeholders;
:func:`redact` is the union, :func:`redact_by_rules` the rules alone.

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

from bot.trainers.redaction_addresses import redact_address_parts
from bot.trainers.redaction_dates import DATE, DATE_RULES
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
from bot.trainers.redaction_learned import shipped
from bot.trainers.redaction_name_context import redact_names_by_context
from bot.trainers.redaction_name_cues import ANY_WORD, redact_capitalised_runs, redact_cued_names
from bot.trainers.redaction_names import redact_names
from bot.trainers.redaction_published import put_back, set_aside
from bot.trainers.redaction_references import (
    EARLY_REFERENCE_RULES,
    REFERENCE,
    REFERENCE_CUE_RULES,
    redact_bare_references,
)
from bot.trainers.redaction_special import SPECIAL_PLACEHOLDERS, redact_special_categories
from bot.trainers.redaction_words import COMMON_WORDS, NOT_STREET_NAME, STREET_TYPES

NAME = "[NAME]"
EMAIL = "[EMAIL]"
PHONE = "[PHONE]"
POSTCODE = "[POSTCODE]"
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

# -- addresses -------------------------------------------------------------------------------

_HOUSE_AND_STREET = re.compile(
    r"\b(?:(?:flat|apartment|apt|unit)\s*\d+[a-z]?,?\s+)?"
    r"\d{1,4}[a-z]?(?:\s*[-–]\s*\d{1,4}[a-z]?)?,?\s+"
    r"((?:[a-z][a-z'’.\-]*\s+){1,3})" + STREET_TYPES + r"\b\.?",
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
    r"or|thanks|thank|cheers|regards)\b)(?!\s[-–—]\s)(?:(?<=\bno)\.|[^.!?\n;]))+)",
    _I,
)
_LONG_NUMBER = re.compile(r"(?<![\w\[])\d{7,}(?![\w\]])")


ReplaceFn = Callable[[Match[str]], str]


def _keep_cue(placeholder: str) -> ReplaceFn:
    """Replace group 2 of a cue pattern, keeping the cue (group 1): "postcode [POSTCODE]"."""
    return lambda match: match.group(1) + placeholder



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
    *EARLY_REFERENCE_RULES,
    (_NI, NI_NUMBER),
    *EARLY_RULES_MORE,
    *IDENTIFIER_RULES,
]
_RULES: list[tuple[Pattern[str], str | ReplaceFn]] = [
    (_EMAIL_SPELT, EMAIL),
    *REFERENCE_CUE_RULES,
    (_NI_CUE, _keep_cue(NI_NUMBER)),
    (_PHONE_INTERNATIONAL, PHONE),
    (_PHONE_NATIONAL, PHONE),
    (_PHONE_CUE, _cued_phone),
    (_POSTCODE, POSTCODE),
    (_POSTCODE_CUE, _keep_cue(POSTCODE)),
    *DATE_RULES,
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
    """``text`` with every kind of personal data above replaced by its placeholder: the
    rules' output (:func:`redact_by_rules`), plus whatever the learned recogniser
    (:mod:`bot.trainers.redaction_learned`) marks among the words the rules kept.

    ``expecting``: ``"name"`` or ``"address"`` when the message answers a question asking
    for one (a form's requested slot). Then any word that is not an ordinary word is taken
    to be part of it, so a bare "kwame mensah" or "rose cottage" is caught too.
    """
    by_rules = redact_by_rules(text, expecting=expecting)
    recogniser = shipped()
    if not text or recogniser is None:
        return by_rules
    return recogniser.redact(text, by_rules)


def redact_by_rules(text: str, *, expecting: str | None = None) -> str:
    """:func:`redact` by the hand-written rules alone (what the recogniser sees)."""
    if not text:
        return text
    text, published = set_aside(text)
    for pattern, replacement in _EARLY_RULES:
        text = pattern.sub(replacement, text)
    text = redact_spoken_emails(text)
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    text = redact_bare_references(text)
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

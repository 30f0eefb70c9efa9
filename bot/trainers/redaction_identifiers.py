"""Identifiers that are numbers or codes: IP addresses, cards, bank details, NHS, passport,
driving licence and account numbers, vehicle registrations, and any of them spelt out.

A resident types these in every spacing ("485 777 3456", "485-777-3456", "9 8 7 6 5 4 3 2
1 0") and in words ("four eight five, seven seven seven ..."). Rather than one pattern per
scheme and spacing, two shapes catch them all: a run of digit groups holding six or more
digits, and a code that mixes letters and at least three digits. Only the shapes that need
their own rule have one (a card's last four after "ending", IPv6, a licence split by
spaces, a registration, which has too few digits for the shapes above).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from re import Match, Pattern

from bot.trainers.redaction_words import COMMON_WORDS

NUMBER = "[NUMBER]"
PHONE = "[PHONE]"
IP_ADDRESS = "[IP_ADDRESS]"
CARD = "[CARD_NUMBER]"
BANK = "[BANK_DETAILS]"
VEHICLE = "[VEHICLE_REG]"
LICENCE = "[LICENCE_NUMBER]"

_I = re.IGNORECASE

# With a port or a prefix length too: "192.0.2.44:8080", "203.0.113.9/24".
IPV4 = re.compile(
    r"(?<![\w.])(?:\d{1,3}\s?\.\s?){3}\d{1,3}(?:(?::\d{1,5})|(?:/\d{1,2}))?(?![\w.]|\.\d)"
)
# "::ffff:192.0.2.1": an IPv4 address inside an IPv6 one, after the IPv4 part is replaced.
IPV4_MAPPED = re.compile(r"(?<![\w:])(?:[0-9a-f]{0,4}:){2,6}\[IP_ADDRESS\]", _I)
_IPV6 = re.compile(r"(?<![\w:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{1,4}(?![\w:])", _I)


def _ipv6(match: Match[str]) -> str:
    text = match.group(0)
    return IP_ADDRESS if "::" in text or text.count(":") >= 4 else text


# DVLA licence: 5 of the surname (9-padded), 6 digits, 2 initials, a digit, 2 letters.
LICENCE_NUMBER = re.compile(
    r"\b[A-Z][A-Z9]{4}\s*\d{6}\s*[A-Z9]\s*[A-Z9]\s*\d\s*[A-Z0-9]\s*[A-Z0-9]\b", _I
)
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){3,7}(?:\s?[A-Z0-9]{1,3})?\b", _I)
SORT_CODE = re.compile(
    r"\b(sort\s*-?code\s*(?:is|:)?\s*)(\d{2}[\s\-]?\d{2}[\s\-]?\d{2})\b", _I
)
_LAST_DIGITS = (
    r"(?:\d{4}|(?:(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|double\s+\w+)"
    r"[\s,\-]*){2,4})"
)
CARD_ENDING = re.compile(
    r"\b((?:card\s+)?(?:ending|ends|ended)(?:\s+(?:in|with))?\s*:?\s*|last\s+(?:four|4)"
    r"(?:\s+(?:digits|numbers))?(?:\s+(?:are|is|of\s+my\s+card\s+are))?\s*:?\s*)("
    + _LAST_DIGITS + r")\b",
    _I,
)

# Registrations: current (AB12 CDE), prefix (A123 BCD), suffix (ABC 123D), dateless (K1 LLY).
_REGISTRATIONS = [
    re.compile(r"\b([A-Z]{2})[\s\-]?(\d{2})[\s\-]?([A-Z]{3})\b", _I),
    re.compile(r"\b([A-Z])(\d{1,3})[\s\-]?([A-Z]{3})\b", _I),
    re.compile(r"\b([A-Z])\s(\d{1,3})[\s\-]?([A-Z]{3})\b"),
    re.compile(r"\b([A-Z]{3})[\s\-]?(\d{1,3})([A-Z])\b", _I),
]
_SHORT_WORDS = frozenset(
    """the and for you are not but can was has had his her our its may all any now how who
    why yes off out day one two six ten get got let see use new old big per via ago age
    pay set put due end own way few lot too top job bus car van fee tax bin pcn ref
    got did was has had not""".split()
)


def _registration(match: Match[str]) -> str:
    letters = [g for g in match.groups() if g.isalpha()]
    if any(len(g) > 1 and (g.lower() in COMMON_WORDS or g.lower() in _SHORT_WORDS)
           for g in letters):
        return match.group(0)
    if match.group(0).islower() and len(letters[0]) == 1:
        return match.group(0)  # "a123 bcd" typed in lower case is too unlike a plate
    return VEHICLE


# Codes mixing letters and digits (HB7730219, CWC00812344, K8876543), three digits or more.
_CODE = re.compile(r"(?<![\w\[])(?=[A-Za-z0-9\-/]*\d)[A-Za-z]{1,4}[\-/]?\d[A-Za-z0-9\-/]*"
                   r"(?<![\-/])(?![\w\]])")
_NOT_CODES = re.compile(r"\d+(?:st|nd|rd|th|am|pm|s|k|kg|km|mb|gb|ml|mg|mm|cm|m|p|x)$", _I)


def _code(match: Match[str]) -> str:
    token = match.group(0)
    digits = sum(c.isdigit() for c in token)
    if digits < 3 or len(token) < 5 or _NOT_CODES.fullmatch(token):
        return token
    return NUMBER


# Digit groups holding six or more digits: NHS, card, account, passport, sort code ...
_DIGIT_GROUPS = re.compile(r"(?<![\w\[£$€.,])\d+(?:(?:\s{1,2}|\s?[\-./]\s?)\d+)*(?![\w\]]|[.,]\d)")
_YEAR = re.compile(r"(?:19|20)\d{2}")


def _digit_groups(match: Match[str]) -> str:
    text = match.group(0)
    groups = re.findall(r"\d+", text)
    if sum(len(g) for g in groups) < 6:
        return text
    if all(_YEAR.fullmatch(g) for g in groups):
        return text  # "2019 2020" is a period, not an account
    return NUMBER


# Spelt out: "oh seven seven double oh nine ...", "Q Q one two three ...", "C H one, two H S".
_DIGIT_WORD = (
    r"(?:zero|oh|o|nought|nil|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|"
    r"fifty|sixty|seventy|eighty|ninety|hundred|thousand|double|triple|treble|\d{1,5})"
)
_SPELT_TOKEN = r"(?:" + _DIGIT_WORD + r"|[a-z])"
SPELT_OUT = re.compile(
    r"(?<![\w\[])" + _SPELT_TOKEN + r"(?:(?:\s*[,\-]\s*|\s+(?:and\s+)?)" + _SPELT_TOKEN
    + r"){3,}(?![\w\]])",
    _I,
)
_DIGIT_WORD_RE = re.compile(_DIGIT_WORD + r"$", _I)


def _spelt_out(match: Match[str]) -> str:
    tokens = re.findall(r"[A-Za-z]+|\d+", match.group(0))
    numeric = [t for t in tokens if _DIGIT_WORD_RE.match(t) and t.lower() not in ("o",)]
    letters = [t for t in tokens if len(t) == 1 and t.isalpha()]
    if len(numeric) >= 4 or (len(numeric) >= 2 and len(letters) >= 2 and len(tokens) >= 5):
        return NUMBER
    return match.group(0)


# Phone numbers typed with the letter O for zero ("O7700 9OO 555").
PHONE_WITH_OS = re.compile(r"(?<![\w+])(?<!\d-)[0oO][1-9](?:[\s\-.]{0,2}[\doO]){8,9}(?![\w])")


def _phone_with_os(match: Match[str]) -> str:
    return PHONE if sum(c.isdigit() for c in match.group(0)) >= 4 else match.group(0)


_IP_WORD = r"(?:zero|oh|o|nought|one|two|three|four|five|six|seven|eight|nine|ten|\d{1,3})"
_IP_GROUP = _IP_WORD + r"(?:[\s\-]+" + _IP_WORD + r"){0,3}"
# Read out: "one nine two dot one six eight dot zero dot one".
IP_SPOKEN = re.compile(
    r"\b" + _IP_GROUP + r"(?:\s*(?:\bdot\b|\bpoint\b|\.)\s*" + _IP_GROUP + r"){3}\b", _I
)
# After a word that says an identifier follows ("badge number", "reg", "permit no."): the
# code, however it is spaced, when it holds three digits or more ("AB12 345 67").
_ID_CUE = re.compile(
    r"\b((?:number|no\.|no(?=\s+\d)|num|#|ref|reference|account|acct|id|reg|registration|plate|"
    r"permit|badge|card|licence|license|passport|claim|payroll|tenancy|customer)\b"
    r"(?:\s+(?:(?:number|num)\b|no\.?(?!\w)))?\s*(?:(?:is|was)\b|:|-)?\s*)"
    r"((?:[A-Z]{1,4}|\d)[A-Z\d]*(?:[\s\-/.]{1,2}(?:[A-Z]{1,3}\d[A-Z\d]*|\d[A-Z\d]*|[A-Z]{1,3}(?=\s*$|[\s.,;!?)]))){0,11})",
    _I,
)


def _cued_id(match: Match[str]) -> str:
    code = match.group(2).rstrip(" .-/")
    # a word after the code is not part of it: "card 4242 got charged"
    while True:
        head, _, last = code.rpartition(" ")
        if not head or not last.isalpha() or last.isupper():
            break
        if len(last) <= 3 and last.lower() not in COMMON_WORDS | _SHORT_WORDS:
            break  # the letters that end a registration: "m123 abc"
        code = head.rstrip(" .-/")
    if sum(c.isdigit() for c in code) < 3:
        return match.group(0)
    words = code.split()
    if any(w.isalpha() and len(w) > 1 and w.lower() in COMMON_WORDS for w in words):
        return match.group(0)
    return match.group(1) + NUMBER + match.group(2)[len(code):]


Rule = tuple[Pattern[str], "str | Callable[[Match[str]], str]"]
IDENTIFIER_RULES: list[Rule] = [
    (IPV4, IP_ADDRESS),
    (IP_SPOKEN, IP_ADDRESS),
    (IPV4_MAPPED, IP_ADDRESS),
    (_IPV6, _ipv6),
    (LICENCE_NUMBER, LICENCE),
    (IBAN, BANK),
    (SORT_CODE, lambda m: m.group(1) + BANK),
    (CARD_ENDING, lambda m: m.group(1) + CARD),
    (PHONE_WITH_OS, _phone_with_os),
    *[(pattern, _registration) for pattern in _REGISTRATIONS],
]
LATE_IDENTIFIER_RULES: list[Rule] = [
    (_ID_CUE, _cued_id),
    (_CODE, _code),
    (_DIGIT_GROUPS, _digit_groups),
    (SPELT_OUT, _spelt_out),
]


# An email address read out: "amy underscore jones at hotmail dot co dot uk",
# "m.oneill at example.com", "b o g d a n at example dot ro".
EMAIL = "[EMAIL]"
_SPOKEN_DOMAIN = re.compile(
    r"\s(?:at|\(at\)|\[at\])\s+[\w\-]+(?:(?:\s+dot\s+|\s*\(dot\)\s*|\s*\[dot\]\s*|\.(?=\w))"
    r"[a-z]{2,10})+\b",
    _I,
)
_LOCAL_JOINERS = frozenset("dot underscore dash hyphen point".split())
_CUE_WORDS = frozenset("email e-mail mail me is at to address on my his her: reply send".split())


def _local_part_start(text: str, end: int) -> int:
    """Where the spoken local part before `` at ...`` starts (up to six tokens back)."""
    tokens = list(re.finditer(r"[\w.+\-']+", text[:end]))
    start = end
    for match in reversed(tokens[-6:]):
        word = match.group(0).lower().removesuffix("'s")
        if word in _CUE_WORDS or word.endswith(":"):
            break
        from bot.trainers.redaction_names import is_english

        if (is_english(word) and word not in _LOCAL_JOINERS and len(word) > 1
                and not _DIGIT_WORD_RE.match(word)):
            break
        start = match.start()
    return start


def redact_spoken_emails(text: str) -> str:
    out, position = [], 0
    for match in _SPOKEN_DOMAIN.finditer(text):
        if match.start() < position:
            continue
        start = _local_part_start(text, match.start())
        if start == match.start():
            continue
        out.append(text[position:start])
        out.append(EMAIL)
        position = match.end()
    out.append(text[position:])
    return "".join(out)


# -- added for issue 12 (generalisation) -----------------------------------------------------

POSTCODE = "[POSTCODE]"
REFERENCE = "[REFERENCE]"
# The UK's postcode areas: a district ("CH1", "cw9", "M3") is a postcode only with one of these.
POSTCODE_AREAS = frozenset(
    """AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT
    DY E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA
    LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE
    SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO
    ZE""".split()
)
_DISTRICT = r"([A-Za-z]{1,2})\s?(\d{1,2}[A-Za-z]?)"
# A district where the words say it is a place: "live in CH1", "cw9 area", "[ADDRESS] M3";
# and a full postcode typed a character at a time ("ch 4 8 s w").
_DISTRICT_CUED = re.compile(
    r"(?:(?<=\blive\sin\s)|(?<=\blives\sin\s)|(?<=\bbased\sin\s)|(?<=\bin\sthe\s)|"
    r"(?<=\bnear\s)|(?<=^))" + _DISTRICT
    + r"\b(?=\s*(?:area|district|postcode|way|side|\(|,|—|-|$))"
    r"|\b" + _DISTRICT + r"(?=\s+(?:area|district)\b)"
)
# "I'm in CH64 now": after "in", a district of a two-letter area ("in B5" may be paper).
_DISTRICT_IN = re.compile(r"(?<=\bin\s)([A-Za-z]{2})(\d{1,2}[A-Za-z]?)\b(?!\s*\d[A-Za-z]{2})")
_DISTRICT_AFTER_ADDRESS = re.compile(r"(?<=\[ADDRESS\])(,?\s+)" + _DISTRICT + r"\b")
# The inward code split ("CW6 9 BT"), or only its digit known ("it's WA6 6 something").
_SPLIT_POSTCODE = re.compile(r"\b([A-Z]{1,2})\d[A-Z\d]?\s*\d\s+[A-Z]{2}\b")
_PARTIAL_POSTCODE = re.compile(r"\b([A-Z]{2})\d[A-Z\d]?\s\d\b(?![\d.,:%/])")
_SPACED_POSTCODE = re.compile(
    r"\b([A-Za-z])\s?([A-Za-z])?\s+(\d)(?:\s+(\d))?\s+(\d)\s+([A-Za-z])\s+([A-Za-z])\b"
)


def _district(match: Match[str]) -> str:
    area = (match.group(1) or match.group(3) or "").upper()
    return POSTCODE if area in POSTCODE_AREAS else match.group(0)


def _district_after_address(match: Match[str]) -> str:
    if match.group(2).upper() in POSTCODE_AREAS:
        return match.group(1) + POSTCODE
    return match.group(0)


def _spaced_postcode(match: Match[str]) -> str:
    area = (match.group(1) + (match.group(2) or "")).upper()
    return POSTCODE if area in POSTCODE_AREAS else match.group(0)


# Emails typed a character at a time ("m a r y . o b i @ o u t l o o k . c o m"), with
# bracketed "(at)"/"(dot)" and any top-level domain, or led by "the letter k then ...".
SPACED_EMAIL = re.compile(r"(?<!\S)(?:[\w.+\-]\s){2,}@(?:\s[\w.\-](?!\S))+")
BRACKETED_EMAIL = re.compile(
    r"[\w.+\-']+\s*[\(\[]\s*at\s*[\)\]]\s*[\w\-]+(?:\s*[\(\[]\s*dot\s*[\)\]]\s*[a-z]{2,10})+", _I
)
LETTER_LEAD = re.compile(r"\b(?:the\s+letter\s+\w\s+(?:then\s+|and\s+then\s+)?)+\[EMAIL\]", _I)
# Defanged ("192[.]0[.]2[.]9") and read out with tens ("two dot eighty").
DEFANGED_IP = re.compile(
    r"(?<![\w.])(?:\d{1,3}\s?(?:\[\.\]|\(\.\)|\[dot\]|\(dot\))\s?){3}\d{1,3}\b", _I
)
_TENS = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred)"
_IP_WORD_MORE = (
    r"(?:zero|oh|o|nought|one|two|three|four|five|six|seven|eight|nine|ten|" + _TENS + r"|\d{1,3})"
)
_IP_GROUP_MORE = _IP_WORD_MORE + r"(?:[\s\-]+(?:and\s+)?" + _IP_WORD_MORE + r"){0,3}"
IP_SPOKEN_MORE = re.compile(
    r"\b" + _IP_GROUP_MORE + r"(?:\s*(?:\bdot\b|\bpoint\b)\s*" + _IP_GROUP_MORE + r"){3}\b", _I
)
# A case reference read out ("D P A dash seven Q four K dash ..."), and its end alone after
# "ends"/"ending" ("it ends 92MD").
_SPOKEN_SYMBOL = (r"(?:[A-Z]|zero|oh|one|two|three|four|five|six|seven|eight|nine|\d)")
SPOKEN_REFERENCE = re.compile(
    r"\bD[\s.]*P[\s.]*A\b(?:[\s,]+(?:dash|hyphen|(?!I\s+(?-i:[a-z]))" + _SPOKEN_SYMBOL
    + r")\b){6,}", _I
)
REFERENCE_ENDING = re.compile(
    r"\b((?:ends?|ending|finishes)(?:\s+(?:in|with))?\s*[:\-–]?\s*)((?=[A-Z]*\d)(?=\d*[A-Z])[A-Z0-9]{4})\b",
    _I,
)

EARLY_RULES_MORE: list[Rule] = [
    (SPACED_EMAIL, EMAIL),
    (BRACKETED_EMAIL, EMAIL),
    (DEFANGED_IP, IP_ADDRESS),
    (IP_SPOKEN_MORE, IP_ADDRESS),
    (SPOKEN_REFERENCE, REFERENCE),
    (REFERENCE_ENDING, lambda m: m.group(1) + REFERENCE),
    (_SPACED_POSTCODE, _spaced_postcode),
    (_SPLIT_POSTCODE, _district),
]
# An IPv6 address in brackets with a port ("[2001:db8::7]:8080") or with its zone ("%eth0").
IP_AROUND = re.compile(r"\[\[IP_ADDRESS\]\](?::\d{1,5})?|\[IP_ADDRESS\]%\w+")

LATE_RULES_MORE: list[Rule] = [
    (LETTER_LEAD, EMAIL),
    (_DISTRICT_CUED, _district),
    (_DISTRICT_AFTER_ADDRESS, _district_after_address),
    (_DISTRICT_IN, _district),
    (_PARTIAL_POSTCODE, _district),
    (IP_AROUND, IP_ADDRESS),
]

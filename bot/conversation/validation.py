"""Reading what residents type into the request form: dates of birth, emails, postcodes, ...

Residents answer in a chat box, so answers arrive with extra words ("my email is ..."), in
any case and spacing, and sometimes wrong. Each ``check_*`` function returns a
:class:`Checked`: the normalised value, or a plain-English reason addressed to the resident
that the form shows before asking again. They never raise on what a person typed (only on a
programming mistake, such as ``min_age > max_age``), never log (the answers are personal
data), and import nothing from Rasa, so the form's rules are tested in milliseconds.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from dateutil import parser as dateutil_parser

__all__ = [
    "Checked",
    "check_case_reference",
    "check_date_of_birth",
    "check_email",
    "check_full_name",
    "check_uk_phone",
    "check_uk_postcode",
    "extract_email",
    "extract_uk_phone",
    "extract_uk_postcode",
    "is_skip_answer",
]

T = TypeVar("T")

# Longer answers are not a single date, email, ... and are not worth parsing (a pasted
# letter would only slow the action server down).
MAX_ANSWER_LENGTH = 500
MAX_NAME_LENGTH = 100
DEFAULT_MAX_AGE = 120


@dataclass(frozen=True)
class Checked(Generic[T]):
    """The outcome of reading one answer: a normalised value, or the reason it can't be used."""

    value: T | None
    problem: str | None

    def __post_init__(self) -> None:
        # Exactly one of the two, so callers can trust ``ok`` and never show "None".
        if (self.value is None) == (self.problem is None):
            raise ValueError("Checked needs either a value or a problem, not both or neither")

    @property
    def ok(self) -> bool:
        return self.problem is None

    @classmethod
    def good(cls, value: T) -> Checked[T]:
        return cls(value=value, problem=None)

    @classmethod
    def bad(cls, problem: str) -> Checked[T]:
        return cls(value=None, problem=problem)


def _usable_text(text: object) -> str | None:
    """The answer stripped, or None when it is not text or too long to be one value."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    if len(text) > MAX_ANSWER_LENGTH:
        return None
    return text


# Curly quotes from phones' keyboards; a name or email typed on a phone should match the
# same name typed on a computer.
_APOSTROPHES = str.maketrans(dict.fromkeys("\u2019\u2018\u02bc`\u00b4", "'"))
_HYPHENS = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2212", "-"))


def _tidy(text: str) -> str:
    """NFC, straight apostrophes and hyphens, single spaces."""
    text = unicodedata.normalize("NFC", text).translate(_APOSTROPHES).translate(_HYPHENS)
    return " ".join(text.split())


# --- Dates of birth ---------------------------------------------------------------------------

_NOT_A_DATE = (
    "I couldn't read that as a date. Please type it like 3 March 1984 or 03/03/1984."
)
_GIVE_DATE_OF_BIRTH = "Please give {their} date of birth, for example 3 March 1984."
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)

# Written-out ordinals ("the third of March"), which dateutil does not read.
_ORDINAL_WORDS = {
    word: number
    for number, word in enumerate(
        (
            "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
            "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth "
            "twentieth"
        ).split(),
        start=1,
    )
}
_ORDINAL_WORDS.update({f"twenty {w}": 20 + n for w, n in list(_ORDINAL_WORDS.items())[:9]})
_ORDINAL_WORDS.update({"thirtieth": 30, "thirty first": 31})
_ORDINAL_PATTERN = re.compile(
    r"\b("
    + "|".join(w.replace(" ", "[ -]") for w in sorted(_ORDINAL_WORDS, key=len, reverse=True))
    + r")\b",
    re.IGNORECASE,
)

# Numeric dates are read here rather than by dateutil: with dayfirst=True it reads
# 1984-03-04 as 3 April and silently swaps 12/25/1984 to month-first, and a UK date of
# birth must be read day-first or not at all.
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{1,2})(?![\d])")
_DAY_FIRST_DATE = re.compile(
    r"(?<![\d.])(\d{1,2})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})(?![\d])"
    r"|(?<![\d.])(\d{1,2}) (\d{1,2}) (\d{4}|\d{2})(?![\d])"
)
_DIGITS_ONLY_DATE = re.compile(r"(?<![\d])(\d{8}|\d{6})(?![\d])")
_DAY_MONTH_ONLY = re.compile(r"(?<![\d/.\-])(\d{1,2})\s*[-/.]\s*(\d{1,2})(?!\d|\s*[-/.]\s*\d)")
_YEAR_ONLY = re.compile(r"(?<![\d])(1[89]\d\d|20\d\d)(?![\d])")

# Tokens that may sit around a month name inside a date ("on the 5th of June, 1975").
_DATE_TOKEN = re.compile(r"[^\W\d_]+|\d+(?:st|nd|rd|th)?|[^\w\s]")
_DATE_FILLER_WORDS = {"the", "of", "on", "in"}
_DATE_PUNCTUATION = {",", ".", "-", "/", "'"}


@dataclass(frozen=True)
class _DateFields:
    """What the resident actually typed; None where a part was left out."""

    day: int | None
    month: int | None
    year: int | None
    two_digit_year: bool = False


class _RecordingParserInfo(dateutil_parser.parserinfo):
    """dateutil's vocabulary, recording which fields the text really gave.

    dateutil fills missing fields from a default date ("March" becomes this year's 23rd of
    March). ``validate`` sees the parsed fields before that happens, so we keep them and
    build the date ourselves. Two-digit years are kept as typed (``convertyear`` does
    nothing) because the century depends on the resident's plausible age, not on now +- 50.
    """

    def __init__(self) -> None:
        super().__init__(dayfirst=True)
        self.fields: _DateFields | None = None

    def convertyear(self, year: int, century_specified: bool = False) -> int:
        return year

    def validate(self, res: Any) -> bool:  # res: dateutil's (private) _result
        two_digit = res.year is not None and not res.century_specified and res.year < 100
        self.fields = _DateFields(res.day, res.month, res.year, two_digit)
        return super().validate(res)


_MONTH_LOOKUP = dateutil_parser.parserinfo()


def _is_month_word(token: str) -> bool:
    return token.isalpha() and _MONTH_LOOKUP.month(token) is not None


def _month_span(tokens: list[str], at: int) -> tuple[list[str], int]:
    """The tokens around the month name at ``at`` that can belong to the date.

    Stops at other words and allows a day and a year at most, so "I'm 41, born 3 March
    1984" gives "3 March 1984". Returns the span and how many numbers it holds.
    """

    def fits(token: str) -> bool:
        return (
            token in _DATE_FILLER_WORDS
            or token in _DATE_PUNCTUATION
            or (token.isalpha() and _MONTH_LOOKUP.weekday(token) is not None)
            or token[0].isdigit()
        )

    numbers = 0
    start = at
    while start > 0 and fits(tokens[start - 1]):
        if tokens[start - 1][0].isdigit():
            if numbers == 1:
                break
            numbers += 1
        start -= 1
    end = at + 1
    while end < len(tokens) and fits(tokens[end]) and not _is_month_word(tokens[end]):
        if tokens[end][0].isdigit():
            if numbers == 2:
                break
            numbers += 1
        end += 1
    return tokens[start:end], numbers


def _fields_from_words(text: str) -> _DateFields | None:
    """Fields of a date written with a month name, read by dateutil; None if there is none."""
    text = _ORDINAL_PATTERN.sub(
        lambda m: str(_ORDINAL_WORDS[re.sub(r"[ -]+", " ", m.group(1).lower())]), text
    )
    tokens = _DATE_TOKEN.findall(text.lower())
    spans = [_month_span(tokens, i) for i, token in enumerate(tokens) if _is_month_word(token)]
    if not spans:
        return None
    # "it may be 3 March 1984": the month with numbers beside it is the date.
    span, _ = max(spans, key=lambda item: item[1])
    info = _RecordingParserInfo()
    try:
        dateutil_parser.parser(info).parse(" ".join(span), fuzzy=True)
    except (ValueError, OverflowError):
        pass  # e.g. 31 February: the fields were still recorded; judged below
    return info.fields


def _fields_from_numbers(text: str) -> _DateFields | None:
    """Fields of an all-numeric date (ISO year-first, otherwise day-first); None if none."""
    if match := _ISO_DATE.search(text):
        year, _, month, day = match.groups()
        return _DateFields(int(day), int(month), int(year))
    if match := _DAY_FIRST_DATE.search(text):
        groups = match.groups()
        day, month, year = (groups[0], groups[2], groups[3]) if groups[0] else groups[4:]
        return _DateFields(int(day), int(month), int(year), two_digit_year=len(year) == 2)
    if match := _DIGITS_ONLY_DATE.search(text):
        digits = match.group(1)
        if len(digits) == 6:  # DDMMYY
            return _DateFields(int(digits[:2]), int(digits[2:4]), int(digits[4:]), True)
        day_first = _DateFields(int(digits[:2]), int(digits[2:4]), int(digits[4:]))
        if 1 <= day_first.month <= 12 and 1 <= day_first.day <= 31:  # DDMMYYYY
            return day_first
        year_first = _DateFields(int(digits[6:]), int(digits[4:6]), int(digits[:4]))
        if 1 <= year_first.month <= 12 and 1 <= year_first.day <= 31:  # YYYYMMDD
            return year_first
        return day_first  # judged (and refused) below
    return None


def _read_date_fields(text: str) -> _DateFields | None:
    """Whatever parts of a date the answer holds, or None when it holds none."""
    fields = _fields_from_numbers(text) or _fields_from_words(text)
    if fields is not None and (fields.day, fields.month, fields.year) != (None, None, None):
        return fields
    if match := _DAY_MONTH_ONLY.search(text):
        return _DateFields(int(match.group(1)), int(match.group(2)), None)
    if match := _YEAR_ONLY.search(text):
        return _DateFields(None, None, int(match.group(1)))
    return None


def _age_on(born: date, today: date) -> int:
    """Whole years lived; someone born on 29 February turns a year older on 1 March."""
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _years_old(age: int) -> str:
    if age == 0:
        return "less than a year old"
    return "1 year old" if age == 1 else f"{age} years old"


def _impossible_date_problem(day: int, month: int, year: int | None) -> str | None:
    """Why day/month/year is not a real date, or None when it is."""
    if not 1 <= month <= 12:
        return (
            f"There is no month {month}. Please give the day first, then the month, "
            "then the year, for example 03/03/1984."
        )
    if not 1 <= day <= 31:
        return f"There is no day {day} in any month. Please check the date."
    try:
        date(year if year and year >= 1 else 2000, month, day)  # 2000 is a leap year
    except ValueError:
        name = _MONTH_NAMES[month - 1]
        if year is None:
            return f"There is no {day} {name}. Please check the day and month."
        if (day, month) == (29, 2):
            return (
                f"There is no 29 February {year}: {year} isn't a leap year. "
                "Please check the date."
            )
        return f"There is no {day} {name} {year}. Please check the day and month."
    return None


def _age_problem(
    born: date, today: date, min_age: int, max_age: int, them: bool = False
) -> str | None:
    """Why ``born`` is not a plausible date of birth, worded for the resident or, with
    ``them``, for the person a request is made for."""
    who, they, their = ("them", "they", "their") if them else ("you", "you", "your")
    if born > today:
        return f"That date is in the future. {_GIVE_DATE_OF_BIRTH.format(their=their)}"
    if born == today:
        return f"That's today's date. {_GIVE_DATE_OF_BIRTH.format(their=their)}"
    age = _age_on(born, today)
    if age > max_age:
        return f"That would make {who} {age} years old. Please check the year."
    if age < min_age:
        return (
            f"That would make {who} {_years_old(age)}, but {they} need to be at least "
            f"{min_age}. Please check the date."
        )
    return None


def _resolve_two_digit_year(
    day: int, month: int, yy: int, today: date, min_age: int, max_age: int, them: bool = False
) -> Checked[date]:
    """The most recent past date with year ``..yy`` that gives a plausible age.

    Only the two most recent centuries can give a plausible age. When the recent one makes
    the resident too young and the older one fits, "15" could mean 1915 or 2015: ask for
    the full year rather than guess about someone's identity.
    """
    century = today.year // 100 * 100
    years = [year for year in (century + yy, century + yy - 100, century + yy - 200)
             if 1 <= year <= today.year]
    if not years:  # a "today" in the first century: nothing can be past
        return Checked.bad(_NOT_A_DATE)
    candidates = []
    for year in years:
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue  # 29 February in a year that isn't a leap year
    if not candidates:
        return Checked.bad(_impossible_date_problem(day, month, years[0]) or _NOT_A_DATE)
    past = [born for born in candidates if born <= today][:2]
    if not past:
        problem = _age_problem(candidates[0], today, min_age, max_age, them)
        return Checked.bad(problem or _NOT_A_DATE)
    recent = past[0]
    problem = _age_problem(recent, today, min_age, max_age, them)
    if problem is None:
        return Checked.good(recent)
    if recent != today and _age_on(recent, today) < min_age and len(past) > 1:
        if _age_problem(past[1], today, min_age, max_age) is None:
            return Checked.bad(
                f"Please type the year in full, for example {past[1].year} or {recent.year}, "
                "so I know which one you mean."
            )
    return Checked.bad(problem)


def check_date_of_birth(
    text: str,
    *,
    today: date | None = None,
    min_age: int = 0,
    max_age: int = DEFAULT_MAX_AGE,
    them: bool = False,
) -> Checked[date]:
    """Read a date of birth as a UK resident types it (day first), refusing guesses.

    Surrounding words are ignored ("born on the 5th of June 1975"). A date with a part
    missing is refused with what is missing, never completed from today's date; a
    two-digit year becomes the most recent past year giving an age from ``min_age`` to
    ``max_age``. With ``them`` the reasons speak of the person a request is made for
    ("that would make them 176 years old").
    """
    if min_age < 0 or max_age < min_age:
        raise ValueError(f"need 0 <= min_age <= max_age, got {min_age} and {max_age}")
    if isinstance(today, datetime):  # whose midnight? the caller must say which local date
        raise TypeError("today must be a date, not a datetime")
    today = today or date.today()
    answer = _usable_text(text)
    if not answer:
        return Checked.bad(_NOT_A_DATE)
    fields = _read_date_fields(_tidy(answer))
    if fields is None:
        return Checked.bad(_NOT_A_DATE)
    day, month, year = fields.day, fields.month, fields.year
    if year is None:
        if day is not None and month is not None:
            return Checked.bad(
                _impossible_date_problem(day, month, None)
                or "Please include the year, for example 3 March 1984."
            )
        if month is not None:
            return Checked.bad("Please give the day and the year too, for example 3 March 1984.")
        return Checked.bad(_NOT_A_DATE)
    if month is None:
        if day is None:
            return Checked.bad("Please give the day and month too, for example 3 March 1984.")
        return Checked.bad(_NOT_A_DATE)
    if day is None:
        return Checked.bad("Please include the day as well, for example 3 March 1984.")
    if fields.two_digit_year:
        impossible = _impossible_date_problem(day, month, None)
        if impossible:
            return Checked.bad(impossible)
        return _resolve_two_digit_year(day, month, year, today, min_age, max_age, them)
    if year < 1 or year > 9999:
        return Checked.bad(_NOT_A_DATE)
    impossible = _impossible_date_problem(day, month, year)
    if impossible:
        return Checked.bad(impossible)
    born = date(year, month, day)
    problem = _age_problem(born, today, min_age, max_age, them)
    return Checked.bad(problem) if problem else Checked.good(born)


# --- Email addresses --------------------------------------------------------------------------

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
    answer = _usable_text(text)
    if answer is None:
        return Checked.bad(f"Please type just your email address, for example {EMAIL_EXAMPLE}.")
    answer = _tidy(answer).translate(str.maketrans({"\uff20": "@"}))
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
    for match in _EMAIL_CANDIDATE.finditer(_tidy(text[: MAX_ANSWER_LENGTH * 4])):
        candidate = _strip_wrapping(match.group())
        if _email_problem(candidate) is None:
            return _normalise_email(candidate)
    return None


# --- UK postcodes -----------------------------------------------------------------------------

POSTCODE_EXAMPLE = "CH1 2NP"
_NOT_A_POSTCODE = f"That doesn't look like a UK postcode; it should look like {POSTCODE_EXAMPLE}."

# Royal Mail's format, with the letters each position can hold (BS 7666): Q, V, X never
# start a postcode; I, J, Z are never second; the inward code never uses C, I, K, M, O, V.
_FIRST = "[ABCDEFGHIJKLMNOPRSTUWYZ]"
_SECOND = "[ABCDEFGHKLMNOPQRSTUVWXY]"
_THIRD = "[ABCDEFGHJKPSTUW]"  # A9A, e.g. W1A
_FOURTH = "[ABEHMNPRVWXY]"  # AA9A, e.g. SW1A
_INWARD_LETTER = "[ABDEFGHJLNPQRSTUWXYZ]"
_OUTWARD = (
    rf"(?:{_FIRST}\d{{1,2}}|{_FIRST}{_SECOND}\d{{1,2}}"  # A9, A99, AA9, AA99
    rf"|{_FIRST}\d{_THIRD}|{_FIRST}{_SECOND}\d{_FOURTH})"  # A9A, AA9A
)
_INWARD = rf"\d{_INWARD_LETTER}{{2}}"
_POSTCODE = re.compile(
    rf"(?<![A-Z0-9])"
    rf"(?:(?P<outward>{_OUTWARD})\s*(?P<inward>{_INWARD})|(?P<gir>GIR)\s*(?P<gir_inward>0AA))"
    rf"(?![A-Z0-9])",
    re.ASCII,  # only 0-9 are postcode digits
)


def _postcodes_in(text: str) -> list[str]:
    """Every postcode in ``text``, normalised ("CH1 2NP"), in order and without repeats."""
    found: list[str] = []
    for match in _POSTCODE.finditer(text.upper()):
        outward = match.group("outward") or match.group("gir")
        inward = match.group("inward") or match.group("gir_inward")
        postcode = f"{outward} {inward}"
        if postcode not in found:
            found.append(postcode)
    return found


def check_uk_postcode(text: str) -> Checked[str]:
    """A UK postcode in the official format, upper case with one space ("ch12np" -> "CH1 2NP").

    Accepts the postcode on its own or inside an address line ("12 High St, Chester CH1 2NP").
    """
    answer = _usable_text(text)
    if not answer:
        return Checked.bad(_NOT_A_POSTCODE)
    found = _postcodes_in(answer)
    if len(found) > 1:
        return Checked.bad(
            "I found more than one postcode there. Please give just the one you want us to use."
        )
    return Checked.good(found[0]) if found else Checked.bad(_NOT_A_POSTCODE)


def extract_uk_postcode(text: str) -> str | None:
    """The first UK postcode in a message (an address, a sentence), normalised; else None."""
    if not isinstance(text, str):
        return None
    found = _postcodes_in(text[: MAX_ANSWER_LENGTH * 4])
    return found[0] if found else None


# --- UK phone numbers -------------------------------------------------------------------------

PHONE_EXAMPLE = "07700 900123"
_NOT_A_PHONE = f"That doesn't look like a phone number. Please type it like {PHONE_EXAMPLE}."
_PHONE_RUN = re.compile(r"\+?\(?[0-9][0-9\s().\-]*[0-9]\)?")
_NOT_UK_PHONE = (
    "That looks like a number from outside the UK. Please give a UK phone number, "
    "starting with 0 or +44."
)
# Areas whose dialling code has six digits (the rest of 01 has five, or four in 011x/01x1).
_SIX_DIGIT_AREA_CODES = frozenset(
    "013873 015242 015394 015395 015396 016973 016974 016977 017683 017684 017687 019467".split()
)


def _national_number(raw: str) -> Checked[str]:
    """The number as dialled inside the UK (digits only, leading 0) or why it can't be."""
    compact = re.sub(r"[\s.\-]", "", raw)
    # "+44 (0)7700 900123": the 0 in brackets is dialled only from inside the UK.
    compact = re.sub(r"^(\+44|0044|44)\(0\)", r"\1", compact)
    compact = re.sub(r"[()]", "", compact)
    if not re.fullmatch(r"\+?[0-9]+", compact):
        return Checked.bad(_NOT_A_PHONE)
    if compact.startswith("+"):
        if not compact.startswith("+44"):
            return Checked.bad(_NOT_UK_PHONE)
        national = "0" + compact[3:].removeprefix("0")
    elif compact.startswith("0044"):
        national = "0" + compact[4:].removeprefix("0")
    elif compact.startswith("00"):
        return Checked.bad(_NOT_UK_PHONE)
    elif compact.startswith("44") and len(compact) in (11, 12):
        national = "0" + compact[2:]  # +44 without the plus; no UK number starts with 4
    elif compact.startswith("0"):
        national = compact
    else:
        return Checked.bad(
            f"Please type the whole number, with the 0 at the start, for example {PHONE_EXAMPLE}."
        )
    if len(national) < 10:
        return Checked.bad(
            "That phone number is too short. UK numbers have 10 or 11 digits, "
            "counting the 0 at the start."
        )
    if len(national) > 11:
        return Checked.bad(
            "That phone number is too long. UK numbers have 10 or 11 digits, "
            "counting the 0 at the start."
        )
    kind = national[1]
    if kind in "46":
        return Checked.bad(f"UK phone numbers don't start with 0{kind}. Please check the number.")
    if kind == "9":
        return Checked.bad(
            "That's a premium-rate number. Please give a number we can call you on, "
            "such as your mobile or landline."
        )
    if kind == "7" and len(national) != 11:
        return Checked.bad(
            "UK mobile numbers have 11 digits, starting 07. Please check the number."
        )
    if kind in "235" and len(national) != 11:
        return Checked.bad(f"Numbers starting 0{kind} have 11 digits. Please check the number.")
    if kind == "8" and len(national) == 10 and not national.startswith("080"):
        return Checked.bad("Numbers starting 08 have 11 digits. Please check the number.")
    return Checked.good(national)


def _format_national(national: str) -> str:
    """Grouped the way UK numbers are printed: 07700 900123, 020 7946 0018, 0113 496 0000."""
    if national.startswith("02"):
        return f"{national[:3]} {national[3:7]} {national[7:]}"
    if national.startswith("01"):
        if national[:6] in _SIX_DIGIT_AREA_CODES:
            return f"{national[:6]} {national[6:]}"
        if national[3] == "1" or national[2] == "1":  # 0113 ... / 0121 ...
            return f"{national[:4]} {national[4:7]} {national[7:]}"
        return f"{national[:5]} {national[5:]}"
    if national.startswith("07"):
        return f"{national[:5]} {national[5:]}"
    if len(national) == 10:  # 0800 123456
        return f"{national[:4]} {national[4:]}"
    return f"{national[:4]} {national[4:7]} {national[7:]}"  # 0300 123 4567


def _check_phone_run(raw: str) -> Checked[str]:
    national = _national_number(raw)
    return Checked.good(_format_national(national.value)) if national.ok else national


def _phone_runs(text: str) -> list[str]:
    """Stretches of digits and separators long enough to be a phone number."""
    runs = (match.group() for match in _PHONE_RUN.finditer(text))
    return [run for run in runs if sum(ch in "0123456789" for ch in run) >= 6]


def check_uk_phone(text: str) -> Checked[str]:
    """A UK landline or mobile, in its usual printed form ("07700 900123", "01244 977100").

    Takes +44, 0044 or 0, spaces, dashes, brackets and "+44 (0)..."; a number inside a
    sentence ("my number is ...") is found. Premium-rate (09) numbers are refused: they
    cost the council to call and are not how residents are reached.
    """
    answer = _usable_text(text)
    if not answer:
        return Checked.bad(_NOT_A_PHONE)
    answer = _tidy(answer)
    if re.fullmatch(r"[0-9\s().+\-]+", answer):
        return _check_phone_run(answer)
    runs = _phone_runs(answer)
    if not runs:
        return Checked.bad(_NOT_A_PHONE)
    results = [_check_phone_run(run) for run in runs]
    good = list(dict.fromkeys(r.value for r in results if r.ok))
    if len(good) > 1:
        return Checked.bad("Please give just one phone number.")
    if good:
        return Checked.good(good[0])
    if re.search(r"\d[^\W\d_]|[^\W\d_]\d", answer):  # 0770O: a letter O for a zero
        return Checked.bad(
            "That phone number has a letter in it. Please type it using only numbers, "
            f"for example {PHONE_EXAMPLE}."
        )
    # The longest stretch of digits is the one meant as the number.
    return max(zip(runs, results), key=lambda pair: len(pair[0]))[1]


def extract_uk_phone(text: str) -> str | None:
    """The first valid UK phone number in a message, in its printed form; else None."""
    if not isinstance(text, str):
        return None
    for run in _phone_runs(_tidy(text[: MAX_ANSWER_LENGTH * 4])):
        checked = _check_phone_run(run)
        if checked.ok:
            return checked.value
    return None


# --- Names ------------------------------------------------------------------------------------

# "Hi, I'm Jane Smith", "my name's Jane Smith", "Name: Jane Smith" -> "Jane Smith".
_NAME_INTRO = (
    r"(?:(?:my\s+)?(?:full\s+)?name(?:\s+is(?:\s+|$)|'s(?:\s+|$)|\s*[:\-]\s*)"
    r"|(?:it'?s|it\s+is|i'm|i\s+am|this\s+is)(?:\s+|$))"
)
_GREETING = r"(?:hi|hello|hey|yes|yeah|ok|okay|sure)(?:\s+there)?"
_NAME_LEAD_IN = re.compile(
    rf"^(?:{_GREETING}\s*[,!.]\s*|{_GREETING}\s+(?={_NAME_INTRO}))?(?:{_NAME_INTRO})?",
    re.IGNORECASE,
)
_NAME_PUNCTUATION = {"'", "-", "."}
_NAME_TOO_LONG = f"That's too long for a name. Please keep it to {MAX_NAME_LENGTH} characters."


def _is_name_word(word: str) -> bool:
    """Starts with a letter and ends with one (or its accent), or with an initial's full stop."""
    word = word[:-1] if word.endswith(".") else word
    return (
        bool(word)
        and unicodedata.category(word[0]).startswith("L")
        and unicodedata.category(word[-1])[0] in "LM"
    )


def check_full_name(text: str, *, require_surname: bool = True) -> Checked[str]:
    """A person's name as they write it: letters (any alphabet), spaces, hyphens, apostrophes.

    Lead-ins ("my name is", "I'm") are dropped. The capitals are the resident's own
    (McDonald, al-Rashid, van Dyke), except that an all-lower or all-capitals answer is
    title-cased, as that is how it is typed in a hurry, not how it is spelt. Full stops after
    initials are accepted. With ``require_surname`` a single word is refused.
    """
    answer = _usable_text(text)
    if answer is None:
        return Checked.bad(_NAME_TOO_LONG)
    name = _tidy(answer)
    name = _NAME_LEAD_IN.sub("", name).strip(" ,!?")
    if name.endswith(".") and not re.search(r"(?:^|\s)[^\W\d_]\.$", name):
        name = name.rstrip(". ")  # a sentence's full stop, not an initial's
    if not name:
        return Checked.bad("Please type your name, for example Jane Smith.")
    if len(name) > MAX_NAME_LENGTH:
        return Checked.bad(_NAME_TOO_LONG)
    if any(ch.isdigit() for ch in name):
        return Checked.bad("Your name can't have numbers in it. Please type it using letters.")
    allowed = all(
        unicodedata.category(ch)[0] in "LM" or ch == " " or ch in _NAME_PUNCTUATION for ch in name
    )
    if not allowed:
        return Checked.bad(
            "Please use only letters, spaces, hyphens and apostrophes in your name, "
            "for example Jane O'Neill-Smith."
        )
    if sum(ch.isalpha() for ch in name) < 2:
        return Checked.bad("Please type your name using letters, for example Jane Smith.")
    words = name.split(" ")
    if not all(_is_name_word(word) for word in words):
        return Checked.bad(
            "Please check your name: each part should start and end with a letter, "
            "for example Mary-Jane O'Neill."
        )
    if require_surname and len(words) < 2:
        return Checked.bad("Please give your full name, first name and surname.")
    cased = [ch for ch in name if ch.islower() or ch.isupper()]
    if cased and (all(ch.islower() for ch in cased) or all(ch.isupper() for ch in cased)):
        name = name.title()
    return Checked.good(name)


# --- Case references --------------------------------------------------------------------------

# The same format as bot.rules.references (which imports the case store, so is not imported
# here); tests/test_validation.py checks the two agree.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
REFERENCE_PREFIX = "DPA"
REFERENCE_EXAMPLE = "DPA-7KQ4-M2XP"
_NOT_A_REFERENCE = (
    f"Case references look like {REFERENCE_EXAMPLE}. Please check yours and type it again."
)
_SEP = r"[\s\-_.]{0,3}"
_REFERENCE_IN_TEXT = re.compile(
    rf"(?<![A-Z0-9]){REFERENCE_PREFIX}{_SEP}((?:[A-Z0-9]{_SEP}){{7}}[A-Z0-9])(?![A-Z0-9])"
)
_BARE_REFERENCE = re.compile(rf"((?:[A-Z0-9]{_SEP}){{7}}[A-Z0-9])")


def _reference_from(symbols: str) -> Checked[str]:
    symbols = re.sub(r"[\s\-_.]", "", symbols)
    if any(ch not in REFERENCE_ALPHABET for ch in symbols):
        return Checked.bad(
            "There's no O, I, 0 or 1 in our case references, so please check what you typed. "
            f"They look like {REFERENCE_EXAMPLE}."
        )
    return Checked.good(f"{REFERENCE_PREFIX}-{symbols[:4]}-{symbols[4:]}")


def check_case_reference(text: str) -> Checked[str]:
    """A case reference in its canonical form, DPA-7KQ4-M2XP, however it was typed.

    Any case, spaces, dots or hyphens anywhere, inside a sentence; the DPA may be left off
    when the answer is only the reference. Confusable characters (0/O, 1/I) are never in a
    reference and are not guessed at: the resident is asked to check.
    """
    answer = _usable_text(text)
    if not answer:
        return Checked.bad(_NOT_A_REFERENCE)
    upper = _tidy(answer).upper()
    found = [_reference_from(m.group(1)) for m in _REFERENCE_IN_TEXT.finditer(upper)]
    good = list(dict.fromkeys(c.value for c in found if c.ok))
    if len(good) > 1:
        # "my DPA requests ref is DPA-..." : a reference with a digit is the likelier one.
        with_digits = [ref for ref in good if any(ch.isdigit() for ch in ref)]
        if len(with_digits) != 1:
            return Checked.bad("Please give just one case reference.")
        good = with_digits
    if good:
        return Checked.good(good[0])
    if found:
        return found[0]
    bare = _BARE_REFERENCE.fullmatch(upper)
    # Without the DPA, only an answer with a digit in it: "SKIP THAT" is eight letters too.
    if bare and any(ch.isdigit() for ch in upper):
        return _reference_from(bare.group(1))
    if REFERENCE_PREFIX in upper:
        return Checked.bad(
            f"That case reference doesn't look complete: it should be DPA and then eight "
            f"letters and numbers, like {REFERENCE_EXAMPLE}."
        )
    return Checked.bad(_NOT_A_REFERENCE)


# --- Skipping a question ----------------------------------------------------------------------

_FILLER = r"(?:um+|erm+|er+|oh|ah|well|sorry|thanks|thank\s+you|ta|cheers|please|ok|okay)"
# What a resident says they don't have: "an email", "a mobile number", "one", ...
_THING = (
    r"(?:an?\s+|any\s+|my\s+)?"
    r"(?:e-?mail(?:\s+address)?|phone(?:\s+number)?|mobile(?:\s+number)?|number|landline"
    r"|post\s?code|reference(?:\s+number)?|case\s+(?:reference|number)|ref|address"
    r"|one|it|that|any|anything)"
)
_DECLINE = r"(?:say|give\s+(?:it|that)|share\s+(?:it|that)|answer)"
_SKIP_PHRASES = re.compile(
    rf"""^(?:(?:{_FILLER}|no|nope)\s+)*(?:
        skip(?:\s+(?:it|this|that|this\s+one|that\s+one|(?:this|that|the)\s+question))?
      | pass | none | nothing | nil | na | n\s?a | not\s+applicable | not\s+needed
      | no | nope | nah | no\s+thanks | no\s+thank\s+you | no\s+ta
      | no\s+{_THING}
      | (?:i'?d\s+|i\s+would\s+)?(?:rather|prefer)\s+not(?:\s+to)?(?:\s+{_DECLINE})?
      | prefer\s+not\s+to\s+say | not\s+telling | none\s+of\s+your\s+business
      | (?:i\s+)?(?:do\s+not|don'?t)\s+
        (?:want\s+to\s+{_DECLINE}|have(?:\s+{_THING})?|know(?:\s+it)?)
      | (?:i\s+)?(?:have\s+not|haven'?t)\s+got(?:\s+{_THING})?
      | (?:i\s+)?(?:can'?t|cannot)\s+remember(?:\s+it)?
      | not\s+sure | no\s+idea | unknown | dunno | leave\s+(?:it\s+)?blank | leave\s+it
    )(?:\s+{_FILLER})*$""",
    re.VERBOSE,
)


def is_skip_answer(text: str) -> bool:
    """Whether the resident is declining an optional question rather than answering it.

    Matches the whole answer ("no", "n/a", "I'd rather not say", "don't have one"), never a
    word inside one, so "no 12 High Street" or "Nora" is an answer.
    """
    if not isinstance(text, str) or len(text) > 100:
        return False
    lowered = _tidy(text).lower()
    if lowered in {"-", "--", "."}:
        return True
    lowered = re.sub(r"(?<=\w)[/.](?=\w)", "", lowered)  # n/a, n.a.
    lowered = " ".join(re.sub(r"[^\w\s'-]", " ", lowered).split())
    return bool(lowered) and bool(_SKIP_PHRASES.fullmatch(lowered))

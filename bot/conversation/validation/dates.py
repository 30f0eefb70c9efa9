"""Dates of birth as UK residents type them: day first, in words or numbers, never guessed."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from dateutil import parser as dateutil_parser

from bot.conversation.validation.checked import Checked, tidy, usable_text

DEFAULT_MAX_AGE = 120

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


def _day_and_month(day: int, month: int) -> bool:
    """Whether the two numbers can be a day and a month (whether that month has that day is
    judged later)."""
    return 1 <= month <= 12 and 1 <= day <= 31


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
        if _day_and_month(int(digits[:2]), int(digits[2:4])):  # DDMMYYYY
            return day_first
        if _day_and_month(int(digits[6:]), int(digits[4:6])):  # YYYYMMDD
            return _DateFields(int(digits[6:]), int(digits[4:6]), int(digits[:4]))
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
    answer = usable_text(text)
    if not answer:
        return Checked.bad(_NOT_A_DATE)
    fields = _read_date_fields(tidy(answer))
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

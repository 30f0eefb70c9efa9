"""Dates in a resident's message: numeric, written, spelt out, and anything after "born".

Years alone and month-year periods are kept (:mod:`bot.trainers.redaction` says why); a
year right after "born"/"DOB" is not.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from re import Match, Pattern

DATE = "[DATE]"
_I = re.IGNORECASE


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

# "the 1st of the 4th 92", "15th of the 7th, 2004": the month as an ordinal too.
_ORDINAL_MONTH_DATE = re.compile(
    r"\b\d{1,2}" + _ORDINAL + r"?\s+of\s+the\s+\d{1,2}" + _ORDINAL
    + r"(?:,?\s+(?:of\s+|in\s+)?(?:\d{4}|'?\d{2}))?\b",
    _I,
)
# "born on [DATE] in 1993": the year told apart from the day and month, after a birth cue.
_YEAR_AFTER_BIRTH_DATE = re.compile(
    r"(\b(?:born|birth|d\.?o\.?b\.?|birthday)\b[^.!?\n]{0,30}?\[DATE\]),?\s+(?:in\s+)?"
    r"(?:19|20)\d{2}\b",
    _I,
)


def _birth_date(match: Match[str]) -> str:
    return match.group(1) + DATE


DATE_RULES: list[tuple[Pattern[str], str | Callable[[Match[str]], str]]] = [
    (_WORD_DATE, DATE),
    (_HOLIDAY_DATE, DATE),
    (_ORDINAL_MONTH_DATE, DATE),
    *[(pattern, DATE) for pattern in _DATES],
    (_THE_DATE, DATE),
    (_BIRTH_CUE, _birth_date),
    (_YEAR_AFTER_BIRTH_DATE, _birth_date),
]

"""Names after the words that introduce them: the cue-based half of name redaction.

"my name is ...", "I'm ...", "this is ...", "called ...", "formerly", "née", titles (Mr, Dr,
also typed in lower case: "mrs okafor"), "hannah's mum", a signature after a sign-off, and
runs of two or more capitalised words that are not ordinary words ("Jane Smith", not
"Council Tax"). Moved out of :mod:`bot.trainers.redaction`, which calls
:func:`redact_cued_names` and :func:`redact_capitalised_runs` in its order of passes.
"""
from __future__ import annotations

import re
from re import Match, Pattern

from bot.trainers.redaction_names import (
    RELATION,
    could_be_name,
    is_english,
    is_known_name,
    is_ordinary,
)
from bot.trainers.redaction_words import COMMON_WORDS, NOT_STREET_NAME

NAME = "[NAME]"
_I = re.IGNORECASE


# Letters beyond ASCII too: "Wiśniewski", "Zoë", "Ó Súilleabháin".
_UP = "A-ZÀ-ÖØ-Þ"
_LOW = "a-zß-öø-ÿĀ-ɏḀ-ỿ"
_CAP_WORD = (
    rf"[{_UP}][{_LOW}]*(?:['’][{_UP}])?[{_UP}{_LOW}]*[{_LOW}](?:-[{_UP}][{_LOW}]+)?"
)
ANY_WORD = rf"[{_UP}{_LOW}][{_LOW}]*(?:['’][{_UP}{_LOW}])?[{_UP}{_LOW}]*(?:-[{_UP}{_LOW}]+)?"
_TOKEN = re.compile(r"\s*(" + ANY_WORD + r")")
# After these anything name-shaped is a name, typed in lower case or not.
_STRONG_NAME_CUE = re.compile(
    r"\b(?:(?:my|his|her|their|the|your|our|son'?s|daughter'?s|child'?s|mum'?s|dad'?s|"
    r"mother'?s|father'?s|wife'?s|husband'?s|partner'?s|client'?s)\s+"
    r"(?:(?:full|first|last|maiden|middle|sur|previous|old|new|married|birth)\s*)?"
    r"name\s*(?:is|was|'s|:)|name\s*:|(?:first|last|sur|full|maiden)\s*name\s*(?:is|was|:)?|"
    r"formerly(?:\s+known\s+as)?|previously\s+known\s+as|known\s+as|also\s+known\s+as|a\.?k\.?a\.?|"
    r"n[ée]e|i\s+am\s+called|i'?m\s+called|called\s+me|name'?s|signed)\b\s*",
    _I,
)
# After these only capitalised words count: "I'm Jane" is a name, "I'm looking" is not.
_WEAK_NAME_CUE = re.compile(
    r"\b(?:i'?m|i\s+am|this\s+is|it'?s|called|named|speaking\s+to|from|regards|thanks|call\s+me|"
    r"sent\s+by|written\s+by|ask\s+for|asked\s+for|spoke\s+to|spoke\s+with|speak\s+to|talk\s+to|"
    r"cheers|sincerely|dear|hi|hello|for|behalf\s+of|with|calls\s+me|spelt|spelled|"
    # kinship words used as a title: "Auntie Bisi", "my cousin Dara"
    r"auntie|aunty|aunt|uncle|cousin|nan|nana|nanna|grandma|grandad|granny)\s+",
    _I,
)
_TITLE = re.compile(
    r"\b((?i:mr|mrs|ms|miss|mx|dr|prof|sir|dame|lady|lord|rev|cllr|councillor)\.?\s+)"
    r"((?:" + _CAP_WORD + r")(?:\s+" + _CAP_WORD + r"){0,2})\b"
)
# Typed in lower case: "mrs okafor", "mr khan", "dr patel" (a title word that is never an
# ordinary word, then a word that is not English or is a name).
_LOWER_TITLE = re.compile(
    r"\b(?:mr|mrs|ms|mx|dr|cllr)\.?\s+(" + ANY_WORD + r")(?:\s+(" + ANY_WORD + r"))?\b", _I
)
# "hannah's mum", "tunde's school": a name before a relation.
_POSSESSOR = re.compile(
    r"\b(" + ANY_WORD + r")(['’]s\s+(?:" + RELATION + r"|records?|file|files|school|data|"
    r"details|account|case|care|notes|information|info|application|benefits?|form)s?)\b",
    _I,
)
_CAP_RUN = re.compile(r"\b" + _CAP_WORD + r"(?:\s+" + _CAP_WORD + r")+\b")

def _name_after(text: str, start: int, *, capitalised_only: bool) -> tuple[int, int] | None:
    """The span of up to three name-shaped words starting at ``start``, if any."""
    end = start
    position = start
    found = 0
    while found < 3:
        match = _TOKEN.match(text, position)
        if match is None:
            break
        word = match.group(1)
        if word.lower() in COMMON_WORDS or word.lower() in NOT_STREET_NAME:
            break
        if not capitalised_only and word.islower() and is_english(word) and not could_be_name(word):
            break
        if capitalised_only and not re.fullmatch(_CAP_WORD, word):
            break
        if len(word) < 2 and (not word.isupper() or word in ("I", "A")):
            break  # an initial ("J Smith", "Ó Súilleabháin") is part of a name; "a" is not
        found += 1
        end = match.end(1)
        position = match.end(1)
    if not found:
        return None
    first = _TOKEN.match(text, start)
    assert first is not None
    return first.start(1), end


# "hi i'm jane, ..." / "this is jane smith.": one or two lower-case words that end the
# clause right after a self-introduction are a name; "i'm worried." or "i'm waiting" is not.
_INTRODUCTION_CUE = re.compile(
    r"\b(?:i'?m|i\s+am|this\s+is|it'?s|call\s+me|sent\s+by|signed|from|ask\s+for|asked\s+for|"
    r"spoke\s+to|spoke\s+with|speak\s+to|talk\s+to)\s+$",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"\s*(?:[,.!?;:]|$|\s(?:and|here)\b)")
_NOT_A_NAME_ENDINGS = ("ing", "ed", "ly", "ful", "ous", "ive", "ble", "ent", "ant", "ry")


def _lower_case_introduction(text: str, start: int) -> tuple[int, int] | None:
    span = _name_after(text, start, capitalised_only=False)
    if span is None:
        return None
    words = text[span[0] : span[1]].split()
    if len(words) > 2 or not _CLAUSE_END.match(text, span[1]):
        return None
    if any((word.lower().endswith(_NOT_A_NAME_ENDINGS) or is_english(word))
           and not could_be_name(word) for word in words):
        return None
    return span


def _replace_cued_names(text: str, cue: Pattern[str], *, capitalised_only: bool) -> str:
    out = []
    position = 0
    for match in cue.finditer(text):
        if match.start() < position:
            continue
        span = _name_after(text, match.end(), capitalised_only=capitalised_only)
        if span is None and capitalised_only and _INTRODUCTION_CUE.search(match.group(0)):
            span = _lower_case_introduction(text, match.end())
        if span is None or (capitalised_only and not _plausible_after_weak_cue(
                match.group(0), text[span[0] : span[1]].split())):
            continue
        out.append(text[position : span[0]])
        out.append(NAME)
        position = span[1]
    out.append(text[position:])
    return "".join(out)


# After these a single word must be a known name: "a letter from Capita", "shared with
# Experian", "calling for Age UK" name organisations, not people.
_ORGANISATION_CUE = re.compile(
    r"(?i:\b(?:from|for|with|behalf\s+of|speaking\s+to|thanks|regards|cheers)\s+)$"
)


def _plausible_after_weak_cue(cue: str, words: list[str]) -> bool:
    if all(is_ordinary(w) and not could_be_name(w) for w in words):
        return False  # "I'm British", "thanks Brilliant"
    if len(words) == 1 and _ORGANISATION_CUE.search(cue):
        return could_be_name(words[0]) or (
            cue.strip().lower() in ("thanks", "regards", "cheers") and not is_english(words[0]))
    return True


# A signature: the words after a sign-off that end the message ("thanks\nbecca",
# "cheers, dave x", "Kind regards, Anuoluwapo Adeyemi").
_SIGN_OFF = re.compile(
    r"(?i:\b(?:thanks|thank\s+you|thx|regards|best\s+wishes|best|cheers|ta|love|sincerely|"
    r"faithfully|x{1,3}|from|signed)\b)[\s,!.\-–—:]*((?:" + ANY_WORD + r")(?:[\s.]+(?:"
    + ANY_WORD + r")){0,2})[\s.!,x]*$"
)


def _signature(text: str) -> str:
    match = _SIGN_OFF.search(text)
    if match is None:
        return text
    words = match.group(1).split()
    if any(w.lower() in COMMON_WORDS or w.lower() in NOT_STREET_NAME
           or (is_english(w) and not could_be_name(w)) for w in words):
        return text
    return text[: match.start(1)] + NAME + text[match.end(1) :]


def _lower_title(match: Match[str]) -> str:
    first, second = match.group(1), match.group(2)
    if first.lower() in COMMON_WORDS or (is_english(first) and not could_be_name(first)):
        return match.group(0)
    if second and (second.lower() in COMMON_WORDS or second.lower() in NOT_STREET_NAME
                   or (is_english(second) and not could_be_name(second))):
        return NAME + match.group(0)[match.end(1) - match.start(0):]
    return NAME


def _possessor(match: Match[str]) -> str:
    word = match.group(1)
    if word.lower() in COMMON_WORDS or word.lower() in NOT_STREET_NAME:
        return match.group(0)
    if is_english(word) and not could_be_name(word):
        return match.group(0)
    return NAME + match.group(2)


def _title_name(match: Match[str]) -> str:
    words = match.group(2).split()
    if all(word.lower() in COMMON_WORDS for word in words):
        return match.group(0)
    return NAME  # the title too: "Mrs" tells a trainer nothing they need


_TITLE_WORD = re.compile(r"(?i:mr|mrs|ms|miss|mx|dr|prof|cllr)\.?")


def _ordinary_in_run(word: str, run: list[str]) -> bool:
    """An ordinary word, unless it is also a name beside a name that is no ordinary word
    ("Dawn Holroyd", "Jordan Price")."""
    if not is_ordinary(word):
        return False
    if not could_be_name(word) and not is_known_name(word):
        return True
    return not any(other != word and not other.isspace() and not is_ordinary(other)
                   and (is_known_name(other) or not is_english(other)) for other in run)


def _capitalised_run(match: Match[str]) -> str:
    """Two or more capitalised words in a row that are not ordinary words: a name."""
    words = re.split(r"(\s+)", match.group(0))
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        names = [w for w in run if not w.isspace()]
        if len(names) >= 2:
            out.append(NAME)
        else:
            out.extend(run)
        run.clear()

    for piece in words:
        if piece.isspace():
            (run if run else out).append(piece)
            continue
        ordinary = _ordinary_in_run(piece, words) and not _TITLE_WORD.fullmatch(piece)
        if piece.lower() in COMMON_WORDS or ordinary:
            trailing = run.pop() if run and run[-1].isspace() else ""
            flush()
            out.append(trailing)
            out.append(piece)
        else:
            run.append(piece)
    trailing = run.pop() if run and run[-1].isspace() else ""
    flush()
    out.append(trailing)
    return "".join(out)


def redact_cued_names(text: str) -> str:
    """Names after a cue, a title or a sign-off, and before a relation ("hannah's mum")."""
    text = _replace_cued_names(text, _STRONG_NAME_CUE, capitalised_only=False)
    text = _replace_cued_names(text, _WEAK_NAME_CUE, capitalised_only=True)
    text = _TITLE.sub(_title_name, text)
    text = _LOWER_TITLE.sub(_lower_title, text)
    text = _POSSESSOR.sub(_possessor, text)
    return _signature(text)


def redact_capitalised_runs(text: str) -> str:
    """Two or more capitalised words in a row that are not ordinary words."""
    return _CAP_RUN.sub(_capitalised_run, text)

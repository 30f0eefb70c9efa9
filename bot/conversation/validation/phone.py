"""UK landline and mobile numbers, however they are written, in their usual printed form."""
from __future__ import annotations

import re

from bot.conversation.validation.checked import MAX_ANSWER_LENGTH, Checked, tidy, usable_text

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
    if national.value is None:
        return national
    return Checked.good(_format_national(national.value))


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
    answer = usable_text(text)
    if not answer:
        return Checked.bad(_NOT_A_PHONE)
    answer = tidy(answer)
    if re.fullmatch(r"[0-9\s().+\-]+", answer):
        return _check_phone_run(answer)
    runs = _phone_runs(answer)
    if not runs:
        return Checked.bad(_NOT_A_PHONE)
    results = [_check_phone_run(run) for run in runs]
    good = list(dict.fromkeys(r.value for r in results if r.value is not None))
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
    return max(zip(runs, results, strict=True), key=lambda pair: len(pair[0]))[1]


def extract_uk_phone(text: str) -> str | None:
    """The first valid UK phone number in a message, in its printed form; else None."""
    if not isinstance(text, str):
        return None
    for run in _phone_runs(tidy(text[: MAX_ANSWER_LENGTH * 4])):
        checked = _check_phone_run(run)
        if checked.ok:
            return checked.value
    return None

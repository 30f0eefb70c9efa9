"""The statutory deadline engine: calendar months, working days and the council's local date.

The rules (see ``time-limits.md``): day one is the day the clock starts; the deadline is the
corresponding date one calendar month later (three when extended), or the last day of that
month when there is no such date; a deadline on a weekend or bank holiday moves to the next
working day. Bank holidays differ between the UK's nations, so every calendar function takes
the nation. Pure Python: no Rasa, no database, no clock reads.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from functools import cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

if TYPE_CHECKING:  # pragma: no cover
    from holidays import HolidayBase

# The three sets of UK bank holidays (COUNCIL_NATION names one).
NATIONS = ("england-and-wales", "scotland", "northern-ireland")
DEFAULT_NATION = "england-and-wales"
COUNCIL_TIMEZONE = ZoneInfo("Europe/London")
STANDARD_MONTHS = 1
EXTENDED_MONTHS = 3

# The ``holidays`` library's subdivision of GB whose bank holidays each nation observes.
# Wales has the same bank holidays as England, so England's list serves both.
_HOLIDAY_SUBDIVISIONS = {
    "england-and-wales": "ENG",
    "scotland": "SCT",
    "northern-ireland": "NIR",
}

# Spellings people and other systems use for a nation (after normalising case, spaces,
# underscores and "&"), so a setting such as COUNCIL_NATION=wales is not a hard failure.
_NATION_ALIASES = {
    "england-and-wales": "england-and-wales",
    "england-wales": "england-and-wales",
    "england": "england-and-wales",
    "wales": "england-and-wales",
    "e-and-w": "england-and-wales",
    "ew": "england-and-wales",
    "eng": "england-and-wales",
    "wls": "england-and-wales",
    "gb-eng": "england-and-wales",
    "gb-wls": "england-and-wales",
    "scotland": "scotland",
    "scot": "scotland",
    "sct": "scotland",
    "gb-sct": "scotland",
    "northern-ireland": "northern-ireland",
    "ni": "northern-ireland",
    "nir": "northern-ireland",
    "gb-nir": "northern-ireland",
}


def parse_nation(text: str) -> str:
    """Return the canonical nation for ``text`` (a name or an obvious alias).

    Raises ValueError naming the bad value and the valid nations, because the value usually
    comes from a person (a command line, an environment variable).
    """
    if not isinstance(text, str):
        raise ValueError(_unknown_nation_message(text))
    key = "-".join(text.strip().lower().replace("&", " and ").replace("_", " ").split())
    try:
        return _NATION_ALIASES[key]
    except KeyError:
        raise ValueError(_unknown_nation_message(text)) from None


def _unknown_nation_message(value: object) -> str:
    return f"unknown nation {value!r}: choose one of {', '.join(NATIONS)}"


@cache
def _bank_holidays(nation: str) -> HolidayBase:
    """The bank holidays of a canonical nation, built once (years are added as asked for).

    ``holidays`` is imported here rather than at module level so that importing this module
    (and so ``dpa --help``) stays cheap.
    """
    import holidays

    return holidays.country_holidays("GB", subdiv=_HOLIDAY_SUBDIVISIONS[nation])


def is_bank_holiday(day: date, nation: str = DEFAULT_NATION) -> bool:
    """Whether ``day`` is a bank holiday in ``nation`` (weekends are not counted here)."""
    return _plain_date(day) in _bank_holidays(parse_nation(nation))


def is_working_day(day: date, nation: str = DEFAULT_NATION) -> bool:
    """Whether the council is open on ``day``: a weekday that is not a bank holiday."""
    day = _plain_date(day)
    return day.weekday() < 5 and not is_bank_holiday(day, nation)


def next_working_day(day: date, nation: str = DEFAULT_NATION) -> date:
    """``day`` itself when it is a working day, else the first working day after it."""
    day = _plain_date(day)
    nation = parse_nation(nation)
    while not is_working_day(day, nation):
        day += timedelta(days=1)
    return day


def add_calendar_months(start: date, months: int) -> date:
    """The corresponding date ``months`` later, or the last day of that month if none exists.

    relativedelta clamps to the month's end (31 January + 1 month = 28 or 29 February),
    which is exactly the ICO's rule.
    """
    return _plain_date(start) + relativedelta(months=months)


def due_date(
    start: date,
    nation: str = DEFAULT_NATION,
    *,
    extended: bool = False,
    paused_days: int = 0,
) -> date:
    """The statutory date by which the council must respond.

    ``start`` is the day the clock started (day one, working day or not). The raw deadline is
    the corresponding date one calendar month later (three when ``extended``), clamped to the
    month's end. ``paused_days`` (days the clock was stopped for clarification) are then added
    to that raw date as calendar days, and only the result is rolled forward to a working day.
    The days stopped extend the original deadline (as in the ICO's stop-the-clock example),
    and rolling only once avoids counting a weekend twice; a consequence is that a short pause
    can leave the due date unchanged when the unpaused deadline had itself been rolled over a
    weekend.
    """
    if paused_days < 0:
        raise ValueError(f"paused_days cannot be negative (got {paused_days})")
    months = EXTENDED_MONTHS if extended else STANDARD_MONTHS
    raw = add_calendar_months(start, months) + timedelta(days=paused_days)
    return next_working_day(raw, nation)


def due_date_reasons(
    start: date,
    nation: str = DEFAULT_NATION,
    *,
    extended: bool = False,
    paused_days: int = 0,
) -> list[str]:
    """Why :func:`due_date` lands where it does, in words staff can repeat to a resident.

    The month rule first, then the days stopped for clarification, then each day the due
    date was moved past (a weekend, a named bank holiday). Same arithmetic as due_date.
    """
    months = EXTENDED_MONTHS if extended else STANDARD_MONTHS
    raw = add_calendar_months(start, months)
    span = "three calendar months" if extended else "one calendar month"
    reasons = [f"{span} from {plain_date(start)} is {plain_date(raw)}"]
    if paused_days:
        raw += timedelta(days=paused_days)
        reasons.append(f"plus {paused_days} day{'s' if paused_days != 1 else ''} stopped "
                       f"for clarification: {plain_date(raw)}")
    nation = parse_nation(nation)
    day = raw
    while not is_working_day(day, nation):
        name = _bank_holidays(nation).get(day)
        why = f"a bank holiday ({name})" if name else f"a {day:%A}"
        reasons.append(f"{plain_date(day)} is {why}")
        day += timedelta(days=1)
    if day != raw:
        reasons.append(f"so it moves to the next working day, {plain_date(day)}")
    return reasons


def plain_date(day: date) -> str:
    """A date as staff and residents read it: ``Tue 10 Mar 2026`` (never ISO)."""
    return _plain_date(day).strftime("%a %d %b %Y").replace(" 0", " ")


def extension_notice_by(
    start: date, nation: str = DEFAULT_NATION, *, paused_days: int = 0
) -> date:
    """The last day to tell the person of an extension, with reasons.

    The law says "within the first month", so this is the unextended due date (including any
    days the clock was stopped so far).
    """
    return due_date(start, nation, extended=False, paused_days=paused_days)


def received_on(moment: datetime) -> date:
    """The council's local date (Europe/London) of ``moment``; naive datetimes are UTC.

    Day one of the clock is the local day of receipt: a message sent at 23:30 UTC in summer
    (00:30 BST) was received on the next day.
    """
    if not isinstance(moment, datetime):
        raise TypeError(f"received_on needs a datetime, not {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(COUNCIL_TIMEZONE).date()


def _plain_date(day: date) -> date:
    """Reject datetimes: comparing one with a date fails, and its time would be ignored."""
    if isinstance(day, datetime):
        raise TypeError("expected a date, not a datetime: use received_on() to get the local date")
    if not isinstance(day, date):
        raise TypeError(f"expected a date, not {type(day).__name__}")
    return day

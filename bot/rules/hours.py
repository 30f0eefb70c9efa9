"""Staffed hours (``STAFF_HOURS``), in the council's time zone, closed on bank holidays.

The format is one or more ``DAYS HH:MM-HH:MM`` separated by ``;`` or ``,``, where DAYS is a
day (``Sat``) or a range (``Mon-Fri``): ``"Mon-Fri 09:00-17:00"`` (the default),
``"Mon-Thu 08:30-17:00; Fri 08:30-16:30"``. ``"always"`` means staffed at all times (tests,
a 24-hour service); ``"never"`` sends every waiting resident the call-back offer at once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot.rules.deadlines import is_bank_holiday

LONDON = ZoneInfo("Europe/London")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPAN = re.compile(
    r"(?P<first>[a-z]{3})(?:-(?P<last>[a-z]{3}))?\s+"
    r"(?P<start>\d{1,2}:\d{2})-(?P<end>\d{1,2}:\d{2})"
)


@dataclass(frozen=True)
class Span:
    days: frozenset[int]
    start: time
    end: time


@dataclass(frozen=True)
class StaffedHours:
    spans: tuple[Span, ...]
    nation: str
    text: str
    always: bool = False

    @classmethod
    def parse(cls, text: str, nation: str = "england-and-wales") -> StaffedHours:
        cleaned = " ".join(text.strip().lower().split())
        if cleaned == "always":
            return cls((), nation, text, always=True)
        if cleaned == "never":
            return cls((), nation, text)
        spans = []
        for part in re.split(r"[;,]", cleaned):
            part = part.strip()
            if not part:
                continue
            match = _SPAN.fullmatch(part)
            if match is None or match["first"] not in DAYS or (
                match["last"] and match["last"] not in DAYS
            ):
                raise ValueError(
                    f"STAFF_HOURS: cannot read {part!r}; expected e.g. 'Mon-Fri 09:00-17:00'"
                )
            first = DAYS.index(match["first"])
            last = DAYS.index(match["last"]) if match["last"] else first
            if first <= last:
                days = list(range(first, last + 1))
            else:  # e.g. Sat-Mon
                days = [*range(first, 7), *range(0, last + 1)]
            start, end = _time(match["start"]), _time(match["end"])
            if end <= start:
                raise ValueError(f"STAFF_HOURS: {part!r} ends before it starts")
            spans.append(Span(frozenset(days), start, end))
        if not spans:
            raise ValueError("STAFF_HOURS is empty: use e.g. 'Mon-Fri 09:00-17:00' or 'never'")
        return cls(tuple(spans), nation, text)

    def is_open(self, moment: datetime) -> bool:
        if self.always:
            return True
        local = moment.astimezone(LONDON)
        if is_bank_holiday(local.date(), self.nation):
            return False
        clock = local.time()
        return any(
            local.weekday() in span.days and span.start <= clock < span.end for span in self.spans
        )


def _time(text: str) -> time:
    hours, minutes = (int(part) for part in text.split(":"))
    if not (0 <= hours <= 24 and 0 <= minutes < 60) or (hours == 24 and minutes):
        raise ValueError(f"STAFF_HOURS: {text!r} is not a time of day")
    return time(23, 59, 59) if hours == 24 else time(hours, minutes)

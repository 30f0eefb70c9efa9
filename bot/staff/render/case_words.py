"""How near a case's deadline is, in words: "due soon", "3 days overdue", "closed 2 days late".

The labels of statuses, request types and events are ``bot.cases.labels``.
"""
from __future__ import annotations

from datetime import date, timedelta

from bot.cases.labels import CLOSED_STATUSES, STATUS_LABELS
from bot.cases.records import CaseSummary

# How near a due date must be for a case to be marked "due soon" (and "due this week").
DUE_SOON_DAYS = 7

OPEN_STATUSES = tuple(s for s in STATUS_LABELS if s not in CLOSED_STATUSES)


def urgency(case: CaseSummary, today: date) -> str | None:
    """``overdue``, ``due_soon`` or None: shown as words and an icon, not by colour alone."""
    if case.closed_on is not None or case.due_on is None:
        return None
    if case.due_on < today:
        return "overdue"
    if case.due_on <= today + timedelta(days=DUE_SOON_DAYS):
        return "due_soon"
    return None


def _days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


def due_words(case: CaseSummary, today: date) -> str:
    if case.due_on is None:
        return "on hold" if case.closed_on is None else "closed"
    if case.closed_on is not None:
        late = (case.closed_on - case.due_on).days
        return f"closed {_days(late)} late" if late > 0 else "closed in time"
    days = (case.due_on - today).days
    if days < 0:
        return f"{_days(-days)} overdue"
    if days == 0:
        return "due today"
    return f"in {_days(days)}"

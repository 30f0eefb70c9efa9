"""Words the console uses for case statuses, request types, events and deadlines."""
from __future__ import annotations

from datetime import date, timedelta

from bot.cases.records import CaseSummary
from bot.conversation.intent_labels import INTENT_LABELS

# How near a due date must be for a case to be marked "due soon" (and "due this week").
DUE_SOON_DAYS = 7

STATUS_LABELS = {
    "awaiting_id": "Awaiting ID",
    "awaiting_authority": "Awaiting authority",
    "awaiting_fee": "Awaiting fee",
    "clock_running": "Clock running",
    "clarification_requested": "Clarification requested",
    "extended": "Extended",
    "completed": "Completed",
    "refused": "Refused",
    "withdrawn": "Withdrawn",
}
OPEN_STATUSES = tuple(s for s in STATUS_LABELS if s not in ("completed", "refused", "withdrawn"))

EVENT_LABELS = {
    "created": "Case logged",
    "received": "Request received",
    "id_received": "ID received",
    "authority_received": "Authority received",
    "fee_requested": "Fee asked for",
    "fee_received": "Fee received",
    "clarification_requested": "Clarification asked for",
    "clarification_received": "Clarification received",
    "extended": "Extended by two months",
    "completed": "Completed",
    "refused": "Refused",
    "withdrawn": "Withdrawn",
    "note": "Note",
    "viewed": "Viewed",
    "details_changed": "Details changed",
}

WAITING_LABELS = {"id": "ID", "authority": "evidence of authority", "fee": "fee",
                  "clarification": "clarification"}


def request_label(request_type: str) -> str:
    return INTENT_LABELS.get(request_type, request_type)


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def urgency(case: CaseSummary, today: date) -> str | None:
    """``overdue``, ``due_soon`` or None: shown as words and an icon, not by colour alone."""
    if case.closed_on is not None or case.due_on is None:
        return None
    if case.due_on < today:
        return "overdue"
    if case.due_on <= today + timedelta(days=DUE_SOON_DAYS):
        return "due_soon"
    return None


def due_words(case: CaseSummary, today: date) -> str:
    if case.due_on is None:
        return "on hold" if case.closed_on is None else "—"
    days = (case.due_on - today).days
    if case.closed_on is not None:
        return f"was {case.due_on.isoformat()}"
    if days < 0:
        return f"{-days} day{'s' if days != -1 else ''} overdue"
    if days == 0:
        return "due today"
    return f"in {days} day{'s' if days != 1 else ''}"

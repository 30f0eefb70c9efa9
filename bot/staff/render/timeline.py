"""A case's timeline as staff read it: each entry in words, and why the due date moved.

The clock events are replayed one at a time (``bot.rules.clock``), so the entry that moved
the due date says where it landed and why: the month rule, days stopped for clarification,
a weekend or a named bank holiday (``bot.rules.deadlines.due_date_reasons``).
"""
from __future__ import annotations

from typing import Any

from bot.cases.labels import DETAIL_LABELS, day_label, event_label
from bot.cases.records import CaseDetail, CaseEventRecord
from bot.cases.vocabulary import ASSIGNED, DETAILS_CHANGED, VIEWED
from bot.rules.clock import ClockError, ClockEvent, ClockEventKind, Requirements, compute_clock
from bot.rules.deadlines import due_date_reasons

_CLOCK_KINDS = frozenset(kind.value for kind in ClockEventKind)


def requirements_of(case: CaseDetail) -> Requirements:
    return Requirements(id=case.requires_id, authority=case.requires_authority,
                        address=case.requires_address)


def change_words(event: CaseEventRecord) -> str:
    """What a correction or a reassignment changed, the old value kept on the record."""
    data = event.data or {}
    if event.kind == ASSIGNED:
        before = data.get("from") or "nobody"
        after = data.get("to") or "nobody"
        return f"Assigned to {after} (was: {before})"
    if event.kind == DETAILS_CHANGED:
        old = data.get("old") or {}
        parts = []
        for name in data.get("fields", []):
            label = DETAIL_LABELS.get(name, name.replace("_", " ").capitalize())
            if name in old:
                was = old[name] if old[name] not in (None, "") else "blank"
                parts.append(f"{label} (was: {was})")
            else:
                parts.append(label)
        return "Corrected: " + ", ".join(parts) if parts else ""
    return ""


def timeline_rows(case: CaseDetail) -> list[dict[str, Any]]:
    """Every entry but the views, in the order recorded, with the due date each one set."""
    rows: list[dict[str, Any]] = []
    replayed: list[ClockEvent] = []
    requirements = requirements_of(case)
    due_before = None
    for event in case.events:
        if event.kind == VIEWED:
            continue
        due_note = ""
        if event.kind in _CLOCK_KINDS and event.on is not None:
            replayed.append(ClockEvent(ClockEventKind(event.kind), event.on, event.reason))
            try:
                state = compute_clock(replayed, requirements, case.nation)
            except ClockError:
                state = None
            if state is not None and state.due_on != due_before:
                if state.due_on is not None and state.clock_started_on is not None:
                    reasons = due_date_reasons(state.clock_started_on, case.nation,
                                               extended=state.extended,
                                               paused_days=state.paused_days)
                    due_note = f"Due {day_label(state.due_on)}: " + "; ".join(reasons)
                elif due_before is not None:
                    due_note = "No due date while the clock is stopped or on hold"
                due_before = state.due_on
        notes = [text for text in (event.reason, change_words(event)) if text]
        rows.append({"on": day_label(event.on, ""), "what": event_label(event.kind),
                     "actor": event.actor, "note": " · ".join(notes), "due": due_note,
                     "at": event.at, "mail": None})
    return rows

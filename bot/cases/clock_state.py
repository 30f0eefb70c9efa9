"""A case's clock columns, recomputed from its events by the clock rules.

The columns (status, due date, ...) are a cache of :func:`bot.rules.clock.compute_clock` over
the case's clock events, so queries can filter on them; :func:`refresh_clock` is the only
code that sets them, in the same transaction as the change that made them stale.
"""
from __future__ import annotations

from datetime import date

from bot.cases.models import Case
from bot.cases.records import InvalidCaseData, InvalidCaseEvent, join_waiting_for
from bot.rules.clock import ClockError, ClockEvent, ClockEventKind, Requirements, compute_clock

_CLOCK_KINDS = frozenset(kind.value for kind in ClockEventKind)


def clock_events(case: Case) -> list[ClockEvent]:
    """The case's clock events in the order they were recorded (the clock sorts by date)."""
    return [
        ClockEvent(ClockEventKind(event.kind), event.on, event.reason)
        for event in case.events
        if event.kind in _CLOCK_KINDS
    ]


def requirements(case: Case) -> Requirements:
    return Requirements(id=case.requires_id, authority=case.requires_authority,
                        address=bool(case.requires_address))


def refresh_clock(case: Case) -> None:
    """Recompute the cached clock columns from the events (the only place that sets them)."""
    state = compute_clock(clock_events(case), requirements(case), case.nation)
    case.status = state.status.value
    case.clock_started_on = state.clock_started_on
    case.due_on = state.due_on
    case.extended = state.extended
    case.extension_reason = state.extension_reason
    case.extension_notice_by = state.extension_notice_by
    case.paused_days = state.paused_days
    case.waiting_for = join_waiting_for(state.waiting_for)
    case.closed_on = state.closed_on


def clock_event(kind: ClockEventKind | str, on: date, reason: str | None) -> ClockEvent:
    """The event staff asked for, or InvalidCaseEvent/InvalidCaseData saying why not."""
    try:
        return ClockEvent(kind, on, reason)  # type: ignore[arg-type]  # it parses strings
    except ClockError as exc:
        raise InvalidCaseEvent(str(exc)) from exc
    except TypeError as exc:
        raise InvalidCaseData(str(exc)) from exc

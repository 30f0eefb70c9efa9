"""The request clock: on hold until the requirements arrive, stopped for clarification,
extended, closed; invalid sequences refused with a message staff can read."""
from __future__ import annotations

import dataclasses
import random
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.rules.clock import (
    ClockError,
    ClockEvent,
    ClockEventKind,
    ClockState,
    Requirements,
    Status,
    compute_clock,
    validate_new_event,
)
from bot.rules.deadlines import due_date

K = ClockEventKind
NO_ID = Requirements(id=False)
ID_ONLY = Requirements()
ID_AND_AUTHORITY = Requirements(id=True, authority=True)


def d(text: str) -> date:
    return date.fromisoformat(text)


def ev(kind: ClockEventKind, on: str, reason: str | None = None) -> ClockEvent:
    return ClockEvent(kind, d(on), reason)


# --- Starting the clock -------------------------------------------------------------------------


def test_without_requirements_the_clock_starts_on_receipt() -> None:
    state = compute_clock([ev(K.RECEIVED, "2024-11-25")], NO_ID)
    assert state == ClockState(
        status=Status.CLOCK_RUNNING,
        received_on=d("2024-11-25"),
        clock_started_on=d("2024-11-25"),
        due_on=d("2024-12-27"),
        extended=False,
        extension_reason=None,
        paused_days=0,
        extension_notice_by=d("2024-12-27"),
        waiting_for=(),
        closed_on=None,
    )
    assert not state.on_hold and not state.is_closed


def test_on_hold_until_id_arrives() -> None:
    state = compute_clock([ev(K.RECEIVED, "2026-03-03")])  # ID is required by default
    assert state.status is Status.AWAITING_ID
    assert state.on_hold
    assert state.clock_started_on is None
    assert state.due_on is None
    assert state.extension_notice_by is None
    assert state.waiting_for == ("id",)
    assert state.received_on == d("2026-03-03")


def test_clock_starts_when_id_arrives() -> None:
    state = compute_clock([ev(K.RECEIVED, "2026-03-03"), ev(K.ID_RECEIVED, "2026-03-10")])
    assert state.status is Status.CLOCK_RUNNING
    assert state.received_on == d("2026-03-03")
    assert state.clock_started_on == d("2026-03-10")
    assert state.due_on == d("2026-04-10")
    assert state.waiting_for == ()


def test_id_sent_with_the_request_starts_the_clock_that_day() -> None:
    state = compute_clock([ev(K.RECEIVED, "2026-01-31"), ev(K.ID_RECEIVED, "2026-01-31")])
    assert state.clock_started_on == d("2026-01-31")
    assert state.due_on == d("2026-03-02")


def test_someone_acting_for_another_needs_authority_too() -> None:
    received = [ev(K.RECEIVED, "2026-03-02")]
    state = compute_clock(received, ID_AND_AUTHORITY)
    assert state.status is Status.AWAITING_ID
    assert state.waiting_for == ("id", "authority")

    with_id = [*received, ev(K.ID_RECEIVED, "2026-03-05")]
    state = compute_clock(with_id, ID_AND_AUTHORITY)
    assert state.status is Status.AWAITING_AUTHORITY
    assert state.waiting_for == ("authority",)
    assert state.due_on is None

    state = compute_clock([*with_id, ev(K.AUTHORITY_RECEIVED, "2026-03-12")], ID_AND_AUTHORITY)
    assert state.status is Status.CLOCK_RUNNING
    assert state.clock_started_on == d("2026-03-12")  # the latest of the requirement dates
    assert state.due_on == d("2026-04-13")  # 12 Apr 2026 is a Sunday


def test_start_is_the_latest_requirement_whatever_order_they_arrive_in() -> None:
    events = [
        ev(K.RECEIVED, "2026-03-02"),
        ev(K.AUTHORITY_RECEIVED, "2026-03-04"),
        ev(K.ID_RECEIVED, "2026-03-09"),
    ]
    state = compute_clock(events, ID_AND_AUTHORITY)
    assert state.clock_started_on == d("2026-03-09")
    assert state.due_on == d("2026-04-09")


def test_evidence_that_was_not_required_changes_nothing() -> None:
    events = [ev(K.RECEIVED, "2026-03-02"), ev(K.AUTHORITY_RECEIVED, "2026-03-20")]
    state = compute_clock(events, NO_ID)
    assert state.clock_started_on == d("2026-03-02")


def test_id_received_twice_the_first_counts() -> None:
    events = [
        ev(K.RECEIVED, "2026-03-02"),
        ev(K.ID_RECEIVED, "2026-03-04"),
        ev(K.ID_RECEIVED, "2026-03-11"),
    ]
    assert compute_clock(events).clock_started_on == d("2026-03-04")


# --- Fees ---------------------------------------------------------------------------------------


def test_a_fee_puts_the_request_on_hold_until_paid() -> None:
    events = [
        ev(K.RECEIVED, "2026-03-02"),
        ev(K.ID_RECEIVED, "2026-03-02"),
        ev(K.FEE_REQUESTED, "2026-03-02"),
    ]
    state = compute_clock(events)
    assert state.status is Status.AWAITING_FEE
    assert state.waiting_for == ("fee",)
    assert state.due_on is None

    state = compute_clock([*events, ev(K.FEE_RECEIVED, "2026-03-16")])
    assert state.status is Status.CLOCK_RUNNING
    assert state.clock_started_on == d("2026-03-16")
    assert state.due_on == d("2026-04-16")


def test_waiting_for_lists_everything_missing() -> None:
    events = [ev(K.RECEIVED, "2026-03-02"), ev(K.FEE_REQUESTED, "2026-03-03")]
    state = compute_clock(events, ID_AND_AUTHORITY)
    assert state.status is Status.AWAITING_ID
    assert state.waiting_for == ("id", "authority", "fee")


def test_a_fee_asked_for_after_the_start_restarts_the_clock_when_paid() -> None:
    events = [ev(K.RECEIVED, "2026-03-02"), ev(K.FEE_REQUESTED, "2026-03-06")]
    assert compute_clock(events, NO_ID).status is Status.AWAITING_FEE
    state = compute_clock([*events, ev(K.FEE_RECEIVED, "2026-03-10")], NO_ID)
    assert state.clock_started_on == d("2026-03-10")
    assert state.due_on == d("2026-04-10")


def test_fee_reminder_is_harmless_but_a_second_fee_is_refused() -> None:
    events = [
        ev(K.RECEIVED, "2026-03-02"),
        ev(K.FEE_REQUESTED, "2026-03-03"),
        ev(K.FEE_REQUESTED, "2026-03-09"),  # a reminder
        ev(K.FEE_RECEIVED, "2026-03-10"),
    ]
    assert compute_clock(events, NO_ID).clock_started_on == d("2026-03-10")
    with pytest.raises(ClockError, match="already paid on Tue 10 Mar 2026"):
        compute_clock([*events, ev(K.FEE_REQUESTED, "2026-03-12")], NO_ID)


def test_fee_received_without_being_asked_for_is_refused() -> None:
    with pytest.raises(ClockError, match="no fee was asked for"):
        compute_clock([ev(K.RECEIVED, "2026-03-02"), ev(K.FEE_RECEIVED, "2026-03-03")], NO_ID)


# --- Stopping the clock for clarification -------------------------------------------------------

START = [ev(K.RECEIVED, "2026-02-15")]  # a Sunday; day one all the same; raw deadline 15 March


def test_unanswered_clarification_stops_the_clock() -> None:
    state = compute_clock([*START, ev(K.CLARIFICATION_REQUESTED, "2026-02-20")], NO_ID)
    assert state.status is Status.CLARIFICATION_REQUESTED
    assert state.clock_started_on == d("2026-02-15")
    assert state.due_on is None  # unknown until the person answers
    assert state.extension_notice_by is None
    assert state.paused_days == 0  # finished rounds only
    assert state.waiting_for == ("clarification",)


def test_one_clarification_round_adds_its_days() -> None:
    events = [
        *START,
        ev(K.CLARIFICATION_REQUESTED, "2026-02-20"),
        ev(K.CLARIFICATION_RECEIVED, "2026-02-25"),
    ]
    state = compute_clock(events, NO_ID)
    assert state.status is Status.CLOCK_RUNNING
    assert state.paused_days == 5
    assert state.due_on == d("2026-03-20")  # 15 March + 5 days, a Friday
    assert state.extension_notice_by == d("2026-03-20")
    assert compute_clock(START, NO_ID).due_on == d("2026-03-16")  # unpaused, for comparison


def test_several_clarification_rounds_add_up() -> None:
    events = [
        *START,
        ev(K.CLARIFICATION_REQUESTED, "2026-02-20"),
        ev(K.CLARIFICATION_RECEIVED, "2026-02-25"),
        ev(K.CLARIFICATION_REQUESTED, "2026-03-02"),
        ev(K.CLARIFICATION_RECEIVED, "2026-03-04"),
    ]
    state = compute_clock(events, NO_ID)
    assert state.paused_days == 7
    assert state.due_on == d("2026-03-23")  # 22 March is a Sunday


def test_clarification_answered_the_same_day_pauses_nothing() -> None:
    events = [
        *START,
        ev(K.CLARIFICATION_REQUESTED, "2026-02-20"),
        ev(K.CLARIFICATION_RECEIVED, "2026-02-20"),
    ]
    assert compute_clock(events, NO_ID).paused_days == 0


def test_a_clarification_reminder_does_not_restart_the_pause() -> None:
    events = [
        *START,
        ev(K.CLARIFICATION_REQUESTED, "2026-02-20"),
        ev(K.CLARIFICATION_REQUESTED, "2026-02-23"),
        ev(K.CLARIFICATION_RECEIVED, "2026-02-25"),
    ]
    assert compute_clock(events, NO_ID).paused_days == 5


def test_only_days_after_the_clock_started_are_paused() -> None:
    events = [
        ev(K.RECEIVED, "2026-03-02"),
        ev(K.CLARIFICATION_REQUESTED, "2026-03-03"),
        ev(K.ID_RECEIVED, "2026-03-05"),
        ev(K.CLARIFICATION_RECEIVED, "2026-03-09"),
    ]
    state = compute_clock(events)
    assert state.clock_started_on == d("2026-03-05")
    assert state.paused_days == 4
    assert state.due_on == due_date(d("2026-03-05"), paused_days=4) == d("2026-04-09")


def test_on_hold_and_waiting_for_clarification() -> None:
    events = [ev(K.RECEIVED, "2026-03-02"), ev(K.CLARIFICATION_REQUESTED, "2026-03-03")]
    state = compute_clock(events)
    assert state.status is Status.AWAITING_ID
    assert state.waiting_for == ("id", "clarification")
    assert state.paused_days == 0


def test_clarification_received_without_a_request_is_refused() -> None:
    with pytest.raises(ClockError, match="no clarification was waiting"):
        compute_clock([*START, ev(K.CLARIFICATION_RECEIVED, "2026-02-20")], NO_ID)


def test_clarification_answered_twice_is_refused() -> None:
    events = [
        *START,
        ev(K.CLARIFICATION_REQUESTED, "2026-02-20"),
        ev(K.CLARIFICATION_RECEIVED, "2026-02-25"),
        ev(K.CLARIFICATION_RECEIVED, "2026-02-26"),
    ]
    with pytest.raises(ClockError, match="Thu 26 Feb 2026"):
        compute_clock(events, NO_ID)


def test_clarification_cannot_be_asked_for_after_the_deadline() -> None:
    on_time = [*START, ev(K.CLARIFICATION_REQUESTED, "2026-03-16")]  # the due date itself
    assert compute_clock(on_time, NO_ID).status is Status.CLARIFICATION_REQUESTED
    with pytest.raises(ClockError, match="due on Mon 16 Mar 2026"):
        compute_clock([*START, ev(K.CLARIFICATION_REQUESTED, "2026-03-17")], NO_ID)


# --- Extension ----------------------------------------------------------------------------------

SEPT = [ev(K.RECEIVED, "2025-09-03")]  # unextended due 3 October, extended 3 December 2025


def test_extension_gives_three_months_from_the_start() -> None:
    reason = "complex: records held by three services"
    state = compute_clock([*SEPT, ev(K.EXTENDED, "2025-09-20", reason)], NO_ID)
    assert state.status is Status.EXTENDED
    assert state.extended
    assert state.extension_reason == reason
    assert state.due_on == d("2025-12-03")
    assert state.extension_notice_by == d("2025-10-03")


def test_extension_allowed_up_to_the_end_of_the_first_month() -> None:
    state = compute_clock([*SEPT, ev(K.EXTENDED, "2025-10-03", "complex")], NO_ID)
    assert state.due_on == d("2025-12-03")
    with pytest.raises(ClockError, match="first month, which ended on Fri 3 Oct 2025"):
        compute_clock([*SEPT, ev(K.EXTENDED, "2025-10-04", "complex")], NO_ID)


def test_extension_deadline_moves_with_the_pause() -> None:
    paused = [
        *START,
        ev(K.CLARIFICATION_REQUESTED, "2026-02-20"),
        ev(K.CLARIFICATION_RECEIVED, "2026-02-25"),
    ]
    state = compute_clock([*paused, ev(K.EXTENDED, "2026-03-20", "complex")], NO_ID)
    assert state.due_on == due_date(d("2026-02-15"), extended=True, paused_days=5)
    assert state.due_on == d("2026-05-20")
    assert state.extension_notice_by == d("2026-03-20")
    with pytest.raises(ClockError, match="Fri 20 Mar 2026"):
        compute_clock([*paused, ev(K.EXTENDED, "2026-03-23", "complex")], NO_ID)


def test_extension_while_the_clock_is_stopped_counts_the_pause_so_far() -> None:
    # Clock stopped since 20 Feb: on 25 March the first month has not ended (15 Mar + 33 days).
    events = [
        *START,
        ev(K.CLARIFICATION_REQUESTED, "2026-02-20"),
        ev(K.EXTENDED, "2026-03-25", "a number of requests"),
    ]
    state = compute_clock(events, NO_ID)
    assert state.status is Status.CLARIFICATION_REQUESTED
    assert state.extended and state.due_on is None
    answered = compute_clock([*events, ev(K.CLARIFICATION_RECEIVED, "2026-03-30")], NO_ID)
    assert answered.status is Status.EXTENDED
    assert answered.paused_days == 38
    assert answered.due_on == due_date(d("2026-02-15"), extended=True, paused_days=38)


def test_extension_needs_a_reason() -> None:
    for reason in (None, "", "   "):
        with pytest.raises(ClockError, match="needs a reason"):
            compute_clock([*SEPT, ev(K.EXTENDED, "2025-09-20", reason)], NO_ID)


def test_extension_while_on_hold_is_refused() -> None:
    with pytest.raises(ClockError, match="on hold"):
        compute_clock([*SEPT, ev(K.EXTENDED, "2025-09-20", "complex")])


def test_extending_twice_keeps_the_first() -> None:
    events = [
        *SEPT,
        ev(K.EXTENDED, "2025-09-20", "complex"),
        ev(K.EXTENDED, "2025-11-20", "still complex"),  # after the first month: harmless
    ]
    state = compute_clock(events, NO_ID)
    assert state.extension_reason == "complex"
    assert state.due_on == d("2025-12-03")


# --- Closing the case ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, status",
    [(K.COMPLETED, Status.COMPLETED), (K.REFUSED, Status.REFUSED), (K.WITHDRAWN, Status.WITHDRAWN)],
)
def test_closing_keeps_the_due_date_for_the_record(kind: ClockEventKind, status: Status) -> None:
    state = compute_clock([*SEPT, ev(kind, "2025-09-29")], NO_ID)
    assert state.status is status
    assert state.is_closed
    assert state.closed_on == d("2025-09-29")
    assert state.due_on == d("2025-10-03")
    assert state.waiting_for == ()


def test_closing_an_extended_case_keeps_the_extended_date() -> None:
    events = [*SEPT, ev(K.EXTENDED, "2025-09-20", "complex"), ev(K.COMPLETED, "2025-11-28")]
    state = compute_clock(events, NO_ID)
    assert state.status is Status.COMPLETED
    assert state.due_on == d("2025-12-03")
    assert state.extended


def test_withdrawn_while_on_hold() -> None:
    state = compute_clock([*SEPT, ev(K.WITHDRAWN, "2025-09-10")])
    assert state.status is Status.WITHDRAWN
    assert state.clock_started_on is None
    assert state.due_on is None
    assert state.waiting_for == ()


def test_nothing_may_follow_closure() -> None:
    events = [*SEPT, ev(K.COMPLETED, "2025-09-29"), ev(K.EXTENDED, "2025-09-30", "complex")]
    with pytest.raises(ClockError, match="after the case was closed"):
        compute_clock(events, NO_ID)


def test_same_day_events_keep_list_order() -> None:
    before = [*SEPT, ev(K.ID_RECEIVED, "2025-09-29"), ev(K.COMPLETED, "2025-09-29")]
    assert compute_clock(before).status is Status.COMPLETED
    after = [*SEPT, ev(K.COMPLETED, "2025-09-29"), ev(K.ID_RECEIVED, "2025-09-29")]
    with pytest.raises(ClockError, match="closed"):
        compute_clock(after)


# --- Invalid sequences and ordering -------------------------------------------------------------


def test_no_receipt_is_refused() -> None:
    with pytest.raises(ClockError, match="received"):
        compute_clock([])
    with pytest.raises(ClockError, match="no 'received' event"):
        compute_clock([ev(K.ID_RECEIVED, "2026-03-02")])


def test_events_before_receipt_are_refused() -> None:
    events = [ev(K.RECEIVED, "2026-03-05"), ev(K.ID_RECEIVED, "2026-03-02")]
    with pytest.raises(ClockError) as excinfo:
        compute_clock(events)
    assert "Mon 2 Mar 2026" in str(excinfo.value) and "Thu 5 Mar 2026" in str(excinfo.value)


def test_a_second_receipt_is_a_new_request() -> None:
    with pytest.raises(ClockError, match="new case"):
        compute_clock([ev(K.RECEIVED, "2026-03-02"), ev(K.RECEIVED, "2026-03-09")], NO_ID)


def test_clock_errors_are_value_errors() -> None:
    assert issubclass(ClockError, ValueError)


def test_the_receipt_comes_first_on_its_day() -> None:
    events = [ev(K.ID_RECEIVED, "2026-03-02"), ev(K.RECEIVED, "2026-03-02")]
    assert compute_clock(events).clock_started_on == d("2026-03-02")


def test_events_are_sorted_by_date() -> None:
    events = [
        ev(K.CLARIFICATION_RECEIVED, "2026-02-25"),
        ev(K.ID_RECEIVED, "2026-02-15"),
        ev(K.CLARIFICATION_REQUESTED, "2026-02-20"),
        *START,
    ]
    state = compute_clock(events)
    assert state.clock_started_on == d("2026-02-15")
    assert state.paused_days == 5
    assert state.due_on == d("2026-03-20")


def test_same_day_order_matters_for_clarification() -> None:
    ok = [
        *START,
        ev(K.CLARIFICATION_REQUESTED, "2026-02-20"),
        ev(K.CLARIFICATION_RECEIVED, "2026-02-20"),
    ]
    assert compute_clock(ok, NO_ID).status is Status.CLOCK_RUNNING
    with pytest.raises(ClockError):
        compute_clock(list(reversed(ok[1:])) + START, NO_ID)


def test_future_events_are_refused_when_today_is_given() -> None:
    events = [ev(K.RECEIVED, "2026-03-02"), ev(K.ID_RECEIVED, "2026-03-10")]
    assert compute_clock(events, today=d("2026-03-10")).clock_started_on == d("2026-03-10")
    with pytest.raises(ClockError, match="future"):
        compute_clock(events, today=d("2026-03-09"))


def test_the_nation_decides_the_bank_holidays() -> None:
    events = [ev(K.RECEIVED, "2025-12-02")]
    assert compute_clock(events, NO_ID).due_on == d("2026-01-02")
    assert compute_clock(events, NO_ID, nation="scotland").due_on == d("2026-01-05")
    with pytest.raises(ValueError, match="atlantis"):
        compute_clock(events, NO_ID, nation="atlantis")


# --- Events themselves --------------------------------------------------------------------------


def test_event_kind_accepts_stored_strings() -> None:
    event = ClockEvent("id_received", d("2026-03-02"))  # type: ignore[arg-type]
    assert event.kind is K.ID_RECEIVED
    with pytest.raises(ClockError, match="unknown event 'reopened'"):
        ClockEvent("reopened", d("2026-03-02"))  # type: ignore[arg-type]


def test_event_dates_must_be_dates() -> None:
    from datetime import datetime

    with pytest.raises(TypeError):
        ClockEvent(K.RECEIVED, datetime(2026, 3, 2, 10, 0))
    with pytest.raises(TypeError):
        ClockEvent(K.RECEIVED, "2026-03-02")  # type: ignore[arg-type]


def test_values_are_immutable_and_serialisable() -> None:
    event = ev(K.RECEIVED, "2026-03-02")
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.on = d("2026-03-03")  # type: ignore[misc]
    state = compute_clock([event], NO_ID)
    with pytest.raises(dataclasses.FrozenInstanceError):
        state.due_on = None  # type: ignore[misc]
    assert state.status == "clock_running"  # str enums compare (and dump) as their values
    assert K.CLARIFICATION_REQUESTED == "clarification_requested"


# --- Recording a new event ----------------------------------------------------------------------


def test_validate_new_event_returns_the_new_state() -> None:
    state = validate_new_event([ev(K.RECEIVED, "2026-03-03")], ev(K.ID_RECEIVED, "2026-03-10"))
    assert state.status is Status.CLOCK_RUNNING
    assert state.due_on == d("2026-04-10")


def test_validate_new_event_first_event_must_be_the_receipt() -> None:
    assert validate_new_event([], ev(K.RECEIVED, "2026-03-03")).status is Status.AWAITING_ID
    with pytest.raises(ClockError):
        validate_new_event([], ev(K.ID_RECEIVED, "2026-03-03"))


def test_validate_new_event_id_twice_is_fine() -> None:
    events = [ev(K.RECEIVED, "2026-03-03"), ev(K.ID_RECEIVED, "2026-03-10")]
    state = validate_new_event(events, ev(K.ID_RECEIVED, "2026-03-12"))
    assert state.clock_started_on == d("2026-03-10")


def test_validate_new_event_refuses_a_late_extension() -> None:
    with pytest.raises(ClockError, match="too late"):
        validate_new_event(SEPT, ev(K.EXTENDED, "2025-10-06", "complex"), NO_ID)
    state = validate_new_event(SEPT, ev(K.EXTENDED, "2025-10-03", "complex"), NO_ID)
    assert state.status is Status.EXTENDED


def test_validate_new_event_refuses_anything_once_closed_even_backdated() -> None:
    closed = [*SEPT, ev(K.COMPLETED, "2025-09-29")]
    with pytest.raises(ClockError, match=r"closed \(completed\) on Mon 29 Sep 2025"):
        validate_new_event(closed, ev(K.ID_RECEIVED, "2025-09-10"), NO_ID)
    with pytest.raises(ClockError, match="closed"):
        validate_new_event(closed, ev(K.WITHDRAWN, "2025-09-30"), NO_ID)


def test_validate_new_event_refuses_an_invalid_history() -> None:
    with pytest.raises(ClockError):
        validate_new_event([ev(K.ID_RECEIVED, "2026-03-03")], ev(K.RECEIVED, "2026-03-03"))


def test_validate_new_event_honours_today() -> None:
    with pytest.raises(ClockError, match="future"):
        validate_new_event(SEPT, ev(K.COMPLETED, "2025-10-01"), NO_ID, today=d("2025-09-30"))


# --- Invariants ---------------------------------------------------------------------------------


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[ClockEvent], int]:
    """A receipt, ID (maybe the same day), then clarification rounds on distinct later days,
    with the total days paused."""
    received = draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)))
    id_after = draw(st.integers(min_value=0, max_value=20))
    day, paused = received + timedelta(days=id_after), 0
    events = [ClockEvent(K.RECEIVED, received), ClockEvent(K.ID_RECEIVED, day)]
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        gap = draw(st.integers(min_value=1, max_value=5))  # short gaps keep us inside the month
        length = draw(st.integers(min_value=1, max_value=10))
        asked = day + timedelta(days=gap)
        day = asked + timedelta(days=length)
        events.append(ClockEvent(K.CLARIFICATION_REQUESTED, asked))
        events.append(ClockEvent(K.CLARIFICATION_RECEIVED, day))
        paused += length
    return events, paused


@settings(max_examples=200, deadline=None)
@given(history=histories(), seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_the_list_order_of_distinct_days_does_not_matter(
    history: tuple[list[ClockEvent], int], seed: int
) -> None:
    events, paused = history
    shuffled = list(events)
    random.Random(seed).shuffle(shuffled)
    state = compute_clock(shuffled)
    assert state == compute_clock(events)
    assert state.paused_days == paused
    start = events[1].on  # the ID, on or after the receipt
    assert state.clock_started_on == start
    assert state.due_on == due_date(start, paused_days=paused)
    assert state.due_on >= start + timedelta(days=28 + paused)


# --- Proof of identity and proof of address, recorded apart ------------------------------------

ID_AND_ADDRESS = Requirements(id=True, address=True)


def test_the_clock_waits_for_proof_of_identity_and_of_address() -> None:
    events = [ev(K.RECEIVED, "2026-03-02"), ev(K.ID_RECEIVED, "2026-03-04")]
    state = compute_clock(events, ID_AND_ADDRESS)
    assert state.status is Status.AWAITING_ADDRESS and state.waiting_for == ("address",)
    assert state.clock_started_on is None and state.due_on is None
    state = compute_clock([*events, ev(K.ADDRESS_RECEIVED, "2026-03-09")], ID_AND_ADDRESS)
    assert state.status is Status.CLOCK_RUNNING
    assert state.clock_started_on == d("2026-03-09")  # the later of the two
    assert state.due_on == d("2026-04-09")


def test_address_first_then_identity_starts_the_clock_on_the_identity() -> None:
    events = [ev(K.RECEIVED, "2026-03-02"), ev(K.ADDRESS_RECEIVED, "2026-03-03")]
    assert compute_clock(events, ID_AND_ADDRESS).status is Status.AWAITING_ID
    assert compute_clock(events, ID_AND_ADDRESS).waiting_for == ("id",)
    state = compute_clock([*events, ev(K.ID_RECEIVED, "2026-03-05")], ID_AND_ADDRESS)
    assert state.clock_started_on == d("2026-03-05")


def test_older_cases_keep_one_id_received_for_both() -> None:
    events = [ev(K.RECEIVED, "2026-03-02"), ev(K.ID_RECEIVED, "2026-03-04")]
    assert compute_clock(events, ID_ONLY).clock_started_on == d("2026-03-04")
    # an address proof on a case that did not ask for one changes nothing
    later = [*events, ev(K.ADDRESS_RECEIVED, "2026-03-06")]
    assert compute_clock(later, ID_ONLY).clock_started_on == d("2026-03-04")


def test_due_date_reasons_name_the_weekend_and_the_bank_holiday() -> None:
    from bot.rules.deadlines import due_date, due_date_reasons

    # 28 March 2026 + 1 month = 28 April (a Tuesday): nothing moves.
    assert due_date_reasons(d("2026-03-28")) == ["one calendar month from Sat 28 Mar 2026 "
                                                 "is Tue 28 Apr 2026"]
    # 4 April + 1 month = 4 May 2026: the early May bank holiday, a Monday.
    reasons = due_date_reasons(d("2026-04-04"))
    assert due_date(d("2026-04-04")) == d("2026-05-05")
    assert "Mon 4 May 2026 is a bank holiday (May Day)" in reasons
    assert reasons[-1] == "so it moves to the next working day, Tue 5 May 2026"
    # 2 weekends: 7 Feb + 1 month = 7 March 2026, a Saturday; plus 3 days stopped: Tue 10.
    assert due_date_reasons(d("2026-02-07"), paused_days=3)[1] == (
        "plus 3 days stopped for clarification: Tue 10 Mar 2026")
    assert "Sat 7 Mar 2026 is a Saturday" in due_date_reasons(d("2026-02-07"))

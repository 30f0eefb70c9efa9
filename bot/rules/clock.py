"""The request clock: where a rights request stands, derived from what happened to it.

A case stores its events (received, ID received, clarification asked for, extended, ...);
this module replays them, in date order, into a :class:`ClockState` (status, when the clock
started, the due date), refusing sequences the law does not allow with a :class:`ClockError`
whose message staff can read in the console. Pure Python: no database, no Rasa, no clock reads.

Choices made where the rules leave room (see ``time-limits.md``):

- The clock starts on the latest of: receipt, proof of identity received (if required), proof
  of address received (if required: cases logged before the two were recorded apart have
  one "ID received" for both), authority received (if required), fee received (if a fee was
  asked for). Until then the request is on hold and
  ``clock_started_on``, ``due_on`` and ``extension_notice_by`` are None.
- A clarification round stops the clock for ``received - requested`` days (asked on the 20th,
  answered on the 25th: 5 days), counting only days after the clock started. While a
  clarification is unanswered the due date is unknown, so ``due_on`` and
  ``extension_notice_by`` are None and ``paused_days`` counts finished rounds only.
- Duplicates are harmless and the first one counts: ID or authority received twice, a fee
  reminder, a second clarification request while one is unanswered, a second extension
  (its reason is kept from the first). A second *receipt* is an error: that is a new request.
- An extension needs a reason (the person must be told why) and must be recorded by the end
  of the first month (``extension_notice_by``), and only once the clock has started.
- A fee asked for after the clock started puts the request back on hold; the clock restarts
  on the day the fee arrives (the latest-of rule). One fee per request.
- Completed, refused and withdrawn close the case; nothing may follow. ``due_on`` stays as it
  was at closure, for the record.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum

from bot.rules.deadlines import DEFAULT_NATION, due_date, parse_nation, plain_date


class ClockError(ValueError):
    """An event sequence the rules do not allow; the message is meant for staff."""


class ClockEventKind(str, Enum):
    RECEIVED = "received"
    ID_RECEIVED = "id_received"
    ADDRESS_RECEIVED = "address_received"
    AUTHORITY_RECEIVED = "authority_received"
    FEE_REQUESTED = "fee_requested"
    FEE_RECEIVED = "fee_received"
    CLARIFICATION_REQUESTED = "clarification_requested"
    CLARIFICATION_RECEIVED = "clarification_received"
    EXTENDED = "extended"
    COMPLETED = "completed"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


# How each event reads in a message to staff.
_LABELS = {
    ClockEventKind.RECEIVED: "the request was received",
    ClockEventKind.ID_RECEIVED: "proof of identity received",
    ClockEventKind.ADDRESS_RECEIVED: "proof of address received",
    ClockEventKind.AUTHORITY_RECEIVED: "authority to act received",
    ClockEventKind.FEE_REQUESTED: "fee asked for",
    ClockEventKind.FEE_RECEIVED: "fee received",
    ClockEventKind.CLARIFICATION_REQUESTED: "clarification asked for",
    ClockEventKind.CLARIFICATION_RECEIVED: "clarification received",
    ClockEventKind.EXTENDED: "extension",
    ClockEventKind.COMPLETED: "completed",
    ClockEventKind.REFUSED: "refused",
    ClockEventKind.WITHDRAWN: "withdrawn",
}


@dataclass(frozen=True)
class ClockEvent:
    """One thing that happened to a request, on the council's local date ``on``."""

    kind: ClockEventKind
    on: date
    reason: str | None = None

    def __post_init__(self) -> None:
        # Accept the plain string stored in a database column, but nothing unknown.
        try:
            kind = ClockEventKind(self.kind)
        except ValueError:
            valid = ", ".join(k.value for k in ClockEventKind)
            raise ClockError(f"unknown event {self.kind!r}: expected one of {valid}") from None
        object.__setattr__(self, "kind", kind)
        if isinstance(self.on, datetime) or not isinstance(self.on, date):
            raise TypeError(
                f"ClockEvent.on must be a date, not {type(self.on).__name__} "
                "(use bot.rules.deadlines.received_on for a datetime)"
            )

    def describe(self) -> str:
        return f"{_LABELS[self.kind]} on {plain_date(self.on)}"


@dataclass(frozen=True)
class Requirements:
    """What the council asked for before the clock can start (a fee only once requested)."""

    id: bool = True
    authority: bool = False  # evidence that a third party may act for the person
    # Proof of address, recorded apart from proof of identity. Off for cases logged before
    # the two were separate: there "ID received" stood for both.
    address: bool = False


class Status(str, Enum):
    AWAITING_ID = "awaiting_id"
    AWAITING_ADDRESS = "awaiting_address"
    AWAITING_AUTHORITY = "awaiting_authority"
    AWAITING_FEE = "awaiting_fee"
    CLOCK_RUNNING = "clock_running"
    CLARIFICATION_REQUESTED = "clarification_requested"
    EXTENDED = "extended"
    COMPLETED = "completed"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


_CLOSING = {
    ClockEventKind.COMPLETED: Status.COMPLETED,
    ClockEventKind.REFUSED: Status.REFUSED,
    ClockEventKind.WITHDRAWN: Status.WITHDRAWN,
}
_AWAITING = {
    "id": Status.AWAITING_ID,
    "address": Status.AWAITING_ADDRESS,
    "authority": Status.AWAITING_AUTHORITY,
    "fee": Status.AWAITING_FEE,
}


@dataclass(frozen=True)
class ClockState:
    """Where a request stands; dates are None while they cannot be known (on hold, paused)."""

    status: Status
    received_on: date
    clock_started_on: date | None
    due_on: date | None
    extended: bool
    extension_reason: str | None
    paused_days: int
    extension_notice_by: date | None
    waiting_for: tuple[str, ...]  # any of "id", "address", "authority", "fee", "clarification"
    closed_on: date | None

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    @property
    def on_hold(self) -> bool:
        return self.clock_started_on is None


@dataclass
class _Ledger:
    """The facts gathered while replaying events; the rules live in ``_apply``."""

    requirements: Requirements
    nation: str
    received: date | None = None
    id_on: date | None = None
    address_on: date | None = None
    authority_on: date | None = None
    fee_requested_on: date | None = None
    fee_received_on: date | None = None
    rounds: list[tuple[date, date]] = field(default_factory=list)
    clarification_since: date | None = None
    extended: bool = False
    extension_reason: str | None = None
    closed_by: ClockEvent | None = None

    def waiting_for(self) -> tuple[str, ...]:
        """Requirements still missing, in the order staff chase them."""
        missing = []
        if self.requirements.id and self.id_on is None:
            missing.append("id")
        if self.requirements.address and self.address_on is None:
            missing.append("address")
        if self.requirements.authority and self.authority_on is None:
            missing.append("authority")
        if self.fee_requested_on is not None and self.fee_received_on is None:
            missing.append("fee")
        return tuple(missing)

    def clock_start(self) -> date | None:
        """The latest of the dates the clock waits for, or None while any is missing."""
        if self.received is None or self.waiting_for():
            return None
        candidates: list[date | None] = [self.received]
        if self.requirements.id:
            candidates.append(self.id_on)
        if self.requirements.address:
            candidates.append(self.address_on)
        if self.requirements.authority:
            candidates.append(self.authority_on)
        if self.fee_requested_on is not None:
            candidates.append(self.fee_received_on)
        return max(d for d in candidates if d is not None)

    def paused_days(self, start: date, until: date | None = None) -> int:
        """Days stopped for clarification after ``start``; ``until`` closes an open round."""
        rounds = list(self.rounds)
        if until is not None and self.clarification_since is not None:
            rounds.append((self.clarification_since, until))
        return sum(max(0, (answered - max(asked, start)).days) for asked, answered in rounds)

    def current_due(self, start: date, until: date) -> date:
        """The due date as it stands on ``until`` (an open clarification counts up to then)."""
        return due_date(
            start, self.nation, extended=self.extended, paused_days=self.paused_days(start, until)
        )


def compute_clock(
    events: Sequence[ClockEvent],
    requirements: Requirements = Requirements(),
    nation: str = DEFAULT_NATION,
    today: date | None = None,
) -> ClockState:
    """Replay ``events`` into the request's state.

    Events are taken in date order; on the same day the receipt comes first (nothing can
    precede it) and the rest keep their list order. ``today``, when given, rejects events
    dated after it (a typo in a date, usually). Raises ClockError for a sequence the rules
    do not allow.
    """
    nation = parse_nation(nation)
    ordered = sorted(events, key=_replay_order)
    receipts = [e for e in ordered if e.kind is ClockEventKind.RECEIVED]
    if not receipts:
        raise ClockError("there is no 'received' event: record when the request was received first")
    ledger = _Ledger(requirements=requirements, nation=nation)
    for event in ordered:
        if today is not None and event.on > today:
            raise ClockError(f"{event.describe()} is in the future (today is {plain_date(today)})")
        if ledger.received is None and event.kind is not ClockEventKind.RECEIVED:
            raise ClockError(
                f"{event.describe()} is before the request was received "
                f"({plain_date(receipts[0].on)})"
            )
        _apply(ledger, event)
    return _state(ledger)


def _replay_order(event: ClockEvent) -> tuple[date, bool]:
    """Date order, the receipt first on its day; ``sorted`` keeps list order otherwise."""
    return event.on, event.kind is not ClockEventKind.RECEIVED


def validate_new_event(
    events: Sequence[ClockEvent],
    new_event: ClockEvent,
    requirements: Requirements = Requirements(),
    nation: str = DEFAULT_NATION,
    *,
    today: date | None = None,
) -> ClockState:
    """The state after recording ``new_event``, or ClockError when it may not be recorded.

    A closed case takes no more events, even ones dated before its closure.
    """
    if events:
        current = compute_clock(events, requirements, nation, today)
        if current.closed_on is not None:
            raise ClockError(
                f"the case was closed ({current.status.value}) on "
                f"{plain_date(current.closed_on)}: {new_event.describe()} cannot be recorded"
            )
    return compute_clock([*events, new_event], requirements, nation, today)


def _apply(ledger: _Ledger, event: ClockEvent) -> None:
    """Fold one event into the ledger, refusing what the rules do not allow."""
    if ledger.closed_by is not None:
        raise ClockError(
            f"{event.describe()} comes after the case was closed "
            f"({ledger.closed_by.describe()})"
        )
    handler = _HANDLERS[event.kind]
    handler(ledger, event)


def _received(ledger: _Ledger, event: ClockEvent) -> None:
    if ledger.received is not None:
        raise ClockError(
            f"the request was already received on {plain_date(ledger.received)}; "
            f"{event.describe()} would be a new request: log it as a new case"
        )
    ledger.received = event.on


def _id_received(ledger: _Ledger, event: ClockEvent) -> None:
    if ledger.id_on is None:
        ledger.id_on = event.on


def _address_received(ledger: _Ledger, event: ClockEvent) -> None:
    if ledger.address_on is None:
        ledger.address_on = event.on


def _authority_received(ledger: _Ledger, event: ClockEvent) -> None:
    if ledger.authority_on is None:
        ledger.authority_on = event.on


def _fee_requested(ledger: _Ledger, event: ClockEvent) -> None:
    if ledger.fee_received_on is not None:
        raise ClockError(
            f"a fee was already paid on {plain_date(ledger.fee_received_on)}; "
            f"only one fee can be asked for per request ({event.describe()})"
        )
    if ledger.fee_requested_on is None:
        ledger.fee_requested_on = event.on


def _fee_received(ledger: _Ledger, event: ClockEvent) -> None:
    if ledger.fee_requested_on is None:
        raise ClockError(f"{event.describe()}, but no fee was asked for")
    if ledger.fee_received_on is None:
        ledger.fee_received_on = event.on


def _clarification_requested(ledger: _Ledger, event: ClockEvent) -> None:
    if ledger.clarification_since is not None:
        return  # a reminder: the clock is already stopped
    start = ledger.clock_start()
    if start is not None:
        due = ledger.current_due(start, event.on)
        if event.on > due:
            raise ClockError(
                f"{event.describe()} is too late to stop the clock: "
                f"the response was due on {plain_date(due)}"
            )
    ledger.clarification_since = event.on


def _clarification_received(ledger: _Ledger, event: ClockEvent) -> None:
    if ledger.clarification_since is None:
        raise ClockError(f"{event.describe()}, but no clarification was waiting to be answered")
    ledger.rounds.append((ledger.clarification_since, event.on))
    ledger.clarification_since = None


def _extended(ledger: _Ledger, event: ClockEvent) -> None:
    if ledger.extended:
        return  # already extended: the limit is at most three months
    if not (event.reason and event.reason.strip()):
        raise ClockError(
            f"{event.describe()} needs a reason (the request is complex, or the person "
            "made a number of requests): the person must be told why"
        )
    start = ledger.clock_start()
    if start is None:
        waiting = ", ".join(ledger.waiting_for())
        raise ClockError(
            f"{event.describe()}: the request is on hold (waiting for {waiting}), "
            "so the clock has not started and there is nothing to extend"
        )
    notice_by = due_date(start, ledger.nation, paused_days=ledger.paused_days(start, event.on))
    if event.on > notice_by:
        raise ClockError(
            f"{event.describe()} is too late: an extension must be notified within the first "
            f"month, which ended on {plain_date(notice_by)}"
        )
    ledger.extended = True
    ledger.extension_reason = event.reason.strip()


def _closed(ledger: _Ledger, event: ClockEvent) -> None:
    ledger.closed_by = event


_HANDLERS = {
    ClockEventKind.RECEIVED: _received,
    ClockEventKind.ID_RECEIVED: _id_received,
    ClockEventKind.ADDRESS_RECEIVED: _address_received,
    ClockEventKind.AUTHORITY_RECEIVED: _authority_received,
    ClockEventKind.FEE_REQUESTED: _fee_requested,
    ClockEventKind.FEE_RECEIVED: _fee_received,
    ClockEventKind.CLARIFICATION_REQUESTED: _clarification_requested,
    ClockEventKind.CLARIFICATION_RECEIVED: _clarification_received,
    ClockEventKind.EXTENDED: _extended,
    ClockEventKind.COMPLETED: _closed,
    ClockEventKind.REFUSED: _closed,
    ClockEventKind.WITHDRAWN: _closed,
}


def _state(ledger: _Ledger) -> ClockState:
    """Summarise the replayed ledger; dates that cannot be known yet are None."""
    assert ledger.received is not None  # compute_clock guarantees a receipt
    start = ledger.clock_start()
    waiting = ledger.waiting_for()
    if ledger.clarification_since is not None:
        waiting += ("clarification",)
    paused = ledger.paused_days(start) if start is not None else 0
    due = notice_by = None
    if start is not None and ledger.clarification_since is None:
        due = due_date(start, ledger.nation, extended=ledger.extended, paused_days=paused)
        notice_by = due_date(start, ledger.nation, paused_days=paused)
    closed = ledger.closed_by
    return ClockState(
        status=_status(ledger, start, closed),
        received_on=ledger.received,
        clock_started_on=start,
        due_on=due,
        extended=ledger.extended,
        extension_reason=ledger.extension_reason,
        paused_days=paused,
        extension_notice_by=notice_by,
        waiting_for=() if closed else waiting,
        closed_on=closed.on if closed else None,
    )


def _status(ledger: _Ledger, start: date | None, closed: ClockEvent | None) -> Status:
    if closed is not None:
        return _CLOSING[closed.kind]
    if start is None:
        return _AWAITING[ledger.waiting_for()[0]]
    if ledger.clarification_since is not None:
        return Status.CLARIFICATION_REQUESTED
    return Status.EXTENDED if ledger.extended else Status.CLOCK_RUNNING

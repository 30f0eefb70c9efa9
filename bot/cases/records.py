"""Plain, immutable views of cases for callers outside a database session.

The repository returns these rather than ORM objects, so an action, a web handler or the CLI
can never trigger a lazy load on a closed session, and cannot change a case except through
the repository (which records who did it and why).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime
from typing import Any, TypeVar

from bot.cases.models import Case, CaseEvent
from bot.rules.clock import ClockError


class CaseError(Exception):
    """Base class for the case store's errors."""


class CaseNotFound(CaseError, LookupError):
    """No case has that reference."""

    def __init__(self, reference: str) -> None:
        super().__init__(f"no case with reference {reference!r}")
        self.reference = reference


class InvalidCaseData(CaseError, ValueError):
    """A value the case store does not accept (unknown request type, naive timestamp, ...)."""


class ReferenceTaken(InvalidCaseData):
    """A reference given up front belongs to another conversation's case."""

    def __init__(self, reference: str) -> None:
        super().__init__(f"reference {reference!r} belongs to another conversation")
        self.reference = reference


class InvalidCaseEvent(InvalidCaseData, ClockError):
    """The clock rules do not allow this event now; the message is meant for staff."""


@dataclass(frozen=True)
class CaseEventRecord:
    """One entry of a case's history."""

    kind: str
    on: date | None
    at: datetime
    actor: str
    reason: str | None = None
    data: dict[str, Any] | None = None

    @classmethod
    def from_model(cls, event: CaseEvent) -> CaseEventRecord:
        return cls(
            kind=event.kind,
            on=event.on,
            at=event.at,
            actor=event.actor,
            reason=event.reason,
            data=dict(event.data) if event.data is not None else None,
        )


_Summary = TypeVar("_Summary", bound="CaseSummary")


@dataclass(frozen=True)
class CaseSummary:
    """A case as stored: the requester, the request and where its clock stands."""

    reference: str
    request_type: str
    status: str
    nation: str
    received_at: datetime
    received_on: date
    clock_started_on: date | None
    due_on: date | None
    extended: bool
    extension_reason: str | None
    extension_notice_by: date | None
    paused_days: int
    waiting_for: tuple[str, ...]
    closed_on: date | None
    requires_id: bool
    requires_authority: bool
    requires_address: bool
    assigned_to: str | None
    full_name: str
    previous_names: str | None
    date_of_birth: date | None
    address: str | None
    postcode: str | None
    previous_addresses: str | None
    email: str | None
    phone: str | None
    on_behalf: bool
    subject_name: str | None
    relationship: str | None
    authority: str | None
    details: str | None
    answers: dict[str, Any]
    period: str | None
    services: str | None
    response_format: str | None
    id_document: str | None
    address_document: str | None
    conversation_id: str | None
    created_at: datetime
    updated_at: datetime

    @property
    def on_hold(self) -> bool:
        return self.clock_started_on is None and self.closed_on is None

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    def is_overdue(self, today: date) -> bool:
        return self.due_on is not None and self.closed_on is None and self.due_on < today

    @classmethod
    def from_model(cls: type[_Summary], case: Case, **extra: Any) -> _Summary:
        values = {
            f.name: getattr(case, f.name) for f in fields(CaseSummary) if f.name != "waiting_for"
        }
        values["waiting_for"] = split_waiting_for(case.waiting_for)
        values["answers"] = dict(case.answers or {})
        return cls(**values, **extra)


@dataclass(frozen=True)
class CaseDetail(CaseSummary):
    """A case with its full history, for the staff console."""

    events: tuple[CaseEventRecord, ...] = field(default=())

    @classmethod
    def from_case(cls, case: Case) -> CaseDetail:
        events = tuple(CaseEventRecord.from_model(event) for event in case.events)
        return cls.from_model(case, events=events)


def join_waiting_for(waiting_for: tuple[str, ...]) -> str:
    return ",".join(waiting_for)


def split_waiting_for(stored: str | None) -> tuple[str, ...]:
    return tuple(part for part in (stored or "").split(",") if part)


# Left out of exports: the resident's chat id is the key to their conversation.
PRIVATE_FIELDS = ("conversation_id",)


def case_to_dict(case: CaseSummary, *, for_export: bool = False) -> dict[str, Any]:
    """A JSON-ready dict of a case (ISO dates and timestamps; history included if loaded).

    ``for_export``: without PRIVATE_FIELDS (a file that leaves the system).
    """
    values = asdict(case)
    if for_export:
        for name in PRIVATE_FIELDS:
            values.pop(name, None)
    return jsonable(values)


def event_to_dict(event: CaseEventRecord) -> dict[str, Any]:
    return jsonable(asdict(event))


def jsonable(value: Any) -> Any:
    """A value as JSON holds it (dates as ISO text), containers walked."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(item) for item in value]
    return value

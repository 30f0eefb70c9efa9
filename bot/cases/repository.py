"""What the assistant's actions and the staff console do to cases, one unit of work each.

Every operation opens its own session and commits or rolls back before returning, and returns
plain records (``bot.cases.records``), never ORM objects. Every change appends a
``dpa_case_events`` row saying who made it, when and why; the clock columns of a case are
recomputed from its events (``bot.cases.clock_state``) in the same transaction. Finding
cases is ``bot.cases.queries``; the checks on what is stored are ``bot.cases.checks``.

The calls block on the database: from async code (the web app) run them in an executor.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.cases import checks, queries
from bot.cases.clock_state import clock_event, clock_events, refresh_clock, requirements
from bot.cases.models import Case, CaseEvent
from bot.cases.new_case import FIELDS, NewCase
from bot.cases.records import (
    CaseDetail,
    CaseEventRecord,
    CaseSummary,
    InvalidCaseData,
    InvalidCaseEvent,
    ReferenceTaken,
    jsonable,
)
from bot.cases.vocabulary import ASSIGNED, ASSISTANT, CREATED, DETAILS_CHANGED, NOTE, VIEWED
from bot.config import Settings, load_settings
from bot.db.engine import get_engine, make_session_factory, session_scope
from bot.rules import references
from bot.rules.clock import (
    ClockError,
    ClockEvent,
    ClockEventKind,
    ClockState,
    validate_new_event,
)
from bot.rules.deadlines import DEFAULT_NATION, parse_nation, received_on

if TYPE_CHECKING:  # annotations only (Python 3.10 has no typing.Unpack)
    from typing_extensions import Unpack

log = logging.getLogger(__name__)

REFERENCE_ATTEMPTS = 5
# Requester and request fields: set at creation, changed later only by update_details.
_EDITABLE_FIELDS = frozenset(FIELDS)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class CaseRepository:
    """The case store behind one database URL (a sessionmaker; no session is kept open)."""

    def __init__(
        self,
        session_factory: sessionmaker,
        *,
        nation: str = DEFAULT_NATION,
        now: Callable[[], datetime] = _utcnow,
        new_reference: Callable[[], str] = references.new_reference,
    ) -> None:
        self._sessions = session_factory
        self.nation = parse_nation(nation)
        self._now = now
        self._new_reference = new_reference

    @classmethod
    def from_engine(cls, engine: Engine, **options: Any) -> CaseRepository:
        return cls(make_session_factory(engine), **options)

    @classmethod
    def from_url(cls, url: str | URL, **options: Any) -> CaseRepository:
        """A repository on the shared, cached engine for ``url`` (schema must be upgraded)."""
        return cls.from_engine(get_engine(url), **options)

    @classmethod
    def from_settings(cls, settings: Settings | None = None, **options: Any) -> CaseRepository:
        """The repository this process is configured for (DATABASE_URL, COUNCIL_NATION)."""
        if settings is None:
            settings = load_settings()
        options.setdefault("nation", settings.council_nation)
        return cls.from_url(settings.database_url, **options)

    def new_reference(self) -> str:
        """A fresh reference to give a request up front (see :meth:`create_case_once`)."""
        return self._new_reference()

    def today(self) -> date:
        """The council's local date now (Europe/London), the 'today' of every rule."""
        return received_on(self._now())

    # -- the assistant -------------------------------------------------------------------

    def create_case(
        self,
        new_case: NewCase,
        *,
        received_at: datetime,
        actor: str = ASSISTANT,
        nation: str | None = None,
    ) -> CaseSummary:
        """Log a new request: the case, its 'created' entry and its RECEIVED clock event.

        All three are written in one transaction, so a failure leaves no half-made case.
        ``received_at`` is when the request arrived (naive means UTC); day one of the clock is
        its Europe/London date. Evidence of authority is required by default when someone
        asks on another's behalf.
        """
        fields, actor, nation, received_at = self._checked(new_case, actor, nation, received_at)
        received = received_on(received_at)

        last_error: IntegrityError | None = None
        for _attempt in range(REFERENCE_ATTEMPTS):
            reference = self._new_reference()
            try:
                with session_scope(self._sessions, write=True) as session:
                    if queries.reference_taken(session, reference):
                        continue
                    case = self._insert_case(
                        session, reference, fields, nation, received_at, received, actor
                    )
                    summary = CaseSummary.from_model(case)
            except IntegrityError as exc:
                if not self._reference_exists(reference):
                    raise  # not a reference collision: a real error
                last_error = exc  # another process took the reference meanwhile
                continue
            log.info("case %s created (%s)", summary.reference, summary.request_type)
            return summary
        log.error("no free case reference after %d attempts", REFERENCE_ATTEMPTS)
        raise InvalidCaseData("could not allocate a unique case reference") from last_error

    def create_case_once(
        self,
        new_case: NewCase,
        *,
        reference: str,
        received_at: datetime,
        actor: str = ASSISTANT,
        nation: str | None = None,
    ) -> tuple[CaseSummary, bool]:
        """Log a request under the reference it was given up front (the outbox's replay).

        Idempotent: a case that already has ``reference`` and the same conversation is this
        very request, written before (a replay after a crash, or a write that succeeded but
        reported an error); it is returned with False and nothing is written twice. The
        reference taken by another conversation raises ReferenceTaken.
        """
        fields, actor, nation, received_at = self._checked(new_case, actor, nation, received_at)
        with session_scope(self._sessions, write=True) as session:
            if queries.reference_taken(session, reference):
                existing = queries.load(session, reference)
                if existing.conversation_id != fields.get("conversation_id"):
                    raise ReferenceTaken(reference)
                return CaseSummary.from_model(existing), False
            case = self._insert_case(session, reference, fields, nation, received_at,
                                     received_on(received_at), actor)
            summary = CaseSummary.from_model(case)
        log.info("case %s created from the outbox (%s)", summary.reference, summary.request_type)
        return summary, True

    def _checked(
        self, new_case: NewCase, actor: str, nation: str | None, received_at: datetime
    ) -> tuple[dict[str, Any], str, str, datetime]:
        fields = checks.clean_fields(new_case.stored_values())
        if not fields.get("full_name"):
            raise InvalidCaseData("full_name is required")
        return (fields, checks.actor(actor), self._nation(nation),
                checks.aware(received_at, "received_at"))

    def _reference_exists(self, reference: str) -> bool:
        with session_scope(self._sessions) as session:
            return queries.reference_taken(session, reference)

    def _insert_case(
        self,
        session: Session,
        reference: str,
        fields: dict[str, Any],
        nation: str,
        received_at: datetime,
        received: date,
        actor: str,
    ) -> Case:
        now = self._now()
        case = Case(
            reference=reference,
            nation=nation,
            received_at=received_at,
            received_on=received,
            created_at=now,
            updated_at=now,
            **fields,
        )
        case.events.append(CaseEvent(kind=CREATED, on=None, at=now, actor=actor))
        case.events.append(
            CaseEvent(kind=ClockEventKind.RECEIVED.value, on=received, at=now, actor=actor)
        )
        refresh_clock(case)
        session.add(case)
        session.flush()  # one flush: the case row, then its events (all or nothing at commit)
        return case

    def find_case_for_resident(
        self,
        reference: str,
        *,
        email: str | None = None,
        date_of_birth: date | None = None,
    ) -> CaseSummary | None:
        """The case a resident asks about, if they also know a detail only they should.

        Needs the reference and at least one of email or date of birth (a blank email counts
        as not given); every detail given must match. A missing reference and a wrong detail
        both give None, the same way, so the answer does not reveal which references exist.
        """
        if date_of_birth is not None and (
            isinstance(date_of_birth, datetime) or not isinstance(date_of_birth, date)
        ):
            raise InvalidCaseData("date_of_birth must be a date")
        if email is not None and not email.strip():
            email = None
        if email is None and date_of_birth is None:
            return None
        with session_scope(self._sessions) as session:
            case = queries.resident_case(session, reference, email, date_of_birth)
            return CaseSummary.from_model(case) if case is not None else None

    def case_exists(self, reference: str) -> bool:
        """Whether a case has this reference (any spelling); never tell the resident."""
        canonical = references.normalise_reference(reference)
        return canonical is not None and self._reference_exists(canonical)

    # -- staff -----------------------------------------------------------------------------

    def get_case(self, reference: str, *, viewed_by: str | None = None) -> CaseDetail:
        """A case with its history; raises CaseNotFound.

        ``viewed_by`` (a staff username) records a 'viewed' entry: who looked at personal data
        is part of the audit trail.
        """
        with session_scope(self._sessions, write=viewed_by is not None) as session:
            case = queries.load(session, reference)
            if viewed_by is not None:
                case.events.append(
                    CaseEvent(kind=VIEWED, on=None, at=self._now(), actor=checks.actor(viewed_by))
                )
                session.flush()
            return CaseDetail.from_case(case)

    def list_cases(
        self, *, today: date | None = None, **filters: Unpack[queries.CaseFilters]
    ) -> list[CaseSummary]:
        """Cases matching every filter given, soonest due first (cases on hold last).

        ``due_within_days``: open cases due from today to today + N days; ``overdue``: open
        cases due before today; ``awaiting_id``: ID still outstanding; ``assigned_to``: the
        cases of one member of staff; ``search``: any detail a resident gives on the phone
        (part of a reference, a name now or before, an email or an address, a postcode or a
        phone number however spaced, a date of birth as typed), any case.
        """
        query = queries.cases_matching(today or self.today(), **filters)
        with session_scope(self._sessions) as session:
            return [CaseSummary.from_model(case) for case in session.scalars(query)]

    def record_event(
        self,
        reference: str,
        kind: ClockEventKind | str,
        on: date,
        actor: str,
        reason: str | None = None,
        *,
        today: date | None = None,
    ) -> CaseSummary:
        """Record a clock event (ID received, clarification, extension, completion, ...).

        The event is checked against the case's history by the clock rules; if allowed it is
        appended and the case's status and dates recomputed, all in one transaction. Raises
        InvalidCaseEvent (nothing stored) or CaseNotFound.
        """
        event = clock_event(kind, on, reason)
        actor = checks.actor(actor)
        today = today or self.today()
        with session_scope(self._sessions, write=True) as session:
            case = queries.load(session, reference, for_update=True)
            _allowed(case, event, today)
            now = self._now()
            reason_text = checks.text(reason)
            case.events.append(
                CaseEvent(kind=event.kind.value, on=on, at=now, actor=actor, reason=reason_text)
            )
            refresh_clock(case)
            case.updated_at = now
            summary = CaseSummary.from_model(case)
        log.info("case %s: %s recorded", summary.reference, event.kind.value)
        return summary

    def preview_event(
        self,
        reference: str,
        kind: ClockEventKind | str,
        on: date,
        reason: str | None = None,
        *,
        today: date | None = None,
    ) -> ClockState:
        """The clock as it would be after the event, without saving anything.

        Lets staff see the new due date before they confirm. Raises as record_event does.
        """
        event = clock_event(kind, on, reason)
        today = today or self.today()
        with session_scope(self._sessions) as session:
            return _allowed(queries.load(session, reference), event, today)

    def add_note(self, reference: str, note: str, *, actor: str) -> CaseEventRecord:
        """Add a free-text note to a case's history (changes nothing else)."""
        text = checks.text(note)
        if not text:
            raise InvalidCaseData("a note cannot be empty")
        actor = checks.actor(actor)
        with session_scope(self._sessions, write=True) as session:
            case = queries.load(session, reference, for_update=True)
            entry = CaseEvent(kind=NOTE, on=None, at=self._now(), actor=actor, reason=text)
            case.events.append(entry)
            session.flush()
            return CaseEventRecord.from_model(entry)

    def assign(self, reference: str, assignee: str | None, *, actor: str) -> CaseSummary:
        """Give the case to a member of staff (``None``: nobody), on the timeline with who
        had it before. Assigning to whoever has it already records nothing."""
        actor = checks.actor(actor)
        assignee = checks.actor(assignee) if assignee else None
        with session_scope(self._sessions, write=True) as session:
            case = queries.load(session, reference, for_update=True)
            if case.assigned_to != assignee:
                now = self._now()
                case.events.append(CaseEvent(kind=ASSIGNED, on=None, at=now, actor=actor,
                                             data={"from": case.assigned_to, "to": assignee}))
                case.assigned_to = assignee
                case.updated_at = now
            return CaseSummary.from_model(case)

    def workload(self) -> list[tuple[str | None, int]]:
        """Open cases per member of staff (None: unassigned), most loaded first."""
        with session_scope(self._sessions) as session:
            return queries.workload(session)

    def update_details(
        self, reference: str, *, actor: str, reason: str | None = None, **changes: Any
    ) -> CaseSummary:
        """Correct the requester's or the request's details, recording which fields changed.

        The audit entry names the fields and keeps their old values (``data["old"]``, the
        new ones are on the case), so the timeline shows what was corrected and from what: a
        wrong email may be where an earlier letter went. Changing what the clock waits for
        (``requires_id``, ``requires_address``, ``requires_authority``) recomputes the clock.
        """
        unknown = set(changes) - _EDITABLE_FIELDS
        if unknown:
            raise InvalidCaseData(f"these fields cannot be changed: {', '.join(sorted(unknown))}")
        cleaned = checks.clean_fields(changes)
        if "full_name" in cleaned and not cleaned["full_name"]:
            raise InvalidCaseData("full_name is required")
        actor = checks.actor(actor)
        with session_scope(self._sessions, write=True) as session:
            case = queries.load(session, reference, for_update=True)
            changed = sorted(
                name for name, value in cleaned.items() if getattr(case, name) != value
            )
            if changed:
                old = {name: jsonable(getattr(case, name)) for name in changed}
                for name in changed:
                    setattr(case, name, cleaned[name])
                now = self._now()
                case.events.append(
                    CaseEvent(
                        kind=DETAILS_CHANGED,
                        on=None,
                        at=now,
                        actor=actor,
                        reason=checks.text(reason),
                        data={"fields": changed, "old": old},
                    )
                )
                try:
                    refresh_clock(case)
                except ClockError as exc:
                    raise InvalidCaseEvent(str(exc)) from exc
                case.updated_at = now
            return CaseSummary.from_model(case)

    def _nation(self, nation: str | None) -> str:
        if nation is None:
            return self.nation
        try:
            return parse_nation(nation)
        except ValueError as exc:
            raise InvalidCaseData(str(exc)) from exc


def _allowed(case: Case, event: ClockEvent, today: date) -> ClockState:
    """The clock after ``event``, if the clock rules allow it after the case's history;
    raises InvalidCaseEvent otherwise."""
    try:
        return validate_new_event(
            clock_events(case), event, requirements(case), case.nation, today=today
        )
    except ClockError as exc:
        raise InvalidCaseEvent(str(exc)) from exc

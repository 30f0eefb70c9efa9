"""What the assistant's actions and the staff console do to cases, one unit of work each.

Every operation opens its own session and commits or rolls back before returning, and returns
plain records (``bot.cases.records``), never ORM objects. Every change appends a
``dpa_case_events`` row saying who made it, when and why; the clock columns of a case are
recomputed from its events by :func:`bot.rules.clock.compute_clock` in the same transaction.

The calls block on the database: from async code (the web app) run them in an executor.
"""
from __future__ import annotations

import hmac
import json
import logging
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable, Mapping

from sqlalchemy import and_, func, or_, select
from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.rules import references
from bot.db.engine import get_engine, make_session_factory, session_scope
from bot.cases.models import Case, CaseEvent
from bot.cases.records import (
    CaseDetail,
    CaseEventRecord,
    CaseNotFound,
    CaseSummary,
    InvalidCaseData,
    join_waiting_for,
)
from bot.cases.vocabulary import (
    ASSISTANT,
    CREATED,
    DETAILS_CHANGED,
    NOTE,
    REQUEST_TYPES,
    RESPONSE_FORMATS,
    VIEWED,
)
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
from bot.config import Settings, load_settings
from bot.rules.deadlines import DEFAULT_NATION, parse_nation, received_on

log = logging.getLogger(__name__)

REFERENCE_ATTEMPTS = 5
_CLOCK_KINDS = frozenset(kind.value for kind in ClockEventKind)

# Requester and request fields: set at creation, changed later only by update_details.
_TEXT_FIELDS = (
    "full_name",
    "previous_names",
    "address",
    "postcode",
    "previous_addresses",
    "email",
    "phone",
    "subject_name",
    "relationship",
    "authority",
    "details",
    "period",
    "services",
    "response_format",
    "id_document",
    "address_document",
    "conversation_id",
)
_EDITABLE_FIELDS = frozenset(
    (*_TEXT_FIELDS, "date_of_birth", "on_behalf", "answers", "request_type",
     "requires_id", "requires_authority")
)


class InvalidCaseEvent(InvalidCaseData, ClockError):
    """The clock rules do not allow this event now; the message is meant for staff."""


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

    def today(self) -> date:
        """The council's local date now (Europe/London), the 'today' of every rule."""
        return received_on(self._now())

    # -- the assistant -------------------------------------------------------------------

    def create_case(
        self,
        *,
        request_type: str,
        full_name: str,
        received_at: datetime,
        conversation_id: str | None = None,
        actor: str = ASSISTANT,
        nation: str | None = None,
        previous_names: str | None = None,
        date_of_birth: date | None = None,
        address: str | None = None,
        postcode: str | None = None,
        previous_addresses: str | None = None,
        email: str | None = None,
        phone: str | None = None,
        on_behalf: bool = False,
        subject_name: str | None = None,
        relationship: str | None = None,
        authority: str | None = None,
        details: str | None = None,
        answers: Mapping[str, Any] | None = None,
        period: str | None = None,
        services: str | None = None,
        response_format: str | None = None,
        id_document: str | None = None,
        address_document: str | None = None,
        requires_id: bool = True,
        requires_authority: bool | None = None,
    ) -> CaseSummary:
        """Log a new request: the case, its 'created' entry and its RECEIVED clock event.

        All three are written in one transaction, so a failure leaves no half-made case.
        ``received_at`` is when the request arrived (naive means UTC); day one of the clock is
        its Europe/London date. Evidence of authority is required by default when someone
        asks on another's behalf.
        """
        fields = _clean_fields(
            {
                "request_type": request_type,
                "full_name": full_name,
                "conversation_id": conversation_id,
                "previous_names": previous_names,
                "date_of_birth": date_of_birth,
                "address": address,
                "postcode": postcode,
                "previous_addresses": previous_addresses,
                "email": email,
                "phone": phone,
                "on_behalf": on_behalf,
                "subject_name": subject_name,
                "relationship": relationship,
                "authority": authority,
                "details": details,
                "answers": {} if answers is None else answers,
                "period": period,
                "services": services,
                "response_format": response_format,
                "id_document": id_document,
                "address_document": address_document,
                "requires_id": requires_id,
                "requires_authority": (
                    on_behalf if requires_authority is None else requires_authority
                ),
            }
        )
        if not fields.get("full_name"):
            raise InvalidCaseData("full_name is required")
        actor = _clean_actor(actor)
        nation = self._nation(nation)
        received_at = _aware(received_at, "received_at")
        received = received_on(received_at)

        last_error: IntegrityError | None = None
        for _attempt in range(REFERENCE_ATTEMPTS):
            reference = self._new_reference()
            try:
                with session_scope(self._sessions, write=True) as session:
                    if _reference_taken(session, reference):
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

    def _reference_exists(self, reference: str) -> bool:
        with session_scope(self._sessions) as session:
            return _reference_taken(session, reference)

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
        _refresh_clock(case)
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
        canonical = references.normalise_reference(reference) or ""
        with session_scope(self._sessions) as session:
            case = session.scalars(select(Case).where(Case.reference == canonical)).first()
            matches = case is not None
            if email is not None:
                stored = (case.email or "") if case is not None else ""
                matches &= bool(stored) and _same_text(stored, email)
            if date_of_birth is not None:
                stored_dob = case.date_of_birth if case is not None else None
                matches &= stored_dob is not None and stored_dob == date_of_birth
            return CaseSummary.from_model(case) if matches and case is not None else None

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
            case = _load(session, reference)
            if viewed_by is not None:
                case.events.append(
                    CaseEvent(kind=VIEWED, on=None, at=self._now(), actor=_clean_actor(viewed_by))
                )
                session.flush()
            return CaseDetail.from_case(case)

    def list_cases(
        self,
        status: str | None = None,
        request_type: str | None = None,
        due_within_days: int | None = None,
        overdue: bool = False,
        awaiting_id: bool = False,
        search: str | None = None,
        today: date | None = None,
        conversation_id: str | None = None,
    ) -> list[CaseSummary]:
        """Cases matching every filter given, soonest due first (cases on hold last).

        ``due_within_days``: open cases due from today to today + N days; ``overdue``: open
        cases due before today; ``awaiting_id``: ID still outstanding; ``search``: part of a
        reference or of the requester's or subject's name, any case.
        """
        today = today or self.today()
        query = select(Case)
        if status is not None:
            query = query.where(Case.status == _status(status))
        if request_type is not None:
            query = query.where(Case.request_type == _request_type(request_type))
        if conversation_id is not None:
            query = query.where(Case.conversation_id == conversation_id)
        open_with_due_date = and_(Case.closed_on.is_(None), Case.due_on.is_not(None))
        if due_within_days is not None:
            if due_within_days < 0:
                raise InvalidCaseData("due_within_days cannot be negative")
            horizon = today + timedelta(days=due_within_days)
            query = query.where(open_with_due_date, Case.due_on >= today, Case.due_on <= horizon)
        if overdue:
            query = query.where(open_with_due_date, Case.due_on < today)
        if awaiting_id:
            query = query.where(_waiting_for_clause("id"))
        if search is not None and search.strip():
            query = query.where(_search_clause(search))
        query = query.order_by(Case.due_on.is_(None), Case.due_on, Case.received_on, Case.id)
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
        event = _clock_event(kind, on, reason)
        actor = _clean_actor(actor)
        today = today or self.today()
        with session_scope(self._sessions, write=True) as session:
            case = _load(session, reference, for_update=True)
            try:
                validate_new_event(
                    _clock_events(case), event, _requirements(case), case.nation, today=today
                )
            except ClockError as exc:
                raise InvalidCaseEvent(str(exc)) from exc
            now = self._now()
            case.events.append(
                CaseEvent(kind=event.kind.value, on=on, at=now, actor=actor, reason=_text(reason))
            )
            _refresh_clock(case)
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
        event = _clock_event(kind, on, reason)
        today = today or self.today()
        with session_scope(self._sessions) as session:
            case = _load(session, reference)
            try:
                return validate_new_event(
                    _clock_events(case), event, _requirements(case), case.nation, today=today
                )
            except ClockError as exc:
                raise InvalidCaseEvent(str(exc)) from exc

    def add_note(self, reference: str, note: str, *, actor: str) -> CaseEventRecord:
        """Add a free-text note to a case's history (changes nothing else)."""
        text = _text(note)
        if not text:
            raise InvalidCaseData("a note cannot be empty")
        actor = _clean_actor(actor)
        with session_scope(self._sessions, write=True) as session:
            case = _load(session, reference, for_update=True)
            entry = CaseEvent(kind=NOTE, on=None, at=self._now(), actor=actor, reason=text)
            case.events.append(entry)
            session.flush()
            return CaseEventRecord.from_model(entry)

    def update_details(
        self, reference: str, *, actor: str, reason: str | None = None, **changes: Any
    ) -> CaseSummary:
        """Correct the requester's or the request's details, recording which fields changed.

        The audit entry names the fields but not their old or new values, so a correction
        does not leave a copy of the wrong personal data behind. Changing what the clock
        waits for (``requires_id``, ``requires_authority``) recomputes the clock.
        """
        unknown = set(changes) - _EDITABLE_FIELDS
        if unknown:
            raise InvalidCaseData(f"these fields cannot be changed: {', '.join(sorted(unknown))}")
        cleaned = _clean_fields(changes)
        if "full_name" in cleaned and not cleaned["full_name"]:
            raise InvalidCaseData("full_name is required")
        actor = _clean_actor(actor)
        with session_scope(self._sessions, write=True) as session:
            case = _load(session, reference, for_update=True)
            changed = sorted(
                name for name, value in cleaned.items() if getattr(case, name) != value
            )
            if changed:
                for name in changed:
                    setattr(case, name, cleaned[name])
                now = self._now()
                case.events.append(
                    CaseEvent(
                        kind=DETAILS_CHANGED,
                        on=None,
                        at=now,
                        actor=actor,
                        reason=_text(reason),
                        data={"fields": changed},
                    )
                )
                try:
                    _refresh_clock(case)
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


# -- helpers -----------------------------------------------------------------------------


def _load(session: Session, reference: str, *, for_update: bool = False) -> Case:
    canonical = references.normalise_reference(reference)
    if canonical is None:
        raise CaseNotFound(reference)
    query = select(Case).where(Case.reference == canonical)
    if for_update:  # PostgreSQL: serialise writers on this case (SQLite: BEGIN IMMEDIATE)
        query = query.with_for_update()
    case = session.scalars(query).first()
    if case is None:
        raise CaseNotFound(reference)
    return case


def _reference_taken(session: Session, reference: str) -> bool:
    return session.scalar(select(Case.id).where(Case.reference == reference)) is not None


def _clock_events(case: Case) -> list[ClockEvent]:
    """The case's clock events in the order they were recorded (the clock sorts by date)."""
    return [
        ClockEvent(ClockEventKind(event.kind), event.on, event.reason)
        for event in case.events
        if event.kind in _CLOCK_KINDS
    ]


def _requirements(case: Case) -> Requirements:
    return Requirements(id=case.requires_id, authority=case.requires_authority)


def _refresh_clock(case: Case) -> None:
    """Recompute the cached clock columns from the events (the only place that sets them)."""
    state = compute_clock(_clock_events(case), _requirements(case), case.nation)
    case.status = state.status.value
    case.clock_started_on = state.clock_started_on
    case.due_on = state.due_on
    case.extended = state.extended
    case.extension_reason = state.extension_reason
    case.extension_notice_by = state.extension_notice_by
    case.paused_days = state.paused_days
    case.waiting_for = join_waiting_for(state.waiting_for)
    case.closed_on = state.closed_on


def _clock_event(kind: ClockEventKind | str, on: date, reason: str | None) -> ClockEvent:
    try:
        return ClockEvent(kind, on, reason)  # type: ignore[arg-type]  # it parses strings
    except ClockError as exc:
        raise InvalidCaseEvent(str(exc)) from exc
    except TypeError as exc:
        raise InvalidCaseData(str(exc)) from exc


def _waiting_for_clause(item: str) -> Any:
    """SQL for "``item`` is one of the comma-separated waiting_for values"."""
    column = Case.waiting_for
    return or_(
        column == item,
        column.like(f"{item},%"),
        column.like(f"%,{item}"),
        column.like(f"%,{item},%"),
    )


def _search_clause(search: str) -> Any:
    term = search.strip().lower()
    pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    clauses = [
        func.lower(column).like(pattern, escape="\\")
        for column in (Case.reference, Case.full_name, Case.subject_name, Case.previous_names)
    ]
    canonical = references.normalise_reference(search)
    if canonical is not None:
        clauses.append(Case.reference == canonical)
    return or_(*clauses)


def _status(value: str) -> str:
    try:
        return Status(value).value
    except ValueError:
        valid = ", ".join(status.value for status in Status)
        raise InvalidCaseData(f"unknown status {value!r}: expected one of {valid}") from None


def _request_type(value: str) -> str:
    if value not in REQUEST_TYPES:
        raise InvalidCaseData(
            f"unknown request type {value!r}: expected one of {', '.join(REQUEST_TYPES)}"
        )
    return value


def _clean_fields(values: Mapping[str, Any]) -> dict[str, Any]:
    """Validate and tidy requester/request fields (strip text, blank means not given)."""
    cleaned: dict[str, Any] = {}
    for name, value in values.items():
        if name in _TEXT_FIELDS:
            cleaned[name] = _text(value, name)
        elif name in ("on_behalf", "requires_id", "requires_authority"):
            if not isinstance(value, bool):
                raise InvalidCaseData(f"{name} must be true or false")
            cleaned[name] = value
        elif name == "date_of_birth":
            if value is not None and (isinstance(value, datetime) or not isinstance(value, date)):
                raise InvalidCaseData("date_of_birth must be a date")
            cleaned[name] = value
        elif name == "answers":
            cleaned[name] = _answers(value)
        elif name == "request_type":
            cleaned[name] = _request_type(value)
        else:
            raise InvalidCaseData(f"unknown field {name!r}")
    if cleaned.get("postcode"):
        cleaned["postcode"] = " ".join(cleaned["postcode"].upper().split())
    if cleaned.get("response_format") and cleaned["response_format"] not in RESPONSE_FORMATS:
        raise InvalidCaseData(
            f"unknown response format {cleaned['response_format']!r}: "
            f"expected one of {', '.join(RESPONSE_FORMATS)}"
        )
    return cleaned


def _text(value: Any, name: str = "text") -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidCaseData(f"{name} must be text")
    value = value.strip()
    if not value:
        return None
    column = Case.__table__.columns.get(name)
    limit = getattr(column.type, "length", None) if column is not None else None
    if limit is not None and len(value) > limit:
        raise InvalidCaseData(f"{name} is longer than {limit} characters")
    return value


def _answers(value: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidCaseData("answers must be a mapping of question to answer")
    try:
        return json.loads(json.dumps(dict(value)))
    except (TypeError, ValueError) as exc:
        raise InvalidCaseData(f"answers must be JSON-serialisable: {exc}") from None


def _clean_actor(actor: str) -> str:
    if not isinstance(actor, str) or not actor.strip():
        raise InvalidCaseData("every change needs an actor (who made it)")
    actor = actor.strip()
    if len(actor) > 100:
        raise InvalidCaseData("actor is longer than 100 characters")
    return actor


def _aware(moment: datetime, name: str) -> datetime:
    """UTC-aware ``moment``; naive values are taken as UTC, as bot.rules.deadlines does."""
    if isinstance(moment, datetime):
        if moment.tzinfo is None or moment.utcoffset() is None:
            return moment.replace(tzinfo=timezone.utc)
        return moment.astimezone(timezone.utc)
    raise InvalidCaseData(f"{name} must be a datetime")


def _same_text(stored: str, given: str) -> bool:
    """Case-insensitive comparison in constant time (no timing hint about the stored value)."""
    return hmac.compare_digest(
        stored.strip().casefold().encode("utf-8"), given.strip().casefold().encode("utf-8")
    )
